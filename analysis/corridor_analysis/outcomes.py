"""Headline outcomes: the handful of series a policy question is usually about."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Callable, Iterable, Sequence

import pandas as pd
import xarray as xr

from .aggregate import at_frequency

KZ_TRANSIT_CORRIDORS = ("northern", "middle", "southern")
# The two China-Kazakhstan land crossings; the other "crossings" are sea ports and the
# Kazakhstan-Russia exit, which a border-queue question is rarely about.
HEADLINE_CROSSINGS = ("khorgos", "dostyk")


@dataclass(frozen=True)
class Outcome:
    """A named scalar series computed from a dataset at any frequency."""

    name: str
    label: str
    units: str
    compute: Callable[[xr.Dataset], xr.DataArray]

    def __call__(self, ds: xr.Dataset) -> xr.DataArray:
        da = self.compute(ds)
        extra = [d for d in da.dims if d != "time"]
        if extra:
            raise ValueError(f"outcome {self.name} left dimensions {extra}; it must be a time series")
        return da


def _var(name):
    return lambda ds: ds[name]


def _sel(name, **labels):
    return lambda ds: ds[name].sel(labels)


def _headline() -> list:
    out = [Outcome("bilateral_trade_usd", "China-Kazakhstan trade", "USD", _var("bilateral_trade_usd"))]
    for c in ("northern", "middle", "southern", "maritime"):
        out.append(Outcome(f"transit_teu_{c}", f"transit TEU, {c} corridor", "TEU",
                           _sel("transit_teu", corridor=c)))
    out.append(Outcome("transit_teu_kz", "transit TEU through Kazakhstan (northern+middle+southern)",
                       "TEU", lambda ds: ds["transit_teu"].sel(corridor=list(KZ_TRANSIT_CORRIDORS))
                       .sum("corridor")))
    for x in HEADLINE_CROSSINGS:
        out.append(Outcome(f"border_queue_days_{x}", f"border queue and processing days, {x}", "d",
                           _sel("border_queue_days", crossing=x)))
    for p in ("tourist", "business"):
        out.append(Outcome(f"arrivals_{p}", f"{p} arrivals, both directions", "persons",
                           lambda ds, p=p: ds["arrivals"].sel(purpose=p).sum("traveller_origin")))
    out += [
        Outcome("rmb_settlement_share", "share of CN-KZ payments settled in yuan", "1",
                _var("rmb_settlement_share")),
        Outcome("transit_fee_revenue_usd", "transit fee revenue", "USD", _var("transit_fee_revenue_usd")),
        Outcome("border_fee_revenue_usd", "port and crossing fee revenue", "USD",
                _var("border_fee_revenue_usd")),
        Outcome("investment_usd", "infrastructure investment plus FDI", "USD", _var("investment_usd")),
        Outcome("jobs_transit", "jobs in Kazakh logistics firms", "persons", _var("jobs_transit")),
        Outcome("jobs_tourism", "jobs in Kazakh tourism firms", "persons", _var("jobs_tourism")),
        Outcome("government_fee_revenue_kz", "Kazakh government revenue from node and transit fees",
                "USD", _sel("government_fee_revenue_usd", firm_country="KZ")),
        Outcome("government_balance_kz", "Kazakh government budget balance since the start", "USD",
                _sel("government_balance_usd", firm_country="KZ")),
    ]
    return out


HEADLINE = {o.name: o for o in _headline()}


def resolve_outcomes(ds: xr.Dataset, names: Iterable[str] | None = None) -> list:
    """Outcome objects for ``names``: headline names, raw variable names, or
    "variable.label[.label]" for one cell of a variable with extra dimensions.

    A raw variable with extra dimensions expands into one outcome per label combination
    (e.g. "transit_teu" -> "transit_teu.northern", ...). None means all headline outcomes.
    """
    if names is None:
        return list(HEADLINE.values())
    if isinstance(names, str):
        names = [names]
    out = []
    for name in names:
        if isinstance(name, Outcome):
            out.append(name)
            continue
        if name in HEADLINE:
            out.append(HEADLINE[name])
            continue
        var, _, rest = name.partition(".")
        if var not in ds.data_vars:
            raise KeyError(f"unknown outcome {name!r}: not a headline outcome "
                           f"({', '.join(HEADLINE)}) nor a variable of the dataset")
        da = ds[var]
        dims = [d for d in da.dims if d != "time"]
        units = da.attrs.get("units", "")
        label = da.attrs.get("long_name", var)
        if rest:
            labels = rest.split(".")
            if len(labels) != len(dims):
                raise KeyError(f"{name!r}: {var} has dimensions {dims}; give one label for each")
            sel = dict(zip(dims, labels))
            for d, lab in sel.items():
                if lab not in [str(v) for v in da[d].values]:
                    raise KeyError(f"{name!r}: {lab!r} is not a {d} of {var}")
            out.append(Outcome(name, f"{label} ({', '.join(labels)})", units, _sel(var, **sel)))
        elif not dims:
            out.append(Outcome(name, label, units, _var(var)))
        else:
            for combo in product(*[[str(v) for v in da[d].values] for d in dims]):
                sel = dict(zip(dims, combo))
                out.append(Outcome(f"{var}.{'.'.join(combo)}", f"{label} ({', '.join(combo)})",
                                   units, _sel(var, **sel)))
    return out


def headline(ds: xr.Dataset, freq: str = "annual", outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Headline outcomes as a wide table: one row per period, one column per outcome.

    ``df.attrs["units"]`` maps each column to its units.
    """
    d = at_frequency(ds, freq)
    cols = {}
    units = {}
    for o in resolve_outcomes(d, outcomes):
        cols[o.name] = o(d).to_series()
        units[o.name] = o.units
    df = pd.DataFrame(cols)
    df.index.name = "period"
    df.attrs["units"] = units
    return df
