"""The interactive map of a network: Leaflet, shipped with the package and inlined in the page.

Why Leaflet (``xstatic-leaflet``, Leaflet 1.9 under the BSD-2-Clause licence): it is the
most used small map library, pans and zooms with mouse, keyboard and touch, draws
thousands of lines as SVG, reads GeoJSON for a context layer, and needs no server; the
XStatic package ships its files on PyPI, so the page is made offline and opens offline.

What the map shows (``map_data``): companies and shared facilities at their coordinates;
the exchanges bundled per pair of companies and resource family (one line per pair and
family, as wide as their savings together, its tooltip listing each exchange); pool
memberships as dashed lines from the facility; a filter per family and for companies
that take no part; names on hover. Optional context (``MapLayers``): the analyst's GeoJSON
(plots, roads, park boundaries) and a tile URL template. Without them the page makes no
network request at all; with tiles, the page says which server they come from.

Everything from the inputs goes to the script as JSON data (``shell.json_script``) and
into the page as text nodes, never as HTML.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.io.write.page.numbers import number
from symbiosis.io.write.page.shell import esc
from symbiosis.io.write.page.style import FAMILY_COLOURS, OTHER_COLOUR

FAMILY_ORDER = ("material", "energy", "water", "space", "parking", "service")
LEAFLET_CREDIT = "Interactive map: Leaflet 1.9 (BSD-2-Clause), \u00a9 Vladimir Agafonkin and CloudMade, shipped with symbiosis."


@dataclass(frozen=True)
class MapLayers:
    """What the analyst adds under the network: a GeoJSON context (``io.read.context.read_context``)
    and a tile URL template (``check_tile_url``). Neither by default: the page stays offline."""

    context: dict[str, Any] | None = None
    tiles: str | None = None

    @property
    def online(self) -> bool:
        return self.tiles is not None


def _leaflet_dir() -> Path:
    from xstatic.pkg import leaflet  # the XStatic package of Leaflet's dist files

    return Path(leaflet.BASE_DIR)


@functools.cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's stylesheet and script, ready to inline: the stylesheet's pictures as data URIs (no file
    is fetched), the source-map comment dropped; refused if either could end its element early."""
    base = _leaflet_dir()
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.M)
    # The default attribution links to leafletjs.com; the page sets its own plain-text credit, and holds no web address.
    js = js.replace('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">', '<a title="A JavaScript library for interactive maps">')
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((base / m.group(1)).read_bytes()).decode("ascii")
        return f'url("data:image/png;base64,{data}")'

    css = re.sub(r"url\((images/[A-Za-z0-9_\-]+\.png)\)", inline, css)
    css = css.replace("url(#default#VML)", "none")
    if re.search(r"</(script|style)", js + css, re.I):
        raise RuntimeError("the shipped Leaflet files cannot be inlined safely")
    return css, js


def leaflet_head() -> str:
    """Leaflet's stylesheet, for the page's head."""
    return f"<style>{leaflet_assets()[0]}</style>"


def leaflet_script() -> str:
    return leaflet_assets()[1]


def family_key(family: str) -> tuple[int, str]:
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def colour(family: str) -> str:
    return FAMILY_COLOURS.get(family, OTHER_COLOUR)


def _quantity(q: float, unit: str, pricing: str) -> str:
    return f"{number(q, 'quantity')} {unit}" + ("/yr" if pricing != "peak" else "")


def map_data(
    nodes: pd.DataFrame,
    matches: pd.DataFrame,
    resources: Mapping[str, Mapping[str, str]],
    company_savings: Mapping[str, float] | None = None,
    layers: MapLayers | None = None,
    hidden: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The map's data: nodes (id, name, sector, kind, lat, lon, taking part), lines bundled per pair
    and family, the families with their colours and counts, and the context layers.

    ``nodes``: id, kind, name, sector, lat, lon (``ResultFiles.nodes``); ``resources``: id -> family,
    unit, pricing (``summary.json``); ``hidden``: id -> the words shown instead of a name.
    """
    hidden = hidden or {}
    names = {str(n.id): hidden.get(str(n.id), str(n.name) or str(n.id)) for n in nodes.itertuples(index=False)}
    where = {str(n.id): (float(n.lat), float(n.lon)) for n in nodes.itertuples(index=False)}
    active: set[str] = set(matches["source"]) | set(matches["target"]) if len(matches) else set()
    bundles: dict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in matches.to_dict(orient="records"):
        a, b = str(r["source"]), str(r["target"])
        if a not in where or b not in where:
            continue
        info = resources.get(str(r["resource"]), {})
        fam = str(info.get("family", ""))
        key = (a, b, fam, "pool") if r["kind"] == "pool" else (min(a, b), max(a, b), fam, "exchange")
        bundles[key].append(r | {"_unit": str(info.get("unit", r.get("unit", ""))), "_pricing": str(info.get("pricing", ""))})
    top = max([sum(max(float(x["savings_eur_per_year"]), 0.0) for x in v) for k, v in bundles.items() if k[3] == "exchange"] or [1.0]) or 1.0
    per_pair: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    for key in sorted(bundles, key=lambda k: (k[0], k[1], family_key(k[2]), k[3])):
        per_pair[(key[0], key[1])].append(key)
    lines: list[dict[str, Any]] = []
    for _, keys in sorted(per_pair.items()):
        for k, key in enumerate(keys):
            items = bundles[key]
            a, b, fam, kind = key
            savings = float(sum(float(x["savings_eur_per_year"]) for x in items))
            text = [f"{names[a]} \u2013 {names[b]}" if kind == "exchange" else f"{names[a]} \u2192 {names[b]} (shared facility)"]
            for x in sorted(items, key=lambda x: -float(x["savings_eur_per_year"])):
                arrow = f"{names[str(x['source'])]} \u2192 {names[str(x['target'])]}: " if kind == "exchange" else ""
                text.append(f"{arrow}{x['resource']}, {_quantity(float(x['quantity']), x['_unit'], x['_pricing'])}, {number(x['savings_eur_per_year'], 'money')} EUR/yr")
            if len(items) > 1:
                text.append(f"together {number(savings, 'money')} EUR/yr")
            lines.append(
                {
                    "family": fam,
                    "kind": kind,
                    "path": _path(where[a], where[b], k, len(keys)),
                    "weight": round(1.5 + 6.5 * math.sqrt(max(savings, 0.0) / top), 2) if kind == "exchange" else 1.5,
                    "text": text,
                    "ends": [a, b],
                }
            )
    counts: dict[str, int] = defaultdict(int)
    for line in lines:
        counts[str(line["family"])] += 1
    shares = company_savings or {}
    node_rows = []
    for n in nodes.itertuples(index=False):
        nid = str(n.id)
        text = [names[nid]]
        if nid in hidden:
            pass
        elif n.kind == "facility":
            text.append("shared facility")
        else:
            if n.sector:
                text.append(f"sector: {n.sector}")
            if nid in shares:
                text.append(f"its share of the savings: {number(shares[nid], 'money')} EUR/yr")
        node_rows.append({"id": nid, "kind": str(n.kind), "lat": float(n.lat), "lon": float(n.lon), "active": nid in active, "text": text})
    layers = layers or MapLayers()
    data: dict[str, Any] = {
        "nodes": node_rows,
        "lines": lines,
        "families": [{"name": f, "colour": colour(f), "n": counts[f]} for f in sorted(counts, key=family_key)],
    }
    if layers.context is not None:
        data["context"] = layers.context
    if layers.tiles is not None:
        data["tiles"] = layers.tiles
    return data


def _path(a: tuple[float, float], b: tuple[float, float], k: int, n: int) -> list[list[float]]:
    """A straight line (lat, lon), or, for several families between one pair, a bow each side so that they
    do not overlap: the midpoint moved across the line by a share of its length (on a local plane)."""
    if n == 1:
        return [[a[0], a[1]], [b[0], b[1]]]
    cos = math.cos(math.radians((a[0] + b[0]) / 2)) or 1.0
    dy, dx = b[0] - a[0], (b[1] - a[1]) * cos
    shift = (k - (n - 1) / 2) * 0.2
    mid_lat = (a[0] + b[0]) / 2 + dx * shift
    mid_lon = (a[1] + b[1]) / 2 - dy * shift / cos
    return [[a[0], a[1]], [round(mid_lat, 7), round(mid_lon, 7)], [b[0], b[1]]]


def map_box(map_id: str, tiles: str | None = None) -> str:
    """The map's container (shown on screen; printed pages show the picture instead)."""
    note = ""
    if tiles is not None:
        host = tiles.split("://", 1)[1].split("/", 1)[0]
        note = (
            f'<p class="note" id="{esc(map_id)}-tiles-note">The background tiles are fetched from <b>{esc(host)}</b> when this page opens '
            "(given with --tiles); nothing else is sent anywhere.</p>"
        )
    return (
        f'<div class="map-box" id="{esc(map_id)}-box"><div class="map-controls" id="{esc(map_id)}-controls"></div>'
        f'<div class="map" id="{esc(map_id)}" data-map="{esc(map_id)}" role="application" aria-label="map of the network"></div>{note}</div>'
    )


MAP_SCRIPT = """
(function () {
  function tip(lines) {
    var div = document.createElement("div");
    lines.forEach(function (t, i) {
      if (i) { div.appendChild(document.createElement("br")); }
      var span = document.createElement(i ? "span" : "b");
      span.textContent = t;
      div.appendChild(span);
    });
    return div;
  }
  function draw(el, d) {
    if (el.getAttribute("data-ready") === "yes") { return; }
    var map = L.map(el, {zoomSnap: 0.25, zoomDelta: 0.5, wheelPxPerZoomLevel: 90});
    map.attributionControl.setPrefix("Leaflet");
    L.control.scale({imperial: false}).addTo(map);
    if (d.tiles) {
      L.tileLayer(d.tiles, {maxZoom: 19, attribution: "tiles: " + d.tiles.split("/")[2]}).addTo(map);
    }
    var bounds = [];
    if (d.context) {
      var ctx = L.geoJSON(d.context, {
        style: function () { return {color: "#7d8799", weight: 1.2, fillColor: "#aab4c3", fillOpacity: 0.18, className: "sym-context"}; },
        pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 3, color: "#7d8799", weight: 1, className: "sym-context"}); },
        onEachFeature: function (f, layer) { if (f.properties && f.properties.name) { layer.bindTooltip(tip([f.properties.name]), {sticky: true, className: "sym"}); } }
      }).addTo(map);
    }
    var groups = {}, visible = {}, pools = {on: true};
    function groupOf(line) {
      var key = line.family + "|" + line.kind;
      if (!groups[key]) { groups[key] = {layer: L.layerGroup().addTo(map), family: line.family, kind: line.kind, on: true}; }
      return groups[key];
    }
    d.families.forEach(function (f) { visible[f.name] = true; });
    function refresh() {
      Object.keys(groups).forEach(function (k) {
        var g = groups[k], on = visible[g.family] && (g.kind !== "pool" || pools.on);
        if (on && !g.on) { g.layer.addTo(map); } else if (!on && g.on) { map.removeLayer(g.layer); }
        g.on = on;
      });
    }
    var lineLayers = [];
    d.lines.forEach(function (line) {
      var colour = (d.families.filter(function (f) { return f.name === line.family; })[0] || {colour: "#17becf"}).colour;
      var pool = line.kind === "pool";
      var layer = L.polyline(line.path, {
        color: colour, weight: line.weight, opacity: pool ? 0.4 : 0.8,
        dashArray: pool ? "4 4" : null, className: "sym-line sym-" + line.kind
      });
      layer.bindTooltip(tip(line.text), {sticky: true, className: "sym"});
      layer.symEnds = line.ends;
      layer.symWeight = line.weight;
      layer.symOpacity = pool ? 0.4 : 0.8;
      layer.addTo(groupOf(line).layer);
      lineLayers.push(layer);
    });
    var others = L.layerGroup().addTo(map), actives = L.layerGroup().addTo(map);
    d.nodes.forEach(function (n) {
      var facility = n.kind === "facility";
      var marker = L.circleMarker([n.lat, n.lon], facility ?
        {radius: 7, color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 1, className: "sym-node sym-facility"} :
        n.active ? {radius: 5, color: "#fff", weight: 1, fillColor: "#1d2330", fillOpacity: 1, className: "sym-node sym-active"} :
        {radius: 3.5, color: "#fff", weight: 0.5, fillColor: "#9aa2b1", fillOpacity: 1, className: "sym-node sym-other"});
      marker.bindTooltip(tip(n.text), {direction: "top", offset: [0, -6], className: "sym"});
      marker.on("mouseover", function () {
        lineLayers.forEach(function (l) {
          var mine = l.symEnds[0] === n.id || l.symEnds[1] === n.id;
          l.setStyle({opacity: mine ? 1 : 0.12, weight: mine ? l.symWeight + 1.5 : l.symWeight});
        });
      });
      marker.on("mouseout", function () {
        lineLayers.forEach(function (l) { l.setStyle({opacity: l.symOpacity, weight: l.symWeight}); });
      });
      marker.addTo(n.active || facility ? actives : others);
      bounds.push([n.lat, n.lon]);
    });
    var box = document.getElementById(el.id + "-controls");
    function toggle(label, swatch, on, change, cls, key) {
      var lab = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox"; input.checked = on; input.className = cls; input.setAttribute("data-key", key);
      input.addEventListener("change", function () { change(input.checked); count(); });
      lab.appendChild(input);
      if (swatch) { var s = document.createElement("span"); s.className = "swatch"; s.style.background = swatch; lab.appendChild(s); }
      lab.appendChild(document.createTextNode(label));
      box.appendChild(lab);
    }
    function count() {
      var n = 0;
      d.lines.forEach(function (line) { if (visible[line.family] && (line.kind !== "pool" || pools.on)) { n += 1; } });
      el.setAttribute("data-lines-shown", String(n));
    }
    if (box) {
      var title = document.createElement("b"); title.textContent = "Show:"; box.appendChild(title);
      d.families.forEach(function (f) {
        toggle(" " + f.name + " (" + f.n + ")", f.colour, true, function (on) { visible[f.name] = on; refresh(); }, "map-filter", f.name);
      });
      if (d.lines.some(function (line) { return line.kind === "pool"; })) {
        toggle(" pool memberships (dashed)", null, true, function (on) { pools.on = on; refresh(); }, "map-filter-pools", "pools");
      }
      toggle(" companies taking no part", "#9aa2b1", true, function (on) {
        if (on) { others.addTo(map); } else { map.removeLayer(others); }
      }, "map-filter-others", "others");
      var hint = document.createElement("span"); hint.className = "note";
      hint.textContent = "Drag to pan, scroll or +/- to zoom; hover a company or a line for its names and figures.";
      box.appendChild(hint);
    }
    if (bounds.length) { map.fitBounds(bounds, {padding: [24, 24], maxZoom: 17}); } else { map.setView([0, 0], 2); }
    el.setAttribute("data-ready", "yes");
    el.setAttribute("data-lines", String(d.lines.length));
    count();
  }
  window.symbiosisMap = draw;
  var maps = document.getElementById("data-maps");
  if (!maps) { return; }
  var all = JSON.parse(maps.textContent);
  document.querySelectorAll(".map[data-map]").forEach(function (el) {
    var d = all[el.getAttribute("data-map")];
    if (!d) { return; }
    if (el.getAttribute("data-on-demand") === "yes") {
      var button = document.getElementById(el.id + "-show");
      if (button) {
        button.addEventListener("click", function () {
          el.parentNode.style.display = "block";
          draw(el, d);
          button.style.display = "none";
        });
      }
    } else {
      draw(el, d);
    }
  });
})();
"""
