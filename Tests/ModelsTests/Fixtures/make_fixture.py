#!/usr/bin/env python3
"""Writes the parity fixtures that `swift test --filter ModelsTests` checks codetune's model against.

Each fixture is a directory holding a Hugging Face checkpoint of a tiny random `MistralForCausalLM`
(`config.json` + `model.safetensors`, exactly as `save_pretrained` writes them) and
`expected.safetensors` with what PyTorch computed from it:

  input_ids          I64 [B, T]    token ids
  labels             I64 [B, T]    Hugging Face convention (shifted inside the loss), -100 = ignored
  targets            I64 [B, T]    the same, already aligned: targets[:, t] = labels[:, t + 1], last = -100
  logits             F32 [B, T, V]
  loss               F32 [1]       mean cross-entropy over the unmasked targets
  grad.<param name>  F32           d loss / d parameter, for every parameter (tied embedding: both uses)
  adamw_losses       F32 [5]       loss after each of 5 AdamW steps on the same batch
  adamw_grad_norms   F32 [5]       global gradient norm (before clipping) at each of those steps

AdamW hyper-parameters (codetune's optimizer applies them the same way):
  lr 1e-2, betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on the 2-D linear weights only
  (q/k/v/o, gate/up/down projections) -- not on the norms and not on the tied embedding --
  and global gradient-norm clipping at 1.0 (torch.nn.utils.clip_grad_norm_) before each step.

Fixtures:
  mistral_tiny         vocab 96, hidden 32, 2 layers, 4 heads, 2 kv heads, MLP 64, no sliding window
  mistral_tiny_window  vocab 64, hidden 16, 2 layers, 4 heads, 2 kv heads, MLP 32, sliding window 4 < T = 12

The safetensors reader's own fixture is made by `Tests/FileFormatsTests/Fixtures/make_dtypes.py`.

Regenerate (needs torch + transformers; tests never do):
  /work/pyenv/bin/python Tests/ModelsTests/Fixtures/make_fixture.py
"""
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
from transformers import MistralConfig, MistralForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))

LR = 1e-2
BETAS = (0.9, 0.95)
EPS = 1e-8
WEIGHT_DECAY = 0.1
CLIP = 1.0
STEPS = 5


def decays(name: str, p: torch.Tensor) -> bool:
    """codetune's rule: decay the 2-D projection weights, not norms and not the (tied) embedding."""
    return p.dim() == 2 and "embed_tokens" not in name


def make(name: str, seed: int, vocab: int, hidden: int, inter: int, layers: int, heads: int,
         kv_heads: int, window, batch: int = 2, seq: int = 12) -> None:
    torch.manual_seed(seed)
    config = MistralConfig(
        vocab_size=vocab, hidden_size=hidden, intermediate_size=inter, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=kv_heads, max_position_embeddings=64,
        rope_theta=10000.0, rms_norm_eps=1e-5, sliding_window=window, tie_word_embeddings=True,
        bos_token_id=1, eos_token_id=2, attn_implementation="eager",
    )
    model = MistralForCausalLM(config).float()
    # Random weights well away from the init (std 0.02 gives near-uniform logits that would
    # hide a wrong RoPE layout or head mapping), and norm gains away from 1.
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if p.dim() == 1:
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
            elif "embed_tokens" in pname:
                p.copy_(0.2 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)
    model.train()  # no dropout in Mistral; train mode only matters for nothing here

    ids = torch.randint(0, vocab, (batch, seq), dtype=torch.int64)
    labels = ids.clone()
    labels[0, :4] = -100            # a masked "prompt"
    labels[1, 5] = -100             # an isolated masked position
    labels[1, 9] = -100
    targets = torch.full_like(labels, -100)
    targets[:, :-1] = labels[:, 1:]

    out_dir = os.path.join(HERE, name)
    shutil.rmtree(out_dir, ignore_errors=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    gen = os.path.join(out_dir, "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)

    out = model(input_ids=ids, labels=labels)
    logits, loss = out.logits, out.loss
    own = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), targets.reshape(-1), ignore_index=-100)
    assert torch.allclose(own, loss), (own, loss)
    loss.backward()

    if window is not None:
        # Prove the window is really exercised: without it the logits must differ.
        full = MistralForCausalLM(MistralConfig(**{**config.to_dict(), "sliding_window": None})).float()
        full.config._attn_implementation = "eager"
        full.load_state_dict(model.state_dict())
        with torch.no_grad():
            gap = (full(input_ids=ids).logits - logits).abs().max().item()
        assert gap > 1e-2, f"sliding window {window} changed nothing (max logit gap {gap})"
        print(f"{name}: sliding window {window} moves logits by up to {gap:.4f}")

    tensors = {
        "input_ids": ids,
        "labels": labels,
        "targets": targets,
        "logits": logits.detach().contiguous(),
        "loss": loss.detach().reshape(1),
    }
    for pname, p in model.named_parameters():
        tensors["grad." + pname] = p.grad.detach().clone().contiguous()

    model.zero_grad(set_to_none=True)
    params = list(model.named_parameters())
    groups = [
        {"params": [p for n, p in params if decays(n, p)], "weight_decay": WEIGHT_DECAY},
        {"params": [p for n, p in params if not decays(n, p)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=LR, betas=BETAS, eps=EPS)
    losses, norms = [], []
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        model(input_ids=ids, labels=labels).loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)))
        opt.step()
        with torch.no_grad():
            losses.append(float(model(input_ids=ids, labels=labels).loss))
    tensors["adamw_losses"] = torch.tensor(losses, dtype=torch.float32)
    tensors["adamw_grad_norms"] = torch.tensor(norms, dtype=torch.float32)
    save_file(tensors, os.path.join(out_dir, "expected.safetensors"), metadata={"format": "pt"})
    print(f"{name}: loss {loss.item():.6f}, adamw losses {[round(x, 5) for x in losses]}, grad norms {[round(x, 4) for x in norms]}")


if __name__ == "__main__":
    torch.use_deterministic_algorithms(True)
    make("mistral_tiny", seed=1234, vocab=96, hidden=32, inter=64, layers=2, heads=4, kv_heads=2, window=None)
    make("mistral_tiny_window", seed=5678, vocab=64, hidden=16, inter=32, layers=2, heads=4, kv_heads=2, window=4)
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(HERE) for f in fs)
    print(f"fixtures total {total} bytes", file=sys.stderr)
