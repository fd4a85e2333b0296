"""Writing a scenario folder: ``scenario.yaml`` and one CSV file per table, whole or not at all.

``symbiosis estimate`` and ``symbiosis merge`` write a new scenario this way from the
raw records of the one they read (every column kept, the analyst's own columns too)
and the rows they add or change. Numbers are written as numbers (10 significant
digits), text as text (escaped by the one CSV writer); the folder is written by the one
folder writer with the marker of kind ``scenario``, so that a later ``estimate`` or
``merge`` may replace it, and nothing else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from symbiosis.io.read.workbook import NUMERIC_COLUMNS
from symbiosis.io.write.files import write_csv
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.schema import TABLES
from symbiosis.schema.records import FORMAT_VERSION
from symbiosis.schema.rows import clean


def table_frame(records: Sequence[Mapping[str, Any]], table: str | None = None) -> pd.DataFrame:
    """Records (raw cells or new values) as a table: the columns in order of first appearance,
    the number columns of ``table`` as numbers, empty cells empty."""
    columns: dict[str, None] = {}
    for rec in records:
        for key in rec:
            columns.setdefault(str(key), None)
    numbers = NUMERIC_COLUMNS.get(table or "", set())
    rows = []
    for rec in records:
        row: dict[str, Any] = {}
        for col in columns:
            value = clean(rec.get(col))
            if value is not None and col in numbers and not isinstance(value, bool):
                with contextlib.suppress(TypeError, ValueError):  # a cell the scenario refused never gets here; else kept as written
                    value = float(value)
            row[col] = value
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))


def write_scenario_folder(
    out_dir: Path,
    inputs: Sequence[Path],
    name: str,
    settings: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    extra: Mapping[str, pd.DataFrame] | None = None,
    doc: Mapping[str, Any] | None = None,
) -> Path:
    """Write a scenario folder: ``scenario.yaml`` naming ``<table>.csv`` for every table given, and the
    ``extra`` tables (``estimates.csv``, ``changes.csv``, ...) beside them; atomically. Returns the folder."""
    given = [t for t in TABLES if t in tables]
    header: dict[str, Any] = {"format": FORMAT_VERSION, "name": name}
    header.update(doc or {})
    header["tables"] = {t: f"{t}.csv" for t in given}
    header["settings"] = dict(settings)

    def fill(folder: Path) -> None:
        text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")
        for t in given:
            write_csv(tables[t], folder / f"{t}.csv")
        for file, frame in (extra or {}).items():
            write_csv(frame, folder / f"{file}.csv")

    return write_whole_folder(out_dir, "scenario", fill, inputs)
