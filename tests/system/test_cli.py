"""Whole runs through the command line: bad inputs, determinism across thread counts,
and files that h5dump, h5py and xarray read with named dimensions and real dates."""
import os
import re
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("CORRIDOR_BIN", str(ROOT / "build" / "corridor"))
SMALL = ["--set", "firms.count=3000", "--set", "run.end=2014-12-31", "--quiet"]


def corridor(*args, check=True):
    r = subprocess.run([BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"corridor {args} failed ({r.returncode}): {r.stderr}")
    return r


# Hostile inputs (issue 10). Each must give exit code 2, one line starting "corridor: error:"
# that names the file (or "--set", "command line"), the line where there is one, the key, and
# says what is wrong; and no output file, finished or temporary, may be left.

def refused(r, tmp_path, where, key, fragment):
    msg = r.stderr.strip()
    assert r.returncode == 2, (r.returncode, msg)
    assert msg.startswith("corridor: error: ") and msg.count("\n") == 0, msg
    assert re.search(where, msg), (where, msg)
    if key:
        assert f"key '{key}'" in msg, (key, msg)
    assert fragment in msg, (fragment, msg)
    left = [p.name for p in tmp_path.iterdir() if p.suffix in (".h5", ".tmp")]
    assert not left, f"left behind: {left}"
    assert not list(ROOT.glob("results/*.tmp"))


# Config files and scenario overlays in tests/configs/bad/: (file, key, line, what the message
# says). The file named is the one at fault, which may be a base in the chain.
BAD = [
    ("yaml_syntax.yaml", None, 5, "YAML syntax error"),
    ("tab_indent.yaml", None, 3, "YAML syntax error"),
    ("unknown_top_key.yaml", "polcy", 2, "did you mean 'policy'?"),
    ("unknown_nested_key.yaml", "policy.visa_free.cn_to_kz.strat", 5, "did you mean 'start'?"),
    ("wrong_type.yaml", "firms.count", 3, "expected a number, got 'many'"),
    ("list_for_number.yaml", "firms.count", 3, "expected a number, got '<list>'"),
    ("not_whole.yaml", "firms.count", 3, "expected a whole number"),
    ("out_of_range.yaml", "firms.utilisation_target", 3, "out of range [0.1, 1]"),
    ("nan_value.yaml", "firms.hire_rate", 3, "expected a finite number, got '.nan'"),
    ("inf_value.yaml", "routing.logit_scale", 3, "expected a finite number, got '.inf'"),
    ("negative_seed.yaml", "run.seed", 3, "non-negative whole number"),
    ("bad_bool.yaml", "network.links.lyg_xian_rail.oneway", 4, "expected true or false"),
    ("bad_date.yaml", "policy.rmb_clearing.start", 4, "bad date '2022-13-01'"),
    ("impossible_date.yaml", "run.start", 3, "bad date '2013-02-30'"),
    ("bad_enum.yaml", "network.links.lyg_xian_rail.mode", 4, "'teleport' is not one of"),
    ("bad_investor_kind.yaml", "investment.investors.silk_road_fund.kind", 4,
     "'angel' is not one of"),
    ("bad_investor_income.yaml", "investment.investors.silk_road_fund.income_from", 4,
     "'printing_press' is not one of"),
    ("appropriation_abroad.yaml", "investment.investors.cn_soe.country", 4,
     "an appropriation needs the government of a country with firms"),
    ("missing_sector.yaml", "firms.exporter_share.tourism", 3, "missing sector"),
    ("negative_spread.yaml", "settlement.currencies.USD.spread_bp", 4, "out of range"),
    ("unknown_node.yaml", "network.links.new_link.to", 4, "unknown node 'nowhere'"),
    ("unknown_market_node.yaml", "trade.market_nodes.EU", 4, "did you mean 'europe'?"),
    ("unknown_crossing.yaml", "policy.border_processing.khorgoss", 5, "did you mean 'khorgos'?"),
    ("unknown_target.yaml", "policy.infrastructure.khorgos_dry_port.target", 4,
     "did you mean 'khorgos'?"),
    ("region_not_region.yaml", "firms.regions.khorgos", 5, "not a node of kind 'region'"),
    ("incomplete_new_entry.yaml", "network.nodes.new_node.kind", 4, "missing required key"),
    ("schedule_not_increasing.yaml", "policy.transit_fee[1].from", 5, "dates must increase"),
    ("end_before_start.yaml", "policy.tourism_year.promo.end", 4, "end before start"),
    ("end_before_start_run.yaml", "run.end", 4, "end must be after start"),
    ("missing_base.yaml", "base", 1, "base file not found"),
    ("base_cycle.yaml", "base", 1, "base chain comes back"),
    ("base_is_directory.yaml", "base", 1, "base is not a file"),
    ("missing_data_file.yaml", "drivers.file", 3, "data file not found"),
    ("drivers_is_directory.yaml", "drivers.file", 3, "data path is not a file"),
    ("drivers_empty_path.yaml", "drivers.file", 3, "expected a file path"),
    ("dup_top_key.yaml", "policy", 6, "duplicate key (first given at line 2)"),
    ("dup_nested_key.yaml", "firms.count", 5, "duplicate key (first given at line 3)"),
    ("dup_flow_key.yaml", "network.nodes.almaty.capacity_teu_per_day", 4, "duplicate key"),
    ("dup_in_base.yaml", "trade.shipment_teu", 5, "duplicate key (first given at line 3)"),
    ("empty_key.yaml", "firms", 3, "empty key"),
    ("alias.yaml", "firms.invest_rate", 4, "aliases (*name) are not supported"),
    ("complex_key.yaml", "firms", 3, "a key must be a plain name"),
    ("two_documents.yaml", None, 4, "more than one YAML document"),
    ("deep_nesting.yaml", None, 66, "nested more than 64 levels deep"),
    ("too_many_firms.yaml", "run.scale", 3, "the engine indexes at most 2147483647"),
    ("too_big_for_memory.yaml", "run.scale", 5, "this run needs about 176 GiB (firms 116 GiB, shipments and consignments 60 GiB"),
    ("bad_drivers_cell.yaml", "usd_kzt", 3, "not a number: 'n/a'"),
    ("shock_region_abroad.yaml", "firms.productivity_shocks.cn_almaty.region", 5,
     "'almaty' is not a region with firms in CN"),
    ("shock_market_country.yaml", "firms.productivity_shocks.eu_makers.country", 4,
     "'EU' is not a country with firms"),
    ("competitor_unknown_country.yaml", "economy.import_competitors.RU", 4, "unknown country"),
    ("competitor_weight.yaml", "economy.import_competitors.KZ.weight", 4, "out of range [0, 1]"),
]
AT_FAULT = {"bad_drivers_cell.yaml": "data/bad_drivers.csv", "dup_in_base.yaml": "layers/dup_middle.yaml"}


@pytest.mark.parametrize("name,key,line,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_config_exits_2_naming_file_line_and_key(tmp_path, name, key, line, fragment):
    r = corridor("run", f"tests/configs/bad/{name}", "-o", tmp_path / "out.h5", "--quiet",
                 check=False)
    where = "tests/configs/bad/" + AT_FAULT.get(name, name)
    refused(r, tmp_path, rf"error: {re.escape(where)}:{line}\b", key, fragment)


# Drivers tables: the real configs/data/drivers.csv with one fault, used through
# --set drivers.file=... (line numbers: the header is line 1, 2012 is line 2, 2013 line 3...).
def cell(line, column, value):
    def edit(rows):
        j = rows[0].split(",").index(column)
        cells = rows[line - 1].split(",")
        cells[j] = value
        rows[line - 1] = ",".join(cells)
    return edit


def replace_line(line, text):
    def edit(rows):
        rows[line - 1] = text(rows[line - 1])
    return edit


def header(old, new):
    return replace_line(1, lambda h: h.replace(old, new, 1))


N_COLUMNS = (ROOT / "configs/data/drivers.csv").read_text().splitlines()[0].count(",") + 1
TABLES = [
    ("empty cell", cell(5, "usd_kzt", ""), 5, "usd_kzt", "column 3: empty cell"),
    ("nan", cell(6, "brent_usd_per_bbl", "nan"), 6, "brent_usd_per_bbl", "not a finite number: 'nan'"),
    ("inf", cell(7, "usd_cny", "inf"), 7, "usd_cny", "not a finite number: 'inf'"),
    ("-inf", cell(8, "gdp_growth_kz", "-inf"), 8, "gdp_growth_kz", "not a finite number"),
    ("text", cell(9, "gdp_growth_eu", "1.2.3"), 9, "gdp_growth_eu", "not a number: '1.2.3'"),
    ("spaces", cell(10, "usd_kzt", " 342.16"), 10, "usd_kzt", "not a number: ' 342.16'"),
    ("hex", cell(10, "usd_cny", "0x1p3"), 10, "usd_cny", "not a number"),
    ("negative price", cell(4, "brent_usd_per_bbl", "-5"), 4, "brent_usd_per_bbl",
     "value -5 for 2014 out of range [0.01, 1000] (USD per barrel)"),
    ("zero rate", cell(3, "usd_kzt", "0"), 3, "usd_kzt", "out of range"),
    ("growth -100%", cell(11, "gdp_growth_cn", "-100"), 11, "gdp_growth_cn",
     "out of range [-75, 200]"),
    ("year missing", lambda rows: rows.pop(4), 5, "year", "year 2015 missing"),
    ("year repeated", lambda rows: rows.insert(4, rows[3]), 5, "year",
     "year 2014 repeated (first at line 4)"),
    ("year going back", cell(4, "year", "2011"), 4, "year", "years must increase: 2011 after 2013"),
    ("year not whole", cell(4, "year", "2014.5"), 4, "year", "not a year: '2014.5'"),
    ("too few cells", replace_line(8, lambda l: l.rsplit(",", 1)[0]), 8, None,
     f"expected {N_COLUMNS} cells (one per column of the header), found {N_COLUMNS - 1}"),
    ("too many cells", replace_line(9, lambda l: l + ",1"), 9, None, f"found {N_COLUMNS + 1}"),
    ("repeated column", header("gdp_growth_eu", "gdp_growth_cn"), 1, "gdp_growth_cn",
     "repeats an earlier column name"),
    ("no year column", header("year", "yr"), 1, "year", "first column must be 'year'"),
    ("misspelt column", header("brent_usd_per_bbl", "brent_usd_per_bl"), 1, "brent_usd_per_bbl",
     "did you mean 'brent_usd_per_bl'?"),
    ("gdp driver column missing", header("gdp_growth_ir", "gdp_growth_iran"), 1, "gdp_growth_ir",
     "column named by economy.gdp_driver.IR is missing"),
    ("price driver column missing", header("cpi_kz", "cpi_kaz"), 1, "cpi_kz",
     "column named by economy.price_driver.KZ is missing"),
    ("fx driver column missing", header("usd_cny", "usd_rmb"), 1, "usd_cny",
     "column named by economy.fx_driver.CN is missing"),
    ("header only", lambda rows: rows.__delitem__(slice(1, None)), 2, "year", "no data rows"),
    ("empty file", lambda rows: rows.__delitem__(slice(0, None)), 1, None, "empty drivers file"),
]


@pytest.mark.parametrize("what,edit,line,key,fragment", TABLES, ids=[t[0] for t in TABLES])
def test_bad_drivers_table_exits_2_naming_file_line_and_column(tmp_path, what, edit, line, key,
                                                               fragment):
    rows = (ROOT / "configs/data/drivers.csv").read_text().splitlines()
    edit(rows)
    data = tmp_path / "data"
    data.mkdir()
    table = data / "drivers.csv"
    table.write_text("\n".join(rows) + ("\n" if rows else ""))
    r = corridor("run", "configs/baseline.yaml", "-o", tmp_path / "out.h5", "--quiet", "--set",
                 f"drivers.file={table}", check=False)
    refused(r, tmp_path, rf"error: {re.escape(str(table))}:{line}\b", key, fragment)


# Monthly drivers: the real configs/data/drivers_monthly.csv with one fault (line 2 is its
# first row, Brent in January 2012).
MONTHLY = [
    ("unknown column", lambda rows: rows.__setitem__(
        slice(1, 13), [r.replace("brent_usd_per_bbl", "brent", 1) for r in rows[1:13]]),
     2, "column", "is not a column of"),
    ("month 13", lambda rows: rows.__setitem__(1, rows[1].replace(",2012,1,", ",2012,13,", 1)),
     2, "month", "not a month (1-12)"),
    ("a month missing", lambda rows: rows.__delitem__(1), 2, "month", "month 1 missing"),
    ("no source", lambda rows: rows.__setitem__(1, rows[1][:rows[1].rindex(",") + 1]),
     2, "source", "needs its source"),
    ("months far from the year", lambda rows: rows.__setitem__(
        1, ",".join(rows[1].split(",")[:3] + ["900"] + rows[1].split(",")[4:])),
     2, "value", "more than 3% apart"),
]


@pytest.mark.parametrize("what,edit,line,key,fragment", MONTHLY, ids=[t[0] for t in MONTHLY])
def test_bad_monthly_drivers_exit_2_naming_file_line_and_key(tmp_path, what, edit, line, key,
                                                             fragment):
    rows = (ROOT / "configs/data/drivers_monthly.csv").read_text().splitlines()
    assert rows[1].startswith("brent_usd_per_bbl,2012,1,")
    edit(rows)
    table = tmp_path / "monthly.csv"
    table.write_text("\n".join(rows) + "\n")
    r = corridor("run", "configs/baseline.yaml", "-o", tmp_path / "out.h5", "--quiet", "--set",
                 f"drivers.monthly_file={table}", check=False)
    refused(r, tmp_path, rf"error: {re.escape(str(table))}:{line}\b", key, fragment)


# --set values: read like a config layer named "--set" (no line: the value is its own text).
SETS = [
    (["firms.count=abc"], "firms.count", "expected a number, got 'abc'"),
    (["firms.count="], "firms.count", "expected a number, got '<nothing>'"),
    (["firms.count=2.5e3.1"], "firms.count", "expected a number"),
    (["nonsense"], "nonsense", "expected key=value"),
    (["=5"], "=5", "expected key=value"),
    (["firms..count=5"], "firms..count", "empty part in key path"),
    (["firms.colour=red"], "firms.colour", "unknown key"),
    (["firms.cuont=3000"], "firms.cuont", "did you mean 'count'?"),
    (["firms.count=5000", "firms.count=6000"], "firms.count", "given twice"),
    (["firms.count=5000", "firms={count: 6000}"], "firms", "overlaps the earlier --set firms.count"),
    (["firms={count: 5000, count: 6000}"], "firms.count", "duplicate key"),
    (["firms={hire_rate: &r 0.1, invest_rate: *r}"], "firms.invest_rate", "aliases"),
    (["firms.count=[1"], "firms.count", "bad value"),
    (["firms.utilisation_target=2"], "firms.utilisation_target", "out of range [0.1, 1]"),
    (["firms.hire_rate=.nan"], "firms.hire_rate", "expected a finite number"),
    (["routing.logit_scale=1e999"], "routing.logit_scale", "expected a number, got '1e999'"),
    (["run.seed=-5"], "run.seed", "non-negative whole number"),
    (["policy.rmb_clearing.start=2022-02-30"], "policy.rmb_clearing.start", "bad date"),
    (["trade.market_nodes.EU=eurpe"], "trade.market_nodes.EU", "did you mean 'europe'?"),
    (["policy.border_processing.khorgoss=[]"], "policy.border_processing.khorgoss",
     "did you mean 'khorgos'?"),
    (["firms.count=100000000", "run.scale=1000"], "run.scale", "the engine indexes at most"),
    (["routing.max_queue_days=0"], "routing.max_queue_days", "out of range [0.01, 365]"),
    (["routing.rail_adoption.innovation=0"], "routing.rail_adoption.innovation", "out of range"),
    (["routing.rail_adoption.launch=2011-13-01"], "routing.rail_adoption.launch", "bad date"),
    (["routing.rail_adoption.speed=1"], "routing.rail_adoption.speed", "unknown key"),
    (["policy.rail_subsidy.origin=XX"], "policy.rail_subsidy.origin", "unknown country"),
    (["policy.rail_subsidy.schedule=[{from: 2013-01-01, value: -5}]"],
     "policy.rail_subsidy.schedule[0].value", "out of range [0, 100000]"),
    (["policy.route_risk.corridor=norhtern"], "policy.route_risk.corridor",
     "is not one of: northern, middle, southern, maritime"),
    (["policy.passenger_closure.end=2019-01-01"], "policy.passenger_closure.end",
     "end must be after start"),
    (["policy.passenger_closure.trips_factor=2"], "policy.passenger_closure.trips_factor",
     "out of range [0, 1]"),
    (["policy.pipeline_to_china.enabled=true",
      "policy.pipeline_to_china.russian_transit=[{from: 2012-01-01, value: 12}]"],
     "policy.pipeline_to_china.russian_transit", "leaves no room for Kazakh crude"),
    (["policy.pipeline_to_china.enabled=true", "policy.pipeline_to_china.gas_usd_bn_per_bcm=0"],
     "policy.pipeline_to_china.gas_usd_bn_per_bcm", "needed (above 0) to value gas_bcm"),
    (["policy.pipeline_to_china.enabled=true",
      "policy.pipeline_to_china.deliveries_mt_per_year=0"],
     "policy.pipeline_to_china.deliveries_mt_per_year", "needed (above 0) when enabled"),
    (["policy.pipeline_to_china.gas_bcm=[{from: 2018-01-01, value: 5}, {from: 2017-01-01, value: 1}]"],
     "policy.pipeline_to_china.gas_bcm[1].from", "dates must increase"),
    (["network.links.lyg_europe_sea.freight_driver=sea_freight_cn_eu"],
     "network.links.lyg_europe_sea.freight_driver", "column 'sea_freight_cn_eu' is not in"),
    (["economy.resource_income.XX={price: brent_usd_per_bbl, deflator: cpi_us, gdp_share: 0.2}"],
     "economy.resource_income.XX", "unknown country"),
    (["economy.resource_income.KZ.price=oil"], "economy.resource_income.KZ.price",
     "column 'oil' is not in"),
    (["economy.resource_income.KZ.deflator=cpi_world"], "economy.resource_income.KZ.deflator",
     "column 'cpi_world' is not in"),
    (["economy.resource_income.KZ.gdp_share=1.2"], "economy.resource_income.KZ.gdp_share",
     "out of range [0, 0.9]"),
    (["economy.base_year=2005"], "economy.base_year", "not a year of"),
    (["drivers.observed_until=2040"], "drivers.observed_until", "not a year of the drivers table"),
    (["drivers.monthly_file=no/such.csv"], "drivers.monthly_file", "data file not found"),
    (["drivers.observed_until=2013", "drivers.growth_window_years=5"], "drivers.observed_until",
     "the growth rule averages 5 observed years"),
    (["drivers.observed_until=2022", "drivers.mean_reverting=[sea_freight]"],
     "drivers.mean_reverting", "no column 'sea_freight'"),
    (["run.shipment_pool_slots=-5"], "run.shipment_pool_slots", "out of range"),
    (["run.shipment_pool_slots=5e9"], "run.shipment_pool_slots", "out of range"),
    (["trade.income_elasticity=-1"], "trade.income_elasticity", "out of range [0, 5]"),
    (["economy.base_year=2013.5"], "economy.base_year", "expected a whole number"),
    (["economy.fx_driver.XX=usd_kzt"], "economy.fx_driver.XX", "unknown country"),
    (["economy.price_driver.KZ=[1]"], "economy.price_driver.KZ", "expected a string"),
    (["firms.export_hysteresis=1.5"], "firms.export_hysteresis", "out of range"),
    (["firms.productivity_shocks.x={start: 2014-01-01, country: CN, region: xian}"],
     "firms.productivity_shocks.x.sector", "missing required key"),
    (["firms.productivity_shocks.x={start: 2014-01-01, country: CN, region: xian, "
      "sector: steel, factor: 1.1}"], "firms.productivity_shocks.x.sector", "'steel' is not one of"),
    (["firms.productivity_shocks.x={start: 2014-01-01, country: CN, region: xian, "
      "sector: metals, factor: 0}"], "firms.productivity_shocks.x.factor", "out of range"),
]


@pytest.mark.parametrize("sets,key,fragment", SETS, ids=[" ".join(s[0]) for s in SETS])
def test_bad_set_values_exit_2_naming_the_key(tmp_path, sets, key, fragment):
    args = [a for s in sets for a in ("--set", s)]
    r = corridor("run", "configs/baseline.yaml", "-o", tmp_path / "out.h5", "--quiet", *args,
                 check=False)
    refused(r, tmp_path, r"error: --set: ", key, fragment)


# Command lines: every number parsed whole and in range.
COMMANDS = [
    (["run", "configs/baseline.yaml", "--threads", "two"], "--threads", "expected a whole number"),
    (["run", "configs/baseline.yaml", "--threads", "0"], "--threads", "out of range [1, 4096]"),
    (["run", "configs/baseline.yaml", "--threads", "1.5"], "--threads", "expected a whole number"),
    (["run", "configs/baseline.yaml", "--threads", " 2"], "--threads", "expected a whole number"),
    (["run", "configs/baseline.yaml", "--seed", "-1"], "--seed", "expected a whole number, got '-1'"),
    (["run", "configs/baseline.yaml", "--seed", "1e3"], "--seed", "expected a whole number"),
    (["run", "configs/baseline.yaml", "--seed", "99999999999999999999999"], "--seed",
     "expected a whole number"),
    (["bench", "--firms", "12x"], "--firms", "expected a whole number, got '12x'"),
    (["bench", "--firms", "5"], "--firms", "out of range [10, 100000000]"),
    (["bench", "--days", "0"], "--days", "out of range"),
    (["bench", "--threads", "-2"], "--threads", "out of range"),
]


@pytest.mark.parametrize("args,key,fragment", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_bad_command_line_numbers_exit_2(tmp_path, args, key, fragment):
    out = ["-o", tmp_path / "out.h5", "--quiet"] if args[0] == "run" else []
    r = corridor(*args, *out, check=False)
    refused(r, tmp_path, r"error: command line: ", key, fragment)


def test_bad_command_lines_exit_2(tmp_path):
    out = tmp_path / "x.h5"
    r = corridor("run", "-o", out, check=False)
    refused(r, tmp_path, r"error: corridor run: ", "CONFIG", "missing config file")
    r = corridor("run", "configs/no_such.yaml", "-o", out, check=False)
    refused(r, tmp_path, r"error: configs/no_such\.yaml: ", None, "config file not found")
    r = corridor("run", "configs/baseline.yaml", "-o", out, "--thread", "2", check=False)
    refused(r, tmp_path, r"error: ", None, "unrecognised option '--thread'")
    r = corridor("run", "configs/baseline.yaml", "-o", tmp_path / "no" / "dir" / "x.h5", *SMALL,
                 check=False)
    refused(r, tmp_path, r"error: ", "-o", "output directory does not exist")
    r = corridor("rn", "configs/baseline.yaml", check=False)
    assert r.returncode == 2 and "unknown command 'rn'; did you mean 'run'?" in r.stderr
    for bad in (["--replicates", "0"], ["--replicates", "1_0"], ["--level", "nan"]):
        r = corridor("compare", *bad, "--base-config", "configs/baseline.yaml",
                     "--scenario-config", "configs/scenarios/no_visa_free.yaml",
                     "-o", tmp_path / "cmp", check=False)
        assert r.returncode == 2 and bad[0] in r.stderr, (bad, r.stderr)
        assert not (tmp_path / "cmp").exists()


def test_runs_too_big_for_memory_are_refused_before_they_start(tmp_path):
    out = tmp_path / "x.h5"
    env = {"CORRIDOR_MEMORY_LIMIT_MIB": "100"}
    r = corridor_env(env, "run", "configs/baseline.yaml", "-o", out, "--quiet")
    # The baseline's estimate is about 170 MiB, most of it the shipment and consignment pools.
    refused(r, tmp_path, r"error: configs/baseline\.yaml:\d+: ", "trade.shipment_teu",
            "but CORRIDOR_MEMORY_LIMIT_MIB is 100.0 MiB")
    assert re.search(r"needs about 1\d\d\.\d MiB \(firms 1\d\.\d MiB, shipments and consignments", r.stderr)
    r = corridor_env(env | {"CORRIDOR_MEMORY_LIMIT_MIB": "lots"}, "run", "configs/baseline.yaml",
                     "-o", out, "--quiet")
    refused(r, tmp_path, r"error: environment: ", "CORRIDOR_MEMORY_LIMIT_MIB",
            "expected a positive number of MiB")
    r = corridor_env({"CORRIDOR_MEMORY_LIMIT_MIB": "100"}, "run", "configs/baseline.yaml",
                     "-o", out, "--quiet", "--set", "firms.count=3000", "--set",
                     "trade.shipment_teu=20", "--set", "run.end=2013-01-31")
    assert r.returncode == 0, r.stderr  # a small run fits


def test_runs_short_of_shipment_slots_say_so(tmp_path):
    # A pool too small for the shipments in flight makes proposals wait: trade is then
    # understated, and the run, its summary and a sweep must say so, even when quiet.
    out = tmp_path / "d.h5"
    r = corridor("run", "configs/baseline.yaml", "-o", out, "--quiet", "--set",
                 "firms.count=2000", "--set", "run.end=2013-03-31", "--set",
                 "run.shipment_pool_slots=300")
    assert r.returncode == 0, r.stderr
    assert re.search(r"warning: .*d\.h5: \d+ shipment proposals found no free slot in the pool "
                     r"of 300 shipments \(or no free consignment\)", r.stderr), r.stderr
    assert "run.shipment_pool_slots" in r.stderr
    assert "warning: " in corridor("summary", out).stdout
    r = corridor("run", "configs/baseline.yaml", "-o", out, "--quiet", "--set",
                 "firms.count=2000", "--set", "run.end=2013-03-31")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    assert "warning" not in corridor("summary", out).stdout


def corridor_env(env, *args):
    return subprocess.run([BIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=os.environ | env)


def test_help_version_and_schedule():
    assert "corridor run CONFIG" in corridor("run", "--help").stdout
    assert re.match(r"corridor \d+\.\d+\.\d+", corridor("--version").stdout)
    phases = corridor("run", "--print-schedule").stdout
    names = re.findall(r"^\s*\d+\.\s+(\w+)", phases, re.M)
    assert names == ["policy", "travel", "routing", "production", "shipping", "transport",
                     "border_queues", "settlement", "investment", "accounting", "record"]


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def test_threads_do_not_change_any_dataset(tmp_path):
    one, two, other = tmp_path / "t1.h5", tmp_path / "t2.h5", tmp_path / "s8.h5"
    corridor("run", "configs/baseline.yaml", "-o", one, "--threads", 1, "--seed", 7, *SMALL)
    corridor("run", "configs/baseline.yaml", "-o", two, "--threads", 2, "--seed", 7, *SMALL)
    corridor("run", "configs/baseline.yaml", "-o", other, "--threads", 2, "--seed", 8, *SMALL)
    a, b, c = datasets(one), datasets(two), datasets(other)
    assert a.keys() == b.keys() and len(a) > 50
    for name in a:
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.dtype == object:  # labels
            assert x.tolist() == y.tolist(), name
        else:
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert a["daily/bilateral_trade_usd"].tobytes() != c["daily/bilateral_trade_usd"].tobytes()
    with h5py.File(one) as f1, h5py.File(two) as f2:
        assert f1.attrs["threads"] == 1 and f2.attrs["threads"] == 2
        assert f1.attrs["seed"] == 7


def test_output_opens_with_h5dump_and_xarray(tmp_path):
    path = tmp_path / "b.h5"
    corridor("run", "configs/baseline.yaml", "-o", path, *SMALL)
    header = subprocess.run(["h5dump", "-H", str(path)], capture_output=True, text=True, check=True)
    assert 'GROUP "daily"' in header.stdout and "bilateral_trade_usd" in header.stdout
    with h5py.File(path) as f:
        assert f.attrs["complete"] == 1
        assert "visa_free" in f.attrs["resolved_parameters"]
        assert f.attrs["corridor_version"]
    ds = xr.open_dataset(path, engine="h5netcdf", group="daily")
    assert np.issubdtype(ds.time.dtype, np.datetime64)
    assert str(ds.time.values[0])[:10] == "2013-01-01"
    assert ds.exports_usd.dims == ("time", "origin", "destination")
    assert ds.exports_by_sector_usd.dims == ("time", "origin", "destination", "sector")
    assert np.allclose(ds.exports_by_sector_usd.sum("sector"), ds.exports_usd, rtol=1e-9, atol=1e-6)
    assert ds.border_queue_days.dims == ("time", "crossing")
    assert "khorgos" in list(ds.crossing.values)
    assert ds.bilateral_trade_usd.attrs["units"] == "USD"
    ann = xr.open_dataset(path, engine="h5netcdf", group="annual")
    assert list(ann.time.dt.year.values) == [2013, 2014]
    np.testing.assert_allclose(ann.bilateral_trade_usd.sum(), ds.bilateral_trade_usd.sum(), rtol=1e-9)
    ev = xr.open_dataset(path, engine="h5netcdf", group="events")
    assert "project_completed" in set(ev.kind.values)
    panel = xr.open_dataset(path, engine="h5netcdf", group="panel")
    assert panel.capital_usd.dims == ("time", "firm")


def test_summary_prints_a_row_per_year(tmp_path):
    path = tmp_path / "b.h5"
    corridor("run", "configs/baseline.yaml", "-o", path, *SMALL)
    rows = corridor("summary", path).stdout.strip().splitlines()
    assert rows[0].split()[0] == "year" and [r.split()[0] for r in rows[1:]] == ["2013", "2014"]
