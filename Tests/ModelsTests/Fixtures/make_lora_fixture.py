#!/usr/bin/env python3
"""Writes the LoRA parity fixture that `swift test --filter LoRAParityTests` checks codetune against.

`lora_tiny/` holds:
  config.json, model.safetensors   the frozen base: a tiny random `MistralForCausalLM` without sliding window,
                                   i.e. the Llama architecture (same layers and tensor names), tied embeddings
  adapter_config.json,             PEFT's `save_pretrained` of a LoraConfig(r 4, alpha 8, dropout 0, all seven
  adapter_model.safetensors        projections) whose B is random (not PEFT's zero init) so the test is not trivial
  expected.safetensors:
    input_ids  I64 [B, T]; targets I64 [B, T] (aligned: targets[:, t] = labels[:, t + 1], -100 ignored)
    logits     F32 [B, T, V] of the PEFT model (train mode, dropout 0)
    loss       F32 [1]
    grad.<PEFT key>  F32  d loss / d lora_A / lora_B of every adapter (the base is frozen: no other gradient)

Regenerate (needs torch + transformers + peft; tests never do):
  /work/venv-ref/bin/python Tests/ModelsTests/Fixtures/make_lora_fixture.py
"""
import os
import shutil

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import save_file
from transformers import MistralConfig, MistralForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def main() -> None:
    torch.manual_seed(4321)
    vocab, batch, seq = 80, 2, 10
    config = MistralConfig(
        vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=64, rope_theta=10000.0, rms_norm_eps=1e-5,
        sliding_window=None, tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, attn_implementation="eager",
    )
    model = MistralForCausalLM(config).float()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
            elif "embed_tokens" in name:
                p.copy_(0.2 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
    out_dir = os.path.join(HERE, "lora_tiny")
    shutil.rmtree(out_dir, ignore_errors=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    gen = os.path.join(out_dir, "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)

    lora = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=TARGETS, task_type="CAUSAL_LM")
    peft_model = get_peft_model(model, lora)
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                p.copy_(0.5 * torch.randn_like(p))
    peft_model.train()
    peft_model.save_pretrained(out_dir)   # adapter_config.json + adapter_model.safetensors
    readme = os.path.join(out_dir, "README.md")   # PEFT's model card, not needed
    if os.path.exists(readme):
        os.remove(readme)

    ids = torch.randint(0, vocab, (batch, seq), dtype=torch.int64)
    labels = ids.clone()
    labels[0, :3] = -100
    targets = torch.full_like(labels, -100)
    targets[:, :-1] = labels[:, 1:]
    out = peft_model(input_ids=ids, labels=labels)
    out.loss.backward()
    tensors = {"input_ids": ids, "targets": targets, "logits": out.logits.detach().contiguous(),
               "loss": out.loss.detach().reshape(1)}
    count = 0
    for name, p in peft_model.named_parameters():
        if p.requires_grad:
            key = name.replace(".default.weight", ".weight")   # PEFT's saved key (no adapter name)
            tensors["grad." + key] = p.grad.detach().clone().contiguous()
            count += 1
        else:
            assert p.grad is None, name
    save_file(tensors, os.path.join(out_dir, "expected.safetensors"), metadata={"format": "pt"})
    print(f"lora_tiny: loss {out.loss.item():.6f}, {count} adapter gradients")


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    main()
