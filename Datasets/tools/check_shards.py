#!/usr/bin/env python3
"""Cross-check a prepared dataset against Hugging Face `tokenizers`.

For every document in the train and validation shards (documents end with the end-of-text
id), decode it with the dataset's tokenizer.json and re-encode the text with the `tokenizers`
library: the ids must be the ones in the shard. Also checks each shard's SHA-256 and token
count against manifest.json. Needs numpy and tokenizers (e.g. /work/pyenv/bin/python);
the Swift tests never run it.

    python Datasets/tools/check_shards.py Datasets/cache/python-stdlib-<hash>
"""
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer


def main(directory: str) -> int:
    root = Path(directory)
    manifest = json.loads((root / "manifest.json").read_text())
    tokenizer = Tokenizer.from_file(str(root / manifest["tokenizer"]["file"]))
    dtype = {"uint16": "<u2", "uint32": "<u4"}[manifest["token_dtype"]]
    eot = manifest["tokenizer"]["end_of_text_id"]
    failures = 0
    for split, info in sorted(manifest["splits"].items()):
        parts = []
        for shard in info["shards"]:
            data = (root / shard["file"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != shard["sha256"]:
                print(f"{shard['file']}: sha256 differs from the manifest")
                failures += 1
            ids = np.frombuffer(data, dtype=dtype)
            if len(ids) != shard["tokens"]:
                print(f"{shard['file']}: {len(ids)} tokens, manifest says {shard['tokens']}")
                failures += 1
            parts.append(ids.astype(np.int64))
        ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        documents = np.split(ids, np.where(ids == eot)[0] + 1)[:-1]
        differ = 0
        for doc in documents:
            body = doc[:-1].tolist()
            text = tokenizer.decode(body, skip_special_tokens=False)
            if tokenizer.encode(text, add_special_tokens=False).ids != body:
                differ += 1
        print(f"{split}: {len(documents)} documents (manifest {info['documents']}), {len(ids)} tokens, "
              f"{differ} encode differently with tokenizers")
        failures += differ + (len(documents) != info["documents"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
