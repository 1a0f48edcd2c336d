"""compare(): paired scenario - base differences with bands across replicates."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import corridor_analysis as ca
from corridor_analysis.compare import COLUMNS

REQUIRED = ["outcome", "period", "base_mean", "scenario_mean", "diff_mean", "diff_lo", "diff_hi",
            "diff_pct", "units"]


@pytest.fixture(scope="module")
def visa(visa_runs):
    return {k: [ca.open_run(p) for p in v] for k, v in visa_runs.items()}


@pytest.fixture(scope="module")
def diff(visa):
    return ca.compare(visa["base"], visa["scenario"])


def _row(d, outcome, year):
    r = d[(d["outcome"] == outcome) & (d["period"].dt.year == year)]
    assert len(r) == 1
    return r.iloc[0]


def test_compare_table_shape(diff):
    assert set(REQUIRED) <= set(diff.columns)
    assert list(diff.columns) == COLUMNS
    assert set(diff["outcome"]) == set(ca.HEADLINE)
    assert (diff["scenario"] == "no_visa_free").all()
    assert (diff["n"] == 2).all()
    assert sorted(diff["period"].dt.year.unique()) == list(range(2013, 2026))
    np.testing.assert_allclose(diff["diff_mean"], diff["scenario_mean"] - diff["base_mean"],
                               rtol=1e-9, atol=1e-6)
    ok = diff["base_mean"] != 0
    np.testing.assert_allclose(diff.loc[ok, "diff_pct"],
                               100 * diff.loc[ok, "diff_mean"] / diff.loc[ok, "base_mean"], rtol=1e-9)
    assert (diff["diff_lo"] <= diff["diff_mean"] + 1e-9).all()
    assert (diff["diff_hi"] >= diff["diff_mean"] - 1e-9).all()
    assert (diff["base_lo"] <= diff["base_mean"] + 1e-6).all()
    assert (diff["units"][diff["outcome"] == "arrivals_tourist"] == "persons").all()


def test_no_visa_free_lowers_arrivals_after_the_exemption(diff):
    for outcome in ("arrivals_tourist", "arrivals_business"):
        for year in (2013, 2018, 2022):
            # Paired by seed, the runs are identical until the exemption starts.
            assert _row(diff, outcome, year)["diff_mean"] == 0
        for year in (2023, 2024, 2025):
            r = _row(diff, outcome, year)
            assert r["diff_mean"] < 0 and r["diff_hi"] < 0, (outcome, year)
        assert _row(diff, outcome, 2024)["diff_pct"] < -20
    assert _row(diff, "bilateral_trade_usd", 2022)["diff_mean"] == 0


def test_monthly_differences_start_in_november_2023(visa):
    m = ca.compare(visa["base"], visa["scenario"], outcomes=["arrivals_tourist"], freq="monthly")
    by = m.set_index("period")["diff_mean"]
    assert (by[:"2023-10-01"] == 0).all()
    assert by["2023-11-01"] < 0 and (by["2023-12-01":] < 0).all()


def test_bands(visa):
    # Annual datasets go through compare() unchanged, which also keeps this test quick.
    base = [ca.annual(b) for b in visa["base"]]
    scen = [ca.annual(s) for s in visa["scenario"]]
    b24 = np.array([float(ca.headline(b)["arrivals_tourist"].iloc[11]) for b in base])
    s24 = np.array([float(ca.headline(s)["arrivals_tourist"].iloc[11]) for s in scen])
    diffs = s24 - b24
    kw = dict(outcomes=["arrivals_tourist"])
    r = _row(ca.compare(base, scen, **kw), "arrivals_tourist", 2024)
    assert r["diff_mean"] == pytest.approx(diffs.mean())
    assert r["diff_sd"] == pytest.approx(diffs.std(ddof=1))
    half = stats.t.ppf(0.975, 1) * diffs.std(ddof=1) / np.sqrt(2)
    assert (r["diff_lo"], r["diff_hi"]) == pytest.approx((diffs.mean() - half, diffs.mean() + half))
    assert r["band"] == "t95"
    assert (r["base_lo"], r["base_hi"]) == pytest.approx((b24.min(), b24.max()))
    assert (r["scenario_lo"], r["scenario_hi"]) == pytest.approx((s24.min(), s24.max()))
    n = _row(ca.compare(base, scen, band="normal", level=0.9, **kw), "arrivals_tourist", 2024)
    half = stats.norm.ppf(0.95) * diffs.std(ddof=1) / np.sqrt(2)
    assert (n["diff_lo"], n["diff_hi"]) == pytest.approx((diffs.mean() - half, diffs.mean() + half))
    assert n["band"] == "normal90"
    p = _row(ca.compare(base, scen, band="percentile", **kw), "arrivals_tourist", 2024)
    assert (p["diff_lo"], p["diff_hi"]) == pytest.approx(tuple(np.percentile(diffs, [2.5, 97.5])))
    g = _row(ca.compare(base, scen, band="range", **kw), "arrivals_tourist", 2024)
    assert (g["diff_lo"], g["diff_hi"]) == pytest.approx((diffs.min(), diffs.max()))
    with pytest.raises(ValueError, match="band must be"):
        ca.compare(base, scen, band="wide", **kw)
    with pytest.raises(ValueError, match="cannot turn annual data into monthly"):
        ca.compare(base, scen, freq="monthly", **kw)


def test_single_replicate_has_a_collapsed_band(visa_runs):
    d = ca.compare(visa_runs["base"][0], visa_runs["scenario"][0], outcomes=["arrivals_business"])
    assert (d["n"] == 1).all()
    assert (d["diff_lo"] == d["diff_mean"]).all() and (d["diff_hi"] == d["diff_mean"]).all()
    assert d["diff_sd"].isna().all()


def test_pairing_by_seed_and_by_order(visa):
    base, scen = visa["base"], visa["scenario"]
    forward = ca.compare(base, scen, outcomes=["arrivals_tourist"])
    backward = ca.compare(base, scen[::-1], outcomes=["arrivals_tourist"])
    pd.testing.assert_frame_equal(forward, backward)
    pairs = ca.pair_runs(base, scen[::-1])
    assert [(b.attrs["seed"], s.attrs["seed"]) for b, s in pairs] == [(1, 1), (2, 2)]
    unseeded = [s.copy() for s in scen]
    for s in unseeded:
        del s.attrs["seed"]
    assert [p[1] is u for p, u in zip(ca.pair_runs(base, unseeded), unseeded)] == [True, True]
    with pytest.raises(ValueError, match="2 base runs but 1 scenario"):
        ca.compare(base, unseeded[:1])


def test_compare_raw_variables_and_names(visa, visa_runs):
    d = ca.compare(visa_runs["base"], visa_runs["scenario"], outcomes=["arrivals"], scenario="visa")
    assert set(d["outcome"]) == {"arrivals.CN.business", "arrivals.CN.tourist",
                                 "arrivals.KZ.business", "arrivals.KZ.tourist"}
    assert (d["scenario"] == "visa").all()
    r = _row(d, "arrivals.CN.tourist", 2024)
    assert r["diff_mean"] < 0
    with pytest.raises(KeyError):
        ca.compare(visa["base"], visa["scenario"], outcomes=["nonsense"])
