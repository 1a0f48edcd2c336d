"""Scenario minus baseline, per outcome and period, across paired replicates."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from .aggregate import at_frequency
from .outcomes import resolve_outcomes
from .runs import open_run, run_label

COLUMNS = [
    "scenario", "outcome", "label", "period", "units", "n",
    "base_mean", "base_lo", "base_hi", "scenario_mean", "scenario_lo", "scenario_hi",
    "diff_mean", "diff_sd", "diff_lo", "diff_hi", "diff_pct", "band",
]


def _as_runs(runs) -> list:
    if isinstance(runs, (str, Path, xr.Dataset)):
        runs = [runs]
    out = [r if isinstance(r, xr.Dataset) else open_run(r) for r in runs]
    if not out:
        raise ValueError("no runs given")
    return out


def pair_runs(base: list, scenario: list) -> list:
    """(base, scenario) pairs: by seed when both sides have the same distinct seeds, else by
    position. Pairing by seed makes the difference a common-random-numbers contrast."""
    bs = [b.attrs.get("seed") for b in base]
    ss = [s.attrs.get("seed") for s in scenario]
    if None not in bs and None not in ss and len(set(bs)) == len(bs) and set(bs) == set(ss) \
            and len(ss) == len(set(ss)):
        by_seed = {s.attrs["seed"]: s for s in scenario}
        return [(b, by_seed[b.attrs["seed"]]) for b in base]
    if len(base) != len(scenario):
        raise ValueError(f"{len(base)} base runs but {len(scenario)} scenario runs, and their "
                         "seeds do not match; give one scenario run per base run")
    return list(zip(base, scenario))


def _band(x: np.ndarray, band: str, level: float):
    """Mean and band over axis 0 (replicates), ignoring NaN replicates."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        n = np.sum(np.isfinite(x), axis=0)
        mean = np.nanmean(x, axis=0)
        sd = np.nanstd(x, axis=0, ddof=1) if x.shape[0] > 1 else np.full(x.shape[1:], np.nan)
        if band in ("t", "normal"):
            # t is the honest interval for 2-5 replicates (wide on purpose); normal is the
            # large-sample mean +/- z x s.e.
            q = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) if band == "t" \
                else stats.norm.ppf(0.5 + level / 2)
            half = np.where(n >= 2, q * sd / np.sqrt(np.maximum(n, 1)), 0.0)
            lo, hi = mean - half, mean + half
        elif band == "percentile":
            q = [50 * (1 - level), 50 * (1 + level)]
            lo, hi = np.nanpercentile(x, q, axis=0)
        elif band == "range":
            lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        else:
            raise ValueError(f"band must be 't', 'normal', 'percentile' or 'range', got {band!r}")
    return n, mean, sd, lo, hi


def compare(base_runs, scenario_runs, outcomes: Sequence[str] | None = None, freq: str = "annual",
            band: str = "t", level: float = 0.95, scenario: str | None = None) -> pd.DataFrame:
    """Scenario minus baseline for each outcome and period, across paired replicates.

    base_runs, scenario_runs: datasets from :func:`open_run`, paths, or lists of either
    (replicates; pairs are matched by seed, else by order). outcomes: headline names or
    variable names (see :func:`resolve_outcomes`); None means the headline outcomes.
    freq: "annual", "monthly" or "daily". band, for diff_lo/diff_hi: "t" (mean +/- t quantile
    x s.e. of the paired differences, the default), "normal" (mean +/- z x s.e.), "percentile"
    (the central ``level`` range of the paired differences) or "range" (min to max).
    base_lo/base_hi and scenario_lo/scenario_hi are the min and max over replicates.

    Returns a tidy DataFrame with columns :data:`COLUMNS`; diff = scenario - base, diff_pct =
    100 * diff_mean / base_mean (NaN where base_mean is 0).
    """
    pairs = pair_runs(_as_runs(base_runs), _as_runs(scenario_runs))
    pairs = [(at_frequency(b, freq), at_frequency(s, freq)) for b, s in pairs]
    times = None
    for b, s in pairs:
        t = np.intersect1d(b["time"].values, s["time"].values)
        times = t if times is None else np.intersect1d(times, t)
    if times is None or len(times) == 0:
        raise ValueError("base and scenario runs share no period")
    name = scenario or run_label(pairs[0][1])
    frames = []
    for o in resolve_outcomes(pairs[0][0], outcomes):
        B = np.array([o(b).sel(time=times).values for b, _ in pairs], dtype=float)
        S = np.array([o(s).sel(time=times).values for _, s in pairs], dtype=float)
        D = S - B
        n, dmean, dsd, dlo, dhi = _band(D, band, level)
        # Level bands show the spread of the replicates, not an interval on their mean.
        _, bmean, _, blo, bhi = _band(B, "range", level)
        _, smean, _, slo, shi = _band(S, "range", level)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(bmean != 0, 100.0 * dmean / np.where(bmean != 0, bmean, 1.0), np.nan)
        frames.append(pd.DataFrame({
            "scenario": name, "outcome": o.name, "label": o.label, "period": pd.to_datetime(times),
            "units": o.units, "n": n, "base_mean": bmean, "base_lo": blo, "base_hi": bhi,
            "scenario_mean": smean, "scenario_lo": slo, "scenario_hi": shi,
            "diff_mean": dmean, "diff_sd": dsd, "diff_lo": dlo, "diff_hi": dhi,
            "diff_pct": pct, "band": f"{band}{int(round(level * 100))}",
        }))
    return pd.concat(frames, ignore_index=True)[COLUMNS]
