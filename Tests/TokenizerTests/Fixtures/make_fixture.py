"""Makes the tokenizer parity fixture with the Hugging Face `tokenizers` library.

Run: /work/pyenv/bin/python Tests/TokenizerTests/Fixtures/make_fixture.py
Writes, beside this script:
  hf_bpe_600.json         a byte-level BPE (vocab 600) trained by `tokenizers` on the training text below
  hf_bpe_600_strmerges.json  the same tokenizer with merges written as "a b" strings (the pre-0.20 format)
  train_docs.json         the training documents (a JSON list of strings), so the Swift tests can train
                          on them and compare vocabulary and merges with hf_bpe_600.json
  hf_bpe_600_prefix_space.json, hf_bpe_600_ignore_merges.json  the same with add_prefix_space / ignore_merges true
  hf_parity_cases.json    {"tokenizers_version", "training_text_sha256", "cases": [{"text", "ids", "words"}]}
                          (the first 80 cases also have "ids_prefix_space" and "ids_ignore_merges")
                          ids: what `tokenizers` encodes (no post-processing ids are added by ByteLevel);
                          words: the ByteLevel pre-tokenizer's split of the text (byte-level strings).
The Swift tests (TokenizerParityTests) load these and must reproduce every id and word.
"""
import hashlib
import json
import os
import random
import sysconfig

import tokenizers
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|pad|>"]


def training_text():
    """A few standard-library modules plus multilingual prose: code, unicode, digits, whitespace."""
    stdlib = sysconfig.get_paths()["stdlib"]
    docs = []
    for rel in ["textwrap.py", "json/decoder.py", "string.py", "shlex.py"]:
        with open(os.path.join(stdlib, rel), encoding="utf-8") as f:
            docs.append(f.read())
    docs.append(
        "Grüße aus München! Ça va très bien. Ελληνικά κείμενα. Русский текст здесь.\n"
        "中文文本在这里，还有更多的中文。日本語のテキストです。한국어 텍스트입니다.\n"
        "Emoji: 😀😃😄 👍🏽 🇫🇷 — numbers ①②③ ²³ Ⅷ 12345 3.14159 0x1F 1e-9\n"
        "    indented\tlines\t\twith tabs   and trailing spaces   \n\n\n"
        "It's, we're, they've, I'm, you'll, he'd, don't, CAN'T 'S 's\n"
    )
    return docs


def build():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    docs = training_text()
    tok.train_from_iterator(docs, trainer)
    return tok, docs


FIXED_CASES = [
    "",
    " ",
    "  ",
    "\n",
    "def add(a, b):\n    return a + b\n",
    "class Foo(Bar):\n\tdef __init__(self):\n\t\tself.x = [1, 2, 3]  # comment\n",
    "if x == 10 and y != 20:\n        print(f\"{x!r:>10}\")\r\n",
    "Hello world",
    "the tokenizers parity test: tokenizers parity, Ġparity",
    "Hello  world   ",
    "trailing spaces   ",
    "   leading spaces",
    "tabs\t\there\t",
    "newlines\n\n\nand\r\n\r\nmore\n",
    "mixed \t \n whitespace \u00a0\u00a0 nbsp \u3000 ideographic",
    "It's we're they've I'm you'll he'd don't 'S 's 'x '''",
    "numbers 1234567890 3.14 1e-9 0xFF 1_000_000 ²³ ①② Ⅷ",
    "unicode: Grüße, Ça va, Ελληνικά, Русский, naïve café",
    "CJK: 中文文本在这里 日本語のテキスト 한국어 텍스트",
    "emoji: 😀😃 👍🏽 🇫🇷 👨‍👩‍👧 ❤️",
    "combining: e\u0301 a\u0308 zero\u200bwidth",
    "<|endoftext|>",
    "before<|endoftext|>after",
    "<fim_prefix>def f(x):\n    <fim_suffix>\n    return y<fim_middle>",
    "x <|pad|><|pad|> y",
    "<|endoftext|<|endoftext|>>",
    "<fim_prefix<fim_middle>",
    "control \x00\x01\x1f\x7f chars",
    "long identifier " + "a" * 300,
    "long space run" + " " * 50 + "x",
    "quotes \"double\" 'single' `back`",
    "symbols !@#$%^&*()_+-=[]{}|;:,.<>/?~",
    # long words take the heap path in the Swift encoder
    "".join(random.Random(7).choice("abcdeéfstre") for _ in range(700)),
    "x = " + "=-" * 150 + "\n" * 80 + "end",
    "self" * 100 + " " + "ab" * 200,
]


def random_cases(n, seed=1234):
    alphabet = list("aZsStrevlmd'0123456789 _.(-") + [
        " ", " ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2028", "\u0085", "\x0b", "\x1c",
        "é", "ß", "中", "語", "한", "²", "①", "Ⅷ", "٣", "\u0301", "\u200b", "\u00ad", "😀", "🏽", "€", "—",
    ]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        if rng.random() < 0.1:
            k = rng.randint(0, len(s))
            s = s[:k] + rng.choice(SPECIALS) + s[k:]
        out.append(s)
    return out


def main():
    tok, docs = build()
    path = os.path.join(HERE, "hf_bpe_600.json")
    tok.save(path)
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    data["model"]["merges"] = [" ".join(m) if isinstance(m, list) else m for m in data["model"]["merges"]]
    with open(os.path.join(HERE, "hf_bpe_600_strmerges.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)

    def ignore_merges(d):
        # Whole words in the vocabulary that merges would split: ignore_merges makes them one token.
        d["model"].update(ignore_merges=True)
        d["model"]["vocab"].update({"Ġtokenizers": 600, "Ġparity": 601})

    # Variants of the same tokenizer: ByteLevel add_prefix_space, and BPE ignore_merges.
    variants = {}
    for name, edit in [("prefix_space", lambda d: d["pre_tokenizer"].update(add_prefix_space=True)),
                       ("ignore_merges", ignore_merges)]:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        edit(d)
        with open(os.path.join(HERE, f"hf_bpe_600_{name}.json"), "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False, indent=1)
        variants[name] = Tokenizer.from_str(json.dumps(d))

    bl = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    cases = []
    for text in FIXED_CASES + random_cases(300):
        enc = tok.encode(text)
        assert tok.decode(enc.ids, skip_special_tokens=False) == text, repr(text)
        words = [w for w, _ in bl.pre_tokenize_str(text)] if not any(s in text for s in SPECIALS) else None
        case = {"text": text, "ids": enc.ids, "words": words}
        if len(cases) < 80:
            for name, variant in variants.items():
                case["ids_" + name] = variant.encode(text).ids
        cases.append(case)
    with open(os.path.join(HERE, "train_docs.json"), "w", encoding="utf-8") as f:
        json.dump(docs, f, ensure_ascii=False)
    digest = hashlib.sha256("\x00".join(docs).encode()).hexdigest()
    with open(os.path.join(HERE, "hf_parity_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"tokenizers_version": tokenizers.__version__, "training_text_sha256": digest,
                   "cases": cases}, f, ensure_ascii=False, indent=0)
    print(f"wrote {len(cases)} cases, vocab {tok.get_vocab_size()}")


if __name__ == "__main__":
    main()
