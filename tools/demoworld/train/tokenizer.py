"""A CLIP-style byte-level BPE tokenizer learned from the demo world's vocabulary.

    python -m tools.demoworld.train.tokenizer --out OUT/tokenizer

The base vocabulary is CLIP's: the 256 byte symbols, each also with the end-of-word marker ``</w>``, so
any text can be encoded. Merges are learned by plain BPE (most frequent adjacent pair first, ties broken
alphabetically) over the caption words and the edit words a reasoner uses in prompts, until every one
of those words is a single token. Writes ``vocab.json``, ``merges.txt``, ``special_tokens_map.json`` and
``tokenizer_config.json``, loadable with ``transformers.CLIPTokenizer.from_pretrained``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os

from ..palette import BACKGROUND_COLORS, OBJECT_COLORS, SIZE_WORDS
from ..shapes import SHAPES

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
#: Maximum caption length in tokens (the text model's max_position_embeddings).
MAX_LENGTH = 32
#: Words of captions besides colours, shapes, sizes and background names.
CAPTION_WORDS = ["a", "an", "and", "on", "background"]
#: Words a reasoner's source/target prompts use for edits (single tokens too, so prompts stay short).
EDIT_WORDS = ["the", "to", "of", "in", "at", "with", "is", "moved", "move", "left", "right", "up", "down",
              "top", "bottom", "center", "larger", "smaller", "bigger", "wider", "taller", "narrower",
              "shorter", "enlarged", "shrunk", "stretched", "horizontally", "vertically", "rotated"]


def bytes_to_unicode() -> dict[int, str]:
    """CLIP/GPT-2's reversible byte → printable-unicode table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def corpus_words() -> collections.Counter:
    """Word frequencies: every vocabulary word once, caption words weighted by how often captions use them."""
    words = collections.Counter()
    for w in CAPTION_WORDS + EDIT_WORDS + list(SIZE_WORDS) + list(SHAPES) + list(OBJECT_COLORS):
        words[w] += 1
    for name in BACKGROUND_COLORS:
        for w in name.split():
            words[w] += 1
    for w in CAPTION_WORDS + list(SIZE_WORDS) + list(SHAPES) + list(OBJECT_COLORS):
        words[w] += 2
    return words


def learn_merges(words: collections.Counter) -> list[tuple[str, str]]:
    """BPE merges until every word is one symbol (deterministic)."""
    byte_map = bytes_to_unicode()
    split = {}
    for w, n in words.items():
        syms = [byte_map[b] for b in w.encode("utf-8")]
        syms[-1] += "</w>"
        split[tuple(syms)] = split.get(tuple(syms), 0) + n
    merges = []
    while True:
        pairs = collections.Counter()
        for syms, n in split.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += n
        if not pairs:
            return merges
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        merged = {}
        for syms, n in split.items():
            out, i = [], 0
            while i < len(syms):
                if i + 1 < len(syms) and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + n
        split = merged


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    base = list(bytes_to_unicode().values())
    tokens = base + [b + "</w>" for b in base] + ["".join(m) for m in merges] + [BOS, EOS]
    vocab = {}
    for t in tokens:
        vocab.setdefault(t, len(vocab))
    return vocab


def write_tokenizer(out: str) -> dict[str, int]:
    """Learn the merges and write the tokenizer folder; returns the vocabulary."""
    os.makedirs(out, exist_ok=True)
    merges = learn_merges(corpus_words())
    vocab = build_vocab(merges)
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=0)
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    special = {"bos_token": BOS, "eos_token": EOS, "unk_token": EOS, "pad_token": EOS}
    with open(os.path.join(out, "special_tokens_map.json"), "w") as f:
        json.dump(special, f, indent=1)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_LENGTH,
                   "do_lower_case": True, **special}, f, indent=1)
    return vocab


def tokenize(tokenizer, captions: list[str]):
    """Token ids of ``captions`` as the text model takes them: a (N, MAX_LENGTH) tensor, padded and truncated."""
    return tokenizer(captions, padding="max_length", max_length=MAX_LENGTH, truncation=True,
                     return_tensors="pt").input_ids


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Learn the demo-world BPE tokenizer.")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    vocab = write_tokenizer(a.out)
    print(f"wrote {a.out}: {len(vocab)} tokens")


if __name__ == "__main__":
    main()
