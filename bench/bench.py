"""The heroinfacts benchmark: start-up beside the tldr client, and scale with synthetic packs.

    bench/run.sh                          # everything: a fresh venv in /tmp, then this script
    bench/run.sh --sizes 1000,10000       # a shorter scale run (--sizes "" skips it)
    python bench/bench.py --venv DIR ...  # in a venv that has heroinfacts and tldr installed

Start-up: every command runs in turn, round after round (alternating, so a noisy machine slows
all of them alike), after warm-up rounds; medians are compared within the run. ``show`` and the
tldr client run on a pseudo-terminal (colour forced, 80 columns); the rest write to a pipe.
Peak memory is each process's own maximum resident set size (``wait4``; see harness.py).

Scale: packs of N topics from genpack.py. "Cold" is the first run after the pack changed (its
mtime is bumped, so the compiled cache is stale), with stderr on a pseudo-terminal so the
progress bar is drawn; "warm" runs follow. A bare ``yaml.CSafeLoader`` parse of the same file,
in its own process, is the yardstick.

Results go to bench/results/ as JSON and as a markdown table (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import genpack
from harness import DEVNULL, PIPE, PTY, median, run, spawner

BENCH = Path(__file__).resolve().parent
TLDR_PAGE = BENCH / "heroinfacts.md"
QUESTION = "is heroin a depressant"
SEARCH = "heroin overdose"
BARE_PARSE = (
    "import sys, yaml\n"
    "with open(sys.argv[1], 'rb') as fh:\n"
    "    data = fh.read()\n"
    "yaml.load(data, Loader=yaml.CSafeLoader)\n"
)
TYPER_ENTRY = (  # the console script, but straight into the Typer app (no fast path)
    "import re, sys\n"
    "from heroinfacts.cli import main\n"
    "sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
    "sys.exit(main())\n"
)


# --- the machine --------------------------------------------------------------------------------


def machine(py: str) -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    probe = subprocess.run(
        [
            py,
            "-c",
            "import json, sqlite3, sys, yaml, typer, rich, importlib.metadata as m, heroinfacts\n"
            "print(json.dumps({'python': sys.version.split()[0], 'sqlite': sqlite3.sqlite_version,"
            " 'pyyaml': yaml.__version__, 'libyaml': yaml.__with_libyaml__,"
            " 'typer': typer.__version__, 'rich': m.version('rich'),"
            " 'tldr': m.version('tldr'), 'heroinfacts': heroinfacts.__version__}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "os": platform.platform(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "spawner": "spawn.c" if spawner() else "wait4 in Python (RSS floor ~15 MiB)",
        **json.loads(probe.stdout),
    }


# --- start-up -----------------------------------------------------------------------------------


#: What each start-up case is held to (issue 13), as a multiple of `python -c pass` (CPU time).
LIMITS = {
    "repeat": ("a repeat of a deterministic lookup", 1.5),
    "new": ("`ask --json` / `search` on a new question", 3.0),
    "new_tty": ("the first terminal render of a new question", 6.0),
    "typo": ("a typo with suggestions", 3.0),
    "help": ("`--help`", 1.5),
    "cold": ("a cold start with the shipped data", 10.0),
}


def _lookups(hf: str) -> list[tuple[str, list[str]]]:
    """Every deterministic lookup of the issue's table (stored after its first run)."""
    return [
        ("show heroin", [hf, "show", "heroin"]),
        ("show heroin --width 60", [hf, "show", "heroin", "--width", "60"]),
        ("topics", [hf, "topics"]),
        ("symptoms depression", [hf, "symptoms", "depression"]),
        ("define gaba", [hf, "define", "gaba"]),
        ("mix heroin xanax", [hf, "mix", "heroin", "xanax"]),
        ("help-now", [hf, "help-now"]),
        ("refs", [hf, "refs"]),
        ("refs --for heroin --format bibtex", [hf, "refs", "--for", "heroin", "-F", "bibtex"]),
        ("about", [hf, "about"]),
        ("verify", [hf, "verify"]),
        ("--version", [hf, "--version"]),
        (f'ask "{QUESTION}"', [hf, "ask", QUESTION]),
        (f'ask "{QUESTION}" --json', [hf, "ask", QUESTION, "--json"]),
        ("search gaba --kind term --limit 3", [hf, "search", "gaba", "--kind", "term", "-n", "3"]),
    ]


def startup(
    venv: Path, env: dict[str, str], rounds: int, warmup: int, work: Path
) -> dict[str, Any]:
    """Every invocation of the table, on a terminal (a pty) and piped, beside `python -c pass`
    and the tldr client, in alternating rounds; CPU time and wall time of whole processes."""
    py, hf, tldr = str(venv / "bin/python"), str(venv / "bin/heroinfacts"), str(venv / "bin/tldr")
    typer_entry = work / "typer-entry.py"
    typer_entry.write_text(TYPER_ENTRY)
    tty = {**env, "COLUMNS": "80"}
    handout = work / "handout.html"
    counter = iter(range(10**9))

    # Cold and typo runs keep caches of their own, so that wiping them spares the others.
    cold_env, typo_env = dict(env), dict(env)
    cold_env["XDG_CACHE_HOME"] = str(work / "cold-cache")
    typo_env["XDG_CACHE_HOME"] = str(work / "typo-cache")

    def unstored() -> None:
        shutil.rmtree(work / "typo-cache" / "heroinfacts" / "pages", ignore_errors=True)

    def cold() -> None:
        shutil.rmtree(work / "cold-cache", ignore_errors=True)

    def new_question() -> list[str]:
        return [f"is heroin a depressant {next(counter)}"]

    # (key, label, argv, env, stdout, kind, before each run, codes allowed)
    Case = tuple[str, str, list[str], dict[str, str], str, str, Any, tuple[int, ...]]
    cases: list[Case] = [
        ("pass", "`python -c pass`", [py, "-c", "pass"], env, PIPE, "", None, (0,)),
        ("tldr", "`tldr -r` a page (terminal)", [tldr, "-r", str(TLDR_PAGE)], tty, PTY, "", None,
         (0,)),
    ]  # fmt: skip
    for label, argv in _lookups(hf):
        key = re.sub(r"\W+", "_", label).strip("_")
        cases.append((f"{key}_tty", f"`{label}` (terminal, repeat)", argv, tty, PTY, "repeat",
                      None, (0,)))  # fmt: skip
        cases.append((f"{key}_pipe", f"`{label}` (piped, repeat)", argv, env, PIPE, "repeat",
                      None, (0,)))  # fmt: skip
    cases += [
        ("help_tty", "`--help` (terminal)", [hf, "--help"], tty, PTY, "help", None, (0,)),
        ("help_pipe", "`--help` (piped)", [hf, "--help"], env, PIPE, "help", None, (0,)),
        ("show_help", "`show --help` (piped)", [hf, "show", "--help"], env, PIPE, "help", None,
         (0,)),
        ("ask_new_json", "`ask NEW --json` (a new question)", [hf, "ask", "--json"], env, PIPE,
         "new", new_question, (0, 1)),
        ("search_new", "`search NEW` (piped, a new question)", [hf, "search"], env, PIPE,
         "new", new_question, (0, 1)),
        ("ask_new_tty", "`ask NEW` (terminal, first render)", [hf, "ask"], tty, PTY,
         "new_tty", new_question, (0, 1)),
        ("typo_tty", "`show heorin` (terminal, suggestions, not stored)", [hf, "show", "heorin"],
         {**typo_env, "COLUMNS": "80"}, PTY, "typo", unstored, (1,)),
        ("typo_pipe", "`show heorin` (piped, suggestions, not stored)", [hf, "show", "heorin"],
         typo_env, PIPE, "typo", unstored, (1,)),
        ("cold_json", "`show heroin --json` (cold: no cache yet)", [hf, "show", "heroin", "--json"],
         cold_env, PIPE, "cold", cold, (0,)),
        ("cold_tty", "`show heroin` (terminal, cold: no cache yet)", [hf, "show", "heroin"],
         {**cold_env, "COLUMNS": "80"}, PTY, "cold", cold, (0,)),
        ("handout", "`handout heroin overdose -o FILE --force`",
         [hf, "handout", "heroin", "overdose", "-o", str(handout), "--force"], env, PIPE, "",
         None, (0,)),
        ("show_typer", "`show heroin --json` through Typer (no fast path, not stored)",
         [py, str(typer_entry), "show", "heroin", "--json"], env, PIPE, "", None, (0,)),
    ]  # fmt: skip
    walls: dict[str, list[float]] = {c[0]: [] for c in cases}
    cpus: dict[str, list[float]] = {c[0]: [] for c in cases}
    rss: dict[str, list[int]] = {c[0]: [] for c in cases}
    loads: list[float] = []
    for r in range(warmup + rounds):
        loads.append(os.getloadavg()[0])
        for key, _label, argv, e, out, _kind, before, codes in cases:
            extra = before() if before else None  # a new question, or nothing
            full = [*argv, *(extra or [])]
            res = run(full, env=e, stdout=out, stderr=PIPE if out == PIPE else DEVNULL)
            if res.code not in codes:
                raise SystemExit(f"{full} failed ({res.code}): {res.err.decode()[-500:]}")
            if r >= warmup:
                walls[key].append(res.wall)
                cpus[key].append(res.cpu)
                rss[key].append(res.maxrss_kib)
        print(f"  start-up round {r + 1}/{warmup + rounds}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    base_cpu, base_wall = median(cpus["pass"]), median(walls["pass"])
    rows = []
    for key, label, argv, _e, out, kind, _b, _c in cases:
        c, w = median(cpus[key]), median(walls[key])
        rows.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "argv": argv,
                "stdout": out,
                "runs": len(walls[key]),
                "cpu_ms": c * 1e3,
                "median_ms": w * 1e3,
                "x_pass": c / base_cpu,
                "x_pass_wall": w / base_wall,
                "peak_rss_mib": max(rss[key]) / 1024,
                "walls_ms": [x * 1e3 for x in walls[key]],
                "cpus_ms": [x * 1e3 for x in cpus[key]],
            }
        )
    return {"rounds": rounds, "warmup": warmup, "load": loads, "rows": rows}


# --- scale --------------------------------------------------------------------------------------


def _last_topic_id(pack: Path) -> str:
    with pack.open("rb") as fh:
        fh.seek(max(0, pack.stat().st_size - 8192))
        tail = fh.read().decode("utf-8", "replace")
    ids = re.findall(r"^  - id: (\S+)$", tail, flags=re.MULTILINE)
    return ids[-1]


def _touch(path: Path) -> None:
    now = time.time_ns()
    st = path.stat()
    os.utime(path, ns=(now, max(now, st.st_mtime_ns + 1_000_000)))


def _drop_caches(cache: Path) -> None:
    for p in cache.glob("kb-*.sqlite"):
        p.unlink(missing_ok=True)
    shutil.rmtree(cache / "pages", ignore_errors=True)


def scale(
    venv: Path,
    env: dict[str, str],
    sizes: list[int],
    rounds: int,
    cold_runs: dict[int, int],
    packs_dir: Path,
) -> list[dict[str, Any]]:
    py, hf = str(venv / "bin/python"), str(venv / "bin/heroinfacts")
    cache = Path(env["XDG_CACHE_HOME"]) / "heroinfacts"
    out = []
    for n in sizes:
        t0 = time.perf_counter()
        pack = genpack.ensure(n, packs_dir)
        gen_s = time.perf_counter() - t0
        topic = _last_topic_id(pack)
        penv = {**env, "HEROINFACTS_PACKS": str(pack)}
        commands = {
            "ask": [hf, "ask", QUESTION, "--json"],
            "search": [hf, "search", SEARCH, "--json"],
            "show": [hf, "show", topic, "--json"],
        }
        print(f"  {n} topics: {pack.stat().st_size / 2**20:.0f} MiB", file=sys.stderr)
        bare: list[tuple[float, int]] = []
        cold: dict[str, list[tuple[float, int, bool]]] = {c: [] for c in commands}
        cache_bytes = 0
        for i in range(cold_runs[n]):
            res = run([py, "-c", BARE_PARSE, str(pack)], env=env, stdout=PIPE, stderr=PIPE)
            if res.code != 0:
                raise SystemExit(f"bare parse failed: {res.err.decode()[-500:]}")
            bare.append((res.wall, res.maxrss_kib))
            print(f"    bare parse {i + 1}: {res.wall:.2f} s", file=sys.stderr)
            for name, argv in commands.items():
                _drop_caches(cache)
                _touch(pack)
                res = run(argv, env=penv, stdout=PIPE, stderr=PTY)
                if res.code != 0:
                    raise SystemExit(f"cold {name} failed ({res.code}): {res.err.decode()[-800:]}")
                bar = b"heroinfacts: reading" in res.err or b"writing the cache" in res.err
                cold[name].append((res.wall, res.maxrss_kib, bar))
                sizes_now = [p.stat().st_size for p in cache.glob("kb-*.sqlite")]
                cache_bytes = max([*sizes_now, cache_bytes])
                print(f"    cold {name} {i + 1}: {res.wall:.2f} s", file=sys.stderr)
        # warm: the pack's commands beside ask with the shipped data only
        warm_cases = {**commands, "shipped_ask": [hf, "ask", QUESTION, "--json"]}
        warm_env = {k: penv for k in commands} | {"shipped_ask": {**env, "HEROINFACTS_PACKS": ""}}
        warm: dict[str, list[tuple[float, int]]] = {k: [] for k in warm_cases}
        for r in range(2 + rounds):
            for k, argv in warm_cases.items():
                res = run(argv, env=warm_env[k], stdout=PIPE, stderr=PTY)
                if res.code != 0:
                    raise SystemExit(f"warm {k} failed ({res.code}): {res.err.decode()[-800:]}")
                if r >= 2:
                    warm[k].append((res.wall, res.maxrss_kib))
        bare_med = median([w for w, _ in bare])
        row: dict[str, Any] = {
            "topics": n,
            "facts": n * genpack.FACTS_PER_TOPIC,
            "pack_mib": pack.stat().st_size / 2**20,
            "generate_s": gen_s,
            "cache_mib": cache_bytes / 2**20,
            "bare_parse_s": bare_med,
            "bare_parse_peak_rss_mib": max(r for _, r in bare) / 1024,
            "bare_runs": [w for w, _ in bare],
        }
        for name in commands:
            walls = [w for w, _, _ in cold[name]]
            row[f"cold_{name}_s"] = median(walls)
            row[f"cold_{name}_runs"] = walls
            row[f"cold_{name}_peak_rss_mib"] = max(r for _, r, _ in cold[name]) / 1024
            row[f"cold_{name}_progress_bar"] = all(b for _, _, b in cold[name])
        row["cold_over_bare"] = max(row[f"cold_{c}_s"] for c in commands) / bare_med
        for k in warm_cases:
            row[f"warm_{k}_ms"] = median([w for w, _ in warm[k]]) * 1e3
            row[f"warm_{k}_peak_rss_mib"] = max(r for _, r in warm[k]) / 1024
        row["warm_ask_over_shipped"] = row["warm_ask_ms"] / row["warm_shipped_ask_ms"]
        row["warm_rounds"] = rounds
        row["cold_runs"] = cold_runs[n]
        out.append(row)
        _drop_caches(cache)
    return out


# --- lever experiments (in-process parse timings) -------------------------------------------------

PARSE_LEVERS = """
import gc, json, sys, time, yaml
from heroinfacts import yamlio
raw = open(sys.argv[1], 'rb').read()
def t(fn):
    start = time.perf_counter(); fn(); return time.perf_counter() - start
out = {}
out['csafeloader'] = t(lambda: yaml.load(raw, Loader=yaml.CSafeLoader))
gc.disable()
out['csafeloader_gc_paused'] = t(lambda: yaml.load(raw, Loader=yaml.CSafeLoader))
gc.enable()
out['yamlio_parse'] = t(lambda: yamlio.parse(raw))
print(json.dumps(out))
"""


def parse_levers(venv: Path, env: dict[str, str], sizes: list[int], packs: Path) -> list[dict]:
    rows = []
    for n in sizes:
        pack = genpack.ensure(n, packs)
        res = subprocess.run(
            [str(venv / "bin/python"), "-c", PARSE_LEVERS, str(pack)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append({"topics": n, **json.loads(res.stdout)})
    return rows


# --- reporting ----------------------------------------------------------------------------------


def _f(x: float, nd: int = 1) -> str:
    return f"{x:.{nd}f}"


def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores, {m['memory_gib']} GiB), "
        f"{m['os']}; Python {m['python']}, SQLite {m['sqlite']}, PyYAML {m['pyyaml']} "
        f"(libyaml: {m['libyaml']}), Typer {m['typer']}, rich {m['rich']}, tldr client "
        f"{m['tldr']}, heroinfacts {m['heroinfacts']}.",
        "",
    ]
    if "startup" in res:
        st = res["startup"]
        load = st.get("load") or [float("nan")]
        lines += [
            f"Start-up: medians of {st['rounds']} alternating runs after {st['warmup']} warm-up "
            "rounds, shipped data, warm caches unless said. × `python -c pass` compares CPU "
            "time (user + system) of whole processes, which a busy machine disturbs less than "
            f"wall time; the 1-minute load average ran {min(load):.1f}-{max(load):.1f} during "
            "the runs.",
            "",
            "| invocation | CPU ms | × `python -c pass` | limit | wall ms | peak RSS MiB |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in st["rows"]:
            limit = LIMITS.get(r.get("kind", ""), ("", None))[1]
            lines.append(
                f"| {r['label']} | {_f(r['cpu_ms'])} | {_f(r['x_pass'], 2)} "
                f"| {'≤ ' + _f(limit, 1) if limit else ''} | {_f(r['median_ms'])} "
                f"| {_f(r['peak_rss_mib'])} |"
            )
        lines.append("")
    if res.get("scale"):
        lines += [
            "Scale: synthetic packs (bench/genpack.py, 5 facts a topic) beside the shipped data. "
            "Cold = first run after the pack changed (median of the runs given); warm = median "
            f"of {res['scale'][0]['warm_rounds']} runs. All `--json`.",
            "",
            "| topics | pack MiB | bare CSafeLoader parse s | cold ask / search / show s "
            "| cold ÷ bare | progress bar | peak RSS cold / bare MiB | cache MiB "
            "| warm ask / search / show ms | warm ask ÷ shipped ask |",
            "|---:|---:|---:|---|---:|---|---|---:|---|---:|",
        ]
        for r in res["scale"]:
            shown = all(r[f"cold_{c}_progress_bar"] for c in ("ask", "search", "show"))
            quick = max(r["cold_ask_s"], r["cold_search_s"], r["cold_show_s"]) < 0.5
            bar = "yes" if shown else "none (under 0.5 s)" if quick else "**no**"
            lines.append(
                f"| {r['topics']:,} | {_f(r['pack_mib'])} | {_f(r['bare_parse_s'], 2)} "
                f"(n={len(r['bare_runs'])}) "
                f"| {_f(r['cold_ask_s'], 2)} / {_f(r['cold_search_s'], 2)} / "
                f"{_f(r['cold_show_s'], 2)} (n={r['cold_runs']}) "
                f"| {_f(r['cold_over_bare'], 2)} | {bar} "
                f"| {_f(r['cold_ask_peak_rss_mib'], 0)} / {_f(r['bare_parse_peak_rss_mib'], 0)} "
                f"| {_f(r['cache_mib'], 0)} "
                f"| {_f(r['warm_ask_ms'])} / {_f(r['warm_search_ms'])} / {_f(r['warm_show_ms'])} "
                f"| {_f(r['warm_ask_over_shipped'], 2)} |"
            )
        lines.append("")
    if res.get("parse_levers"):
        lines += [
            "YAML parse, in one process (s): PyYAML's CSafeLoader, the same with the garbage "
            "collector paused, and heroinfacts' `yamlio.parse` (events, collector paused).",
            "",
            "| topics | CSafeLoader | CSafeLoader, gc paused | yamlio.parse |",
            "|---:|---:|---:|---:|",
        ]
        for r in res["parse_levers"]:
            lines.append(
                f"| {r['topics']:,} | {_f(r['csafeloader'], 2)} "
                f"| {_f(r['csafeloader_gc_paused'], 2)} | {_f(r['yamlio_parse'], 2)} |"
            )
        lines.append("")
    if res.get("targets"):
        lines += ["| target | measured | met |", "|---|---|---|"]
        for t in res["targets"]:
            lines.append(f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
        lines.append("")
    return "\n".join(lines)


def targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if "startup" in res:
        rows = res["startup"]["rows"]
        for kind, (what, limit) in LIMITS.items():
            mine = [r for r in rows if r.get("kind") == kind]
            if not mine:
                continue
            worst = max(mine, key=lambda r: r["x_pass"])
            out.append(
                {
                    "target": f"{what} ≤ {limit} × `python -c pass` (each of {len(mine)})",
                    "measured": f"worst {worst['x_pass']:.2f} × ({worst['label']})",
                    "met": worst["x_pass"] <= limit,
                }
            )
        peak = max(r["peak_rss_mib"] for r in rows if r["key"] not in ("pass", "tldr"))
        out.append(
            {
                "target": "peak memory < 40 MiB (shipped data; first runs and handout included)",
                "measured": f"{peak:.1f} MiB",
                "met": peak < 40,
            }
        )
    if res.get("scale"):
        big = max(res["scale"], key=lambda r: r["topics"])
        n = f"{big['topics']:,}-topic pack"
        out.append(
            {
                "target": f"{n}: warm `ask` ≤ 1.5 × warm `ask` with the shipped data",
                "measured": f"{big['warm_ask_over_shipped']:.2f} × "
                f"({big['warm_ask_ms']:.0f} vs {big['warm_shipped_ask_ms']:.0f} ms)",
                "met": big["warm_ask_over_shipped"] <= 1.5,
            }
        )
        bars = all(big[f"cold_{c}_progress_bar"] for c in ("ask", "search", "show"))
        slowest = max(big["cold_ask_s"], big["cold_search_s"], big["cold_show_s"])
        out.append(
            {
                "target": f"{n}: cold ≤ 1.2 × bare CSafeLoader parse, progress bar shown",
                "measured": f"{big['cold_over_bare']:.2f} × ({slowest:.1f} vs "
                f"{big['bare_parse_s']:.1f} s), bar {'shown' if bars else 'missing'}",
                "met": big["cold_over_bare"] <= 1.2 and bars,
            }
        )
    return out


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", required=True, type=Path, help="has heroinfacts and tldr installed")
    ap.add_argument("--runs", type=int, default=15, help="measured rounds (default 15)")
    ap.add_argument("--warmup", type=int, default=3, help="warm-up rounds (default 3)")
    ap.add_argument(
        "--sizes", default="1000,10000,100000", help='pack sizes in topics; "" skips the scale part'
    )
    ap.add_argument("--scale-runs", type=int, default=10, help="warm runs per size (default 10)")
    ap.add_argument(
        "--cold-runs",
        type=int,
        default=None,
        help="cold runs per size and command (default 3, and 1 from 100,000 topics)",
    )
    ap.add_argument("--skip-startup", action="store_true")
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--packs", type=Path, default=BENCH / "packs", help="where packs are kept")
    args = ap.parse_args(argv)

    venv = args.venv.resolve()
    sizes = [int(s) for s in args.sizes.replace("_", "").split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="hf-bench-"))
    home = work / "home"
    home.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "xterm-256color",
        "XDG_CACHE_HOME": str(work / "cache"),
        "XDG_CONFIG_HOME": str(work / "config"),
    }
    res: dict[str, Any] = {"machine": machine(str(venv / "bin/python"))}
    print(f"benchmark in {work}", file=sys.stderr)
    try:
        if not args.skip_startup:
            res["startup"] = startup(venv, env, args.runs, args.warmup, work)
        if sizes:
            cold = {n: args.cold_runs or (1 if n >= 100_000 else 3) for n in sizes}
            res["parse_levers"] = parse_levers(
                venv, env, [n for n in sizes if n <= 10_000], args.packs
            )
            res["scale"] = scale(venv, env, sizes, args.scale_runs, cold, args.packs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["targets"] = targets(res)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    table = markdown(res)
    for name in (f"bench-{stamp}", "latest"):
        (args.out / f"{name}.json").write_text(json.dumps(res, indent=2) + "\n")
        (args.out / f"{name}.md").write_text(table + "\n")
    print(table)
    print(f"results: {args.out / f'bench-{stamp}.json'} and .md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
