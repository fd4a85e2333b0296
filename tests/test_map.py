"""The report's map: offline by default, a context layer only when the analyst gives one.

``--context FILE`` (GeoJSON, WGS84) is checked before anything runs: a bad file is exit 2
naming it. ``--tiles URL`` adds a background fetched from that server, and the page says
so. Input text reaches the map's script only as JSON that cannot end its element.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE, write_scenario
from symbiosis.cli import app
from symbiosis.io.write.page import json_text
from test_pages import page_requests, run
from test_report import assert_offline, needs_chromium

runner = CliRunner()
PLOTS = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"name": "Plot 7 </script><script>alert(1)</script>", "owner": "private"},
         "geometry": {"type": "Polygon", "coordinates": [[[4.699, 50.849], [4.707, 50.849], [4.707, 50.856], [4.699, 50.856], [4.699, 50.849]]]}},
        {"type": "Feature", "properties": {"naam": "Kapeldreef"}, "geometry": {"type": "LineString", "coordinates": [[4.698, 50.851], [4.708, 50.851]]}},
        {"type": "Feature", "properties": {}, "geometry": None},
    ],
}


@pytest.fixture
def result(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    done = runner.invoke(app, ["solve", str(write_scenario(tmp_path / "tiny", BASE)), "--out", str(out)])
    assert done.exit_code == 0, done.output
    return out


def map_data(page: Path) -> dict:
    found = re.search(r'<script type="application/json" id="data-maps">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
    assert found is not None
    return json.loads(found.group(1))["map"]


def test_json_for_a_script_cannot_end_it() -> None:
    text = json_text({"name": "</script><!-- \u2028 \u2029 & >"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"name": "</script><!-- \u2028 \u2029 & >"}


def test_context_layer_from_geojson(result: Path, tmp_path: Path) -> None:
    """The plots and the road are drawn under the network with their names (as text: the name's markup stays
    text inside the JSON); other properties and features without a place are left out; no web address."""
    plots = tmp_path / "plots.geojson"
    plots.write_text(json.dumps(PLOTS), encoding="utf-8")
    done = runner.invoke(app, ["report", str(result), "--context", str(plots)])
    assert done.exit_code == 0, done.output
    page = result / "report.html"
    text = page.read_text(encoding="utf-8")
    assert_offline(text)
    assert "<script>alert(1)" not in text and "private" not in text
    data = map_data(page)
    assert [f["properties"] for f in data["context"]["features"]] == [{"name": "Plot 7 </script><script>alert(1)</script>"}, {"name": "Kapeldreef"}]
    assert [f["geometry"]["type"] for f in data["context"]["features"]] == ["Polygon", "LineString"]
    assert 'id="map-context-note"' in text and "2 features" in text and "tiles" not in data


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "not JSON (line 1"),
        (json.dumps({"type": "Topology"}), "unknown geometry type 'Topology'"),
        (json.dumps({"type": "Point", "coordinates": [150000.0, 170000.0]}), "is not a WGS84 longitude and latitude"),
        (json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[4.7]]}}]}), "feature 1"),
        (json.dumps({"type": "FeatureCollection", "features": []}), "holds no feature"),
    ],
)
def test_a_bad_context_file_is_refused_naming_it(result: Path, tmp_path: Path, content: str, said: str) -> None:
    bad = tmp_path / "plots.geojson"
    bad.write_text(content, encoding="utf-8")
    before = (result / ".symbiosis-result.json").read_bytes()
    done = runner.invoke(app, ["report", str(result), "--context", str(bad)])
    assert done.exit_code == 2, done.output
    flat = " ".join(done.output.split())
    assert str(bad) in flat.replace(" ", "") or "plots.geojson" in flat
    assert said in flat, flat
    assert not (result / "report.html").exists() and (result / ".symbiosis-result.json").read_bytes() == before


def test_context_and_tiles_need_the_report_and_good_values(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path / "tiny", BASE)
    done = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "o"), "--tiles", "https://tile.example.org/{z}/{x}/{y}.png"])
    assert done.exit_code == 2 and "--report" in done.output and not (tmp_path / "o").exists()
    done = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "o"), "--report", "--context", str(tmp_path / "missing.geojson")])
    assert done.exit_code == 2 and "missing.geojson" in done.output and "no such file" in done.output
    for url in ("tile.example.org/{z}/{x}/{y}.png", "https://tile.example.org/tiles.png", "javascript:alert(1)//{z}{x}{y}", 'https://x.org/{z}/{x}/{y}.png"'):
        done = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "o"), "--report", "--tiles", url])
        assert done.exit_code == 2 and "--tiles" in done.output, url


@needs_chromium
def test_tiles_are_fetched_from_the_server_named_and_nowhere_else(result: Path, tmp_path: Path) -> None:
    """With --tiles the page says where its tiles come from, and Chromium's network log shows requests to that
    server only (the host resolves nowhere here: the requests are made and fail)."""
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = tmp_path / "online" / "report.html"
    done = runner.invoke(app, ["report", str(result), "--out", str(page), "--tiles", url])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert "The background tiles are fetched from <b>tiles.example.org</b>" in text
    assert map_data(page)["tiles"] == url
    netlog = tmp_path / "net.json"
    run(["--virtual-time-budget=5000", "--window-size=1400,2400", f"--log-net-log={netlog}", "--dump-dom", page.resolve().as_uri()], tmp_path, "tiles")
    requests = page_requests(netlog)
    assert requests and all(r.startswith("https://tiles.example.org/") for r in requests), requests[:5]
