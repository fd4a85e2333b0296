"""The one page system of every HTML page symbiosis writes.

``shell`` (the page, its head, header, sections and footer; escaping and JSON data for
scripts), ``style`` (the one stylesheet, screen and print), ``tables`` (tables with
headers and units from ``symbiosis.io.write.columns``), ``numbers`` (figures as people
read them) and ``map`` (the interactive map, Leaflet inlined). The solve report, the
trade-off, sweep and compare pages and the company sheets are all made with them.
"""

from __future__ import annotations

from symbiosis.io.write.page.map import MAP_SCRIPT, MapLayers, leaflet_head, leaflet_script, map_box, map_data
from symbiosis.io.write.page.numbers import DASH, number, percent, signed, with_unit
from symbiosis.io.write.page.shell import Section, banner, cards, esc, json_script, json_text, page, picture
from symbiosis.io.write.page.tables import Col, table

__all__ = [
    "DASH",
    "MAP_SCRIPT",
    "Col",
    "MapLayers",
    "Section",
    "banner",
    "cards",
    "esc",
    "json_script",
    "json_text",
    "leaflet_head",
    "leaflet_script",
    "map_box",
    "map_data",
    "number",
    "page",
    "percent",
    "picture",
    "signed",
    "table",
    "with_unit",
]
