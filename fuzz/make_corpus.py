#!/usr/bin/env python3
"""Writes the committed seed corpora (fuzz/corpus/<target>/) from the project's own test data.

Run from anywhere: python3 fuzz/make_corpus.py. Seeds are named for where they come from, so a
rerun replaces them rather than adding copies. Each target's input layout is described in its
source (fuzz/fuzz_targets/<target>.rs); the prefixes below follow it.
"""
import hashlib
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
SEP = "\ufdd0"  # analyze: text, U+FDD0, profile

HOSTILE = [
    "死\u200bに\u200dた\u2060い",                      # zero-width inside a keyword
    "\u202e絶対に死なない\u202c 今夜飛び降ります",      # bidi override
    "ｼﾆﾀｲ ﾎﾍﾂ ｲﾁｺﾞ",                                   # half-width kana
    "Ｊ Ｋ　え ん こ う　ホ.別",                       # split letters, full width
    "死にたーーーーーーい〜〜〜〜ぁぁぁぁ",            # stretching
    "e\u0301\u0301\u0301 が\u3099\u3099 ｶﾞﾞ",           # stacked combining marks
    "🍓💰🍓💰 #家出少女 #援_募 #",                    # symbols and hashtags
    "\ud7ff\ue000\U0010ffff\ufffd\x00\x01\x7f",         # edges of the code space, controls
    "ﬁ㍿㌔ⅷ①⑳㈱ｰｰｰ－－－",                           # NFKC expansions
    "- - - . . . ・・・ | | |",                         # separators only
    "#" * 50 + "_" * 50,
    "あ" * 300,
    "\ufeff\u00ad\u034f\u061c\u180e\u3164\uffa0\U000e0001",  # invisibles only
]


def reset(target):
    d = CORPUS / target
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


def write(d, name, data: bytes):
    (d / name).write_bytes(data)


def golden_posts():
    for f in sorted((ROOT / "tests" / "golden").glob("*/input.jsonl")):
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
            if line.strip():
                post = json.loads(line)
                yield f"{f.parent.name}-{i}", post


def main():
    posts = list(golden_posts())

    d = reset("normalize")
    for name, p in posts:
        write(d, name, b"\x00" + p["text"].encode())
    for i, t in enumerate(HOSTILE):
        write(d, f"hostile-{i}", b"\x00" + t.encode("utf-8", "surrogatepass"))
    write(d, "broken-utf8", b"\x00\xe6\xad\xbb\xe3\x81\xab\xff\xfe\xe3\x81\x9f\xc0\x80\xed\xa0\x80")

    d = reset("analyze")
    for name, p in posts:
        body = p["text"] + (SEP + p["profile"] if p.get("profile") else "")
        # Option<Site>: 0 = none; 1 then a 4-byte variant index, 0 = x.
        prefix = b"\x01\x00\x00\x00\x00" if p.get("site") == "x" else b"\x00"
        write(d, name, prefix + body.encode())
    for i, t in enumerate(HOSTILE):
        write(d, f"hostile-{i}", b"\x00" + t.encode("utf-8", "surrogatepass"))

    d = reset("site_extract")
    # The first byte chooses the profile (x, 5ch, shitaraba, bakusai, generic; 5 = as scan chooses).
    choice = {"x": 0, "5ch": 1, "bbspink": 1, "shitaraba": 2, "bakusai": 3}
    for f in sorted((ROOT / "tests" / "fixtures" / "sites").glob("*/page.html")):
        data = f.read_bytes()
        site = f.parent.name.split("_")[0]
        # Slices, not whole pages: libFuzzer mutates short inputs far faster (a whole X page
        # takes over half a second under AddressSanitizer).
        write(d, f.parent.name + "-head", bytes([choice.get(site, 4)]) + data[:6144])
        write(d, f.parent.name + "-scan", b"\x05" + data[:6144])
        if len(data) > 6144:
            write(d, f.parent.name + "-tail", bytes([choice.get(site, 4)]) + data[-6144:])
    write(d, "nested", b"\x04" + b"<div>" * 300 + b"x" + b"</div>" * 300)
    write(d, "sjis-meta", b'\x01<meta charset="shift_jis"><div class="post">\x8e\x80\x82\xc9\x82\xbd\x82\xa2</div>')

    d = reset("canonical_chain")
    raw = b"\x00\x00\x00\x00"  # the Raw variant, then the bytes
    for f in sorted((ROOT / "tests" / "evidence" / "canonical").glob("*/input.json")):
        write(d, "canonical-" + f.parent.name, raw + f.read_bytes())
    for f in sorted((ROOT / "tests" / "evidence" / "chain").glob("*/log.jsonl")):
        write(d, "chain-" + f.parent.name, raw + f.read_bytes())
    # The Mutate variant (variant index from a 4-byte value ≥ 2^31), then mutation bytes.
    for i in range(8):
        seed = hashlib.sha256(f"mutate-{i}".encode()).digest()
        write(d, f"mutate-{i}", b"\x00\x00\x00\x80" + seed)

    d = reset("forms")
    for f in sorted((ROOT / "tests" / "forms").glob("*/input.json")):
        data = f.read_bytes()
        forms = range(8) if f.parent.name == "hostile_markup" else (len(f.parent.name) % 8, 2)
        for k in forms:
            write(d, f"{f.parent.name}-{k}", bytes([k]) + data)

    for t in sorted(CORPUS.iterdir()):
        files = list(t.iterdir())
        print(f"{t.name}: {len(files)} seeds, {sum(x.stat().st_size for x in files)} bytes")


if __name__ == "__main__":
    main()
