"""Writing one company's intake workbook (``symbiosis intake``): its streams to confirm or correct.

The layout is ``io.read.intake``'s. Cells are written through the results
workbook's helpers (a text cell is text, never a formula); the editable cells are
yellow and unlocked, the others locked under a sheet protection without password (a
guide for the company, not a lock: ``merge`` compares every locked cell with the
scenario anyway). The file is byte-stable and written whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.errors import OutputError
from symbiosis.io.read.intake import ADD_ROWS, ANSWERS, COLUMNS, COMPANY_SHEET, EDITABLE, README_SHEET, STREAMS_SHEET
from symbiosis.io.write.files import tidy
from symbiosis.io.write.workbook import _cell_value, _put_frame, put, put_row, save_workbook

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook

WIDTHS = {"id": 34, "resource": 16, "direction": 10, "unit": 8, "source": 26, "basis": 36, "public_source": 60, "answer": 10, "comment": 40}


@dataclass(frozen=True)
class IntakeBook:
    """What one company's workbook shows: its register entry (key, value) and one row per stream (``COLUMNS``)."""

    company: Sequence[tuple[str, Any]]
    rows: Sequence[Mapping[str, Any]]


def readme_lines(company: str, scenario: str) -> list[str]:
    return [
        f"Data check for {company} ({scenario})",
        "",
        "The sheet 'streams' lists what we believe your site supplies (by-products, waste, spare heat, spare parking) and needs,",
        "per year. Many figures are estimates from your activity and staff, with the range we think they lie in (low, high)",
        "and where they come from (source, basis, public_source).",
        "",
        "Please check each row and fill in the yellow cells only:",
        "  - the figure is right: write 'confirm' in the column 'answer';",
        "  - the figure is wrong: type the right value (quantity, price, CO2, temperature or waste code), answer 'correct';",
        "  - you do not have this stream at all: answer 'remove';",
        "  - a stream is missing: add a row below the list (id, resource, direction, quantity, ...) and answer 'add'.",
        "Leave every other cell as it is: the workbook is refused when a grey cell was changed.",
        "",
        "Units: money EUR, energy MWh, mass t; quantities per year (the most at any time for parking spaces and floor space).",
        "price_eur_per_unit: for what you supply, what you pay today to get rid of one unit (negative: what you earn);",
        "for what you need, what you pay today for one unit.",
    ]


def intake_workbook(book: IntakeBook, company: str, scenario: str) -> OpenpyxlWorkbook:
    """The workbook: README, the company's register entry, and its streams with the editable cells marked."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    for i, line in enumerate(readme_lines(company, scenario), start=1):
        put(readme, i, 1, _cell_value(line))
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 120

    info = wb.create_sheet(COMPANY_SHEET)
    put_row(info, ["key", "value"])
    for key, value in book.company:
        put_row(info, [_cell_value(key), _cell_value(tidy(value))])
    for cell in info[1]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 70
    info.protection.sheet = True

    frame = pd.DataFrame([[row.get(c) for c in COLUMNS] for row in book.rows], columns=list(COLUMNS))
    _put_frame(wb, STREAMS_SHEET, frame)
    ws = wb[STREAMS_SHEET]
    yellow = PatternFill("solid", fgColor="FFF2CC")
    open_cell = Protection(locked=False)
    last = len(book.rows) + 1
    for j, col in enumerate(COLUMNS, start=1):
        letter = ws.cell(1, j).column_letter
        ws.column_dimensions[letter].width = WIDTHS.get(col, 14)
        for r in range(2, last + 1 + ADD_ROWS):
            if col in EDITABLE or r > last:
                cell = ws.cell(r, j)
                cell.protection = open_cell
                if r <= last:
                    cell.fill = yellow
    answers = DataValidation(type="list", formula1='"' + ",".join(ANSWERS) + '"', allow_blank=True, showErrorMessage=True, error="one of: " + ", ".join(ANSWERS))
    letter = ws.cell(1, COLUMNS.index("answer") + 1).column_letter
    answers.add(f"{letter}2:{letter}{last + ADD_ROWS}")
    ws.add_data_validation(answers)
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widening a column is fine
    ws.auto_filter.ref = None
    wb.active = wb.sheetnames.index(STREAMS_SHEET)
    return wb


def write_intake(book: IntakeBook, company: str, scenario: str, path: Path, inputs: Sequence[Path] = (), overwrite: bool = False) -> Path:
    """Write the workbook to ``path`` (an .xlsx file), never over an input of the scenario, nor over
    an existing file unless ``overwrite`` (it may be a workbook a company has filled in)."""
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"'{path}': an intake workbook is an Excel workbook; give a file name ending in .xlsx")
    if path.is_dir():
        raise OutputError(f"'{path}' is a folder; give a file name ending in .xlsx")
    target = path.resolve()
    if any(target == f.resolve() for f in inputs):
        raise OutputError(f"'{path}' is an input of the scenario; choose another file name")
    if path.exists() and not overwrite:
        raise OutputError(f"'{path}' exists (perhaps a workbook already filled in); choose another name, or pass --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder of '{path}': {exc.strerror or exc}") from None
    save_workbook(intake_workbook(book, company, scenario), path)
    return path
