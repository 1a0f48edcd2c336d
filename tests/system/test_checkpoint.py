"""Killed runs, resumed: SIGKILL at several points after a checkpoint, `corridor resume`
with 1 and 2 threads, every dataset byte for byte equal to the uninterrupted run's; no
file at the output name until a run completes; full disk, file-size limit and unwritable
paths give clear errors with distinct exit codes and leave no output file."""
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
sys.path.insert(0, str(ROOT / "analysis"))
import corridor_analysis as ca  # noqa: E402

EVERY = 120


def small(every=EVERY):
    """A short run's options; `--set` refuses a key given twice, so the cadence is a parameter."""
    return ["--set", "firms.count=3000", "--set", "run.end=2015-12-31",
            "--set", f"output.checkpoint_every_days={every}", "--quiet"]


SMALL = small()


def corridor(*args, env=None, preexec_fn=None):
    return subprocess.run([BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec_fn)


def run_small(out, *extra, threads=2, kill=None, config="configs/baseline.yaml", every=EVERY):
    env = {"CORRIDOR_TEST_KILL": kill} if kill else None
    return corridor("run", config, "-o", out, "--threads", threads, *small(every), *extra, env=env)


def datasets(path):
    """Every dataset of a file: dtype, shape and raw bytes (strings as a list)."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            raw = data.tolist() if data.dtype.kind == "O" else data.tobytes()
            out[name] = (str(obj.dtype), obj.shape, raw)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def assert_same_datasets(a, b):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    differ = [k for k in da if da[k] != db[k]]
    assert not differ, f"datasets differ: {differ}"
    assert len(da) > 100 and "daily/exports_usd" in da and "events/name" in da


def checkpoint_day(ckpt):
    with h5py.File(ckpt, "r") as f:
        return int(f["header/day"][0])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "whole.h5"
    r = run_small(out, threads=1)
    assert r.returncode == 0, r.stderr
    assert not Path(f"{out}.ckpt").exists(), "a completed run removes its checkpoint"
    return out


def test_checkpoints_do_not_change_the_output(tmp_path, reference):
    out = tmp_path / "no_ckpt.h5"
    r = run_small(out, every=0)
    assert r.returncode == 0, r.stderr
    assert_same_datasets(reference, out)


# Where the run is killed, and the checkpoint it leaves: one day after a checkpoint, in the
# middle of an interval, and while a checkpoint is being written (before its rename, so
# the previous one is used).
KILLS = [("after_day:121", 120), ("after_day:650", 600), ("in_checkpoint:960", 840)]


@pytest.mark.parametrize("kill,day", KILLS)
def test_killed_run_resumes_to_the_same_datasets(tmp_path, reference, kill, day):
    out = tmp_path / "run.h5"
    ckpt = Path(f"{out}.ckpt")
    r = run_small(out, kill=kill)
    assert r.returncode == -signal.SIGKILL, r.stderr
    assert not out.exists(), "a killed run leaves no file at the output name"
    assert checkpoint_day(ckpt) == day
    # The loader refuses what the killed run left, and says how to finish it.
    with pytest.raises(ca.IncompleteRunError, match="corridor resume"):
        ca.open_run(out)
    with pytest.raises(ca.IncompleteRunError, match="did not finish"):
        ca.open_run(f"{out}.tmp")
    saved = tmp_path / "saved.ckpt"
    shutil.copy(ckpt, saved)
    for threads in (1, 2):
        r = corridor("resume", out, "--threads", threads, "--quiet")
        assert r.returncode == 0, r.stderr
        assert_same_datasets(reference, out)
        assert not ckpt.exists() and not Path(f"{out}.tmp").exists()
        with h5py.File(out, "r") as f:
            assert f.attrs["complete"] == 1
            assert f.attrs["resumed_from_day"] == day
            assert f.attrs["threads"] == threads
        assert ca.open_run(out).sizes["time"] == 1095
        out.unlink()
        shutil.copy(saved, ckpt)


def test_sigkill_from_outside(tmp_path):
    """A real SIGKILL from another process, at whatever point the run has reached after its
    first checkpoint; the resumed output equals an uninterrupted run's."""
    args = ["--set", "firms.count=6000", "--set", "run.end=2015-12-31",
            "--set", "output.checkpoint_every_days=90", "--quiet", "--threads", "2"]
    whole = tmp_path / "whole.h5"
    r = corridor("run", "configs/baseline.yaml", "-o", whole, *args)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "killed.h5"
    ckpt = Path(f"{out}.ckpt")
    p = subprocess.Popen([BIN, "run", "configs/baseline.yaml", "-o", str(out), *args], cwd=ROOT,
                         stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while not ckpt.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert not out.exists()
    assert checkpoint_day(ckpt) % 90 == 0
    r = corridor("resume", out, "--threads", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    assert_same_datasets(whole, out)


def test_resume_refuses_what_it_cannot_continue(tmp_path):
    out = tmp_path / "x.h5"
    r = corridor("resume", out)
    assert r.returncode == 2 and "no checkpoint" in r.stderr, r.stderr

    # The config changed since the run was killed.
    config = tmp_path / "mine.yaml"
    config.write_text(f"base: {ROOT / 'configs' / 'baseline.yaml'}\n"
                      "firms:\n  partner_break_rate: 0.0010\n")
    assert run_small(out, kill="after_day:130", config=config).returncode == -signal.SIGKILL
    config.write_text(config.read_text().replace("0.0010", "0.0020"))
    r = corridor("resume", out)
    assert r.returncode == 2, r.stderr
    assert "another configuration" in r.stderr and "partner_break_rate" in r.stderr, r.stderr
    assert not out.exists()

    # Another version wrote it.
    config.write_text(config.read_text().replace("0.0020", "0.0010"))
    ckpt = Path(f"{out}.ckpt")
    with h5py.File(ckpt, "r+") as f:
        del f["header/corridor_version"]
        f["header/corridor_version"] = np.array([b"0.0.1"], dtype=h5py.string_dtype())
    r = corridor("resume", out)
    assert r.returncode == 2 and "written by corridor 0.0.1" in r.stderr, r.stderr

    # A damaged file.
    ckpt.write_bytes(b"\x89HDF\r\n" + b"\0" * 100)
    r = corridor("resume", out)
    assert r.returncode == 2 and "not a corridor checkpoint" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, "one clear message"


def test_run_replaces_a_stale_checkpoint(tmp_path):
    out = tmp_path / "x.h5"
    assert run_small(out, kill="after_day:130").returncode == -signal.SIGKILL
    r = run_small(out, "--seed", "3")
    assert r.returncode == 0, r.stderr
    assert out.exists() and not Path(f"{out}.ckpt").exists()


# ---- Crash safety ----

def assert_no_output(out):
    assert not out.exists() and not Path(f"{out}.tmp").exists()


def test_output_path_is_checked_before_the_run(tmp_path):
    d = tmp_path / "adir"
    d.mkdir()
    r = run_small(d)
    assert r.returncode == 2 and "is a directory" in r.stderr and "'-o'" in r.stderr, r.stderr
    Path(f"{tmp_path / 'y.h5'}.ckpt").mkdir()
    r = run_small(tmp_path / "y.h5")
    assert r.returncode == 2 and "y.h5.ckpt is a directory" in r.stderr, r.stderr
    assert_no_output(tmp_path / "y.h5")


def limit_file_size(n):
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))


@pytest.mark.parametrize("every", [0, EVERY])
def test_file_size_limit_exits_3_and_leaves_no_output(tmp_path, every):
    out = tmp_path / "big.h5"
    r = corridor("run", "configs/baseline.yaml", "-o", out, *small(every),
                 preexec_fn=limit_file_size(400_000))
    assert r.returncode == 3, (r.returncode, r.stderr)
    assert "File too large" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert_no_output(out)
    assert not Path(f"{out}.ckpt.tmp").exists()


def namespace_shell(script):
    """Runs `script` in a private mount namespace (so it may mount a small tmpfs)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unprivileged mount namespaces are not available")
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=ROOT, capture_output=True,
                          text=True)


def test_full_disk_exits_3_keeps_the_checkpoint_and_resumes(tmp_path, reference):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    small = " ".join(SMALL)
    r = namespace_shell(f"""
        mount -t tmpfs -o size=5m tmpfs {mnt} || exit 99
        {BIN} run configs/baseline.yaml -o {mnt}/out.h5 --threads 2 {small}; echo "run=$?"
        ls {mnt}; echo listed
        mount -o remount,size=64m {mnt}
        {BIN} resume {mnt}/out.h5 --threads 2 --quiet; echo "resume=$?"
        cp {mnt}/out.h5 {tmp_path}/resumed.h5
    """)
    assert "run=3" in r.stdout, (r.stdout, r.stderr)
    assert "No space left on device" in r.stderr, r.stderr
    assert "`corridor resume" in r.stderr, "the message says the checkpoint is kept"
    listed = r.stdout.split("run=3")[1].split("listed")[0].split()
    assert listed == ["out.h5.ckpt"], f"only the checkpoint is left: {listed}"
    assert "resume=0" in r.stdout, (r.stdout, r.stderr)
    assert_same_datasets(reference, tmp_path / "resumed.h5")


def test_full_disk_without_room_for_a_checkpoint(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    no_ckpt = " ".join(small(0))
    r = namespace_shell(f"""
        mount -t tmpfs -o size=400k tmpfs {mnt} || exit 99
        {BIN} run configs/baseline.yaml -o {mnt}/out.h5 {no_ckpt}
        echo "run=$?"; ls -A {mnt}; echo listed
    """)
    assert "run=3" in r.stdout and "No space left on device" in r.stderr, (r.stdout, r.stderr)
    assert r.stdout.split("run=3")[1].split() == ["listed"], "nothing is left on the disk"


def test_unwritable_directory_exits_2_before_the_run(tmp_path):
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
        r = run_small(d / "out.h5")
        out = r.returncode, r.stderr
    else:  # root may write anywhere: a read-only file system stops it
        mnt = tmp_path / "ro"
        mnt.mkdir()
        r = namespace_shell(f"""
            mount -t tmpfs -o ro,size=1m tmpfs {mnt} || exit 99
            {BIN} run configs/baseline.yaml -o {mnt}/out.h5 {" ".join(SMALL)}
        """)
        out = r.returncode, r.stderr
    assert out[0] == 2, out
    assert "cannot write in the output directory" in out[1] and "'-o'" in out[1], out
