"""The one reader of result folders (what ``symbiosis solve --out`` wrote).

``read_result(folder)`` returns a ``ResultFiles``: the summary, the five result tables
as DataFrames, the network and the scenario as solved, each as written. The report,
the checker and ``symbiosis explain`` read a folder through it, so that a missing or
broken file gives the same clear ``ResultFolderError`` everywhere, naming the file.

Id and text columns stay text (``"007"`` is an id, not the number 7, and an empty
name is ``""``); the other columns are numbers, an empty cell being NaN.
"""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from symbiosis.errors import OutputError
from symbiosis.io.read.cells import escape_text, unescape_frame
from symbiosis.types import Summary, summary_from_json

SUMMARY = "summary.json"
NETWORK = "network.json"
SCENARIO = "scenario.json"
TABLES = ("matches", "flows", "companies", "facilities", "facility_loads")
# The columns of each table that hold ids or text.
TEXT: dict[str, tuple[str, ...]] = {
    "matches": ("kind", "source", "target", "supply_stream", "demand_stream", "resource", "unit", "route", "stage"),
    "flows": ("supply_stream", "demand_stream", "slot"),
    "companies": ("company", "name"),
    "facilities": ("facility", "name", "resource", "members"),
    "facility_loads": ("facility", "slot"),
    # A roadmap folder (symbiosis roadmap, DESIGN.md section 4g).
    "roadmap": ("kind", "source", "target", "supply_stream", "demand_stream", "resource", "stage", "route", "start_group"),
    "years": (),
}
NODE_COLUMNS = ["id", "kind", "name", "sector", "lat", "lon"]
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^(True|False|nan|inf|-inf)$")


class ResultFolderError(OutputError):
    """A result folder lacks a file, or a file cannot be read; ``path`` names it."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


@dataclass(frozen=True)
class ResultFiles:
    """The files of a result folder, as read."""

    folder: Path
    summary: Summary
    matches: pd.DataFrame
    flows: pd.DataFrame
    companies: pd.DataFrame
    facilities: pd.DataFrame
    facility_loads: pd.DataFrame
    network: dict[str, Any]  # network.json: node-link data
    scenario: dict[str, Any]  # scenario.json: the scenario as solved, effective settings included

    def family(self, resource: str) -> str:
        """The resource family of a resource, from summary.json ('' when unknown)."""
        return str(self.summary.resources.get(resource, {}).get("family", ""))

    def pricing(self, resource: str) -> str:
        """The pricing of a resource ('volume' or 'peak'), from summary.json ('' when unknown)."""
        return str(self.summary.resources.get(resource, {}).get("pricing", ""))

    @cached_property
    def nodes(self) -> pd.DataFrame:
        """The nodes of network.json that have coordinates: id, kind, name, sector, lat, lon."""
        rows = [
            {
                "id": str(n.get("id")),
                "kind": str(n.get("kind", "company")),
                "name": str(n.get("name", "") or ""),
                "sector": str(n.get("sector", "") or ""),
                "lat": float(n["lat"]),
                "lon": float(n["lon"]),
            }
            for n in self.network.get("nodes", [])
            if n.get("lat") is not None and n.get("lon") is not None
        ]
        return pd.DataFrame(rows, columns=NODE_COLUMNS)

    @property
    def participants(self) -> pd.DataFrame:
        """Rows of companies.csv of the companies taking part (an exchange or a pool)."""
        c = self.companies
        return c[(c["n_exchanges"] > 0) | (c["n_pools"] > 0)]


def read_table(folder: Path, table: str) -> pd.DataFrame:
    """One result table (``matches``, ``flows``, ...): its id and text columns as text.

    The file is checked as the writers make it before it is read: every row as wide as
    the header, the last row ended by a newline, and every number cell a number, so that
    a file cut short names its file and row (``ResultFolderError``) rather than being
    read with empty cells.
    """
    path = folder / f"{table}.csv"
    regular_file(path)
    if not path.is_file():
        raise ResultFolderError(path, f"'{folder}' holds no {path.name}; is it a complete result folder?")
    text = TEXT.get(table, ())
    _check_rows(path, text)
    frame = read_output_csv(path, text)
    for col in text:
        if col in frame.columns:
            frame[col] = frame[col].fillna("")
    return frame


def read_output_csv(path: Path, text: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A CSV file that symbiosis wrote, with its header and text cells as they were before
    they were escaped (``cells``). ``text`` names the columns read as text (every other
    column as pandas infers it); without it every text cell is undone."""
    regular_file(path)
    try:
        frame = pd.read_csv(path, dtype={escape_text(c): str for c in text or ()}, keep_default_na=False, na_values=[""])
    except (OSError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ResultFolderError(path, f"{path}: cannot be read as CSV ({exc})") from None
    return unescape_frame(frame, text)


def regular_file(path: Path) -> None:
    """Refuse, before anything is read, a file of a result folder that is a symbolic link or not a
    plain file (a FIFO would never end): nothing of what it points to may reach a message.
    A missing file is left to the caller, which names it."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ResultFolderError(path, f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(mode):
        raise ResultFolderError(path, f"{path}: is a symbolic link; symbiosis reads only the files it wrote into a folder, not what a link points to")
    if not stat.S_ISREG(mode):
        raise ResultFolderError(path, f"{path}: is not a plain file; symbiosis reads only the files it wrote into a folder")


def _check_rows(path: Path, text: tuple[str, ...]) -> None:
    """Raise ``ResultFolderError`` at the first row of a result table that is not as written."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise ResultFolderError(path, f"{path}: is empty; expected a header row (is the file cut short?)")
            numbers = [k for k, h in enumerate(header) if h not in text]
            row = 1
            for row, cells in enumerate(reader, start=2):
                if len(cells) != len(header):
                    raise ResultFolderError(path, f"{path}: row {row}: has {len(cells)} cells but the header has {len(header)} (is the file cut short?)")
                for k in numbers:
                    cell = cells[k]
                    if cell and not _NUMBER.match(cell):
                        raise ResultFolderError(path, f"{path}: row {row}, column '{header[k]}': expected a number, got {cell[:40]!r}")
            fh.seek(0, 2)
            size = fh.tell()
        if size and not path.read_bytes()[-1:] == b"\n":
            raise ResultFolderError(path, f"{path}: row {row}: the file ends in the middle of this row (is it cut short?)")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultFolderError(path, f"{path}: cannot be read as CSV ({exc})") from None


def read_json(folder: Path, name: str) -> dict[str, Any]:
    """One JSON file of a result folder (``summary.json``, ``network.json``, ``scenario.json``)."""
    path = folder / name
    regular_file(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultFolderError(path, f"'{folder}' holds no {name}; is it a complete result folder?") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ResultFolderError(path, f"{path}: cannot be read as JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ResultFolderError(path, f"{path}: holds {type(doc).__name__}, not a JSON object")
    return doc


def read_summary(folder: Path) -> Summary:
    """``summary.json`` as a typed ``Summary``; a missing key or a wrong value names the key."""
    path = folder / SUMMARY
    data = read_json(folder, SUMMARY)
    try:
        return summary_from_json(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(x) for x in first["loc"]) or "?"
        what = "is missing" if first["type"] == "missing" else f"is not valid ({first['msg']})"
        raise ResultFolderError(path, f"{path}: key '{key}' {what}; was it written by this version of symbiosis?") from None


def read_result(result_dir: str | Path) -> ResultFiles:
    """Read every file of a result folder; ``ResultFolderError`` names what is missing or unreadable."""
    folder = Path(result_dir)
    if not (folder / SUMMARY).is_file():
        raise ResultFolderError(folder / SUMMARY, f"'{folder}' holds no {SUMMARY}; is it a result folder?")
    summary = read_summary(folder)
    network = read_json(folder, NETWORK)
    tables = {t: read_table(folder, t) for t in TABLES}
    return ResultFiles(
        folder=folder,
        summary=summary,
        network=network,
        scenario=read_json(folder, SCENARIO),
        **tables,
    )


@dataclass(frozen=True)
class RoadmapFiles:
    """The files of a roadmap folder, as read: ``roadmap.csv``, ``years.csv`` and ``roadmap.json``."""

    folder: Path
    rows: pd.DataFrame
    years: pd.DataFrame
    meta: dict[str, Any]


def read_roadmap(folder_dir: str | Path) -> RoadmapFiles:
    """Read a roadmap folder; ``ResultFolderError`` names what is missing or unreadable."""
    folder = Path(folder_dir)
    if not (folder / "roadmap.csv").is_file():
        raise ResultFolderError(folder / "roadmap.csv", f"'{folder}' holds no roadmap.csv; is it a roadmap folder (symbiosis roadmap)?")
    return RoadmapFiles(folder, read_table(folder, "roadmap"), read_table(folder, "years"), read_json(folder, "roadmap.json"))
