"""Text files: decoding bytes as UTF-8, and CSV tables into raw records.

A file that is not UTF-8 text, or not valid CSV, is named with the row (and, where
it can be told, the column) at which it goes wrong, and with how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from symbiosis.errors import InputWarning, Problem
from symbiosis.schema.messages import did_you_mean, os_reason, show
from symbiosis.schema.records import RECORD_MODELS, REQUIRED_COLUMNS
from symbiosis.schema.rows import Late, RawTable, column_warnings


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
    header: list[str] = []
    last: list[str] = []
    row = 0
    for cells in csv.reader(io.StringIO(prefix + "\x01", newline="")):
        if row == 0:
            header = [h.strip() for h in cells]
        last = cells
        row += 1
    column = None
    if row > 1:
        i = len(last) - 1
        column = header[i] if i < len(header) and header[i] else None
    return row, column


def read_csv(
    path: Path, label: str, tname: str, problems: list[Problem], warnings: list[InputWarning] | None = None
) -> RawTable | None:
    """The raw records of table ``tname`` in a CSV file, or None after naming why it cannot be read.

    The whole file is checked first as bytes and text (encoding, NUL bytes), then the
    records are streamed from the file as they are validated, so that reading a large
    table holds the validated records and little else. Column names close to a
    contract column are added to ``warnings``.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, None, f"cannot be read ({os_reason(exc)})"))
        return None
    text = decode(raw, label, "save it as CSV UTF-8", csv_header=True)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    nul = text.find("\x00")
    if nul >= 0:
        row, column = locate(text[:nul])
        problems.append(Problem(label, row, column, "holds a NUL byte; it is not a CSV text file"))
        return None
    if not text.strip():
        problems.append(Problem(label, None, None, "is empty; expected a header row"))
        return None
    del raw, text
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        problems.append(Problem(label, None, None, f"cannot be read ({os_reason(exc)})"))
        return None
    reader = csv.reader(fh, strict=True)
    first = _rows(reader, fh, label, 6, problems)
    if first is None:
        fh.close()
        return None
    header = [h.strip() for h in first[0]]
    if header and header[0].lower().startswith("sep="):
        problems.append(Problem(label, 1, None, f"starts with Excel's '{header[0]}' line; delete that line so that the header is row 1"))
        return _closed(fh)
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = ";" if ";" in header[0] else "tab"
        problems.append(Problem(label, 1, None, f"uses '{sep}' as separator; symbiosis reads comma-separated files"))
        return _closed(fh)
    model = RECORD_MODELS[tname]
    required = [col for col in model.model_fields if model.model_fields[col].is_required() or col in REQUIRED_COLUMNS.get(tname, ())]
    missing = [col for col in required if col not in header]
    if missing:
        for i, cells in enumerate(first[1:6], start=2):
            if all(col in [c.strip() for c in cells] for col in required):
                problems.append(Problem(label, 1, None, f"the header seems to be on row {i}; delete the rows above it so that the header is row 1"))
                return _closed(fh)
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
        hint = f" (found '{near[0]}'; column names are exact and lower case)" if near else did_you_mean(col, [h for h in header if h not in model.model_fields])
        problems.append(Problem(label, 1, col, f"required column is missing{hint}"))
        bad = True
    if bad:
        return _closed(fh)
    if warnings is not None:
        warnings.extend(column_warnings(label, tname, header))
    late = Late()
    return RawTable(label, _records(reader, fh, label, header, first, late, set(required)), late)


def _closed(fh: TextIO) -> RawTable | None:
    """Close the file of a table that will not be read; no table."""
    fh.close()
    return None


def _rows(reader: Iterator[list[str]], fh: TextIO, label: str, n: int, problems: list[Problem]) -> list[list[str]] | None:
    """The first ``n`` rows (fewer at the end of the file), or None after naming a row that is not CSV."""
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) >= n:
                break
    except csv.Error as exc:
        problems.append(_csv_problem(exc, fh, label, len(rows) + 1, [h.strip() for h in rows[0]] if rows else []))
        return None
    return rows


def _records(
    reader: Iterator[list[str]], fh: TextIO, label: str, header: list[str], first: list[list[str]], late: Late, required: frozenset[str] | set[str] = frozenset()
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a CSV file, read as they are asked for; a row that is not CSV ends them (``late``).

    A column with no name is ignored like any extra column; one that holds values is
    worth a warning (its first value is named). A row short of trailing cells (a sheet
    that drops empty cells at the end of a row) reads them as empty, with a warning,
    unless one of them is a required column (then it is a problem, naming it).
    """
    width = len(header)
    unnamed = [k for k, h in enumerate(header) if h == ""]
    i = 1
    try:
        with fh:
            for cells in itertools.chain(first[1:], reader):
                i += 1
                if not "".join(cells).strip():
                    continue  # blank lines are common at the end of exported sheets
                if len(cells) < width:
                    short = [h for h in header[len(cells):] if h]
                    lost = [h for h in short if h in required]
                    if lost:
                        late.problems.append(Problem(label, i, lost[0], f"has {len(cells)} cells but the header has {width}: the required column '{lost[0]}' has no cell"))
                        continue
                    late.warnings.append(InputWarning(label, i, None, f"has {len(cells)} cells but the header has {width}: {', '.join(short) or 'the unnamed columns'} read as empty"))
                    cells = [*cells, *[""] * (width - len(cells))]
                elif len(cells) > width:
                    late.problems.append(Problem(label, i, None, f"has {len(cells)} cells but the header has {width}"))
                    continue
                if unnamed:
                    for k in [k for k in unnamed if cells[k].strip()]:
                        late.warnings.append(InputWarning(label, 1, None, f"column {k + 1} has no name but holds values (row {i}: {show(cells[k].strip())}); it is ignored"))
                        unnamed.remove(k)
                yield i, dict(zip(header, cells))
    except csv.Error as exc:
        late.problems.append(_csv_problem(exc, None, label, i + 1, header, path=Path(fh.name)))
        late.stopped = True


def _csv_problem(exc: csv.Error, fh: TextIO | None, label: str, row: int, header: list[str], path: Path | None = None) -> Problem:
    """The problem of a row that is not valid CSV (``row`` in spreadsheet numbering)."""
    msg = str(exc)
    if "field larger than field limit" in msg:
        return Problem(label, row, None, f"a cell is longer than {csv.field_size_limit()} characters (is a quote left open above it?)")
    if "unexpected end of data" in msg:
        # The lenient reader shows which cell swallowed the rest of the file.
        column = None
        source = path if path is not None else Path(fh.name) if fh is not None else None
        if source is not None:
            with source.open(encoding="utf-8-sig", newline="") as again:
                for k, cells in enumerate(csv.reader(again), start=1):
                    if k == row:
                        i = len(cells) - 1
                        column = header[i] if row > 1 and 0 <= i < len(header) and header[i] else None
                        break
        return Problem(label, row, column, "a quoted cell is never closed: its opening '\"' has no closing '\"'")
    return Problem(label, row, None, f"is not valid CSV: {msg} (text after the closing quote of a quoted cell?)")
