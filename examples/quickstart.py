"""migsim from Python in a minute: simulate the enclave study's cohort, fit
its Table 2 probit with city and year effects, run the showcase scenario and
plot its effects.

    pip install ./python matplotlib
    python examples/quickstart.py [OUT_DIR]
"""

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import migsim  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "outputs/quickstart")
out.mkdir(parents=True, exist_ok=True)

# 1. A synthetic survey cohort of the enclave study (true_* columns: the latent truth).
cohort = migsim.cohort("enclave", n=4000, seed=1)
print(cohort.shape, "cohort rows x columns")

# 2. Table 2: probit of moving up on living in an enclave, with controls and
#    city and year fixed effects, cluster-robust by city.
fit = migsim.fit(cohort, "probit", y="up",
                 x=["enclave", "male", "age", "married", "edu_years", "healthy"],
                 fe=["city", "year"], margins=True)
print(fit.summary())
print("enclave marginal effect:", round(fit.margins.loc["enclave", "estimate"], 4))

# 3. The showcase scenario (fewer replications to keep it quick).
import tomllib  # noqa: E402

with open(ROOT / "scenarios" / "showcase.toml", "rb") as f:
    scenario = tomllib.load(f)
scenario["replications"] = 4
scenario.pop("sensitivity", None)
run = migsim.run(scenario)
print(run.effects[["metric", "intervention", "estimate", "ci_low", "ci_high"]])

# 4. Its effects as a PNG.
eff = run.effects
fig, axes = plt.subplots(1, eff.metric.nunique(), figsize=(12, 3.5))
for ax, (metric, rows) in zip(axes, eff.groupby("metric")):
    err = [rows.estimate - rows.ci_low, rows.ci_high - rows.estimate]
    ax.barh(rows.intervention, rows.estimate, xerr=err, color="#4477aa")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_title(metric)
fig.tight_layout()
png = out / "showcase_effects.png"
fig.savefig(png, dpi=100)
print("wrote", png)
