"""Exceptions that carry the place of bad input: file, row and column.

Row numbers follow the spreadsheet convention: the header is row 1, the first
record is row 2. For inline YAML records the row is the record's position from 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class SheetLabel(str):
    """The file label of one sheet of a workbook (``book.xlsx, sheet 'streams'``).

    It is text like any other file label, and also knows the letter of each column,
    so that a problem can name the spreadsheet cell (``cell E5``). ``keys`` maps a
    problem column that has no row (a setting, ``settings.solver.seed``) to its cell.
    """

    letters: dict[str, str]
    keys: dict[str, str]

    def __new__(cls, text: str, letters: Mapping[str, str] | None = None, keys: Mapping[str, str] | None = None) -> SheetLabel:
        label = super().__new__(cls, text)
        label.letters = dict(letters or {})
        label.keys = dict(keys or {})
        return label

    def cell(self, row: int | None, column: str | None) -> str | None:
        """The cell of a problem at (row, column), when it is known."""
        if column is None:
            return None
        if row is None:
            return self.keys.get(column)
        letter = self.letters.get(column)
        return f"{letter}{row}" if letter else None


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, and where it is."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'" if self.row is not None else f": column '{self.column}'"
        cell = self.file.cell(self.row, self.column) if isinstance(self.file, SheetLabel) else None
        if cell is not None:
            where += f" (cell {cell})"
        return f"{where}: {self.message}"


class SymbiosisError(Exception):
    """Base class of every error symbiosis raises on purpose."""


class ScenarioError(SymbiosisError):
    """The scenario is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(SymbiosisError):
    """Outputs cannot be written where asked (e.g. over an input)."""


class SettingsError(SymbiosisError):
    """A setting given on the command line or through the API is invalid."""


def _problem_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else 0, p.column or "", p.message)
