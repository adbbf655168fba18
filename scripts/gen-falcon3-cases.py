#!/usr/bin/python3
"""Generates test/fixtures/tokenizer/falcon3-pretokenizer-cases.json: tokenizer cases for the
`falcon3` pre-tokenizer (tokenizer.ggml.pre = "falcon3", Falcon3's own byte-level BPE), whose
expected pieces and ids come from Python's `regex` module, not from Tern.

The rule: llama.cpp's vocabulary code gives "falcon3" the Llama 3 pre-tokenizer (the Split regex
below, the one in Falcon3's tokenizer.json), with ignore_merges (a piece that is a whole token is
that token) and a BOS token. Falcon3's 131072-token vocabulary is not among the fixtures, so the
ids are computed over the fixtures' vocabulary (the Llama 3 one of
test/fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf), by an independent byte-level BPE
here; the pieces do not depend on the vocabulary at all.

Texts: every text of the fixtures' tokenizer cases (Llama 3 and SentencePiece sets), texts aimed
at the rule's corners, and seeded random texts over letters of several scripts, digits, marks,
punctuation, symbols, emoji and every kind of whitespace.

Needs Debian's python3 with python3-regex (apt-get install python3-regex):
    /usr/bin/python3 scripts/gen-falcon3-cases.py
"""
import json
import random
import struct
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "test" / "fixtures"
VOCAB = "tokenizer/llama3-bitnet-b1.58-vocab-only.gguf"
OUT = FIXTURES / "tokenizer" / "falcon3-pretokenizer-cases.json"

# Falcon3's tokenizer.json pre-tokenizer: Split on this regex (isolated), then ByteLevel.
PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
SPLIT = regex.compile(PATTERN)


def read_gguf_strings(path):
    """tokenizer.ggml.tokens and .merges of a GGUF file (a reader just big enough for them)."""
    data = path.read_bytes()
    if data[:4] != b"GGUF":
        sys.exit(f"{path}: not a GGUF file")
    pos = 4
    version, n_tensors, n_kv = struct.unpack_from("<IQQ", data, pos)
    pos += 20
    scalar = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}

    def string(at):
        (n,) = struct.unpack_from("<Q", data, at)
        return data[at + 8 : at + 8 + n].decode("utf-8"), at + 8 + n

    def value(kind, at):
        if kind == 8:
            return string(at)
        if kind == 9:
            item, count = struct.unpack_from("<IQ", data, at)
            at += 12
            items = []
            for _ in range(count):
                v, at = value(item, at)
                items.append(v)
            return items, at
        fmt = "<" + scalar[kind]
        return struct.unpack_from(fmt, data, at)[0], at + struct.calcsize(fmt)

    found = {}
    for _ in range(n_kv):
        key, pos = string(pos)
        (kind,) = struct.unpack_from("<I", data, pos)
        found[key], pos = value(kind, pos + 4)
    return found["tokenizer.ggml.tokens"], found.get("tokenizer.ggml.merges", [])


def byte_level_alphabet():
    """GPT-2's map from bytes to printable characters (byte-level BPE's token spelling)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


class ByteLevelBpe:
    def __init__(self, tokens, merges):
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.ranks = {tuple(m.split(" ", 1)): r for r, m in enumerate(merges)}
        self.alphabet = byte_level_alphabet()

    def encode_piece(self, piece):
        word = "".join(self.alphabet[b] for b in piece.encode("utf-8"))
        if word in self.ids:  # ignore_merges: a whole token stays whole
            return [self.ids[word]]
        parts = list(word)
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                rank = self.ranks.get((parts[i], parts[i + 1]))
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, i)
            if best is None:
                break
            i = best[1]
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        return [self.ids[p] for p in parts]


def fixture_texts():
    texts = []
    for path in sorted((FIXTURES / "tokenizer").glob("*.json")) + sorted((FIXTURES / "tokenizer-spm").rglob("*.json")):
        if path == OUT:
            continue
        doc = json.loads(path.read_text("utf-8"))
        for case in doc.get("cases", []) if isinstance(doc, dict) else []:
            text = case.get("text")
            if isinstance(text, str) and case.get("text_utf8_hex", text.encode().hex()) == text.encode().hex():
                texts.append(("fixture " + str(case.get("name", len(texts))), text))
    return texts


def check_against_llama3_cases(bpe):
    """The BPE here must give the Llama 3 fixture's ids (from other tokenizers) for the same rule."""
    doc = json.loads((FIXTURES / "tokenizer" / "llama3-tokenizer-cases.json").read_text("utf-8"))
    checked = 0
    for case in doc["cases"]:
        if (case["parse_special"] and "<|" in case["text"]) or case.get("text_utf8_hex", case["text"].encode().hex()) != case["text"].encode().hex():
            continue
        ids = [i for piece in SPLIT.findall(case["text"]) for i in bpe.encode_piece(piece)]
        if ids != case["expected_ids"]:
            sys.exit(f"llama3 case {case['name']}: this generator gives {ids}, the fixture {case['expected_ids']}")
        checked += 1
    return checked


CORNERS = [
    ("contractions, every case", "I'm, you'RE, she'S, they'Ve, we'LL, he'd, it'T 'll 'x"),
    ("long s folds to s", "it\u017f fine '\u017f"),
    ("digits in threes", "1 12 123 1234 12345 123456 1234567"),
    ("numbers with separators", "3.14159, 1,000,000 and 2024-12-17 at 10:42:07"),
    ("other digits", "\u0661\u0662\u0663\u0664 \u0967\u0968 \uff11\uff12\uff13\uff14 \u00b2\u00b3\u00bd \u2460\u2461"),
    ("spaces before punctuation", "a  ,b   ..c\t!d"),
    ("newlines", "line1\nline2\r\nline3\n\n\nline4\r\r\n"),
    ("trailing spaces", "end   "),
    ("space runs before a word", "a     b"),
    ("tabs and newlines mixed", "\t\n \t \n\tx"),
    ("punctuation then newline", "Hi!!!\n\nOK?\r\n"),
    ("code", "def f(x):\n    return x**2  # square\n"),
    ("markup", "<div class=\"a\">Hello&nbsp;world</div>"),
    ("letters after a mark", "\u00a1Hola! \u00bfQu\u00e9 tal?"),
    ("combining marks", "Cafe\u0301 nai\u0308ve"),
    ("cjk", "\u4f60\u597d\uff0c\u4e16\u754c\uff01\u3053\u3093\u306b\u3061\u306f"),
    ("arabic and hebrew", "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd"),
    ("emoji", "ok \U0001F600\U0001F44D\U0001F3FD \u2764\ufe0f!"),
    ("unusual spaces", "a\u00a0b\u2003c\u3000d\u2028e"),
    ("apostrophe variants", "don\u2019t can't O'Neil 's"),
    ("lone apostrophes", "' '' ''' 'S"),
    ("only whitespace", " \n "),
    ("underscore and letters", "snake_case __init__ _x"),
]

POOLS = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\u00e9\u00f1\u00df\u00c5\u017f",
    "greek_cyrillic": "\u03b1\u03b2\u03b3\u03a9\u0434\u0436\u042f\u044b",
    "cjk": "\u4e00\u4e8c\u4e09\u4eba\u3042\u30a2\ud55c",
    "digits": "0123456789\u0663\u0968\uff15",
    "marks": "\u0301\u0308\u093e",
    "punct": ".,;:!?'\"()[]{}-_/\\@#%&*",
    "symbols": "$+<=>^`|~\u20ac\u00a9\u2192",
    "emoji": "\U0001F600\U0001F680\u2764",
    "space": "     \t",
    "newline": "\n\r",
    "other_space": "\u00a0\u2003\u3000\u2028\u000b\u000c",
}


def random_texts(rng, count):
    names = list(POOLS)
    weights = [30, 4, 4, 10, 2, 10, 4, 2, 18, 5, 2]
    texts = []
    for n in range(count):
        length = rng.randint(1, 40)
        chars = []
        for _ in range(length):
            pool = POOLS[rng.choices(names, weights)[0]]
            chars.append(rng.choice(pool))
        if rng.random() < 0.3:  # a contraction somewhere
            at = rng.randint(0, len(chars))
            chars.insert(at, rng.choice(["'s", "'T", "'re", "'VE", "'m", "'Ll", "'d"]))
        texts.append((f"random {n}", "".join(chars)))
    return texts


def main():
    tokens, merges = read_gguf_strings(FIXTURES / VOCAB)
    bpe = ByteLevelBpe(tokens, merges)
    print(f"generator checked against {check_against_llama3_cases(bpe)} Llama 3 fixture cases")
    rng = random.Random(20261207)
    texts = fixture_texts() + CORNERS + random_texts(rng, 200)
    seen, cases = set(), []
    for name, text in texts:
        if text in seen:
            continue
        seen.add(text)
        pieces = SPLIT.findall(text)
        if "".join(pieces) != text:
            sys.exit(f"{name}: the pieces do not cover the text")
        ids = [i for piece in pieces for i in bpe.encode_piece(piece)]
        cases.append({"name": name, "text": text, "parse_special": False, "pieces": pieces, "expected_ids": ids})
    doc = {
        "gguf": VOCAB,
        "pre": "falcon3",
        "semantics": {
            "pieces": "Python regex " + regex.__version__ + " findall of the falcon3 pattern (llama.cpp: the Llama 3 pre-tokenizer) over the text",
            "expected_ids": "byte-level BPE of each piece over this vocabulary, ignore_merges, no BOS, parse_special false (scripts/gen-falcon3-cases.py)",
            "pattern": PATTERN,
        },
        "generator": "scripts/gen-falcon3-cases.py",
        "n_cases": len(cases),
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
