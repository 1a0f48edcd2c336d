"""corridor validate: simulated against observed per series and year, with error metrics.

    python3 -m corridor_analysis.validate_cli RUN.h5 [RUN2.h5 ...] [-o DIR]
    python3 -m corridor_analysis.validate_cli SWEEP_DIR [--scenario NAME] [--point N] [-o DIR]

Several run files are replicates of one configuration (a quoted glob works too). Prints the
table per series and a summary; writes DIR/validation.csv (every observed row, compared or
not), DIR/validation_summary.csv and DIR/<series>.png per mapped series. DIR defaults to
the input's name plus _validation beside it (results/baseline.h5 ->
results/baseline_validation/).
Exit status: 0 done, 2 bad arguments or a missing, incomplete or mismatched input.
"""
from __future__ import annotations

import argparse
import glob
import math
import os
import sys
from pathlib import Path

import matplotlib

EXIT_INPUT = 2
PROG = "corridor validate"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 as well; keep one message style
        self.print_usage(sys.stderr)
        print(f"{PROG}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_INPUT)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=(
        "Simulated (mean and band over replicates) against observed data per series and "
        "year, with percentage errors, MAPE, direction of year-on-year changes and a figure "
        "per series. The mapping from output series to observed series is "
        "configs/data/moments.yaml."))
    p.add_argument("sources", nargs="+", metavar="RUN.h5|DIR",
                   help="a run file, several run files of one configuration (replicates; a "
                        "quoted glob works), or a sweep directory")
    p.add_argument("--observed", metavar="FILE", help="observed data (default "
                   "configs/data/observed.csv)")
    p.add_argument("--moments", metavar="FILE", help="how observed series are computed from "
                   "runs (default configs/data/moments.yaml)")
    p.add_argument("--scenario", metavar="NAME", help="the scenario of a sweep directory")
    p.add_argument("--point", type=int, metavar="N", help="the design point of a sweep "
                   "directory, when it has several")
    p.add_argument("--years", metavar="Y0-Y1", help="compare only these years (2015-2022 or "
                   "2015,2016,...); the others are listed as not comparable")
    p.add_argument("-o", "--output", metavar="DIR", help="output folder (default: beside the "
                   "input, named after it with _validation)")
    return p


def _expand(args_sources) -> list:
    from .validation import ValidationError

    out = []
    for a in args_sources:
        if any(ch in a for ch in "*?[") and not Path(a).exists():
            hits = sorted(glob.glob(a))
            if not hits:
                raise ValidationError(f"{a}: no files match")
            out += [Path(h) for h in hits]
        else:
            out.append(Path(a))
    dirs = [p for p in out if p.is_dir()]
    if dirs and len(out) > 1:
        raise ValidationError(f"{dirs[0]}: give one sweep directory, or run files only")
    return out


def _default_output(sources: list, scenario) -> Path:
    from .validation import ValidationError

    if len(sources) > 1:
        raise ValidationError("several run files: name the output folder with -o DIR")
    p = sources[0]
    if p.name in ("index.h5", "index.csv"):
        p = p.parent
    p = Path(os.path.abspath(p))
    stem = p.name if p.is_dir() else p.stem
    if scenario:
        stem += f"_{scenario}"
    return p.parent / f"{stem}_validation"


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    v = float(v)
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def _aligned(header: list, rows: list, left: int = 1) -> list:
    """Text lines with the first ``left`` columns left-aligned and the others right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        parts = [str(c).ljust(w) if k < left else str(c).rjust(w)
                 for k, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return [line(header)] + [line(r) for r in rows]


def format_table(table) -> str:
    """The validation table as text: per series its compared years, then the summary."""
    import pandas as pd

    from .validation import NO_MAPPING

    lines = []
    summary = table.attrs.get("summary")
    n = int(table["n"].max()) if len(table) else 0
    for series, g in table.groupby("series", sort=True):
        model = g["model"].iloc[0]
        if not model:
            continue
        comp = g[g["comparable"].astype(bool)]
        lines.append(f"{series} [{g['unit'].iloc[0]}] = {model}"
                     + ("  (* observed outside the min-max band)" if n > 1 else ""))
        if len(comp):
            header = ["  year", "observed", "simulated"]
            if n > 1:
                header.append("min-max")
            if comp["sim_p05"].notna().any():
                header.append("90% interval")
            header += ["error %", "direction"]
            rows = []
            for r in comp.itertuples(index=False):
                cells = [f"  {r.year}", _fmt(r.observed), _fmt(r.simulated)]
                if n > 1:
                    cells.append(f"{_fmt(r.sim_min)}-{_fmt(r.sim_max)}"
                                 + ("" if r.in_band else " *"))
                if "90% interval" in header:
                    cells.append(f"{_fmt(r.sim_p05)}-{_fmt(r.sim_p95)}")
                cells += [f"{r.error_pct:+.1f}" if math.isfinite(r.error_pct) else "",
                          r.direction]
                rows.append(cells)
            lines += _aligned(header, rows)
        skipped = g[~g["comparable"].astype(bool)]
        if len(skipped):
            by_reason: dict = {}
            for r in skipped.itertuples(index=False):
                by_reason.setdefault(r.reason, []).append(str(r.year))
            lines.append("  not compared: " + "; ".join(
                f"{', '.join(ys)} ({why})" for why, ys in by_reason.items()))
        lines.append("")
    unmapped = sorted(table.loc[table["reason"] == NO_MAPPING, "series"].unique())
    if unmapped:
        lines.append(f"not comparable ({NO_MAPPING}): {', '.join(unmapped)}")
        lines.append("")
    if summary is not None and len(summary):
        s = summary[summary["model"] != ""]
        header = ["series", "years", "MAPE %", "bias %", "direction"]
        has_band = s["years_in_band"].notna().any()
        if has_band:
            header.append("in band")
        has_interval = s["years_in_interval90"].notna().any()
        if has_interval:
            header.append("in 90%")
        rows = []
        for r in s.itertuples(index=False):
            cells = [r.series, str(r.years_compared),
                     f"{r.mape_pct:.1f}" if math.isfinite(r.mape_pct) else "",
                     f"{r.bias_pct:+.1f}" if math.isfinite(r.bias_pct) else "",
                     f"{r.direction_right}/{r.direction_changes}" if r.direction_changes else ""]
            if has_band:
                cells.append("" if pd.isna(r.years_in_band) else
                             f"{r.years_in_band}/{r.years_compared}")
            if has_interval:
                cells.append("" if pd.isna(r.years_in_interval90) else
                             f"{r.years_in_interval90}/{r.years_compared}")
            rows.append(cells)
        lines.append(f"summary ({n} run{'s' if n != 1 else ''}; error % = 100 x (simulated - "
                     "observed) / observed; MAPE over compared years; direction of year-on-year "
                     "changes between consecutive compared years)")
        lines += _aligned(header, rows)
    return "\n".join(lines)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    matplotlib.use("Agg")  # figures only go to files; never open a window
    import matplotlib.pyplot as plt

    from .tables import to_csv
    from .validation import ValidationError, plot_validation, validate, years_arg

    try:
        sources = _expand(args.sources)
        out_dir = Path(args.output) if args.output else _default_output(sources, args.scenario)
        years = years_arg(args.years) if args.years else None
        source = sources[0] if len(sources) == 1 else sources
        table = validate(source, observed=args.observed, moments=args.moments, years=years,
                         scenario=args.scenario, point=args.point)
    except ValidationError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return EXIT_INPUT

    runs = table.attrs["runs"]
    what = f"{len(runs)} run{'s' if len(runs) != 1 else ''}"
    if table.attrs.get("scenario"):
        what += f" of scenario {table.attrs['scenario']}, point {table.attrs['point']}"
    print(f"{PROG}: {', '.join(map(str, args.sources))} ({what})\n")
    print(format_table(table))

    # Figures are drawn before anything is written, so a failure leaves no partial folder;
    # validation.csv is written last, so its presence means the folder is complete.
    figures = {}
    for series in dict.fromkeys(table.loc[table["model"] != "", "series"]):
        figures[series] = plot_validation(table, series)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for series, fig in figures.items():
            fig.savefig(out_dir / f"{series}.png")
            plt.close(fig)
        to_csv(table.attrs["summary"], out_dir / "validation_summary.csv")
        tmp = out_dir / "validation.csv.tmp"
        to_csv(table, tmp)
        tmp.replace(out_dir / "validation.csv")
    except OSError as e:
        print(f"{PROG}: error: cannot write to {out_dir}: {e}", file=sys.stderr)
        return EXIT_INPUT
    print(f"\nwrote {out_dir / 'validation.csv'}, validation_summary.csv and {len(figures)} "
          f"figure{'s' if len(figures) != 1 else ''} in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
