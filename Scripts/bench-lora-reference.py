#!/usr/bin/env python3
"""PyTorch + PEFT reference for `codetune bench train --lora-rank R`: LoRA training throughput on one shape.

A random Llama-architecture model (transformers' LlamaForCausalLM, tied embeddings, SDPA attention; or
--impl mini, the hand-written block of ../shared/bench/torch_train_reference.py) under
peft.get_peft_model(LoraConfig(r=R, lora_alpha=2R, lora_dropout=0, all seven projections)): every base
parameter frozen, AdamW (lr 3e-4, weight decay 0.1) on the adapters, gradient clipping at 1.0, float32,
one fixed random batch. 2 warm-up steps, then --steps timed ones. Defaults: SmolLM2-135M's shape
(30 layers, hidden 576, 9 heads, 3 KV heads, MLP 1536, vocab 49152).

Prints one JSON object: tokens/s, ms/step and the process's peak resident memory (ru_maxrss).

  /work/venv-ref/bin/python Scripts/bench-lora-reference.py --batch 4 --ctx 256 --steps 3 --threads 2
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from peft import LoraConfig, get_peft_model

p = argparse.ArgumentParser()
p.add_argument("--impl", default="hf", choices=["hf", "mini"])
p.add_argument("--vocab", type=int, default=49152); p.add_argument("--ctx", type=int, default=256)
p.add_argument("--dim", type=int, default=576); p.add_argument("--hidden", type=int, default=1536)
p.add_argument("--layers", type=int, default=30); p.add_argument("--heads", type=int, default=9)
p.add_argument("--kv", type=int, default=3); p.add_argument("--batch", type=int, default=4)
p.add_argument("--rank", type=int, default=8)
p.add_argument("--steps", type=int, default=3); p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
               help="bf16: the step's forward under torch.autocast('cpu', bfloat16), as a PEFT user turns it on")
a = p.parse_args()
torch.manual_seed(0)
torch.set_num_threads(a.threads)


def rope(x, cos, sin):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return x * cos + torch.cat((-x2, x1), -1) * sin


class Block(nn.Module):
    """One decoder layer with Hugging Face's module names, so PEFT's target names apply."""
    def __init__(s):
        super().__init__()
        hd = a.dim // a.heads
        s.hd = hd
        s.input_layernorm = nn.RMSNorm(a.dim, eps=1e-5)
        s.post_attention_layernorm = nn.RMSNorm(a.dim, eps=1e-5)
        s.q_proj = nn.Linear(a.dim, a.heads * hd, bias=False); s.k_proj = nn.Linear(a.dim, a.kv * hd, bias=False)
        s.v_proj = nn.Linear(a.dim, a.kv * hd, bias=False); s.o_proj = nn.Linear(a.heads * hd, a.dim, bias=False)
        s.gate_proj = nn.Linear(a.dim, a.hidden, bias=False); s.up_proj = nn.Linear(a.dim, a.hidden, bias=False)
        s.down_proj = nn.Linear(a.hidden, a.dim, bias=False)

    def forward(s, x, cos, sin):
        B, T, C = x.shape
        h = s.input_layernorm(x)
        q = s.q_proj(h).view(B, T, a.heads, s.hd).transpose(1, 2)
        k = s.k_proj(h).view(B, T, a.kv, s.hd).transpose(1, 2)
        v = s.v_proj(h).view(B, T, a.kv, s.hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        x = x + s.o_proj(y.transpose(1, 2).reshape(B, T, C))
        h = s.post_attention_layernorm(x)
        return x + s.down_proj(F.silu(s.gate_proj(h)) * s.up_proj(h))


class Mini(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(a.vocab, a.dim)
        s.layers = nn.ModuleList([Block() for _ in range(a.layers)])
        s.norm = nn.RMSNorm(a.dim, eps=1e-5)
        hd = a.dim // a.heads
        inv = 1.0 / (100000 ** (torch.arange(0, hd, 2).float() / hd))
        f = torch.outer(torch.arange(a.ctx).float(), inv)
        e = torch.cat((f, f), -1)
        s.register_buffer("cos", e.cos()); s.register_buffer("sin", e.sin())

    def forward(s, input_ids, labels):
        x = s.emb(input_ids)
        for b in s.layers:
            x = b(x, s.cos, s.sin)
        logits = s.norm(x) @ s.emb.weight.t()
        return F.cross_entropy(logits.view(-1, a.vocab), labels.view(-1))


if a.impl == "hf":
    from transformers import LlamaConfig, LlamaForCausalLM
    cfg = LlamaConfig(vocab_size=a.vocab, hidden_size=a.dim, intermediate_size=a.hidden, num_hidden_layers=a.layers,
                      num_attention_heads=a.heads, num_key_value_heads=a.kv, max_position_embeddings=max(a.ctx, 2048),
                      rope_theta=100000.0, rms_norm_eps=1e-5, tie_word_embeddings=True, attn_implementation="sdpa")
    base = LlamaForCausalLM(cfg).float()
else:
    base = Mini()
    with torch.no_grad():   # transformers' init: matrices N(0, 0.02²), norms 1
        for q in base.parameters():
            if q.dim() == 2:
                q.normal_(0, 0.02)
targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
model = get_peft_model(base, LoraConfig(r=a.rank, lora_alpha=2 * a.rank, lora_dropout=0.0, target_modules=targets))
model.train()
if a.impl == "hf":
    # Shift labels ourselves (targets already aligned, as codetune's bench), so HF's loss is plain CE.
    def fwd(x, y):
        logits = model(input_ids=x).logits
        return F.cross_entropy(logits.view(-1, a.vocab), y.view(-1))
else:
    fwd = lambda x, y: model(input_ids=x, labels=y)
trainable = [q for q in model.parameters() if q.requires_grad]
opt = torch.optim.AdamW(trainable, lr=3e-4, weight_decay=0.1)
x = torch.randint(0, a.vocab, (a.batch, a.ctx)); y = torch.randint(0, a.vocab, (a.batch, a.ctx))


def step():
    opt.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
        loss = fwd(x, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(trainable, 1.0)
    opt.step()
    return loss.item()


losses = [step() for _ in range(a.warmup)]
t0 = time.perf_counter()
losses += [step() for _ in range(a.steps)]
dt = time.perf_counter() - t0
print(json.dumps(dict(
    impl=f"pytorch-peft-{a.impl}", precision=a.precision, params=sum(q.numel() for q in base.parameters()),
    trainable_params=sum(q.numel() for q in trainable), rank=a.rank, batch=a.batch, context=a.ctx, threads=a.threads,
    tokens_per_s=round(a.batch * a.ctx * a.steps / dt, 1), ms_per_step=round(1000 * dt / a.steps, 1),
    peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    losses=[round(v, 5) for v in losses])))
