"""Opening simulator output files and running the simulator.

The HDF5 layout is defined by output/recorder.cpp (``output_series``); docs/OUTPUT.md
describes it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterable, Sequence

import h5py
import numpy as np
import xarray as xr

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO_ROOT / "configs"

# Root attributes copied onto every dataset we hand out, so that a dataset alone says which
# run it came from once the file is closed.
RUN_ATTRS = (
    "complete", "seed", "threads", "corridor_version", "description", "start_date", "end_date",
    "firm_agents", "days_simulated", "wall_time_seconds", "phase_seconds", "shipments_deferred",
    "config_text", "resolved_parameters", "title",
)


class RunFileError(ValueError):
    """A file that is not a usable corridor output file."""


class IncompleteRunError(RunFileError):
    """An output file whose run did not finish (root attribute complete != 1)."""


def _plain(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _unfinished(output: Path) -> str:
    """What to do about the unfinished run that was to write `output`."""
    if Path(str(output) + ".ckpt").is_file():
        return f"`corridor resume {output}` finishes it from its checkpoint"
    return "it left no checkpoint: rerun the simulation"


def _traces(output: Path) -> bool:
    """Whether a run that was to write `output` was started and did not finish."""
    return any(Path(str(output) + s).is_file() for s in (".ckpt", ".tmp"))


def run_attributes(path) -> dict:
    """The root attributes of an output file, as plain Python values.

    Raises FileNotFoundError, RunFileError (not HDF5 / no daily group) or IncompleteRunError.
    """
    p = Path(path)
    if not p.is_file():
        if _traces(p):
            raise IncompleteRunError(f"{p}: the run did not finish; {_unfinished(p)}")
        raise FileNotFoundError(f"{p}: no such output file")
    try:
        with h5py.File(p, "r") as f:
            attrs = {k: _plain(v) for k, v in f.attrs.items()}
            groups = set(f.keys())
    except OSError as e:
        if p.name.endswith(".tmp"):
            raise IncompleteRunError(
                f"{p}: the temporary file of a run that did not finish (unreadable: {e}); "
                f"{_unfinished(p.with_name(p.name[:-4]))}") from None
        raise RunFileError(f"{p}: not an HDF5 file ({e})") from None
    if "complete" not in attrs or "daily" not in groups:
        raise RunFileError(f"{p}: not a corridor output file (no 'complete' attribute or 'daily' group)")
    if attrs["complete"] != 1:
        final = p.with_name(p.name[:-4]) if p.name.endswith(".tmp") else p
        raise IncompleteRunError(
            f"{p}: the run did not finish (complete={attrs['complete']}); {_unfinished(final)}")
    attrs["source_path"] = str(p.resolve())
    return attrs


def open_group(path, group: str) -> xr.Dataset:
    """One group of a finished output file, loaded into memory with the run attributes.

    group: daily, monthly, annual, panel or events.
    """
    attrs = run_attributes(path)
    with xr.open_dataset(path, engine="h5netcdf", group=group) as ds:
        # Loading and closing keeps no file handle open, so runs can be rewritten or deleted.
        out = ds.load()
    out.attrs.update({k: v for k, v in attrs.items() if k in RUN_ATTRS or k == "source_path"})
    if group in ("daily", "monthly", "annual"):
        out.attrs["frequency"] = group
    return out


def open_run(path) -> xr.Dataset:
    """The daily series of a finished run.

    Variables keep their ``units``, ``long_name`` and ``aggregation`` attributes; ``ds.attrs``
    holds the run's root attributes (seed, threads, corridor_version, description,
    start_date, end_date, complete, resolved_parameters, ...), plus ``source_path`` and
    ``frequency`` ("daily").
    """
    return open_group(path, "daily")


def events(path) -> "pd.DataFrame":
    """The event table (policy switches, projects) of a finished run, one row per event."""
    import pandas as pd

    ds = open_group(path, "events")
    if ds.sizes.get("event", 0) == 0 or "date" not in ds:
        return pd.DataFrame(columns=["date", "kind", "name", "day", "value"])
    df = ds[["date", "kind", "name", "day", "value"]].to_dataframe().reset_index(drop=True)
    df["date"] = pd.to_datetime(df["date"])
    return df


def run_label(ds: xr.Dataset) -> str:
    """A short name for a run: the part of its description before ' - ', else the file stem."""
    desc = str(ds.attrs.get("description", "")).strip()
    if desc:
        return desc.split(" - ")[0].strip()
    src = ds.attrs.get("source_path")
    return Path(src).stem if src else "run"


def find_corridor_bin(explicit=None) -> str:
    """Path of the corridor executable.

    Looks at, in order: ``explicit``; $CORRIDOR_BIN; build/corridor of the repository this
    package sits in; ../../build/corridor from the working directory (a notebook in
    analysis/notebooks); ``corridor`` on PATH.
    """
    # A path the user named must be used or reported, never silently replaced by another build.
    for named, what in ((explicit, "given"), (os.environ.get("CORRIDOR_BIN"), "CORRIDOR_BIN")):
        if named:
            p = Path(named)
            if p.is_file() and os.access(p, os.X_OK):
                return str(p.resolve())
            raise FileNotFoundError(f"corridor executable ({what}) not found or not executable: {p}")
    tried = [REPO_ROOT / "build" / "corridor", Path.cwd() / ".." / ".." / "build" / "corridor"]
    for c in tried:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c.resolve())
    on_path = shutil.which("corridor")
    if on_path:
        return on_path
    raise FileNotFoundError(
        "corridor executable not found; build it (cmake --build build) or set CORRIDOR_BIN. "
        "Tried: " + ", ".join(map(str, tried)) + ", and PATH")


def config_path(name: str) -> Path:
    """configs/baseline.yaml for "baseline", configs/scenarios/NAME.yaml for a scenario name,
    or ``name`` itself when it is a path to an existing file."""
    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.is_file():
        return p.resolve()
    for c in (CONFIG_DIR / f"{name}.yaml", CONFIG_DIR / "scenarios" / f"{name}.yaml"):
        if c.is_file():
            return c
    raise FileNotFoundError(f"no config named {name!r} (looked in {CONFIG_DIR} and its scenarios/)")


def run_simulation(config, output, seed: int | None = None, sets: Iterable[str] = (),
                   corridor_bin=None, threads: int | None = None) -> Path:
    """Run ``corridor run`` and return the output path.

    sets: overrides as "key.path=value" strings. Raises RuntimeError with the simulator's
    error message when it fails.
    """
    exe = find_corridor_bin(corridor_bin)
    cfg = config_path(str(config))
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [exe, "run", str(cfg), "-o", str(out), "--quiet"]
    if seed is not None:
        cmd += ["--seed", str(int(seed))]
    if threads is not None:
        cmd += ["--threads", str(int(threads))]
    for s in sets:
        cmd += ["--set", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"corridor run failed (exit {r.returncode}): {' '.join(cmd)}\n"
                           f"{r.stderr.strip()}")
    return out


def run_replicates(config, out_dir, seeds: Sequence[int], sets: Iterable[str] = (),
                   corridor_bin=None, name: str | None = None) -> list:
    """Run one config once per seed into OUT_DIR/NAME_s<seed>.h5; returns the paths."""
    stem = name or Path(config_path(str(config))).stem
    sets = list(sets)
    return [run_simulation(config, Path(out_dir) / f"{stem}_s{seed}.h5", seed=seed, sets=sets,
                           corridor_bin=corridor_bin) for seed in seeds]
