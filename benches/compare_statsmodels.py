#!/usr/bin/env python3
"""Side-by-side CSV-to-answer timing: pandas.read_csv + statsmodels Logit vs
`migsim fit logit --json`, on the same 300,000-row CSV, in one run.

The file has 20 numeric regressors x0..x19 ~ N(0, 1) and
y ~ Bernoulli(logistic(0.3 + sum_j (j - 9.5)/20 * x_j)) (numpy seed 20240611),
written with 6 decimals to a temporary directory.

Each side runs --repeats times; the median wall time is reported, with the
peak RSS of the migsim processes (ru_maxrss of the children) against the size
of the numeric data (rows x 21 x 8 bytes), and the largest absolute difference
between the two sets of coefficients.

Usage (from the repository root, after `cargo build --release`):
    python3 benches/compare_statsmodels.py [--rows 300000] [--repeats 5]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

K = 20


def write_csv(path, rows):
    rng = np.random.default_rng(20240611)
    x = rng.standard_normal((rows, K))
    beta = (np.arange(K) - 9.5) / 20.0
    eta = 0.3 + x @ beta
    y = (rng.uniform(size=rows) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(K)])
    df.insert(0, "y", y)
    df.to_csv(path, index=False, float_format="%.6f")


def python_side(path):
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    X = sm.add_constant(df[[f"x{j}" for j in range(K)]])
    res = sm.Logit(df["y"], X).fit(disp=0)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t0, res.params.to_numpy()


def migsim_side(binary, path):
    cmd = [binary, "fit", "logit", "--data", path, "--y", "y",
           "--x", ",".join(f"x{j}" for j in range(K)), "--json"]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if out.returncode != 0:
        return t, None, out.stderr.strip()
    rows = json.loads(out.stdout)["coefficients"]
    return t, np.array([r["estimate"] for r in rows]), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=300_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--migsim", default="target/release/migsim")
    args = ap.parse_args()
    if not os.path.exists(args.migsim):
        sys.exit(f"{args.migsim} not found: run `cargo build --release` first")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "logit.csv")
        write_csv(path, args.rows)
        size_mb = os.path.getsize(path) / 1e6
        numeric_mb = args.rows * (K + 1) * 8 / 1e6
        print(f"CSV: {args.rows} rows x {K + 1} columns, {size_mb:.1f} MB; "
              f"numeric data {numeric_mb:.1f} MB")

        py_read, py_total, rs_total = [], [], []
        params_py = params_rs = None
        error = None
        for _ in range(args.repeats):
            r, t, params_py = python_side(path)
            py_read.append(r)
            py_total.append(t)
            t, params_rs, error = migsim_side(args.migsim, path)
            rs_total.append(t)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        med = statistics.median
        print(f"pandas.read_csv                 median {med(py_read):.3f} s")
        print(f"pandas.read_csv + sm.Logit.fit  median {med(py_total):.3f} s")
        if error is not None:
            print(f"migsim fit logit failed ({error}); its time covers loading only:")
            print(f"migsim CSV -> design            median {med(rs_total):.3f} s "
                  f"(read_csv alone is {med(py_read) / med(rs_total):.1f}x slower)")
        else:
            print(f"migsim fit logit --json         median {med(rs_total):.3f} s")
            print(f"speed-up (CSV to answer)        {med(py_total) / med(rs_total):.1f}x")
            print(f"max |coef difference|           "
                  f"{np.max(np.abs(params_py - params_rs)):.2e}")
        print(f"migsim peak RSS                 {rss_mb:.1f} MB "
              f"= {rss_mb / numeric_mb:.2f}x the numeric data")


if __name__ == "__main__":
    main()
