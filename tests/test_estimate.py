"""``symbiosis estimate``: estimated streams from a company register, computed by hand from a small coefficient table.

The table ``COEFFICIENTS`` below is the test's own (``--coefficients``), so that every
value is worked out here, independently of the shipped figures:

- ``a`` (NACE 62.01, section J; 40 employees, 1,000 m2): cardboard from ROOT-PAPER (no row
  for J, 62, 62.0 or 62.01): 0.2 x 40 = 8 t in [0.1 x 40, 0.3 x 40] = [4, 12]. Heat demand:
  J-HEAT-EMP (prefix J, depth 1) beats the root rows although a floor area is given:
  7 x 40 = 280 MWh in [240, 320].
- ``b`` (written C25.62; 20 employees, no floor area): cardboard from the longest prefix,
  25.62-PAPER: 1.2 x 20 = 24 t in [20, 30]; heat: no J row; the root m2 row has no basis,
  so HEAT-EMP: 5 x 20 = 100 MWh in [80, 120].
- ``e`` (46.69; no employees, 500 m2): no cardboard (per employee only); heat from
  HEAT-M2: 0.1 x 500 = 50 MWh in [25, 100].
- ``c`` has no NACE code: nothing, and a warning.
- ``d`` (62.01, 10 employees) has a measured heat demand of 999 MWh: kept; cardboard
  0.2 x 10 = 2 t.
- ``r`` (38.32, 2 employees): cardboard demand 20 x 2 = 40 t in [20, 60]; like every firm
  with staff it also supplies cardboard (ROOT-PAPER: 0.2 x 2 = 0.4 t) and needs heat
  (HEAT-EMP: 5 x 2 = 10 MWh).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from symbiosis import api
from symbiosis.cli import app
from symbiosis.errors import ScenarioError
from symbiosis.register.tables import load_tables

runner = CliRunner()

HEADER = "id,nace_prefix,resource,direction,basis,value,low,high,unit,ewc,temperature_c,profile,price_eur_per_unit,co2_kg_per_unit,status,source\n"
COEFFICIENTS = HEADER + (
    "ROOT-PAPER,,cardboard,supply,employee,0.2,0.1,0.3,t,15 01 01,,,,,EST,test row\n"
    "C-PAPER,C,cardboard,supply,employee,0.5,0.4,0.8,t,15 01 01,,,,,EST,test row\n"
    "25-PAPER,25,cardboard,supply,employee,0.9,0.5,1.0,t,,,,,,EST,test row\n"
    "25.62-PAPER,25.62,cardboard,supply,employee,1.2,1.0,1.5,t,,,,,,EST,test row\n"
    "38.32-PAPER-NEED,38.32,cardboard,demand,employee,20,10,30,t,,,,,,EST,test row\n"
    "HEAT-M2,,heat,demand,m2,0.1,0.05,0.2,MWh,,55,,,,derived,test row\n"
    "HEAT-EMP,,heat,demand,employee,5,4,6,MWh,,55,,,,EST,test row\n"
    "J-HEAT-EMP,J,heat,demand,employee,7,6,8,MWh,,55,,,,EST,test row\n"
)
COMPANIES = [
    ("a", "62.01", "40", "1000"),
    ("b", "C25.62", "20", ""),
    ("c", "", "15", ""),
    ("d", "62.01", "10", ""),
    ("e", "46.69", "", "500"),
    ("r", "38.32", "2", ""),
]


def register(folder: Path, measured: bool = True) -> Path:
    """A small register (companies 0.1-0.5 km apart) with one measured stream for d."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["id,name,sector,lat,lon,nace,employees,floor_area_m2"]
    for k, (cid, nace, staff, m2) in enumerate(COMPANIES):
        rows.append(f"{cid},Company {cid.upper()},,{50.85 + 0.001 * k},4.70,{nace},{staff},{m2}")
    (folder / "companies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    tables = "companies: companies.csv"
    if measured:
        (folder / "resources.csv").write_text("id,family,unit,pricing,transport,pipe_capex_eur_per_m,max_distance_km\nheat,energy,MWh,volume,pipe,600,2\n", encoding="utf-8")
        (folder / "streams.csv").write_text(
            "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,note\nd_heat,d,demand,heat,999,54.35,222.8,55,an energy audit\n",
            encoding="utf-8",
        )
        tables += ", resources: resources.csv, streams: streams.csv"
    (folder / "scenario.yaml").write_text(f"format: 1\nname: small register\ntables: {{{tables}}}\nsettings: {{link_fixed_cost_eur_per_year: 100}}\n", encoding="utf-8")
    return folder


@pytest.fixture
def coefficients(tmp_path: Path) -> Path:
    path = tmp_path / "coefficients.csv"
    path.write_text(COEFFICIENTS, encoding="utf-8")
    return path


def _estimated(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "streams.csv", newline="", encoding="utf-8") as fh:
        return {r["id"]: r for r in csv.DictReader(fh)}


def test_estimate_by_hand(tmp_path: Path, coefficients: Path) -> None:
    new = tmp_path / "new"
    result = runner.invoke(app, ["estimate", str(register(tmp_path / "reg")), "--out", str(new), "--coefficients", str(coefficients)])
    assert result.exit_code == 0, result.output
    assert "companies.csv: row 4, column 'nace': 'c' has no NACE code: nothing is estimated for it" in result.output
    streams = _estimated(new)
    expected = {
        "a_cardboard_supply": (8, "ROOT-PAPER"), "a_heat_demand": (280, "J-HEAT-EMP"),
        "b_cardboard_supply": (24, "25.62-PAPER"), "b_heat_demand": (100, "HEAT-EMP"),
        "d_cardboard_supply": (2, "ROOT-PAPER"), "e_heat_demand": (50, "HEAT-M2"),
        "r_cardboard_demand": (40, "38.32-PAPER-NEED"), "r_heat_demand": (10, "HEAT-EMP"), "r_cardboard_supply": (0.4, "ROOT-PAPER"),
    }  # fmt: skip
    assert set(streams) == set(expected) | {"d_heat"}
    for sid, (quantity, coef) in expected.items():
        assert float(streams[sid]["quantity"]) == pytest.approx(quantity), sid
        assert streams[sid]["source"] == f"estimated: {coef}", sid
    # The measured stream is kept as it was, with its own columns.
    assert streams["d_heat"]["quantity"] == "999" and streams["d_heat"]["note"] == "an energy audit" and streams["d_heat"]["source"] == ""
    ranges = pd.read_csv(new / "uncertainty.csv")
    got = {r.stream: (r.low, r.high, r.distribution, r.source) for r in ranges.itertuples()}
    assert got["a_cardboard_supply"] == (4, 12, "triangular", "estimated: ROOT-PAPER")
    assert got["a_heat_demand"][:2] == (240, 320)
    assert got["b_cardboard_supply"][:2] == (20, 30)
    assert got["e_heat_demand"][:2] == (25, 100)
    assert "d_heat" not in got
    summary = pd.read_csv(new / "estimate_summary.csv", keep_default_na=False).set_index("company")
    assert summary.loc["c", "n_estimated"] == 0 and "no NACE code" in summary.loc["c", "note"]
    assert summary.loc["d", "kept"] == "heat demand" and summary.loc["d", "n_estimated"] == 1
    assert "no basis for cardboard supply (employees)" in summary.loc["e", "note"]
    prov = pd.read_csv(new / "estimates.csv").set_index("stream")
    assert prov.loc["a_heat_demand", "nace_prefix"] == "J" and prov.loc["a_heat_demand", "basis"] == "employees" and prov.loc["a_heat_demand", "basis_value"] == 40
    assert prov.loc["e_heat_demand", "basis"] == "floor_area_m2"
    # The resources the streams need came from the catalogue; the new folder is a valid scenario.
    sc = api.load_scenario(new)
    assert sc.resource_by_id["cardboard"].kg_per_unit == 1000
    assert sc.stream_by_id["a_cardboard_supply"].ewc == "15 01 01" and sc.stream_by_id["a_cardboard_supply"].estimated


def test_register_alone_with_the_shipped_table(tmp_path: Path) -> None:
    """A register with no resources or streams is enough to start; a second run over the estimate adds nothing."""
    new = tmp_path / "new"
    est = api.estimate(register(tmp_path / "reg", measured=False))
    est.write(new)
    sc = api.load_scenario(new)
    assert {s.company for s in sc.streams} == {"a", "b", "d", "e", "r"}
    assert all(s.estimated for s in sc.streams)
    assert {u.stream for u in sc.uncertainty} == {s.id for s in sc.streams}
    again = api.estimate(new)
    assert len(again.scenario.streams) == len(sc.streams) and int(again.summary["n_estimated"].sum()) == 0


def test_estimate_refuses_to_write_over_its_input(tmp_path: Path) -> None:
    reg = register(tmp_path / "reg")
    result = runner.invoke(app, ["estimate", str(reg), "--out", str(reg)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_coefficient_row_without_a_source_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X1,,cardboard,supply,employee,0.2,0.1,0.3,t,,,,,,EST,reason\nX2,,heat,demand,employee,5,4,6,MWh,,,,,,EST,\n", encoding="utf-8")
    result = runner.invoke(app, ["estimate", str(register(tmp_path / "reg")), "--out", str(tmp_path / "new"), "--coefficients", str(bad)])
    assert result.exit_code == 2, result.output
    assert "bad.csv: row 3, column 'source'" in result.output and "public source" in result.output


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("X,10.79,cardboard,supply,employee,0.2,0.1,0.3,t,,,,,,EST,r", "nace_prefix", "nearest is 10.73"),
        ("X,,cardboard,supply,employee,0.5,0.1,0.3,t,,,,,,EST,r", "value", "outside its range"),
        ("X,,cardboard,supply,employee,0.2,0.1,0.3,kg,,,,,,EST,r", "unit", "is not the unit of 'cardboard'"),
        ("X,,paper,supply,employee,0.2,0.1,0.3,t,,,,,,EST,r", "resource", "not in the resource catalogue"),
        ("X,,cardboard,supply,person,0.2,0.1,0.3,t,,,,,,EST,r", "basis", "is not one of"),
        ("X,,cardboard,supply,employee,0.2,0.1,0.3,t,,,,,,guess,r", "status", "is not one of"),
        ("X,,cardboard,supply,employee,0.2,0.1,0.3,t,15 01 01*,,,,,EST,r", "ewc", "not a hazardous entry"),
    ],
)
def test_bad_coefficient_rows(tmp_path: Path, row: str, column: str, words: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_tables(bad)
    problems = err.value.problems
    assert any(p.row == 2 and p.column == column and words in p.message for p in problems), problems


def test_shipped_table_names_a_source_per_row_and_its_derivations_hold() -> None:
    """Every shipped coefficient has a status and a source; the derived Valipac rows are the arithmetic they state.

    Valipac 2018 (Flanders): residual 945,348 t, paper and cardboard 636,328 t; Flemish employment 2019: 2,876,600;
    collected film 50,880 t of 91,516 t of plastics. Irish EPA sectoral factors: offices 0.126 t, wholesale 1.957 t
    per employee; WRAP: 60-80 % of office waste is paper; South-East Ireland 2003: paper and cardboard 42,268 t and
    plastic 8,626 t of 86,262 t. CBS 2012: manufacturing paper 589 kt (16-18: 376) over 794 k jobs (16-18: 60 k);
    NACE 25 ferrous 128 - 48 and mixed 105 - 25 kt over 83 k jobs; NACE 22 plastic 53 kt over 32 k jobs.
    PlasticsEurope 2010: 46.4 Mt x 19 % PP over 1.6 million people. Lunches: 260 weekdays x 0.7084 worked x 0.70
    lunching x (1 - 0.62) not home-made. EURAC: 160.9 kWh/m2 for Belgian service buildings.
    """
    tables = load_tables()
    assert len(tables.coefficients) >= 40
    for c in tables.coefficients:
        assert c.source.strip() and c.status in ("sourced", "derived", "EST"), c.id
    by_id = {c.id: c for c in tables.coefficients}
    assert by_id["ALL-RESIDUAL"].value == pytest.approx(945_348 / 2_876_600, abs=0.005)
    assert by_id["ALL-PAPER"].value == pytest.approx(636_328 / 2_876_600, abs=0.005)
    derived = {
        "J-PAPER": 0.126 * 0.70,
        "G-PAPER": 1.957 * 42_268 / 86_262,
        "G-FILM": 1.957 * 8_626 / 86_262 * 50_880 / 91_516,
        "C-PAPER": (589 - 376) / (794 - 60),
        "C-FILM": (141 - 25 - 53) / (794 - 60 - 32) * 50_880 / 91_516,
        "C25-SCRAP": ((128 - 48) + (105 - 25)) / 83,
        "22-REGRIND": 53 / 32,
        "22-VIRGIN-PP": 46.4 * 0.19 / 1.6,
        "ALL-MEALS": 260 * 0.7084 * 0.70 * (1 - 0.62),
        "ALL-HEAT-M2": 160.9 / 1000,
    }
    for cid, expected in derived.items():
        assert by_id[cid].value == pytest.approx(expected, rel=0.02), cid
        assert by_id[cid].status in ("derived", "sourced"), cid
    assert by_id["K-PAPER"].value == by_id["M-PAPER"].value == by_id["N-PAPER"].value == by_id["J-PAPER"].value
    # The catalogue names a source for every default.
    for entry in tables.catalogue.values():
        assert entry.price_source and entry.co2_source and entry.kg_per_unit_source and entry.transport_source
    # Every resource of the Haasrode scenario's estimable families is covered by the catalogue.
    assert {"cardboard", "pallet", "ldpe_film", "metal_scrap", "bwood", "food_waste", "pp_regrind", "virgin_pp", "heat", "parking", "commute_shift", "waste_collection", "meals"} <= set(tables.catalogue)


def test_estimates_share_in_the_summary(tmp_path: Path, coefficients: Path) -> None:
    """summary.json 'estimates': the savings of matches touching an estimated stream over the net savings, recomputed here."""
    new = tmp_path / "new"
    api.estimate(register(tmp_path / "reg"), coefficients).write(new)
    sc = api.load_scenario(new)
    result = api.solve(sc)
    m = result.matches
    assert len(m) >= 1
    estimated = {s.id for s in sc.streams if s.estimated}
    on = m["supply_stream"].isin(estimated) | m["demand_stream"].isin(estimated)
    block = result.summary.estimates
    assert block is not None
    assert block["n_estimated_streams"] == len(estimated) and block["n_matches_on_estimates"] == int(on.sum())
    assert block["savings_on_estimates_eur_per_year"] == pytest.approx(float(m.loc[on, "savings_eur_per_year"].sum()))
    assert block["savings_share"] == pytest.approx(float(m.loc[on, "savings_eur_per_year"].sum()) / float(m["savings_eur_per_year"].sum()))
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(new), "--out", str(out), "--report"])
    assert res.exit_code == 0 and "rest on estimated streams" in res.output
    assert 'id="estimates"' in (out / "report.html").read_text(encoding="utf-8")
    # A scenario without estimated streams has no such block, as before.
    plain = api.solve(register(tmp_path / "plain"))
    assert plain.summary.estimates is None and "estimates" not in plain.summary.to_json()


def test_unit_clash_with_the_scenario_is_refused(tmp_path: Path, coefficients: Path) -> None:
    reg = register(tmp_path / "reg")
    (reg / "resources.csv").write_text("id,family,unit,pricing,transport,pipe_capex_eur_per_m,max_distance_km\nheat,energy,kWh,volume,pipe,600,2\n", encoding="utf-8")
    result = runner.invoke(app, ["estimate", str(reg), "--out", str(tmp_path / "new"), "--coefficients", str(coefficients)])
    assert result.exit_code == 2 and "resources.csv: row 2, column 'unit'" in result.output and "kWh" in result.output


def test_csv_of_shipped_data_are_plain() -> None:
    """The shipped tables read as plain CSV (no formula cell, no stray delimiter)."""
    from importlib import resources

    for name in ("coefficients.csv", "resource_catalogue.csv", "nace_rev2.csv", "list_of_waste.csv", "list_of_waste_headings.csv", "profiles.csv", "substitutions.csv"):
        text = resources.files("symbiosis").joinpath("data", name).read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert all(len(r) == len(rows[0]) for r in rows), name
        assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r), name


def test_bundled_register_is_a_real_folder_of_nace_codes_and_staff() -> None:
    """scenarios/haasrode_register: no symbolic link; every one of the 60 Haasrode agents with a NACE code and its staff, and nothing else."""
    folder = Path(__file__).resolve().parents[1] / "scenarios" / "haasrode_register"
    assert not folder.is_symlink() and not any(p.is_symlink() for p in folder.iterdir())
    raw = api.read_scenario(folder, required=("companies",)).validate(required=("companies",))
    assert len(raw.companies) == 60 and not raw.streams and not raw.resources
    assert all(c.nace and c.employees for c in raw.companies)
    full = api.load_scenario(folder.parent / "haasrode")
    assert {c.id for c in raw.companies} == {c.id for c in full.companies}
    est = api.estimate(folder)
    assert set(est.summary.loc[est.summary["n_estimated"] > 0, "company"]) == {c.id for c in raw.companies}


def test_a_register_with_nothing_to_estimate_is_refused(tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text("id,name,sector,lat,lon,nace,employees\na,A,,50.85,4.7,,12\n", encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text("format: 1\nname: r\ntables: {companies: companies.csv}\n", encoding="utf-8")
    result = runner.invoke(app, ["estimate", str(tmp_path), "--out", str(tmp_path.parent / "new")])
    assert result.exit_code == 2 and "nothing to estimate" in result.output and "'a' has no NACE code" in result.output


def test_the_input_is_written_back_whole(tmp_path: Path) -> None:
    """Estimating over the full Haasrode scenario (no company has a NACE code) writes every table back: the same scenario
    (same fingerprint, same ranges), with the analyst's own columns (provenance, note) kept."""
    folder = Path(__file__).resolve().parents[1] / "scenarios" / "haasrode"
    est = api.estimate(folder)
    assert int(est.summary["n_estimated"].sum()) == 0 and len(est.warnings) == 60
    est.write(tmp_path / "copy")
    a, b = api.load_scenario(folder), api.load_scenario(tmp_path / "copy")
    assert a.fingerprint() == b.fingerprint() and a.uncertainty == b.uncertainty
    with open(tmp_path / "copy" / "streams.csv", newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header[-2:] == ["provenance", "note"]


def test_text_cells_survive_the_safe_csv_escape(tmp_path: Path, coefficients: Path) -> None:
    """The new scenario's CSV cells are escaped like every output ('=...' never a formula), and read back as they were."""
    reg = register(tmp_path / "reg")
    text = (reg / "companies.csv").read_text(encoding="utf-8").replace("Company A,", "'t Kofschip,").replace("Company B,", '"=HYPERLINK(""x"")",')
    (reg / "companies.csv").write_text(text, encoding="utf-8")
    (reg / "streams.csv").write_text((reg / "streams.csv").read_text(encoding="utf-8").replace("an energy audit", "-5 % after the audit"), encoding="utf-8")
    new = tmp_path / "new"
    api.estimate(reg, coefficients).write(new)
    raw = (new / "companies.csv").read_text(encoding="utf-8")
    assert "''t Kofschip" in raw and "'=HYPERLINK" in raw
    back = api.load_scenario(new)
    assert back.company_by_id["a"].name == "'t Kofschip" and back.company_by_id["b"].name == '=HYPERLINK("x")'
    with open(new / "streams.csv", newline="", encoding="utf-8") as fh:
        note = {r["id"]: r["note"] for r in csv.DictReader(fh)}["d_heat"]
    assert note == "'-5 % after the audit"  # escaped on disk; a symbiosis reader drops the apostrophe
    again = api.estimate(new, coefficients)
    assert again.scenario.company_by_id["a"].name == "'t Kofschip"
