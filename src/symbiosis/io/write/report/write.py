"""Making the report of a result folder, and writing it: the page and its pictures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from symbiosis.errors import OutputError
from symbiosis.io.read.results import read_result
from symbiosis.io.write.files import write_bytes_atomic
from symbiosis.io.write.marker import add_to_marker, changed, read_marker
from symbiosis.io.write.report.figures import FIGURES, figures, render
from symbiosis.io.write.report.html import report_html


@dataclass
class Report:
    """The page and its pictures (name -> (PNG bytes, SVG bytes))."""

    html: str
    pictures: dict[str, tuple[bytes, bytes]]


def build_report(result_dir: str | Path, stem: str = "report") -> Report:
    """Read a result folder and make the page and its pictures (nothing is written)."""
    res = read_result(result_dir)
    pictures: dict[str, tuple[bytes, bytes]] = {}
    for key, fig in figures(res).items():
        pictures[key] = render(fig)
    return Report(report_html(res, {k: v[0] for k, v in pictures.items()}, stem), pictures)


def report_paths(out: Path) -> dict[str, Path]:
    """Where the page (key 'html') and each picture go: ``report.html``, ``report_map.png``, ..."""
    paths = {"html": out}
    for key in FIGURES:
        for ext in ("png", "svg"):
            paths[f"{key}.{ext}"] = out.with_name(f"{out.stem}_{key}.{ext}")
    return paths


def write_report(result_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of a result folder: ``report.html`` in it (or ``out``), pictures beside it.

    Each file is written whole (temporary file, then rename). Pictures of an earlier
    report that no longer apply (e.g. no facility loads) are removed. Returns the page's path.
    """
    folder = Path(result_dir)
    target = Path(out) if out is not None else folder / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        raise OutputError(f"'{target}': the report is an HTML page; give a file name ending in .html")
    if target.is_dir():
        raise OutputError(f"'{target}' is a folder; give a file name ending in .html")
    report = build_report(folder, target.stem)
    paths = report_paths(target)
    _refuse_foreign(target.parent, [p for p in paths.values() if p.exists() or p.is_symlink()])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder of '{target}': {exc.strerror or exc}") from None
    for key in FIGURES:
        for k, ext in enumerate(("png", "svg")):
            path = paths[f"{key}.{ext}"]
            if key in report.pictures:
                write_bytes_atomic(path, report.pictures[key][k])
            elif path.is_file():
                path.unlink()
    write_bytes_atomic(target, report.html.encode("utf-8"))
    add_to_marker(target.parent, sorted(p.name for p in paths.values() if p.is_file()))
    return target


def _refuse_foreign(folder: Path, existing: list[Path]) -> None:
    """Refuse to replace or remove files that symbiosis did not write there (see ``marker``)."""
    files = read_marker(folder) or {}
    foreign = [p.name for p in existing if p.name not in files or changed(folder, p.name, files[p.name])]
    if foreign:
        raise OutputError(
            f"'{folder / foreign[0]}' exists and was not written by symbiosis (or was changed since); "
            "choose another --out file or move it away"
        )
