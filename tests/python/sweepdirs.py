"""Sweep directories in the format of `corridor sweep SPEC -o DIR`, written by the tests.

The analysis of a sweep is tested on tables whose outcomes come from known functions, so
the expected indices are known. The format is that of docs/OUTPUT.md, "Sweep directories"
(index.csv; index.h5 with /results, /timing, /runs and root attributes; timing.csv), as
sim/experiment/sweep.cpp writes it; the notebook's test checks the reader on a real
`corridor sweep` directory too.
"""
from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pandas as pd

FIXED = ["run_id", "scenario", "point", "replicate", "seed", "status", "error", "file",
         "design_block", "design_row"]


def replicate_seed(replicate: int) -> np.uint64:
    """A seed per replicate, shared by every point and scenario (common random numbers); above
    2**63 so that the uint64 column is exercised."""
    return np.uint64((0x9E3779B97F4A7C15 * (replicate + 1)) % 2**64) | np.uint64(1 << 63)


def write_sweep(d: Path, table: pd.DataFrame, design: str, csv: bool = True, h5: bool = True,
                na_rep: str = "nan", early_h5: bool = False) -> Path:
    """Write index.csv, index.h5 and timing.csv for ``table`` (the index columns).

    early_h5: index.h5 as the first `corridor sweep` wrote it, with the run ids only in the
    `run` dimension scale and the name lists as newline-separated strings.
    """
    d = Path(d)
    d.mkdir(parents=True, exist_ok=True)
    params = [c for c in table.columns if c.startswith("param:")]
    outs = [c for c in table.columns if c.startswith("out:")]
    table = table[FIXED + params + outs]
    if csv:
        table.to_csv(d / "index.csv", index=False, na_rep=na_rep)
    timing = pd.DataFrame({"run_id": table["run_id"], "wall_seconds": 0.5 + 0.01 * table["run_id"],
                           "host": "testhost", "rank": 0, "finished_at": "2025-01-01T00:00:00Z"})
    if h5:
        # As output/sweep_index.cpp writes it: a `run` dimension scale and a run_id column
        # hold the run ids, other integers are doubles, seeds and other text are strings,
        # and the name lists are arrays of strings.
        with h5py.File(d / "index.h5", "w") as f:
            results = table.drop(columns="run_id") if early_h5 else table
            for group, cols in (("results", results), ("timing", timing.drop(columns="run_id"))):
                g = f.create_group(group)
                run = g.create_dataset("run", data=table["run_id"].to_numpy(np.int32), maxshape=(None,))
                run.make_scale("run")
                for c in cols.columns:
                    v = cols[c].to_numpy()
                    if c == "run_id":
                        ds = g.create_dataset(c, data=v.astype(np.int32), maxshape=(None,))
                    elif v.dtype == object or c == "seed":
                        ds = g.create_dataset(c, data=np.array([str(x) for x in v], dtype=object),
                                              dtype=h5py.string_dtype())
                    else:
                        ds = g.create_dataset(c, data=v.astype(float), maxshape=(None,))
                    ds.dims[0].attach_scale(run)
            pnames = [p[len("param:"):] for p in params]
            onames = [o[len("out:"):] for o in outs]
            if early_h5:
                f.attrs["parameters"] = "\n".join(pnames)
                f.attrs["outcomes"] = "\n".join(onames)
            else:
                f.attrs["parameters"] = np.array(pnames, dtype=h5py.string_dtype())
                f.attrs["outcomes"] = np.array(onames, dtype=h5py.string_dtype())
            f.attrs["design"] = design
            runs = f.create_group("runs")
            for rid, file, status in zip(table["run_id"], table["file"], table["status"]):
                if file and status == "complete":
                    runs[f"r{rid:06d}"] = h5py.ExternalLink(file, "/")
    timing.to_csv(d / "timing.csv", index=False)
    return d


def saltelli_matrices(n: int, bounds, seed: int):
    """A, B (n x k) and AB (k x n x k) from a scrambled Sobol' sequence of dimension 2k."""
    from scipy.stats import qmc

    bounds = np.asarray(bounds, dtype=float)
    k = len(bounds)
    u = qmc.Sobol(2 * k, scramble=True, seed=seed).random(n)
    x = bounds[:, 0] + (bounds[:, 1] - bounds[:, 0]) * u.reshape(n, 2, k)
    A, B = x[:, 0, :], x[:, 1, :]
    AB = np.repeat(A[None], k, axis=0)
    for j in range(k):
        AB[j, :, j] = B[:, j]
    return A, B, AB


def sobol_table(A, B, AB, names, outcomes: dict, scenarios, replicates: int) -> pd.DataFrame:
    """Index rows of a Sobol sweep over the design matrices.

    outcomes: name -> f(x, scenario, replicate) with x of shape (n, k). Points are numbered
    row-major (row r, block b -> r * (k + 2) + b) so that nothing may rely on blocks being
    contiguous; run ids count scenarios, then points, then replicates.
    """
    n, k = A.shape
    blocks = [("A", A), ("B", B)] + [(f"AB{j}", AB[j]) for j in range(k)]
    rows = []
    rid = 0
    for s in scenarios:
        for r in range(n):
            for b, (name, X) in enumerate(blocks):
                point = r * (k + 2) + b
                for rep in range(replicates):
                    row = {"run_id": rid, "scenario": s, "point": point, "replicate": rep,
                           "seed": replicate_seed(rep), "status": "complete", "error": "",
                           "file": f"runs/r{rid:06d}.h5", "design_block": name, "design_row": r}
                    row.update({f"param:{p}": X[r, j] for j, p in enumerate(names)})
                    for o, f in outcomes.items():
                        row[f"out:{o}"] = float(f(X[r:r + 1], s, rep)[0])
                    rows.append(row)
                    rid += 1
    t = pd.DataFrame(rows)
    t["seed"] = t["seed"].astype(np.uint64)
    return t


def plain_table(X, names, outcomes: dict, scenarios, replicates: int) -> pd.DataFrame:
    """Index rows of an LHS, grid or table sweep: design_block empty, design_row = point."""
    rows = []
    rid = 0
    for s in scenarios:
        for point in range(len(X)):
            for rep in range(replicates):
                row = {"run_id": rid, "scenario": s, "point": point, "replicate": rep,
                       "seed": replicate_seed(rep), "status": "complete", "error": "",
                       "file": f"runs/r{rid:06d}.h5", "design_block": "", "design_row": point}
                row.update({f"param:{p}": X[point, j] for j, p in enumerate(names)})
                for o, f in outcomes.items():
                    row[f"out:{o}"] = float(f(X[point:point + 1], s, rep)[0])
                rows.append(row)
                rid += 1
    t = pd.DataFrame(rows)
    t["seed"] = t["seed"].astype(np.uint64)
    return t


def fail(table: pd.DataFrame, mask, error: str = "bad parameter combination") -> pd.DataFrame:
    """Mark runs failed as the sweep records them: status, error, NaN outcomes."""
    t = table.copy()
    t.loc[mask, "status"] = "failed"
    t.loc[mask, "error"] = error
    for c in t.columns:
        if c.startswith("out:"):
            t.loc[mask, c] = np.nan
    return t
