"""Writing a comparison folder (``symbiosis compare BASE OTHER --out DIR``), whole or not at all.

``inputs.csv`` (table, row, change, field, base, other), ``matches.csv`` (the matches
lost, gained and changed, with base, other and change of every number column),
``companies.csv`` and ``totals.csv``, every row of each: a diff too long for a
terminal stays readable in a spreadsheet.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from symbiosis.io.write.files import check_target, replace_folder, write_csv
from symbiosis.io.write.marker import all_files, write_marker

COMPARISON_TABLES = ("inputs", "matches", "companies", "totals")


def write_comparison(tables: Mapping[str, pd.DataFrame], out_dir: Path, inputs: Sequence[Path] = ()) -> Path:
    """Write the comparison's tables into ``out_dir`` (replacing only an earlier symbiosis folder); return it."""
    target = check_target(out_dir, inputs, what="comparison")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for name in COMPARISON_TABLES:
            write_csv(tables[name], tmp / f"{name}.csv")
        write_marker(tmp, all_files(tmp))
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
