"""Validation against observed data: ca.validate and `corridor validate`.

The simulated numbers are checked against a hand computation from the HDF5 datasets (h5py
only, following configs/data/moments.yaml read as plain YAML), the replicate band against
the values of each run, the 90% interval and the mapping against the C++ outcome evaluator
of `corridor sweep` (which calibration uses), and MAPE and direction on a hand-made table.
"""
import math
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import yaml

import corridor_analysis as ca
from corridor_analysis.validation import INTERVAL_MIN_REPLICATES, MOMENTS_YAML, NO_MAPPING

ROOT = Path(__file__).resolve().parents[2]
HAND_SETS = ("firms.count=1500", "run.start=2013-07-01", "run.end=2022-12-31")
SWEEP_REPLICATES = 10


# Hand computation ------------------------------------------------------------------------

def h5_values(path, series, select=None, cells="sum", scale=1.0) -> dict:
    """{year: value} of one moment, straight from the file's annual group."""
    with h5py.File(path, "r") as f:
        d = f["annual"][series]
        a = d[()].astype(float)
        dims = [list(x.keys())[0] for x in d.dims]
        for axis, dim in enumerate(dims):
            if axis and select and dim in select:
                labels = [x.decode() for x in f["annual"][dim][()]]
                wanted = select[dim] if isinstance(select[dim], list) else [select[dim]]
                a = np.take(a, [labels.index(str(w)) for w in wanted], axis=axis)
        flat = a.reshape(a.shape[0], -1)
        v = flat.sum(axis=1)
        if cells == "mean":
            v = v / flat.shape[1]
        start = date.fromisoformat(f.attrs["start_date"])
        years = [(start + timedelta(days=int(t))).year for t in f["annual"]["time"][()]]
    return dict(zip(years, v * float(scale)))


def plain_moments() -> dict:
    return yaml.safe_load(MOMENTS_YAML.read_text())


def hand_values(path) -> dict:
    """{observed series: {year: value}} for every entry of moments.yaml."""
    return {name: h5_values(path, m["series"], m.get("select"), m.get("cells", "sum"),
                            m.get("scale", 1.0))
            for name, m in plain_moments().items()}


def run_years(path) -> tuple:
    with h5py.File(path, "r") as f:
        return date.fromisoformat(f.attrs["start_date"]), date.fromisoformat(f.attrs["end_date"])


@pytest.fixture(scope="module")
def hand_run(simulate_run, runs_dir) -> Path:
    """Baseline from mid-2013 (a partial first year) to 2022: every moment but 2023's."""
    return simulate_run("configs/baseline.yaml", runs_dir / "validation_hand.h5", 5, *HAND_SETS)


@pytest.fixture(scope="module")
def replicate_runs(simulate_run, runs_dir) -> list:
    """Three seeds of a small baseline over 2019-2023 (every moment has an observed year)."""
    return [simulate_run("configs/baseline.yaml", runs_dir / f"validation_rep_s{seed}.h5", seed,
                         "firms.count=800", "run.start=2019-01-01", "run.end=2023-12-31")
            for seed in (1, 2, 3)]


def sweep_spec(tmp: Path) -> Path:
    """Two scenarios, one point, ten replicates of a tiny two-year run; one outcome per
    moment of moments.yaml, so that the sweep's C++ evaluator computes what validate does."""
    outcomes = {}
    for name, m in plain_moments().items():
        o = {"series": m["series"], "year": 2022}
        if m.get("select"):
            o["select"] = m["select"]
        if m.get("cells"):
            o["cells"] = m["cells"]
        outcomes[name] = o
    spec = {
        "description": "validation replicates",
        "scenarios": {"baseline": str(ROOT / "configs/baseline.yaml"),
                      "no_visa_free": str(ROOT / "configs/scenarios/no_visa_free.yaml")},
        "set": {"firms.count": 400, "run.start": "2021-01-01", "run.end": "2022-12-31"},
        "parameters": {"travel.visa_fee_usd": {"values": [60]}},
        "design": {"kind": "grid"},
        "replicates": SWEEP_REPLICATES,
        "seed": 3,
        "outcomes": outcomes,
    }
    p = tmp / "spec.yaml"
    p.write_text(yaml.safe_dump(spec, sort_keys=False))
    return p


@pytest.fixture(scope="module")
def sweep_dir(corridor, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("validation_sweep")
    out = tmp / "sweep"
    r = subprocess.run([corridor, "sweep", str(sweep_spec(tmp)), "-o", str(out), "--quiet",
                        "--threads", "1"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


# The API on real runs ---------------------------------------------------------------------

def test_numbers_equal_a_hand_computation(hand_run):
    table = ca.validate(hand_run)
    obs = ca.observed()
    assert len(table) == len(obs)  # every observed row is listed, compared or not
    moments = plain_moments()
    hand = hand_values(hand_run)
    start, end = run_years(hand_run)
    for r in table.itertuples(index=False):
        if r.series not in moments:
            assert not r.comparable and r.reason == NO_MAPPING and math.isnan(r.simulated)
            continue
        if r.year not in hand[r.series]:
            assert not r.comparable and r.reason.startswith("outside the simulated years")
            continue
        want = hand[r.series][r.year]
        assert r.simulated == pytest.approx(want, rel=1e-12), (r.series, r.year)
        assert r.n == 1 and r.sim_min == r.simulated == r.sim_max
        assert math.isnan(r.sim_p05) and math.isnan(r.sim_p95)
        if r.year == start.year:
            assert not r.comparable and r.reason == "year only partly simulated"
            continue
        assert r.comparable and r.reason == ""
        assert r.error_pct == pytest.approx(100 * (want - r.observed) / r.observed, rel=1e-10)
        assert pd.isna(r.in_band)  # one run has no band
    # Directions and the summary, by hand.
    summary = table.attrs["summary"].set_index("series")
    for series in moments:
        rows = table[(table.series == series) & table.comparable].sort_values("year")
        years, o, s = rows.year.tolist(), rows.observed.tolist(), rows.simulated.tolist()
        right = changes = 0
        for k in range(1, len(years)):
            got = rows.direction.iloc[k]
            if years[k] != years[k - 1] + 1:
                assert got == ""
                continue
            ok = (o[k] > o[k - 1]) == (s[k] > s[k - 1])
            assert got == ("right" if ok else "wrong")
            changes += 1
            right += ok
        errors = [100 * (b - a) / a for a, b in zip(o, s)]
        row = summary.loc[series]
        assert row.years_compared == len(years)
        if years:
            assert row.mape_pct == pytest.approx(np.mean(np.abs(errors)), rel=1e-10)
            assert row.bias_pct == pytest.approx(np.mean(errors), rel=1e-10)
        assert (row.direction_right, row.direction_changes) == (right, changes)
    trade = table[(table.series == "bilateral_trade_cn_side") & table.comparable]
    assert trade.year.tolist() == list(range(2014, 2023))  # 2013 partial, 2012 and 1992 outside
    assert summary.loc["bilateral_trade_cn_side"].direction_changes == 8


def test_select_and_mean_of_cells(hand_run):
    """A mapping given in code: one dimension of two selected, a mean of cells, a scale."""
    moments = {
        "queue_hours": {"series": "border_queue_days", "select": {"crossing": ["khorgos", "dostyk"]},
                        "cells": "mean", "scale": 24},
        "arrivals_from_cn": {"series": "arrivals", "select": {"traveller_origin": "CN"}},
        "kz_transit": {"series": "transit_teu",
                       "select": {"corridor": ["northern", "middle", "southern"]}},
    }
    observed = pd.DataFrame({"series": list(moments), "year": [2020, 2021, 2022],
                             "value": [40.0, 1.0e5, 5.0e5], "unit": ["h", "persons", "TEU"],
                             "source": "test", "note": ""})
    table = ca.validate(hand_run, observed=observed, moments=moments).set_index("series")
    for name, m in moments.items():
        year = int(table.loc[name, "year"])
        want = h5_values(hand_run, m["series"], m["select"], m.get("cells", "sum"),
                         m.get("scale", 1.0))[year]
        assert table.loc[name, "simulated"] == pytest.approx(want, rel=1e-12)
    # The mean of two crossings differs from their sum: the option is read.
    total = h5_values(hand_run, "border_queue_days", {"crossing": ["khorgos", "dostyk"]})[2020]
    assert table.loc["queue_hours", "simulated"] == pytest.approx(total * 24 / 2, rel=1e-12)


def test_replicate_band(replicate_runs):
    runs = replicate_runs
    table = ca.validate(runs)
    per_run = [hand_values(p) for p in runs]
    compared = table[table.comparable]
    assert set(compared.series) == set(plain_moments())  # each moment compared at least once
    for r in compared.itertuples(index=False):
        v = np.array([h[r.series][r.year] for h in per_run])
        assert r.n == len(runs)
        assert r.simulated == pytest.approx(v.mean(), rel=1e-12)
        assert (r.sim_min, r.sim_max) == (pytest.approx(v.min(), rel=1e-12),
                                          pytest.approx(v.max(), rel=1e-12))
        assert math.isnan(r.sim_p05)  # too few replicates for a 90% interval
        assert bool(r.in_band) == (v.min() <= r.observed <= v.max())
    assert (table.attrs["summary"]["years_in_interval90"].isna()).all()
    # The figures' paths cover every simulated year, observed or not.
    sim = table.attrs["simulated"]
    trade = sim[sim.series == "bilateral_trade_cn_side"]
    assert trade.year.tolist() == list(range(2019, 2024))
    assert trade.set_index("year").loc[2023, "mean"] == pytest.approx(
        np.mean([h["bilateral_trade_cn_side"][2023] for h in per_run]), rel=1e-12)
    assert (table[table.comparable].groupby("series").n.max() == 3).all()


def test_sweep_interval_and_the_cpp_evaluator(sweep_dir):
    sw = ca.open_sweep(sweep_dir)
    # The HDF5 index that `corridor sweep` writes reads back as its CSV twin.
    pd.testing.assert_frame_equal(sw, ca.open_sweep(sweep_dir / "index.csv"), check_dtype=False)
    base = sw[(sw.scenario == "baseline") & (sw.status == "complete")]
    assert len(base) == SWEEP_REPLICATES >= INTERVAL_MIN_REPLICATES
    table = ca.validate(sweep_dir, scenario="baseline")
    assert table.attrs["runs"] == base.path.tolist()
    assert (table.attrs["scenario"], table.attrs["point"]) == ("baseline", 0)
    moments = plain_moments()
    per_run = [hand_values(p) for p in base.path]
    compared = table[table.comparable]
    assert set(compared.year) == {2021, 2022}
    for r in compared.itertuples(index=False):
        v = np.array([h[r.series][r.year] for h in per_run])
        lo, hi = np.quantile(v, [0.05, 0.95])
        assert r.n == SWEEP_REPLICATES
        assert r.simulated == pytest.approx(v.mean(), rel=1e-12)
        assert (r.sim_p05, r.sim_p95) == (pytest.approx(lo, rel=1e-12), pytest.approx(hi, rel=1e-12))
        assert bool(r.in_interval90) == (lo <= r.observed <= hi)
    # Run by run, validate's value is the one the C++ evaluator put in the index.
    values = ca.simulated_moments(sweep_dir, scenario="baseline")
    for name, m in moments.items():
        mine = values[(values.series == name) & (values.year == 2022)].sort_values("run")
        np.testing.assert_allclose(mine.value.to_numpy() / float(m.get("scale", 1.0)),
                                   base[f"out:{name}"].to_numpy(), rtol=1e-12)
    # The same runs given as files give the same table.
    same = ca.validate(base.path.tolist())
    pd.testing.assert_frame_equal(table, same)


def test_sweep_choices(sweep_dir):
    with pytest.raises(ca.ValidationError, match="scenarios baseline, no_visa_free; choose one"):
        ca.validate(sweep_dir)
    with pytest.raises(ca.ValidationError, match="no scenario 'nope'"):
        ca.validate(sweep_dir, scenario="nope")
    with pytest.raises(ca.ValidationError, match="no complete run at point 3"):
        ca.validate(sweep_dir, scenario="baseline", point=3)
    other = ca.validate(sweep_dir, scenario="no_visa_free")
    assert other.attrs["scenario"] == "no_visa_free"


def test_replicates_must_share_their_configuration(hand_run, replicate_runs, tmp_path):
    with pytest.raises(ca.ValidationError, match="replicates must simulate the same period"):
        ca.validate([replicate_runs[0], hand_run])
    # Same period, another parameter: not a replicate either.
    other = tmp_path / "other.h5"
    shutil.copy(replicate_runs[1], other)
    with h5py.File(other, "r+") as f:
        text = f.attrs["resolved_parameters"]
        text = text.decode() if isinstance(text, bytes) else text
        assert "count: 800" in text
        f.attrs["resolved_parameters"] = text.replace("count: 800", "count: 900", 1)
    with pytest.raises(ca.ValidationError, match="parameters differ beyond the seed .*firms.count"):
        ca.validate([replicate_runs[0], other])


def test_years_restricts_the_comparison(hand_run):
    table = ca.validate(hand_run, years=range(2015, 2021))
    trade = table[table.series == "bilateral_trade_cn_side"].set_index("year")
    assert trade[trade.comparable].index.tolist() == list(range(2015, 2021))
    assert trade.loc[2022, "reason"] == "not among the years asked for"
    assert trade.loc[2016, "direction"] == "right" or trade.loc[2016, "direction"] == "wrong"
    assert trade.loc[2015, "direction"] == ""  # 2014 is not compared, so no change into 2015


def test_plot_validation_returns_a_figure(replicate_runs):
    table = ca.validate(replicate_runs[:2])
    fig = ca.plot_validation(table, "bilateral_trade_cn_side")
    ax = fig.axes[0]
    mean = next(line for line in ax.get_lines() if line.get_label() == "simulated mean")
    sim = table.attrs["simulated"]
    want = sim[sim.series == "bilateral_trade_cn_side"]
    np.testing.assert_allclose(mean.get_ydata(), want["mean"])
    observed = next(line for line in ax.get_lines() if line.get_label() == "observed")
    comp = table[(table.series == "bilateral_trade_cn_side") & table.comparable]
    np.testing.assert_allclose(observed.get_ydata(), comp.observed)
    assert len(ax.collections) == 1  # the min-max band; no 90% interval with two runs
    with pytest.raises(ValueError, match="no mapping"):
        ca.plot_validation(table, "kz_gdp")


# Metrics on a hand-made table -------------------------------------------------------------

def test_mape_and_direction_by_hand():
    rows = [  # year, observed, simulated, min, max, comparable
        (2014, 10.0, 11.0, 9.0, 12.0, True),     # +10 %, in band
        (2015, 12.0, 13.0, 12.5, 14.0, True),    # +8.33 %, up/up: right; below band
        (2016, 11.0, 12.0, 11.0, 13.0, True),    # +9.09 %, down/down: right; on the band edge
        (2017, 11.0, 12.5, 12.0, 13.0, True),    # +13.64 %, flat/up: wrong; below band
        (2018, 20.0, 15.0, 14.0, 16.0, False),   # not compared (say, a partial year)
        (2019, 15.0, 14.0, 13.0, 16.0, True),    # -6.67 %, in band; no change across 2018
        (2020, 12.0, 15.0, 13.0, 17.0, True),    # +25 %, down/up: wrong; below band
    ]
    t = pd.DataFrame(rows, columns=["year", "observed", "simulated", "sim_min", "sim_max",
                                    "comparable"])
    t.insert(0, "series", "x")
    t["unit"], t["model"], t["n"] = "u", "x_model", 3
    t["sim_p05"] = t["sim_p95"] = np.nan
    t["reason"] = np.where(t.comparable, "", "year only partly simulated")
    scored = ca.score(t)
    assert scored.direction.tolist() == ["", "right", "right", "wrong", "", "", "wrong"]
    np.testing.assert_allclose(scored.error_pct[t.comparable],
                               [10.0, 100 / 12, 100 / 11, 150 / 11, -100 / 15, 25.0])
    assert scored.in_band.tolist()[:4] == [True, False, True, False]
    assert scored.in_band.tolist()[5:] == [True, False]
    assert pd.isna(scored.in_band[4]) and pd.isna(scored.in_interval90).all()
    s = ca.validation_summary(scored).iloc[0]
    errors = np.array([10.0, 100 / 12, 100 / 11, 150 / 11, -100 / 15, 25.0])
    assert s.years_compared == 6
    assert s.mape_pct == pytest.approx(np.abs(errors).mean())
    assert s.bias_pct == pytest.approx(errors.mean())
    assert (s.direction_right, s.direction_changes) == (2, 4)
    assert s.direction_share == pytest.approx(0.5)
    assert s.years_in_band == 3  # 2014, 2016 (on the edge) and 2019
    assert pd.isna(s.years_in_interval90)


# Bad input ---------------------------------------------------------------------------------

BAD_MOMENTS = [
    ("unknown key", "a:\n  series: bilateral_trade_usd\n  scael: 2\n", "line 3, key a.scael",
     "unknown key"),
    ("no series", "a:\n  select: {corridor: [northern]}\n", "key a.series", "missing required key"),
    ("bad cells", "a:\n  series: x\n  cells: median\n", "line 3, key a.cells", "not one of: sum, mean"),
    ("bad scale", "a:\n  series: x\n  scale: lots\n", "line 3, key a.scale", "not a number"),
    ("zero scale", "a:\n  series: x\n  scale: 0\n", "key a.scale", "finite non-zero"),
    ("repeated label", "a:\n  series: transit_teu\n  select: {corridor: [middle, middle]}\n",
     "key a.select.corridor", "middle listed twice"),
    ("entry twice", "a:\n  series: x\nb:\n  series: y\na:\n  series: z\n", "line 5, key a",
     "listed twice"),
    ("not yaml", "a: [unclosed\n", "line 2", "not valid YAML"),
    ("not a mapping", "- a\n- b\n", "line 1", "expected a mapping"),
]


@pytest.mark.parametrize("name,text,where,message", BAD_MOMENTS, ids=[b[0] for b in BAD_MOMENTS])
def test_bad_moments_file(tmp_path, name, text, where, message):
    p = tmp_path / "moments.yaml"
    p.write_text(text)
    with pytest.raises(ca.ValidationError) as e:
        ca.load_moments(p)
    assert str(p) in str(e.value) and where in str(e.value) and message in str(e.value)


@pytest.mark.parametrize("entry,message", [
    ("series: no_such_series", "has no series 'no_such_series'"),
    ("series: transit_teu\n  select: {crossing: [khorgos]}", "has no dimension 'crossing'"),
    ("series: transit_teu\n  select: {corridor: [arctic]}", "no label 'arctic'"),
])
def test_moments_checked_against_the_run(hand_run, tmp_path, entry, message):
    p = tmp_path / "moments.yaml"
    p.write_text(f"# a comment line\nkz_container_transit:\n  {entry}\n")
    with pytest.raises(ca.ValidationError) as e:
        ca.validate(hand_run, moments=p)
    assert f"{p}, line 2, key kz_container_transit" in str(e.value) and message in str(e.value)


def test_bad_observed_file(hand_run, tmp_path):
    text = (ROOT / "configs/data/observed.csv").read_text().splitlines()
    bad = tmp_path / "observed.csv"
    bad.write_text("\n".join(text[:3] + [text[3].replace("22.45", "22.45x")] + text[4:]) + "\n")
    with pytest.raises(ca.ValidationError, match=r"observed.csv:4: column 'value'"):
        ca.validate(hand_run, observed=bad)
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join(text + [text[3]]) + "\n")
    with pytest.raises(ca.ValidationError, match="bilateral_trade_cn_side 2014 repeated"):
        ca.validate(hand_run, observed=twice)


# The command --------------------------------------------------------------------------------

def run_cli(corridor, *args):
    return subprocess.run([corridor, "validate", *map(str, args)], capture_output=True, text=True)


def test_cli_prints_the_table_and_writes_the_files(corridor, hand_run, tmp_path):
    out = tmp_path / "val"
    r = run_cli(corridor, hand_run, "-o", out)
    assert r.returncode == 0, r.stderr
    table = ca.validate(hand_run)
    trade = table[(table.series == "bilateral_trade_cn_side") & table.comparable]
    # The printed table: a line per compared year with observed, simulated and error.
    for row in trade.itertuples(index=False):
        line = next(ln for ln in r.stdout.splitlines() if ln.strip().startswith(f"{row.year} "))
        assert f"{row.observed:.4g}" in line and f"{row.simulated:.4g}" in line
        assert f"{row.error_pct:+.1f}" in line
    summary = table.attrs["summary"].set_index("series")
    mape = summary.loc["bilateral_trade_cn_side", "mape_pct"]
    assert any(ln.startswith("bilateral_trade_cn_side") and f"{mape:.1f}" in ln
               for ln in r.stdout.splitlines())
    assert NO_MAPPING in r.stdout and "kz_gdp" in r.stdout
    # The files: every observed row, the summary, one figure per mapped series.
    csv = pd.read_csv(out / "validation.csv", keep_default_na=False, na_values={
        c: [""] for c in ("simulated", "sim_min", "sim_max", "sim_p05", "sim_p95", "error_pct")})
    assert len(csv) == len(table)
    np.testing.assert_allclose(csv.simulated, table.simulated, rtol=1e-12)
    np.testing.assert_allclose(csv.error_pct, table.error_pct, rtol=1e-12)
    assert csv.reason.tolist() == table.reason.tolist()
    s = pd.read_csv(out / "validation_summary.csv")
    np.testing.assert_allclose(s.mape_pct, table.attrs["summary"].mape_pct, rtol=1e-12)
    mapped = set(plain_moments()) & set(ca.observed().series)
    assert {p.stem for p in out.glob("*.png")} == mapped
    assert not list(out.glob("*.tmp"))


def test_cli_default_output_is_beside_the_input(corridor, hand_run, tmp_path):
    run = tmp_path / "baseline.h5"
    shutil.copy(hand_run, run)
    r = run_cli(corridor, run)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "baseline_validation" / "validation.csv").is_file()


def test_cli_on_a_sweep(corridor, sweep_dir):
    r = run_cli(corridor, sweep_dir, "--scenario", "no_visa_free", "--years", "2021-2022")
    assert r.returncode == 0, r.stderr
    assert f"{SWEEP_REPLICATES} runs of scenario no_visa_free" in r.stdout
    assert "90% interval" in r.stdout
    out = sweep_dir.parent / "sweep_no_visa_free_validation"
    assert len(pd.read_csv(out / "validation.csv")) == len(ca.observed())


def _incomplete(src, tmp):
    p = tmp / "incomplete.h5"
    shutil.copy(src, p)
    with h5py.File(p, "r+") as f:
        f.attrs["complete"] = 0
    return p


def _moments_lacking(tmp):
    p = tmp / "moments.yaml"
    p.write_text("bilateral_trade_cn_side:\n  series: bilateral_trade_value\n  scale: 1.0e-9\n")
    return p


BAD_CLI = [
    ("missing file", lambda run, sweep, tmp: [tmp / "nope.h5"], "nope.h5: no such output file"),
    ("not hdf5", lambda run, sweep, tmp: [tmp / "x.h5"], "not an HDF5 file"),
    ("incomplete run", lambda run, sweep, tmp: [_incomplete(run, tmp)], "the run did not finish"),
    ("unknown scenario", lambda run, sweep, tmp: [sweep, "--scenario", "nope"],
     "no scenario 'nope' in the sweep"),
    ("scenario not chosen", lambda run, sweep, tmp: [sweep], "choose one"),
    ("series the run lacks", lambda run, sweep, tmp: [run, "--moments", _moments_lacking(tmp)],
     "line 1, key bilateral_trade_cn_side.series: the run"),
    ("missing moments", lambda run, sweep, tmp: [run, "--moments", tmp / "m.yaml"],
     "no such moments file"),
    ("missing observed", lambda run, sweep, tmp: [run, "--observed", tmp / "o.csv"],
     "o.csv: no such observed"),
    ("scenario of a run file", lambda run, sweep, tmp: [run, "--scenario", "baseline"],
     "is a run file"),
    ("bad years", lambda run, sweep, tmp: [run, "--years", "2015-20x"], "cannot read"),
    ("several files, no -o", lambda run, sweep, tmp: [run, run], "name the output folder"),
    ("unknown option", lambda run, sweep, tmp: [run, "--obseved", "x"], "unrecognized arguments"),
]


def _main(argv, capsys) -> tuple:
    """The command's Python side in this process (the binary only hands its arguments on):
    exit code and stderr."""
    from corridor_analysis.validate_cli import main

    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:  # argparse
        code = e.code
    return code, capsys.readouterr().err


def _check_refused(code, err, message, out, sweep_dir):
    assert code == 2, err
    assert message in err, err
    assert "Traceback" not in err
    assert len([ln for ln in err.splitlines() if "error:" in ln]) == 1  # one message
    assert not out.exists()
    assert not (sweep_dir.parent / "sweep_validation").exists()


@pytest.mark.parametrize("name,args,message", BAD_CLI, ids=[b[0] for b in BAD_CLI])
def test_cli_bad_input(hand_run, sweep_dir, tmp_path, capsys, name, args, message):
    (tmp_path / "x.h5").write_text("not a run\n")
    argv = args(hand_run, sweep_dir, tmp_path)
    out = tmp_path / "out"
    if name not in ("several files, no -o", "scenario not chosen"):
        argv += ["-o", out]
    code, err = _main(argv, capsys)
    _check_refused(code, err, message, out, sweep_dir)


@pytest.mark.parametrize("case", ["missing file", "unknown scenario", "series the run lacks"])
def test_cli_bad_input_through_the_binary(corridor, hand_run, sweep_dir, tmp_path, case):
    args = dict((b[0], b[1]) for b in BAD_CLI)[case](hand_run, sweep_dir, tmp_path)
    message = dict((b[0], b[2]) for b in BAD_CLI)[case]
    out = tmp_path / "out"
    r = run_cli(corridor, *args, "-o", out)
    assert r.stderr.startswith("corridor validate: error: ")
    _check_refused(r.returncode, r.stderr, message, out, sweep_dir)


def test_usage_lists_validate(corridor):
    r = subprocess.run([corridor, "--help"], capture_output=True, text=True)
    assert "validate RUN.h5|DIR" in r.stdout
