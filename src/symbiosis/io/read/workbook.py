"""Reading a scenario workbook: one sheet per table, a settings sheet and a scenario sheet.

A scenario workbook holds one sheet per table (``companies``, ``resources``,
``streams``, and the optional ``profiles``, ``substitutions``, ``rules``,
``facilities``), each with the contract's column names in its first row, a
``settings`` sheet of ``key, value`` rows with dotted keys (``solver.time_limit_s``),
a ``scenario`` sheet (``name``, ``description``) and a ``README`` sheet for people.
``read_workbook`` turns it into the raw records that ``symbiosis.schema`` validates,
so a bad cell gets the same message as in a CSV file, plus the cell:
``book.xlsx, sheet 'streams': row 5, column 'quantity' (cell E5): expected a number``.
The template and the results workbook are written by ``symbiosis.io.write.workbook``.
"""

from __future__ import annotations

import datetime as dt
import types
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from symbiosis.errors import InputWarning, Problem, ScenarioError, SheetLabel
from symbiosis.schema import RECORD_MODELS, REQUIRED_TABLES, TABLES
from symbiosis.schema.messages import character_problem, did_you_mean
from symbiosis.schema.records import REQUIRED_COLUMNS
from symbiosis.schema.rows import RawTable

SETTINGS_SHEET = "settings"
SCENARIO_SHEET = "scenario"
README_SHEET = "README"
SCENARIO_KEYS = ("format", "name", "description", "provenance")
# Limits checked before a workbook is read (and again while it is streamed).
MAX_UNCOMPRESSED_MB = 200
MAX_ROWS = 1_000_000
MAX_COLUMNS = 500
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"})


def _numeric(annotation: Any) -> bool:
    """True for float/int fields (optional or not): their cells stay numbers."""
    args = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    kinds = [a for a in args if a is not type(None)]
    return bool(kinds) and all(a in (float, int) for a in kinds)


NUMERIC_COLUMNS = {t: {n for n, f in m.model_fields.items() if _numeric(f.annotation)} for t, m in RECORD_MODELS.items()}


@dataclass
class ScenarioWorkbook:
    """The raw content of a scenario workbook, before validation (see ``folder.load_workbook``)."""

    name: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    settings_label: str = ""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


def read_workbook(path: str | Path, required: tuple[str, ...] = REQUIRED_TABLES) -> ScenarioWorkbook:
    """Read a scenario workbook: raw records per table, nested settings and the problems found.

    ``required`` are the tables that must have a sheet with records (a company
    register gives only ``companies``). A workbook that cannot be opened at all
    raises ``ScenarioError``.
    """
    path = Path(path)
    book_label = path.name
    book = ScenarioWorkbook(name=path.stem, settings_label=book_label)
    titles, grids, states = read_grids(path, book.problems)
    seen: dict[str, str] = {}
    for title in titles:
        key = title.strip().lower()
        if key in seen:
            book.problems.append(Problem(book_label, None, None, f"sheets '{seen[key]}' and '{title}' are the same table; keep one"))
            continue
        seen[key] = title
        if title not in grids:
            continue  # refused for its extent
        grid = grids[title]
        if states.get(title, "visible") != "visible" and (key in TABLES or key in (SETTINGS_SHEET, SCENARIO_SHEET)):
            hidden = "very hidden (only Excel's VBA editor shows it)" if states[title] == "veryHidden" else "hidden"
            read_as = f"the {key} table" if key in TABLES else f"the {key}"
            book.warnings.append(InputWarning(f"{book_label}, sheet '{title}'", None, None, f"is {hidden}, and is read as {read_as}; unhide it to check it, or delete it if it is not meant"))
        if key in TABLES:
            _read_table(book, book_label, key, grid, required)
        elif key == SETTINGS_SHEET:
            _read_settings(book, book_label, grid)
        elif key == SCENARIO_SHEET:
            _read_scenario(book, book_label, grid)
        elif key == README_SHEET.lower() or key.startswith(("_", "#")):
            continue  # notes for people
        else:
            book.problems.append(
                Problem(
                    book_label,
                    None,
                    None,
                    f"unknown sheet '{title}' (expected {', '.join(TABLES)}, {SETTINGS_SHEET}, {SCENARIO_SHEET} or "
                    f"{README_SHEET}; start a sheet's name with '_' to keep notes)",
                )
            )
    return book


def read_grids(path: Path, problems: list[Problem]) -> tuple[list[str], dict[str, list[list[Cell]]], dict[str, str]]:
    """The titles of a workbook's sheets, in order, the cells of each sheet within the limits, and each sheet's state
    (``visible``, ``hidden`` or ``veryHidden``).

    The workbook is streamed (openpyxl's read-only mode), after its limits are checked:
    the uncompressed size of its parts (``MAX_UNCOMPRESSED_MB``) and each sheet's
    declared extent (``MAX_ROWS``, ``MAX_COLUMNS``), so that a stray cell at XFD1048576
    or a small file that inflates to gigabytes is refused at once. A sheet beyond the
    limits is named in ``problems`` and left out of the grids. A formula cell holds the
    result saved with the workbook. A workbook that cannot be opened at all raises
    ``ScenarioError``.
    """
    from openpyxl import load_workbook

    book_label = path.name
    inflated = _inflated_problem(path, book_label)
    if inflated is not None:
        raise ScenarioError([inflated])
    grids: dict[str, list[list[Cell]]] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it drops
            wb = load_workbook(path, read_only=True, data_only=False)
            try:
                formulas: dict[str, list[Cell]] = {}
                states = {ws.title: ws.sheet_state for ws in wb.worksheets}
                for ws in wb.worksheets:
                    extent = _extent_problem(ws, book_label)
                    if extent is not None:
                        problems.append(extent)
                        continue
                    grids[ws.title], formulas[ws.title] = _grid(ws, book_label, problems)
                titles = [ws.title for ws in wb.worksheets]
            finally:
                wb.close()
            if any(formulas.values()):
                values = load_workbook(path, read_only=True, data_only=True)
                try:
                    for title, cells in formulas.items():
                        if cells:
                            _saved_results(values[title], cells)
                finally:
                    values.close()
    except ScenarioError:
        raise
    except Exception as exc:
        reason = str(exc).strip() or type(exc).__name__
        raise ScenarioError([Problem(book_label, None, None, f"cannot be read as an Excel workbook ({reason})")]) from None
    return titles, grids, states


def _inflated_problem(path: Path, label: str) -> Problem | None:
    """The problem of a workbook whose parts inflate beyond the limit (read from the zip's directory)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = [(info.file_size, info.filename) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # openpyxl names what is wrong with the file
    total = sum(size for size, _ in sizes)
    if total > MAX_UNCOMPRESSED_MB * 1_000_000:
        biggest = max(sizes)
        return Problem(
            label,
            None,
            None,
            f"would inflate to {total / 1e6:,.0f} MB when opened ({biggest[1]}: {biggest[0] / 1e6:,.0f} MB); "
            f"symbiosis reads workbooks of at most {MAX_UNCOMPRESSED_MB} MB uncompressed: save the tables as CSV files instead",
        )
    return None


def _extent_problem(ws: Any, label: str) -> Problem | None:
    """The problem of a sheet whose declared extent is beyond the limits (before any cell is read)."""
    rows, columns = ws.max_row or 0, ws.max_column or 0
    if rows <= MAX_ROWS and columns <= MAX_COLUMNS:
        return None
    return Problem(
        f"{label}, sheet '{ws.title}'",
        None,
        None,
        f"spans {rows:,} rows and {columns:,} columns (to cell {get_column_letter(max(columns, 1))}{rows}); "
        f"at most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns are read: delete the stray cells beyond the table",
    )


def get_column_letter(n: int) -> str:
    """The letters of column ``n`` (1 is A, 27 is AA)."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Cell:
    row: int
    letter: str
    value: Any
    problem: str | None = None


def _grid(ws: Any, label: str, problems: list[Problem]) -> tuple[list[list[Cell]], list[Cell]]:
    """The rows of a sheet that hold anything, as cells, and its formula cells (to be given their saved results).

    Rows and columns beyond the limits stop the reading with a problem, whatever the
    sheet declared.
    """
    rows: list[list[Cell]] = []
    formulas: list[Cell] = []
    ws.reset_dimensions()  # read every row there is, not only those the sheet declares
    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        if not row:
            continue
        if r > MAX_ROWS or len(row) > MAX_COLUMNS:
            problems.append(
                Problem(f"{label}, sheet '{ws.title}'", min(r, MAX_ROWS + 1), None, f"has cells beyond row {MAX_ROWS:,} or column {MAX_COLUMNS}; delete the stray cells beyond the table")
            )
            break
        if all(c.value is None for c in row):
            continue
        cells = []
        for j, c in enumerate(row):
            value, problem = c.value, None
            cell = Cell(r, get_column_letter(j + 1), value, problem)
            if c.data_type == "f":
                cell.value = None
                cell.problem = "holds a formula with no saved result; open and save the workbook in Excel or LibreOffice, or type the value"
                formulas.append(cell)
            elif isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                cell.problem = f"holds the spreadsheet error {value.strip()}"
            cells.append(cell)
        rows.append(cells)
    return rows, formulas


def _saved_results(ws: Any, cells: list[Cell]) -> None:
    """Give formula cells the results saved with the workbook (streamed from the values view of the sheet)."""
    wanted = {(c.row, c.letter): c for c in cells}
    last = max(c.row for c in cells)
    for r, row in enumerate(ws.iter_rows(max_row=last), start=1):
        for j, v in enumerate(row):
            cell = wanted.get((r, get_column_letter(j + 1))) if v.value is not None else None
            if cell is not None:
                cell.value = v.value
                cell.problem = f"holds the spreadsheet error {v.value.strip()}" if isinstance(v.value, str) and v.value.strip() in EXCEL_ERRORS else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(grid: list[list[Cell]]) -> int | None:
    """Index of the first row with any value (the header), or None for an empty sheet."""
    for i, cells in enumerate(grid):
        if any(not _blank(c.value) for c in cells):
            return i
    return None


def _text(value: Any) -> Any:
    """A cell value as text, the way the spreadsheet shows it (numbers without a spurious '.0')."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return _plain(value)


def _plain(value: Any) -> Any:
    """Dates and times as ISO text; everything else unchanged."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M") if value.second == 0 and value.microsecond == 0 else value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def _read_table(book: ScenarioWorkbook, book_label: str, table: str, grid: list[list[Cell]], required: tuple[str, ...] = REQUIRED_TABLES) -> None:
    h = _header(grid)
    plain_label = f"{book_label}, sheet '{table}'"
    if h is None:
        if table in required:
            book.problems.append(Problem(plain_label, None, None, "is empty; expected a header row and records"))
        return  # an empty optional sheet: the table is absent
    header_row = grid[h][0].row
    names: dict[str, str] = {}  # column name -> letter
    columns: list[tuple[int, str]] = []
    bad = False
    for i, c in enumerate(grid[h]):
        if _blank(c.value):
            continue
        name = str(_text(c.value)).strip()
        if name in names:
            book.problems.append(Problem(SheetLabel(plain_label), header_row, name, f"duplicate column name (cells {names[name]}{header_row} and {c.letter}{header_row})"))
            bad = True
            continue
        names[name] = c.letter
        columns.append((i, name))
    label = SheetLabel(plain_label, names)
    model = RECORD_MODELS[table]
    for col, spec in model.model_fields.items():
        if col not in names and (spec.is_required() or col in REQUIRED_COLUMNS.get(table, ())):
            hint = did_you_mean(col, [n for n in names if n not in model.model_fields])
            book.problems.append(Problem(label, header_row, col, f"required column is missing{hint}"))
            bad = True
    known = list(model.model_fields)
    for name in names:
        if name not in model.model_fields:
            hint = did_you_mean(name, known) or did_you_mean(name.lower().replace(" ", "_"), known)
            if hint:
                book.warnings.append(InputWarning(label, header_row, name, f"unknown column, ignored{hint}"))
    if bad:
        return
    numeric = NUMERIC_COLUMNS[table]
    records: list[tuple[int, dict[str, Any]]] = []
    for cells in grid[h + 1 :]:
        if all(_blank(c.value) for c in cells):
            continue  # blank rows are common in sheets
        record: dict[str, Any] = {}
        for i, name in columns:
            if i >= len(cells):
                continue
            cell = cells[i]
            if cell.problem:
                book.problems.append(Problem(label, cell.row, name, cell.problem))
            if cell.value is None:
                continue
            record[name] = _plain(cell.value) if name in numeric and not isinstance(cell.value, bool) else _text(cell.value)
        records.append((cells[0].row, record))
    if not records and table not in required:
        return  # header only: the optional table is absent
    book.tables[table] = RawTable(label, records)


def _key_value_rows(book: ScenarioWorkbook, label: str, grid: list[list[Cell]]) -> tuple[list[tuple[str, Cell]], str] | None:
    """The (key, value cell) rows of a key/value sheet, and the value column's letter."""
    h = _header(grid)
    if h is None:
        return None
    header = {str(c.value).strip().lower(): i for i, c in enumerate(grid[h]) if not _blank(c.value)}
    if "key" not in header or "value" not in header:
        book.problems.append(Problem(label, grid[h][0].row, None, "expected the columns 'key' and 'value' in the first row"))
        return None
    k, v = header["key"], header["value"]
    value_letter = grid[h][v].letter
    out: list[tuple[str, Cell]] = []
    first: dict[str, int] = {}
    for cells in grid[h + 1 :]:
        key_cell = cells[k] if k < len(cells) else None
        value_cell = cells[v] if v < len(cells) else None
        if value_cell is None or key_cell is None:
            continue
        key = "" if _blank(key_cell.value) else str(_text(key_cell.value)).strip()
        if not key:
            if not _blank(value_cell.value):
                book.problems.append(Problem(SheetLabel(label, {"value": value_letter}), value_cell.row, "value", "a value with no key"))
            continue
        if _blank(value_cell.value) and value_cell.problem is None:
            continue  # empty: the default
        if key in first:
            book.problems.append(Problem(SheetLabel(label, {"key": key_cell.letter}), key_cell.row, "key", f"'{key}' given twice (first at row {first[key]})"))
            continue
        first[key] = key_cell.row
        out.append((key, value_cell))
    return out, value_letter


def _read_settings(book: ScenarioWorkbook, book_label: str, grid: list[list[Cell]]) -> None:
    plain_label = f"{book_label}, sheet '{SETTINGS_SHEET}'"
    found = _key_value_rows(book, plain_label, grid)
    if found is None:
        return
    rows, letter = found
    cells = {f"settings.{key}": f"{c.letter}{c.row}" for key, c in rows}
    row_label = SheetLabel(plain_label, {"value": letter})
    book.settings_label = SheetLabel(plain_label, keys=cells)
    settings: dict[str, Any] = {}
    for key, c in rows:
        if c.problem:
            book.problems.append(Problem(row_label, c.row, "value", c.problem))
            continue
        value = _plain(c.value.strip() if isinstance(c.value, str) else c.value)
        parts = [p.strip() for p in key.split(".")]
        node = settings
        clash = False
        for p in parts[:-1]:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                clash = True
                break
        if clash or not all(parts) or isinstance(node.get(parts[-1]), dict):
            book.problems.append(Problem(row_label, c.row, "value", f"the key '{key}' clashes with another key or is not a setting"))
            continue
        node[parts[-1]] = value
    book.settings = settings


def _read_scenario(book: ScenarioWorkbook, book_label: str, grid: list[list[Cell]]) -> None:
    plain_label = f"{book_label}, sheet '{SCENARIO_SHEET}'"
    found = _key_value_rows(book, plain_label, grid)
    if found is None:
        return
    rows, letter = found
    label = SheetLabel(plain_label, {"value": letter})
    for key, c in rows:
        if c.problem:
            book.problems.append(Problem(label, c.row, "value", c.problem))
        elif key == "name":
            book.name = str(_text(c.value)).strip()
            what = character_problem("name", book.name)
            if what is not None:
                book.problems.append(Problem(label, c.row, "value", what))
        elif key == "format":
            if _text(c.value) != "1":
                book.problems.append(Problem(label, c.row, "value", f"unsupported format {c.value!r}; this version reads format 1"))
        elif key not in SCENARIO_KEYS:
            book.problems.append(
                Problem(SheetLabel(plain_label, {"key": "A"}), c.row, "key", f"unknown key '{key}' (expected {', '.join(SCENARIO_KEYS)})")
            )
