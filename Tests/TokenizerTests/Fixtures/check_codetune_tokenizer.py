"""Checks, by hand, that a tokenizer trained and saved by codetune works in the `tokenizers` library.

Run: /work/pyenv/bin/python Tests/TokenizerTests/Fixtures/check_codetune_tokenizer.py CODETUNE_BIN DIR [VOCAB]
 1. `codetune tokenizer train --input DIR --extension py --vocab-size VOCAB --out TMP/tokenizer.json`
 2. loads that file with `tokenizers.Tokenizer.from_file` and encodes every .py file under DIR and the
    parity cases; compares with `codetune tokenizer encode --tokenizer TMP/tokenizer.json FILE`
 3. trains the same vocabulary with `tokenizers`' BpeTrainer on the same files and compares vocab and merges.
Exit status 0 when everything is identical.
"""
import json
import os
import subprocess
import sys
import tempfile

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
SPECIALS = ["<|endoftext|>", "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|pad|>"]


def main():
    binary, root = sys.argv[1], sys.argv[2]
    vocab = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "tokenizer.json")
    subprocess.run([binary, "tokenizer", "train", "--input", root, "--extension", "py", "--vocab-size", str(vocab),
                    "--out", path, "--quiet"], check=True)
    ours = Tokenizer.from_file(path)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".py")
                   and not any(p.startswith(".") for p in os.path.relpath(os.path.join(d, f), root).split(os.sep)))
    texts = []
    for f in files:
        try:
            with open(f, encoding="utf-8") as h:
                texts.append(h.read())
        except UnicodeDecodeError:
            pass
    with open(os.path.join(HERE, "hf_parity_cases.json"), encoding="utf-8") as h:
        texts += [c["text"] for c in json.load(h)["cases"]]
    mismatches = 0
    for i, text in enumerate(texts):
        tf = os.path.join(tmp, f"t{i}.txt")
        with open(tf, "w", encoding="utf-8", newline="") as h:
            h.write(text)
        swift = subprocess.run([binary, "tokenizer", "encode", "--tokenizer", path, tf], check=True,
                               capture_output=True, text=True).stdout.split()
        py = ours.encode(text).ids
        if [int(x) for x in swift] != py:
            mismatches += 1
            print("encode mismatch:", repr(text[:80]))
        if ours.decode(py, skip_special_tokens=False) != text:
            mismatches += 1
            print("decode mismatch:", repr(text[:80]))
    print(f"encoded {len(texts)} texts: {mismatches} mismatches")

    ref = Tokenizer(models.BPE())
    ref.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    ref.decoder = decoders.ByteLevel()
    ref.post_processor = processors.ByteLevel(trim_offsets=False)
    ref.train_from_iterator(texts[: len(texts) - len(json.load(open(os.path.join(HERE, "hf_parity_cases.json")))["cases"])],
                            trainers.BpeTrainer(vocab_size=vocab, special_tokens=SPECIALS, show_progress=False,
                                                initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    a, b = json.loads(ref.to_str()), json.load(open(path, encoding="utf-8"))
    same_vocab = a["model"]["vocab"] == b["model"]["vocab"]
    same_merges = [tuple(m) for m in a["model"]["merges"]] == [tuple(m) for m in b["model"]["merges"]]
    print(f"training vs tokenizers: vocab identical {same_vocab}, merges identical {same_merges}")
    sys.exit(0 if mismatches == 0 and same_vocab and same_merges else 1)


if __name__ == "__main__":
    main()
