"""The mark of a folder symbiosis wrote: ``.symbiosis-result.json``, its kind and every file in it.

A folder is taken for an earlier symbiosis folder, which ``--out`` may replace, only
when it holds this marker and nothing else than the files the marker lists (relative
paths, sub-folders included), each with the size and SHA-256 it had when written. A
file the analyst added, or changed since, makes the folder someone else's: it is
refused, and nothing is touched. File names alone never decide (an analyst's own
``summary.json`` is not a result).

The marker also says the folder's ``kind`` (``KINDS``): a command replaces only a
folder of its own kind, so that a sweep never replaces a solve result, nor a front a
set of alternatives. A marker written before kinds existed has none; its kind is then
told from the files it lists (``kind_of``).

The marker is written last into the temporary folder, before that folder replaces
the target (``folders``); it never lists itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from symbiosis.io.read.cells import MARKER  # declared once, beside the escape it tells about
from symbiosis.version import __version__

# The kinds of folder, what each command writes, and the file that told them apart
# before the marker said its kind.
KINDS: dict[str, str] = {
    "result": "summary.json",
    "sweep": "sweep.json",
    "pareto": "pareto.csv",
    "alternatives": "alternatives.csv",
    "report": "report.html",
    "scenario": "scenario.yaml",
    "comparison": "inputs.csv",
    "sheets": "sheets.html",
    "roadmap": "roadmap.csv",
}
# How a kind is named in messages.
KIND_NAMES = {
    "result": "result (symbiosis solve)",
    "sweep": "sweep (symbiosis sweep)",
    "pareto": "front (symbiosis pareto)",
    "alternatives": "set of alternatives (symbiosis alternatives)",
    "report": "report (symbiosis report)",
    "scenario": "scenario (symbiosis estimate or merge)",
    "comparison": "comparison (symbiosis compare --out)",
    "sheets": "set of company sheets (symbiosis sheets)",
    "roadmap": "roadmap (symbiosis roadmap)",
}


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_marker(folder: Path, names: list[str], kind: str | None = None) -> None:
    """Write the marker of ``folder`` listing ``names`` (replacing an earlier one)."""
    write_marker_of(folder, {name: folder / name for name in names}, kind)


def write_marker_of(folder: Path, files: dict[str, Path], kind: str | None = None) -> None:
    """Write into ``folder`` a marker listing each name with the size and hash of the file given for it
    (a file that will take that name: the marker is made before the renames)."""
    listed = {name: {"bytes": path.stat().st_size, "sha256": sha256(path)} for name, path in sorted(files.items()) if name not in (MARKER, f"{MARKER}.tmp")}
    data: dict[str, Any] = {"written_by": "symbiosis", "version": __version__, "files": listed}
    if kind is not None:
        data["kind"] = kind
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / MARKER)


def _marker_doc(folder: Path) -> dict[str, Any] | None:
    """The marker of a folder, when it is one (a symbolic link is not read)."""
    path = folder / MARKER
    try:
        if path.is_symlink() or not path.is_file():
            return None
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("written_by") != "symbiosis" or not isinstance(doc.get("files"), dict):
        return None
    files = doc["files"]
    if not all(isinstance(v, dict) and isinstance(v.get("sha256"), str) for v in files.values()):
        return None
    return doc


def read_marker(folder: Path) -> dict[str, dict[str, Any]] | None:
    """The files a folder's marker lists (name -> bytes, sha256), or None when there is no valid marker."""
    doc = _marker_doc(folder)
    return None if doc is None else doc["files"]


def kind_of(folder: Path) -> str | None:
    """The kind of folder its marker says (``KINDS``), or None without a marker.

    A marker without a kind (written before kinds existed) is told by the files it
    lists: ``summary.json`` a result, ``sweep.json`` a sweep, and so on.
    """
    doc = _marker_doc(folder)
    if doc is None:
        return None
    kind = doc.get("kind")
    if isinstance(kind, str) and kind in KINDS:
        return kind
    listed = set(doc["files"])
    return next((k for k, name in KINDS.items() if name in listed), "report")


def changed(folder: Path, name: str, entry: dict[str, Any]) -> bool:
    """True when a listed file is no longer what symbiosis wrote (size or hash differs)."""
    path = folder / name
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size != entry.get("bytes"):
            return True
        return sha256(path) != entry["sha256"]
    except OSError:
        return True


def all_files(folder: Path) -> list[str]:
    """Every file below ``folder`` as a relative path (``point-01/samples.csv``), symbolic links included, in order."""
    out = []
    for root, dirs, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        for d in list(dirs):
            if (Path(root) / d).is_symlink():
                names.append(d)  # a link to a folder is not ours to follow
                dirs.remove(d)
        out += [(base / n).as_posix() for n in names]
    return sorted(out)


def foreign_entries(folder: Path) -> list[str]:
    """What in ``folder`` symbiosis did not write, or changed since: empty for an intact result folder.

    Returns the files (relative paths, sub-folders included) that make the folder
    someone else's: all of them when it has no marker. An empty folder has none.
    """
    names = all_files(folder)
    if not names:
        return []
    files = read_marker(folder)
    if files is None:
        return names
    return [n for n in names if n != MARKER and (n not in files or changed(folder, n, files[n]))]


def listed_intact(folder: Path) -> list[str]:
    """The files that the marker of ``folder`` lists and that are still as written."""
    files = read_marker(folder) or {}
    return [n for n, entry in files.items() if not changed(folder, n, entry)]
