"""Writing outputs: whole or not at all, and never over an input.

All files go to a temporary folder beside the target, which then replaces the target
in one rename. A target that holds anything but an earlier symbiosis result is left
alone, so that a mistyped ``--out`` cannot destroy an analyst's folder.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from symbiosis.errors import OutputError

if TYPE_CHECKING:
    from symbiosis.results import Result

OUTPUT_FILES = (
    "summary.json",
    "matches.csv",
    "flows.csv",
    "companies.csv",
    "facilities.csv",
    "facility_loads.csv",
    "network.graphml",
    "network.json",
    "scenario.json",
    "network.geojson",
    "results.xlsx",
    # symbiosis.io.write.report (solve --report, or symbiosis report DIR)
    "report.html",
    "report_map.png",
    "report_map.svg",
    "report_savings.png",
    "report_savings.svg",
    "report_flows.png",
    "report_flows.svg",
    "report_loads.png",
    "report_loads.svg",
)
SIGNIFICANT = 10


def tidy(value: Any) -> Any:
    """Round floats to 10 significant digits, recursively, for stable JSON."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return float(f"{value:.{SIGNIFICANT}g}")
    if isinstance(value, dict):
        return {str(k): tidy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tidy(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return tidy(value.item())
    return value


def replace_folder(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` at ``target`` by renames, replacing what was there."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rename(target, old / "previous")
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then one rename."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write '{path}': {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format=f"%.{SIGNIFICANT}g", lineterminator="\n")


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(tidy(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def network_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    return nx.node_link_data(g, edges="links")  # type: ignore[no-any-return]


def scenario_snapshot(scenario: Any) -> dict[str, Any]:
    """The scenario as solved (effective settings included), as one inline document.

    JSON is YAML, so ``load_scenario(result_dir / "scenario.json")`` reads it back;
    ``symbiosis explain`` re-solves from it.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    tables = {t: data[t] for t in ("companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities") if data[t]}
    return {"format": 1, "name": data["name"], "tables": tables, "settings": data["settings"]}


def check_target(out_dir: Path, inputs: tuple[Path, ...]) -> None:
    """Refuse a target that is, or would replace, an input, or a folder that is not ours."""
    target = out_dir.resolve()
    for f in inputs:
        f = f.resolve()
        if f.is_relative_to(target):
            raise OutputError(f"output folder '{out_dir}' holds the input '{f.name}'; choose another folder")
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"output path '{out_dir}' exists and is not a folder")
        entries = {p.name for p in target.iterdir()}
        if entries and not ("summary.json" in entries and entries <= set(OUTPUT_FILES)):
            raise OutputError(
                f"output folder '{out_dir}' exists and holds files that are not a symbiosis result; "
                "choose a new or empty folder"
            )


def write_result(result: Result, out_dir: Path, overwrite: bool = True, xlsx: bool = False, report: bool = False) -> Path:
    """Write the result's files into ``out_dir`` atomically; return the folder.

    ``xlsx`` adds ``results.xlsx``; ``report`` adds ``report.html`` and its pictures.
    """
    check_target(out_dir, result.scenario.input_files)
    target = out_dir.resolve()
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise OutputError(f"output folder '{out_dir}' exists; pass overwrite=True to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        fill_folder(result, tmp, xlsx=xlsx, report=report)
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def fill_folder(result: Result, folder: Path, xlsx: bool = False, report: bool = False) -> None:
    """Write every output file into an existing (temporary) folder."""
    from symbiosis.io.write.geojson import network_geojson

    write_json(result.summary, folder / "summary.json")
    write_csv(result.matches, folder / "matches.csv")
    write_csv(result.flows, folder / "flows.csv")
    write_csv(result.companies, folder / "companies.csv")
    write_csv(result.facilities, folder / "facilities.csv")
    write_csv(result.facility_loads, folder / "facility_loads.csv")
    write_json(network_json(result.network), folder / "network.json")
    nx.write_graphml(result.network, folder / "network.graphml")
    write_json(scenario_snapshot(result.scenario), folder / "scenario.json")
    write_json(network_geojson(result.network, result.matches), folder / "network.geojson")
    if xlsx:
        from symbiosis.io.read.workbook import write_results_workbook

        write_results_workbook(result, folder / "results.xlsx")
    if report:  # last: the report reads the files above
        from symbiosis.io.write.report import write_report

        write_report(folder)
