#!/usr/bin/env python3
"""Round trip: does a `codetune export` directory load in transformers and give codetune's logits?

Usage (make the inputs as described in Tests/ModelsTests/ExportTests.swift):
  /work/pyenv/bin/python Tests/ModelsTests/Fixtures/check_export.py EXPORT_DIR CODETUNE_LOGITS.safetensors

Loads EXPORT_DIR with AutoModelForCausalLM.from_pretrained (eager attention, float32), runs the
input ids stored in CODETUNE_LOGITS.safetensors and compares with the logits codetune wrote there.
Exit 0 when the max absolute difference is within the tolerance (1e-4), 1 otherwise.
"""
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

TOLERANCE = 1e-4


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    export_dir, logits_file = sys.argv[1], sys.argv[2]
    model = AutoModelForCausalLM.from_pretrained(export_dir, attn_implementation="eager", dtype=torch.float32)
    model.eval()
    print(f"loaded {type(model).__name__} from {export_dir}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"tied head: {model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()}, "
          f"sliding_window: {model.config.sliding_window}")
    expected = load_file(logits_file)
    ids = expected["input_ids"].to(torch.int64)
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    diff = (logits - expected["logits"]).abs().max().item()
    scale = expected["logits"].abs().max().item()
    ok = diff <= TOLERANCE
    print(f"logits {tuple(logits.shape)}: max |transformers - codetune| = {diff:.3e} (max |logit| {scale:.3f}, "
          f"tolerance {TOLERANCE:g}): {'OK' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
