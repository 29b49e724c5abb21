#!/usr/bin/env python3
"""Round trip of codetune's two LoRA exports through transformers and peft.

Usage (make the inputs with LoRAParityTests, see Tests/ModelsTests/LoRAParityTests.swift):
  CODETUNE_LORA_EXPORT_CHECK_DIR=DIR swift test --filter LoRAParityTests/testExportsReproduceTheAdaptedModel
  /work/venv-ref/bin/python Tests/ModelsTests/Fixtures/check_lora_export.py DIR

DIR holds `base/` (the frozen base, a Hugging Face directory), `merged/` (codetune export of the adapter
checkpoint: base with the adapters folded in), `adapter/` (codetune export --adapter: PEFT's
adapter_config.json + adapter_model.safetensors) and `codetune_logits.safetensors` (input ids and the
logits codetune computed with the live adapters). Checks, in float32 with eager attention:
  1. AutoModelForCausalLM.from_pretrained(merged) reproduces codetune's logits;
  2. PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), adapter) reproduces them.
Exit 0 when both are within 1e-4 (max absolute difference), 1 otherwise.
"""
import os
import sys

import torch
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

TOLERANCE = 1e-4


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    expected = load_file(os.path.join(root, "codetune_logits.safetensors"))
    ids = expected["input_ids"].to(torch.int64)
    load = lambda d: AutoModelForCausalLM.from_pretrained(d, attn_implementation="eager", dtype=torch.float32).eval()
    ok = True
    for label, model in [
        ("merged export in transformers", load(os.path.join(root, "merged"))),
        ("adapter export in peft on the base", PeftModel.from_pretrained(load(os.path.join(root, "base")), os.path.join(root, "adapter")).eval()),
    ]:
        with torch.no_grad():
            logits = model(input_ids=ids).logits
        diff = (logits - expected["logits"]).abs().max().item()
        good = diff <= TOLERANCE
        ok &= good
        print(f"{label}: logits {tuple(logits.shape)} max |python - codetune| = {diff:.3e} "
              f"(max |logit| {expected['logits'].abs().max().item():.3f}, tolerance {TOLERANCE:g}): {'OK' if good else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
