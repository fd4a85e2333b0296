"""Writing output files: each whole or not at all, text cells never a formula.

Folders are written by the one folder writer, ``folders.write_whole_folder`` (also
what ``--out`` may replace: ``check_target``, re-exported here).
"""

from __future__ import annotations

import json
import math
import os
import uuid
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from symbiosis.errors import OutputError
from symbiosis.io.read.cells import escape_frame
from symbiosis.io.write.folders import check_out_path, check_target, replace_folder
from symbiosis.schema import TABLES

SIGNIFICANT = 10
__all__ = ["check_out_path", "check_target", "network_json", "replace_folder", "scenario_snapshot", "tidy", "write_bytes_atomic", "write_csv", "write_json"]


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


def write_csv(df: pd.DataFrame, path: Path, float_format: str = f"%.{SIGNIFICANT}g") -> None:
    """The one CSV writer of every output: text cells and the header escaped so that no cell is a
    formula (``io.read.cells``), numbers as numbers, LF line ends."""
    escape_frame(df).to_csv(path, index=False, float_format=float_format, lineterminator="\n")


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
    tables = {t: data[t] for t in TABLES if t != "uncertainty" and data[t]}  # a solve ignores the ranges
    return {"format": 1, "name": data["name"], "tables": tables, "settings": data["settings"]}
