"""Posterior 95% interval against the --method ii sandwich interval (central 95% of
N(estimate, se^2) truncated to the bounds), per parameter: one Markdown table row each.

    python3 docs/sbc/compare_intervals.py STUDY II.json POSTERIOR.json [STUDY II.json POSTERIOR.json ...]

II.json is the output of `migsim calibrate STUDY --seed 1 --no-heldout --json`,
POSTERIOR.json the posterior.json of `migsim calibrate STUDY --method smc --out DIR`."""
import json, sys
from statistics import NormalDist
N = NormalDist()
def trunc(m, s, lo, hi):
    a, b = N.cdf((lo - m) / s), N.cdf((hi - m) / s)
    q = lambda p: m + s * N.inv_cdf(a + p * (b - a))
    return q(0.025), q(0.975)
def fmt(x):
    return f"{x:.3f}" if abs(x) >= 0.01 else f"{x:.4f}"
for study, ii, post in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    ii = {p["name"]: p for p in json.load(open(ii))["params"]}
    for p in json.load(open(post))["params"]:
        e = ii[p["name"]]
        lo, hi = trunc(e["estimate"], e["se"], e["lower"], e["upper"])
        q = p["quantiles"]
        ratio = (q[6] - q[0]) / (hi - lo)
        print(f"| {study} | `{p['name']}` | [{e['lower']:g}, {e['upper']:g}] | {fmt(e['estimate'])} ({fmt(e['se'])}) | "
              f"[{fmt(lo)}, {fmt(hi)}] | {fmt(q[3])} ({fmt(p['sd'])}) | [{fmt(q[0])}, {fmt(q[6])}] | {ratio:.2f} |")
