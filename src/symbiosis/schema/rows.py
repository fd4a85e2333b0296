"""Raw records (cells as read, each record with its row number) validated into record models.

Every way in (a CSV file, inline YAML, a workbook sheet, a DataFrame, a list of
dicts) ends here, so that a bad cell gets the same message, naming the file, the
row and the column, wherever it came from. Nothing here raises: each function adds
the problems it finds to a list, so that a scenario reports them all at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import ValidationError

from symbiosis.errors import Problem
from symbiosis.schema.messages import character_problem, message
from symbiosis.schema.records import RECORD_MODELS, REQUIRED_TABLES, TABLES, Record
from symbiosis.schema.settings import Settings

# The column that holds a table's ids (the one other tables refer to).
ID_COLUMN = {"profiles": "profile"}


class RawTable(NamedTuple):
    """One table as read: the label of its file and each record with its row number."""

    file: str
    records: Sequence[tuple[int, Mapping[str, Any]]]


@dataclass(frozen=True)
class ParsedTables:
    """The records of every table that validated, where each came from, and the ids of all."""

    records: dict[str, tuple[Record, ...]]
    origin: dict[str, tuple[str, tuple[int, ...]]]  # table -> (file label, row of each record)
    raw_ids: dict[str, set[str]]  # table -> ids of every record, valid or not


def records_from_object(value: Any) -> list[dict[str, Any]]:
    """The records of a pandas DataFrame (NaN, pandas' empty cell, becomes None) or of a list of dicts."""
    if hasattr(value, "to_dict"):
        frame = value.astype(object).where(value.notna(), None)
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return [dict(r) for r in value]


def clean(value: Any) -> Any:
    """Empty cells mean 'not given'; text is stripped."""
    if value is None:
        return None
    if isinstance(value, str):
        v = value.strip()
        return None if v == "" else v
    if isinstance(value, float) and math.isnan(value):
        return float("nan")  # rejected by the model with a clear message
    return value


def validate_records(table: str, raw: RawTable, problems: list[Problem]) -> tuple[list[Record], tuple[int, ...]]:
    """The records of ``table`` that are valid, with their rows; a problem for every bad cell."""
    model = RECORD_MODELS[table]
    fields = model.model_fields
    out: list[Any] = []
    rows: list[int] = []
    for row, rec in raw.records:
        bad_chars = False
        for k, v in rec.items():
            if k in fields and isinstance(v, str):
                what = character_problem(k, v)
                if what is not None:
                    problems.append(Problem(raw.file, row, k, what))
                    bad_chars = True
        if bad_chars:
            continue
        data = {k: clean(v) for k, v in rec.items() if k in fields}
        data = {k: v for k, v in data.items() if v is not None or fields[k].is_required()}
        try:
            out.append(model.model_validate(data))
            rows.append(row)
        except ValidationError as exc:
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                problems.append(Problem(raw.file, row, col, message(e)))
    return out, tuple(rows)


def raw_ids(table: str, raw: RawTable) -> set[str]:
    """The ids of every record of ``table``, including those that fail validation."""
    key = ID_COLUMN.get(table, "id")
    return {str(clean(r.get(key))) for _, r in raw.records if clean(r.get(key)) is not None}


def parse_tables(tables: Mapping[str, RawTable], problems: list[Problem]) -> ParsedTables:
    """Validate the records of every table given; a table not given has no records."""
    records: dict[str, tuple[Record, ...]] = {}
    origin: dict[str, tuple[str, tuple[int, ...]]] = {}
    for table in TABLES:
        raw = tables.get(table)
        if raw is None:
            records[table], origin[table] = (), (table, ())
            continue
        valid, rows = validate_records(table, raw, problems)
        records[table], origin[table] = tuple(valid), (raw.file, rows)
        if table in REQUIRED_TABLES and not raw.records:
            problems.append(Problem(raw.file, None, None, f"has no rows; a scenario needs at least one record in {table}"))
    return ParsedTables(records, origin, {t: raw_ids(t, raw) for t, raw in tables.items()})


def validate_settings(data: Mapping[str, Any], label: str, problems: list[Problem]) -> Settings:
    """The settings, or the defaults after a problem for every bad key (``settings.<key>``)."""
    try:
        return Settings.model_validate(dict(data))
    except ValidationError as exc:
        for e in exc.errors():
            key = ".".join(str(x) for x in e["loc"])
            problems.append(Problem(label, None, f"settings.{key}", message(e)))
        return Settings()
