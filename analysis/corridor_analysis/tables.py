"""Observed data and tidy tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from .runs import CONFIG_DIR

OBSERVED_CSV = CONFIG_DIR / "data" / "observed.csv"
OBSERVED_COLUMNS = ["series", "year", "value", "unit", "source", "note"]


def _read_observed(p: Path) -> list:
    """Rows of an observed-data CSV, every cell checked: ValueError naming file, line and
    column for a wrong number of cells, an empty name, unit or source, a year that is not a
    whole number in 1900-2100, a value that is not a finite number, or a (series, year) pair
    given twice. (pandas would read an empty or "nan" value as NaN without a word.)"""
    import csv
    import math

    with open(p, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ValueError(f"{p}:1: empty file")
    header = rows[0]
    missing = [c for c in OBSERVED_COLUMNS if c not in header]
    if missing or len(set(header)) != len(header):
        raise ValueError(f"{p}:1: header must name the columns {OBSERVED_COLUMNS} once each, "
                         f"found {header}")
    col = {c: header.index(c) for c in OBSERVED_COLUMNS}
    seen, out = {}, []
    for line, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(header):
            raise ValueError(f"{p}:{line}: expected {len(header)} cells, found {len(r)}")
        cell = {c: r[col[c]] for c in OBSERVED_COLUMNS}

        def bad(c, what):
            return ValueError(f"{p}:{line}: column '{c}': {what}")
        for c in ("series", "unit", "source"):
            if not cell[c].strip():
                raise bad(c, "empty cell")
        y = cell["year"]
        if not (y.isascii() and y.isdigit() and 1900 <= int(y) <= 2100):
            raise bad("year", f"not a year: {y!r}")
        try:
            v = float(cell["value"])
        except ValueError:
            raise bad("value", f"not a number: {cell['value']!r}") from None
        if not math.isfinite(v) or cell["value"].strip() != cell["value"]:
            raise bad("value", f"not a finite number: {cell['value']!r}")
        key = (cell["series"], int(y))
        if key in seen:
            raise bad("year", f"{key[0]} {key[1]} repeated (first at line {seen[key]})")
        seen[key] = line
        out.append([cell[c] for c in OBSERVED_COLUMNS])
    return out


def observed(series=None, path=None) -> pd.DataFrame:
    """configs/data/observed.csv as a tidy table: series, year, value, unit, source, note.

    series: a name or list of names to keep (e.g. "bilateral_trade_cn_side"). Rows are sorted
    by series and year; empty notes are "".
    """
    p = Path(path) if path else OBSERVED_CSV
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such observed data file")
    df = pd.DataFrame(_read_observed(p), columns=OBSERVED_COLUMNS)
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
