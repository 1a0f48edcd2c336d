"""Reading runs, aggregating, headline outcomes, observed data, tables and parameters."""
import shutil
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import corridor_analysis as ca
from corridor_analysis.params import ParamsError, parse_params

AGGREGATIONS = {"sum", "mean", "last", "weighted_mean"}


# ------------------------------------------------------------------ open_run


def test_open_run_attributes_and_variable_attrs(short_run):
    ds = ca.open_run(short_run)
    with h5py.File(short_run, "r") as f:
        root = dict(f.attrs)
        names = sorted(k for k, v in f["daily"].items()
                       if isinstance(v, h5py.Dataset) and "aggregation" in v.attrs)
    assert ds.attrs["complete"] == 1
    assert ds.attrs["seed"] == 7 == int(root["seed"])
    assert ds.attrs["firm_agents"] == 3000
    assert ds.attrs["threads"] == int(root["threads"]) >= 1
    assert ds.attrs["start_date"] == "2013-01-01" and ds.attrs["end_date"] == "2016-12-31"
    assert ds.attrs["description"].startswith("baseline - ")
    assert ds.attrs["corridor_version"] == root["corridor_version"] != ""
    assert "firms:" in ds.attrs["resolved_parameters"]
    assert ds.attrs["frequency"] == "daily"
    assert ds.attrs["source_path"].endswith("short.h5")
    assert sorted(ds.data_vars) == names
    assert ds.sizes["time"] == 4 * 365 + 1
    assert pd.Timestamp(ds["time"].values[0]) == pd.Timestamp("2013-01-01")
    assert pd.Timestamp(ds["time"].values[-1]) == pd.Timestamp("2016-12-31")
    for v in ds.data_vars.values():
        assert v.attrs["aggregation"] in AGGREGATIONS
        assert v.attrs["units"] and v.attrs["long_name"]
    assert set(ds["crossing"].values) >= {"khorgos", "dostyk"}
    assert list(ds["corridor"].values) == ["northern", "middle", "southern", "maritime"]


def test_open_run_values_equal_hdf5_datasets(short_run):
    ds = ca.open_run(short_run)
    with h5py.File(short_run, "r") as f:
        for name in ds.data_vars:
            raw = f["daily"][name][...]
            assert raw.shape == ds[name].shape, name
            np.testing.assert_array_equal(raw, ds[name].values, err_msg=name)
            assert np.nansum(raw) == pytest.approx(float(ds[name].sum()), rel=1e-12), name
        total = f["daily"]["bilateral_trade_usd"][...].sum()
    assert total > 1e9  # four years of China-Kazakhstan trade


def test_open_run_rejects_incomplete_and_foreign_files(short_run, tmp_path):
    partial = tmp_path / "partial.h5"
    shutil.copy(short_run, partial)
    with h5py.File(partial, "r+") as f:
        f.attrs["complete"] = np.int64(0)
    with pytest.raises(ca.IncompleteRunError, match="did not finish"):
        ca.open_run(partial)
    with pytest.raises(FileNotFoundError, match="no such output file"):
        ca.open_run(tmp_path / "missing.h5")
    text = tmp_path / "not.h5"
    text.write_text("hello")
    with pytest.raises(ca.RunFileError, match="not an HDF5 file"):
        ca.open_run(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f.attrs["x"] = 1
    with pytest.raises(ca.RunFileError, match="not a corridor output file"):
        ca.open_run(other)


def test_open_group_and_events(short_run):
    panel = ca.open_group(short_run, "panel")
    assert panel.sizes["firm"] == 2000  # output.panel_firms of the baseline
    assert panel.attrs["seed"] == 7
    ev = ca.events(short_run)
    assert list(ev.columns) == ["date", "kind", "name", "day", "value"]
    done = ev[(ev["name"] == "khorgos_dry_port") & (ev["kind"] == "project_completed")]
    assert len(done) == 1 and done["date"].iloc[0] == pd.Timestamp("2015-08-01")
    assert (ev["day"] == (ev["date"] - pd.Timestamp("2013-01-01")).dt.days).all()


def test_run_label(short_run, visa_runs):
    assert ca.run_label(ca.open_run(short_run)) == "baseline"
    assert ca.run_label(ca.open_run(visa_runs["scenario"][0])) == "no_visa_free"


# ------------------------------------------------------------------ aggregation


def _assert_same_dataset(mine, theirs):
    np.testing.assert_array_equal(mine["time"].values, theirs["time"].values)
    assert sorted(mine.data_vars) == sorted(theirs.data_vars)
    for v in theirs.data_vars:
        a, b = mine[v].transpose(*theirs[v].dims).values, theirs[v].values
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b), err_msg=v)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=v)
        assert mine[v].attrs == {k: theirs[v].attrs[k] for k in ("units", "long_name", "aggregation")}


@pytest.mark.parametrize("freq", ["annual", "monthly"])
@pytest.mark.parametrize("which", ["short_run", "midyear_run"])
def test_aggregation_matches_file_groups(request, which, freq):
    path = request.getfixturevalue(which)
    ds = ca.open_run(path)
    mine = ca.annual(ds) if freq == "annual" else ca.monthly(ds)
    assert mine.attrs["frequency"] == freq and mine.attrs["seed"] == ds.attrs["seed"]
    _assert_same_dataset(mine, ca.open_group(path, freq))


def test_midyear_periods_are_labelled_by_their_first_day(midyear_run):
    a = ca.annual(ca.open_run(midyear_run))
    assert [str(pd.Timestamp(t).date()) for t in a["time"].values] == ["2013-03-15", "2014-01-01"]


def test_annual_sums_means_and_last_values_follow_the_daily_series(short_run):
    ds = ca.open_run(short_run)
    a = ca.annual(ds)
    assert a.sizes["time"] == 4
    for name, v in ds.data_vars.items():
        how = v.attrs["aggregation"]
        if how == "sum":
            np.testing.assert_allclose(a[name].sum("time"), v.sum("time"), rtol=1e-10, err_msg=name)
        elif how == "last":
            np.testing.assert_array_equal(a[name].values[-1], v.values[-1], err_msg=name)
            np.testing.assert_array_equal(a[name].sel(time="2014-01-01").values,
                                          v.sel(time="2014-12-31").values, err_msg=name)
        elif how == "mean":
            leap = v.sel(time=slice("2016-01-01", "2016-12-31"))
            assert leap.sizes["time"] == 366
            np.testing.assert_allclose(a[name].sel(time="2016-01-01"), leap.mean("time"),
                                       rtol=1e-10, err_msg=name)
    trade_2015 = float(ds["bilateral_trade_usd"].sel(time=slice("2015-01-01", "2015-12-31")).sum())
    assert float(a["bilateral_trade_usd"].sel(time="2015-01-01")) == pytest.approx(trade_2015, rel=1e-12)


def test_weighted_share_is_the_value_weighted_yuan_share(short_run):
    ds = ca.open_run(short_run)
    for agg in (ca.annual(ds), ca.monthly(ds)):
        settled = agg["settled_cnkz_usd"]
        total = settled.sum("currency")
        expected = (settled.sel(currency="CNY") / total).where(total > 0)
        np.testing.assert_allclose(agg["rmb_settlement_share"], expected, rtol=1e-9)
        assert 0 <= float(agg["rmb_settlement_share"].min()) <= float(agg["rmb_settlement_share"].max()) <= 1
    np.testing.assert_array_equal(ca.weight_of(ds, "rmb_settlement_share"),
                                  ds["settled_cnkz_usd"].sum("currency"))


def test_weighted_mean_skips_days_without_weight_and_nan():
    t = pd.date_range("2020-01-29", periods=4, freq="D")
    ds = xr.Dataset(
        {"rmb_settlement_share": ("time", [0.5, np.nan, 0.1, 0.3], {"aggregation": "weighted_mean", "units": "1"}),
         "settled_cnkz_usd": (("time", "currency"), [[1.0, 1.0], [0.0, 0.0], [4.0, 4.0], [0.0, 0.0]],
                              {"aggregation": "sum", "units": "USD"})},
        coords={"time": t, "currency": ["USD", "CNY"]})
    m = ca.monthly(ds)
    # January: (0.5*2 + 0.1*8) / 10; February: the only day has no weight, so no value.
    assert float(m["rmb_settlement_share"][0]) == pytest.approx(0.18)
    assert np.isnan(float(m["rmb_settlement_share"][1]))


def test_aggregation_refuses_what_it_cannot_do(short_run):
    ds = ca.open_run(short_run)
    with pytest.raises(ValueError, match="already annual"):
        ca.annual(ca.annual(ds))
    with pytest.raises(ValueError, match="freq must be"):
        ca.resample(ds, "weekly")
    odd = ds[["jobs_transit"]].copy()
    odd["jobs_transit"].attrs["aggregation"] = "median"
    with pytest.raises(ValueError, match="aggregation='median'"):
        ca.annual(odd)
    with pytest.raises(KeyError, match="no known weight"):
        ca.weight_of(ds, "jobs_transit")
    assert ca.at_frequency(ds, "daily") is ds


# ------------------------------------------------------------------ outcomes


def test_headline_outcomes(short_run):
    ds = ca.open_run(short_run)
    h = ca.headline(ds)
    assert list(h.columns) == list(ca.HEADLINE)
    assert list(h.index.year) == [2013, 2014, 2015, 2016]
    f = ca.open_group(short_run, "annual")
    np.testing.assert_allclose(h["bilateral_trade_usd"], f["bilateral_trade_usd"], rtol=1e-9)
    kz = f["transit_teu"].sel(corridor=["northern", "middle", "southern"]).sum("corridor")
    np.testing.assert_allclose(h["transit_teu_kz"], kz, rtol=1e-9)
    np.testing.assert_allclose(h["transit_teu_kz"], h[["transit_teu_northern", "transit_teu_middle",
                                                       "transit_teu_southern"]].sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(h["arrivals_tourist"],
                               f["arrivals"].sel(purpose="tourist").sum("traveller_origin"), rtol=1e-9)
    np.testing.assert_allclose(h["border_queue_days_khorgos"],
                               f["border_queue_days"].sel(crossing="khorgos"), rtol=1e-9)
    assert (h["border_queue_days_dostyk"] >= 1.7 - 1e-9).all()  # at least the processing time
    assert h.attrs["units"]["bilateral_trade_usd"] == "USD"
    assert h.attrs["units"]["rmb_settlement_share"] == "1"
    assert (h["arrivals_business"] > 0).all() and (h["jobs_tourism"] > 0).all()
    monthly = ca.headline(ds, freq="monthly", outcomes=["jobs_transit"])
    assert monthly.shape == (48, 1)


def test_resolve_outcomes_expands_variables(short_run):
    ds = ca.annual(ca.open_run(short_run))
    names = [o.name for o in ca.resolve_outcomes(ds, ["transit_teu"])]
    assert names == ["transit_teu.northern", "transit_teu.middle", "transit_teu.southern",
                     "transit_teu.maritime"]
    (cell,) = ca.resolve_outcomes(ds, ["arrivals.CN.tourist"])
    np.testing.assert_array_equal(cell(ds), ds["arrivals"].sel(traveller_origin="CN", purpose="tourist"))
    (plain,) = ca.resolve_outcomes(ds, "kz_handled_teu")
    assert plain.units == "TEU"
    with pytest.raises(KeyError, match="unknown outcome"):
        ca.resolve_outcomes(ds, ["no_such_thing"])
    with pytest.raises(KeyError, match="one label for each"):
        ca.resolve_outcomes(ds, ["arrivals.CN"])
    with pytest.raises(KeyError, match="is not a crossing"):
        ca.resolve_outcomes(ds, ["border_queue_days.atlantis"])


# ------------------------------------------------------------------ observed, tables


def test_observed():
    obs = ca.observed()
    assert list(obs.columns) == ["series", "year", "value", "unit", "source", "note"]
    assert obs["year"].dtype.kind == "i" and obs["value"].dtype.kind == "f"
    assert (obs["source"].str.len() > 0).all()
    trade = ca.observed("bilateral_trade_cn_side")
    assert set(trade["series"]) == {"bilateral_trade_cn_side"}
    assert trade.set_index("year").loc[2013, "value"] == pytest.approx(28.6)
    assert (trade["unit"] == "USD bn").all()
    assert list(trade["year"]) == sorted(trade["year"])
    two = ca.observed(["kz_gdp", "bilateral_trade_kz_side"])
    assert set(two["series"]) == {"kz_gdp", "bilateral_trade_kz_side"}
    with pytest.raises(KeyError, match="no observed series"):
        ca.observed("nonsense")


OBSERVED_HEADER = "series,year,value,unit,source,note"
GOOD_ROW = "bilateral_trade_cn_side,2013,28.6,USD bn,GAC,"


@pytest.mark.parametrize("row,line,column,says", [
    ("bilateral_trade_cn_side,2014,,USD bn,GAC,", 3, "value", "not a number: ''"),
    ("bilateral_trade_cn_side,2014,nan,USD bn,GAC,", 3, "value", "not a finite number"),
    ("bilateral_trade_cn_side,2014,inf,USD bn,GAC,", 3, "value", "not a finite number"),
    ("bilateral_trade_cn_side,2014,22 bn,USD bn,GAC,", 3, "value", "not a number"),
    ("bilateral_trade_cn_side,2014.5,22,USD bn,GAC,", 3, "year", "not a year"),
    ("bilateral_trade_cn_side,14,22,USD bn,GAC,", 3, "year", "not a year"),
    ("bilateral_trade_cn_side,2013,22,USD bn,GAC,", 3, "year", "repeated (first at line 2)"),
    (",2014,22,USD bn,GAC,", 3, "series", "empty cell"),
    ("bilateral_trade_cn_side,2014,22,USD bn,,", 3, "source", "empty cell"),
])
def test_observed_checks_every_cell(tmp_path, row, line, column, says):
    p = tmp_path / "observed.csv"
    p.write_text(f"{OBSERVED_HEADER}\n{GOOD_ROW}\n{row}\n")
    with pytest.raises(ValueError) as e:
        ca.observed(path=p)
    assert f"{p}:{line}: column '{column}': " in str(e.value) and says in str(e.value), str(e.value)
    p.write_text(f"{OBSERVED_HEADER}\n{GOOD_ROW}\nbilateral_trade_cn_side,2014,22\n")
    with pytest.raises(ValueError, match=r":3: expected 6 cells, found 3"):
        ca.observed(path=p)


def test_to_csv_and_tidy(short_run, tmp_path):
    a = ca.annual(ca.open_run(short_run))
    long = ca.tidy(a[["bilateral_trade_usd", "transit_teu", "arrivals"]])
    assert list(long.columns[:2]) == ["variable", "time"] and list(long.columns[-2:]) == ["value", "units"]
    assert len(long) == 4 * (1 + 4 + 4)
    row = long[(long["variable"] == "transit_teu") & (long["corridor"] == "middle")]
    np.testing.assert_allclose(row["value"], a["transit_teu"].sel(corridor="middle"))
    p = ca.to_csv(a[["bilateral_trade_usd", "transit_teu"]], tmp_path / "sub" / "long.csv")
    back = pd.read_csv(p)
    assert len(back) == 4 * 5 and set(back["units"]) == {"USD", "TEU"}
    assert back.loc[back["variable"] == "bilateral_trade_usd", "value"].sum() == \
        pytest.approx(float(a["bilateral_trade_usd"].sum()), rel=1e-12)
    h = ca.headline(a)
    back = pd.read_csv(ca.to_csv(h, tmp_path / "h.csv"), index_col="period")
    np.testing.assert_allclose(back["transit_teu_kz"], h["transit_teu_kz"], rtol=1e-12)
    plain = pd.DataFrame({"x": [1, 2]})
    assert pd.read_csv(ca.to_csv(plain, tmp_path / "p.csv")).columns.tolist() == ["x"]
    s = pd.Series([1.0, 2.0], name="y")
    assert pd.read_csv(ca.to_csv(s, tmp_path / "s.csv"))["y"].tolist() == [1.0, 2.0]
    with pytest.raises(TypeError):
        ca.to_csv([1, 2], tmp_path / "bad.csv")


# ------------------------------------------------------------------ parameters


def test_run_parameters(short_run, visa_runs):
    p = ca.run_parameters(ca.open_run(short_run))
    assert p["run"] == {"start": "2013-01-01", "end": "2016-12-31", "seed": 7, "scale": 1.0,
                        "shipment_pool_slots": 0}
    assert p["firms"]["count"] == 3000
    k = p["network"]["nodes"]["khorgos"]
    assert (k["country"], k["kind"], k["lat"], k["lon"]) == ("KZ", "border", 44.21, 80.35)
    assert p["network"]["links"]["petropavl_europe_rail"]["corridor"] == "northern"
    assert p["network"]["links"]["atyrau_dostyk_pipeline"]["oneway"] is True
    assert p["policy"]["visa_free"]["cn_to_kz"]["start"] == "2023-11-10"
    assert p["policy"]["transit_fee"][0] == {"from": "2013-01-01", "value": 100}
    assert isinstance(p["policy"]["border_processing"]["khorgos"], list)
    scen = ca.run_parameters(ca.open_run(visa_runs["scenario"][0]))
    assert scen["policy"]["visa_free"]["cn_to_kz"]["start"] is None


def test_parse_params_subset_and_errors():
    text = """# comment
a: 1
b:
  c: {x: 1.5, y: [1, 2, {z: ~}], s: 'it''s', q: "x, y", e: 1e3}
  d: two words # trailing comment
  tag: 'a # not a comment'
list:
  - {from: 2013-01-01, value: 100}
  - plain
empty:
flags: {t: true, f: false, n: null}
"""
    p = parse_params(text)
    assert p == {"a": 1, "b": {"c": {"x": 1.5, "y": [1, 2, {"z": None}], "s": "it's", "q": "x, y",
                                     "e": 1000.0},
                               "d": "two words", "tag": "a # not a comment"},
                 "list": [{"from": "2013-01-01", "value": 100}, "plain"], "empty": None,
                 "flags": {"t": True, "f": False, "n": None}}
    with pytest.raises(ParamsError):
        parse_params("a: {b: 1")
    with pytest.raises(ParamsError, match="block mappings inside sequences"):
        parse_params("a:\n  - b: 1\n    c: 2\n")
    with pytest.raises(ParamsError, match="unexpected indentation"):
        parse_params("a: 1\n    b: 2\n")
    assert parse_params("") == {}


def test_parse_params_agrees_with_pyyaml(short_run):
    yaml = pytest.importorskip("yaml")
    import datetime

    def norm(o):
        if isinstance(o, dict):
            return {str(k): norm(v) for k, v in o.items()}
        if isinstance(o, list):
            return [norm(v) for v in o]
        return o.isoformat() if isinstance(o, datetime.date) else o

    text = ca.open_run(short_run).attrs["resolved_parameters"]
    assert parse_params(text) == norm(yaml.safe_load(text))


# ------------------------------------------------------------------ running the simulator


def test_run_simulation_and_finding_the_binary(corridor, tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_BIN", corridor)
    assert Path(ca.find_corridor_bin()) == Path(corridor).resolve()
    out = ca.run_simulation("no_tourism_year", tmp_path / "deep" / "t.h5", seed=5,
                            sets=["firms.count=500", "run.end=2013-02-28"])
    ds = ca.open_run(out)
    assert ds.attrs["seed"] == 5 and ds.sizes["time"] == 59
    assert ds.attrs["description"].startswith("no_tourism_year")
    paths = ca.run_replicates("baseline", tmp_path / "reps", [3, 4],
                              sets=["firms.count=500", "run.end=2013-01-31"], corridor_bin=corridor)
    assert [p.name for p in paths] == ["baseline_s3.h5", "baseline_s4.h5"]
    assert [ca.open_run(p).attrs["seed"] for p in paths] == [3, 4]
    with pytest.raises(RuntimeError, match="unknown key"):
        ca.run_simulation("baseline", tmp_path / "bad.h5", sets=["bogus.key=1"])
    with pytest.raises(FileNotFoundError, match=r"\(given\) not found or not executable"):
        ca.find_corridor_bin(tmp_path / "nope")
    monkeypatch.setenv("CORRIDOR_BIN", str(tmp_path / "gone"))
    with pytest.raises(FileNotFoundError, match="CORRIDOR_BIN.*gone"):
        ca.find_corridor_bin()
    monkeypatch.delenv("CORRIDOR_BIN")
    assert Path(ca.find_corridor_bin()).is_file()  # the repository build or PATH
    with pytest.raises(FileNotFoundError, match="no config named"):
        ca.config_path("no_such_scenario")
    assert ca.config_path("baseline") == ca.CONFIG_DIR / "baseline.yaml"
    assert ca.config_path("no_visa_free") == ca.CONFIG_DIR / "scenarios" / "no_visa_free.yaml"
