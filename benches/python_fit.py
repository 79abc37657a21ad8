"""migsim.fit(df, "logit") vs statsmodels Logit on one 300,000 x 21 pandas
DataFrame, side by side, and the extra peak memory of the migsim fit.

    python benches/python_fit.py [ROWS]

Measured once per run (no loop over settings); the numbers go in the notes.
"""

import resource
import sys
import time

import numpy as np
import pandas as pd

n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
k = 20
rng = np.random.default_rng(0)
X = rng.normal(size=(n, k))
beta = rng.normal(scale=0.3, size=k)
y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.2)))).astype(float)
cols = [f"x{j}" for j in range(k)]
df = pd.DataFrame(X, columns=cols)
df["y"] = y
data_bytes = df.memory_usage(index=False).sum()
del X


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


import migsim  # noqa: E402

before = peak_rss()
t0 = time.perf_counter()
r = migsim.fit(df, "logit", y="y", x=cols)
t_migsim = time.perf_counter() - t0
extra = peak_rss() - before

import statsmodels.api as sm  # noqa: E402

t0 = time.perf_counter()
ref = sm.Logit(df["y"], sm.add_constant(df[cols])).fit(disp=0)
t_sm = time.perf_counter() - t0

assert np.allclose(r.params.values, ref.params.values, rtol=1e-6)
print(f"rows {n} x {k + 1} columns ({data_bytes / 2**20:.1f} MiB of numbers)")
print(f"migsim.fit logit     {t_migsim:8.3f} s")
print(f"statsmodels Logit    {t_sm:8.3f} s")
print(f"ratio                {t_sm / t_migsim:8.1f} x")
print(f"migsim extra peak RSS {extra / 2**20:.1f} MiB = {extra / data_bytes:.2f} x the data")
