#!/usr/bin/env bash
# t22 (issue 22, the Python package): migsim.fit logit vs statsmodels Logit on
# a 300,000 x 21 pandas frame, side by side in one process, and the extra peak
# memory of the fit. Needs a Python where the checkout's package is installed
# (`pip install ./python`) next to statsmodels: pass it as MIGSIM_PY (the wheel
# build itself, ~464 CPU s, does not fit this script's 4 minutes and is not
# timed here). Usage: MIGSIM_PY=/path/to/venv/bin/python t22.sh CHECKOUT
set -euo pipefail
cd "$1"
py="${MIGSIM_PY:-}"
if [ -z "$py" ] || ! "$py" -c "import migsim, statsmodels" 2>/dev/null; then
    echo "t22: skipped (set MIGSIM_PY to a python with this checkout's migsim and statsmodels installed)"
    exit 0
fi
"$py" benches/python_fit.py 300000 3 --cold | sed 's/^/t22: /'
