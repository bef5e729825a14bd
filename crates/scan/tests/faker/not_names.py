#!/usr/bin/env python3
"""Add to crates/scan/data/not_names.txt the common words the name scorer
accepts standing alone between punctuation.

Source: the jieba dictionary (`pip install jieba`; dict.txt, MIT licence):
its 2–3 character entries whose POS tag is not a person's (nr*) and whose
frequency is 5 or more. Each is written as `。WORD，` to a temporary file, the
scanner's ignored test `not_names_candidates` reports those found whole as a
name, and they are merged into the list (most frequent first).

    python not_names.py
"""

import os
import re
import subprocess
import tempfile

import jieba

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data", "not_names.txt")
DICT = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")

freq = {}
for line in open(DICT, encoding="utf-8"):
    w, f, p = line.split()
    if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", w) and not p.startswith("nr") and int(f) >= 5:
        freq[w] = max(freq.get(w, 0), int(f))

with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, "words.txt")
    out = os.path.join(tmp, "flagged.txt")
    with open(inp, "w", encoding="utf-8") as o:
        for w in freq:
            o.write(f"。{w}，\n")
    env = dict(os.environ, NOT_NAMES_INPUT=inp, NOT_NAMES_OUTPUT=out)
    subprocess.run(
        ["cargo", "test", "-q", "-p", "scan", "--test", "faker", "--", "--ignored", "not_names_candidates"],
        check=True,
        env=env,
    )
    flagged = [w for w in open(out, encoding="utf-8").read().split("\n") if w]

text = open(DATA, encoding="utf-8").read()
header = "".join(l + "\n" for l in text.split("\n") if l.startswith("#"))
have = [w for l in text.split("\n") if l and not l.startswith("#") for w in l.split()]
words = sorted(set(have) | set(flagged), key=lambda w: (-freq.get(w, 0), w))
rows = [" ".join(words[i : i + 20]) for i in range(0, len(words), 20)]
with open(DATA, "w", encoding="utf-8") as o:
    o.write(header + "\n".join(rows) + "\n")
print(f"{len(words)} words ({len(set(flagged) - set(have))} new)")
