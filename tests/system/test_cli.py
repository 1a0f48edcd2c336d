"""Whole runs through the command line: bad inputs, determinism across thread counts,
and files that h5dump, h5py and xarray read with named dimensions and real dates."""
import os
import re
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
SMALL = ["--set", "firms.count=3000", "--set", "run.end=2014-12-31", "--quiet"]


def corridor(*args, check=True):
    r = subprocess.run([BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"corridor {args} failed ({r.returncode}): {r.stderr}")
    return r


# Each malformed config: the key and line the message must name.
BAD = [
    ("yaml_syntax.yaml", None, 5),
    ("unknown_top_key.yaml", "polcy", 2),
    ("unknown_nested_key.yaml", "policy.visa_free.cn_to_kz.strat", 5),
    ("wrong_type.yaml", "firms.count", 3),
    ("out_of_range.yaml", "firms.utilisation_target", 3),
    ("bad_date.yaml", "policy.rmb_clearing.start", 4),
    ("missing_data_file.yaml", "drivers.file", 3),
    ("bad_enum.yaml", "network.links.lyg_xian_rail.mode", 4),
    ("unknown_node.yaml", "network.links.new_link.to", 4),
    ("incomplete_new_entry.yaml", "network.nodes.new_node.kind", 4),
    ("schedule_not_increasing.yaml", "policy.transit_fee[1].from", 5),
    ("end_before_start.yaml", "policy.tourism_year.promo.end", 4),
    ("end_before_start_run.yaml", "run.end", 4),
    ("missing_base.yaml", "base", 1),
    ("negative_spread.yaml", "settlement.currencies.USD.spread_bp", 4),
    ("bad_drivers_cell.yaml", "usd_kzt", 3),
]


@pytest.mark.parametrize("name,key,line", BAD)
def test_bad_config_exits_2_naming_file_line_and_key(tmp_path, name, key, line):
    out = tmp_path / "out.h5"
    r = corridor("run", f"tests/configs/bad/{name}", "-o", out, "--quiet", check=False)
    assert r.returncode == 2, r.stderr
    msg = r.stderr.strip()
    assert msg.startswith("corridor: error: "), msg
    assert msg.count("\n") == 0, "one clear message"
    where = "bad_drivers.csv" if name == "bad_drivers_cell.yaml" else name
    assert re.search(rf"{re.escape(where)}:{line}\b", msg), msg
    if key:
        assert f"key '{key}'" in msg, msg
    assert not out.exists() and not Path(str(out) + ".tmp").exists()


def test_bad_command_line_values_exit_2(tmp_path):
    out = tmp_path / "x.h5"
    for args in (["--set", "firms.count=abc"], ["--set", "nonsense"], ["--threads", "two"],
                 ["--set", "firms.colour=red"]):
        r = corridor("run", "configs/baseline.yaml", "-o", out, "--quiet", *args, check=False)
        assert r.returncode == 2, (args, r.stderr)
        assert "error" in r.stderr
        assert not out.exists()
    r = corridor("run", "configs/baseline.yaml", "-o", tmp_path / "no" / "dir" / "x.h5", *SMALL,
                 check=False)
    assert r.returncode == 2 and "-o" in r.stderr
    r = corridor("run", "configs/no_such.yaml", "-o", out, check=False)
    assert r.returncode == 2 and "no_such.yaml" in r.stderr


def test_help_version_and_schedule():
    assert "corridor run CONFIG" in corridor("run", "--help").stdout
    assert re.match(r"corridor \d+\.\d+\.\d+", corridor("--version").stdout)
    phases = corridor("run", "--print-schedule").stdout
    names = re.findall(r"^\s*\d+\.\s+(\w+)", phases, re.M)
    assert names == ["policy", "travel", "routing", "production", "shipping", "transport",
                     "border_queues", "settlement", "investment", "accounting", "record"]


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def test_threads_do_not_change_any_dataset(tmp_path):
    one, two, other = tmp_path / "t1.h5", tmp_path / "t2.h5", tmp_path / "s8.h5"
    corridor("run", "configs/baseline.yaml", "-o", one, "--threads", 1, "--seed", 7, *SMALL)
    corridor("run", "configs/baseline.yaml", "-o", two, "--threads", 2, "--seed", 7, *SMALL)
    corridor("run", "configs/baseline.yaml", "-o", other, "--threads", 2, "--seed", 8, *SMALL)
    a, b, c = datasets(one), datasets(two), datasets(other)
    assert a.keys() == b.keys() and len(a) > 50
    for name in a:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.dtype == object:  # labels
            assert x.tolist() == y.tolist(), name
        else:
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert a["daily/bilateral_trade_usd"].tobytes() != c["daily/bilateral_trade_usd"].tobytes()
    with h5py.File(one) as f1, h5py.File(two) as f2:
        assert f1.attrs["threads"] == 1 and f2.attrs["threads"] == 2
        assert f1.attrs["seed"] == 7


def test_output_opens_with_h5dump_and_xarray(tmp_path):
    path = tmp_path / "b.h5"
    corridor("run", "configs/baseline.yaml", "-o", path, *SMALL)
    header = subprocess.run(["h5dump", "-H", str(path)], capture_output=True, text=True, check=True)
    assert 'GROUP "daily"' in header.stdout and "bilateral_trade_usd" in header.stdout
    with h5py.File(path) as f:
        assert f.attrs["complete"] == 1
        assert "visa_free" in f.attrs["resolved_parameters"]
        assert f.attrs["corridor_version"]
    ds = xr.open_dataset(path, engine="h5netcdf", group="daily")
    assert np.issubdtype(ds.time.dtype, np.datetime64)
    assert str(ds.time.values[0])[:10] == "2013-01-01"
    assert ds.exports_usd.dims == ("time", "origin", "destination")
    assert ds.border_queue_days.dims == ("time", "crossing")
    assert "khorgos" in list(ds.crossing.values)
    assert ds.bilateral_trade_usd.attrs["units"] == "USD"
    ann = xr.open_dataset(path, engine="h5netcdf", group="annual")
    assert list(ann.time.dt.year.values) == [2013, 2014]
    np.testing.assert_allclose(ann.bilateral_trade_usd.sum(), ds.bilateral_trade_usd.sum(), rtol=1e-9)
    ev = xr.open_dataset(path, engine="h5netcdf", group="events")
    assert "project_completed" in set(ev.kind.values)
    panel = xr.open_dataset(path, engine="h5netcdf", group="panel")
    assert panel.capital_usd.dims == ("time", "firm")


def test_summary_prints_a_row_per_year(tmp_path):
    path = tmp_path / "b.h5"
    corridor("run", "configs/baseline.yaml", "-o", path, *SMALL)
    rows = corridor("summary", path).stdout.strip().splitlines()
    assert rows[0].split()[0] == "year" and [r.split()[0] for r in rows[1:]] == ["2013", "2014"]
