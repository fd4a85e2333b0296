"""The registry of writers: each output file of a result folder comes from one writer.

A writer takes an ``Output`` (the summary, the result tables, the network and the
scenario as solved, all plain data) and writes its files into a folder. The list of
output files, and so what ``--out`` may replace, is derived from this registry.
Writers run in registry order; the report comes last because it reads the files
the others wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx
import pandas as pd

from symbiosis.errors import OutputError
from symbiosis.io.write.book import write_results_workbook
from symbiosis.io.write.files import network_json, scenario_snapshot, write_csv, write_json
from symbiosis.io.write.folders import check_target, write_whole_folder
from symbiosis.io.write.geojson import network_geojson
from symbiosis.io.write.marker import all_files, write_marker
from symbiosis.io.write.page import MapLayers
from symbiosis.io.write.report import FIGURES, build_report, put_report
from symbiosis.schema import Scenario
from symbiosis.types import Summary

TABLE_FILES = ("matches", "flows", "companies", "facilities", "facility_loads")


@dataclass(frozen=True)
class Output:
    """Everything a result folder holds, as plain data."""

    summary: Summary
    tables: Mapping[str, pd.DataFrame]  # by TABLE_FILES name, and "parts" (parts.csv) when solved
    network: nx.MultiDiGraph
    scenario: Scenario
    layers: MapLayers | None = None  # the report map's context and tiles, when the analyst gives them


@dataclass(frozen=True)
class Writer:
    """One writer: its name, the files it writes, and whether it runs only when asked."""

    name: str
    files: tuple[str, ...]
    write: Callable[[Output, Path], None]
    optional: bool = False


def _summary(out: Output, folder: Path) -> None:
    write_json(out.summary.to_json(), folder / "summary.json")


def _tables(out: Output, folder: Path) -> None:
    for name in TABLE_FILES:
        write_csv(out.tables[name], folder / f"{name}.csv")


def _parts(out: Output, folder: Path) -> None:
    parts = out.tables.get("parts")
    if parts is not None:
        write_csv(parts, folder / "parts.csv")


def _graph(out: Output, folder: Path) -> None:
    write_json(network_json(out.network), folder / "network.json")
    nx.write_graphml(out.network, folder / "network.graphml")


def _scenario(out: Output, folder: Path) -> None:
    write_json(scenario_snapshot(out.scenario), folder / "scenario.json")


def _geojson(out: Output, folder: Path) -> None:
    write_json(network_geojson(out.network, out.tables["matches"]), folder / "network.geojson")


def _workbook(out: Output, folder: Path) -> None:
    # The result tables only: parts.csv holds timings, which would make the workbook differ run to run.
    sc = out.scenario
    names = {c.id: c.name or c.id for c in sc.companies} | {f.id: f.name or f.id for f in sc.facilities}
    write_results_workbook(
        out.summary.to_json(),
        {t: out.tables[t] for t in TABLE_FILES},
        folder / "results.xlsx",
        names=names,
        sectors={c.id: c.sector or "" for c in sc.companies},
        stream_companies={s.id: s.company for s in sc.streams},
    )


def _report(out: Output, folder: Path) -> None:
    put_report(folder, build_report(folder, layers=out.layers))


WRITERS: tuple[Writer, ...] = (
    Writer("summary", ("summary.json",), _summary),
    Writer("tables", tuple(f"{t}.csv" for t in TABLE_FILES), _tables),
    Writer("parts", ("parts.csv",), _parts),
    Writer("graph", ("network.graphml", "network.json"), _graph),
    Writer("scenario", ("scenario.json",), _scenario),
    Writer("geojson", ("network.geojson",), _geojson),
    Writer("workbook", ("results.xlsx",), _workbook, optional=True),
    Writer("report", ("report.html",) + tuple(f"report_{k}.{e}" for k in FIGURES for e in ("png", "svg")), _report, optional=True),
)
OUTPUT_FILES: tuple[str, ...] = tuple(f for w in WRITERS for f in w.files)


def fill_result(out: Output, folder: Path, xlsx: bool = False, report: bool = False) -> None:
    """Run the writers into ``folder`` (which exists): the result's files, no marker."""
    asked = {"workbook": xlsx, "report": report}
    for writer in WRITERS:
        if not writer.optional or asked.get(writer.name, False):
            writer.write(out, folder)


def write_result_into(out: Output, folder: Path) -> None:
    """A result folder inside a folder being written (a point of a front, an alternative): its files and its own marker."""
    folder.mkdir()
    fill_result(out, folder)
    write_marker(folder, all_files(folder), "result")


def write_output(out: Output, out_dir: Path, overwrite: bool = True, xlsx: bool = False, report: bool = False, layers: MapLayers | None = None) -> Path:
    """Write the result's files into ``out_dir`` whole or not at all (``folders.write_whole_folder``); return the folder.

    ``xlsx`` adds the workbook writer, ``report`` the report writer (``layers``: its map's context and tiles).
    """
    if layers is not None:
        out = replace(out, layers=layers)
    target = check_target(out_dir, out.scenario.input_files)
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise OutputError(f"output folder '{out_dir}' exists; pass overwrite=True to replace it")
    return write_whole_folder(out_dir, "result", lambda folder: fill_result(out, folder, xlsx, report), out.scenario.input_files)
