"""Reading sweep directories: the index table, lazily stacked runs, and the sweep figures."""
import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from corridor_analysis import (IncompleteRunError, SweepError, open_group, open_sweep, plot_rank_correlations,
                               plot_sobol, plot_sweep_scatter, rank_correlations, sobol_indices,
                               stack_runs)
from sweepdirs import FIXED, fail, plain_table, saltelli_matrices, sobol_table, write_sweep

SMALL = ("firms.count=500",)
# (Chinese tourist trips per year in 2013, run end, Almaty's clearing capacity) per design
# point. The last point runs half a year longer and makes Almaty a crossing (a node with
# capacity is one), so its runs have more dates and more crossings than the others; a fourth
# point is recorded as failed, as `corridor sweep` does for a bad parameter combination.
TOURISTS = "travel.trips_per_year.CN.tourist"
ALMATY = "network.nodes.almaty.capacity_teu_per_day"
POINTS = [(80000, "2014-12-31", 0), (160000, "2014-12-31", 0), (80000, "2015-06-30", 100)]
SEEDS = {0: 1, 1: 2}


@pytest.fixture(scope="module")
def real_sweep(simulate_run, tmp_path_factory):
    """A sweep directory over real run files made with `corridor run`."""
    d = tmp_path_factory.mktemp("sweep")
    rows = []
    rid = 0
    for point, (tourists, end, almaty) in enumerate(POINTS):
        for rep in range(2 if point < 2 else 1):
            f = f"runs/r{rid:06d}.h5"
            (d / "runs").mkdir(exist_ok=True)
            simulate_run("configs/baseline.yaml", d / f, SEEDS[rep], *SMALL,
                         f"{TOURISTS}={tourists}", f"run.end={end}", f"{ALMATY}={almaty}")
            a = open_group(d / f, "annual")
            trade = float(a["bilateral_trade_usd"].sel(time="2014").values[0])
            arrivals = float(a["arrivals"].sel(time="2014").sum().values)
            rows.append({"run_id": rid, "scenario": "baseline", "point": point, "replicate": rep,
                         "seed": np.uint64(SEEDS[rep]), "status": "complete", "error": "", "file": f,
                         "design_block": "", "design_row": point, f"param:{TOURISTS}": tourists,
                         "param:run.end": end, f"param:{ALMATY}": almaty, "out:trade_2014": trade,
                         "out:arrivals_2014": arrivals})
            rid += 1
    rows.append({"run_id": rid, "scenario": "baseline", "point": 3, "replicate": 0, "seed": np.uint64(1),
                 "status": "failed", "error": f'{TOURISTS}: must be >= 0, got "-5", line 3',
                 "file": "", "design_block": "", "design_row": 3, f"param:{TOURISTS}": -5,
                 "param:run.end": "2014-12-31", f"param:{ALMATY}": 0, "out:trade_2014": np.nan,
                 "out:arrivals_2014": np.nan})
    t = pd.DataFrame(rows)
    t["seed"] = t["seed"].astype(np.uint64)
    return write_sweep(d, t, "table")


def test_open_sweep_reads_the_index(real_sweep):
    sw = open_sweep(real_sweep)
    assert sw.index.name == "run_id" and list(sw.index) == list(range(6))
    assert list(sw.columns) == FIXED[1:] + [f"param:{TOURISTS}", "param:run.end", f"param:{ALMATY}",
                                            "out:trade_2014", "out:arrivals_2014", "path"]
    assert sw.attrs["design"] == "table"
    assert sw.attrs["parameters"] == [f"param:{TOURISTS}", "param:run.end", f"param:{ALMATY}"]
    assert sw.attrs["outcomes"] == ["out:trade_2014", "out:arrivals_2014"]
    assert sw["seed"].dtype == np.uint64 and sw[f"param:{TOURISTS}"].dtype == float
    assert sw["param:run.end"].tolist()[:3] == ["2014-12-31"] * 3
    assert sw.loc[5, "status"] == "failed" and np.isnan(sw.loc[5, "out:trade_2014"])
    assert sw.loc[5, "error"].startswith(f"{TOURISTS}: must be >= 0")
    assert sw.loc[0, "path"] == str((real_sweep / "runs" / "r000000.h5").resolve())
    # The outcomes of the index are those of the files the rows point to.
    for rid in range(5):
        a = open_group(sw.loc[rid, "path"], "annual")
        assert a.attrs["seed"] == int(sw.loc[rid, "seed"])
        assert float(a["bilateral_trade_usd"].sel(time="2014").values[0]) == sw.loc[rid, "out:trade_2014"]
    # Twice the Chinese tourists, the same seed: more arrivals (the runs differ as the index says).
    assert sw.loc[2, "out:arrivals_2014"] > sw.loc[0, "out:arrivals_2014"] + 50000


def test_csv_and_hdf5_indexes_read_the_same(tmp_path, real_sweep):
    from_h5 = open_sweep(real_sweep / "index.h5")
    from_csv = open_sweep(real_sweep / "index.csv")
    pd.testing.assert_frame_equal(from_h5, from_csv)
    assert from_csv.attrs["design"] is None  # index.csv alone does not say; no Sobol blocks
    # Seeds above 2**63, an empty-cell NaN and a scenario called "NA" survive the CSV.
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    t = plain_table(X, ["a.b", "c.d"], {"y": lambda x, s, rep: x[:, 0]}, ["NA"], 2)
    t = fail(t, t["run_id"] == 1)
    d = write_sweep(tmp_path / "csv_only", t, "grid", h5=False, na_rep="")
    sw = open_sweep(d)
    assert sw["seed"].iloc[0] == t["seed"].iloc[0] and sw["seed"].iloc[0] > 2 ** 63
    assert sw["scenario"].eq("NA").all() and np.isnan(sw.loc[1, "out:y"])
    assert sw["param:a.b"].dtype == float
    both = open_sweep(write_sweep(tmp_path / "both", t, "grid"))
    pd.testing.assert_frame_equal(sw.drop(columns="path"), both.drop(columns="path"))
    early = open_sweep(write_sweep(tmp_path / "early", t, "grid", csv=False, early_h5=True))
    pd.testing.assert_frame_equal(early.drop(columns="path"), both.drop(columns="path"))
    assert early.attrs["parameters"] == ["param:a.b", "param:c.d"]


def test_open_sweep_with_timing(real_sweep):
    sw = open_sweep(real_sweep, timing=True)
    assert {"wall_seconds", "host", "rank", "finished_at"} <= set(sw.columns)
    assert sw.loc[3, "wall_seconds"] == pytest.approx(0.53)
    assert "wall_seconds" not in open_sweep(real_sweep).columns  # results stay apart by default


def test_open_sweep_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such sweep directory"):
        open_sweep(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no index.h5 or index.csv"):
        open_sweep(tmp_path / "empty")
    t = plain_table(np.array([[1.0], [2.0]]), ["a"], {"y": lambda x, s, rep: x[:, 0]}, ["b"], 1)
    d = write_sweep(tmp_path / "no_status", t, "grid", h5=False)
    pd.read_csv(d / "index.csv").drop(columns="status").to_csv(d / "index.csv", index=False)
    with pytest.raises(SweepError, match=r"index.csv: missing column\(s\) status"):
        open_sweep(d)
    d = write_sweep(tmp_path / "bad_value", t, "grid", h5=False)
    text = (d / "index.csv").read_text().splitlines()
    text[2] = text[2].rsplit(",", 1)[0] + ",lots"
    (d / "index.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(SweepError, match=r"index.csv, line 3, column out:y: cannot read 'lots'"):
        open_sweep(d)
    d = write_sweep(tmp_path / "bad_design", t, "random_walk", csv=False)
    with pytest.raises(SweepError, match="design 'random_walk' is not one of"):
        open_sweep(d)
    (tmp_path / "not_h5").mkdir()
    (tmp_path / "not_h5" / "index.h5").write_text("hello")
    with pytest.raises(SweepError, match="not an HDF5 file"):
        open_sweep(tmp_path / "not_h5")


def test_stack_runs_is_lazy_and_labelled(real_sweep):
    import dask.array

    sw = open_sweep(real_sweep)
    ds = stack_runs(sw, ["bilateral_trade_usd", "transit_teu", "border_throughput_teu"])
    assert isinstance(ds["transit_teu"].data, dask.array.Array)  # nothing read yet
    assert ds["transit_teu"].dims == ("run", "time", "corridor")
    assert list(ds["run"].values) == [0, 1, 2, 3, 4]  # the failed run has no file
    assert list(ds[f"param:{TOURISTS}"].values) == [80000, 80000, 160000, 160000, 80000]
    assert list(ds["replicate"].values) == [0, 1, 0, 1, 0]
    assert ds["seed"].dtype == np.uint64 and list(ds["scenario"].values) == ["baseline"] * 5
    assert ds.attrs["frequency"] == "annual" and ds.attrs["design"] == "table"
    years = pd.DatetimeIndex(ds["time"].values).year.tolist()
    assert years == [2013, 2014, 2015]
    for rid in range(5):
        one = open_group(sw.loc[rid, "path"], "annual")
        got = ds["transit_teu"].sel(run=rid).isel(time=slice(0, one.sizes["time"])).values
        assert np.array_equal(got, one["transit_teu"].values)
    # Runs that end in 2014 have no 2015: aligned on time, with NaN there.
    assert np.isnan(ds["bilateral_trade_usd"].sel(run=0, time="2015").values).all()
    assert np.isfinite(ds["bilateral_trade_usd"].sel(run=4, time="2015").values).all()
    # Almaty is a crossing only in run 4: the others have NaN there, and their own values at
    # every other crossing.
    assert "almaty" in ds["crossing"].values
    thr = ds["border_throughput_teu"].sel(time="2014").isel(time=0).compute()
    assert np.isnan(thr.sel(crossing="almaty", run=[0, 1, 2, 3])).all()
    assert np.isfinite(thr.sel(crossing="almaty", run=4))
    for rid in (0, 4):
        one = open_group(sw.loc[rid, "path"], "annual")["border_throughput_teu"].sel(time="2014")
        for c in one["crossing"].values:
            assert float(thr.sel(run=rid, crossing=c)) == float(one.sel(crossing=c).values[0])
    assert ds["transit_teu"].attrs["units"] == "TEU" and ds["transit_teu"].attrs["aggregation"] == "sum"
    # The index's outcome is the stacked value of the run it names.
    t14 = ds["bilateral_trade_usd"].sel(time="2014").isel(time=0).compute()
    assert np.array_equal(t14.values, sw.loc[list(ds["run"].values), "out:trade_2014"].to_numpy())


def test_stack_runs_selections_and_errors(real_sweep):
    ds = stack_runs(real_sweep, "arrivals", group="monthly", runs=[3, 1])
    assert list(ds["run"].values) == [3, 1]
    assert ds["arrivals"].dims == ("run", "time", "traveller_origin", "purpose")
    assert ds.sizes["time"] == 24
    one = open_group(real_sweep / "runs" / "r000003.h5", "monthly")
    assert np.array_equal(ds["arrivals"].sel(run=3).values, one["arrivals"].values)
    with pytest.raises(KeyError, match="no variable.*nonsense"):
        stack_runs(real_sweep, "nonsense")
    with pytest.raises(KeyError, match=r"run id\(s\) \[5\] are not complete"):
        stack_runs(real_sweep, "arrivals", runs=[0, 5])
    with pytest.raises(ValueError, match="group must be"):
        stack_runs(real_sweep, "arrivals", group="weekly")
    sw = open_sweep(real_sweep)
    sw.loc[1, "path"] = str(real_sweep / "runs" / "gone.h5")
    with pytest.raises(FileNotFoundError, match="1 run file"):
        stack_runs(sw, "arrivals")
    # A file the index calls complete but whose run did not finish.
    unfinished = real_sweep.parent / "unfinished.h5"
    shutil.copy(real_sweep / "runs" / "r000001.h5", unfinished)
    with h5py.File(unfinished, "r+") as f:
        f.attrs["complete"] = np.int32(0)
    sw.loc[1, "path"] = str(unfinished)
    with pytest.raises(IncompleteRunError, match="unfinished.h5: the run did not finish"):
        stack_runs(sw, "arrivals")


def test_stack_runs_reads_only_what_is_computed(real_sweep, monkeypatch):
    from corridor_analysis import sweeps

    reads = []
    original = sweeps._LazyH5.__getitem__

    def counting(self, key):
        reads.append((Path(self.path).name, self.name))
        return original(self, key)

    monkeypatch.setattr(sweeps._LazyH5, "__getitem__", counting)
    ds = stack_runs(real_sweep, ["transit_teu", "arrivals"])
    assert reads == []
    ds["transit_teu"].sel(run=2).compute()
    assert reads == [("r000002.h5", "annual/transit_teu")]


def _small_sobol(tmp_path):
    A, B, AB = saltelli_matrices(64, [(0.0, 1.0)] * 3, seed=1)
    t = sobol_table(A, B, AB, ["a.x", "b.y", "c.z"],
                    {"y": lambda x, s, rep: x @ ([3.0, 1.0, 0.0] if s == "s1" else [0.0, 1.0, 3.0])},
                    ["s1", "s2"], 1)
    return open_sweep(write_sweep(tmp_path / "sobol", t, "sobol"))


def test_sweep_figures(tmp_path):
    sw = _small_sobol(tmp_path)
    fig = plot_sobol(sobol_indices(sw, "y", n_boot=100))
    assert isinstance(fig, Figure) and len(fig.axes) == 2  # one panel per scenario
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a.x", "b.y", "c.z"]
    assert len(ax.patches) == 6  # S1 and ST bars per parameter
    assert fig._suptitle.get_text() == "Sobol indices of y, 95% bootstrap intervals"
    fig = plot_rank_correlations(rank_correlations(sw, "y"))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig = plot_sweep_scatter(sw, "y")
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 3 and visible[0].get_xlabel() == "a.x"
    assert len(visible[0].lines) == 2  # one series per scenario
    assert len(visible[0].lines[0].get_xdata()) == 64 * 5  # every design point of s1
    fig = plot_sweep_scatter(sw, "y", parameters=["b.y"], scenario="s2", replicates="all")
    assert len([a for a in fig.axes if a.get_visible()]) == 1
    with pytest.raises(ValueError, match="one outcome"):
        plot_sobol(pd.concat([sobol_indices(sw, "y", n_boot=0),
                              sobol_indices(sw, "y", n_boot=0).assign(outcome="z")]))
