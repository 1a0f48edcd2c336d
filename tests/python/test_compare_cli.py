"""compare_cli and `corridor compare`: CSV, one PNG per outcome, an HTML report, exit codes."""
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

import corridor_analysis as ca
from corridor_analysis.compare_cli import main

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["outcome", "period", "base_mean", "scenario_mean", "diff_mean", "diff_lo", "diff_hi",
            "diff_pct", "units"]


def _cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "analysis"), MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", "corridor_analysis.compare_cli", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd)


def _by_year(rows):
    return rows.set_index(rows["period"].dt.year)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.imgs.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text.append(data)


def _check_outputs(out: Path, outcomes):
    diff = pd.read_csv(out / "differences.csv", parse_dates=["period"])
    assert set(REQUIRED) <= set(diff.columns)
    assert set(diff["outcome"]) == set(outcomes)
    for o in outcomes:
        png = out / f"{o}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", o
    page = _Page()
    html = (out / "report.html").read_text(encoding="utf-8")
    page.feed(html)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert {"table", "img", "html", "body"} <= set(page.tags)
    assert sorted(page.imgs) == sorted(f"{o}.png" for o in outcomes)  # relative links
    for src in page.imgs:
        assert not os.path.isabs(src) and (out / src).is_file()
    return diff, " ".join(page.text)


def test_cli_with_files_and_globs(visa_runs, tmp_path):
    runs = visa_runs["base"][0].parent
    out = tmp_path / "report"
    r = _cli(runs / "visa_base_s*.h5", runs / "visa_scen_s*.h5", "-o", out)
    assert r.returncode == 0, r.stderr
    diff, text = _check_outputs(out, list(ca.HEADLINE))
    assert (diff["n"] == 2).all() and (diff["scenario"] == "no_visa_free").all()
    for outcome in ("arrivals_tourist", "arrivals_business"):
        rows = _by_year(diff[diff["outcome"] == outcome])
        assert (rows.loc[2013:2022, "diff_mean"] == 0).all()
        assert (rows.loc[2024:2025, "diff_mean"] < 0).all()
        assert (rows.loc[2024:2025, "diff_hi"] < 0).all()
    assert "no_visa_free" in text and "arrivals_tourist" in text


def test_cli_with_several_scenarios_and_chosen_outcomes(visa_runs, simulate_run, tmp_path):
    fee = simulate_run("configs/scenarios/transit_fee_doubled.yaml", tmp_path / "fee.h5", 1,
                       "firms.count=2000", "run.end=2025-12-31")
    out = tmp_path / "multi"
    rc = main([str(visa_runs["base"][0]), str(visa_runs["scenario"][0]), str(fee), "-o", str(out),
               "--outcomes", "arrivals_tourist,transit_fee_revenue_usd", "--band", "range"])
    assert rc == 0
    diff, _ = _check_outputs(out, ["arrivals_tourist", "transit_fee_revenue_usd"])
    assert set(diff["scenario"]) == {"no_visa_free", "transit_fee_doubled"}
    assert (diff["band"] == "range95").all()
    fee_rows = _by_year(diff[(diff["scenario"] == "transit_fee_doubled") &
                             (diff["outcome"] == "transit_fee_revenue_usd")])
    assert (fee_rows.loc[2013:2024, "diff_mean"] == 0).all()
    assert fee_rows.loc[2025, "diff_mean"] > 0
    visa_fee = diff[(diff["scenario"] == "no_visa_free") & (diff["outcome"] == "transit_fee_revenue_usd")]
    assert len(visa_fee) == 13


def test_cli_runs_replicates_itself(corridor, tmp_path):
    out = tmp_path / "reps"
    rc = main(["--replicates", "2", "--base-config", str(ROOT / "configs/baseline.yaml"),
               "--scenario-config", str(ROOT / "configs/scenarios/transit_fee_doubled.yaml"),
               "--set", "firms.count=1000", "--set", "run.start=2024-01-01",
               "--set", "run.end=2025-12-31", "--corridor-bin", corridor, "-o", str(out)])
    assert rc == 0
    names = sorted(p.name for p in (out / "runs").glob("*.h5"))
    assert names == ["base_baseline_s1.h5", "base_baseline_s2.h5",
                     "transit_fee_doubled_s1.h5", "transit_fee_doubled_s2.h5"]
    assert [ca.open_run(out / "runs" / n).attrs["seed"] for n in names] == [1, 2, 1, 2]
    diff, _ = _check_outputs(out, list(ca.HEADLINE))
    fee = _by_year(diff[diff["outcome"] == "transit_fee_revenue_usd"])
    assert list(fee.index) == [2024, 2025] and (fee["n"] == 2).all()
    assert fee.loc[2024, "diff_mean"] == 0
    assert fee.loc[2025, "diff_mean"] > 0 and fee.loc[2025, "diff_pct"] > 50


def test_cli_exit_code_2_for_bad_inputs(short_run, tmp_path, capsys):
    r = _cli(short_run, tmp_path / "missing.h5", "-o", tmp_path / "o1")
    assert r.returncode == 2
    assert "missing.h5: no such output file" in r.stderr
    assert not (tmp_path / "o1" / "differences.csv").exists()

    partial = tmp_path / "partial.h5"
    shutil.copy(short_run, partial)
    with h5py.File(partial, "r+") as f:
        f.attrs["complete"] = np.int64(0)
    assert main([str(short_run), str(partial), "-o", str(tmp_path / "o2")]) == 2
    assert "did not finish" in capsys.readouterr().err

    assert main([str(short_run), "-o", str(tmp_path / "o3")]) == 2
    assert "at least one SCENARIO" in capsys.readouterr().err
    assert main([str(tmp_path / "none_*.h5"), str(short_run), "-o", str(tmp_path / "o4")]) == 2
    assert "no files match" in capsys.readouterr().err
    assert main(["--replicates", "2", "--base-config", "configs/baseline.yaml", "-o",
                 str(tmp_path / "o5")]) == 2
    assert "needs --base-config and --scenario-config" in capsys.readouterr().err
    assert main(["--replicates", "1", "--base-config", str(tmp_path / "nope.yaml"),
                 "--scenario-config", "configs/scenarios/no_visa_free.yaml", "-o", str(tmp_path / "o6")]) == 2
    assert "nope.yaml: no such config file" in capsys.readouterr().err
    assert main([str(short_run), str(short_run), "--outcomes", "nonsense", "-o", str(tmp_path / "o7")]) == 2
    assert "unknown outcome" in capsys.readouterr().err


def test_cli_reports_a_simulator_failure(corridor, tmp_path, capsys):
    rc = main(["--base-config", str(ROOT / "configs/baseline.yaml"), "--scenario-config",
               str(ROOT / "configs/scenarios/no_visa_free.yaml"), "--set", "bogus.key=1",
               "--corridor-bin", corridor, "-o", str(tmp_path / "fail")])
    assert rc == 1
    assert "unknown key" in capsys.readouterr().err


def test_corridor_compare_subcommand_runs_this_module(corridor, visa_runs, tmp_path):
    out = tmp_path / "via_binary"
    r = subprocess.run([corridor, "compare", str(visa_runs["base"][0]), str(visa_runs["scenario"][0]),
                        "-o", str(out), "--outcomes", "arrivals_business"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    diff, _ = _check_outputs(out, ["arrivals_business"])
    assert diff.loc[diff["period"].dt.year == 2024, "diff_mean"].iloc[0] < 0
    r = subprocess.run([corridor, "compare", str(tmp_path / "absent.h5"), str(visa_runs["base"][0]),
                        "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "no such output file" in r.stderr


def test_report_summary_and_page(visa_runs, tmp_path):
    from corridor_analysis.report import summary

    diff = ca.compare(visa_runs["base"], visa_runs["scenario"],
                      outcomes=["arrivals_tourist", "transit_fee_revenue_usd"])
    s = summary(diff).set_index("outcome")
    tourist = s.loc["arrivals_tourist"]
    assert tourist["final period"] == "2025-01-01"
    last = diff[(diff["outcome"] == "arrivals_tourist")].iloc[-1]
    assert tourist["diff"] == last["diff_mean"] and tourist["diff %"] == last["diff_pct"]
    peak = diff[diff["outcome"] == "arrivals_tourist"].loc[lambda d: d["diff_mean"].abs().idxmax()]
    assert tourist["largest diff period"] == str(peak["period"].date())
    page = ca.write_report(diff, tmp_path / "r", {}, {"base": [{"path": str(visa_runs["base"][0]), "seed": 1}]},
                           title="visa <test>")
    html = page.read_text(encoding="utf-8")
    assert "<title>visa &lt;test&gt;</title>" in html  # escaped, so the page stays well formed
    assert "visa_base_s1.h5" in html
    same = summary(ca.compare(visa_runs["base"][0], visa_runs["base"][0], outcomes=["jobs_transit"]))
    assert same["largest diff period"].iloc[0] == "" and same["largest diff"].iloc[0] == 0
