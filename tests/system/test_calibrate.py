"""corridor calibrate: recovers known parameters from moments the model itself made (with
other seeds), resumes after SIGKILL without redoing finished evaluations, and rejects
hostile specs before running anything."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import yaml
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
BASELINE = ROOT / "configs" / "baseline.yaml"
MOMENTS = ROOT / "configs" / "data" / "moments.yaml"
SETS = "{firms.count: 800, run.start: 2020-01-01, run.end: 2022-12-31}"
TRUTH = {"firms.partner_search_rate": 0.0045, "travel.income_elasticity": 1.8}
BOUNDS = {"firms.partner_search_rate": (0.002, 0.008), "travel.income_elasticity": (0.5, 3.0)}
# Recovery tolerance: a share of each parameter's range. At 800 firms and 2 replicates the
# trade moments carry a few percent of simulation noise.
TOLERANCE = 0.15


def corridor(*args, check=True, **kw):
    r = subprocess.run([BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"corridor {args} failed ({r.returncode}): {r.stderr}")
    return r


def spec_text(observed: Path, budget=10, extra=""):
    params = "".join(f"  {k}: {{bounds: [{lo}, {hi}], reason: test}}\n"
                     for k, (lo, hi) in BOUNDS.items())
    return f"""\
scenario: {BASELINE}
set: {SETS}
observed: {observed}
moments_map: {MOMENTS}
parameters:
{params}moments:
  bilateral_trade_cn_side: {{years: [2020, 2022], weight: 1, reason: identifies partner search}}
  cn_tourists_to_kz: {{years: [2020, 2022], weight: 1, reason: identifies income elasticity}}
replicates: 2
seed: 1
design: {{points: 6}}
optimizer: {{algorithm: sbplx, budget: {budget}}}
uncertainty: {{profile_points: 3}}
{extra}"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Observed moments made by the model at TRUTH, with seeds the calibration never uses."""
    tmp = tmp_path_factory.mktemp("synthetic")
    values = "".join(f"  {k}: {{values: [{v}]}}\n" for k, v in TRUTH.items())
    sel = "select: {traveller_origin: [CN], purpose: [tourist]}"
    outs = "".join(f"  t{y}: {{series: bilateral_trade_usd, year: {y}}}\n"
                   f"  a{y}: {{series: arrivals, {sel}, year: {y}}}\n" for y in (2020, 2021, 2022))
    (tmp / "truth.yaml").write_text(f"""\
scenarios: {{baseline: {BASELINE}}}
set: {SETS}
parameters:
{values}design: {{kind: grid}}
replicates: 2
seed: 987
outcomes:
{outs}""")
    corridor("sweep", tmp / "truth.yaml", "-o", tmp / "truth", "--quiet")
    df = pd.read_csv(tmp / "truth" / "index.csv", float_precision="round_trip")
    rows = ["series,year,value,unit,source,note"]
    for y in (2020, 2021, 2022):
        rows.append(f"bilateral_trade_cn_side,{y},{df[f'out:t{y}'].mean() / 1e9!r},USD bn,synthetic,")
        rows.append(f"cn_tourists_to_kz,{y},{df[f'out:a{y}'].mean()!r},visitors,synthetic,")
    (tmp / "observed.csv").write_text("\n".join(rows) + "\n")
    return tmp


@pytest.fixture(scope="module")
def calibrated(synthetic):
    spec = synthetic / "cal.yaml"
    spec.write_text(spec_text(synthetic / "observed.csv"))
    r = corridor("calibrate", spec, "-o", synthetic / "out", "--jobs", "2", "--quiet")
    return spec, synthetic / "out", r


def test_recovers_known_parameters(calibrated):
    _, out, _ = calibrated
    est = pd.read_csv(out / "parameters.csv").set_index("parameter")
    for k, truth in TRUTH.items():
        lo, hi = BOUNDS[k]
        assert abs(est.estimate[k] - truth) <= TOLERANCE * (hi - lo), (k, est.estimate[k], truth)
        assert est.std_error[k] > 0 and est.std_error[k] < (hi - lo), (k, est.std_error[k])
    fit = pd.read_csv(out / "fit.csv")
    assert len(fit) == 6
    assert fit.error_pct.abs().max() < 15


def test_report_overlay_and_path(calibrated):
    spec, out, _ = calibrated
    report = (out / "report.md").read_text()
    for needle in ("## Parameters", "## Fit", "## Identification", "Command: `corridor calibrate",
                   "firms.partner_search_rate"):
        assert needle in report
    ev = pd.read_csv(out / "evaluations.csv")
    assert {"design", "search", "jacobian", "profile"} <= set(ev.phase) <= {
        "design", "search", "jacobian", "profile", "jacobian_at_best"}
    assert (ev.phase == "design").sum() == 6
    # The baseline's partner search rate lies outside these bounds: its values are not run.
    assert "The scenario's own values were not evaluated" in report
    # The estimate is the best point of the design and the search, or a point of the
    # Jacobian or the profiles that beats it in every replicate; then the Jacobian is taken
    # again there.
    searched = ev[ev.phase.isin(["design", "search"])].objective.min()
    est = pd.read_csv(out / "parameters.csv").set_index("parameter")
    theta = {k: est.estimate[k] for k in BOUNDS}
    at = ev[ev.phase != "jacobian_at_best"]
    row = at[sum((at[f"param:{k}"] - v).abs() <= 1e-12 * abs(v) for k, v in theta.items()) == len(theta)]
    assert len(row) >= 1
    assert f"Objective at the estimate: {row.objective.iloc[0]:.6g}" in report
    assert row.objective.iloc[0] <= searched
    moved = row.objective.iloc[0] < searched
    assert ((ev.phase == "jacobian_at_best").sum() == 2 * len(BOUNDS)) == moved
    assert ("held a better one than the search's" in report) == moved
    # The overlay is a config: a run with it reproduces the calibrated setting.
    overlay = out / "calibrated.yaml"
    r = corridor("run", overlay, "--set", "firms.count=800", "--set", "run.start=2022-01-01",
                 "--set", "run.end=2022-03-31", "-o", out / "check.h5", "--quiet")
    assert r.returncode == 0
    import h5py
    with h5py.File(out / "check.h5") as f:
        resolved = f.attrs["resolved_parameters"]
    est = pd.read_csv(out / "parameters.csv").set_index("parameter")
    assert f"partner_search_rate: {est.estimate['firms.partner_search_rate']!r}"[:30] in resolved


def test_the_scenarios_own_values_start_the_search_when_better(synthetic, tmp_path):
    """A recalibration after a change to the model starts from the values in use if they
    beat every design point, and its report says how far the estimate improves on them."""
    spec = tmp_path / "own.yaml"
    text = spec_text(synthetic / "observed.csv", budget=3)
    text = text.replace("[0.002, 0.008]", "[0.002, 0.012]").replace("{points: 6}", "{points: 2}")
    spec.write_text(text.replace("{profile_points: 3}", "{profile_points: 2}"))
    out = tmp_path / "out"
    corridor("calibrate", spec, "-o", out, "--jobs", "2", "--quiet")
    ev = pd.read_csv(out / "evaluations.csv")
    own = ev[ev.phase == "scenario"]
    assert len(own) == 1 and (ev.phase == "design").sum() == 2
    baseline = yaml.safe_load(BASELINE.read_text())
    assert own["param:firms.partner_search_rate"].iloc[0] == baseline["firms"]["partner_search_rate"]
    assert own["param:travel.income_elasticity"].iloc[0] == baseline["travel"]["income_elasticity"]
    report = (out / "report.md").read_text()
    assert "Objective at the scenario's own values (" in report
    assert f"): {own.objective.iloc[0]:.6g}" in report
    best_start = ev[ev.phase.isin(["design", "scenario"])].objective.min()
    assert f"(start of the search {best_start:.6g})" in report
    # The estimate is never worse than the values the scenario had.
    estimate = float(report.split("Objective at the estimate: ")[1].split()[0])
    assert estimate <= own.objective.iloc[0]


def test_resume_after_sigkill_repeats_no_finished_evaluation(calibrated, tmp_path):
    spec, reference, _ = calibrated
    out = tmp_path / "out"
    p = subprocess.Popen([BIN, "calibrate", spec, "-o", out, "--jobs", "2", "--quiet"], cwd=ROOT)
    deadline = time.time() + 300
    while time.time() < deadline and len(list(out.glob("batches/*/index.csv"))) < 4:
        time.sleep(0.1)
    p.send_signal(signal.SIGKILL)
    p.wait()
    done = {f: f.stat().st_mtime_ns for f in out.glob("batches/*/runs/*/*.h5")}
    assert len(done) >= 8 and not (out / "report.md").exists()
    corridor("calibrate", spec, "-o", out, "--jobs", "2", "--quiet")
    for f, mtime in done.items():
        assert f.stat().st_mtime_ns == mtime, f"{f} was run again"
    # The resumed calibration follows the same path to the same estimate.
    for name in ("evaluations.csv", "parameters.csv", "fit.csv"):
        assert (out / name).read_text() == (reference / name).read_text(), name


HOSTILE = [
    ("unknown parameter path", lambda t: t.replace("travel.income_elasticity", "travel.income_elastic"),
     "parameters.travel.income_elastic", "unknown key"),
    ("bounds reversed", lambda t: t.replace("[0.5, 3.0]", "[3.0, 0.5]"),
     "parameters.travel.income_elasticity.bounds", "not below upper bound"),
    ("moment without observations", lambda t: t.replace("cn_tourists_to_kz: {years: [2020, 2022]",
                                                        "kz_gdp: {years: [2020, 2022]"),
     "moments.kz_gdp", "no entry 'kz_gdp'"),
    ("years without observations", lambda t: t.replace("bilateral_trade_cn_side: {years: [2020, 2022]",
                                                       "bilateral_trade_cn_side: {years: [2030, 2031]"),
     "moments.bilateral_trade_cn_side", "no observation"),
    ("zero budget", lambda t: t.replace("budget: 10", "budget: 0"), "optimizer.budget",
     "out of range"),
    ("bound outside the key's range", lambda t: t.replace("[0.002, 0.008]", "[0.002, 2]"),
     "parameters.firms.partner_search_rate", "out of range"),
    ("missing reason", lambda t: t.replace("{bounds: [0.5, 3.0], reason: test}", "{bounds: [0.5, 3.0]}"),
     "parameters.travel.income_elasticity.reason", "say why"),
    ("one replicate", lambda t: t.replace("replicates: 2", "replicates: 1"), "replicates",
     "out of range"),
    ("unknown key", lambda t: t + "optimiser: {budget: 3}\n", "optimiser", "unknown key"),
]


@pytest.mark.parametrize("name,edit,key,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_calibration_spec(tmp_path, name, edit, key, message):
    obs = tmp_path / "observed.csv"
    obs.write_text("series,year,value,unit,source,note\n"
                   "bilateral_trade_cn_side,2021,20,USD bn,x,\ncn_tourists_to_kz,2021,90000,visitors,x,\n"
                   "kz_gdp,2021,197.1,USD bn,x,\n")
    spec = tmp_path / "bad.yaml"
    spec.write_text(edit(spec_text(obs)))
    r = corridor("calibrate", spec, "-o", tmp_path / "out", check=False)
    assert r.returncode == 2, r.stderr
    assert f"key '{key}'" in r.stderr and message in r.stderr, r.stderr
    assert not (tmp_path / "out").exists()
