"""Shared helpers: write small scenario folders into a temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
HAASRODE = ROOT / "scenarios" / "haasrode"

# Keep Hypothesis runs bounded and repeatable in CI.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(ROOT / ".hypothesis"))

BASE = {
    "scenario.yaml": (
        "format: 1\n"
        "name: tiny\n"
        "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, profiles: profiles.csv}\n"
        "settings:\n  link_fixed_cost_eur_per_year: 100\n"
    ),
    "companies.csv": "id,name,sector,lat,lon\nA,Alpha,office,50.850,4.700\nB,Beta,plant,50.855,4.700\nC,Gamma,hall,50.850,4.706\n",
    "resources.csv": (
        "id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\n"
        "cardboard,material,t,volume,road,1000,,\n"
        "parking,parking,space,peak,walk,,,2\n"
    ),
    "streams.csv": (
        "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity\n"
        "cb_a,A,supply,cardboard,50,30,,,,\n"
        "cb_b,B,demand,cardboard,40,20,100,,,\n"
        "pk_a,A,supply,parking,30,0,,,evening,\n"
        "pk_c,C,demand,parking,40,500,,,event,\n"
    ),
    "profiles.csv": "profile,slot,value\nevening,day,0\nevening,night,1\nevent,day,0.25\nevent,night,1\n",
}


def write_scenario(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A valid three-company scenario with one road material and one peak resource."""
    return write_scenario(tmp_path / "tiny", BASE)


@pytest.fixture(scope="session")
def haasrode_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Haasrode solved once for the whole run, in one command with the report and the workbook (read-only: copy it to change it)."""
    from typer.testing import CliRunner

    from symbiosis.cli import app

    out = tmp_path_factory.mktemp("report_haasrode") / "out"
    result = CliRunner().invoke(app, ["solve", str(HAASRODE), "--out", str(out), "--report", "--xlsx"])
    assert result.exit_code == 0, result.output
    return out
