"""`validate` and `handout` with many words and one unknown word stay linear in a pack's size.

    python bench/pack_scale.py              # packs of about 1, 5 and 10 MB (~1 min)
    python bench/pack_scale.py --full       # 1, 5, 25 and 50 MB (~4 min if quiet; 0.7 GB)
    python bench/pack_scale.py --sizes 2,4  # sizes of your own, in MB

For each size it writes a synthetic pack of about that many megabytes (bench/genpack.py: topics
with five cited facts each) and times three runs of the installed tool, each a fresh process:

* ``heroinfacts validate PACK``;
* ``heroinfacts handout ID... UNKNOWN -o FILE --pack PACK`` with a fresh cache directory (so the
  time includes compiling the pack), where ID... are topic ids of the pack, 200 per MB, and one
  word at the end names nothing (exit 1, with suggestions for that word);
* the same again with the cache now built: reading the words is what is left.

It prints the CPU time of each run (user + system: a busy machine disturbs it less than the
wall time, also printed) and that per MB, which stays about the same when the work is linear
(in the pack's size and, for the handout, in the number of words, which grows with it). Before
the fix, 200 words and one unknown took 51 s for the handout alone. Timings live here, never in
tests.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import genpack  # bench/genpack.py: this script's directory is on sys.path

DEFAULT_SIZES = "1,5,10"
FULL_SIZES = "1,5,25,50"
WORDS_PER_MB = 200
UNKNOWN = "zzyzx-names-nothing"
#: Bytes per topic of genpack's output, measured once on a small pack.
_SAMPLE_TOPICS = 500


def bytes_per_topic() -> float:
    return len(genpack.generate(_SAMPLE_TOPICS).encode("utf-8")) / _SAMPLE_TOPICS


def timed(argv: list[str], env: dict[str, str], expect: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of heroinfacts with ``argv``, which must exit with
    ``expect``. CPU time (user + system of the process) is what a busy machine disturbs least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "heroinfacts", *argv],
        capture_output=True,
        env=env,
        check=False,
        text=True,
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if run.returncode != expect:
        sys.exit(
            f"{argv[0]} exited {run.returncode}, not {expect}:\n{run.stderr[-2000:]}"
            f"{run.stdout[-500:]}"
        )
    return cpu, took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=None, help=f"MB, comma-separated ({DEFAULT_SIZES})")
    parser.add_argument("--full", action="store_true", help=f"the sizes {FULL_SIZES} MB")
    args = parser.parse_args()
    sizes = [float(s) for s in (args.sizes or (FULL_SIZES if args.full else DEFAULT_SIZES))
             .split(",") if s.strip()]  # fmt: skip
    per_topic = bytes_per_topic()
    print("CPU seconds (user + system) of each run, per MB of pack, and wall seconds.")
    print(
        "| MB | topics | words | validate CPU s | s/MB | handout cold CPU s | s/MB "
        "| handout warm CPU s | s/MB | wall s (validate, cold, warm) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="heroinfacts-pack-scale-") as tmp:
        work = Path(tmp)
        for mb in sizes:
            n = max(1, round(mb * 1e6 / per_topic))
            text = genpack.generate(n)
            pack = work / f"pack-{n}.yaml"
            pack.write_text(text, encoding="utf-8")
            real_mb = pack.stat().st_size / 1e6
            ids = re.findall(r"^  - id: (\S+)\n    title: ", text, re.MULTILINE)
            del text
            want = max(1, round(WORDS_PER_MB * real_mb))
            words = ids[:: max(1, len(ids) // want)][:want]
            env = {k: v for k, v in os.environ.items() if not k.startswith("HEROINFACTS_")}
            env.update(HEROINFACTS_CACHE_DIR=str(work / f"cache-{n}"), HEROINFACTS_CONFIG="")
            hand = ["handout", *words, UNKNOWN, "-o", str(work / "h.html"), "--pack", str(pack)]
            runs = [
                timed(["validate", str(pack)], env, expect=0),
                timed(hand, env, expect=1),  # compiles the pack into the cache first
                timed(hand, env, expect=1),  # the cache is built
            ]
            cells = "".join(f" {cpu:.2f} | {cpu / real_mb:.3f} |" for cpu, _ in runs)
            walls = ", ".join(f"{wall:.1f}" for _, wall in runs)
            print(f"| {real_mb:.1f} | {n} | {len(words)} |{cells} {walls} |", flush=True)
            pack.unlink()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"Peak RSS of the largest run: {peak:.0f} MiB.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
