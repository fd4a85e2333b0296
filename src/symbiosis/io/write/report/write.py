"""Making the report of a result folder, and writing it: the page and its pictures beside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from symbiosis.errors import OutputError
from symbiosis.io.read.results import read_result
from symbiosis.io.write.files import write_bytes_atomic
from symbiosis.io.write.folders import Stage, clean_partials, write_whole_folder
from symbiosis.io.write.marker import KIND_NAMES, MARKER, changed, kind_of, listed_intact, read_marker, write_marker_of
from symbiosis.io.write.page import MapLayers
from symbiosis.io.write.report.figures import FIGURES, figures, render
from symbiosis.io.write.report.html import report_html


@dataclass
class Report:
    """The page and its pictures (name -> (PNG bytes, SVG bytes))."""

    html: str
    pictures: dict[str, tuple[bytes, bytes]]


def build_report(result_dir: str | Path, stem: str = "report", layers: MapLayers | None = None) -> Report:
    """Read a result folder and make the page and its pictures (nothing is written); ``layers`` the
    map's context and tiles, when the analyst gives them."""
    res = read_result(result_dir)
    pictures: dict[str, tuple[bytes, bytes]] = {}
    for key, fig in figures(res).items():
        pictures[key] = render(fig)
    return Report(report_html(res, {k: v[0] for k, v in pictures.items()}, stem, layers), pictures)


def report_paths(out: Path) -> dict[str, Path]:
    """Where the page (key 'html') and each picture go: ``report.html``, ``report_map.png``, ..."""
    paths = {"html": out}
    for key in FIGURES:
        for ext in ("png", "svg"):
            paths[f"{key}.{ext}"] = out.with_name(f"{out.stem}_{key}.{ext}")
    return paths


def put_report(folder: Path, report: Report, stem: str = "report") -> list[str]:
    """Write the page and its pictures into ``folder``; remove pictures of an earlier report that no
    longer apply (e.g. no facility loads). Each file is replaced, never rewritten in place (the
    folder may hold hard links to an earlier one's files). Returns the names written."""
    paths = report_paths(folder / f"{stem}.html")
    written = []
    for key in FIGURES:
        for k, ext in enumerate(("png", "svg")):
            path = paths[f"{key}.{ext}"]
            if key in report.pictures:
                write_bytes_atomic(path, report.pictures[key][k])
                written.append(path.name)
            elif path.is_file() or path.is_symlink():
                path.unlink()
    write_bytes_atomic(paths["html"], report.html.encode("utf-8"))
    return [*written, paths["html"].name]


def write_report(result_dir: str | Path, out: str | Path | None = None, layers: MapLayers | None = None) -> Path:
    """Write the report of a result folder: ``report.html`` in it (or ``out``), pictures beside it.

    Into the result folder itself (the default), the folder is written again whole with
    the report in it (``folders.write_whole_folder`` from the folder as it is: hard
    links, one swap), so its marker always lists what it holds, whatever stops the run.
    Elsewhere, every file is first written beside its place and only then renamed into
    it, with the marker of that folder (kind ``report``). Either way a page or picture
    is replaced or removed only when the marker lists it unchanged. Returns the page's path.
    """
    folder = Path(result_dir)
    target = Path(out) if out is not None else folder / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"'{target}': the report is an HTML page; give a file name ending in .html")
    if target.is_dir():
        raise OutputError(f"'{target}' is a folder; give a file name ending in .html")
    report = build_report(folder, target.stem, layers)
    paths = report_paths(target)
    here = target.parent
    kind = kind_of(here) if here.is_dir() else None
    same = here.is_dir() and here.resolve() == folder.resolve()
    allowed = ("result",) if same else ("report",)
    if kind is not None and kind not in allowed:
        raise OutputError(f"'{here}' holds a symbiosis {KIND_NAMES.get(kind, kind)}; the report of '{folder}' does not go there: choose another --out file")
    _refuse_foreign(here, [p for p in paths.values() if p.exists() or p.is_symlink()])
    if same and kind == "result":

        def fill(work: Path) -> None:
            put_report(work, report, target.stem)

        write_whole_folder(here, "result", fill, base=here)
        return target
    _put_beside(here, report, target.stem)
    return target


def _put_beside(folder: Path, report: Report, stem: str) -> None:
    """The report written into a folder that is not its result folder: every file first into a staging
    folder beside it (so a full disk changes nothing; a killed run's is cleaned by the next), the marker
    too, then the renames."""
    clean_partials(folder)
    stage: Stage | None = None
    try:
        stage = Stage(folder / f"{stem}.html")
        written = put_report(stage.work, report, stem)
        paths = report_paths(folder / f"{stem}.html")
        stale = [p for p in paths.values() if p.name not in written and (p.is_file() or p.is_symlink())]
        keep = [n for n in listed_intact(folder) if n not in written and folder / n not in stale]
        files = {n: folder / n for n in keep} | {n: stage.work / n for n in written}  # the files as they will be
        write_marker_of(stage.work, files, kind_of(folder) or "report")
        for name in written:
            os.replace(stage.work / name, folder / name)
        for path in stale:
            path.unlink()
        os.replace(stage.work / MARKER, folder / MARKER)
    except OSError as exc:
        raise OutputError(f"cannot write the report into '{folder}': {exc.strerror or exc}") from None
    finally:
        if stage is not None:
            stage.close()


def _refuse_foreign(folder: Path, existing: list[Path]) -> None:
    """Refuse to replace or remove files that symbiosis did not write there (see ``marker``)."""
    files = read_marker(folder) or {}
    foreign = [p.name for p in existing if p.name not in files or changed(folder, p.name, files[p.name])]
    if foreign:
        raise OutputError(
            f"'{folder / foreign[0]}' exists and was not written by symbiosis (or was changed since); "
            "choose another --out file or move it away"
        )
