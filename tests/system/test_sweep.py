"""corridor sweep through the command line: the same index from one job, two jobs, two
MPI ranks and three shards; resume after SIGKILL; refusal of a changed spec; failed runs
recorded; hostile specs rejected before anything is written; the Sobol design equal to
scipy's Sobol' sequence."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
BASELINE = ROOT / "configs" / "baseline.yaml"
NO_VISA = ROOT / "configs" / "scenarios" / "no_visa_free.yaml"

# 2 scenarios x 4 LHS points x 2 replicates = 16 runs of 800 firms over two years.
SPEC = f"""\
description: test sweep
scenarios:
  baseline: {BASELINE}
  no_visa_free: {NO_VISA}
set:
  firms.count: 800
  run.start: 2023-01-01
  run.end: 2024-12-31
parameters:
  firms.partner_search_rate: {{loguniform: [0.002, 0.008]}}
  travel.visa_fee_usd: {{uniform: [30, 120]}}
design: {{kind: lhs, points: 4}}
replicates: 2
seed: 11
outcomes:
  trade_2024: {{series: bilateral_trade_usd, year: 2024}}
  kz_transit_2024: {{series: transit_teu, select: {{corridor: [northern, middle, southern]}}, year: 2024}}
  arrivals_cn_2024: {{series: arrivals, select: {{traveller_origin: CN}}, year: 2024}}
  queue_mean: {{series: border_queue_days, years: [2023, 2024], stat: mean, cells: mean}}
  trade_change: {{series: bilateral_trade_usd, change: [2023, 2024]}}
"""


def corridor(*args, check=True, env=None, prefix=()):
    r = subprocess.run([*prefix, BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                       env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"corridor {args} failed ({r.returncode}): {r.stderr}{r.stdout}")
    return r


def write_spec(path: Path, text: str = SPEC) -> Path:
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sweep run locally with one job: the index every other execution must equal."""
    tmp = tmp_path_factory.mktemp("ref")
    spec = write_spec(tmp / "spec.yaml")
    corridor("sweep", spec, "-o", tmp / "out", "--jobs", "1", "--threads", "1", "--quiet")
    return spec, tmp / "out"


def test_index_lists_every_run_with_outcomes(reference):
    _, out = reference
    df = pd.read_csv(out / "index.csv", float_precision="round_trip")
    assert len(df) == 16
    assert list(df.columns[:10]) == ["run_id", "scenario", "point", "replicate", "seed", "status",
                                     "error", "file", "design_block", "design_row"]
    assert (df.status == "complete").all()
    for col in ["out:trade_2024", "out:kz_transit_2024", "out:arrivals_cn_2024"]:
        assert (df[col] > 0).all(), col
    # Common random numbers: a replicate has one seed across points and scenarios.
    assert df.groupby("replicate").seed.nunique().eq(1).all()
    assert df.seed.nunique() == 2
    # The outcome is the file's own annual value.
    import h5py
    with h5py.File(out / df.file[3]) as f:
        trade = f["annual/bilateral_trade_usd"][:]
    assert df["out:trade_2024"][3] == pytest.approx(trade[-1], rel=1e-12)
    assert df["out:trade_change"][3] == pytest.approx(trade[-1] - trade[0], rel=1e-9)
    # Visa-free arrivals from China are higher with the exemption, run by paired run.
    base = df[df.scenario == "baseline"].set_index(["point", "replicate"])
    novisa = df[df.scenario == "no_visa_free"].set_index(["point", "replicate"])
    assert (base["out:arrivals_cn_2024"] > novisa["out:arrivals_cn_2024"]).all()
    timing = pd.read_csv(out / "timing.csv")
    assert len(timing) == 16 and (timing.wall_seconds > 0).all()
    assert "wall_seconds" not in df.columns and "host" not in df.columns


def test_index_h5_opens_in_xarray_with_links(reference):
    import h5py
    import xarray as xr
    _, out = reference
    ds = xr.open_dataset(out / "index.h5", engine="h5netcdf", group="results")
    assert ds.sizes["run"] == 16
    df = pd.read_csv(out / "index.csv", float_precision="round_trip")
    np.testing.assert_array_equal(ds["out:trade_2024"].values, df["out:trade_2024"].values)
    with h5py.File(out / "index.h5") as f:
        assert f.attrs["design"] == "lhs"
        assert list(f.attrs["parameters"]) == ["firms.partner_search_rate",
                                               "travel.visa_fee_usd"]
        assert f["runs/r000005"].attrs["complete"] == 1
        assert f["runs/r000005"].attrs["seed"] == df.seed[5]


def test_two_jobs_give_the_same_index(reference, tmp_path):
    spec, ref = reference
    corridor("sweep", spec, "-o", tmp_path / "out", "--jobs", "2", "--threads", "1", "--quiet")
    assert (tmp_path / "out" / "index.csv").read_text() == (ref / "index.csv").read_text()


def test_mpi_ranks_give_the_same_index(reference, tmp_path):
    if not shutil.which("mpirun"):
        pytest.fail("mpirun not found: scripts/install-deps.sh installs openmpi-bin")
    spec, ref = reference
    corridor("sweep", spec, "-o", tmp_path / "out", "--jobs", "1", "--threads", "1", "--quiet",
             prefix=("mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2"))
    assert (tmp_path / "out" / "index.csv").read_text() == (ref / "index.csv").read_text()
    ranks = pd.read_csv(tmp_path / "out" / "timing.csv")["rank"]
    assert set(ranks) == {0, 1}, "both ranks ran runs"


def test_shards_union_is_the_full_sweep(reference, tmp_path):
    spec, ref = reference
    out = tmp_path / "out"
    for i in range(3):
        r = corridor("sweep", spec, "-o", out, "--shard", f"{i}/3", "--jobs", "2")
        assert f"{len(range(i, 16, 3))} runs in this shard" in r.stdout
    assert (out / "index.csv").read_text() == (ref / "index.csv").read_text()


def test_sigkill_midway_then_resume(reference, tmp_path):
    spec, ref = reference
    out = tmp_path / "out"
    p = subprocess.Popen([BIN, "sweep", spec, "-o", out, "--jobs", "2", "--threads", "1",
                          "--quiet"], cwd=ROOT)
    deadline = time.time() + 120
    done = []
    while time.time() < deadline:
        done = list(out.glob("runs/*/*.h5"))
        if len(done) >= 5:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    finished = {f.name: f.stat().st_mtime_ns for f in out.glob("runs/*/*.h5")}
    assert 5 <= len(finished) < 16, "killed midway"
    assert not (out / "index.csv").exists()
    r = corridor("sweep", spec, "-o", out, "--jobs", "2", "--threads", "1")
    assert f"{len(finished)} already complete, {16 - len(finished)} done, 0 failed" in r.stdout
    for name, mtime in finished.items():
        assert next(out.glob(f"runs/*/{name}")).stat().st_mtime_ns == mtime, "not redone"
    assert (out / "index.csv").read_text() == (ref / "index.csv").read_text()
    assert not list(out.glob("runs/*/*.tmp"))


def test_changed_spec_is_refused(reference, tmp_path):
    spec, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    changed = write_spec(tmp_path / "changed.yaml", SPEC.replace("[30, 120]", "[30, 150]"))
    r = corridor("sweep", changed, "-o", out, check=False)
    assert r.returncode == 2
    assert "holds a different sweep" in r.stderr
    assert "spec.parameters.travel.visa_fee_usd.uniform[1]: 120 -> 150" in r.stderr
    r = corridor("sweep", spec, "-o", out, "--set", "firms.count=900", check=False)
    assert r.returncode == 2 and "firms.count=900" in r.stderr


def test_failed_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    # Each value is valid alone; one combination ends before it starts.
    spec = write_spec(tmp_path / "s.yaml", f"""\
scenarios: {{baseline: {BASELINE}}}
set: {{firms.count: 500}}
parameters:
  run.start: {{values: [2024-01-01, 2024-09-01]}}
  run.end: {{values: [2024-12-31, 2024-06-30]}}
design: {{kind: grid}}
outcomes:
  trade: {{series: bilateral_trade_usd, year: 2024}}
""")
    r = corridor("sweep", spec, "-o", tmp_path / "out", "--quiet", check=False)
    assert r.returncode == 1
    df = pd.read_csv(tmp_path / "out" / "index.csv")
    assert list(df.status) == ["complete", "complete", "complete", "failed"]
    assert "end must be after start" in df.error[3]
    assert np.isnan(df["out:trade"][3]) and df["out:trade"][:3].gt(0).all()


HOSTILE = [
    ("unknown top key", SPEC.replace("replicates: 2", "replicate: 2"), "replicate", "unknown key"),
    ("empty range", SPEC.replace("[30, 120]", "[30, 30]"),
     "parameters.travel.visa_fee_usd.uniform", "empty range"),
    ("reversed bounds", SPEC.replace("[30, 120]", "[120, 30]"),
     "parameters.travel.visa_fee_usd.uniform", "not below upper bound"),
    ("key path that does not exist", SPEC.replace("travel.visa_fee_usd", "travel.visa_fees_usd"),
     "parameters.travel.visa_fees_usd", "unknown key"),
    ("value out of the key's range", SPEC.replace("[0.002, 0.008]", "[0.002, 3]"),
     "parameters.firms.partner_search_rate", "out of range"),
    ("sobol with one parameter",
     SPEC.replace("  travel.visa_fee_usd: {uniform: [30, 120]}\n", "")
         .replace("kind: lhs, points: 4", "kind: sobol, points: 4"),
     "design.kind", "at least two parameters"),
    ("zero replicates", SPEC.replace("replicates: 2", "replicates: 0"), "replicates",
     "out of range"),
    ("unknown series", SPEC.replace("series: bilateral_trade_usd, year", "series: trade, year"),
     "outcomes.trade_2024.series", "no output series 'trade'"),
    ("unknown label", SPEC.replace("[northern, middle, southern]", "[northern, artic]"),
     "outcomes.kz_transit_2024.select.corridor", "no label 'artic'"),
    ("year outside the run", SPEC.replace("year: 2024}\n  kz", "year: 2031}\n  kz"),
     "outcomes.trade_2024", "outside the simulated period"),
    ("duplicate key", SPEC.replace("seed: 11", "seed: 11\nseed: 12"), "seed", "duplicate key"),
    ("missing design", SPEC.replace("design: {kind: lhs, points: 4}\n", ""), "design",
     "missing required key"),
    ("lhs without points", SPEC.replace("kind: lhs, points: 4", "kind: lhs"), "design.points",
     "missing required key"),
    ("unknown design", SPEC.replace("kind: lhs", "kind: halton"), "design.kind", "not one of"),
    ("missing scenario file", SPEC.replace(str(NO_VISA), "/nonexistent/s.yaml"),
     "scenarios.no_visa_free", "config file not found"),
    ("swept and set", SPEC.replace("firms.count: 800", "firms.count: 800\n  travel.visa_fee_usd: 50"),
     "parameters.travel.visa_fee_usd", "also fixed under set"),
    ("bad set value", SPEC.replace("firms.count: 800", "firms.count: many"), "set",
     "expected a number"),
    ("yaml syntax", SPEC.replace("seed: 11", "seed: [11"), "", "YAML syntax error"),
]


@pytest.mark.parametrize("name,text,key,message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_spec(tmp_path, name, text, key, message):
    spec = write_spec(tmp_path / "bad.yaml", text)
    r = corridor("sweep", spec, "-o", tmp_path / "out", check=False)
    assert r.returncode == 2, r.stderr
    assert str(spec) in r.stderr and message in r.stderr, r.stderr
    if key:
        assert f"key '{key}'" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_unwritable_output_directory(tmp_path):
    spec = write_spec(tmp_path / "s.yaml")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    r = corridor("sweep", spec, "-o", blocker / "out", check=False)
    assert r.returncode == 2 and "cannot create the sweep directory" in r.stderr
    assert not list(tmp_path.rglob("index.*"))


@pytest.mark.parametrize("args,message", [
    (["--jobs", "0"], "out of range"), (["--jobs", "2x"], "expected a whole number"),
    (["--shard", "3/3"], "out of range"), (["--shard", "1"], "expected i/n"),
    (["--threads", "-1"], "out of range"), (["--threads", "1.5"], "expected a whole number"),
])
def test_hostile_command_line(tmp_path, args, message):
    spec = write_spec(tmp_path / "s.yaml")
    r = corridor("sweep", spec, "-o", tmp_path / "out", *args, check=False)
    assert r.returncode == 2 and message in r.stderr, r.stderr
    assert not (tmp_path / "out").exists()


def test_sobol_design_is_saltelli_on_scipys_sobol_sequence(tmp_path):
    from scipy.stats import qmc
    k, n = 5, 16
    # Real keys (others are refused) on [0.5, 1]; the dry run prints the values.
    keys = ["trade.trade_elasticity", "routing.logit_scale", "travel.visa_fee_usd",
            "firms.partner_search_rate", "firms.contact_effect"]
    params = "".join(f"  {key}: {{uniform: [0.5, 1]}}\n" for key in keys)
    spec = write_spec(tmp_path / "s.yaml", f"""\
scenarios: {{baseline: {BASELINE}}}
parameters:
{params}design: {{kind: sobol, points: {n}}}
outcomes: {{trade: {{series: bilateral_trade_usd, year: 2020}}}}
""")
    r = corridor("sweep", spec, "--dry-run")
    lines = r.stdout.strip().splitlines()
    df = pd.read_csv(pd.io.common.StringIO("\n".join(lines[1:])))
    assert len(df) == n * (k + 2)
    u = (df[keys].to_numpy() - 0.5) / 0.5
    skip = max(2, 1 << (n - 1).bit_length())  # skipped up to a power of two >= n
    ref = qmc.Sobol(d=2 * k, scramble=False).random(skip + n)[skip:]
    a, b = ref[:, :k], ref[:, k:]
    blocks = df.design_block.to_numpy()
    np.testing.assert_allclose(u[blocks == "A"], a, atol=1e-12)
    np.testing.assert_allclose(u[blocks == "B"], b, atol=1e-12)
    for j in range(k):
        ab = a.copy()
        ab[:, j] = b[:, j]
        np.testing.assert_allclose(u[blocks == f"AB{j}"], ab, atol=1e-12)
