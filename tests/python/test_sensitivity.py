"""Sobol indices and rank correlations against functions whose answers are known."""
import warnings

import numpy as np
import pandas as pd
import pytest

from corridor_analysis import (SweepError, design_points, open_sweep, prcc, rank_correlations,
                               sobol_indices, sobol_indices_from_samples)
from sweepdirs import fail, plain_table, saltelli_matrices, sobol_table, write_sweep

# Ishigami (1990) with a = 7, b = 0.1 on [-pi, pi]^3; analytic indices from its variance
# decomposition (Sobol' & Levitan 1999): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0,
# V13 = 8 b^2 pi^8 / 225 (the only interaction).
A_ISH, B_ISH = 7.0, 0.1
_V1 = 0.5 * (1 + B_ISH * np.pi ** 4 / 5) ** 2
_V2 = A_ISH ** 2 / 8
_V13 = 8 * B_ISH ** 2 * np.pi ** 8 / 225
_V = _V1 + _V2 + _V13
ISHIGAMI_S1 = np.array([_V1, _V2, 0.0]) / _V       # 0.3139, 0.4424, 0
ISHIGAMI_ST = np.array([_V1 + _V13, _V2, _V13]) / _V  # 0.5576, 0.4424, 0.2437
PI_BOUNDS = [(-np.pi, np.pi)] * 3


def ishigami(x):
    x = np.asarray(x)
    return np.sin(x[..., 0]) + A_ISH * np.sin(x[..., 1]) ** 2 + B_ISH * x[..., 2] ** 4 * np.sin(x[..., 0])


def test_ishigami_analytic_values_are_the_textbook_ones():
    # Guards the constants the other tests compare against (Saltelli et al. 2008, table 4.x).
    assert np.allclose(ISHIGAMI_S1, [0.3139, 0.4424, 0.0], atol=1e-4)
    assert np.allclose(ISHIGAMI_ST, [0.5576, 0.4424, 0.2437], atol=1e-4)


def test_ishigami_within_005_and_intervals_cover_at_n4096():
    A, B, AB = saltelli_matrices(4096, PI_BOUNDS, seed=2024)
    r = sobol_indices_from_samples(ishigami(A), ishigami(B), ishigami(AB), names=["x1", "x2", "x3"],
                                   n_boot=1000, seed=1)
    print("\nIshigami, N = 4096 scrambled Sobol' rows, 1000 bootstrap resamples:\n", r.round(4))
    assert list(r.index) == ["x1", "x2", "x3"]
    assert np.abs(r["S1"].to_numpy() - ISHIGAMI_S1).max() < 0.05
    assert np.abs(r["ST"].to_numpy() - ISHIGAMI_ST).max() < 0.05
    assert ((r["S1_lo"] <= ISHIGAMI_S1) & (ISHIGAMI_S1 <= r["S1_hi"])).all()
    assert ((r["ST_lo"] <= ISHIGAMI_ST) & (ISHIGAMI_ST <= r["ST_hi"])).all()
    # Intervals that cover because they are vast would prove nothing.
    assert (r["S1_hi"] - r["S1_lo"]).max() < 0.15 and (r["ST_hi"] - r["ST_lo"]).max() < 0.15
    assert r.attrs["N"] == 4096 and r.attrs["level"] == 0.95


def test_bootstrap_intervals_are_calibrated_on_independent_samples():
    # With i.i.d. rows the percentile bootstrap should cover the truth about 95% of the time;
    # 40 independent experiments per index, each of N = 512 rows.
    rng = np.random.default_rng(7)
    hits1, hitsT, reps = np.zeros(3), np.zeros(3), 40
    for rep in range(reps):
        A = rng.uniform(-np.pi, np.pi, (512, 3))
        B = rng.uniform(-np.pi, np.pi, (512, 3))
        AB = np.repeat(A[None], 3, axis=0)
        for j in range(3):
            AB[j, :, j] = B[:, j]
        r = sobol_indices_from_samples(ishigami(A), ishigami(B), ishigami(AB), n_boot=300, seed=rep)
        hits1 += (r["S1_lo"] <= ISHIGAMI_S1) & (ISHIGAMI_S1 <= r["S1_hi"])
        hitsT += (r["ST_lo"] <= ISHIGAMI_ST) & (ISHIGAMI_ST <= r["ST_hi"])
    print("\ncoverage of 95% intervals, S1:", hits1 / reps, "ST:", hitsT / reps)
    # Binomial(40, 0.95) falls below 33 with probability under 0.3%; an interval that ignored
    # the pairing of rows, or a 50% interval, would cover far less often.
    assert (hits1 >= 33).all() and (hitsT >= 33).all()
    assert (hits1 < reps).any() or (hitsT < reps).any()  # not absurdly wide either


def test_linear_additive_function():
    # y = sum c_i x_i, x_i ~ U(0, 1) independent: S1_i = ST_i = c_i^2 / sum c^2; a parameter
    # with no coefficient has ST exactly 0 (f(A_B^(i)) == f(A) row by row).
    c = np.array([4.0, 2.0, 1.0, 0.0])
    truth = c ** 2 / (c ** 2).sum()
    A, B, AB = saltelli_matrices(2048, [(0.0, 1.0)] * 4, seed=11)
    f = lambda x: x @ c + 3.0  # noqa: E731
    r = sobol_indices_from_samples(f(A), f(B), f(AB), n_boot=500, seed=3)
    assert np.abs(r["S1"].to_numpy() - truth).max() < 0.02
    assert np.abs(r["ST"].to_numpy() - truth).max() < 0.02
    assert r["ST"].iloc[3] == 0.0 and r["ST_hi"].iloc[3] == 0.0
    assert abs(r["S1"].iloc[3]) < 1e-12
    assert abs(r["S1"].sum() - 1) < 0.03  # additive: first-order indices add up to one
    assert ((r["S1_lo"] <= truth) & (truth <= r["S1_hi"])).all()
    # The level of the output is no information about its variance: 2030 trade is tens of
    # billions varying by a few percent. Same indices and intervals with 1e10 added.
    far = sobol_indices_from_samples(f(A) + 1e10, f(B) + 1e10, f(AB) + 1e10, n_boot=500, seed=3)
    assert np.allclose(far.to_numpy(), r.to_numpy(), atol=1e-5)


def test_sample_function_rejects_bad_shapes_and_nan():
    y = np.arange(8.0)
    with pytest.raises(ValueError, match=r"shape \(k, N\)"):
        sobol_indices_from_samples(y, y, np.zeros((8, 3)))
    with pytest.raises(ValueError, match="equal length"):
        sobol_indices_from_samples(y, y[:4], np.zeros((1, 8)))
    with pytest.raises(ValueError, match="NaN"):
        sobol_indices_from_samples(y, y, np.full((2, 8), np.nan))
    with pytest.warns(RuntimeWarning, match="does not vary"):
        r = sobol_indices_from_samples(np.ones(8), np.ones(8), np.ones((2, 8)))
    assert r["S1"].isna().all() and r["ST"].isna().all()


# --- Sobol indices from a sweep directory -------------------------------------------------

NAMES = ["trade.trade_elasticity", "travel.visa_fee_usd", "routing.logit_scale"]


def _noise(s, rep):
    # Run noise shared by every point of a replicate (common random numbers), different per
    # scenario: averaging replicates leaves a constant offset.
    return 0.3 * np.sin(3.0 * rep + len(s))


def _ishigami_sweep(tmp_path, n=1024, replicates=2):
    A, B, AB = saltelli_matrices(n, PI_BOUNDS, seed=5)
    outcomes = {
        "ishigami": lambda x, s, rep: ishigami(x) + _noise(s, rep),
        # Another scenario may depend on the parameters quite differently.
        "linear": lambda x, s, rep: (x @ ([1.0, 0.0, 0.0] if s == "baseline" else [0.0, 0.0, 2.0]))
        + _noise(s, rep),
    }
    t = sobol_table(A, B, AB, NAMES, outcomes, ["baseline", "no_visa_free"], replicates)
    return t, (A, B, AB)


def test_sobol_indices_of_a_sweep_per_scenario(tmp_path):
    t, (A, B, AB) = _ishigami_sweep(tmp_path)
    sw = open_sweep(write_sweep(tmp_path / "sw", t, "sobol"))
    res = sobol_indices(sw, "ishigami", n_boot=200, seed=4)
    assert list(res.columns)[:3] == ["scenario", "outcome", "parameter"]
    assert list(res["scenario"].unique()) == ["baseline", "no_visa_free"]
    assert list(res["parameter"].unique()) == [f"param:{p}" for p in NAMES]
    for s in ("baseline", "no_visa_free"):
        # What the sweep analysis must reproduce: the estimator on the replicate means,
        # computed here from the design matrices, not from the table.
        off = np.mean([_noise(s, rep) for rep in range(2)])
        want = sobol_indices_from_samples(ishigami(A) + off, ishigami(B) + off, ishigami(AB) + off,
                                          names=[f"param:{p}" for p in NAMES], n_boot=200, seed=4)
        got = res[res["scenario"] == s].set_index("parameter")
        for col in ("S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi"):
            assert np.allclose(got[col].to_numpy(dtype=float), want[col].to_numpy(), atol=1e-9), col
        assert (got["N"] == 1024).all() and (got["dropped_rows"] == 0).all()
        assert np.abs(got["S1"].to_numpy(dtype=float) - ISHIGAMI_S1).max() < 0.05
        assert np.abs(got["ST"].to_numpy(dtype=float) - ISHIGAMI_ST).max() < 0.05
    lin = sobol_indices(sw, "out:linear", n_boot=100).set_index(["scenario", "parameter"])["ST"]
    # Which parameter matters is decided per scenario.
    assert lin[("baseline", "param:trade.trade_elasticity")] > 0.99
    assert lin[("no_visa_free", "param:routing.logit_scale")] > 0.99
    assert lin[("no_visa_free", "param:trade.trade_elasticity")] == 0.0


def test_sobol_indices_average_replicates_before_estimating(tmp_path):
    # Replicate noise that differs between points would bias the indices if each run were
    # used alone; the analysis must use point means. Here replicate 0 has +e and replicate 1
    # -e at every point, so the means are the noise-free values exactly.
    A, B, AB = saltelli_matrices(256, [(0.0, 1.0)] * 3, seed=9)
    e = lambda x: 5.0 * np.cos(40 * x.sum(axis=-1))  # noqa: E731
    f = lambda x, s, rep: x @ [1.0, 2.0, 0.0] + (e(x) if rep == 0 else -e(x))  # noqa: E731
    t = sobol_table(A, B, AB, NAMES, {"y": f}, ["baseline"], replicates=2)
    res = sobol_indices(write_sweep(tmp_path / "sw", t, "sobol"), "y", n_boot=0).set_index("parameter")
    g = lambda x: x @ [1.0, 2.0, 0.0]  # noqa: E731
    want = sobol_indices_from_samples(g(A), g(B), g(AB), n_boot=0)
    assert np.allclose(res["S1"].to_numpy(dtype=float), want["S1"].to_numpy(), atol=1e-9)
    assert np.allclose(res["ST"].to_numpy(dtype=float), want["ST"].to_numpy(), atol=1e-9)
    assert res["S1_lo"].isna().all()  # n_boot = 0: no intervals


def test_failed_runs_and_points_with_no_complete_replicate(tmp_path):
    t, _ = _ishigami_sweep(tmp_path, n=64)
    base = t["scenario"] == "baseline"
    # One replicate of one point fails: the point keeps its other replicate.
    one = base & (t["design_block"] == "AB1") & (t["design_row"] == 3) & (t["replicate"] == 0)
    # Both replicates of another point fail: its base row cannot be used.
    both = base & (t["design_block"] == "B") & (t["design_row"] == 10)
    t = fail(t, one | both)
    sw = open_sweep(write_sweep(tmp_path / "sw", t, "sobol"))
    assert (sw["status"] == "failed").sum() == 3
    assert sw.loc[sw["status"] == "failed", "error"].eq("bad parameter combination").all()
    pts = design_points(sw, "ishigami")
    p3 = pts[(pts["scenario"] == "baseline") & (pts["design_block"] == "AB1") & (pts["design_row"] == 3)]
    assert int(p3["n_complete"].iloc[0]) == 1 and int(p3["n_runs"].iloc[0]) == 2
    ok = sw[(sw["scenario"] == "baseline") & (sw["design_block"] == "AB1") & (sw["design_row"] == 3)
            & (sw["status"] == "complete")]
    assert p3["out:ishigami"].iloc[0] == ok["out:ishigami"].iloc[0]
    with pytest.warns(RuntimeWarning, match="baseline: 1 of 64 base rows dropped"):
        res = sobol_indices(sw, "ishigami", n_boot=50)
    assert set(res.loc[res["scenario"] == "baseline", "N"]) == {63}
    assert set(res.loc[res["scenario"] == "baseline", "dropped_rows"]) == {1}
    assert set(res.loc[res["scenario"] == "no_visa_free", "N"]) == {64}
    only = sobol_indices(sw, "ishigami", scenario="no_visa_free", n_boot=50)
    assert list(only["scenario"].unique()) == ["no_visa_free"]


def test_sobol_refuses_inconsistent_or_incomplete_designs(tmp_path):
    t, _ = _ishigami_sweep(tmp_path, n=16, replicates=1)
    # Blocks AB0 and AB1 swapped for one row: the parameter values give it away.
    bad = t.copy()
    r = (bad["design_row"] == 2) & (bad["scenario"] == "baseline")
    i0, i1 = bad.index[r & (bad["design_block"] == "AB0")], bad.index[r & (bad["design_block"] == "AB1")]
    bad.loc[i0, "design_block"], bad.loc[i1, "design_block"] = "AB1", "AB0"
    with pytest.raises(SweepError, match=r"scenario baseline: block AB0, design row 2: param:"):
        sobol_indices(write_sweep(tmp_path / "swapped", bad, "sobol"), "ishigami", n_boot=0)
    short = t[~((t["design_block"] == "AB2") & (t["design_row"] == 5))]
    with pytest.raises(SweepError, match=r"design rows \[5\] lack a block"):
        sobol_indices(write_sweep(tmp_path / "short", short, "sobol"), "ishigami", n_boot=0)
    X = np.random.default_rng(0).uniform(size=(20, 3))
    lhs = plain_table(X, NAMES, {"y": lambda x, s, rep: x.sum(axis=-1)}, ["baseline"], 1)
    with pytest.raises(SweepError, match="not a Sobol design"):
        sobol_indices(write_sweep(tmp_path / "lhs", lhs, "lhs"), "y")
    with pytest.raises(KeyError, match="no outcome 'nope'.*outcomes: ishigami, linear"):
        sobol_indices(open_sweep(write_sweep(tmp_path / "ok", t, "sobol")), "nope")
    with pytest.raises(KeyError, match="scenario"):
        sobol_indices(tmp_path / "ok", "ishigami", scenario="elsewhere")


# --- Rank correlations ----------------------------------------------------------------------

def _prcc_by_precision_matrix(X, y):
    """Partial correlations from the inverse correlation matrix of the ranks: an independent
    route to the same numbers as regression residuals."""
    from scipy.stats import rankdata

    R = np.column_stack([rankdata(X[:, i]) for i in range(X.shape[1])] + [rankdata(y)])
    P = np.linalg.inv(np.corrcoef(R, rowvar=False))
    k = X.shape[1]
    return np.array([-P[i, k] / np.sqrt(P[i, i] * P[k, k]) for i in range(k)])


def test_prcc_equals_partial_correlation_of_ranks():
    rng = np.random.default_rng(3)
    X = rng.uniform(size=(200, 4))
    X[:, 1] += 0.5 * X[:, 0]  # correlated inputs: where PRCC and Spearman part ways
    y = np.exp(2 * X[:, 0]) - 3 * X[:, 1] ** 3 + 0.2 * X[:, 2] + rng.normal(0, 0.3, 200)
    got = prcc(pd.DataFrame(X, columns=list("abcd")), y)
    assert list(got.index) == list("abcd")
    assert np.allclose(got["prcc"].to_numpy(), _prcc_by_precision_matrix(X, y), atol=1e-10)
    assert (got["prcc_lo"] < got["prcc"]).all() and (got["prcc"] < got["prcc_hi"]).all()
    assert got.loc["a", "prcc"] > 0.8 and got.loc["b", "prcc"] < -0.8
    assert got.loc["d", "prcc_lo"] < 0 < got.loc["d", "prcc_hi"] and got.loc["d", "prcc_p"] > 0.05


def test_rank_correlations_of_an_lhs_sweep(tmp_path):
    from scipy.stats import qmc

    X = qmc.LatinHypercube(d=3, seed=8).random(60) * [2.0, 100.0, 0.05] + [1.0, 0.0, 0.0]
    outcomes = {
        # Monotone in the first parameter only: ranks agree perfectly, PRCC = Spearman = -1.
        "monotone": lambda x, s, rep: np.exp(-x[:, 0]),
        "mixed": lambda x, s, rep: 3 * x[:, 0] + 0.02 * x[:, 1] + np.sin(7 * rep + x[:, 1]),
    }
    t = plain_table(X, NAMES, outcomes, ["baseline", "fast_border_processing"], replicates=3)
    t = fail(t, (t["point"] == 4) & (t["scenario"] == "baseline"))
    sw = open_sweep(write_sweep(tmp_path / "lhs", t, "lhs"))
    assert sw.attrs["design"] == "lhs"
    rc = rank_correlations(sw, "monotone").set_index(["scenario", "parameter"])
    first = ("baseline", "param:trade.trade_elasticity")
    assert rc.loc[first, "prcc"] == pytest.approx(-1.0, abs=1e-9)
    assert rc.loc[first, "spearman"] == pytest.approx(-1.0, abs=1e-12)
    assert rc.loc[first, "n"] == 59  # the point with no complete replicate is left out
    assert rc.loc[("fast_border_processing", "param:trade.trade_elasticity"), "n"] == 60
    mixed = rank_correlations(sw, "mixed", scenario="baseline").set_index("parameter")
    pts = design_points(sw, "mixed")
    pts = pts[(pts["scenario"] == "baseline") & pts["out:mixed"].notna()]
    pcols = [f"param:{p}" for p in NAMES]
    want = _prcc_by_precision_matrix(pts[pcols].to_numpy(), pts["out:mixed"].to_numpy())
    assert np.allclose(mixed["prcc"].to_numpy(dtype=float), want, atol=1e-10)
    assert mixed.loc["param:trade.trade_elasticity", "prcc"] > 0.9
    assert mixed.loc["param:routing.logit_scale", "prcc_p"] > 0.01


def test_rank_correlations_on_a_grid_with_a_fixed_parameter(tmp_path):
    g = np.array([(a, b, 0.02) for a in (1.0, 2.0, 3.0) for b in (10.0, 20.0, 30.0, 40.0)])
    # Ranks of a product interleave, so no linear rank model fits exactly (PRCC != +-1).
    f = lambda x: x[:, 0] * (50 - x[:, 1]) + 0.1 * x[:, 0]  # noqa: E731
    t = plain_table(g, NAMES, {"y": lambda x, s, rep: f(x)}, ["baseline"], 1)
    rc = rank_correlations(write_sweep(tmp_path / "grid", t, "grid"), "y").set_index("parameter")
    assert np.isnan(rc.loc["param:routing.logit_scale", "prcc"])  # constant: no correlation
    assert np.isnan(rc.loc["param:routing.logit_scale", "spearman"])
    # The constant parameter is left out of the others' PRCC: the two-parameter answer.
    want = _prcc_by_precision_matrix(g[:, :2], f(g))
    assert np.allclose(rc["prcc"].iloc[:2].to_numpy(dtype=float), want, atol=1e-10)
    assert rc.loc["param:trade.trade_elasticity", "prcc"] > 0 > rc.loc["param:travel.visa_fee_usd", "prcc"]


def test_rank_correlations_on_a_sobol_sweep_use_the_base_blocks(tmp_path):
    t, (A, B, _) = _ishigami_sweep(tmp_path, n=64, replicates=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rc = rank_correlations(write_sweep(tmp_path / "sw", t, "sobol"), "linear", scenario="baseline")
    assert set(rc["n"]) == {128}  # the 2N points of A and B
    assert rc.set_index("parameter").loc["param:trade.trade_elasticity", "spearman"] == pytest.approx(1.0)
