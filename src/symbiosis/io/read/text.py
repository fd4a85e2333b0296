"""Text files: decoding bytes as UTF-8, and CSV tables into raw records.

A file that is not UTF-8 text, or not valid CSV, is named with the row (and, where
it can be told, the column) at which it goes wrong, and with how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

from symbiosis.errors import Problem
from symbiosis.schema.messages import os_reason
from symbiosis.schema.records import RECORD_MODELS
from symbiosis.schema.rows import RawTable


def decode(raw: bytes, label: str, hint: str, csv_header: bool) -> str | Problem:
    """UTF-8 text (a byte-order mark is fine), or the problem naming where it is not."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(label, None, None, f"is UTF-16 text ('Unicode text'); {hint}")
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        return Problem(label, None, None, f"looks like UTF-16 text without a byte-order mark (every other byte is NUL); {hint}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8-sig", errors="replace")
        what = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}, perhaps Windows-1252 or Latin-1); {hint}"
        if not csv_header:
            return Problem(label, prefix.count("\n") + 1, None, what)
        row, column = locate(prefix)
        return Problem(label, row, column, what)


def locate(prefix: str) -> tuple[int, str | None]:
    """Row (spreadsheet numbering) and column of the character just after ``prefix``."""
    rows = list(csv.reader(io.StringIO(prefix + "\x01", newline="")))
    row = len(rows)
    header = [h.strip() for h in rows[0]] if rows else []
    column = None
    if row > 1:
        i = len(rows[-1]) - 1
        column = header[i] if i < len(header) and header[i] else None
    return row, column


def read_csv(path: Path, label: str, tname: str, problems: list[Problem]) -> RawTable | None:
    """The raw records of table ``tname`` in a CSV file, or None after naming why it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, None, f"cannot be read ({os_reason(exc)})"))
        return None
    text = decode(raw, label, "save it as CSV UTF-8", csv_header=True)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    if "\x00" in text:
        row, column = locate(text[: text.index("\x00")])
        problems.append(Problem(label, row, column, "holds a NUL byte; it is not a CSV text file"))
        return None
    if not text.strip():
        problems.append(Problem(label, None, None, "is empty; expected a header row"))
        return None
    rows = parse_csv(text, label, problems)
    if rows is None:
        return None
    header = [h.strip() for h in rows[0]]
    if header and header[0].lower().startswith("sep="):
        problems.append(Problem(label, 1, None, f"starts with Excel's '{header[0]}' line; delete that line so that the header is row 1"))
        return None
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = ";" if ";" in header[0] else "tab"
        problems.append(Problem(label, 1, None, f"uses '{sep}' as separator; symbiosis reads comma-separated files"))
        return None
    model = RECORD_MODELS[tname]
    required = [col for col in model.model_fields if model.model_fields[col].is_required()]
    missing = [col for col in required if col not in header]
    if missing:
        for i, cells in enumerate(rows[1:6], start=2):
            if all(col in [c.strip() for c in cells] for col in required):
                problems.append(Problem(label, 1, None, f"the header seems to be on row {i}; delete the rows above it so that the header is row 1"))
                return None
    seen: set[str] = set()
    bad = False
    for h in header:
        if h == "":
            continue
        if h in seen:
            problems.append(Problem(label, 1, h, "duplicate column name"))
            bad = True
        seen.add(h)
    for col in missing:
        near = [h for h in header if h.lower().replace(" ", "_") == col]
        hint = f" (found '{near[0]}'; column names are exact and lower case)" if near else ""
        problems.append(Problem(label, 1, col, f"required column is missing{hint}"))
        bad = True
    if bad:
        return None
    records: list[tuple[int, dict[str, Any]]] = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are common at the end of exported sheets
        if len(cells) != len(header):
            problems.append(Problem(label, i, None, f"has {len(cells)} cells but the header has {len(header)}"))
            continue
        records.append((i, dict(zip(header, cells))))
    return RawTable(label, records)


def parse_csv(text: str, label: str, problems: list[Problem]) -> list[list[str]] | None:
    """Rows of a CSV text, or None after naming the row that is not valid CSV."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as exc:
        row = len(rows) + 1
        header = [h.strip() for h in rows[0]] if rows else []
        msg = str(exc)
        if "field larger than field limit" in msg:
            problems.append(Problem(label, row, None, f"a cell is longer than {csv.field_size_limit()} characters (is a quote left open above it?)"))
        elif "unexpected end of data" in msg:
            # The lenient reader shows which cell swallowed the rest of the file.
            loose = list(csv.reader(io.StringIO(text, newline="")))
            i = len(loose[row - 1]) - 1 if row - 1 < len(loose) else -1
            column = header[i] if row > 1 and 0 <= i < len(header) and header[i] else None
            problems.append(Problem(label, row, column, "a quoted cell is never closed: its opening '\"' has no closing '\"'"))
        else:
            problems.append(Problem(label, row, None, f"is not valid CSV: {msg} (text after the closing quote of a quoted cell?)"))
        return None
    return rows
