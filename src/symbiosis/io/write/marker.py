"""The mark of a result folder: ``.symbiosis-result.json``, listing every file symbiosis wrote there.

A folder is taken for an earlier symbiosis result (or sweep), which ``--out`` may
replace, only when it holds this marker and nothing else than the files the marker
lists (relative paths, sub-folders included), each
with the size and SHA-256 it had when written. A file the analyst added, or changed
since, makes the folder someone else's: it is refused, and nothing is touched.
File names alone never decide (an analyst's own ``summary.json`` is not a result).

The marker is written last into the temporary folder, before that folder replaces
the target in one rename; the report, written later into a result folder, adds its
files to the marker.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from symbiosis.version import __version__

MARKER = ".symbiosis-result.json"


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def marker_data(folder: Path, names: list[str]) -> dict[str, Any]:
    """The marker's content for the files ``names`` of ``folder``."""
    files = {name: {"bytes": (folder / name).stat().st_size, "sha256": sha256(folder / name)} for name in sorted(names)}
    return {"written_by": "symbiosis", "version": __version__, "files": files}


def write_marker(folder: Path, names: list[str]) -> None:
    """Write the marker of ``folder`` listing ``names`` (replacing an earlier one)."""
    data = marker_data(folder, names)
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / MARKER)


def read_marker(folder: Path) -> dict[str, dict[str, Any]] | None:
    """The files a folder's marker lists (name -> bytes, sha256), or None when there is no valid marker."""
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict) or doc.get("written_by") != "symbiosis" or not isinstance(doc.get("files"), dict):
        return None
    files = doc["files"]
    if not all(isinstance(v, dict) and isinstance(v.get("sha256"), str) for v in files.values()):
        return None
    return files


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


def add_to_marker(folder: Path, names: list[str]) -> None:
    """List ``names`` (just written) in the marker of ``folder`` beside what it already lists."""
    files = read_marker(folder) or {}
    keep = [n for n in files if (folder / n).is_file() and n not in names]
    write_marker(folder, sorted(set(keep) | set(names)))
