"""The analyst's context layer for the map: a GeoJSON file of plots, roads or park boundaries
(``--context FILE``), or a tile URL template (``--tiles URL``).

A context file is read whole and checked before any page is written: GeoJSON (RFC 7946:
WGS84 longitude and latitude in degrees), a FeatureCollection, a Feature or a geometry;
every position two or three finite numbers within range; at most ``MAX_BYTES`` and
``MAX_POSITIONS``. What reaches the page is the geometry and each feature's ``name``
(shown on hover), nothing else of the file. A bad file is a ``SettingsError`` naming it
(exit 2).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from symbiosis.errors import SettingsError

MAX_BYTES = 20_000_000
MAX_POSITIONS = 500_000
GEOMETRIES = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}
NAME_KEYS = ("name", "naam", "title", "label")
_TILE = re.compile(r"^https?://[A-Za-z0-9.\-{}]+(:\d+)?/[^\s\"'<>\\`]*$")


def read_context(path: str | Path) -> dict[str, Any]:
    """The context file as a FeatureCollection of its geometries and names (see the module)."""
    file = Path(path)
    where = f"--context '{file}'"
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise SettingsError(f"{where}: not a file")
        if size > MAX_BYTES:
            raise SettingsError(f"{where}: {size:,} bytes; a context layer is at most {MAX_BYTES:,} bytes (simplify it, or clip it to the park)")
        doc = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{where}: no such file") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{where}: not UTF-8 text; a GeoJSON file is UTF-8 JSON") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{where}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except OSError as exc:
        raise SettingsError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    counter = [0]
    features = _features(doc, where, counter)
    if not features:
        raise SettingsError(f"{where}: holds no feature with a geometry")
    return {"type": "FeatureCollection", "features": features}


def _features(doc: Any, where: str, counter: list[int]) -> list[dict[str, Any]]:
    if not isinstance(doc, dict) or "type" not in doc:
        raise SettingsError(f"{where}: not GeoJSON (expected an object with a 'type': FeatureCollection, Feature or a geometry)")
    kind = doc["type"]
    if kind == "FeatureCollection":
        items = doc.get("features")
        if not isinstance(items, list):
            raise SettingsError(f"{where}: a FeatureCollection needs a list 'features'")
        out = []
        for i, f in enumerate(items, start=1):
            out += _feature(f, f"{where}: feature {i}", counter)
        return out
    if kind == "Feature":
        return _feature(doc, f"{where}: the feature", counter)
    return [{"type": "Feature", "properties": {}, "geometry": _geometry(doc, f"{where}: the geometry", counter)}]


def _feature(f: Any, where: str, counter: list[int]) -> list[dict[str, Any]]:
    if not isinstance(f, dict) or f.get("type") != "Feature":
        raise SettingsError(f"{where}: not a Feature")
    geometry = f.get("geometry")
    if geometry is None:
        return []  # a feature without a place draws nothing
    raw = f.get("properties")
    props: dict[str, Any] = raw if isinstance(raw, dict) else {}
    name = next((str(props[k]) for k in NAME_KEYS if isinstance(props.get(k), (str, int, float)) and str(props[k]).strip()), "")
    return [{"type": "Feature", "properties": {"name": name[:200]} if name else {}, "geometry": _geometry(geometry, where, counter)}]


def _geometry(g: Any, where: str, counter: list[int]) -> dict[str, Any]:
    if not isinstance(g, dict) or not isinstance(g.get("type"), str):
        raise SettingsError(f"{where}: the geometry is not a GeoJSON geometry object")
    kind = g["type"]
    if kind == "GeometryCollection":
        parts = g.get("geometries")
        if not isinstance(parts, list):
            raise SettingsError(f"{where}: a GeometryCollection needs a list 'geometries'")
        return {"type": kind, "geometries": [_geometry(p, where, counter) for p in parts]}
    if kind not in GEOMETRIES:
        raise SettingsError(f"{where}: unknown geometry type {kind[:40]!r} (expected one of {', '.join(GEOMETRIES)})")
    return {"type": kind, "coordinates": _coordinates(g.get("coordinates"), GEOMETRIES[kind], f"{where} ({kind})", counter)}


def _coordinates(c: Any, depth: int, where: str, counter: list[int]) -> Any:
    if depth == 0:
        if not isinstance(c, list) or len(c) not in (2, 3) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in c):
            raise SettingsError(f"{where}: a position must be [longitude, latitude] in degrees, got {json.dumps(c)[:60]}")
        lon, lat = float(c[0]), float(c[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise SettingsError(
                f"{where}: position [{lon:g}, {lat:g}] is not a WGS84 longitude and latitude in degrees "
                "(GeoJSON, RFC 7946); re-project the file (e.g. from Lambert 72 or UTM) to EPSG:4326"
            )
        counter[0] += 1
        if counter[0] > MAX_POSITIONS:
            raise SettingsError(f"{where}: more than {MAX_POSITIONS:,} positions; simplify the layer or clip it to the park")
        return [round(lon, 7), round(lat, 7)]
    if not isinstance(c, list):
        raise SettingsError(f"{where}: 'coordinates' must be nested lists of positions")
    return [_coordinates(x, depth - 1, where, counter) for x in c]


def check_tile_url(url: str) -> str:
    """A tile URL template as Leaflet reads it (``https://tile.example.org/{z}/{x}/{y}.png``); a bad one is a ``SettingsError``."""
    if not _TILE.match(url) or not all(k in url for k in ("{z}", "{x}", "{y}")):
        raise SettingsError(
            f"--tiles {url[:100]!r}: expected a tile URL template such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png "
            "(http or https, with {z}, {x} and {y}, no spaces or quotes)"
        )
    return url


def tile_host(url: str) -> str:
    """The server a tile template fetches from (for the note on the page)."""
    return url.split("://", 1)[1].split("/", 1)[0]
