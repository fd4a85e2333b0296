"""Raw records (cells as read, each record with its row number) validated into record models.

Every way in (a CSV file, inline YAML, a workbook sheet, a DataFrame, a list of
dicts) ends here, so that a bad cell gets the same message, naming the file, the
row and the column, wherever it came from, and text is read as NFC (Unicode's
composed form) however it was typed. Nothing here raises: each function adds
the problems it finds to a list, so that a scenario reports them all at once.
"""

from __future__ import annotations

import gc
import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import ValidationError

from symbiosis.errors import InputWarning, Problem
from symbiosis.schema.messages import character_problem, did_you_mean, message
from symbiosis.schema.records import ID_COLUMNS, RECORD_MODELS, REQUIRED_COLUMNS, REQUIRED_TABLES, RESOURCE_COLUMNS, TABLES, Record
from symbiosis.schema.references import REFERENCES
from symbiosis.schema.settings import Settings, setting_message

# The column that holds a table's ids (the one other tables refer to).
ID_COLUMN = {"profiles": "profile"}


class RawTable(NamedTuple):
    """One table as read: the label of its file and each record with its row number.

    ``records`` may be a one-pass iterable (a CSV file streamed row by row); ``late``
    collects what is found while it is read (see ``Late``).
    """

    file: str
    records: Iterable[tuple[int, Mapping[str, Any]]]
    late: Late | None = None


@dataclass
class Late:
    """What a streamed table finds as it is read: problems, warnings, and whether it stopped
    early (a row that is not valid CSV; the rest of the table is then not read)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    stopped: bool = False


@dataclass(frozen=True)
class ParsedTables:
    """The records of every table that validated, where each came from, and the ids of all."""

    records: dict[str, tuple[Record, ...]]
    origin: dict[str, tuple[str, tuple[int, ...]]]  # table -> (file label, row of each record)
    raw_ids: dict[str, set[str]]  # table -> ids of every record, valid or not
    broken: frozenset[str] = frozenset()  # tables whose file stopped being readable part way
    warnings: tuple[InputWarning, ...] = ()  # found while streaming
    # Rows that failed validation: (table, file, row, the cells of its reference columns that had no problem of their own).
    failed: tuple[tuple[str, str, int, dict[str, str]], ...] = ()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (reading makes millions of objects and no cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


class Validated(NamedTuple):
    """The valid records of a table, their rows, the ids of every record, and how many records there were."""

    records: list[Record]
    rows: tuple[int, ...]
    ids: set[str]
    n_records: int
    failed: tuple[tuple[int, dict[str, str]], ...] = ()  # (row, reference cells without a problem) of each row that failed


def validate_records(table: str, raw: RawTable, problems: list[Problem]) -> Validated:
    """The records of ``table`` that are valid, with their rows; a problem for every bad cell.

    One pass over the records (which may be streamed from a file): this is the hot
    loop of reading a large table, so a cell is looked at once.
    """
    model = RECORD_MODELS[table]
    fields = model.model_fields
    required = {k for k, f in fields.items() if f.is_required()}
    key = ID_COLUMN.get(table, "id")
    keyed = key in fields
    validate = model.model_validate
    out: list[Any] = []
    rows: list[int] = []
    ids: set[str] = set()
    shared_sets: dict[frozenset[str], set[str]] = {}
    # References (company, resource, profile, ...) repeat across records: one string each.
    references = [c for c in fields if c in ID_COLUMNS and c != key]
    strings: dict[str, str] = {}
    named = [r.column for r in REFERENCES if r.table == table and not r.own] + [c for c in RESOURCE_COLUMNS if c in fields]
    failed: list[tuple[int, dict[str, str]]] = []
    count = 0
    for row, rec in raw.records:
        count += 1
        try:  # the usual case, a row of plain ASCII text cells: one look at the row
            joined = "".join(rec.values())
            plain = joined.isascii() and joined.isprintable()
        except TypeError:
            plain = False
        bad_chars = False
        if plain:
            data = {k: (s or None) for k, v in rec.items() if k in fields for s in (v.strip(),) if s or k in required}
        else:
            data = {}
            for k, v in rec.items():
                if k not in fields:
                    continue
                if v.__class__ is str:
                    what = character_problem(k, v)
                    if what is not None:
                        problems.append(Problem(raw.file, row, k, what))
                        bad_chars = True
                        continue
                    if not v.isascii():  # text is read as NFC: a composed and a decomposed 'é' are one letter
                        v = unicodedata.normalize("NFC", v)
                v = clean(v)
                if v is not None or k in required:
                    data[k] = v
        raw_id = data.get(key)
        if bad_chars:
            if raw_id is not None:
                ids.add(str(raw_id))
            continue
        try:
            record = validate(data)
        except ValidationError as exc:
            if raw_id is not None:
                ids.add(str(raw_id))
            bad: set[str] = set()
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                bad.add(str(col))
                problems.append(Problem(raw.file, row, col, message(e)))
            # Its references are checked too (``checks.failed_row_references``): every problem of a row is named.
            cells = {c: str(data[c]) for c in named if c not in bad and data.get(c) is not None}
            if cells:
                failed.append((row, cells))
            continue
        # Records are frozen: records given the same fields can share one set of their names.
        given = record.__pydantic_fields_set__
        shared = shared_sets.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(record, "__pydantic_fields_set__", shared)
        values = record.__dict__
        for c in references:
            v = values[c]
            if v is not None:
                values[c] = strings.setdefault(v, v)
        if keyed:
            ids.add(getattr(record, key))
        out.append(record)
        rows.append(row)
    if raw.late is not None:
        problems.extend(raw.late.problems)
    return Validated(out, tuple(rows), ids, count, tuple(failed))


def raw_ids(table: str, raw: RawTable) -> set[str]:
    """The ids of every record of ``table``, including those that fail validation."""
    key = ID_COLUMN.get(table, "id")
    return {str(clean(r.get(key))) for _, r in raw.records if clean(r.get(key)) is not None}


def parse_tables(tables: Mapping[str, RawTable], problems: list[Problem], required: tuple[str, ...] = REQUIRED_TABLES) -> ParsedTables:
    """Validate the records of every table given; a table not given has no records; one of ``required`` needs a record."""
    records: dict[str, tuple[Record, ...]] = {}
    origin: dict[str, tuple[str, tuple[int, ...]]] = {}
    ids: dict[str, set[str]] = {}
    broken: set[str] = set()
    late_warnings: list[InputWarning] = []
    failed: list[tuple[str, str, int, dict[str, str]]] = []
    for table in TABLES:
        raw = tables.get(table)
        if raw is None:
            records[table], origin[table] = (), (table, ())
            continue
        done = validate_records(table, raw, problems)
        records[table], origin[table], ids[table] = tuple(done.records), (raw.file, done.rows), done.ids
        failed += [(table, raw.file, row, cells) for row, cells in done.failed]
        if raw.late is not None:
            late_warnings += raw.late.warnings
        if raw.late is not None and raw.late.stopped:
            broken.add(table)
        elif table in required and not done.n_records:
            problems.append(Problem(raw.file, None, None, f"has no rows; a scenario needs at least one record in {table}"))
    return ParsedTables(records, origin, ids, frozenset(broken), tuple(late_warnings), tuple(failed))


def column_warnings(label: str, tname: str, header: Sequence[str], row: int | None = 1) -> list[InputWarning]:
    """A warning for each column the contract does not know whose name is close to one it does.

    ``row`` is the header's row (None for the keys of inline records).
    """
    known = list(RECORD_MODELS[tname].model_fields)
    out = []
    for h in header:
        if h and h not in known:
            hint = did_you_mean(h, known) or did_you_mean(h.lower().replace(" ", "_"), known)
            if hint:
                out.append(InputWarning(label, row, h, f"unknown column, ignored{hint}"))
    return out


def missing_columns(table: str, label: str, columns: Iterable[str]) -> list[Problem]:
    """A problem for each column the contract requires that a table read from a file lacks."""
    have = set(columns)
    out = []
    for col in REQUIRED_COLUMNS.get(table, ()):
        if col not in have:
            out.append(Problem(label, 1, col, f"required column is missing{did_you_mean(col, have)}"))
    return out


def validate_settings(data: Mapping[str, Any], label: str, problems: list[Problem]) -> Settings:
    """The settings, or the defaults after a problem for every bad key (``settings.<key>``)."""
    try:
        return Settings.model_validate(dict(data))
    except ValidationError as exc:
        for e in exc.errors():
            key = ".".join(str(x) for x in e["loc"])
            problems.append(Problem(label, None, f"settings.{key}", setting_message(e)))
        return Settings()
