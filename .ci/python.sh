#!/usr/bin/env bash
# The Python package: a fresh virtual environment, `pip install ./python`
# (the README's command: maturin builds the abi3 wheel from this checkout),
# the test dependencies from PyPI, then pytest (python/tests, which also runs
# examples/quickstart.py). The tests compare with the CLI binary built by
# `cargo build --release` (MIGSIM_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --bin migsim
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
start=$(date +%s)
"$venv/bin/pip" install -q ./python
echo "python.sh: pip install ./python took $(( $(date +%s) - start )) s"
"$venv/bin/pip" install -q pytest pandas statsmodels polars pyarrow matplotlib tqdm
# From the repository root, not python/: the tests must import the installed
# wheel, never the source folder python/migsim.
MIGSIM_BIN="$CARGO_TARGET_DIR/release/migsim" "$venv/bin/python" -m pytest -q python/tests
rm -rf "$(dirname "$venv")"
