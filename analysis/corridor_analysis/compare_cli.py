"""corridor compare: differences, figures and an HTML report for scenario runs against a base.

    python3 -m corridor_analysis.compare_cli BASE.h5 SCEN.h5 [SCEN2.h5 ...] -o DIR
    python3 -m corridor_analysis.compare_cli --replicates 3 --base-config configs/baseline.yaml \
        --scenario-config configs/scenarios/no_visa_free.yaml [--set k=v ...] -o DIR

A file argument may be a quoted glob ('runs/base_s*.h5'): its files are replicates of one side.
Writes DIR/differences.csv, DIR/<outcome>.png for each outcome and DIR/report.html.
Exit status: 0 done, 2 bad arguments or a missing/incomplete input, 1 a simulator failure.
"""
from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

import matplotlib

EXIT_INPUT = 2
EXIT_RUN = 1


class InputProblem(Exception):
    """A missing or unusable input: reported with exit status 2."""


def _whole(lo: int, hi: int):
    """argparse type: digits only (int() would take " 5", "+5" and "1_000"), within [lo, hi]."""
    def parse(text: str) -> int:
        if not text.isascii() or not text.isdigit():
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
        v = int(text)
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"value {v} out of range [{lo}, {hi}]")
        return v
    return parse


def _coverage(text: str) -> float:
    """argparse type: a fraction strictly between 0 and 1 (float() would take "nan")."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"value {text} out of range (0, 1)")
    return v


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corridor compare",
        description="Scenario minus base differences per outcome and period, with bands across "
                    "replicates, as CSV, PNG figures and an HTML report.")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="BASE then one or more SCENARIO output files (.h5); quote a glob to give "
                        "several replicates of one side")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    p.add_argument("--replicates", type=_whole(1, 10000), metavar="N",
                   help="run each config N times with seeds 1..N into DIR/runs/ (needs "
                        "--base-config and --scenario-config)")
    p.add_argument("--base-config", metavar="YAML", help="config of the base runs")
    p.add_argument("--scenario-config", action="append", metavar="YAML",
                   help="config of the scenario runs (repeatable)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="sets",
                   help="parameter override for every run (repeatable)")
    p.add_argument("--corridor-bin", metavar="PATH", help="corridor executable to run")
    p.add_argument("--freq", choices=["annual", "monthly"], default="annual")
    p.add_argument("--outcomes", metavar="A,B,...",
                   help="comma-separated outcomes (headline names or variable names); default: "
                        "the headline outcomes")
    p.add_argument("--band", choices=["t", "normal", "percentile", "range"], default="t",
                   help="band on the differences: t (default) or normal = mean +/- quantile x "
                        "s.e. of the paired differences; percentile = their central range; "
                        "range = min to max")
    p.add_argument("--level", type=_coverage, default=0.95,
                   help="band coverage, between 0 and 1 (default 0.95)")
    return p


def _expand(arg: str) -> list:
    if any(ch in arg for ch in "*?["):
        hits = sorted(glob.glob(arg))
        if not hits:
            raise InputProblem(f"{arg}: no files match")
        return [Path(h) for h in hits]
    return [Path(arg)]


def _open_all(paths):
    from .runs import RunFileError, open_run

    out = []
    for p in paths:
        try:
            out.append(open_run(p))
        except (FileNotFoundError, RunFileError) as e:
            raise InputProblem(str(e)) from None
    return out


def _simulate(args, out_dir: Path) -> tuple:
    """Run the base and scenario configs with seeds 1..N; returns (base paths, [scenario paths])."""
    from .runs import config_path, run_replicates

    if not args.base_config or not args.scenario_config:
        raise InputProblem("--replicates needs --base-config and --scenario-config")
    n = 1 if args.replicates is None else args.replicates
    configs = [args.base_config] + list(args.scenario_config)
    for c in configs:
        if not Path(c).is_file():
            try:
                config_path(c)
            except FileNotFoundError:
                raise InputProblem(f"{c}: no such config file") from None
    seeds = list(range(1, n + 1))
    runs_dir = out_dir / "runs"
    names, used = [], set()
    for k, c in enumerate(configs):
        stem = ("base_" if k == 0 else "") + Path(c).stem
        name, j = stem, 2
        while name in used:
            name, j = f"{stem}_{j}", j + 1
        used.add(name)
        names.append(name)
    results = []
    for c, name in zip(configs, names):
        print(f"running {c} x{n} -> {runs_dir}/{name}_s*.h5", file=sys.stderr)
        results.append(run_replicates(c, runs_dir, seeds, sets=args.sets,
                                      corridor_bin=args.corridor_bin, name=name))
    return results[0], results[1:]


def _describe(ds) -> dict:
    return {k: ds.attrs.get(k) for k in ("seed", "description", "corridor_version")} | \
        {"path": ds.attrs.get("source_path", "")}


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    matplotlib.use("Agg")  # report figures only go to files; never open a window
    import matplotlib.pyplot as plt
    import pandas as pd

    from .compare import compare
    from .plots import plot_comparison
    from .report import write_report
    from .runs import run_label
    from .tables import to_csv

    out_dir = Path(args.output)
    try:
        if args.replicates is not None or args.base_config or args.scenario_config:
            if args.files:
                raise InputProblem("give either output files or --base-config/--scenario-config, "
                                   "not both")
            out_dir.mkdir(parents=True, exist_ok=True)
            base_paths, scen_paths = _simulate(args, out_dir)
        else:
            if len(args.files) < 2:
                raise InputProblem("need a BASE file and at least one SCENARIO file "
                                   "(or --replicates with --base-config and --scenario-config)")
            base_paths = _expand(args.files[0])
            scen_paths = [_expand(a) for a in args.files[1:]]
        base = _open_all(base_paths)
        scenarios = [_open_all(p) for p in scen_paths]
    except InputProblem as e:
        print(f"corridor compare: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except RuntimeError as e:
        print(f"corridor compare: error: {e}", file=sys.stderr)
        return EXIT_RUN
    except FileNotFoundError as e:  # no corridor executable
        print(f"corridor compare: error: {e}", file=sys.stderr)
        return EXIT_INPUT

    outcomes = [o.strip() for o in args.outcomes.split(",") if o.strip()] if args.outcomes else None
    frames = []
    names_seen: dict = {}
    try:
        for runs in scenarios:
            name = run_label(runs[0])
            # Two scenario files with the same description still need distinct labels.
            names_seen[name] = names_seen.get(name, 0) + 1
            if names_seen[name] > 1:
                name = f"{name}_{names_seen[name]}"
            frames.append(compare(base, runs, outcomes=outcomes, freq=args.freq, band=args.band,
                                  level=args.level, scenario=name))
    except (KeyError, ValueError) as e:
        print(f"corridor compare: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    diff = pd.concat(frames, ignore_index=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    csv = diff.copy()
    csv["period"] = pd.to_datetime(csv["period"]).dt.strftime("%Y-%m-%d")
    to_csv(csv, out_dir / "differences.csv")
    figures = {}
    for outcome in dict.fromkeys(diff["outcome"]):
        fig = plot_comparison(diff, outcome)
        png = out_dir / f"{outcome}.png"
        fig.savefig(png)
        plt.close(fig)
        figures[outcome] = png
    runs = {"base": [_describe(d) for d in base]}
    for name, r in zip(dict.fromkeys(diff["scenario"]), scenarios):
        runs[name] = [_describe(d) for d in r]
    report = write_report(diff, out_dir, figures, runs)
    print(f"wrote {out_dir / 'differences.csv'}, {len(figures)} figures and {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
