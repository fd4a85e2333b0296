"""Warnings (contract section 5) through the API and summary.json, and the result-folder marker.

The expected values are worked out here from the inputs: the row of each warning from
the file as written, the hashes by hashlib over the bytes on disk.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, write_scenario
from symbiosis.cli import app
from symbiosis.errors import OutputError
from symbiosis.schema import Scenario

runner = CliRunner()

# Two stream ids that differ only in case (row 5 repeats row 4 but for case), and a
# misspelt optional column (row 1).
SUSPECT = dict(BASE)
SUSPECT["streams.csv"] = (
    str(BASE["streams.csv"]).replace("min_quantity\n", "min_quantty\n", 1).replace("pk_c,C,", "PK_A,C,", 1)
)


def test_summary_json_lists_the_warnings(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "s", SUSPECT)
    result = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    got = {(w["file"], w["row"], w["column"]) for w in summary["warnings"]}
    assert got == {("streams.csv", 1, "min_quantty"), ("streams.csv", 5, "id")}
    assert all(set(w) == {"file", "row", "column", "message"} for w in summary["warnings"])
    # printed too, with the word warning, file, row and column
    assert "warning: streams.csv: row 5, column 'id': 'PK_A' differs only in case from 'pk_a' (row 4)" in result.output


def test_strict_solve_writes_nothing(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "s", SUSPECT)
    result = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 2
    assert "did you mean 'min_quantity'?" in result.output
    assert not (tmp_path / "out").exists()


def test_copies_keep_reader_warnings_and_recompute_their_own(tmp_path: Path) -> None:
    sc = symbiosis.load_scenario(write_scenario(tmp_path / "s", SUSPECT))
    assert [(w.row, w.column) for w in sc.warnings] == [(1, "min_quantty"), (5, "id")]
    copy = sc.with_settings(carbon_price_eur_per_t=50)
    assert [(w.row, w.column) for w in copy.warnings] == [(1, "min_quantty"), (5, "id")]
    renamed = sc.replaced(streams=tuple(s.replaced(id="pk_c") if s.id == "PK_A" else s for s in sc.streams))
    assert [(w.row, w.column) for w in renamed.warnings] == [(1, "min_quantty")]


def test_a_scenario_built_in_memory_has_its_warnings() -> None:
    companies = [
        {"id": "A", "name": "Alpha", "sector": "", "lat": 50.85, "lon": 4.70},
        {"id": "B", "name": "Beta", "sector": "", "lat": 50.855, "lon": 4.70},
        {"id": "Z", "name": "Zero", "sector": "", "lat": 0.0, "lon": 0.0},
    ]
    resources = [{"id": "cardboard", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000}]
    streams = [
        {"id": "s", "company": "A", "direction": "supply", "resource": "cardboard", "quantity": 50, "min_quantity": 80},
        {"id": "d", "company": "B", "direction": "demand", "resource": "cardboard", "quantity": 40, "price_eur_per_unit": 20},
    ]
    sc = Scenario.from_tables(companies, resources, streams)
    assert [(w.file, w.row, w.column) for w in sc.warnings] == [("<companies>", 3, "lat"), ("<streams>", 1, "min_quantity")]


def test_swapped_coordinates_are_named_with_the_distance(tmp_path: Path) -> None:
    files = dict(BASE)
    files["companies.csv"] = str(BASE["companies.csv"]).replace("C,Gamma,hall,50.850,4.706", "C,Gamma,hall,4.706,50.850")
    sc = symbiosis.load_scenario(write_scenario(tmp_path / "s", files))
    (w,) = sc.warnings
    # haversine from (4.706, 50.850) to A (50.850, 4.700), computed independently
    import math

    p1, p2, dl = math.radians(4.706), math.radians(50.850), math.radians(4.700 - 50.850)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(a))
    assert f"{km:,.0f} km from the nearest other company" in w.message and "swapped" in w.message


def test_the_marker_lists_every_file_with_its_hash(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "s", dict(BASE))
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", str(folder), "--out", str(out), "-q"]).exit_code == 0
    marker = json.loads((out / ".symbiosis-result.json").read_text(encoding="utf-8"))
    on_disk = {p.name for p in out.iterdir()} - {".symbiosis-result.json"}
    assert set(marker["files"]) == on_disk
    for name, entry in marker["files"].items():
        data = (out / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    # the report adds its files to the marker
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    marker = json.loads((out / ".symbiosis-result.json").read_text(encoding="utf-8"))
    assert "report.html" in marker["files"]
    assert marker["files"]["report.html"]["sha256"] == hashlib.sha256((out / "report.html").read_bytes()).hexdigest()
    # and the folder is still an intact result that solve may replace
    assert runner.invoke(app, ["solve", str(folder), "--out", str(out), "-q"]).exit_code == 0


def test_check_output_refuses_before_solving(tmp_path: Path) -> None:
    sc = symbiosis.load_scenario(write_scenario(tmp_path / "s", dict(BASE)))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "summary.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OutputError, match="not a symbiosis result"):
        symbiosis.api.check_output(tmp_path / "mine", sc)
    symbiosis.api.check_output(tmp_path / "new", sc)  # a new folder is fine
    assert not (tmp_path / "new").exists()


def test_a_folder_is_not_a_sweep_by_its_file_names(tmp_path: Path) -> None:
    from symbiosis.io.write.files import check_target
    from symbiosis.io.write.marker import write_marker

    def _check_target(folder: Path, inputs: tuple[Path, ...]) -> Path:
        return check_target(folder, inputs, what="sweep")

    mine = tmp_path / "mine"
    (mine / "point-01").mkdir(parents=True)
    (mine / "sweep.json").write_text("{}", encoding="utf-8")
    (mine / "point-01" / "samples.csv").write_text("sample\n1\n", encoding="utf-8")
    with pytest.raises(OutputError, match="not a symbiosis sweep"):
        _check_target(mine, ())
    write_marker(mine, ["sweep.json", "point-01/samples.csv"])  # as write_sweep leaves it
    assert _check_target(mine, ()) == mine.resolve()
    (mine / "point-01" / "samples.csv").write_text("sample\n2\n", encoding="utf-8")  # edited since
    with pytest.raises(OutputError, match=r"point-01/samples\.csv"):
        _check_target(mine, ())
