"""A one-page HTML report of a comparison: summary table, figures, full table."""
from __future__ import annotations

import datetime as _dt
import html
import os
from pathlib import Path

import numpy as np
import pandas as pd

_CSS = """
body { font-family: sans-serif; margin: 2em; max-width: 1100px; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th { background: #f0f0f0; }
td.text, th.text { text-align: left; }
td.neg { color: #b00; } td.pos { color: #070; }
figure { display: inline-block; margin: 0.5em; } img { max-width: 520px; }
figcaption { font-size: 0.8em; color: #555; }
"""


def _num(v, digits=4) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    a = abs(float(v))
    if a != 0 and (a >= 1e13 or a < 1e-3):
        return f"{float(v):.{digits - 1}e}"
    # Whole numbers with thousands separators read better than exponents for persons and USD.
    return f"{float(v):,.{digits}g}" if a < 1e4 else f"{float(v):,.0f}"


def _table(df: pd.DataFrame, text_cols=(), sign_cols=()) -> str:
    head = "".join(f'<th class="{"text" if c in text_cols else ""}">{html.escape(str(c))}</th>'
                   for c in df.columns)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            if c in text_cols:
                cells.append(f'<td class="text">{html.escape(str(v))}</td>')
                continue
            cls = ""
            if c in sign_cols and isinstance(v, (float, int, np.floating)) and np.isfinite(v) and v != 0:
                cls = "neg" if v < 0 else "pos"
            cells.append(f'<td class="{cls}">{html.escape(_num(v))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def summary(diff: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and outcome: the final period, and the period of the largest mean change."""
    rows = []
    for (scen, outcome), d in diff.groupby(["scenario", "outcome"], sort=False):
        d = d.sort_values("period")
        last = d.iloc[-1]
        absd = d["diff_mean"].abs()
        peak = d.loc[absd.idxmax()] if absd.notna().any() and absd.max() > 0 else None
        rows.append({
            "scenario": scen, "outcome": outcome, "units": last["units"],
            "final period": pd.Timestamp(last["period"]).date().isoformat(),
            "base": last["base_mean"], "scenario value": last["scenario_mean"],
            "diff": last["diff_mean"], "diff lo": last["diff_lo"], "diff hi": last["diff_hi"],
            "diff %": last["diff_pct"],
            "largest diff period": "" if peak is None else pd.Timestamp(peak["period"]).date().isoformat(),
            "largest diff": 0.0 if peak is None else peak["diff_mean"],
        })
    return pd.DataFrame(rows)


def write_report(diff: pd.DataFrame, out_dir, figures: dict, runs: dict, title: str | None = None) -> Path:
    """Write OUT_DIR/report.html.

    figures: outcome -> PNG path (linked relative to OUT_DIR so the folder can be moved).
    runs: side name ("base", scenario names) -> list of run descriptions (dicts with path,
    seed, description, corridor_version).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scen = ", ".join(dict.fromkeys(diff["scenario"]))
    title = title or f"corridor comparison: {scen} vs base"
    band = str(diff["band"].iloc[0]) if len(diff) else ""
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>",
             f"<p>Generated {html.escape(_dt.datetime.now().isoformat(timespec='seconds'))}. "
             f"Differences are scenario minus base, paired by seed; band {html.escape(band)} "
             "(t or normal: mean &plusmn; quantile &times; standard error of the paired "
             "differences; percentile: their central range; range: min to max). Shaded bands "
             "around levels are the min&ndash;max over replicates. Full numbers: "
             "<a href='differences.csv'>differences.csv</a>.</p>"]
    run_rows = []
    for side, items in runs.items():
        for r in items:
            run_rows.append({"side": side, "file": os.path.relpath(r.get("path", ""), out)
                             if r.get("path") else "", "seed": r.get("seed"),
                             "description": r.get("description", ""),
                             "version": r.get("corridor_version", "")})
    if run_rows:
        parts.append("<h2>Runs</h2>")
        parts.append(_table(pd.DataFrame(run_rows), text_cols=("side", "file", "description", "version")))
    parts.append("<h2>Summary</h2>")
    parts.append(_table(summary(diff), text_cols=("scenario", "outcome", "units", "final period",
                                                  "largest diff period"),
                        sign_cols=("diff", "diff %", "largest diff")))
    parts.append("<h2>Figures</h2><div>")
    for outcome, png in figures.items():
        rel = os.path.relpath(png, out).replace(os.sep, "/")
        parts.append(f"<figure><img src='{html.escape(rel)}' alt='{html.escape(outcome)}'>"
                     f"<figcaption>{html.escape(outcome)}</figcaption></figure>")
    parts.append("</div><h2>All periods</h2><details><summary>show the full table</summary>")
    full = diff.drop(columns=["label", "band"]).copy()
    full["period"] = pd.to_datetime(full["period"]).dt.date.astype(str)
    parts.append(_table(full, text_cols=("scenario", "outcome", "period", "units"),
                        sign_cols=("diff_mean",)))
    parts.append("</details></body></html>\n")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
