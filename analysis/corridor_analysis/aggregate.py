"""Monthly and annual series from the daily ones, by each variable's ``aggregation`` attribute.

These reproduce what output/recorder.cpp writes into the file's own monthly and annual groups,
so any daily subset or derived daily dataset can be aggregated the same way.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

FREQ_RULES = {"monthly": "MS", "annual": "YS"}

# The recorder weights each day's value of these series by that day's settled total
# (output_series in output/recorder.cpp); the file does not name the weight, so it lives here.
# Only variables whose aggregation attribute is weighted_mean use it: settlement_cost_bp was
# a weighted scalar in files written before it became a per-currency mean.
WEIGHTS = {
    "rmb_settlement_share": "settled_cnkz_usd",
    "settlement_cost_bp": "settled_cnkz_usd",
}


def weight_of(ds: xr.Dataset, name: str) -> xr.DataArray:
    """The daily weight of a weighted_mean variable: its weight series summed over its
    non-time dimensions (settled_cnkz_usd over currency)."""
    if name not in WEIGHTS:
        raise KeyError(f"no known weight for weighted_mean variable {name!r}; add it to WEIGHTS")
    wname = WEIGHTS[name]
    if wname not in ds:
        raise KeyError(f"{name} is weighted by {wname}, which is not in the dataset")
    w = ds[wname]
    return w.sum([d for d in w.dims if d != "time"])


def _reduce(ds: xr.Dataset, name: str, rule: str) -> xr.DataArray:
    da = ds[name]
    how = da.attrs.get("aggregation")
    r = da.resample(time=rule)
    # skipna=False: the recorder propagates a NaN day into its period, and so do we.
    if how == "sum":
        return r.sum(skipna=False)
    if how == "mean":
        return r.mean(skipna=False)
    if how == "last":
        return r.last(skipna=False)
    if how == "weighted_mean":
        w = weight_of(ds, name)
        # Days with nothing settled have a NaN share; the recorder leaves them out entirely.
        ok = (w > 0) & np.isfinite(da)
        wk = w.where(ok, 0.0)
        num = (da.where(ok, 0.0) * wk).resample(time=rule).sum()
        den = wk.resample(time=rule).sum()
        return (num / den).where(den > 0)
    raise ValueError(f"variable {name!r} has aggregation={how!r}; expected sum, mean, last or "
                     "weighted_mean")


def resample(ds: xr.Dataset, freq: str) -> xr.Dataset:
    """Aggregate a daily dataset to "monthly" or "annual" periods.

    Each period is labelled by its first simulated day, as in the file's own groups (a run
    starting mid-year has a first annual period labelled by its start date).
    """
    if freq not in FREQ_RULES:
        raise ValueError(f"freq must be one of {sorted(FREQ_RULES)}, got {freq!r}")
    current = ds.attrs.get("frequency", "daily")
    if current != "daily":
        raise ValueError(f"dataset is already {current}; aggregate the daily series")
    rule = FREQ_RULES[freq]
    starts = ds["time"].resample(time=rule).min()
    out = {}
    for name in ds.data_vars:
        v = _reduce(ds, name, rule)
        v.attrs = dict(ds[name].attrs)
        out[name] = v.assign_coords(time=starts.values)
    res = xr.Dataset(out, attrs=dict(ds.attrs))
    res.attrs["frequency"] = freq
    res["time"].attrs.update({"long_name": "first day of period"})
    return res


def annual(ds: xr.Dataset) -> xr.Dataset:
    """Calendar-year totals, means, last values or weighted means of a daily dataset."""
    return resample(ds, "annual")


def monthly(ds: xr.Dataset) -> xr.Dataset:
    """Calendar-month totals, means, last values or weighted means of a daily dataset."""
    return resample(ds, "monthly")


def at_frequency(ds: xr.Dataset, freq: str) -> xr.Dataset:
    """``ds`` at "daily", "monthly" or "annual" frequency, aggregating daily data if needed."""
    current = ds.attrs.get("frequency", "daily")
    if current == freq:
        return ds
    if current == "daily" and freq in FREQ_RULES:
        return resample(ds, freq)
    raise ValueError(f"cannot turn {current} data into {freq} data")
