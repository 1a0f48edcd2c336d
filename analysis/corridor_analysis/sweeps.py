"""Reading a sweep directory written by ``corridor sweep SPEC -o DIR``.

The directory holds ``index.h5`` and its twin ``index.csv`` (one row per run: identity,
status, design position, ``param:<key.path>`` columns, ``out:<name>`` columns),
``timing.csv`` (machine-dependent fields, kept apart so that two executions of a sweep have
equal result columns), ``spec.yaml`` and one run file per run, exactly as ``corridor run``
writes it.

    sw = open_sweep("results/sweep")           # pandas, one row per run
    ds = stack_runs(sw, "transit_teu")          # xarray, lazy, one slice per run
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .runs import IncompleteRunError, RunFileError

PARAM_PREFIX = "param:"
OUTCOME_PREFIX = "out:"
# Column order of the index, before the parameter and outcome columns.
INDEX_COLUMNS = ("run_id", "scenario", "point", "replicate", "seed", "status", "error", "file",
                 "design_block", "design_row")
_INT_COLUMNS = ("run_id", "point", "replicate", "design_row")
_STR_COLUMNS = ("scenario", "status", "error", "file", "design_block")
DESIGNS = ("grid", "lhs", "sobol", "table")


class SweepError(ValueError):
    """A sweep directory or index that does not follow the format of ``corridor sweep``."""


def parameter_columns(sw: pd.DataFrame) -> list:
    """The ``param:`` columns of a sweep table, in index order (the order the Sobol blocks
    AB0, AB1, ... refer to)."""
    return [c for c in sw.columns if str(c).startswith(PARAM_PREFIX)]


def outcome_columns(sw: pd.DataFrame) -> list:
    """The ``out:`` columns of a sweep table, in index order."""
    return [c for c in sw.columns if str(c).startswith(OUTCOME_PREFIX)]


def outcome_column(sw: pd.DataFrame, outcome: str) -> str:
    """The column of ``outcome``, given with or without its ``out:`` prefix."""
    name = outcome if str(outcome).startswith(OUTCOME_PREFIX) else OUTCOME_PREFIX + str(outcome)
    if name not in sw.columns:
        have = ", ".join(c[len(OUTCOME_PREFIX):] for c in outcome_columns(sw)) or "none"
        raise KeyError(f"no outcome {outcome!r} in the sweep; outcomes: {have}")
    return name


def short_name(column: str) -> str:
    """``travel.visa_fee_usd`` for ``param:travel.visa_fee_usd``, ``x`` for ``out:x``."""
    for p in (PARAM_PREFIX, OUTCOME_PREFIX):
        if str(column).startswith(p):
            return str(column)[len(p):]
    return str(column)


def _index_files(path: Path) -> tuple:
    """(directory, index.h5 or None, index.csv or None) for a directory or an index file."""
    if path.is_dir():
        d = path
    elif path.is_file() and path.name in ("index.h5", "index.csv"):
        d = path.parent
    elif path.exists():
        raise SweepError(f"{path}: expected a sweep directory, index.h5 or index.csv")
    else:
        raise FileNotFoundError(f"{path}: no such sweep directory")
    h5, csv = d / "index.h5", d / "index.csv"
    if path.is_file():  # the file the caller named, and only it
        return d, (h5 if path.name == "index.h5" else None), (csv if path.name == "index.csv" else None)
    if not h5.is_file() and not csv.is_file():
        raise FileNotFoundError(f"{d}: no index.h5 or index.csv; is this the output directory of "
                                "`corridor sweep`? (an interrupted sweep writes its index at the end; "
                                "run the same command again to complete it)")
    return d, (h5 if h5.is_file() else None), (csv if csv.is_file() else None)


def _typed_parameter(values: list):
    """Numbers as float64 (as index.h5 holds them, so both indexes read alike), else the
    strings themselves (dates and names stay text)."""
    try:
        return np.array([float(v) if v.strip() else math.nan for v in values], dtype=float)
    except ValueError:
        return np.array(values, dtype=object)


def _read_csv(csv: Path) -> tuple:
    # Everything as text first: pandas would turn a scenario called "NA" into NaN and read
    # a uint64 seed above 2**63 as a float.
    raw = pd.read_csv(csv, dtype=str, keep_default_na=False, na_filter=False)
    cols = {}
    for c in raw.columns:
        v = raw[c].tolist()
        try:
            if c in _INT_COLUMNS:
                cols[c] = np.array([int(x) for x in v], dtype=np.int64)
            elif c == "seed":
                cols[c] = np.array([int(x) for x in v], dtype=np.uint64)
            elif c in _STR_COLUMNS:
                cols[c] = np.array(v, dtype=object)
            elif c.startswith(OUTCOME_PREFIX):
                cols[c] = np.array([float(x) if x.strip() else math.nan for x in v], dtype=float)
            elif c.startswith(PARAM_PREFIX):
                cols[c] = _typed_parameter(v)
            else:
                cols[c] = np.array(v, dtype=object)
        except (ValueError, OverflowError) as e:
            bad = next(i for i, x in enumerate(v) if not _parses(c, x))
            # Line numbers count the header as line 1.
            raise SweepError(f"{csv}, line {bad + 2}, column {c}: cannot read {v[bad]!r} ({e})") from None
    return list(raw.columns), cols, None


def _parses(column: str, text: str) -> bool:
    try:
        if column in _INT_COLUMNS or column == "seed":
            int(text)
        elif column.startswith(OUTCOME_PREFIX):
            float(text) if text.strip() else None
        return True
    except (ValueError, OverflowError):
        return False


def _strings(a) -> list:
    return [x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in np.atleast_1d(a)]


def _names(a) -> list:
    """The names of a root attribute: an array of strings, or one newline-separated string
    as `corridor sweep` writes it."""
    return [x for s in _strings(a) for x in s.split("\n") if x]


def _read_h5(h5: Path) -> tuple:
    try:
        f = h5py.File(h5, "r")
    except OSError as e:
        raise SweepError(f"{h5}: not an HDF5 file ({e})") from None
    with f:
        if "results" not in f:
            raise SweepError(f"{h5}: no /results group; not a sweep index")
        g = f["results"]
        cols = {}
        for name, ds in g.items():
            if not isinstance(ds, h5py.Dataset):
                continue
            if h5py.check_string_dtype(ds.dtype) is not None:
                cols[name] = np.array(ds.asstr()[()], dtype=object)
            else:
                cols[name] = ds[()]
        # `run` is the dimension scale (xarray opens /results as a Dataset): the run ids, which
        # files written before the run_id column held only there.
        if "run" in cols:
            ids = cols.pop("run")
            cols.setdefault("run_id", ids)
        attrs = f.attrs
        params = _names(attrs["parameters"]) if "parameters" in attrs else None
        outs = _names(attrs["outcomes"]) if "outcomes" in attrs else None
        design = _strings(attrs["design"])[0] if "design" in attrs else None
    # HDF5 lists a group's members by name; the root attributes give the intended order.
    fixed = [c for c in INDEX_COLUMNS if c in cols]
    p = [PARAM_PREFIX + n for n in params] if params is not None else \
        sorted(c for c in cols if c.startswith(PARAM_PREFIX))
    o = [OUTCOME_PREFIX + n for n in outs] if outs is not None else \
        sorted(c for c in cols if c.startswith(OUTCOME_PREFIX))
    for c in p + o:
        if c not in cols:
            raise SweepError(f"{h5}: root attribute lists {short_name(c)!r} but /results/{c} is missing")
    rest = [c for c in cols if c not in fixed and c not in p and c not in o]
    order = fixed + p + o + rest
    if "seed" in cols:
        # Stored as text (a uint64 is no double), or as integers.
        seeds = cols["seed"]
        cols["seed"] = np.array([int(x) for x in seeds], dtype=np.uint64) if seeds.dtype == object \
            else seeds.astype(np.uint64)
    for c in p:
        if cols[c].dtype == object:  # a column with a value that is not a number
            cols[c] = _typed_parameter([str(x) for x in cols[c]])
        elif cols[c].dtype.kind in "iub":
            cols[c] = cols[c].astype(float)
    for c in _INT_COLUMNS:
        if c in cols:
            cols[c] = cols[c].astype(np.int64)
    return order, cols, design


def open_sweep(path, timing: bool = False) -> pd.DataFrame:
    """The index of a sweep as a DataFrame: one row per run, indexed by ``run_id``.

    path: the sweep directory (``corridor sweep ... -o DIR``), or its index.h5 or index.csv.
    The directory's index.h5 is read when present, else index.csv.

    Columns: ``scenario``, ``point``, ``replicate``, ``seed`` (uint64), ``status``
    ("complete" or "failed"), ``error``, ``file`` (relative to the directory),
    ``design_block`` (Sobol: "A", "B", "AB0", ...; else ""), ``design_row``; then one
    ``param:<config.key.path>`` column per parameter (float64, or text for dates and names) and one ``out:<name>`` column per
    outcome (NaN for failed runs), in the index's order; then ``path``, the absolute path
    of the run file. With ``timing=True`` the machine-dependent columns of timing.csv
    (wall_seconds, host, rank, finished_at) are joined on.

    ``sw.attrs``: ``directory``, ``design`` ("grid", "lhs", "sobol", "table", or None when
    only index.csv was there and it has no Sobol blocks), ``parameters`` and ``outcomes``
    (the column names).
    """
    d, h5, csv = _index_files(Path(path))
    source = h5 or csv
    order, cols, design = _read_h5(h5) if h5 is not None else _read_csv(csv)
    missing = [c for c in INDEX_COLUMNS if c not in cols]
    if missing:
        raise SweepError(f"{source}: missing column(s) {', '.join(missing)}; not a sweep index")
    lengths = {len(cols[c]) for c in order}
    if len(lengths) > 1:
        raise SweepError(f"{source}: columns of unequal length {sorted(lengths)}")
    df = pd.DataFrame({c: cols[c] for c in order})
    if df["run_id"].duplicated().any():
        dup = df["run_id"][df["run_id"].duplicated()].tolist()[:5]
        raise SweepError(f"{source}: run_id repeated ({dup}); one row per run expected")
    df["design_block"] = df["design_block"].fillna("").astype(str)
    if design is None:
        design = "sobol" if (df["design_block"] != "").any() else None
    elif design not in DESIGNS:
        raise SweepError(f"{source}: design {design!r} is not one of {', '.join(DESIGNS)}")
    df["path"] = [str((d / f).resolve()) if f else "" for f in df["file"]]
    df = df.set_index("run_id").sort_index()
    if timing:
        tpath = d / "timing.csv"
        if not tpath.is_file():
            raise FileNotFoundError(f"{tpath}: no timing table in the sweep directory")
        t = pd.read_csv(tpath, dtype={"host": str, "finished_at": str}, keep_default_na=False)
        if "run_id" not in t.columns:
            raise SweepError(f"{tpath}: no run_id column")
        df = df.join(t.set_index("run_id"), how="left")
    df.attrs.update({"directory": str(d.resolve()), "design": design,
                     "parameters": parameter_columns(df), "outcomes": outcome_columns(df)})
    return df


def _as_sweep(sweep) -> pd.DataFrame:
    return sweep if isinstance(sweep, pd.DataFrame) else open_sweep(sweep)


class _LazyH5:
    """One variable of one run file, read when dask computes a chunk of it.

    The file is opened per read and closed again, so a stacked sweep holds no file handles
    and any number of runs can be stacked.
    """

    def __init__(self, path: str, name: str, shape: tuple, dtype):
        self.path, self.name, self.shape, self.dtype = path, name, shape, np.dtype(dtype)
        self.ndim = len(shape)

    def __getitem__(self, key):
        with h5py.File(self.path, "r") as f:
            return f[self.name][key]


def _text(v) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return _text(v[()])
    return str(v)


def _labels(ds) -> np.ndarray:
    if h5py.check_string_dtype(ds.dtype) is not None:
        return np.array(ds.asstr()[()], dtype=object)
    return ds[()]


def _scan(path: str, group: str, variables: list) -> dict:
    """What stacking needs from one run file, read with h5py alone: opening each file through
    xarray/h5netcdf costs about half a second a file (it sizes every unlimited dimension by
    visiting every variable), which would be over an hour for a 10,000-run sweep."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise RunFileError(f"{path}: not an HDF5 file ({e})") from None
    with f:
        complete = f.attrs.get("complete")
        if complete is None or int(np.asarray(complete)) != 1:
            raise IncompleteRunError(f"{path}: the run did not finish (complete={complete}); the index "
                                     "says it did: rerun the sweep to redo it")
        if group not in f:
            raise RunFileError(f"{path}: no {group!r} group")
        g = f[group]
        missing = [v for v in variables if v not in g]
        if missing:
            have = sorted(k for k, d in g.items() if isinstance(d, h5py.Dataset) and d.ndim >= 1
                          and k != "time" and "time" in _dims(d))
            raise KeyError(f"{path}, group {group}: no variable(s) {', '.join(missing)}; it has "
                           f"{', '.join(have)}")
        t = g["time"]
        out = {"time": (t[()], {k: _text(v) for k, v in t.attrs.items() if k in ("units", "calendar")}),
               "vars": {}, "labels": {}}
        for v in variables:
            d = g[v]
            dims = _dims(d)
            out["vars"][v] = (dims, d.shape, d.dtype,
                              {k: _text(a) for k, a in d.attrs.items()
                               if k in ("units", "long_name", "aggregation")})
            for dim in dims:
                if dim != "time" and dim not in out["labels"]:
                    out["labels"][dim] = _labels(g[dim]) if dim in g else np.arange(d.shape[dims.index(dim)])
    return out


def _dims(d) -> tuple:
    # netCDF-4 dimensions are HDF5 dimension scales; the scale's name is the dimension's.
    names = []
    for i in range(d.ndim):
        scales = d.dims[i]
        names.append(Path(scales[0].name).name if len(scales) else f"dim_{i}")
    return tuple(names)


def _decode_time(values, attrs) -> pd.DatetimeIndex:
    ds = xr.decode_cf(xr.Dataset({"time": ("time", values, attrs)}))
    return pd.DatetimeIndex(ds["time"].values)


def stack_runs(sweep, variables, group: str = "annual", status: str = "complete",
               runs: Iterable[int] | None = None) -> xr.Dataset:
    """Chosen variables of every run of a sweep, stacked along a ``run`` dimension.

    sweep: a sweep directory or the DataFrame from :func:`open_sweep` (a filtered one
    stacks only its rows). variables: one variable name or a list (see docs/OUTPUT.md).
    group: "daily", "monthly" or "annual". status: which runs to stack ("complete"; failed
    runs have no file). runs: run ids to keep, in that order (default: all, by run id).

    The result is lazy: each run file is opened once, with h5py, for its shapes, labels and
    dates only; values are read through dask when computed, each file opened for the read
    and closed again, so ``.sel(...)``/``.isel(...)`` before ``.compute()`` or ``.values``
    read only that part, and a 10,000-run sweep stacks without loading it. The ``run``
    coordinate holds the run ids; the run's ``scenario``, ``point``, ``replicate``,
    ``seed``, ``design_block``, ``design_row`` and every ``param:`` column are coordinates
    along ``run``. Runs whose periods or labels differ (a parameter that moves the run's
    end, or gives a node a capacity and so a ``crossing``) are aligned with NaN where a run
    has no value. Variables keep their ``units``, ``long_name`` and ``aggregation``.
    """
    try:
        import dask.array as dsa
    except ImportError:
        raise ImportError("stack_runs reads lazily through dask: install python3-dask "
                          "(bash scripts/install-deps.sh)") from None
    if group not in ("daily", "monthly", "annual"):
        raise ValueError(f"group must be daily, monthly or annual, got {group!r}")
    sw = _as_sweep(sweep)
    variables = [variables] if isinstance(variables, str) else list(variables)
    if not variables:
        raise ValueError("no variables given")
    sel = sw[sw["status"] == status]
    if runs is not None:
        ids = list(runs)
        unknown = [r for r in ids if r not in sel.index]
        if unknown:
            raise KeyError(f"run id(s) {unknown[:10]} are not {status} runs of the sweep")
        sel = sel.loc[ids]
    if sel.empty:
        raise ValueError(f"the sweep has no {status} runs to stack")
    paths = sel["path"].tolist()
    absent = [p for p in paths if not p or not Path(p).is_file()]
    if absent:
        raise FileNotFoundError(f"{len(absent)} run file(s) of the index are missing, e.g. {absent[0]}")
    scans = [_scan(p, group, variables) for p in paths]
    first = scans[0]
    for p, sc in zip(paths, scans):
        for v in variables:
            if sc["vars"][v][0] != first["vars"][v][0]:
                raise RunFileError(f"{p}: {v} has dimensions {sc['vars'][v][0]}, but "
                                   f"{first['vars'][v][0]} in {paths[0]}")
    # Runs with the same dates and labels stack directly; differing groups are aligned once.
    groups: dict = {}
    for i, sc in enumerate(scans):
        key = (sc["time"][0].tobytes(), tuple(sorted(sc["time"][1].items())),
               tuple((d, tuple(map(str, lab))) for d, lab in sorted(sc["labels"].items())))
        groups.setdefault(key, []).append(i)
    parts = []
    for members in groups.values():
        sc = scans[members[0]]
        coords = {"time": _decode_time(*sc["time"])}
        coords.update({d: lab for d, lab in sc["labels"].items()})
        data = {}
        for v in variables:
            dims, shape, dtype, attrs = sc["vars"][v]
            # meta= spares dask a probe read of every file to learn the array type.
            stack = dsa.stack([dsa.from_array(_LazyH5(paths[i], f"{group}/{v}", scans[i]["vars"][v][1],
                                                      scans[i]["vars"][v][2]),
                                              chunks=scans[i]["vars"][v][1], name=False,
                                              meta=np.empty((0,) * len(shape), dtype=dtype))
                               for i in members])
            data[v] = xr.Variable(("run",) + dims, stack, attrs)
        part = xr.Dataset(data, coords={**{d: c for d, c in coords.items()
                                           if any(d in data[v].dims for v in variables)},
                                        "_order": ("run", np.asarray(members))})
        parts.append(part)
    ds = parts[0] if len(parts) == 1 else xr.concat(parts, dim="run", join="outer",
                                                     data_vars="all", coords="different",
                                                     compat="equals")
    ds = ds.isel(run=np.argsort(ds["_order"].values, kind="stable")).drop_vars("_order")
    coords = {"run": ("run", sel.index.to_numpy())}
    for c in ["scenario", "point", "replicate", "seed", "design_block", "design_row"] + \
            parameter_columns(sel):
        coords[c] = ("run", sel[c].to_numpy())
    ds = ds.assign_coords(coords)
    ds["time"].attrs["long_name"] = "first day of period" if group != "daily" else "date"
    ds.attrs = {"frequency": group, "sweep_directory": sw.attrs.get("directory", ""),
                "design": sw.attrs.get("design") or "", "parameters": parameter_columns(sel)}
    return ds
