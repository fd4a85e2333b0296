"""Reading a returned intake workbook (``symbiosis intake`` writes it, ``symbiosis merge`` takes it back).

The layout is declared here once, for the writer (``io.write.intake``) and the
reader alike: a ``company`` sheet of key/value rows naming the company, and a
``streams`` sheet with one row per stream of that company. Only the ``EDITABLE``
columns of the listed rows may be changed; new rows below them (``answer`` =
``add``) add streams. ``read_intake`` returns the cells as they are, with their
places, so that ``merge`` can name the file, sheet, row, column and cell of anything
wrong; it decides nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symbiosis.errors import Problem, ScenarioError, SheetLabel
from symbiosis.io.read.workbook import Cell, _blank, _plain, read_grids

COMPANY_SHEET = "company"
STREAMS_SHEET = "streams"
README_SHEET = "README"
COMPANY_KEYS = ("company", "name", "nace", "activity", "employees", "floor_area_m2", "scenario")
COLUMNS = (
    "id", "resource", "direction", "unit", "quantity", "low", "high", "price_eur_per_unit", "co2_kg_per_unit", "temperature_c", "ewc",
    "source", "basis", "public_source", "answer", "comment",
)  # fmt: skip
# What the company may change in a listed row; everything else is compared with the scenario.
EDITABLE = frozenset({"quantity", "price_eur_per_unit", "co2_kg_per_unit", "temperature_c", "ewc", "answer", "comment"})
# Shown for the company's information only: not compared (they depend on the coefficient table at hand).
INFORMATION = frozenset({"basis", "public_source"})
ANSWERS = ("confirm", "correct", "remove", "add")
ADD_ROWS = 50  # empty rows left open below the listed streams for new ones


@dataclass(frozen=True)
class IntakeRow:
    """One row of the streams sheet: its spreadsheet row and each column's value (None when empty)."""

    row: int
    values: dict[str, Any]


@dataclass(frozen=True)
class ReturnedBook:
    """A returned intake workbook's cells, with their places."""

    path: Path
    company: dict[str, tuple[Any, int]]  # key -> (value, row) of the company sheet
    company_label: SheetLabel
    rows: list[IntakeRow]
    label: SheetLabel  # the streams sheet, knowing each column's letter

    @property
    def company_id(self) -> str | None:
        value = self.company.get("company", (None, 0))[0]
        return None if _blank(value) else str(value).strip()


def read_intake(path: str | Path) -> ReturnedBook:
    """The cells of a returned intake workbook; ``ScenarioError`` (file, sheet, row, column) when its layout is not intake's."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, None, "file not found")])
    problems: list[Problem] = []
    titles, grids, _ = read_grids(path, problems)
    for sheet in (COMPANY_SHEET, STREAMS_SHEET):
        if sheet not in titles:
            problems.append(Problem(path.name, None, None, f"has no sheet '{sheet}': it is not a workbook written by 'symbiosis intake'"))
    if problems:
        raise ScenarioError(problems)
    company, company_label = _company(path.name, grids.get(COMPANY_SHEET, []), problems)
    rows, label = _streams(path.name, grids.get(STREAMS_SHEET, []), problems)
    if problems:
        raise ScenarioError(problems)
    return ReturnedBook(path, company, company_label, rows, label)


def _company(book: str, grid: list[list[Cell]], problems: list[Problem]) -> tuple[dict[str, tuple[Any, int]], SheetLabel]:
    label = SheetLabel(f"{book}, sheet '{COMPANY_SHEET}'", {"key": "A", "value": "B"})
    out: dict[str, tuple[Any, int]] = {}
    for cells in grid[1:]:
        key = cells[0].value if cells else None
        value = cells[1].value if len(cells) > 1 else None
        if _blank(key):
            continue
        out[str(key).strip()] = (_plain(value), cells[0].row)
    if "company" not in out:
        problems.append(Problem(label, None, "key", "names no company (the row 'company' is missing): it is not a workbook written by 'symbiosis intake'"))
    return out, label


def _streams(book: str, grid: list[list[Cell]], problems: list[Problem]) -> tuple[list[IntakeRow], SheetLabel]:
    plain = f"{book}, sheet '{STREAMS_SHEET}'"
    if not grid:
        problems.append(Problem(plain, 1, None, "is empty: it is not a workbook written by 'symbiosis intake'"))
        return [], SheetLabel(plain)
    header = grid[0]
    letters = {name: cell.letter for name, cell in zip(COLUMNS, header)}
    label = SheetLabel(plain, letters)
    names = [None if _blank(c.value) else str(c.value).strip() for c in header]
    while names and names[-1] is None:
        names.pop()
    if header[0].row != 1 or tuple(names) != COLUMNS:
        for k, want in enumerate(COLUMNS):
            got = names[k] if k < len(names) else None
            if got != want:
                problems.append(Problem(label, header[0].row, want, f"the header holds {got!r} where intake wrote {want!r}; the header row must stay as written"))
                break
        else:
            extra = names[len(COLUMNS)]
            problems.append(Problem(SheetLabel(plain), header[0].row, extra, "a column was added to the header; only the cells of the listed columns may be edited"))
        return [], label
    rows = []
    for cells in grid[1:]:
        values: dict[str, Any] = {}
        for k, cell in enumerate(cells):
            if k >= len(COLUMNS):
                if not _blank(cell.value):
                    problems.append(Problem(SheetLabel(plain), cell.row, None, f"cell {cell.letter}{cell.row} is outside the table; only the cells of the listed columns may be edited"))
                continue
            if cell.problem:
                problems.append(Problem(label, cell.row, COLUMNS[k], cell.problem))
            values[COLUMNS[k]] = None if _blank(cell.value) else _plain(cell.value)
        if cells and any(v is not None for v in values.values()):
            rows.append(IntakeRow(cells[0].row, values))
    return rows, label
