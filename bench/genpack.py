"""Synthetic local packs for the scale benchmark: N topics with five cited facts each.

    python bench/genpack.py 10000 -o bench/packs/pack-10000.yaml

The text is drawn from a vocabulary of 6,000 words with Zipf-like frequencies (rank r is drawn
with weight 1/r**1.07): the words of the shipped data's own text, most frequent first, take every
other rank among the first ~850, and made-up words fill the rest. So common words ("the",
"heroin", "opioid") are as common as in the shipped data and search has real work to do.

Every pack is valid next to the shipped data (``heroinfacts validate PACK`` passes): kebab-case
ids that are unique (topic and fact ids carry the topic's number), every fact cites a reference
of the pack, every reference is cited, and titles and aliases carry the topic's number, so no
two names clash with each other or with a shipped name. The output is the same for a given size
and seed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from itertools import accumulate
from pathlib import Path

#: Bump when the output changes, so cached packs are made again.
GENERATOR_VERSION = "1"
VOCABULARY = 6000
ZIPF_S = 1.07
FACTS_PER_TOPIC = 5
SHIPPED = Path(__file__).resolve().parents[1] / "data" / "facts.yaml"

_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fl gr kl pr st tr sk sp ch sh th".split()
_VOWELS = "a e i o u ai ea ie oa ou".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "m", "t", "nd", "rk", "st"]
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "nan", "inf"}
_CSL_TYPES = ["article-journal", "webpage", "report", "book", "article-magazine"]
_CONCERNS = ["substance-use", "depression", "overdose"]


def shipped_words() -> list[str]:
    """Words of the shipped data's prose (titles, summaries, facts, definitions), by frequency."""
    import yaml

    data = yaml.load(SHIPPED.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    prose: list[str] = []
    for t in data.get("topics", []):
        prose += [t["title"], t["summary"], *(f["text"] for f in t["facts"])]
    for li in data.get("lists", []):
        prose += [li["title"], li.get("intro", ""), *(i["text"] for i in li["items"])]
    for g in data.get("glossary", []):
        prose += [g["term"], g["definition"]]
    prose += [i["note"] for i in data.get("interactions", [])]
    counts: dict[str, int] = {}
    for chunk in prose:
        for w in re.findall(r"[a-z]+", chunk.lower()):
            counts[w] = counts.get(w, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def made_up_words(n: int, rng: random.Random, avoid: set[str]) -> list[str]:
    out: list[str] = []
    seen = set(avoid) | _RESERVED
    while len(out) < n:
        syllables = rng.choice((1, 2, 2, 2, 3))
        w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        w += rng.choice(_CODAS)
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def vocabulary(rng: random.Random) -> list[str]:
    real = [w for w in shipped_words() if w not in _RESERVED]
    fake = made_up_words(VOCABULARY - len(real), rng, set(real))
    words: list[str] = []
    ri = fi = 0
    while ri < len(real) or fi < len(fake):  # real words on odd ranks while they last
        if ri < len(real) and (len(words) % 2 == 0 or fi >= len(fake)):
            words.append(real[ri])
            ri += 1
        else:
            words.append(fake[fi])
            fi += 1
    return words


class Words:
    """Draws words with Zipf-like frequencies, in large batches (random.choices is the cost)."""

    def __init__(self, vocab: list[str], rng: random.Random) -> None:
        self.vocab = vocab
        self.cum = list(accumulate(1.0 / (r**ZIPF_S) for r in range(1, len(vocab) + 1)))
        self.rng = rng
        self.buf: list[str] = []
        self.pos = 0

    def take(self, n: int) -> list[str]:
        if self.pos + n > len(self.buf):
            self.buf = self.buf[self.pos :]
            self.buf += self.rng.choices(self.vocab, cum_weights=self.cum, k=max(n, 200_000))
            self.pos = 0
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def sentence(self, lo: int, hi: int) -> str:
        ws = self.take(self.rng.randint(lo, hi))
        return (" ".join(ws) + ".").capitalize()


def generate(n_topics: int, seed: int = 5) -> str:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    words = Words(vocab, rng)
    names = vocab[len(vocab) // 3 :]  # rarer words make ids and titles
    n_refs = max(10, n_topics // 20)
    out: list[str] = [
        f"# A synthetic heroinfacts pack: {n_topics} topics, {n_topics * FACTS_PER_TOPIC} facts.\n"
        f"# Made by bench/genpack.py (generator {GENERATOR_VERSION}, seed {seed}).\n"
        "schema: 1\n"
        "bundle:\n"
        f"  id: synthetic-{n_topics}\n"
        f"  title: Synthetic pack of {n_topics} topics\n"
        "  version: 0.0.1\n"
        "  language: en\n"
        "  reviewed: 2026-11-26\n"
        "  license: CC0-1.0\n"
        "  disclaimer: >-\n"
        "    Made-up text for benchmarks. It is not information about anything.\n"
        "references:\n"
    ]
    ref_ids = []
    for k in range(n_refs):
        rid = f"ref-{k + 1}-{rng.choice(names)}"
        ref_ids.append(rid)
        year = 1990 + k % 35
        out.append(
            f"  - id: {rid}\n"
            f"    type: {_CSL_TYPES[k % len(_CSL_TYPES)]}\n"
            f"    title: {words.sentence(4, 10)[:-1]}\n"
            "    author:\n"
            f"      - family: {rng.choice(names).capitalize()}\n"
            f"        given: {rng.choice('ABCDEFGHJKLMNPRSTW')}.\n"
            "    issued:\n"
            f"      date-parts: [[{year}, {1 + k % 12}, {1 + k % 28}]]\n"
            f'    URL: "https://example.org/ref/{k + 1}"\n'
        )
    out.append("topics:\n")
    for i in range(n_topics):
        w1, w2, w3 = rng.choice(names), rng.choice(names), rng.choice(names)
        tid = f"{w1}-{i + 1}"
        nxt = (i + 1) % n_topics
        lines = [
            f"  - id: {tid}\n",
            f"    title: {w1.capitalize()} {w2} {i + 1}\n",
            f"    aliases: [{w3} {i + 1}]\n",
            f"    summary: {words.sentence(10, 24)}\n",
        ]
        if i % 10 == 0:
            lines.append(f"    concerns: [{_CONCERNS[i // 10 % len(_CONCERNS)]}]\n")
        lines.append("    facts:\n")
        for j in range(FACTS_PER_TOPIC):
            n = i * FACTS_PER_TOPIC + j
            cites = [ref_ids[n % n_refs]]
            if rng.random() < 0.3:
                extra = ref_ids[rng.randrange(n_refs)]
                if extra not in cites:
                    cites.append(extra)
            lines.append(
                f"      - id: {tid}-f{j + 1}\n"
                f"        text: {words.sentence(5, 14)}\n"
                f"        cites: [{', '.join(cites)}]\n"
            )
        if n_topics > 1:
            lines.append(f"    related: [{_topic_id_placeholder(nxt)}]\n")
        out.append("".join(lines))
    text = "".join(out)
    # related ids are known only once every topic id is drawn: fill them in
    ids = re.findall(r"^  - id: (.+)$", text.split("\ntopics:\n", 1)[1], flags=re.MULTILINE)
    return re.sub(r"@@TOPIC(\d+)@@", lambda m: ids[int(m.group(1))], text)


def _topic_id_placeholder(index: int) -> str:
    return f"@@TOPIC{index}@@"


def ensure(n_topics: int, directory: Path, seed: int = 5) -> Path:
    """The pack of ``n_topics`` in ``directory``, made if missing or made by another generator."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pack-{n_topics}.yaml"
    stamp = f"# Made by bench/genpack.py (generator {GENERATOR_VERSION}, seed {seed})."
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            fh.readline()
            if fh.readline().rstrip("\n") == stamp:
                return path
    tmp = path.with_suffix(".tmp")
    tmp.write_text(generate(n_topics, seed), encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("topics", type=int, help="how many topics, e.g. 10000")
    ap.add_argument("-o", "--output", help="where to write (default: stdout)")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    text = generate(args.topics, args.seed)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
