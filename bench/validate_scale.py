"""Validation stays linear in the size of a pack, also when it has a problem at every key.

    python bench/validate_scale.py                 # 10,000 / 20,000 / 40,000 keys (~1 min)
    python bench/validate_scale.py --sizes 5000,10000

For each size it writes a pack whose one topic has that many unknown keys (one problem each,
each needing its line) and times ``heroinfacts.validate``; then the time per key, which stays
about the same when the work is linear (it grew with the size before the line lookup indexed
each mapping: 20,000 keys took 24 s, 40,000 took 113 s). Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

HEAD = """\
schema: 1
bundle:
  id: scale-pack
  title: Scale pack
  version: "1"
  language: en
  reviewed: 2026-11-01
  license: CC0-1.0
  disclaimer: Test data only.
topics:
  - id: many-keys
    title: Many keys
    summary: One topic with many unknown keys.
    facts: []
"""


def main() -> None:
    import heroinfacts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,20000,40000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'keys':>8} {'bytes':>10} {'problems':>9} {'seconds':>8} {'µs/key':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            pack = Path(tmp) / f"keys-{n}.yaml"
            pack.write_text(HEAD + "".join(f"    k{i}: 1\n" for i in range(n)), encoding="utf-8")
            start = time.perf_counter()
            problems = heroinfacts.validate(pack)
            took = time.perf_counter() - start
            size = pack.stat().st_size
            print(f"{n:>8} {size:>10} {len(problems):>9} {took:>8.2f} {took / n * 1e6:>8.0f}")


if __name__ == "__main__":
    main()
