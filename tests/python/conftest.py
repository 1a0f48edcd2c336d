"""Shared fixtures: small simulator runs made once per test session.

The runs are small (a few thousand firm agents) so the whole suite stays within a few
minutes on two cores; the tests check the analysis package against the files themselves,
not the model's calibration.
"""
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "analysis"
if str(ANALYSIS) not in sys.path:
    sys.path.insert(0, str(ANALYSIS))  # the suite also runs without PYTHONPATH=analysis

matplotlib.use("Agg")

VISA_SEEDS = (1, 2)
VISA_SETS = ("firms.count=2000", "run.end=2025-12-31")


def corridor_path() -> Path:
    env = os.environ.get("CORRIDOR_BIN")
    return Path(env) if env else ROOT / "build" / "corridor"


@pytest.fixture(scope="session")
def corridor() -> str:
    p = corridor_path()
    if not p.is_file():
        pytest.fail(f"corridor executable not found at {p}: build it (cmake --build build) "
                    "or set CORRIDOR_BIN")
    return str(p)


def simulate(corridor, config, out, seed, *sets):
    cmd = [corridor, "run", str(ROOT / config), "-o", str(out), "--seed", str(seed), "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(cmd)} failed:\n{r.stderr}"
    return Path(out)


@pytest.fixture(scope="session")
def simulate_run(corridor):
    """simulate(config, out, seed, *sets) with the session's corridor executable."""
    return lambda config, out, seed, *sets: simulate(corridor, config, out, seed, *sets)


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def short_run(corridor, runs_dir) -> Path:
    """Baseline, 3000 firms, 2013-2016 (four whole years, one leap year), seed 7."""
    return simulate(corridor, "configs/baseline.yaml", runs_dir / "short.h5", 7,
                    "firms.count=3000", "run.end=2016-12-31")


@pytest.fixture(scope="session")
def midyear_run(corridor, runs_dir) -> Path:
    """A run starting and ending mid-year, whose first periods are partial."""
    return simulate(corridor, "configs/baseline.yaml", runs_dir / "midyear.h5", 3,
                    "firms.count=1000", "run.start=2013-03-15", "run.end=2014-06-30")


@pytest.fixture(scope="session")
def visa_runs(corridor, runs_dir) -> dict:
    """Baseline and no_visa_free to 2025, seeds 1 and 2: paths under 'base' and 'scenario'."""
    out = {"base": [], "scenario": []}
    for seed in VISA_SEEDS:
        out["base"].append(simulate(corridor, "configs/baseline.yaml",
                                    runs_dir / f"visa_base_s{seed}.h5", seed, *VISA_SETS))
        out["scenario"].append(simulate(corridor, "configs/scenarios/no_visa_free.yaml",
                                        runs_dir / f"visa_scen_s{seed}.h5", seed, *VISA_SETS))
    return out


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
