"""The analyst's report: one self-contained HTML page made from a result folder.

The folder is read by ``symbiosis.io.read.results.read_result`` (re-exported here);
``figures`` draws the pictures with matplotlib (Agg): a map of the exchanges and
shared facilities, the savings of every company taking part, the flows by resource
family and the per-slot load of each shared facility of a peak resource;
``report_html`` puts them, the headline figures and sortable tables of matches and
companies into one HTML page that opens offline (pictures embedded as base64 PNG, a
few lines of inline script, no external files, fonts or tiles). ``write_report``
writes the page and the pictures as PNG and SVG beside it, each file whole or not at
all.

Everything here is a pure function of the files, so the same result folder gives the
same report: the SVG files are byte-stable (fixed hash salt, no date), and no time or
path of the run goes into the page.

Modules: ``figures`` (the pictures), ``html`` (the page), ``write`` (building and
writing the report).
"""

from __future__ import annotations

from symbiosis.io.read.results import ResultFiles, ResultFolderError, read_result
from symbiosis.io.write.report.figures import (
    FAMILY_COLOURS,
    FAMILY_ORDER,
    FIGURES,
    STYLE,
    FlowPanel,
    figures,
    flow_panels,
    flows_figure,
    load_facilities,
    loads_figure,
    local_km,
    map_figure,
    render,
    savings_figure,
    savings_table,
    style,
)
from symbiosis.io.write.report.html import report_html
from symbiosis.io.write.report.write import (
    Report,
    build_report,
    put_report,
    report_paths,
    write_report,
)

__all__ = [
    "FAMILY_COLOURS",
    "FAMILY_ORDER",
    "FIGURES",
    "STYLE",
    "FlowPanel",
    "Report",
    "ResultFiles",
    "ResultFolderError",
    "build_report",
    "figures",
    "flow_panels",
    "flows_figure",
    "load_facilities",
    "loads_figure",
    "local_km",
    "map_figure",
    "put_report",
    "read_result",
    "render",
    "report_html",
    "report_paths",
    "savings_figure",
    "savings_table",
    "style",
    "write_report",
]
