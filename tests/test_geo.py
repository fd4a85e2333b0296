"""network.geojson: valid GeoJSON, [lon, lat] coordinates, the match attributes on the lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from conftest import CASES
from symbiosis.api import solve


def _features(out: Path) -> tuple[dict, list[dict]]:
    doc = json.loads((out / "network.geojson").read_text(encoding="utf-8"))
    return doc, doc["features"]


def test_geojson_of_the_tiny_scenario(tiny: Path, tmp_path: Path) -> None:
    out = solve(tiny).write(tmp_path / "out")
    doc, features = _features(out)
    assert doc["type"] == "FeatureCollection"
    for f in features:
        assert f["type"] == "Feature"
        geom = shape(f["geometry"])  # shapely reads every geometry
        assert geom.is_valid and not geom.is_empty
    points = {f["properties"]["id"]: f for f in features if f["geometry"]["type"] == "Point"}
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert {f["geometry"]["type"] for f in features} == {"Point", "LineString"}
    # companies.csv of the tiny scenario: A at lat 50.850, lon 4.700; GeoJSON is [lon, lat].
    assert points["A"]["geometry"]["coordinates"] == [4.7, 50.85]
    assert points["C"]["geometry"]["coordinates"] == [4.706, 50.85]
    assert points["B"]["properties"] == {"id": "B", "kind": "company", "name": "Beta", "sector": "plant"}
    assert len(lines) == 2
    with open(out / "matches.csv", newline="") as fh:
        columns = next(csv.reader(fh))
    cardboard = next(f for f in lines if f["properties"]["demand_stream"] == "cb_b")
    assert set(cardboard["properties"]) == set(columns)
    assert cardboard["geometry"]["coordinates"] == [[4.7, 50.85], [4.7, 50.855]]  # A -> B
    p = cardboard["properties"]
    # By hand: d = 6371.0088 km x radians(0.005) x 1.3 = 0.722768 km; 40 t x (30 + 20 - 0.15 x d) - 100
    # = 1895.663 EUR/yr; 40 x (100 - 0.10 x d)/1000 = 3.997109 t CO2.
    assert (p["kind"], p["source"], p["target"], p["supply_stream"], p["resource"], p["unit"]) == ("exchange", "A", "B", "cb_a", "cardboard", "t")
    assert p["quantity"] == pytest.approx(40.0)
    assert p["distance_km"] == pytest.approx(0.722768, abs=1e-6)
    assert p["savings_eur_per_year"] == pytest.approx(1895.663392, abs=1e-5)
    assert p["co2_avoided_t_per_year"] == pytest.approx(3.997109, abs=1e-6)
    # Byte-identical on a second write.
    again = solve(tiny).write(tmp_path / "again")
    assert (again / "network.geojson").read_bytes() == (out / "network.geojson").read_bytes()


def test_geojson_of_a_pool(tmp_path: Path) -> None:
    out = solve(CASES / "pool_parking").write(tmp_path / "out")
    _, features = _features(out)
    hub = next(f for f in features if f["properties"].get("id") == "hub")
    assert hub["geometry"] == {"type": "Point", "coordinates": [4.7, 50.851]}
    assert hub["properties"]["kind"] == "facility" and hub["properties"]["name"] == "Shared car park"
    office = next(f for f in features if f["geometry"]["type"] == "LineString" and f["properties"]["demand_stream"] == "office_parking")
    assert office["geometry"]["coordinates"] == [[4.7, 50.851], [4.7, 50.85]]  # facility -> member
    assert office["properties"]["kind"] == "pool" and office["properties"]["supply_stream"] == ""
    assert office["properties"]["savings_eur_per_year"] == pytest.approx(20627.036410, abs=1e-5)  # tests/cases/pool_parking/README.md
    assert shape(office["geometry"]).length == pytest.approx(0.001)
