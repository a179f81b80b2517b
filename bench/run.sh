#!/usr/bin/env bash
# The benchmark in one command (docs/performance.md): installs this checkout, non-editable as
# users get it, with the tldr client (for comparison only; not a heroinfacts dependency) into a
# fresh virtual environment, then runs bench/bench.py there. Arguments go to bench.py:
#   bench/run.sh                       # start-up, plus packs of 1,000 / 10,000 / 100,000 topics
#   bench/run.sh --sizes 1000,10000    # a shorter scale part; --sizes "" skips it
# HEROINFACTS_BENCH_VENV picks the environment's place (default: a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${HEROINFACTS_BENCH_VENV:-$(mktemp -d)/venv}"
python3 -m venv --clear "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check . tldr
exec "$venv/bin/python" bench/bench.py --venv "$venv" "$@"
