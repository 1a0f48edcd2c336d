"""Simulated against observed: how close runs come to the corridor's history.

configs/data/moments.yaml says how each series of configs/data/observed.csv is computed
from a run's ``annual`` group: an output series, the labels selected in some of its
dimensions, summed (or averaged with ``cells: mean``), times ``scale`` into the observed
units. The C++ outcome evaluator (sim/experiment/outcome.cpp, ``evaluate_outcome``) reads
the same mapping for calibration, and :func:`simulated_moments` computes exactly what it
computes, so a calibrated fit and its validation compare the same numbers. When output
series are renamed, moments.yaml is the one place to change.

    table = validate("results/baseline.h5")          # one row per observed series and year
    table.attrs["summary"]                            # MAPE, direction, years in band per series
    plot_validation(table, "bilateral_trade_cn_side")
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .runs import CONFIG_DIR, RunFileError, run_attributes
from .tables import observed as read_observed

MOMENTS_YAML = CONFIG_DIR / "data" / "moments.yaml"
MOMENT_KEYS = ("series", "select", "cells", "scale", "note")
# Below this many replicates the 5th and 95th percentiles are little more than the extremes;
# with 10, [min, max] already covers a new replicate with probability 9/11.
INTERVAL_MIN_REPLICATES = 10

TABLE_COLUMNS = ["series", "year", "observed", "unit", "source", "model", "n", "simulated",
                 "sim_min", "sim_max", "sim_p05", "sim_p95", "error_pct", "in_band",
                 "in_interval90", "direction", "comparable", "reason"]
SUMMARY_COLUMNS = ["series", "unit", "model", "n", "years_compared", "mape_pct", "bias_pct",
                   "direction_right", "direction_changes", "direction_share", "years_in_band",
                   "years_in_interval90", "comparable", "reason"]
NO_MAPPING = "no mapping in moments.yaml"


class ValidationError(ValueError):
    """Unusable input to a validation: a moments file, observed table, source or choice of
    runs. The message names the file (and line and key where there is one)."""


@dataclass(frozen=True)
class Moment:
    """How one observed series is computed from a run's annual output."""

    name: str                      # the observed series (configs/data/observed.csv)
    series: str                    # the output series (docs/OUTPUT.md)
    select: Mapping[str, tuple] = field(default_factory=dict)  # dimension -> labels kept
    mean_cells: bool = False       # average the kept cells instead of summing them
    scale: float = 1.0             # model units -> observed units
    note: str = ""
    file: str = ""
    line: int = 0

    def describe(self) -> str:
        """``transit_teu[corridor: northern+middle+southern]``, with ``mean of`` and the scale."""
        sel = "; ".join(f"{d}: {'+'.join(ls)}" for d, ls in self.select.items())
        text = self.series + (f"[{sel}]" if sel else "")
        if self.mean_cells:
            text = f"mean of {text}"
        if self.scale != 1.0:
            text += f" x {self.scale:g}"
        return text

    def where(self, key: str = "") -> str:
        k = f"{self.name}.{key}" if key else self.name
        return f"{self.file}, line {self.line}, key {k}" if self.file else f"moment {k}"


# moments.yaml ---------------------------------------------------------------------------

def _yaml():
    try:
        import yaml
    except ImportError:
        raise ImportError("reading moments.yaml needs PyYAML: install python3-yaml "
                          "(bash scripts/install-deps.sh)") from None
    return yaml


def _scalar_text(node, where: str) -> str:
    yaml = _yaml()
    if not isinstance(node, yaml.ScalarNode):
        raise ValidationError(f"{where}: expected a single value")
    # The raw text: YAML 1.1 would read a label such as NO as false.
    return str(node.value)


def load_moments(path=None) -> dict:
    """configs/data/moments.yaml (or ``path``) as {observed series: :class:`Moment`}.

    Each entry: ``series`` (required), ``select: {dimension: [labels]}`` (a single label may
    stand alone), ``cells: sum|mean`` (default sum), ``scale`` (default 1), ``note``.
    Raises ValidationError naming the file, line and key of the first problem.
    """
    yaml = _yaml()
    p = Path(path) if path is not None else MOMENTS_YAML
    if not p.is_file():
        raise ValidationError(f"{p}: no such moments file")
    try:
        text = p.read_text()
    except (OSError, UnicodeDecodeError) as e:
        raise ValidationError(f"{p}: cannot read ({e})") from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise ValidationError(f"{p}{at}: not valid YAML ({getattr(e, 'problem', e)})") from None
    if root is None:
        raise ValidationError(f"{p}: no moments (the file is empty)")
    if not isinstance(root, yaml.MappingNode):
        raise ValidationError(f"{p}, line {root.start_mark.line + 1}: expected a mapping "
                              "observed_series: {series: ..., select: ..., scale: ...}")
    out: dict = {}
    for knode, vnode in root.value:
        line = knode.start_mark.line + 1
        name = _scalar_text(knode, f"{p}, line {line}")
        where = f"{p}, line {line}, key {name}"
        if name in out:
            raise ValidationError(f"{where}: listed twice (first on line {out[name].line})")
        if not isinstance(vnode, yaml.MappingNode):
            raise ValidationError(f"{where}: expected a mapping with series, select, cells, "
                                  "scale, note")
        entry: dict = {}
        for k, v in vnode.value:
            key = _scalar_text(k, where)
            kw = f"{p}, line {k.start_mark.line + 1}, key {name}.{key}"
            if key not in MOMENT_KEYS:
                raise ValidationError(f"{kw}: unknown key (allowed: {', '.join(MOMENT_KEYS)})")
            if key in entry:
                raise ValidationError(f"{kw}: listed twice")
            entry[key] = (v, kw)
        if "series" not in entry:
            raise ValidationError(f"{where}.series: missing required key")
        series = _scalar_text(*entry["series"])
        if not series.strip():
            raise ValidationError(f"{entry['series'][1]}: empty series name")
        select: dict = {}
        if "select" in entry:
            snode, skw = entry["select"]
            if not isinstance(snode, yaml.MappingNode) or not snode.value:
                raise ValidationError(f"{skw}: expected a mapping dimension: [labels]")
            for dk, dv in snode.value:
                dim = _scalar_text(dk, skw)
                dkw = f"{skw}.{dim}"
                if dim in select:
                    raise ValidationError(f"{dkw}: dimension listed twice")
                nodes = dv.value if isinstance(dv, yaml.SequenceNode) else [dv]
                if not nodes:
                    raise ValidationError(f"{dkw}: empty list")
                labels = [_scalar_text(n, dkw) for n in nodes]
                dup = sorted({x for x in labels if labels.count(x) > 1})
                if dup:
                    # The C++ evaluator keeps a label once however often it is named; a sum
                    # here would count it twice, so the list must not repeat.
                    raise ValidationError(f"{dkw}: label(s) {', '.join(dup)} listed twice")
                select[dim] = tuple(labels)
        mean_cells = False
        if "cells" in entry:
            c = _scalar_text(*entry["cells"])
            if c not in ("sum", "mean"):
                raise ValidationError(f"{entry['cells'][1]}: '{c}' is not one of: sum, mean")
            mean_cells = c == "mean"
        scale = 1.0
        if "scale" in entry:
            s = _scalar_text(*entry["scale"])
            try:
                scale = float(s)
            except ValueError:
                raise ValidationError(f"{entry['scale'][1]}: '{s}' is not a number") from None
            if not math.isfinite(scale) or scale == 0:
                raise ValidationError(f"{entry['scale'][1]}: scale must be a finite non-zero "
                                      f"number, got {s}")
        note = _scalar_text(*entry["note"]) if "note" in entry else ""
        out[name] = Moment(name=name, series=series, select=select, mean_cells=mean_cells,
                           scale=scale, note=note, file=str(p), line=line)
    return out


def _as_moments(moments) -> dict:
    if moments is None or isinstance(moments, (str, Path)):
        return load_moments(moments)
    if isinstance(moments, Mapping):
        out = {}
        for name, m in moments.items():
            if isinstance(m, Moment):
                out[name] = m
            elif isinstance(m, Mapping):
                unknown = set(m) - set(MOMENT_KEYS)
                if unknown or "series" not in m:
                    raise ValidationError(f"moment {name}: needs 'series' and takes only "
                                          f"{', '.join(MOMENT_KEYS)}")
                cells = m.get("cells", "sum")
                if cells not in ("sum", "mean"):
                    raise ValidationError(f"moment {name}.cells: '{cells}' is not one of: sum, mean")
                sel = {d: (ls,) if isinstance(ls, str) else tuple(ls)
                       for d, ls in (m.get("select") or {}).items()}
                out[name] = Moment(name=name, series=str(m["series"]), select=sel,
                                   mean_cells=cells == "mean", scale=float(m.get("scale", 1.0)),
                                   note=str(m.get("note", "")))
            else:
                raise ValidationError(f"moment {name}: expected a mapping or a Moment")
        return out
    raise TypeError(f"moments: a path, a mapping or None, not {type(moments).__name__}")


# Runs -----------------------------------------------------------------------------------

@dataclass
class _Run:
    """What a validation reads of one run file: its root attributes and, from the annual
    group, the moments' series (dimension names and values), their dimensions' labels and
    the year of each row."""

    path: Path
    attrs: dict
    series: dict        # name -> (dimension names, values); time first
    names: list         # every series of the annual group, for messages
    labels: dict        # dimension -> labels
    years: np.ndarray


def _decode(values) -> list:
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]


def _read_run(path, series: Iterable[str]) -> _Run:
    """Reads through h5py what evaluate_outcome reads, and only that: xarray would open
    every variable of the group, about a second per run."""
    import h5py

    p = Path(path)
    try:
        attrs = run_attributes(p)
    except (FileNotFoundError, RunFileError) as e:
        raise ValidationError(str(e)) from None
    try:
        with h5py.File(p, "r") as f:
            if "annual" not in f:
                raise ValidationError(f"{p}: no annual group; not a complete corridor output file")
            g = f["annual"]
            names = sorted(k for k, d in g.items() if isinstance(d, h5py.Dataset)
                           and d.attrs.get("CLASS") != b"DIMENSION_SCALE")
            data, labels = {}, {}
            for name in series:
                if name not in names:
                    continue
                d = g[name]
                dims = tuple(next(iter(d.dims[k].keys()), f"axis{k}") for k in range(d.ndim))
                data[name] = (dims, d[()].astype(float))
                for dim in dims[1:]:
                    if dim not in labels and dim in g:
                        labels[dim] = _decode(g[dim][()])
            days = g["time"][()]
    except OSError as e:
        raise ValidationError(f"{p}: cannot read the annual group ({e})") from None
    except KeyError as e:
        raise ValidationError(f"{p}: annual group incomplete ({e}); not a complete corridor "
                              "output file") from None
    # Rows are dated from the start_date attribute, as in the C++ evaluator.
    start = pd.Timestamp(attrs["start_date"])
    years = (start + pd.to_timedelta(np.asarray(days, dtype=np.int64), unit="D")).year.to_numpy()
    return _Run(p, attrs, data, names, labels, years)


def _parameters_without_seed(run: _Run) -> dict | None:
    from .params import ParamsError, parse_params

    text = run.attrs.get("resolved_parameters")
    if not text:
        return None
    try:
        params = parse_params(str(text))
    except ParamsError:
        return None
    if isinstance(params.get("run"), dict):
        params["run"] = {k: v for k, v in params["run"].items() if k != "seed"}
    return params


def _differences(a, b, prefix="") -> list:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _differences(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    return [] if a == b else [prefix.rstrip(".")]


def _check_replicates(runs: list) -> None:
    """Replicates differ in their seed only; anything else would mix models in one band."""
    ref = runs[0]
    ref_params = _parameters_without_seed(ref)
    for r in runs[1:]:
        for key in ("start_date", "end_date"):
            if r.attrs.get(key) != ref.attrs.get(key):
                raise ValidationError(
                    f"{r.path}: {key} {r.attrs.get(key)} differs from {ref.attrs.get(key)} in "
                    f"{ref.path}; replicates must simulate the same period")
        params = _parameters_without_seed(r)
        if ref_params is not None and params is not None and params != ref_params:
            diff = _differences(ref_params, params)
            raise ValidationError(
                f"{r.path}: not a replicate of {ref.path}: parameters differ beyond the seed "
                f"({', '.join(diff[:5])}{', ...' if len(diff) > 5 else ''})")


def _sweep_runs(sw: pd.DataFrame, where: str, scenario=None, point=None) -> tuple:
    done = sw[sw["status"] == "complete"]
    if scenario is not None:
        names = sorted(map(str, sw["scenario"].unique()))
        if scenario not in names:
            raise ValidationError(f"{where}: no scenario {scenario!r} in the sweep; scenarios: "
                                  f"{', '.join(names)}")
        done = done[done["scenario"] == scenario]
    if point is not None:
        points = sorted(int(x) for x in done["point"].unique())
        if int(point) not in points:
            raise ValidationError(f"{where}: no complete run at point {point}; points: "
                                  f"{', '.join(map(str, points)) or 'none'}")
        done = done[done["point"] == int(point)]
    if done.empty:
        raise ValidationError(f"{where}: no complete runs"
                              + (f" of scenario {scenario!r}" if scenario is not None else ""))
    scen = sorted(map(str, done["scenario"].unique()))
    if len(scen) > 1:
        raise ValidationError(f"{where}: the sweep has scenarios {', '.join(scen)}; choose one "
                              "(scenario=..., --scenario NAME)")
    pts = sorted(int(x) for x in done["point"].unique())
    if len(pts) > 1:
        raise ValidationError(f"{where}: scenario {scen[0]!r} has {len(pts)} design points; a "
                              "validation takes the replicates of one parameter set: choose a "
                              "point (point=..., --point N)")
    return [Path(p) for p in done["path"]], {"scenario": scen[0], "point": pts[0]}


def resolve_source(source, scenario=None, point=None) -> tuple:
    """(run file paths, facts) for a run file, a list of run files, a sweep directory (or its
    index file) or an :func:`open_sweep` table. Sweeps give their complete runs of one
    scenario and design point."""
    from .sweeps import SweepError, open_sweep

    if isinstance(source, pd.DataFrame):
        return _sweep_runs(source, source.attrs.get("directory", "sweep table"), scenario, point)
    if isinstance(source, (str, Path)):
        p = Path(source)
        if p.is_dir() or p.name in ("index.h5", "index.csv"):
            try:
                sw = open_sweep(p)
            except (FileNotFoundError, SweepError) as e:
                raise ValidationError(str(e)) from None
            return _sweep_runs(sw, str(p), scenario, point)
        paths = [p]
    else:
        paths = [Path(x) for x in source]
        if not paths:
            raise ValidationError("no run files given")
    if scenario is not None or point is not None:
        raise ValidationError("scenario and point choose runs of a sweep directory; "
                              f"{paths[0]} is a run file")
    return paths, {}


def _check_moment(m: Moment, run: _Run) -> None:
    if m.series not in run.series:
        raise ValidationError(f"{m.where('series')}: the run {run.path} has no series "
                              f"'{m.series}' (series: {', '.join(run.names)})")
    dims = run.series[m.series][0][1:]
    for dim, labels in m.select.items():
        if dim not in dims:
            raise ValidationError(f"{m.where('select.' + dim)}: series '{m.series}' has no "
                                  f"dimension '{dim}' (dimensions: {', '.join(dims) or 'none'})")
        known = run.labels.get(dim, [])
        for lab in labels:
            if lab not in known:
                raise ValidationError(f"{m.where('select.' + dim)}: no label '{lab}' in "
                                      f"{run.path} (labels: {', '.join(known)})")


def _moment_by_year(m: Moment, run: _Run) -> pd.DataFrame:
    """The moment in each annual row, as evaluate_outcome computes it: the kept cells of the
    row (selected labels, every label of unselected dimensions) summed in file order, divided
    by their number with cells: mean, then times scale. A NaN cell makes the year NaN."""
    dims, a = run.series[m.series]
    rows = a.shape[0]
    keep = np.ones(a.shape[1:], dtype=bool)
    for k, dim in enumerate(dims[1:]):
        if dim in m.select:
            on = np.isin(run.labels[dim], list(m.select[dim]))
            shape = [1] * (a.ndim - 1)
            shape[k] = on.size
            keep &= on.reshape(shape)
    flat = a.reshape(rows, -1)[:, keep.reshape(-1)]
    values = flat.sum(axis=1)
    if m.mean_cells:
        values = values / flat.shape[1]
    values = values * m.scale
    start = pd.Timestamp(run.attrs["start_date"])
    end = pd.Timestamp(run.attrs["end_date"])
    partial = np.array([start > pd.Timestamp(y, 1, 1) or end < pd.Timestamp(y, 12, 31)
                        for y in run.years], dtype=bool)
    return pd.DataFrame({"year": run.years, "value": values, "partial": partial})


def simulated_moments(source, moments=None, scenario=None, point=None) -> pd.DataFrame:
    """Every moment of moments.yaml in every year of every run of ``source``: a long table
    with columns series (the observed series), year, run (index 0..n-1), path, seed, value
    (in observed units) and partial (the year is only partly simulated).

    source: a run file, a list of run files (replicates), a sweep directory or an
    :func:`open_sweep` table (its complete runs; ``scenario`` and ``point`` choose when it
    has several). Raises ValidationError on unusable input.
    """
    paths, _ = resolve_source(source, scenario, point)
    moms = _as_moments(moments)
    needed = sorted({m.series for m in moms.values()})
    runs = [_read_run(p, needed) for p in paths]
    _check_replicates(runs)
    for r in runs:
        for m in moms.values():
            _check_moment(m, r)
    frames = []
    for k, r in enumerate(runs):
        for m in moms.values():
            df = _moment_by_year(m, r)
            df.insert(0, "series", m.name)
            df.insert(2, "run", k)
            df.insert(3, "path", str(r.path))
            df.insert(4, "seed", r.attrs.get("seed"))
            frames.append(df)
    cols = ["series", "year", "run", "path", "seed", "value", "partial"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


# Comparison -----------------------------------------------------------------------------

def band(values: np.ndarray) -> dict:
    """Mean, min, max and (with at least INTERVAL_MIN_REPLICATES values) the 5th and 95th
    percentiles of one year's replicate values; a NaN replicate makes every figure NaN."""
    v = np.asarray(values, dtype=float)
    n = v.size
    out = {"n": n, "mean": np.nan, "min": np.nan, "max": np.nan, "p05": np.nan, "p95": np.nan}
    if n == 0 or not np.isfinite(v).all():
        return out
    out.update(mean=float(v.mean()), min=float(v.min()), max=float(v.max()))
    if n >= INTERVAL_MIN_REPLICATES:
        out["p05"], out["p95"] = (float(x) for x in np.quantile(v, [0.05, 0.95]))
    return out


def _paths(values: pd.DataFrame) -> pd.DataFrame:
    """Band statistics per series and year over the runs."""
    rows = []
    for (series, year), g in values.groupby(["series", "year"], sort=True):
        b = band(g["value"].to_numpy())
        rows.append({"series": series, "year": int(year), "partial": bool(g["partial"].any()), **b})
    return pd.DataFrame(rows, columns=["series", "year", "partial", "n", "mean", "min", "max",
                                       "p05", "p95"])


def _as_years(years):
    if years is None:
        return None
    if isinstance(years, (int, np.integer)):
        return {int(years)}
    ys = {int(y) for y in years}
    if not ys:
        raise ValidationError("years: empty")
    return ys


def _read_observed_table(observed) -> pd.DataFrame:
    if isinstance(observed, pd.DataFrame):
        obs = observed.copy()
        where = "observed table"
    else:
        try:
            obs = read_observed(path=observed)
        except (FileNotFoundError, ValueError, KeyError) as e:
            raise ValidationError(str(e)) from None
        where = str(observed) if observed is not None else "configs/data/observed.csv"
    missing = [c for c in ("series", "year", "value", "unit", "source") if c not in obs.columns]
    if missing:
        raise ValidationError(f"{where}: missing columns {', '.join(missing)}")
    dup = obs[obs.duplicated(["series", "year"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        raise ValidationError(f"{where}: series {first['series']} has more than one value for "
                              f"{int(first['year'])}; keep one per year")
    return obs


def validate(source, observed=None, moments=None, years=None, scenario=None,
             point=None) -> pd.DataFrame:
    """Simulated against observed, one row per observed series and year.

    source: a run file, a list of run files (replicates of one configuration, differing in
    their seed), a sweep directory or an :func:`open_sweep` table (its complete runs of one
    scenario and design point; ``scenario``/``point`` choose). observed: observed.csv path
    or table (default configs/data/observed.csv). moments: moments.yaml path or a mapping
    (default configs/data/moments.yaml). years: the years to compare (others are listed as
    not comparable).

    Columns: series, year, observed, unit, source, model (how the moment is computed), n
    (runs), simulated (mean over runs), sim_min, sim_max, sim_p05, sim_p95 (the 90% interval
    of the runs, NaN below INTERVAL_MIN_REPLICATES runs), error_pct (100 x (simulated -
    observed) / observed), in_band (observed inside [sim_min, sim_max]; NA for one run),
    in_interval90, direction ("right"/"wrong" on the later year of two consecutive compared
    years, when the year-on-year changes of observed and simulated mean have the same or a
    different sign),
    comparable and reason (why a row is not compared: no mapping, outside the run, partly
    simulated year, not among ``years``). Every row of observed.csv appears.

    ``attrs``: "summary" (:func:`validation_summary`), "simulated" (band statistics of every
    mapped series in every simulated year, for the figures), "runs" (paths), "source" and,
    for sweeps, "scenario" and "point".
    """
    paths, facts = resolve_source(source, scenario, point)
    moms = _as_moments(moments)
    obs = _read_observed_table(observed)
    wanted = _as_years(years)
    values = simulated_moments(paths, moms)
    paths_stats = _paths(values)
    sim_years = sorted(values["year"].unique()) if len(values) else []
    lo, hi = (min(sim_years), max(sim_years)) if sim_years else (None, None)
    stats = {(r.series, r.year): r for r in paths_stats.itertuples(index=False)}
    n_runs = len(paths)

    rows = []
    for o in obs.sort_values(["series", "year"], kind="stable").itertuples(index=False):
        m = moms.get(o.series)
        row = {"series": o.series, "year": int(o.year), "observed": float(o.value),
               "unit": o.unit, "source": o.source, "model": m.describe() if m else "",
               "n": n_runs if m else 0, "simulated": np.nan, "sim_min": np.nan,
               "sim_max": np.nan, "sim_p05": np.nan, "sim_p95": np.nan, "error_pct": np.nan,
               "in_band": pd.NA, "in_interval90": pd.NA, "direction": "", "comparable": False,
               "reason": ""}
        s = stats.get((o.series, int(o.year)))
        if m is None:
            row["reason"] = NO_MAPPING
        elif s is None:
            row["reason"] = f"outside the simulated years {lo}-{hi}"
        else:
            row.update(simulated=s.mean, sim_min=s.min, sim_max=s.max, sim_p05=s.p05,
                       sim_p95=s.p95)
            if s.partial:
                row["reason"] = "year only partly simulated"
            elif wanted is not None and int(o.year) not in wanted:
                row["reason"] = "not among the years asked for"
            elif not math.isfinite(s.mean):
                row["reason"] = "simulated value is NaN"
            else:
                row["comparable"] = True
        rows.append(row)
    table = score(pd.DataFrame(rows, columns=TABLE_COLUMNS))
    table["n"] = table["n"].astype(int)
    table["year"] = table["year"].astype(int)
    table.attrs.update({
        "summary": validation_summary(table),
        "simulated": paths_stats.assign(unit=paths_stats["series"].map(
            obs.drop_duplicates("series").set_index("series")["unit"])),
        "runs": [str(p) for p in paths],
        "source": str(source) if isinstance(source, (str, Path)) else "",
        **facts,
    })
    return table


def score(table: pd.DataFrame) -> pd.DataFrame:
    """Fill the error columns of a table of observed and simulated values: error_pct,
    in_band, in_interval90 and direction, from the columns series, year, observed,
    simulated, sim_min, sim_max, sim_p05, sim_p95 and comparable (rows not comparable get
    none). Returns a new table; :func:`validate` uses it, and so can a hand-made table."""
    t = table.copy()
    comp = t["comparable"].astype(bool)
    ob, sim = t["observed"].astype(float), t["simulated"].astype(float)
    t["error_pct"] = np.where(comp & (ob != 0), 100.0 * (sim - ob) / ob.where(ob != 0, 1.0),
                              np.nan)
    # One run has no band: min = max = the value itself.
    has_band = t["n"] >= 2 if "n" in t.columns else pd.Series(True, index=t.index)
    t["in_band"] = pd.Series((t["sim_min"] <= ob) & (ob <= t["sim_max"]),
                             dtype="boolean").where(comp & has_band, pd.NA)
    has_interval = t["sim_p05"].notna() & t["sim_p95"].notna()
    t["in_interval90"] = pd.Series((t["sim_p05"] <= ob) & (ob <= t["sim_p95"]),
                                   dtype="boolean").where(comp & has_interval, pd.NA)
    t["direction"] = ""
    # A change counts only between consecutive years that are both compared.
    for _, g in t[comp].groupby("series", sort=False):
        g = g.sort_values("year")
        idx, yrs = g.index.to_list(), g["year"].to_list()
        for k in range(1, len(idx)):
            if yrs[k] != yrs[k - 1] + 1:
                continue
            i0, i1 = idx[k - 1], idx[k]
            same = np.sign(ob[i1] - ob[i0]) == np.sign(sim[i1] - sim[i0])
            t.at[i1, "direction"] = "right" if same else "wrong"
    return t


def validation_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per series: runs, years compared, MAPE and mean signed error (%, over compared
    years), year-on-year changes whose direction is right (of the changes between
    consecutive compared years), years with the observed value inside the min-max band (NA
    for a single run) and inside the 90% interval (NA without one), and why a series is not
    comparable."""
    rows = []
    for series, g in table.groupby("series", sort=True):
        c = g[g["comparable"].astype(bool)]
        changes = int((c["direction"] != "").sum())
        right = int((c["direction"] == "right").sum())
        err = c["error_pct"].astype(float)
        has_band = c["in_band"].notna().any() if len(c) else False
        has_interval = c["in_interval90"].notna().any() if len(c) else False
        reason = ""
        if c.empty:
            reasons = list(dict.fromkeys(r for r in g["reason"] if r))
            reason = "; ".join(reasons)
        rows.append({
            "series": series, "unit": g["unit"].iloc[0], "model": g["model"].iloc[0],
            "n": int(g["n"].max()), "years_compared": len(c),
            "mape_pct": float(err.abs().mean()) if len(c) else np.nan,
            "bias_pct": float(err.mean()) if len(c) else np.nan,
            "direction_right": right, "direction_changes": changes,
            "direction_share": right / changes if changes else np.nan,
            "years_in_band": int(c["in_band"].fillna(False).astype(bool).sum())
            if has_band else pd.NA,
            "years_in_interval90": int(c["in_interval90"].fillna(False).astype(bool).sum())
            if has_interval else pd.NA,
            "comparable": len(c) > 0, "reason": reason,
        })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for col in ("years_in_band", "years_in_interval90"):
        out[col] = out[col].astype("Int64")
    return out


# Figures --------------------------------------------------------------------------------

def plot_validation(table: pd.DataFrame, series: str):
    """Simulated mean and band (min-max over runs, and the 90% interval when there is one)
    against the observed points of one series, from :func:`validate` output. Observed points
    that are not compared (outside the run, partial years) are drawn hollow."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    rows = table[table["series"] == series].sort_values("year")
    if rows.empty:
        raise KeyError(f"series {series!r} is not in the validation table")
    model = str(rows["model"].iloc[0])
    if not model:
        raise ValueError(f"series {series!r} has no mapping in moments.yaml; nothing simulated "
                         "to plot")
    sim = table.attrs.get("simulated")
    if isinstance(sim, pd.DataFrame) and (sim["series"] == series).any():
        s = sim[(sim["series"] == series)].sort_values("year")
        path = pd.DataFrame({"year": s["year"], "mean": s["mean"], "min": s["min"],
                             "max": s["max"], "p05": s["p05"], "p95": s["p95"],
                             "partial": s["partial"]})
    else:  # a table read back from CSV: the observed years are all there is
        s = rows[rows["simulated"].notna()]
        path = pd.DataFrame({"year": s["year"], "mean": s["simulated"], "min": s["sim_min"],
                             "max": s["sim_max"], "p05": s["sim_p05"], "p95": s["sim_p95"],
                             "partial": s["reason"] == "year only partly simulated"})
    full = path[~path["partial"].astype(bool)]
    n = int(rows["n"].max())
    unit = str(rows["unit"].iloc[0])
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    if n > 1:
        ax.fill_between(full["year"], full["min"], full["max"], color="#1f77b4", alpha=0.15,
                        lw=0, label=f"simulated min-max ({n} runs)")
    if full["p05"].notna().any():
        ax.fill_between(full["year"], full["p05"], full["p95"], color="#1f77b4", alpha=0.3,
                        lw=0, label="simulated 90% interval")
    ax.plot(full["year"], full["mean"], "-", color="#1f77b4", lw=1.5, marker="o", ms=3,
            label="simulated mean" if n > 1 else "simulated")
    part = path[path["partial"].astype(bool)]
    if len(part):
        ax.plot(part["year"], part["mean"], "o", mfc="none", color="#1f77b4", ms=5,
                label="simulated, partial year")
    comp = rows[rows["comparable"].astype(bool)]
    other = rows[~rows["comparable"].astype(bool)]
    if full.size:
        # Observations far outside the run would squeeze the simulated path into a corner.
        y0, y1 = full["year"].min(), full["year"].max()
        other = other[(other["year"] >= y0 - 2) & (other["year"] <= y1 + 2)]
    ax.plot(comp["year"], comp["observed"], "s", color="#d62728", ms=6, ls="none",
            label="observed")
    if len(other):
        ax.plot(other["year"], other["observed"], "s", mfc="none", color="#d62728", ms=6,
                ls="none", label="observed, not compared")
    summ = validation_summary(rows)
    r = summ.iloc[0]
    if r["years_compared"]:
        extra = f"MAPE {r['mape_pct']:.1f}%"
        if r["direction_changes"]:
            extra += f", direction {r['direction_right']}/{r['direction_changes']}"
        if not pd.isna(r["years_in_band"]):
            extra += f", in band {r['years_in_band']}/{r['years_compared']}"
    else:
        extra = "no year compared"
    ax.set_title(f"{series}: {model}\n{extra}", fontsize=9)
    values = pd.concat([path["min"], path["max"], rows["observed"]]).dropna()
    if len(values) and (values >= 0).all():
        ax.set_ylim(bottom=0)
    ax.set_ylabel(unit)
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def not_comparable(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a validation table that were not compared, with their reason."""
    return table.loc[~table["comparable"].astype(bool), ["series", "year", "observed", "unit",
                                                         "reason"]].reset_index(drop=True)


def years_arg(text: str) -> Iterable[int]:
    """``2015-2022`` or ``2015,2017,2019`` (or a mix) as a sorted list of years."""
    out = set()
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        a, sep, b = part.partition("-")
        try:
            if sep:
                y0, y1 = int(a), int(b)
                if y1 < y0:
                    raise ValidationError(f"years {part}: {y0} is after {y1}")
                out.update(range(y0, y1 + 1))
            else:
                out.add(int(part))
        except ValueError:
            raise ValidationError(f"years: cannot read {part!r}; give 2015-2022 or "
                                  "2015,2016") from None
    if not out:
        raise ValidationError("years: no year given")
    return sorted(out)
