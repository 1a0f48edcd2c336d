"""Analysis of corridor simulator output: reading runs, aggregating, comparing scenarios,
observed data and figures.

    from corridor_analysis import open_run, annual, compare, observed, plot_trade
    ds = open_run("results/baseline.h5")
    annual(ds)["bilateral_trade_usd"].to_series() / 1e9

    sw = open_sweep("results/sweep")                  # one row per run of a sweep
    sobol_indices(sw, "trade_cn_kz_2030")             # per scenario, with bootstrap intervals

    table = validate("results/baseline.h5")           # simulated against observed, by year
    table.attrs["summary"]                             # MAPE, direction, years in band
"""
from .aggregate import WEIGHTS, annual, at_frequency, monthly, resample, weight_of
from .compare import compare, pair_runs
from .outcomes import HEADLINE, Outcome, headline, resolve_outcomes
from .params import ParamsError, parse_params, run_parameters
from .plots import (network_flows, plot_arrivals, plot_border_queues, plot_comparison,
                    plot_investment, plot_network_flows, plot_rank_correlations, plot_rmb_share,
                    plot_route_shares, plot_sobol, plot_sweep_scatter, plot_trade)
from .runs import (CONFIG_DIR, REPO_ROOT, IncompleteRunError, RunFileError, config_path, events,
                   find_corridor_bin, open_group, open_run, run_attributes, run_label,
                   run_replicates, run_simulation)
from .report import write_report
from .sensitivity import (design_points, prcc, rank_correlations, sobol_indices,
                          sobol_indices_from_samples)
from .sweeps import (SweepError, open_sweep, outcome_columns, parameter_columns, stack_runs)
from .tables import observed, tidy, to_csv
from .validation import (Moment, ValidationError, load_moments, not_comparable, plot_validation,
                         score, simulated_moments, validate, validation_summary)

__all__ = [
    "open_run", "open_group", "run_attributes", "events", "run_label", "RunFileError",
    "IncompleteRunError", "find_corridor_bin", "config_path", "run_simulation", "run_replicates",
    "REPO_ROOT", "CONFIG_DIR",
    "annual", "monthly", "resample", "at_frequency", "weight_of", "WEIGHTS",
    "HEADLINE", "Outcome", "headline", "resolve_outcomes",
    "compare", "pair_runs",
    "observed", "tidy", "to_csv",
    "parse_params", "run_parameters", "ParamsError",
    "plot_trade", "plot_route_shares", "plot_border_queues", "plot_arrivals", "plot_rmb_share",
    "plot_investment", "plot_network_flows", "network_flows", "plot_comparison", "write_report",
    "open_sweep", "stack_runs", "SweepError", "parameter_columns", "outcome_columns",
    "design_points", "sobol_indices", "sobol_indices_from_samples", "rank_correlations", "prcc",
    "plot_sobol", "plot_rank_correlations", "plot_sweep_scatter",
    "validate", "validation_summary", "score", "simulated_moments", "load_moments", "Moment",
    "ValidationError", "not_comparable", "plot_validation",
]
