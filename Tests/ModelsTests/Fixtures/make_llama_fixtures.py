#!/usr/bin/env python3
"""Writes the Llama-family loading fixtures that `swift test --filter PretrainedLoadingTests` checks.

Each fixture directory is a Hugging Face checkpoint of a tiny random model (`save_pretrained`) and
`expected.safetensors` with what `transformers` computed from it:

  input_ids   I64 [B, T]   token ids
  logits      F32 [B, T, V]
  prompt      I64 [P]      a prompt (input_ids[0, :P])
  greedy      I64 [64]     the 64 tokens greedy decoding appends to it (argmax, no end-of-sequence stop)
  targets, loss, grad.<param>   (Hugging Face directories only) next-token targets (-100 = ignored), the
              mean cross-entropy and every parameter's gradient (tied embedding: both uses; Qwen2 biases)

Fixtures:
  llama_tiny   LlamaForCausalLM  vocab 96, hidden 32, 2 layers, 4 heads, 2 kv heads, MLP 64, tied, rope θ 50000
  qwen2_tiny   Qwen2ForCausalLM  vocab 96, hidden 32, 2 layers, 4 heads, 2 kv heads, MLP 64, tied, q/k/v biases
  llama_tiny_gguf/model.gguf
               llama_tiny written as llama.cpp's converter writes it (q/k rows permuted), with F32 norms,
               Q8_0 embedding and k, Q4_1 q and MLP, F16 v, F32 o; expected.safetensors holds the logits
               and greedy tokens of `transformers`' own GGUF loading of that file (dequantized, unpermuted);
               model_q5_0.gguf is the same with v in Q5_0, a type codetune refuses.

Regenerate (needs torch + transformers + gguf; tests never do):
  /work/venv-ref/bin/python Tests/ModelsTests/Fixtures/make_llama_fixtures.py
"""
import os
import shutil

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
GREEDY = 64
SHAPE = dict(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=True,
             bos_token_id=1, eos_token_id=2)


def randomize(model) -> None:
    """Weights well away from the init (as make_fixture.py), biases non-zero."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.copy_(0.5 * torch.randn_like(p))
            elif p.dim() == 1:
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
            elif "embed_tokens" in name:
                p.copy_(0.2 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / p.shape[1] ** 0.5)


def greedy(model, prompt: torch.Tensor) -> torch.Tensor:
    """GREEDY argmax tokens after `prompt` [P], full forward each step (no cache, no stop token)."""
    ids = prompt.reshape(1, -1)
    with torch.no_grad():
        for _ in range(GREEDY):
            nxt = model(input_ids=ids).logits[0, -1].argmax().reshape(1, 1)
            ids = torch.cat([ids, nxt], dim=1)
    return ids[0, prompt.numel():].clone()


def expected(model, ids: torch.Tensor, prompt_length: int = 8) -> dict:
    model.eval()
    with torch.no_grad():
        logits = model(input_ids=ids).logits
    prompt = ids[0, :prompt_length].clone()
    return {"input_ids": ids, "logits": logits.contiguous(), "prompt": prompt, "greedy": greedy(model, prompt)}


def make_hf(name: str, model, seed: int):
    torch.manual_seed(seed)
    randomize(model)
    out = os.path.join(HERE, name)
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out, safe_serialization=True)
    gen = os.path.join(out, "generation_config.json")
    if os.path.exists(gen):
        os.remove(gen)
    ids = torch.randint(0, SHAPE["vocab_size"], (2, 12), dtype=torch.int64)
    exp = expected(model, ids)
    # Training through the loaded model: the loss on next tokens and every parameter's gradient (biases included).
    targets = torch.full_like(ids, -100)
    targets[:, :-1] = ids[:, 1:]
    model.zero_grad(set_to_none=True)
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    exp["targets"] = targets
    exp["loss"] = loss.detach().reshape(1)
    for pname, p in model.named_parameters():
        exp["grad." + pname] = p.grad.detach().clone().contiguous()
    save_file(exp, os.path.join(out, "expected.safetensors"), metadata={"format": "pt"})
    print(f"{name}: greedy {exp['greedy'][:12].tolist()}…")
    return ids


def permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp convert_hf_to_gguf.py's LlamaModel.permute (q: heads, k: kv heads)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(model, path: str, override=None) -> None:
    import gguf
    from gguf import GGMLQuantizationType as Q

    c = model.config
    w = gguf.GGUFWriter(path, "llama")
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_block_count(c.num_hidden_layers)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_rope_freq_base(c.rope_parameters["rope_theta"] if hasattr(c, "rope_parameters") and c.rope_parameters else c.rope_theta)
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_dimension_count(c.hidden_size // c.num_attention_heads)
    w.add_vocab_size(c.vocab_size)
    # A minimal gpt2 tokenizer so transformers' GGUF loader accepts the file: one byte-alphabet token per id.
    alphabet = [chr(i) for i in range(ord("!"), ord("!") + c.vocab_size)]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(alphabet)
    w.add_token_types([1] * c.vocab_size)
    w.add_token_merges([])
    w.add_bos_token_id(c.bos_token_id)
    w.add_eos_token_id(c.eos_token_id)
    types = {"token_embd": Q.Q8_0, "attn_q": Q.Q4_1, "attn_k": Q.Q8_0, "attn_v": Q.F16, "attn_output": Q.F32,
             "ffn_gate": Q.Q4_1, "ffn_up": Q.Q4_1, "ffn_down": Q.Q4_1, **(override or {})}
    renames = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
               "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "post_attention_layernorm": "ffn_norm",
               "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down"}
    for name, p in model.state_dict().items():
        data = p.detach().float().numpy()
        if name == "model.embed_tokens.weight":
            gname = "token_embd.weight"
        elif name == "model.norm.weight":
            gname = "output_norm.weight"
        elif name == "lm_head.weight":
            continue
        else:
            _, _, layer, rest = name.split(".", 3)
            module, suffix = rest.rsplit(".", 1)
            gname = f"blk.{layer}.{renames[module]}.{suffix}"
        if gname.endswith("attn_q.weight"):
            data = permute(data, c.num_attention_heads)
        elif gname.endswith("attn_k.weight"):
            data = permute(data, c.num_key_value_heads)
        qtype = Q.F32 if data.ndim == 1 else types[gname.split(".")[-2]]
        if qtype == Q.F32:
            w.add_tensor(gname, data.astype(np.float32))
        elif qtype == Q.F16:
            w.add_tensor(gname, data.astype(np.float16))
        else:
            w.add_tensor(gname, gguf.quants.quantize(data, qtype), raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main() -> None:
    torch.use_deterministic_algorithms(True)
    llama = LlamaForCausalLM(LlamaConfig(**SHAPE, rope_theta=50000.0, attn_implementation="eager")).float()
    ids = make_hf("llama_tiny", llama, seed=4321)
    qwen = Qwen2ForCausalLM(Qwen2Config(**SHAPE, rope_theta=20000.0, use_sliding_window=False,
                                        attn_implementation="eager")).float()
    make_hf("qwen2_tiny", qwen, seed=8765)

    out = os.path.join(HERE, "llama_tiny_gguf")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    path = os.path.join(out, "model.gguf")
    write_gguf(llama, path)
    loaded = LlamaForCausalLM.from_pretrained(out, gguf_file="model.gguf", dtype=torch.float32,
                                              attn_implementation="eager")
    # The same file with the v projections in Q5_0, which codetune refuses (naming the tensor and type).
    write_gguf(llama, os.path.join(out, "model_q5_0.gguf"), override={"attn_v": __import__("gguf").GGMLQuantizationType.Q5_0})
    exp = expected(loaded, ids)
    save_file(exp, os.path.join(out, "expected.safetensors"), metadata={"format": "pt"})
    with torch.no_grad():
        gap = (exp["logits"] - llama(input_ids=ids).logits).abs().max().item()
    print(f"llama_tiny_gguf: quantization moves logits by up to {gap:.4f} from the fp32 model; "
          f"greedy {exp['greedy'][:12].tolist()}…")


if __name__ == "__main__":
    main()
