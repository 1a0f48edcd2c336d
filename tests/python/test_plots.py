"""Every figure function returns a drawable Figure built from the run's own numbers."""
import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import corridor_analysis as ca

PLOTS = [ca.plot_trade, ca.plot_route_shares, ca.plot_border_queues, ca.plot_arrivals,
         ca.plot_rmb_share, ca.plot_investment, ca.plot_network_flows]


@pytest.fixture(scope="module")
def ds(short_run):
    return ca.open_run(short_run)


def _png_size(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = buf.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("plot", PLOTS, ids=lambda f: f.__name__)
def test_every_plot_returns_a_figure(ds, plot):
    fig = plot(ds)
    assert isinstance(fig, Figure)
    assert fig.axes and any(ax.lines or ax.collections or ax.patches for ax in fig.axes)
    assert _png_size(fig) == (800, 450)


def test_plot_trade_draws_simulated_and_observed(ds):
    ax = ca.plot_trade(ds).axes[0]
    lines = {l.get_label(): l for l in ax.lines}
    sim = lines["simulated"]
    np.testing.assert_allclose(sim.get_ydata(), ca.annual(ds)["bilateral_trade_usd"].values / 1e9)
    obs = lines["observed: cn_side"]
    expected = ca.observed("bilateral_trade_cn_side")
    expected = expected[expected["year"].between(2012, 2016)]
    np.testing.assert_array_equal(obs.get_xdata(), expected["year"])
    np.testing.assert_allclose(obs.get_ydata(), expected["value"])


def test_plot_trade_marks_a_partial_year(midyear_run):
    ax = ca.plot_trade(ca.open_run(midyear_run)).axes[0]
    labels = [l.get_label() for l in ax.lines]
    assert "simulated, partial year" in labels


def test_plot_arrivals_marks_policy_dates(visa_runs):
    base = ca.open_run(visa_runs["base"][0])
    labels = [l.get_label() for l in ca.plot_arrivals(base).axes[0].lines]
    assert "visa exemption" in labels
    scen = ca.open_run(visa_runs["scenario"][0])
    assert "visa exemption" not in [l.get_label() for l in ca.plot_arrivals(scen).axes[0].lines]


def test_network_flows_are_inferred_from_corridors_and_crossings(ds):
    nodes, links = ca.network_flows(ds)
    params = ca.run_parameters(ds)["network"]
    assert set(nodes["node"]) == set(params["nodes"])
    assert set(links["link"]) == set(params["links"])
    a = ca.annual(ds)
    north = links.set_index("link").loc["petropavl_europe_rail"]
    assert north["flow_teu"] == pytest.approx(float(a["transit_teu"].sel(corridor="northern").sum()))
    khorgos = float(a["border_throughput_teu"].sel(crossing="khorgos").sum())
    assert links.set_index("link").loc["urumqi_khorgos_rail", "flow_teu"] == pytest.approx(
        max(khorgos, 0.0))
    assert np.isnan(links.set_index("link").loc["lyg_xian_rail", "flow_teu"])
    assert np.isnan(links.set_index("link").loc["atyrau_dostyk_pipeline", "flow_teu"])
    one = ca.network_flows(ds, year=2015)[1].set_index("link")
    assert one.loc["petropavl_europe_rail", "flow_teu"] == pytest.approx(
        float(a["transit_teu"].sel(corridor="northern", time="2015-01-01")))
    with pytest.raises(ValueError, match="does not cover 2020"):
        ca.network_flows(ds, year=2020)


def test_plot_comparison(visa_runs):
    diff = ca.compare(visa_runs["base"], visa_runs["scenario"], outcomes=["arrivals_tourist"])
    fig = ca.plot_comparison(diff, "arrivals_tourist")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    top, bottom = fig.axes
    assert [l.get_label() for l in top.lines] == ["base", "no_visa_free"]
    diffs = bottom.lines[0].get_ydata()
    years = pd.DatetimeIndex(bottom.lines[0].get_xdata()).year
    assert (diffs[years >= 2024] < 0).all() and (diffs[years <= 2022] == 0).all()
    with pytest.raises(KeyError):
        ca.plot_comparison(diff, "jobs_transit")
