"""Writing a comparison folder (``symbiosis compare BASE OTHER --out DIR``), whole or not at all.

``inputs.csv`` (table, row, change, field, base, other), ``matches.csv`` (the matches
lost, gained and changed, with base, other and change of every number column),
``companies.csv`` and ``totals.csv``, every row of each: a diff too long for a
terminal stays readable in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from symbiosis.io.write.files import write_csv
from symbiosis.io.write.folders import write_whole_folder

COMPARISON_TABLES = ("inputs", "matches", "companies", "totals")


def write_comparison(tables: Mapping[str, pd.DataFrame], out_dir: Path, inputs: Sequence[Path] = ()) -> Path:
    """Write the comparison's tables into ``out_dir`` (``folders.write_whole_folder``: whole or not at all, replacing only an earlier comparison); return it."""

    def fill(folder: Path) -> None:
        for name in COMPARISON_TABLES:
            write_csv(tables[name], folder / f"{name}.csv")

    return write_whole_folder(out_dir, "comparison", fill, inputs)
