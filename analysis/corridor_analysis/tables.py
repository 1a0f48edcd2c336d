"""Observed data and tidy tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from .runs import CONFIG_DIR

OBSERVED_CSV = CONFIG_DIR / "data" / "observed.csv"
OBSERVED_COLUMNS = ["series", "year", "value", "unit", "source", "note"]


def observed(series=None, path=None) -> pd.DataFrame:
    """configs/data/observed.csv as a tidy table: series, year, value, unit, source, note.

    series: a name or list of names to keep (e.g. "bilateral_trade_cn_side"). Rows are sorted
    by series and year; empty notes are "".
    """
    p = Path(path) if path else OBSERVED_CSV
    df = pd.read_csv(p, dtype={"series": str, "unit": str, "source": str, "note": str},
                     keep_default_na=False, na_values={"value": [""], "year": [""]})
    missing = [c for c in OBSERVED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{p}: missing columns {missing}")
    df = df[OBSERVED_COLUMNS].copy()
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    if series is not None:
        wanted = [series] if isinstance(series, str) else list(series)
        unknown = sorted(set(wanted) - set(df["series"]))
        if unknown:
            raise KeyError(f"no observed series {unknown}; have {sorted(df['series'].unique())}")
        df = df[df["series"].isin(wanted)]
    return df.sort_values(["series", "year"], kind="stable").reset_index(drop=True)


def tidy(obj) -> pd.DataFrame:
    """A long table from a Dataset or DataArray: one row per value, with columns variable,
    time, each other dimension (empty where a variable lacks it), value and units.

    Variables of different shapes do not broadcast into each other, unlike
    ``Dataset.to_dataframe``.
    """
    if isinstance(obj, xr.DataArray):
        obj = obj.to_dataset(name=obj.name or "value")
    if not isinstance(obj, xr.Dataset):
        raise TypeError(f"tidy() takes an xarray Dataset or DataArray, not {type(obj).__name__}")
    dims = [d for d in obj.dims if d != "time"]
    frames = []
    for name, da in obj.data_vars.items():
        df = da.to_dataframe(name="value").reset_index()
        df = df[[c for c in df.columns if c in da.dims or c == "value"]]
        df.insert(0, "variable", name)
        df["units"] = da.attrs.get("units", "")
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    cols = ["variable"] + (["time"] if "time" in out.columns else []) + \
        [d for d in dims if d in out.columns] + ["value", "units"]
    for d in dims:
        if d in out.columns:
            out[d] = out[d].fillna("")
    return out[cols]


def to_csv(obj, path) -> Path:
    """Write a DataFrame, Series, Dataset or DataArray to CSV and return the path.

    xarray objects are written as :func:`tidy` long tables; a DataFrame keeps its index only
    when it carries information (not a plain 0..n-1 range).
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(obj, (xr.Dataset, xr.DataArray)):
        obj = tidy(obj)
    if isinstance(obj, pd.Series):
        obj = obj.to_frame(obj.name or "value")
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"to_csv() takes a DataFrame, Series, Dataset or DataArray, not "
                        f"{type(obj).__name__}")
    plain_index = isinstance(obj.index, pd.RangeIndex) and obj.index.name is None
    obj.to_csv(p, index=not plain_index)
    return p
