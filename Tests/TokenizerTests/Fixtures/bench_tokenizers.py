"""The `tokenizers` side of the tokenizer benchmark (codetune's side: `codetune tokenizer train` / `encode --bench`).

Run: /work/pyenv/bin/python Tests/TokenizerTests/Fixtures/bench_tokenizers.py [VOCAB] [--save OUT.json]
Trains byte-level BPE (VOCAB, default 4096, specials of docs/file-formats.md) on the .py files of the standard library
of this interpreter (without test/tests/idle_test/site-packages directories), then encodes those files with
the trained tokenizer: per-document `encode` on one thread, and `encode_batch` on all threads.
Prints one JSON object.
"""
import json
import os
import sys
import sysconfig
import time

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

SPECIALS = ["<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|pad|>"]
EXCLUDED = {"test", "tests", "idle_test", "site-packages"}


def stdlib_files():
    root = sysconfig.get_paths()["stdlib"]
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in EXCLUDED and not x.startswith("."))
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith(".py") and not f.startswith(".")]
    return out


def main():
    vocab = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 4096
    texts = []
    for f in stdlib_files():
        try:
            with open(f, encoding="utf-8") as h:
                texts.append(h.read())
        except UnicodeDecodeError:
            pass
    nbytes = sum(len(t.encode()) for t in texts)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    t0 = time.perf_counter()
    tok.train_from_iterator(texts, trainer)
    train_s = time.perf_counter() - t0
    if "--save" in sys.argv:
        tok.save(sys.argv[sys.argv.index("--save") + 1])
    best1 = bestb = float("inf")
    tokens = 0
    for _ in range(3):
        t0 = time.perf_counter()
        tokens = sum(len(tok.encode(t).ids) for t in texts)
        best1 = min(best1, time.perf_counter() - t0)
        t0 = time.perf_counter()
        tok.encode_batch(texts)
        bestb = min(bestb, time.perf_counter() - t0)
    print(json.dumps({"files": len(texts), "bytes": nbytes, "vocab": tok.get_vocab_size(), "train_seconds": train_s,
                      "tokens": tokens, "mb_per_s_1_thread": nbytes / 1e6 / best1,
                      "mb_per_s_batch": nbytes / 1e6 / bestb, "threads": os.cpu_count()}))


if __name__ == "__main__":
    main()
