"""A real single-node Slurm cluster (Debian's slurm-wlm and munge) in a temporary
directory: the job-array script and the MPI script of scripts/slurm/ run a small sweep,
and both indexes equal the local one. Every daemon started here is stopped here."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
BASELINE = ROOT / "configs" / "baseline.yaml"
SPEC = f"""\
scenarios: {{baseline: {BASELINE}}}
set: {{firms.count: 600, run.start: 2024-01-01, run.end: 2024-12-31}}
parameters:
  firms.partner_search_rate: {{loguniform: [0.002, 0.008]}}
  travel.visa_fee_usd: {{uniform: [30, 120]}}
design: {{kind: lhs, points: 4}}
replicates: 2
seed: 5
outcomes:
  trade_2024: {{series: bilateral_trade_usd, year: 2024}}
  arrivals_2024: {{series: arrivals, year: 2024}}
"""
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="starts munge and Slurm daemons as root")


def run(*args, **kw):
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, **kw)


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stop(pidfile: Path):
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().split()[0]), 15)
        except (ProcessLookupError, ValueError):
            pass


@pytest.fixture(scope="module")
def cluster():
    for tool in ("munged", "slurmctld", "slurmd", "sbatch"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} not found: scripts/install-deps.sh installs slurm-wlm and munge")
    # World-readable so the munge user reaches its socket; removed at the end.
    tmp = Path(tempfile.mkdtemp(prefix="corridor-slurm-"))
    os.chmod(tmp, 0o755)
    host = socket.gethostname().split(".")[0]
    key = Path("/etc/munge/munge.key")
    if not key.exists():
        key.parent.mkdir(exist_ok=True)
        key.write_bytes(os.urandom(1024))
        shutil.chown(key, "munge", "munge")
        os.chmod(key, 0o400)
    mdir = tmp / "munge"
    mdir.mkdir()
    shutil.chown(mdir, "munge", "munge")
    sock = mdir / "munge.socket"
    r = run("su", "-s", "/bin/sh", "munge", "-c",
            f"/usr/sbin/munged --socket={sock} --pid-file={mdir}/munged.pid "
            f"--log-file={mdir}/munged.log --seed-file={mdir}/munged.seed")
    assert r.returncode == 0, r.stderr
    conf = tmp / "slurm.conf"
    for d in ("state", "spool"):
        (tmp / d).mkdir()
    conf.write_text(f"""\
ClusterName=corridortest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={sock}
CredType=cred/munge
StateSaveLocation={tmp}/state
SlurmdSpoolDir={tmp}/spool
SlurmctldPidFile={tmp}/slurmctld.pid
SlurmdPidFile={tmp}/slurmd.pid
SlurmctldLogFile={tmp}/slurmctld.log
SlurmdLogFile={tmp}/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MpiDefault=none
NodeName={host} CPUs={os.cpu_count()} RealMemory=2000 State=UNKNOWN
PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
""")
    env = dict(os.environ, SLURM_CONF=str(conf))
    try:
        for daemon in ("slurmctld", "slurmd"):
            r = run(f"/usr/sbin/{daemon}", "-f", conf, env=env)
            assert r.returncode == 0, f"{daemon}: {r.stderr}"
        wait_for(lambda: "idle" in run("sinfo", "-h", "-o", "%t", env=env).stdout, 60,
                 "the node to be idle")
        yield tmp, env
    finally:
        for pid in (tmp / "slurmd.pid", tmp / "slurmctld.pid", mdir / "munged.pid"):
            stop(pid)
        time.sleep(1)
        shutil.rmtree(tmp, ignore_errors=True)


def wait_jobs(ids, env, timeout=600):
    wait_for(lambda: run("squeue", "-h", "-j", ",".join(ids), env=env).stdout.strip() == "",
             timeout, f"jobs {ids}")
    for i in ids:
        state = run("sacct", "-n", "-j", i, env=env)
        del state  # accounting is off in this cluster; the index says what ran


@pytest.fixture(scope="module")
def local_index(cluster):
    tmp, _ = cluster
    spec = tmp / "spec.yaml"
    spec.write_text(SPEC)
    r = run(BIN, "sweep", spec, "-o", tmp / "local", "--jobs", "2", "--quiet", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return spec, (tmp / "local" / "index.csv").read_text()


def test_job_array_script(cluster, local_index):
    tmp, env = cluster
    spec, expected = local_index
    out = tmp / "array"
    r = run(ROOT / "scripts/slurm/submit_array.sh", spec, out, 3, f"--chdir={tmp}",
            "--cpus-per-task=1", env=dict(env, CORRIDOR=BIN), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    ids = r.stdout.split()
    assert len(ids) == 2
    wait_jobs(ids, env)
    assert (out / "index.csv").read_text() == expected
    logs = list(tmp.glob("corridor-sweep-*.log"))
    assert len(logs) == 3, "one log per array task"


def test_mpi_script(cluster, local_index):
    tmp, env = cluster
    spec, expected = local_index
    out = tmp / "mpi"
    r = run("sbatch", "--parsable", f"--chdir={tmp}", "--ntasks=2",
            ROOT / "scripts/slurm/sweep_mpi.sbatch",
            env=dict(env, CORRIDOR=BIN, SPEC=str(spec), OUT=str(out)), cwd=ROOT)
    assert r.returncode == 0, r.stderr
    wait_jobs([r.stdout.strip()], env)
    log = next(tmp.glob("corridor-sweep-mpi-*.log"), None)
    assert (out / "index.csv").exists(), log.read_text() if log else "no log"
    assert (out / "index.csv").read_text() == expected
    ranks = {line.split(",")[3] for line in (out / "timing.csv").read_text().splitlines()[1:]}
    assert ranks == {"0", "1"}, "both MPI ranks ran runs"
