"""Exceptions that carry the place of bad input: file, row and column.

Row numbers follow the spreadsheet convention: the header is row 1, the first
record is row 2. For inline YAML records the row is the record's position from 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
        return f"{_where(self.file, self.row, self.column)}: {self.message}"


@dataclass(frozen=True, order=True)
class InputWarning:
    """Input that is legal but suspect, and where it is (contract section 5, ``warnings``).

    Same fields as ``Problem``. A scenario carries its warnings (``Scenario.warnings``);
    ``summary.json`` lists them, the CLI prints them, and ``--strict`` makes each one a
    ``Problem`` (``as_problem``).
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{_where(self.file, self.row, self.column)}: {self.message}"

    def as_problem(self) -> Problem:
        """The same finding as an error (``--strict``)."""
        return Problem(self.file, self.row, self.column, f"{self.message} (a warning, an error under --strict)")

    def to_json(self) -> dict[str, str | int | None]:
        """The ``{file, row, column, message}`` object of ``summary.json``."""
        return {"file": str(self.file), "row": self.row, "column": self.column, "message": self.message}


def _where(file: str, row: int | None, column: str | None) -> str:
    """``file: row 3, column 'quantity' (cell E3)``: the place of a problem or a warning."""
    where = file
    if row is not None:
        where += f": row {row}"
    if column is not None:
        where += f", column '{column}'" if row is not None else f": column '{column}'"
    cell = file.cell(row, column) if isinstance(file, SheetLabel) else None
    if cell is not None:
        where += f" (cell {cell})"
    return where


class SymbiosisError(Exception):
    """Base class of every error symbiosis raises on purpose."""


class ScenarioError(SymbiosisError):
    """The scenario is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], warnings: Sequence[InputWarning] = ()):
        self.problems = sorted(set(problems), key=_problem_key)
        self.warnings: list[InputWarning] = sorted(set(warnings), key=_problem_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class Terminated(KeyboardInterrupt):
    """SIGTERM (what ``timeout``, ``kill`` or a batch scheduler sends), raised where Ctrl-C would be,
    so that the same clean-up runs: a folder being written is removed, the earlier one kept."""


class OutputError(SymbiosisError):
    """Outputs cannot be written where asked (e.g. over an input)."""


class SettingsError(SymbiosisError):
    """A setting given on the command line or through the API is invalid."""


def sort_warnings(warnings: Iterable[InputWarning]) -> tuple[InputWarning, ...]:
    """Warnings without repeats, in file, row, column order (as problems are listed)."""
    return tuple(sorted(set(warnings), key=_problem_key))


def _problem_key(p: Problem | InputWarning) -> tuple[str, int, str, str]:
    return (p.file, p.row if p.row is not None else 0, p.column or "", p.message)
