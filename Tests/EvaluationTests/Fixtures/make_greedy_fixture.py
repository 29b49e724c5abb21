#!/usr/bin/env python3
"""Writes greedy.json: what `transformers`' generate() decodes greedily from the ModelsTests checkpoints,
for `SamplerTests.testGreedyMatchesTransformersGenerate`, and the tokens `transformers`' temperature, top-k
and top-p warpers keep (with their probabilities) for random logits, for `testWarpersMatchTransformers`.

Usage: /work/pyenv/bin/python Tests/EvaluationTests/Fixtures/make_greedy_fixture.py

For each checkpoint (Tests/ModelsTests/Fixtures/mistral_tiny and mistral_tiny_window, the latter with a
sliding window of 4) and each prompt, generate(do_sample=False) with the KV cache, no end token, a fixed
number of new tokens. Also records the smallest gap between the best and second-best logit over the steps,
so a test failure can be told apart from a float near-tie.
"""
import json
import pathlib

import torch
from transformers import AutoModelForCausalLM
from transformers.generation.logits_process import (LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper,
                                                    TopPLogitsWarper)

HERE = pathlib.Path(__file__).resolve().parent
MODELS = HERE.parent.parent / "ModelsTests" / "Fixtures"
NEW_TOKENS = 20


def main() -> None:
    cases = []
    for name, prompts in [("mistral_tiny", [[5, 17, 33, 2, 90, 41], [7]]),
                          ("mistral_tiny_window", [[3, 9, 1, 27, 5, 5, 60, 12]])]:
        model = AutoModelForCausalLM.from_pretrained(MODELS / name, attn_implementation="eager", dtype=torch.float32)
        model.eval()
        model.generation_config.eos_token_id = None
        model.generation_config.pad_token_id = 0
        for prompt in prompts:
            ids = torch.tensor([prompt])
            with torch.no_grad():
                out = model.generate(ids, do_sample=False, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS,
                                     output_scores=True, return_dict_in_generate=True, use_cache=True)
            gaps = [float(s[0].topk(2).values[0] - s[0].topk(2).values[1]) for s in out.scores]
            cases.append({"checkpoint": name, "prompt": prompt, "generated": out.sequences[0, len(prompt):].tolist(),
                          "smallest_gap": min(gaps)})
    warpers = []
    generator = torch.Generator().manual_seed(0)
    for temperature, top_k, top_p, scale in [(1.0, 0, 0.9, 1), (0.7, 0, 0.5, 1), (1.3, 10, 0.95, 3), (0.8, 5, 1.0, 3),
                                             (2.0, 0, 0.999, 3), (1.0, 20, 0.8, 1)]:
        logits = torch.randn(1, 50, generator=generator) * scale
        processors = LogitsProcessorList([TemperatureLogitsWarper(temperature)])
        if top_k > 0:
            processors.append(TopKLogitsWarper(top_k))
        if top_p < 1:
            processors.append(TopPLogitsWarper(top_p))
        warped = processors(torch.zeros(1, 1, dtype=torch.long), logits.clone())
        probs = torch.softmax(warped, dim=-1)[0]
        kept = [i for i in range(50) if torch.isfinite(warped[0, i])]
        warpers.append({"temperature": temperature, "top_k": top_k, "top_p": top_p, "logits": logits[0].tolist(),
                        "kept": kept, "probabilities": [float(probs[i]) for i in kept]})
    (HERE / "greedy.json").write_text(json.dumps({"transformers_generate": cases, "transformers_warpers": warpers}) + "\n")
    print(f"wrote {HERE / 'greedy.json'}: {len(cases)} cases")


if __name__ == "__main__":
    main()
