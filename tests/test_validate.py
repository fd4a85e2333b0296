"""Broken scenarios: every problem is named by file, row and column, with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE, write_scenario
from symbiosis.cli import app
from symbiosis.errors import ScenarioError
from symbiosis.io.read import load_scenario
from symbiosis.schema import Company, Resource, Scenario, Stream

runner = CliRunner()


def _replace(name: str, old: str, new: str) -> dict[str, str]:
    files = dict(BASE)
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new)
    return files


# (id, files, expected fragments of the message: file, row, column, what)
BROKEN = [
    ("missing_file", {k: v for k, v in BASE.items() if k != "streams.csv"}, ["streams.csv", "file not found"]),
    (
        "missing_column",
        _replace("streams.csv", "id,company,direction,resource,quantity,", "id,company,direction,resource,"),
        ["streams.csv", "row 1", "column 'quantity'", "required column is missing"],
    ),
    (
        "duplicate_id",
        _replace("companies.csv", "C,Gamma", "A,Gamma"),
        ["companies.csv", "row 4", "column 'id'", "duplicate id 'A' (first at row 2)"],
    ),
    ("unknown_company", _replace("streams.csv", "cb_b,B,", "cb_b,Z,"), ["streams.csv", "row 3", "column 'company'", "unknown company 'Z'"]),
    (
        "unknown_resource",
        _replace("streams.csv", "cb_b,B,demand,cardboard", "cb_b,B,demand,paper"),
        ["streams.csv", "row 3", "column 'resource'", "unknown resource 'paper'"],
    ),
    ("negative_quantity", _replace("streams.csv", "cb_a,A,supply,cardboard,50", "cb_a,A,supply,cardboard,-5"), ["streams.csv", "row 2", "column 'quantity'", "greater than 0"]),
    ("non_numeric", _replace("companies.csv", "50.855", "fifty"), ["companies.csv", "row 3", "column 'lat'", "expected a number, got 'fifty'"]),
    ("unknown_profile", _replace("streams.csv", ",evening,", ",evenings,"), ["streams.csv", "row 4", "column 'profile'", "unknown profile 'evenings'"]),
    (
        "mismatched_slots",
        _replace("profiles.csv", "event,day,0.25\nevent,night,1\n", "event,morning,0.25\nevent,night,1\n"),
        ["streams.csv", "row 5", "column 'profile'", "profile 'event' names slots"],
    ),
    ("peak_on_road", _replace("resources.csv", "parking,parking,space,peak,walk", "parking,parking,space,peak,road"), ["resources.csv", "row 3", "column 'transport'", "peak-priced"]),
    ("bad_enum", _replace("streams.csv", "cb_b,B,demand", "cb_b,B,wanted"), ["streams.csv", "row 3", "column 'direction'", "'wanted' is not one of"]),
    ("nan_value", _replace("streams.csv", "cb_b,B,demand,cardboard,40", "cb_b,B,demand,cardboard,nan"), ["streams.csv", "row 3", "column 'quantity'"]),
    ("semicolons", {**BASE, "companies.csv": BASE["companies.csv"].replace(",", ";")}, ["companies.csv", "row 1", "separator"]),
    ("ragged_row", _replace("companies.csv", "B,Beta,plant,50.855,4.700", "B,Beta,plant,50.855"), ["companies.csv", "row 3", "has 4 cells but the header has 5"]),
    ("peak_supply_price", _replace("streams.csv", "pk_a,A,supply,parking,30,0", "pk_a,A,supply,parking,30,12"), ["streams.csv", "row 4", "column 'price_eur_per_unit'", "must be 0 or empty"]),
    ("path_escape", _replace("scenario.yaml", "streams: streams.csv", "streams: ../streams.csv"), ["scenario.yaml", "tables.streams", "stay inside the scenario folder"]),
    ("zero_profile", _replace("profiles.csv", "evening,night,1", "evening,night,0"), ["profiles.csv", "row 2", "column 'value'", "zero in every slot"]),
]


@pytest.mark.parametrize("name,files,fragments", BROKEN, ids=[b[0] for b in BROKEN])
def test_validate_names_file_row_column(tmp_path: Path, name: str, files: dict[str, str], fragments: list[str]) -> None:
    """Each broken scenario exits with code 2 and a message that names where and what."""
    folder = write_scenario(tmp_path / name, files)
    result = runner.invoke(app, ["validate", str(folder)])
    text = result.output
    assert result.exit_code == 2, text
    assert "Traceback" not in text
    line = next((ln for ln in text.splitlines() if fragments[0] in ln and all(f in ln for f in fragments)), None)
    assert line is not None, f"no line holds all of {fragments}:\n{text}"


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    """Three mistakes in three files are all reported at once; a road resource also lacks its mass."""
    files = _replace("streams.csv", "cb_b,B,", "cb_b,Z,")
    files["companies.csv"] = files["companies.csv"].replace("50.855", "fifty")
    files["resources.csv"] = files["resources.csv"].replace("parking,parking,space,peak,walk", "parking,parking,space,peak,road")
    result = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "s", files))])
    assert result.exit_code == 2
    assert "4 problem(s)" in result.output
    for frag in ("unknown company 'Z'", "'fifty'", "peak-priced", "column 'kg_per_unit': required for a road resource"):
        assert frag in result.output


def test_validate_ok(tiny: Path) -> None:
    result = runner.invoke(app, ["validate", str(tiny)])
    assert result.exit_code == 0, result.output
    assert "3 companies" in result.output and "4 streams" in result.output


def test_bad_input_through_the_real_console_script(tmp_path: Path) -> None:
    """The installed entry point, not just the typer app, exits 2 without a traceback."""
    folder = write_scenario(tmp_path / "s", _replace("streams.csv", "cb_b,B,", "cb_b,Z,"))
    proc = subprocess.run([sys.executable, "-m", "symbiosis", "solve", str(folder), "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "streams.csv: row 3, column 'company': unknown company 'Z'" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_bad_setting_on_the_command_line(tiny: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(tiny), "--out", str(tmp_path / "o"), "--set", "detour_factor=-1"])
    assert result.exit_code == 2
    assert "setting 'detour_factor'" in result.output
    result = runner.invoke(app, ["solve", str(tiny), "--out", str(tmp_path / "o"), "--set", "nonsense"])
    assert result.exit_code == 2
    assert "expected KEY=VALUE" in result.output


# The same records, as dicts (for from_tables) and as models (for a scenario built by hand).
COMPANIES = [{"id": "A", "name": "Alpha", "lat": 50.85, "lon": 4.70}, {"id": "B", "name": "Beta", "lat": 50.855, "lon": 4.70}]
RESOURCES = [{"id": "cardboard", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000}]
STREAMS = [
    {"id": "cb_a", "company": "A", "direction": "supply", "resource": "cardboard", "quantity": 50, "price_eur_per_unit": 30},
    {"id": "cb_b", "company": "Z", "direction": "demand", "resource": "cardboard", "quantity": 40, "price_eur_per_unit": 20},
    {"id": "cb_c", "company": "B", "direction": "demand", "resource": "paper", "quantity": 10},
]


def test_a_scenario_built_by_hand_is_checked_like_one_from_tables() -> None:
    """Scenario(...) by hand raises the very ScenarioError that from_tables raises for the same records."""
    with pytest.raises(ScenarioError) as by_hand:
        Scenario(
            companies=tuple(Company(**c) for c in COMPANIES),
            resources=tuple(Resource(**r) for r in RESOURCES),
            streams=tuple(Stream(**s) for s in STREAMS),
        )
    with pytest.raises(ScenarioError) as from_tables:
        Scenario.from_tables(COMPANIES, RESOURCES, STREAMS)
    assert by_hand.value.problems == from_tables.value.problems
    assert str(by_hand.value) == str(from_tables.value)
    assert [str(p) for p in by_hand.value.problems] == [
        "<streams>: row 2, column 'company': unknown company 'Z'",
        "<streams>: row 3, column 'resource': unknown resource 'paper'",
    ]
    problem = by_hand.value.problems[0]
    assert (problem.column, problem.message) == ("company", "unknown company 'Z'")


def test_a_changed_copy_is_validated_again(tiny: Path) -> None:
    """replaced() checks the copy (keeping each record's file and row); with_settings() too."""
    sc = load_scenario(tiny)
    assert sc.stream_by_id["cb_b"].company == "B"  # a cached lookup of the original streams
    bad = sc.streams[1].model_copy(update={"company": "Z"})
    with pytest.raises(ScenarioError) as exc:
        sc.replaced(streams=(sc.streams[0], bad, *sc.streams[2:]))
    assert [str(p) for p in exc.value.problems] == ["streams.csv: row 3, column 'company': unknown company 'Z'"]

    moved = sc.replaced(streams=(sc.streams[0], sc.streams[1].model_copy(update={"company": "C"}), *sc.streams[2:]))
    assert moved.stream_by_id["cb_b"].company == "C"  # no stale lookup of the old streams
    assert moved.origin("streams", 1) == ("streams.csv", 3)
    assert moved.input_files == sc.input_files

    changed = sc.with_settings(max_distance_km=5)
    assert changed.settings.max_distance_km == 5 and sc.settings.max_distance_km == 15
    assert changed.slots("parking") == ("day", "night") and changed.slots("cardboard") == ("year",)
    assert changed.origin("companies", 2) == ("companies.csv", 4)
    assert changed.input_files == sc.input_files and len(sc.input_files) == 5

    # A copy made around the validator (model_copy) is caught as soon as it is changed properly.
    unchecked = sc.model_copy(update={"streams": (sc.streams[0], bad, *sc.streams[2:])})
    with pytest.raises(ScenarioError, match="unknown company 'Z'"):
        unchecked.with_settings(detour_factor=1.5)


def test_every_problem_of_a_row_is_named(tmp_path: Path) -> None:
    """A companies row with nace=32.55 (no NACE Rev. 2 code: 32.5 has 32.50 only) and disclose=maybe names
    both; a streams row with a negative quantity, an EWC code that is no entry, an unknown company and an
    unknown resource names all four; a valid row beside them is unaffected (6 problems, counted by hand)."""
    files = dict(BASE)
    files["companies.csv"] = (
        "id,name,sector,lat,lon,nace,disclose\n"
        "A,Alpha,office,50.850,4.700,32.55,maybe\nB,Beta,plant,50.855,4.700,10.71,yes\nC,Gamma,hall,50.850,4.706,,\n"
    )
    files["streams.csv"] = (
        "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity,ewc\n"
        "cb_a,A,supply,cardboard,50,30,,,,,15 01 01\n"
        "cb_b,Z,demand,cardbord,-40,20,100,,,,99 99 99\n"
        "pk_a,A,supply,parking,30,0,,,evening,,\n"
        "pk_c,C,demand,parking,40,500,,,event,,\n"
    )
    result = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "s", files))])
    text = result.output
    assert result.exit_code == 2, text
    assert "6 problem(s)" in text, text
    lines = text.splitlines()
    for fragments in (
        ("companies.csv: row 2, column 'nace'", "32.55", "not a NACE Rev. 2 code"),
        ("companies.csv: row 2, column 'disclose'", "maybe"),
        ("streams.csv: row 3, column 'quantity'", "-40"),
        ("streams.csv: row 3, column 'ewc'", "99 99 99"),
        ("streams.csv: row 3, column 'company'", "unknown company 'Z'"),
        ("streams.csv: row 3, column 'resource'", "unknown resource 'cardbord'"),
    ):
        assert any(all(f in ln for f in fragments) for ln in lines), (fragments, text)
    assert "Value error" not in text
