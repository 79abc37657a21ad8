"""Shared fixtures: the CLI binary and a seeded fixture frame."""

import os
import pathlib
import subprocess

import numpy as np
import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli():
    """Run the `migsim` CLI (MIGSIM_BIN, else target/release/migsim)."""
    binary = os.environ.get("MIGSIM_BIN") or str(ROOT / "target" / "release" / "migsim")
    if not os.path.exists(binary):
        pytest.fail(f"the migsim CLI is not built at {binary}: cargo build --release")

    def call(*args, cwd=None):
        out = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=cwd)
        assert out.returncode == 0, out.stderr
        return out.stdout

    return call


def make_frame(n=4000, seed=11):
    """Binary outcomes from known logit/probit models with a city factor,
    a year factor, an interaction and a few missing cells."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    d1 = (rng.random(n) < 0.4).astype(float)
    city = rng.choice(["Beijing", "Changchun", "Shenzhen"], size=n)
    year = rng.choice([2014, 2016, 2018], size=n)
    eta = -0.3 + 0.8 * x1 - 0.5 * x2 + 0.4 * d1 + 0.3 * x1 * d1 + 0.2 * (city == "Shenzhen") \
        - 0.25 * (year == 2018)
    ylogit = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    yprobit = (rng.normal(size=n) < eta).astype(float)
    yols = eta + rng.normal(size=n)
    df = pd.DataFrame(dict(x1=x1, x2=x2, d1=d1, city=city, year=year, ylogit=ylogit,
                           yprobit=yprobit, yols=yols))
    df.loc[rng.choice(n, 15, replace=False), "x2"] = np.nan
    return df


@pytest.fixture(scope="session")
def frame():
    return make_frame()
