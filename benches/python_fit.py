"""migsim.fit(df, "logit") vs statsmodels Logit on one 300,000 x 21 pandas
DataFrame, side by side, and the extra peak memory of the migsim fit.

    python benches/python_fit.py [ROWS] [REPEATS]

Each fit runs REPEATS times (default 3), alternating migsim and
statsmodels, and the best time of each is compared, so both see the same
machine load. Extra memory is the peak resident set during one migsim fit
(Linux: the peak is reset through /proc/self/clear_refs just before the
fit, read from VmHWM after it) minus the resident set once the DataFrame is
built, against the bytes of the frame's numbers.
"""

import sys
import time

import numpy as np
import pandas as pd

n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
k = 20
rng = np.random.default_rng(0)
X = rng.normal(size=(n, k))
beta = rng.normal(scale=0.3, size=k)
y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.2)))).astype(float)
cols = [f"x{j}" for j in range(k)]
df = pd.DataFrame(X, columns=cols)
df["y"] = y
data_bytes = df.memory_usage(index=False).sum()
del X, y

import migsim  # noqa: E402
import statsmodels.api as sm  # noqa: E402


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


# Memory first, on a fresh process state: RSS with the frame built, then the
# peak during one fit.
rss_before = status_kb("VmRSS")
reset_peak()
r = migsim.fit(df, "logit", y="y", x=cols)
extra = status_kb("VmHWM") - rss_before

t_migsim, t_sm = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    r = migsim.fit(df, "logit", y="y", x=cols)
    t_migsim.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    ref = sm.Logit(df["y"], sm.add_constant(df[cols])).fit(disp=0)
    t_sm.append(time.perf_counter() - t0)

assert np.allclose(r.params.values, ref.params.values, rtol=1e-6)
assert np.allclose(r.bse.values, ref.bse.values, rtol=1e-6)
best_m, best_s = min(t_migsim), min(t_sm)
print(f"rows {n} x {k + 1} columns ({data_bytes / 2**20:.1f} MiB of numbers), best of {repeats}")
print(f"migsim.fit logit      {best_m:8.3f} s")
print(f"statsmodels Logit     {best_s:8.3f} s")
print(f"ratio                 {best_s / best_m:8.1f} x")
print(f"migsim extra peak RSS {extra / 2**20:8.1f} MiB = {extra / data_bytes:.2f} x the data")
