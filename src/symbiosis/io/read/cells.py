"""Text cells of the CSV files symbiosis writes: never a formula, and read back as written.

Contract section 5 ("Outputs are safe to open"), following OWASP's guidance on CSV
injection: a spreadsheet runs a cell whose text starts with ``=``, ``+``, ``-`` or
``@`` (and Excel also one that starts with a tab or a line break before one of them),
so such a text cell is written with a leading apostrophe, ``'=HYPERLINK(...)``. So
that every text cell reads back as it was, a text that itself starts with an
apostrophe gets one more (``'x`` is written ``''x``), and the readers of symbiosis's
own outputs drop exactly one leading apostrophe of a text cell. Numbers are written as
numbers (``-3.5`` is a number, not text, and is left alone).

Both directions live here, in the reading stage, because the writers (``io/write``)
come after the readers in the pipeline and import this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

# OWASP's list (= + - @ tab CR), and line feed, which OWASP added in 2025; the
# apostrophe itself so that the escape can be undone exactly.
TRIGGERS = frozenset("=+-@\t\r\n'")
QUOTE = "'"
# The mark of a folder symbiosis wrote (written by io.write.marker); a scenario folder that
# carries it (kind "scenario": written by estimate or merge) has its text cells escaped.
MARKER = ".symbiosis-result.json"


def escape_text(value: str) -> str:
    """A text cell as written to CSV: with a leading apostrophe where a spreadsheet would run it."""
    return QUOTE + value if value[:1] in TRIGGERS else value


def unescape_text(value: str) -> str:
    """A text cell as read back from a CSV file symbiosis wrote (one leading apostrophe dropped)."""
    return value[1:] if value[:1] == QUOTE else value


def escape_cell(value: Any) -> Any:
    """A cell value as written: text escaped, anything else (numbers, booleans, empty) unchanged."""
    return escape_text(value) if isinstance(value, str) else value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose header and text cells are escaped; number columns are untouched."""
    columns = {}
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        if col.dtype == object:  # text, perhaps beside numbers: only the text is escaped
            col = col.map(escape_cell)
        elif pd.api.types.is_string_dtype(col.dtype):  # text only (or empty): at C speed
            first = col.str[:1]
            hit = first.isin(list(TRIGGERS)).to_numpy(dtype=bool, na_value=False)
            if hit.any():
                col = col.where(~hit, QUOTE + col)
        columns[i] = col
    out = pd.DataFrame(columns, index=frame.index)
    out.columns = [escape_text(str(c)) for c in frame.columns]
    return out


def unescape_frame(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``frame`` (read from a CSV file symbiosis wrote) with its header and text cells as they were.

    ``columns`` limits the text cells undone to those columns (all text cells by default).
    """
    frame.columns = [unescape_text(c) if isinstance(c, str) else c for c in frame.columns]
    for col in frame.columns if columns is None else [c for c in columns if c in frame.columns]:
        cells = frame[col]
        if cells.dtype == object:
            frame[col] = cells.map(lambda v: unescape_text(v) if isinstance(v, str) else v)
        elif pd.api.types.is_string_dtype(cells.dtype):  # keeps the column's dtype (an empty column stays text)
            hit = cells.str[:1].eq(QUOTE).to_numpy(dtype=bool, na_value=False)
            if hit.any():
                frame[col] = cells.where(~hit, cells.str[1:])
    return frame


def escaped_scenario(folder: Path) -> bool:
    """True for a scenario folder symbiosis wrote (``estimate``, ``merge``): its CSV text cells are read back unescaped.

    Told by the folder's marker alone (kind ``scenario``); an analyst's own folder has none.
    """
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return isinstance(doc, dict) and doc.get("written_by") == "symbiosis" and doc.get("kind") == "scenario"


def unescape_records(records: Iterable[tuple[int, Mapping[str, Any]]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Raw records of a CSV table symbiosis wrote, with every text cell (and column name) as it was before the escape."""
    for row, rec in records:
        yield row, {unescape_text(k): (unescape_text(v) if isinstance(v, str) else v) for k, v in rec.items()}
