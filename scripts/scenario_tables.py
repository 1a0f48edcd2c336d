#!/usr/bin/python3
"""Fill the effect tables of docs/SCENARIOS.md from paired scenario runs.

    scripts/scenario_tables.py RUNS_DIR [docs/SCENARIOS.md]

RUNS_DIR holds base_baseline_s{seed}.h5 and <scenario>_s{seed}.h5 (as written by
`corridor compare --replicates N ... -o DIR`, in DIR/runs). Each table row under a
"## <scenario>" heading names an outcome and a year; the script writes baseline and
scenario means, the mean paired difference, the difference in % of the baseline and the
range of paired differences over seeds. Rows whose outcome it does not know are left as
they are (and listed on stderr).
"""
import re
import sys
from pathlib import Path

import numpy as np
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analysis"))


def annual(path):
    return xr.open_dataset(path, engine="h5netcdf", group="annual")


def events(path):
    return xr.open_dataset(path, engine="h5netcdf", group="events")


def kz_transit(a):
    return a.transit_teu.sel(corridor=["northern", "middle", "southern"]).sum("corridor")


# label in the table -> function of the annual dataset giving a yearly series
EXTRACT = {
    "arrivals, tourist (both directions)": lambda a: a.arrivals.sel(purpose="tourist").sum("traveller_origin"),
    "arrivals, business (both directions)": lambda a: a.arrivals.sel(purpose="business").sum("traveller_origin"),
    "arrivals, CN tourist": lambda a: a.arrivals.sel(purpose="tourist", traveller_origin="CN"),
    "arrivals, KZ tourist": lambda a: a.arrivals.sel(purpose="tourist", traveller_origin="KZ"),
    "arrivals, CN business": lambda a: a.arrivals.sel(purpose="business", traveller_origin="CN"),
    "bilateral_trade_usd": lambda a: a.bilateral_trade_usd,
    "border_capacity_teu, khorgos": lambda a: a.border_capacity_teu.sel(crossing="khorgos"),
    "border_queue_days, dostyk": lambda a: a.border_queue_days.sel(crossing="dostyk"),
    "border_queue_days, khorgos": lambda a: a.border_queue_days.sel(crossing="khorgos"),
    "border_queue_teu, khorgos": lambda a: a.border_queue_teu.sel(crossing="khorgos"),
    "border_throughput_teu, khorgos": lambda a: a.border_throughput_teu.sel(crossing="khorgos"),
    "exports_usd, CN → EU": lambda a: a.exports_usd.sel(origin="CN", destination="EU"),
    "exports_usd, CN → KZ": lambda a: a.exports_usd.sel(origin="CN", destination="KZ"),
    "rail_subsidy_usd": lambda a: a.rail_subsidy_usd,
    "fdi_usd": lambda a: a.fdi_usd,
    "infrastructure_investment_usd": lambda a: a.infrastructure_investment_usd,
    "jobs_tourism": lambda a: a.jobs_tourism,
    "jobs_transit": lambda a: a.jobs_transit,
    "kz_handled_teu": lambda a: a.kz_handled_teu,
    "output_usd, KZ tourism": lambda a: a.output_usd.sel(firm_country="KZ", sector="tourism"),
    "partnerships_cnkz": lambda a: a.partnerships_cnkz,
    "rmb_settlement_share": lambda a: a.rmb_settlement_share,
    "settled_cnkz_usd, CNY": lambda a: a.settled_cnkz_usd.sel(currency="CNY"),
    "settlement_expected_cost_bp": lambda a: a.settlement_expected_cost_bp,
    "tourist_spending_usd": lambda a: a.tourist_spending_usd,
    "transit TEU through KZ (northern + middle + southern)": kz_transit,
    "transit_fee_revenue_usd": lambda a: a.transit_fee_revenue_usd,
    "transit_teu, maritime": lambda a: a.transit_teu.sel(corridor="maritime"),
    "transit_teu, northern": lambda a: a.transit_teu.sel(corridor="northern"),
    "transit_teu, middle": lambda a: a.transit_teu.sel(corridor="middle"),
}


def value(ds, label, year):
    if label.startswith("investor expansions at Khorgos"):
        ev = ds
        names = [str(n) for n, k in zip(ev.name.values, ev.kind.values) if k == "project_started"]
        return float(sum(n.startswith("expand_khorgos") for n in names))
    series = EXTRACT[label](ds)
    return float(series.sel(time=series.time.dt.year == int(year)).values[0])


def fmt(x, units):
    if not np.isfinite(x):
        return "n/a"
    if units == "share":
        return f"{x:.4f}"
    if abs(x) >= 1e9:
        return f"{x / 1e9:,.2f} bn"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f} m"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.2f}"


def main():
    runs = Path(sys.argv[1])
    doc = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/SCENARIOS.md")
    seeds = sorted(int(p.stem.rsplit("_s", 1)[1]) for p in runs.glob("base_baseline_s*.h5"))
    cache = {}

    def load(name, seed, kind):
        key = (name, seed, kind)
        if key not in cache:
            path = runs / (f"base_baseline_s{seed}.h5" if name == "baseline" else f"{name}_s{seed}.h5")
            cache[key] = events(path) if kind == "events" else annual(path)
        return cache[key]

    scenario = None
    out = []
    for line in doc.read_text().splitlines():
        m = re.match(r"^## (\w+)\s*$", line)
        if m:
            scenario = m.group(1)
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| ") else []
        if scenario and len(cells) == 8 and cells[3] == "TBD":
            label, units, year = cells[0], cells[1], cells[2]
            kind = "events" if label.startswith("investor expansions") else "annual"
            if label not in EXTRACT and kind == "annual":
                print(f"unknown outcome: {label}", file=sys.stderr)
                out.append(line)
                continue
            yr = year.split("–")[-1]
            base = np.array([value(load("baseline", s, kind), label, yr) for s in seeds])
            scen = np.array([value(load(scenario, s, kind), label, yr) for s in seeds])
            diff = scen - base
            pct = 100 * diff.mean() / base.mean() if base.mean() else float("nan")
            cells[3:8] = [fmt(base.mean(), units), fmt(scen.mean(), units), fmt(diff.mean(), units),
                          f"{pct:+.1f}%" if np.isfinite(pct) else "n/a",
                          f"[{fmt(diff.min(), units)}, {fmt(diff.max(), units)}]"]
            line = "| " + " | ".join(cells) + " |"
        out.append(line)
    doc.write_text("\n".join(out) + "\n")
    print(f"filled tables from {len(seeds)} seeds per side: {seeds}")


if __name__ == "__main__":
    main()
