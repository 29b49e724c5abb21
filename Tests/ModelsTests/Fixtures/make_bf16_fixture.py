#!/usr/bin/env python3
"""Writes `mistral_tiny/expected_bf16.safetensors`: what PyTorch computes from the `mistral_tiny` fixture
(made by make_fixture.py; same checkpoint, same batch) when the matrix products run in bf16.
`swift test --filter BF16ParityTests` checks codetune's bf16 tape against it.

Two references, both on the fixture's batch:

  autocast.logits / autocast.loss / autocast.grad.<param>
      transformers' MistralForCausalLM under torch.autocast("cpu", dtype=torch.bfloat16): what a PyTorch
      user gets. Autocast also rounds every linear's *output* to bf16 (codetune's products return Float32)
      and runs the rest of attention (softmax included) in bf16, so this reference sits about one bf16
      rounding away from codetune's result.
  emulated.logits / emulated.loss / emulated.grad.<param>
      the same model with every nn.Linear (the tied head included) replaced by exactly codetune's bf16
      product: operands x, W (forward) and dy (backward) rounded to bf16 (round to nearest even), products
      and sums in Float32, results Float32; and attention's five products likewise (q, k, v, P, dO and dS
      rounded to bf16; the softmax, dS = P ∘ (dP − D) and D = rowsum(dO ∘ O) in Float32), as codetune's
      attention tiles on a bf16 tape; everything else Float32. codetune differs from this only by summation
      order.
  fp32.logits / fp32.loss
      the plain Float32 model (as expected.safetensors), to state how far bf16 moves things.

Regenerate (needs torch + transformers; tests never do):
  /work/venv-ref/bin/python Tests/ModelsTests/Fixtures/make_bf16_fixture.py
"""
import os

import torch
from safetensors.torch import load_file, save_file
from transformers import MistralForCausalLM
import transformers.models.mistral.modeling_mistral as modeling_mistral

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "mistral_tiny"


class BF16Linear(torch.autograd.Function):
    """y = round(x)·round(W)ᵀ in Float32; dx = round(dy)·round(W), dW = round(dy)ᵀ·round(x)."""

    @staticmethod
    def forward(ctx, x, w):
        xr, wr = x.bfloat16().float(), w.bfloat16().float()
        ctx.save_for_backward(xr, wr)
        return xr @ wr.t()

    @staticmethod
    def backward(ctx, dy):
        xr, wr = ctx.saved_tensors
        dyr = dy.bfloat16().float()
        dx = dyr @ wr
        dw = dyr.reshape(-1, dyr.shape[-1]).t() @ xr.reshape(-1, xr.shape[-1])
        return dx, dw


def bf16(t):
    return t.bfloat16().float()


class BF16Attention(torch.autograd.Function):
    """O = round(P)·round(V), P = softmax(scale·round(Q)·round(K)ᵀ + mask) in Float32; backward as codetune's
    tiles: dV = round(P)ᵀ·round(dO), dP = round(dO)·round(V)ᵀ, dS = P ∘ (dP − rowsum(dO ∘ O)),
    dQ = scale·round(dS)·round(K), dK = scale·round(dS)ᵀ·round(Q). q [B, H, T, hd], k and v repeated to H heads."""

    @staticmethod
    def forward(ctx, q, k, v, mask, scaling):
        qr, kr, vr = bf16(q), bf16(k), bf16(v)
        s = (qr @ kr.transpose(-1, -2)) * scaling
        if mask is not None:
            s = s + mask
        p = torch.softmax(s, dim=-1)
        o = bf16(p) @ vr
        ctx.save_for_backward(qr, kr, vr, p, o)
        ctx.scaling = scaling
        return o

    @staticmethod
    def backward(ctx, do):
        qr, kr, vr, p, o = ctx.saved_tensors
        dor = bf16(do)
        dv = bf16(p).transpose(-1, -2) @ dor
        dp = dor @ vr.transpose(-1, -2)
        ds = p * (dp - (do * o).sum(-1, keepdim=True))
        dsr = bf16(ds)
        return ctx.scaling * (dsr @ kr), ctx.scaling * (dsr.transpose(-1, -2) @ qr), dv, None, None


def bf16_attention_forward(module, query, key, value, attention_mask, scaling, dropout=0.0, **kwargs):
    """Stands in for transformers' eager attention (same arguments and result)."""
    key = modeling_mistral.repeat_kv(key, module.num_key_value_groups)
    value = modeling_mistral.repeat_kv(value, module.num_key_value_groups)
    mask = attention_mask[:, :, :, : key.shape[-2]] if attention_mask is not None else None
    out = BF16Attention.apply(query, key, value, mask, scaling)
    return out.transpose(1, 2).contiguous(), None


def run(model, ids, labels, autocast: bool):
    model.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        out = model(input_ids=ids, labels=labels)
    out.loss.backward()
    tensors = {"logits": out.logits.detach().float().contiguous(), "loss": out.loss.detach().float().reshape(1)}
    for pname, p in model.named_parameters():
        tensors["grad." + pname] = p.grad.detach().clone().contiguous()
    return tensors


def main():
    torch.use_deterministic_algorithms(True)
    directory = os.path.join(HERE, NAME)
    expected = load_file(os.path.join(directory, "expected.safetensors"))
    ids, labels = expected["input_ids"], expected["labels"]
    model = MistralForCausalLM.from_pretrained(directory, torch_dtype=torch.float32, attn_implementation="eager")
    model.train()

    fp32 = run(model, ids, labels, autocast=False)
    autocast = run(model, ids, labels, autocast=True)
    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            assert module.bias is None
            module.forward = (lambda m: (lambda x: BF16Linear.apply(x, m.weight)))(module)
    emulated_fp32_attention = run(model, ids, labels, autocast=False)
    modeling_mistral.eager_attention_forward = bf16_attention_forward
    emulated = run(model, ids, labels, autocast=False)
    assert (emulated["logits"] - emulated_fp32_attention["logits"]).abs().max().item() > 0, "attention not replaced"

    tensors = {}
    for prefix, t in (("autocast.", autocast), ("emulated.", emulated)):
        tensors.update({prefix + k: v for k, v in t.items()})
    tensors["fp32.logits"], tensors["fp32.loss"] = fp32["logits"], fp32["loss"]
    save_file(tensors, os.path.join(directory, "expected_bf16.safetensors"), metadata={"format": "pt"})

    def gap(a, b):
        return (a - b).abs().max().item()
    print(f"loss fp32 {fp32['loss'].item():.6f} autocast {autocast['loss'].item():.6f} emulated {emulated['loss'].item():.6f}")
    print(f"logits max |autocast - fp32| {gap(autocast['logits'], fp32['logits']):.5f}, "
          f"|emulated - fp32| {gap(emulated['logits'], fp32['logits']):.5f}, "
          f"|emulated - autocast| {gap(emulated['logits'], autocast['logits']):.5f}, "
          f"max |logit| {fp32['logits'].abs().max().item():.3f}")
    worst = {"autocast": 0.0, "emulated": 0.0, "emulated_vs_autocast": 0.0}
    for k in fp32:
        if not k.startswith("grad."):
            continue
        scale = fp32[k].abs().max().item() + 1e-12
        worst["autocast"] = max(worst["autocast"], gap(autocast[k], fp32[k]) / scale)
        worst["emulated"] = max(worst["emulated"], gap(emulated[k], fp32[k]) / scale)
        worst["emulated_vs_autocast"] = max(worst["emulated_vs_autocast"], gap(emulated[k], autocast[k]) / scale)
    print("worst gradient gap / max |g|: " + ", ".join(f"{k} {v:.4f}" for k, v in worst.items()))


if __name__ == "__main__":
    main()
