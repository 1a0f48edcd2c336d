"""Sensitivity of sweep outcomes to their parameters: Sobol indices for Sobol designs, rank
correlations (Spearman, PRCC) for any design.

Sobol indices use the estimators recommended by Saltelli et al. (2010), "Variance based
sensitivity analysis of model output", Comput. Phys. Commun. 181, 259-270, table 2: for
base matrices A and B and A_B^(i) (A with column i taken from B),

    V    = Var over the 2N values f(A), f(B)
    S_i  = mean_j f(B)_j (f(A_B^(i))_j - f(A)_j) / V                   (Saltelli 2010, b)
    ST_i = mean_j (f(A)_j - f(A_B^(i))_j)^2 / (2 V)                    (Jansen 1999, f)

Outputs are first centred on the mean of f(A) and f(B), which keeps the estimators
consistent and makes S_i independent of the output's level. Confidence intervals are
percentile bootstrap intervals over the N base rows (each resample keeps a row's f(A),
f(B) and f(A_B^(i)) together, and is centred on its own mean). SALib is not a Debian package
and scipy 1.10 has no ``sobol_indices``, hence this module.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .sweeps import SweepError, _as_sweep, outcome_column, parameter_columns

SOBOL_COLUMNS = ["scenario", "outcome", "parameter", "S1", "S1_lo", "S1_hi", "ST", "ST_lo",
                 "ST_hi", "N", "dropped_rows", "level"]
RANK_COLUMNS = ["scenario", "outcome", "parameter", "n", "spearman", "spearman_p", "prcc",
                "prcc_lo", "prcc_hi", "prcc_p", "level"]


def _estimates(yA, yB, yAB):
    """S1 and ST for arrays whose last axis is the base row; yAB has the parameter first."""
    both = np.concatenate([yA, yB], axis=-1)
    # Centring leaves both estimators consistent but takes the output's level out of the
    # first-order one, whose error otherwise grows with mean^2 / variance: 2030 trade of
    # 39 bn USD varying by 0.7 bn gave S1 = -16 at N = 16 uncentred (SALib centres too).
    c = np.mean(both, axis=-1, keepdims=True)
    yA, yB, yAB = yA - c, yB - c, yAB - c
    V = np.var(both, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s1 = np.mean(yB * (yAB - yA), axis=-1) / V
        st = 0.5 * np.mean((yA - yAB) ** 2, axis=-1) / V
    return s1, st, V


def sobol_indices_from_samples(yA, yB, yAB, names=None, n_boot: int = 1000,
                               level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices from model outputs on a Saltelli design.

    yA, yB: outputs on the N rows of base matrices A and B, shape (N,). yAB: shape (k, N),
    row i the outputs on A with column i taken from B. names: k parameter names (default
    0..k-1). n_boot bootstrap resamples of the base rows give the ``level`` percentile
    intervals S1_lo/S1_hi and ST_lo/ST_hi (n_boot=0: no intervals, NaN); ``seed`` fixes them.

    Returns a DataFrame indexed by parameter with columns S1, S1_lo, S1_hi, ST, ST_lo, ST_hi;
    ``attrs`` holds N, variance, level and n_boot. Indices are NaN when the output does not
    vary. Estimates are noisy at small N and can fall slightly below 0 or above 1.
    """
    yA = np.asarray(yA, dtype=float)
    yB = np.asarray(yB, dtype=float)
    yAB = np.asarray(yAB, dtype=float)
    if yA.ndim != 1 or yB.shape != yA.shape:
        raise ValueError(f"yA and yB must be 1-D of equal length, got shapes {yA.shape} and {yB.shape}")
    N = yA.shape[0]
    if yAB.ndim == 1 and yAB.shape[0] == N:
        yAB = yAB[None, :]
    if yAB.ndim != 2 or yAB.shape[1] != N:
        raise ValueError(f"yAB must have shape (k, N) = (k, {N}), got {yAB.shape}")
    if N < 2:
        raise ValueError(f"need at least 2 base rows, got {N}")
    if not (np.isfinite(yA).all() and np.isfinite(yB).all() and np.isfinite(yAB).all()):
        raise ValueError("outputs contain NaN or infinity; drop those base rows first")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    k = yAB.shape[0]
    names = list(range(k)) if names is None else list(names)
    if len(names) != k:
        raise ValueError(f"{len(names)} names for {k} parameters")
    s1, st, V = _estimates(yA, yB, yAB)
    if V == 0:
        warnings.warn("the output does not vary over the design; Sobol indices are undefined (NaN)",
                      RuntimeWarning, stacklevel=2)
    lo1 = hi1 = loT = hiT = np.full(k, np.nan)
    if n_boot > 0 and V > 0:
        rng = np.random.default_rng(seed)
        b1 = np.empty((n_boot, k))
        bT = np.empty((n_boot, k))
        # Batches keep the (k, batch, N) resampled block near 32 MB whatever N is.
        batch = max(1, int(4e6 // (k * N)))
        for start in range(0, n_boot, batch):
            m = min(batch, n_boot - start)
            idx = rng.integers(0, N, size=(m, N))
            a, b, ab = yA[idx], yB[idx], yAB[:, idx]
            s, t, _ = _estimates(a, b, ab)
            b1[start:start + m] = s.T
            bT[start:start + m] = t.T
        q = [50 * (1 - level), 50 * (1 + level)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a resample with V = 0 is NaN
            lo1, hi1 = np.nanpercentile(b1, q, axis=0)
            loT, hiT = np.nanpercentile(bT, q, axis=0)
    out = pd.DataFrame({"S1": s1, "S1_lo": lo1, "S1_hi": hi1, "ST": st, "ST_lo": loT, "ST_hi": hiT},
                       index=pd.Index(names, name="parameter"))
    out.attrs.update({"N": N, "variance": float(V), "level": level, "n_boot": n_boot})
    return out


def design_points(sweep, outcomes=None) -> pd.DataFrame:
    """One row per (scenario, design point): the point's parameters and design position, and
    each outcome averaged over the point's complete replicates.

    ``n_complete`` counts those replicates; an outcome is NaN at a point none of whose
    replicates completed. Replicates share seeds across points (common random numbers), so
    averaging them first leaves the contrasts between points free of most run noise.
    """
    sw = _as_sweep(sweep)
    ocols = [outcome_column(sw, o) for o in ([outcomes] if isinstance(outcomes, str) else outcomes)] \
        if outcomes is not None else [c for c in sw.columns if str(c).startswith("out:")]
    pcols = parameter_columns(sw)
    keys = ["scenario", "point"]
    ok = sw["status"] == "complete"
    first = sw.groupby(keys, sort=True)[["design_block", "design_row"] + pcols].first()
    # A failed replicate contributes nothing, rather than a NaN that would void the point.
    means = sw[ok].groupby(keys, sort=True)[ocols].mean()
    n = sw[ok].groupby(keys, sort=True).size().rename("n_complete")
    out = first.join(means).join(n)
    out["n_complete"] = out["n_complete"].fillna(0).astype(int)
    out["n_runs"] = sw.groupby(keys, sort=True).size()
    return out.reset_index()


def _scenarios(sw: pd.DataFrame, scenario) -> list:
    names = list(dict.fromkeys(sw["scenario"]))  # first-appearance order
    if scenario is None:
        return names
    wanted = [scenario] if isinstance(scenario, str) else list(scenario)
    unknown = [s for s in wanted if s not in names]
    if unknown:
        raise KeyError(f"scenario(s) {unknown} not in the sweep; it has {names}")
    return wanted


def _same(a, b) -> np.ndarray:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
        return np.isclose(a.astype(float), b.astype(float), rtol=1e-12, atol=0.0, equal_nan=True)
    return a == b


def _check_blocks(table: pd.DataFrame, pcols: list, scenario: str):
    """Each A_B^(j) row must be its A row with parameter j from the B row: a mislabelled block
    would otherwise give plausible-looking but wrong indices."""
    A = table[table["design_block"] == "A"].set_index("design_row")[pcols]
    B = table[table["design_block"] == "B"].set_index("design_row")[pcols]
    for j, p in enumerate(pcols):
        AB = table[table["design_block"] == f"AB{j}"].set_index("design_row")[pcols]
        AB = AB.loc[A.index]
        expect = A.copy()
        expect[p] = B.loc[A.index, p]
        for q in pcols:
            bad = ~_same(AB[q].to_numpy(), expect[q].to_numpy())
            if bad.any():
                r = A.index[np.argmax(bad)]
                src = "B" if q == p else "A"
                raise SweepError(
                    f"scenario {scenario}: block AB{j}, design row {r}: {q} = {AB.loc[r, q]!r}, "
                    f"but it should equal block {src}'s {expect.loc[r, q]!r} (AB{j} takes "
                    f"{p} from B, the rest from A)")


def sobol_indices(sweep, outcome: str, scenario=None, n_boot: int = 1000, level: float = 0.95,
                  seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of one outcome of a Sobol sweep, per scenario.

    sweep: a sweep directory or the DataFrame from :func:`open_sweep`. outcome: an outcome
    name, with or without ``out:``. scenario: one name, a list, or None for all.

    Replicates are averaged per design point first (:func:`design_points`), so the indices
    apportion the variance of the replicate mean. A base row whose A, B or any A_B^(j)
    point has no complete replicate is dropped (counted in ``dropped_rows``, with a
    warning). See :func:`sobol_indices_from_samples` for the estimators and intervals.

    Returns a tidy DataFrame with columns :data:`SOBOL_COLUMNS`, one row per scenario and
    parameter (parameter names keep their ``param:`` prefix; ``level`` is the intervals'
    confidence level, NaN without intervals).
    """
    sw = _as_sweep(sweep)
    col = outcome_column(sw, outcome)
    pcols = parameter_columns(sw)
    k = len(pcols)
    blocks = ["A", "B"] + [f"AB{j}" for j in range(k)]
    present = set(sw["design_block"])
    if present == {""}:
        raise SweepError(f"the sweep is not a Sobol design (design {sw.attrs.get('design')!r}, no "
                         "design_block); use rank_correlations")
    stray = sorted(present - set(blocks))
    if stray:
        raise SweepError(f"design blocks {stray} do not fit {k} parameters (expected {', '.join(blocks)})")
    pts = design_points(sw[sw["scenario"].isin(_scenarios(sw, scenario))], col)
    frames = []
    for name in _scenarios(sw, scenario):
        t = pts[pts["scenario"] == name]
        have = t.pivot_table(index="design_row", columns="design_block", values="point", aggfunc="count")
        have = have.reindex(columns=blocks)
        if have.isna().any().any() or (have != 1).any().any():
            rows = have.index[(have.isna() | (have != 1)).any(axis=1)].tolist()
            raise SweepError(f"scenario {name}: design rows {rows[:10]} lack a block or repeat one "
                             f"(each row needs exactly one point in each of {', '.join(blocks)}); "
                             "is the index complete?")
        _check_blocks(t, pcols, name)
        y = t.pivot(index="design_row", columns="design_block", values=col)[blocks]
        usable = np.isfinite(y.to_numpy()).all(axis=1)
        dropped = int((~usable).sum())
        if dropped:
            warnings.warn(f"scenario {name}: {dropped} of {len(y)} base rows dropped, a point of each "
                          f"having no complete run for {col}", RuntimeWarning, stacklevel=2)
        y = y[usable]
        if len(y) < 2:
            raise SweepError(f"scenario {name}: fewer than 2 usable base rows for {col}")
        r = sobol_indices_from_samples(y["A"].to_numpy(), y["B"].to_numpy(),
                                       y[blocks[2:]].to_numpy().T, names=pcols,
                                       n_boot=n_boot, level=level, seed=seed)
        r = r.reset_index()
        r.insert(0, "outcome", col[len("out:"):])
        r.insert(0, "scenario", name)
        r["N"] = len(y)
        r["dropped_rows"] = dropped
        r["level"] = level if n_boot > 0 else np.nan
        frames.append(r)
    out = pd.concat(frames, ignore_index=True)[SOBOL_COLUMNS]
    out.attrs.update({"level": level, "n_boot": n_boot})
    return out


def _residuals(y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    coef, *_ = np.linalg.lstsq(Z, y, rcond=None)
    return y - Z @ coef


def prcc(X, y, level: float = 0.95) -> pd.DataFrame:
    """Partial rank correlation of y with each column of X, controlling for the others.

    X: (n, k) array or DataFrame (columns name the parameters); y: (n,). Ranks are taken
    (ties averaged); the rank of x_i and of y are each regressed on the other ranks, and
    PRCC_i is the correlation of the two residuals. p-values from t = r sqrt(df / (1 - r^2))
    with df = n - 2 - (k - 1); intervals from Fisher's z with standard error
    1 / sqrt(n - 3 - (k - 1)).

    Returns a DataFrame indexed by parameter with columns prcc, prcc_lo, prcc_hi, prcc_p.
    """
    names = list(X.columns) if isinstance(X, pd.DataFrame) else list(range(np.shape(X)[1]))
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    if y.shape != (n,):
        raise ValueError(f"y has shape {y.shape}, expected ({n},)")
    others = k - 1
    if n - 3 - others < 1:
        raise ValueError(f"{n} points are too few for PRCC over {k} parameters (need {k + 3})")
    R = np.column_stack([stats.rankdata(X[:, i]) for i in range(k)])
    ry = stats.rankdata(y)
    ones = np.ones((n, 1))
    r = np.empty(k)
    for i in range(k):
        Z = np.hstack([ones, np.delete(R, i, axis=1)])
        ex, ey = _residuals(R[:, i], Z), _residuals(ry, Z)
        den = np.sqrt((ex @ ex) * (ey @ ey))
        r[i] = (ex @ ey) / den if den > 0 else np.nan
    df = n - 2 - others
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(df / np.clip(1 - r ** 2, 1e-300, None))
        p = 2 * stats.t.sf(np.abs(t), df)
        z = np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15))
        half = stats.norm.ppf(0.5 + level / 2) / np.sqrt(n - 3 - others)
    return pd.DataFrame({"prcc": r, "prcc_lo": np.tanh(z - half), "prcc_hi": np.tanh(z + half),
                         "prcc_p": p}, index=pd.Index(names, name="parameter"))


def rank_correlations(sweep, outcome: str, scenario=None, level: float = 0.95) -> pd.DataFrame:
    """Spearman and partial rank correlation (PRCC) of each parameter with one outcome.

    For LHS, grid and table sweeps (and Sobol sweeps, whose A and B blocks are used: their
    2N points are independent draws, the A_B^(j) points are not). Replicates are averaged
    per design point first; points with no complete replicate are left out. A parameter
    that does not vary within a scenario gets NaN there and is left out of the others'
    PRCC. Spearman is the plain rank correlation; PRCC removes the linear effect of the
    other parameters' ranks, which matters when the design is not orthogonal.

    Returns a tidy DataFrame with columns :data:`RANK_COLUMNS`, one row per scenario and
    parameter.
    """
    sw = _as_sweep(sweep)
    col = outcome_column(sw, outcome)
    pcols = parameter_columns(sw)
    if not pcols:
        raise SweepError("the sweep has no parameters")
    pts = design_points(sw, col)
    if (pts["design_block"] != "").any():
        pts = pts[pts["design_block"].isin(["A", "B"])]
    frames = []
    for name in _scenarios(sw, scenario):
        t = pts[(pts["scenario"] == name) & np.isfinite(pts[col])]
        non_numeric = [p for p in pcols if not pd.api.types.is_numeric_dtype(t[p])]
        if non_numeric:
            raise SweepError(f"parameters {non_numeric} are not numeric; rank correlations need "
                             "ordered values")
        varying = [p for p in pcols if t[p].nunique() > 1]
        res = pd.DataFrame(index=pd.Index(pcols, name="parameter"),
                           columns=["spearman", "spearman_p", "prcc", "prcc_lo", "prcc_hi", "prcc_p"],
                           dtype=float)
        y = t[col].to_numpy(dtype=float)
        if varying and np.ptp(y) > 0:
            for p in varying:
                rho, pv = stats.spearmanr(t[p].to_numpy(dtype=float), y)
                res.loc[p, ["spearman", "spearman_p"]] = [rho, pv]
            if len(t) >= len(varying) + 3:
                pr = prcc(t[varying].astype(float), y, level=level)
                res.loc[varying, pr.columns] = pr.to_numpy()
        res = res.reset_index()
        res.insert(0, "outcome", col[len("out:"):])
        res.insert(0, "scenario", name)
        res.insert(3, "n", len(t))
        res["level"] = level
        frames.append(res)
    out = pd.concat(frames, ignore_index=True)[RANK_COLUMNS]
    out.attrs["level"] = level
    return out
