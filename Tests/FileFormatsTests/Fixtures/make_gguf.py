#!/usr/bin/env python3
"""Writes the GGUF fixtures that `swift test --filter FileFormatsTests.GGUFTests` reads:

- `tiny.gguf`: written by the `gguf` package's GGUFWriter (llama.cpp's own Python writer): one tensor of
  each type codetune dequantizes (F32, F16, BF16, Q8_0, Q4_0, Q4_1; a 3-D Q4_0 for the dims order), a
  Q6_K tensor it must refuse, metadata of every GGUF value type (arrays of strings, nested arrays), and
  `general.alignment` = 64.
- `tiny_expected.safetensors`: each tensor dequantized by `gguf.quants.dequantize` (the reference), F32,
  in PyTorch shape order; the Swift reader must agree bit for bit.
- `tiny_expected.json`: the tensor infos as gguf's GGUFReader sees them (ne order, type, data offset).

Regenerate (needs `pip install gguf numpy safetensors` in a venv outside the repo; the tests never do):
  /tmp/gguf-venv/bin/python Tests/FileFormatsTests/Fixtures/make_gguf.py
"""
import json
from importlib import metadata
import math
import os

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q, GGUFValueType as V
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def tensors(rng):
    """name -> (float32 values in PyTorch shape, ggml type)."""
    f16_specials = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.0e-8, -6.0e-8, 1.0e-5, np.inf, -np.inf,
                             np.nan, 0.333, 1.0e-7, 3.14159, -1.0e4], dtype=np.float32)
    return {
        "f32": (np.concatenate([rng.standard_normal(93).astype(np.float32),
                                np.array([0.0, -0.0, 1e-45], dtype=np.float32)]).reshape(3, 32), Q.F32),
        "f16": (np.concatenate([f16_specials, rng.standard_normal(16).astype(np.float32)]).reshape(2, 16), Q.F16),
        "bf16": ((rng.standard_normal(32) * 100).astype(np.float32).reshape(4, 8), Q.BF16),
        "q8_0": ((rng.standard_normal(256) * 0.05).astype(np.float32).reshape(4, 64), Q.Q8_0),
        "q4_0": ((rng.standard_normal(256) * 0.05).astype(np.float32).reshape(4, 64), Q.Q4_0),
        "q4_1": ((rng.standard_normal(256) * 0.05 + 0.01).astype(np.float32).reshape(4, 64), Q.Q4_1),
        "blk.0.attn_q.weight": ((rng.standard_normal(384) * 0.1).astype(np.float32).reshape(2, 3, 64), Q.Q4_0),
    }


def main() -> None:
    rng = np.random.default_rng(15)
    path = os.path.join(HERE, "tiny.gguf")
    w = gguf.GGUFWriter(path, arch="llama")
    w.add_custom_alignment(64)
    w.add_uint8("test.uint8", 200)
    w.add_int8("test.int8", -100)
    w.add_uint16("test.uint16", 60000)
    w.add_int16("test.int16", -30000)
    w.add_uint32("test.uint32", 4_000_000_000)
    w.add_int32("test.int32", -2_000_000_000)
    w.add_float32("test.float32", 0.1)
    w.add_uint64("test.uint64", 2**63 + 5)
    w.add_int64("test.int64", -(2**62))
    w.add_float64("test.float64", math.pi)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "héllo ✓\n\"quoted\"")
    w.add_array("test.strings", ["a", "", "ünï", "<|endoftext|>"])
    w.add_array("test.int32s", [1, -2, 3])
    w.add_key_value("test.uint8s", [0, 255, 7], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("test.float64s", [0.5, -1e300], V.ARRAY, sub_type=V.FLOAT64)
    w.add_array("test.bools", [True, False, True])
    w.add_array("test.nested", [[1, 2], [3]])
    expected = {}
    for name, (values, qtype) in tensors(rng).items():
        data = gguf.quants.quantize(values, qtype)
        w.add_tensor(name, data, raw_dtype=qtype)
        expected[name] = gguf.quants.dequantize(data, qtype).reshape(values.shape).astype(np.float32)
    # A type codetune refuses: one Q6_K block (256 elements, 210 bytes) of zeros.
    w.add_tensor("q6_k", np.zeros((1, 210), dtype=np.uint8), raw_dtype=Q.Q6_K)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    save_file(expected, os.path.join(HERE, "tiny_expected.safetensors"))
    reader = gguf.GGUFReader(path)
    infos = [{"name": t.name, "ne": [int(d) for d in t.shape], "type": t.tensor_type.name,
              "file_offset": int(t.data_offset), "bytes": int(t.n_bytes)} for t in reader.tensors]
    with open(os.path.join(HERE, "tiny_expected.json"), "w") as f:
        json.dump({"gguf_package": metadata.version("gguf"),
                   "alignment": int(reader.alignment), "data_offset": int(reader.data_offset), "tensors": infos}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
