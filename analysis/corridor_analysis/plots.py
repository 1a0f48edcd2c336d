"""Figures. Those of one run take the daily dataset from :func:`open_run` (or an
annual/monthly one where noted); plot_comparison takes :func:`compare` output; the sweep
figures (plot_sobol, plot_rank_correlations, plot_sweep_scatter) take the tables of
:mod:`corridor_analysis.sweeps` and :mod:`corridor_analysis.sensitivity`. Each returns a
matplotlib Figure.

pyplot creates the figures so that notebooks show them inline; scripts that make many should
close them (compare_cli does). Nothing here selects a backend, so headless use works with
Agg (matplotlib falls back to it without a display, or set MPLBACKEND=Agg).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from .aggregate import at_frequency
from .params import ParamsError, run_parameters
from .tables import observed

FIGSIZE = (8, 4.5)
CORRIDOR_COLOURS = {"northern": "#1f77b4", "middle": "#2ca02c", "southern": "#ff7f0e",
                    "maritime": "#17becf"}
COUNTRY_COLOURS = {"CN": "#d62728", "KZ": "#1f77b4", "EU": "#9467bd", "AZ": "#2ca02c",
                   "UZ": "#ff7f0e", "IR": "#8c564b"}
CURRENCY_COLOURS = {"USD": "#2ca02c", "CNY": "#d62728", "KZT": "#1f77b4"}
MODE_STYLES = {"rail": "-", "road": "--", "sea": ":", "pipeline": "-."}


def _title(ax, text, ds):
    label = str(ds.attrs.get("description", "")).split(" - ")[0]
    ax.set_title(f"{text}" + (f" ({label}, seed {ds.attrs.get('seed')})" if label else ""), fontsize=10)


def _years(da) -> np.ndarray:
    return pd.DatetimeIndex(da["time"].values).year.to_numpy()


def _complete_periods(ds, freq: str) -> np.ndarray:
    """True for periods the run covers entirely; a partial last year would read as a slump."""
    if ds.attrs.get("frequency", "daily") != "daily":
        return np.ones(ds.sizes["time"], dtype=bool)
    rule = {"annual": "YS", "monthly": "MS"}[freq]
    t = pd.DatetimeIndex(ds["time"].values)
    counts = pd.Series(1, index=t).resample(rule).sum()
    starts = pd.DatetimeIndex(counts.index)
    full = starts.days_in_month if freq == "monthly" else np.where(starts.is_leap_year, 366, 365)
    days = counts.to_numpy()
    return days >= full


def _policy_dates(ds) -> dict:
    """Dates of the policy levers in force in this run, from its resolved parameters."""
    try:
        pol = run_parameters(ds).get("policy") or {}
    except (KeyError, ParamsError):
        return {}
    out = {}
    vf = pol.get("visa_free") or {}
    starts = [v.get("start") for v in vf.values() if isinstance(v, dict) and v.get("start")]
    if starts:
        out["visa exemption"] = pd.Timestamp(min(starts))
    rc = pol.get("rmb_clearing") or {}
    if isinstance(rc, dict) and rc.get("start"):
        out["RMB clearing"] = pd.Timestamp(rc["start"])
    for name, ty in (pol.get("tourism_year") or {}).items():
        if isinstance(ty, dict) and ty.get("start"):
            out[f"tourism year ({name.replace('_', ' ')})"] = (pd.Timestamp(ty["start"]),
                                                             pd.Timestamp(ty.get("end") or ty["start"]))
    return out


def _mark_policies(ax, ds, which, t0, t1):
    for label, when in _policy_dates(ds).items():
        if not any(w in label for w in which):
            continue
        if isinstance(when, tuple):
            if when[1] >= t0 and when[0] <= t1:
                ax.axvspan(when[0], when[1], color="gold", alpha=0.2, label=label)
        elif t0 <= when <= t1:
            ax.axvline(when, color="k", ls=":", lw=1, label=label)


def plot_trade(ds, observed_series=("bilateral_trade_cn_side", "bilateral_trade_kz_side")):
    """Annual China-Kazakhstan trade (USD bn) with observed values overlaid."""
    a = at_frequency(ds, "annual")
    full = _complete_periods(ds, "annual")
    years = _years(a)
    trade = a["bilateral_trade_usd"].values / 1e9
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    ax.plot(years[full], trade[full], "-o", color="#1f77b4", ms=4, label="simulated")
    if (~full).any():
        ax.plot(years[~full], trade[~full], "o", mfc="none", color="#1f77b4",
                label="simulated, partial year")
    obs = observed()
    markers = ["s", "D", "^", "v"]
    for k, series in enumerate(observed_series):
        o = obs[(obs["series"] == series) & (obs["year"] >= years.min() - 1) &
                (obs["year"] <= years.max())]
        if len(o):
            ax.plot(o["year"], o["value"], markers[k % len(markers)], color="#d62728" if k == 0 else "#ff7f0e",
                    ls="none", ms=6, label=f"observed: {series.replace('bilateral_trade_', '')}")
    ax.set_ylabel("USD bn per year")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2012.5
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _title(ax, "China-Kazakhstan goods trade", ds)
    fig.tight_layout()
    return fig


def plot_route_shares(ds):
    """Annual shares of China-third-country containers by corridor."""
    a = at_frequency(ds, "annual")
    teu = a["transit_teu"]
    total = teu.sum("corridor")
    share = (teu / total.where(total > 0)).fillna(0.0) * 100
    years = _years(a)
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    names = [str(c) for c in teu["corridor"].values]
    ax.stackplot(years, *[share.sel(corridor=c).values for c in names], labels=names,
                 colors=[CORRIDOR_COLOURS.get(c, None) for c in names], alpha=0.85)
    ax.set_ylim(0, 100)
    ax.set_xlim(years.min(), years.max() if len(years) > 1 else years.min() + 1)
    ax.set_ylabel("% of China-third-country TEU")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2012.5
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    _title(ax, "route shares by corridor", ds)
    fig.tight_layout()
    return fig


def plot_border_queues(ds, crossings=None):
    """Monthly mean queue-plus-processing days and queued TEU at each crossing with capacity."""
    m = at_frequency(ds, "monthly")
    if crossings is None:
        cap = m["border_capacity_teu"].max("time")
        crossings = [str(c) for c in m["crossing"].values if float(cap.sel(crossing=c)) > 0]
    t = pd.DatetimeIndex(m["time"].values)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=FIGSIZE, dpi=100, sharex=True)
    for c in crossings:
        ax1.plot(t, m["border_queue_days"].sel(crossing=c).values, lw=1.2, label=c)
        ax2.plot(t, m["border_queue_teu"].sel(crossing=c).values / 1e3, lw=1.2, label=c)
    ax1.set_ylabel("days (queue + processing)")
    ax2.set_ylabel("queued TEU, thousands")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    ax1.legend(loc="center left", bbox_to_anchor=(1.0, 0.0), fontsize=8)
    _title(ax1, "border queues (monthly means)", ds)
    fig.tight_layout()
    return fig


def plot_arrivals(ds):
    """Monthly arrivals by traveller origin and purpose, with the visa exemption and tourism
    year marked."""
    m = at_frequency(ds, "monthly")
    t = pd.DatetimeIndex(m["time"].values)
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    styles = {"business": "-", "tourist": "--"}
    for o in m["traveller_origin"].values:
        for p in m["purpose"].values:
            ax.plot(t, m["arrivals"].sel(traveller_origin=o, purpose=p).values / 1e3,
                    styles.get(str(p), "-"), color=COUNTRY_COLOURS.get(str(o)),
                    label=f"from {o}, {p}")
    _mark_policies(ax, ds, ("visa", "tourism"), t.min(), t.max())
    ax.set_ylabel("arrivals per month, thousands")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    _title(ax, "arrivals in the partner country", ds)
    fig.tight_layout()
    return fig


def plot_rmb_share(ds):
    """Monthly value-weighted yuan share of China-Kazakhstan payments and settlement cost."""
    m = at_frequency(ds, "monthly")
    t = pd.DatetimeIndex(m["time"].values)
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    ax.plot(t, m["rmb_settlement_share"].values * 100, color="#d62728", label="yuan share (%)")
    ax.set_ylabel("% of value settled in yuan")
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    # Files from before the per-currency cost series hold one value-weighted cost instead.
    cost = m["settlement_cost_bp"] if "settlement_cost_bp" in m else None
    if cost is not None and "currency" in cost.dims:
        for c in cost["currency"].values:
            ax2.plot(t, cost.sel(currency=c).values, lw=0.9, ls="--",
                     color=CURRENCY_COLOURS.get(str(c), "#7f7f7f"), label=f"cost of settling in {c} (bp)")
    elif cost is not None:
        ax2.plot(t, cost.values, color="#7f7f7f", lw=1, label="settlement cost (bp)")
    if "settlement_expected_cost_bp" in m:
        ax2.plot(t, m["settlement_expected_cost_bp"].values, color="k", lw=1,
                 label="expected cost of a pair choosing (bp)")
    ax2.set_ylabel("settlement cost, bp")
    _mark_policies(ax, ds, ("RMB",), t.min(), t.max())
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    _title(ax, "settlement currency", ds)
    fig.tight_layout()
    return fig


def plot_investment(ds):
    """Annual infrastructure spending and FDI into Kazakh firms (USD bn), stacked."""
    a = at_frequency(ds, "annual")
    years = _years(a)
    infra = a["infrastructure_investment_usd"].values / 1e9
    fdi = a["fdi_usd"].values / 1e9
    full = _complete_periods(ds, "annual")
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    ax.bar(years, infra, color="#1f77b4", label="infrastructure")
    ax.bar(years, fdi, bottom=infra, color="#ff7f0e", label="FDI into Kazakh firms")
    for y in years[~full]:
        ax.annotate("partial", (y, 0), ha="center", va="bottom", fontsize=7, rotation=90)
    ax.set_ylabel("USD bn per year")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2012.5
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    _title(ax, "investment", ds)
    fig.tight_layout()
    return fig


def network_flows(ds, year=None) -> tuple:
    """Nodes and links of the run's network with the flows they can be given.

    Flows are inferred, not recorded per link: a link on a named corridor carries that
    corridor's China-third-country TEU; another link touching a crossing carries the larger
    throughput of its crossings; other links have no flow series (NaN). Node flow is the
    crossing throughput. ``year`` limits the totals to one calendar year.

    Returns (nodes, links) DataFrames.
    """
    params = run_parameters(ds)
    net = params.get("network") or {}
    d = at_frequency(ds, "annual")
    if year is not None:
        d = d.sel(time=[t for t in d["time"].values if pd.Timestamp(t).year == int(year)])
        if d.sizes["time"] == 0:
            raise ValueError(f"the run does not cover {year}")
    thr = d["border_throughput_teu"].sum("time").to_series()
    cor = d["transit_teu"].sum("time").to_series()
    nodes = pd.DataFrame([{"node": k, **v} for k, v in (net.get("nodes") or {}).items()])
    nodes["throughput_teu"] = nodes["node"].map(thr).astype(float)
    rows = []
    for name, L in (net.get("links") or {}).items():
        c = str(L.get("corridor", "none"))
        if str(L.get("mode")) == "pipeline":
            # Energy in pipelines is not counted in TEU (recorder: units = 0 for pipes).
            flow, source = np.nan, "pipeline"
        elif c in cor.index:
            flow, source = float(cor[c]), f"corridor {c}"
        else:
            ends = [thr[n] for n in (L["from"], L["to"]) if n in thr.index]
            flow, source = (float(max(ends)), "crossing throughput") if ends else (np.nan, "none")
        rows.append({"link": name, **L, "flow_teu": flow, "flow_source": source})
    return nodes, pd.DataFrame(rows)


def plot_network_flows(ds, year=None):
    """Map-like chart of the network: nodes at their lat/lon, link widths by inferred TEU."""
    nodes, links = network_flows(ds, year)
    pos = {r.node: (float(r.lon), float(r.lat)) for r in nodes.itertuples()}
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=100)
    fmax = np.nanmax(links["flow_teu"].to_numpy()) if links["flow_teu"].notna().any() else 0.0
    lat_min = min(y for _, y in pos.values())
    for L in links.to_dict("records"):  # "from" is a keyword, so no itertuples
        (x0, y0), (x1, y1) = pos[L["from"]], pos[L["to"]]
        if str(L["corridor"]) == "maritime":
            # The sea route goes round the south of Asia; a straight line would cross the map.
            u = np.linspace(0, 1, 40)[:, None]
            p0, p2 = np.array([x0, y0]), np.array([x1, y1])
            p1 = np.array([(x0 + x1) / 2, lat_min - 10])
            xy = (1 - u) ** 2 * p0 + 2 * u * (1 - u) * p1 + u ** 2 * p2
            xs, ys = xy[:, 0], xy[:, 1]
        else:
            xs, ys = [x0, x1], [y0, y1]
        ls = MODE_STYLES.get(str(L["mode"]), "-")
        if np.isfinite(L["flow_teu"]) and fmax > 0:
            # Area-like scaling keeps small corridors visible next to the sea route.
            w = 0.6 + 7.0 * np.sqrt(L["flow_teu"] / fmax)
            colour = CORRIDOR_COLOURS.get(str(L["corridor"]), "#444444")
            ax.plot(xs, ys, ls=ls, lw=w, color=colour, alpha=0.7, solid_capstyle="round")
        else:
            ax.plot(xs, ys, ls=ls, lw=0.6, color="#bbbbbb")
    tmax = np.nanmax(nodes["throughput_teu"].to_numpy()) if nodes["throughput_teu"].notna().any() else 0
    coords = list(zip(nodes["lon"].astype(float), nodes["lat"].astype(float)))
    for r in nodes.itertuples():
        size = 15 + (250 * r.throughput_teu / tmax if tmax > 0 and np.isfinite(r.throughput_teu) else 0)
        ax.scatter(r.lon, r.lat, s=size, color=COUNTRY_COLOURS.get(str(r.country), "#333333"),
                   edgecolor="k", lw=0.5, zorder=3)
        # Of two neighbouring nodes (Khorgos/Dostyk, Aktau/Kuryk) the western one is labelled
        # up-left and the eastern one down-right, so the labels do not overlap.
        near = [x for x, y in coords if abs(r.lon - x) < 2.5 and abs(r.lat - y) < 1.5 and
                (x, y) != (r.lon, r.lat)]
        if near and max(near) > r.lon:
            xytext, ha = (-5, 6), "right"
        elif near:
            xytext, ha = (6, -11), "left"
        else:
            xytext, ha = (4, 4), "left"
        ax.annotate(r.node.replace("_", " "), (r.lon, r.lat), xytext=xytext, ha=ha,
                    textcoords="offset points", fontsize=7, zorder=4)
    for c, colour in CORRIDOR_COLOURS.items():
        ax.plot([], [], color=colour, lw=3, label=f"{c} corridor")
    ax.plot([], [], color="#444444", lw=3, label="via a crossing")
    ax.plot([], [], color="#bbbbbb", lw=0.6, label="no flow series")
    ax.legend(fontsize=7, loc="lower left", ncol=2)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    span = f"{year}" if year is not None else "whole run"
    _title(ax, f"network flows, TEU ({span}; widths inferred)", ds)
    fig.tight_layout()
    return fig


def _scale(units: str, values) -> tuple:
    """A display factor and unit label, so USD reads in bn or mn and shares in %."""
    v = np.asarray(values, dtype=float)
    top = np.nanmax(np.abs(v)) if np.isfinite(v).any() else 0.0
    if units == "USD":
        return (1e-9, "USD bn") if top >= 1e8 else (1e-6, "USD mn")
    if units == "1":
        return 100.0, "%"
    if units in ("TEU", "persons") and top >= 1e4:
        return 1e-3, f"thousand {units}"
    return 1.0, units


def plot_comparison(diff: pd.DataFrame, outcome: str):
    """Levels (top) and scenario - base differences (bottom) of one outcome from
    :func:`compare` output, with the replicate bands; one line per scenario."""
    d = diff[diff["outcome"] == outcome].sort_values("period")
    if d.empty:
        raise KeyError(f"outcome {outcome!r} is not in the comparison")
    units = str(d["units"].iloc[0])
    f, ulabel = _scale(units, d[["base_mean", "scenario_mean"]].to_numpy())
    fd, dlabel = _scale(units, d["diff_mean"].to_numpy()) if units != "1" else (100.0, "percentage points")
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5.5), dpi=100, sharex=True,
                                   gridspec_kw={"height_ratios": [3, 2]})
    base = d.drop_duplicates("period")
    t = pd.DatetimeIndex(base["period"])
    n = int(d["n"].max())
    ax1.plot(t, base["base_mean"] * f, color="k", lw=1.5, label="base")
    ax1.fill_between(t, base["base_lo"] * f, base["base_hi"] * f, color="k", alpha=0.15, lw=0)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (name, s) in enumerate(d.groupby("scenario", sort=False)):
        c = colours[k % len(colours)]
        ts = pd.DatetimeIndex(s["period"])
        ax1.plot(ts, s["scenario_mean"] * f, color=c, lw=1.5, label=name)
        ax1.fill_between(ts, s["scenario_lo"] * f, s["scenario_hi"] * f, color=c, alpha=0.2, lw=0)
        ax2.plot(ts, s["diff_mean"] * fd, color=c, lw=1.5, label=f"{name} - base")
        ax2.fill_between(ts, s["diff_lo"] * fd, s["diff_hi"] * fd, color=c, alpha=0.25, lw=0)
    ax2.axhline(0, color="k", lw=0.8)
    ax1.set_ylabel(ulabel)
    ax2.set_ylabel(f"difference, {dlabel}")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    band = str(d["band"].iloc[0])
    ax1.set_title(f"{d['label'].iloc[0]} ({n} replicate{'s' if n != 1 else ''}, band {band})",
                  fontsize=10)
    fig.tight_layout()
    return fig


# Sweeps: figures of many runs, from the tables of corridor_analysis.sweeps and .sensitivity.

def _label(column) -> str:
    s = str(column)
    for p in ("param:", "out:"):
        if s.startswith(p):
            return s[len(p):]
    return s


def _panels(n: int, labels: list):
    """One panel per scenario side by side, wide enough for the parameter names and a legend
    to the right, tall enough for the bars."""
    chars = max((len(_label(p)) for p in labels), default=10)
    width = 3.6 * n + 0.065 * chars + 2.0
    height = max(2.6, 0.5 * len(labels) + 1.5)
    fig, axes = plt.subplots(1, n, figsize=(width, height), dpi=100, sharey=True, squeeze=False)
    return fig, axes[0]


def _level_text(table: pd.DataFrame, what: str) -> str:
    if "level" in table.columns and table["level"].notna().any():
        return f", {int(round(float(table['level'].iloc[0]) * 100))}% {what}"
    return ""


def plot_sobol(indices: pd.DataFrame):
    """First-order (S1) and total (ST) Sobol indices with their bootstrap intervals, one panel
    per scenario, from :func:`sobol_indices` (one outcome)."""
    outs = indices["outcome"].unique()
    if len(outs) != 1:
        raise ValueError(f"give the indices of one outcome, not {list(outs)}")
    scenarios = list(dict.fromkeys(indices["scenario"]))
    params = list(dict.fromkeys(indices["parameter"]))
    fig, axes = _panels(len(scenarios), params)
    y = np.arange(len(params))
    h = 0.38
    for ax, name in zip(axes, scenarios):
        d = indices[indices["scenario"] == name].set_index("parameter").loc[params]
        for off, key, colour, lab in ((-h / 2, "S1", "#1f77b4", "first order S1"),
                                      (h / 2, "ST", "#ff7f0e", "total ST")):
            v = d[key].to_numpy(dtype=float)
            err = np.vstack([v - d[f"{key}_lo"].to_numpy(dtype=float),
                             d[f"{key}_hi"].to_numpy(dtype=float) - v])
            ax.barh(y + off, v, height=h, color=colour, label=lab,
                    xerr=np.clip(np.nan_to_num(err), 0, None), capsize=3,
                    error_kw={"lw": 1, "ecolor": "k"})
        ax.axvline(0, color="k", lw=0.8)
        ax.set_xlim(min(-0.05, np.nanmin(d[["S1_lo", "ST_lo"]].to_numpy(dtype=float), initial=0) - 0.02),
                    max(1.0, np.nanmax(d[["S1_hi", "ST_hi"]].to_numpy(dtype=float), initial=0) + 0.02))
        ax.set_xlabel("share of variance")
        ax.grid(alpha=0.3, axis="x")
        n = int(d["N"].iloc[0])
        ax.set_title(f"{name} (N = {n} base rows)", fontsize=9)
    axes[0].set_yticks(y, [_label(p) for p in params], fontsize=8)
    axes[0].invert_yaxis()  # the parameters read top-down in index order
    axes[-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(f"Sobol indices of {outs[0]}{_level_text(indices, 'bootstrap intervals')}", fontsize=10)
    fig.tight_layout()
    return fig


def plot_rank_correlations(corr: pd.DataFrame):
    """Partial rank correlation coefficients (bars, with Fisher-z intervals; green where the
    outcome rises with the parameter, red where it falls) and Spearman correlations
    (diamonds) of each parameter with one outcome, one panel per scenario, from
    :func:`rank_correlations`."""
    outs = corr["outcome"].unique()
    if len(outs) != 1:
        raise ValueError(f"give the correlations of one outcome, not {list(outs)}")
    scenarios = list(dict.fromkeys(corr["scenario"]))
    params = list(dict.fromkeys(corr["parameter"]))
    fig, axes = _panels(len(scenarios), params)
    y = np.arange(len(params))
    for ax, name in zip(axes, scenarios):
        d = corr[corr["scenario"] == name].set_index("parameter").loc[params]
        v = d["prcc"].to_numpy(dtype=float)
        err = np.vstack([v - d["prcc_lo"].to_numpy(dtype=float), d["prcc_hi"].to_numpy(dtype=float) - v])
        colours = ["#d62728" if x < 0 else "#2ca02c" for x in np.nan_to_num(v)]
        ax.barh(y, np.nan_to_num(v), height=0.6, color=colours, alpha=0.8,
                label="PRCC",
                xerr=np.clip(np.nan_to_num(err), 0, None), capsize=3, error_kw={"lw": 1, "ecolor": "k"})
        ax.plot(d["spearman"].to_numpy(dtype=float), y, "D", color="k", ms=5, label="Spearman")
        ax.axvline(0, color="k", lw=0.8)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("rank correlation")
        ax.grid(alpha=0.3, axis="x")
        ax.set_title(f"{name} (n = {int(d['n'].iloc[0])} points)", fontsize=9)
    axes[0].set_yticks(y, [_label(p) for p in params], fontsize=8)
    axes[0].invert_yaxis()
    axes[-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.suptitle(f"rank correlations with {outs[0]}{_level_text(corr, 'Fisher-z intervals of PRCC')}",
                 fontsize=10)
    fig.tight_layout()
    return fig


def plot_sweep_scatter(sweep, outcome: str, parameters=None, scenario=None, replicates: str = "mean"):
    """The outcome against each parameter, one panel per parameter, colour by scenario.

    sweep: a sweep directory or the DataFrame from :func:`open_sweep`. replicates: "mean"
    (one dot per design point, the mean of its complete replicates) or "all" (one dot per
    complete run).
    """
    from .sensitivity import design_points
    from .sweeps import _as_sweep, outcome_column, parameter_columns

    sw = _as_sweep(sweep)
    col = outcome_column(sw, outcome)
    pcols = parameter_columns(sw) if parameters is None else \
        [p if str(p).startswith("param:") else f"param:{p}" for p in parameters]
    unknown = [p for p in pcols if p not in sw.columns]
    if unknown:
        raise KeyError(f"parameters {unknown} are not in the sweep")
    if replicates == "mean":
        d = design_points(sw, col)
    elif replicates == "all":
        d = sw[sw["status"] == "complete"]
    else:
        raise ValueError(f"replicates must be 'mean' or 'all', got {replicates!r}")
    names = list(dict.fromkeys(sw["scenario"])) if scenario is None else \
        ([scenario] if isinstance(scenario, str) else list(scenario))
    ncol = min(3, len(pcols))
    nrow = int(np.ceil(len(pcols) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3.2 * nrow), dpi=100, sharey=True,
                             squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, p in zip(axes.flat, pcols):
        for k, name in enumerate(names):
            s = d[d["scenario"] == name]
            ax.plot(s[p], s[col], "o", ms=3, alpha=0.6, color=colours[k % len(colours)], label=name)
        ax.set_xlabel(_label(p), fontsize=8)
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel(_label(col))
    for ax in list(axes.flat)[len(pcols):]:
        ax.set_visible(False)
    if len(names) > 1:
        axes.flat[0].legend(fontsize=7)
    what = "point means" if replicates == "mean" else "runs"
    fig.suptitle(f"{_label(col)} against each parameter ({what})", fontsize=10)
    fig.tight_layout()
    return fig
