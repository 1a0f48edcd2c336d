"""Annual aggregates of the scale runs (scripts/bench_scale.sh): each firm count's mean over
its seeds, its spread over seeds, and its difference from the 10^6 mean."""
import glob
import re
import sys
from collections import defaultdict

import h5py
import numpy as np


def aggregates(path):
    with h5py.File(path, "r") as f:
        a = f["annual"]
        corridors = [c.decode() for c in a["corridor"][:]]
        tt = a["transit_teu"][:]
        kz = [k for k, c in enumerate(corridors) if c != "maritime"]
        return f.attrs["shipments_deferred"], {
            "China-Kazakhstan trade, bn USD": a["bilateral_trade_usd"][:] / 1e9,
            "exports of all pairs, bn USD": a["exports_usd"][:].sum(axis=(1, 2)) / 1e9,
            "firms' output, bn USD": a["output_usd"][:].sum(axis=(1, 2)) / 1e9,
            "household income, bn USD": a["household_income_usd"][:].sum(axis=1) / 1e9,
            "Kazakh government revenue, bn USD": a["government_revenue_usd"][:, 1] / 1e9,
            "TEU through Kazakh nodes, k": a["kz_handled_teu"][:] / 1e3,
            "transit TEU, all corridors, k": tt.sum(axis=1) / 1e3,
            "transit TEU through Kazakhstan, k": tt[:, kz].sum(axis=1) / 1e3,
        }


runs = defaultdict(list)
deferred = defaultdict(int)
for p in sorted(glob.glob(sys.argv[1] + "/n*_s*.h5")):
    n = int(re.search(r"n(\d+)_s", p).group(1))
    d, agg = aggregates(p)
    runs[n].append(agg)
    deferred[n] += int(d)
for n in sorted(runs):
    print(f"firms {n:,}: {len(runs[n])} seeds, shipments deferred {deferred[n]}")
keys = list(runs[min(runs)][0])
for k in keys:
    ref = np.mean([r[k] for r in runs[1000000]], axis=0)
    print(f"\n{k}: 10^6 mean " + " / ".join(f"{v:.2f}" for v in ref))
    for n in sorted(runs):
        vals = np.array([r[k] for r in runs[n]])
        mean = vals.mean(axis=0)
        spread = (vals.max(axis=0) - vals.min(axis=0)) / ref * 100 if len(vals) > 1 else None
        line = " / ".join(f"{(m / r - 1) * 100:+.1f}%" for m, r in zip(mean, ref))
        extra = "" if spread is None else "  (seeds span " + " / ".join(f"{s:.1f}%" for s in spread) + ")"
        print(f"  {n:>10,}: {line}{extra}")
