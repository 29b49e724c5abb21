#!/usr/bin/env python3
"""Writes `dtypes.safetensors`, which `swift test --filter FileFormatsTests.SafeTensorsTests` reads:
one set of values stored as F32, F16 and BF16 (exactly representable in all three), plus an I64 and an
I32 tensor, written by the Python `safetensors` library from PyTorch tensors, to check the reader's
conversions.

Regenerate (needs torch + safetensors; tests never do):
  /work/pyenv/bin/python Tests/FileFormatsTests/Fixtures/make_dtypes.py
"""
import os

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def make_dtypes() -> None:
    values = torch.tensor([[0.0, 1.0, -2.5, 0.15625], [3.0e4, -1.0e-3, 65504.0, -0.0]], dtype=torch.float32)
    # Round to values that F16 and BF16 both hold exactly.
    values = values.to(torch.bfloat16).to(torch.float32)
    values = values.to(torch.float16).to(torch.float32)
    save_file({
        "f32": values,
        "f16": values.to(torch.float16),
        "bf16": values.to(torch.bfloat16),
        "i64": torch.tensor([0, 1, -100, 2**40], dtype=torch.int64),
        "i32": torch.tensor([[7, -8], [9, 2**30]], dtype=torch.int32),
    }, os.path.join(HERE, "dtypes.safetensors"), metadata={"format": "pt"})


if __name__ == "__main__":
    make_dtypes()
