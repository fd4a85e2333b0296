"""Writing outputs: whole or not at all, and never over an input.

All files go to a temporary folder beside the target, which then replaces the target
in one rename. A target that holds anything but an intact earlier symbiosis result
(recognised by its marker, ``marker.MARKER``) is left alone, so that a mistyped
``--out`` cannot destroy an analyst's folder.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from symbiosis.errors import OutputError
from symbiosis.io.read.cells import escape_frame
from symbiosis.io.write.marker import foreign_entries

SIGNIFICANT = 10


def tidy(value: Any) -> Any:
    """Round floats to 10 significant digits, recursively, for stable JSON."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        return float(f"{value:.{SIGNIFICANT}g}")
    if isinstance(value, dict):
        return {str(k): tidy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tidy(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return tidy(value.item())
    return value


def _umask() -> int:
    """The process's umask: read from /proc where there is one (Linux), so that it is never changed."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


def replace_folder(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` at ``target`` by renames, replacing what was there.

    The folder gets the permissions of any new folder (0777 less the umask), not the
    0700 that ``tempfile.mkdtemp`` gives its temporary folder.
    """
    os.chmod(tmp, 0o777 & ~_umask())
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rename(target, old / "previous")
        os.rename(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, target)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, then one rename."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write '{path}': {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(df: pd.DataFrame, path: Path, float_format: str = f"%.{SIGNIFICANT}g") -> None:
    """The one CSV writer of every output: text cells and the header escaped so that no cell is a
    formula (``io.read.cells``), numbers as numbers, LF line ends."""
    escape_frame(df).to_csv(path, index=False, float_format=float_format, lineterminator="\n")


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(tidy(data), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def network_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    return nx.node_link_data(g, edges="links")  # type: ignore[no-any-return]


def scenario_snapshot(scenario: Any) -> dict[str, Any]:
    """The scenario as solved (effective settings included), as one inline document.

    JSON is YAML, so ``load_scenario(result_dir / "scenario.json")`` reads it back;
    ``symbiosis explain`` re-solves from it.
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    tables = {t: data[t] for t in ("companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities", "links") if data[t]}
    return {"format": 1, "name": data["name"], "tables": tables, "settings": data["settings"]}


def check_target(out_dir: Path, inputs: Sequence[Path], what: str = "result") -> Path:
    """Refuse a target that is, or would replace, an input, or a folder that is not an intact symbiosis result.

    A folder is an earlier result only by its marker (``marker.MARKER``) and the hashes
    it lists, never by file names.
    Also refused, before any work is done: a path through a file, a place that cannot
    be written, a name too long. Every refusal is an ``OutputError`` naming the path.
    ``what`` names the kind of folder (result, sweep, front or alternatives); returns
    the resolved target.
    """
    check_out_path(out_dir)
    target = out_dir.resolve()
    for f in inputs:
        f = f.resolve()
        if f.is_relative_to(target):
            raise OutputError(f"output folder '{out_dir}' holds the input '{f.name}'; choose another folder")
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"output path '{out_dir}' exists and is not a folder")
        foreign = foreign_entries(target)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise OutputError(
                f"output folder '{out_dir}' exists and holds files that are not a symbiosis {what} ({shown}); "
                "choose a new or empty folder"
            )
    return target


def check_out_path(out_dir: Path) -> None:
    """Refuse an output path that cannot be made: a parent that is a file, no write permission, a name too long."""
    text = str(out_dir)
    if "\x00" in text:
        raise OutputError(f"output path {text!r} holds a NUL character")
    try:
        target = Path(os.path.abspath(out_dir))
        limit = os.pathconf(_existing(target), "PC_NAME_MAX")
        path_limit = os.pathconf(_existing(target), "PC_PATH_MAX")
    except (OSError, ValueError):
        limit, path_limit = 255, 4096
    for part in target.parts:
        if len(os.fsencode(part)) > limit:
            raise OutputError(f"output path '{out_dir}': the name '{part[:40]}...' is {len(os.fsencode(part))} bytes long; at most {limit} are allowed")
    if len(os.fsencode(str(target))) + 64 > path_limit:
        raise OutputError(f"output path '{out_dir}' is too long ({len(os.fsencode(str(target)))} bytes)")
    parent = target
    while True:
        try:
            exists = parent.exists() or parent.is_symlink()
        except OSError as exc:
            raise OutputError(f"output path '{out_dir}': '{parent}' cannot be reached ({exc.strerror or exc})") from None
        if exists:
            break
        parent = parent.parent
    if parent != target and not parent.is_dir():
        raise OutputError(f"output path '{out_dir}': '{parent}' is a file, not a folder")
    where = parent if parent != target else target.parent
    if parent == target and not target.is_dir():
        return  # an existing file: check_target names it
    if not os.access(where, os.W_OK | os.X_OK):
        raise OutputError(f"output path '{out_dir}': cannot write in '{where}' (permission denied)")


def _existing(path: Path) -> Path:
    """The nearest folder at or above ``path`` that exists."""
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path
