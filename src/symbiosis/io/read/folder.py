"""Loading a scenario: a folder with ``scenario.yaml``, a single YAML file, or a workbook.

``scenario.yaml`` names each table by a CSV path relative to the folder (one that
leaves the folder is refused) or holds its records inline. Loading collects every
problem it can find (the YAML keys, each table's file, each cell, the checks
between tables) before it raises one ``ScenarioError``.
"""

from __future__ import annotations

import errno
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from symbiosis.errors import InputWarning, Problem, ScenarioError
from symbiosis.io.read.cells import escaped_scenario, unescape_records
from symbiosis.io.read.text import read_csv
from symbiosis.io.read.workbook import read_workbook
from symbiosis.io.read.yamlsafe import read_yaml
from symbiosis.schema import FORMAT_VERSION, REQUIRED_TABLES, TABLES, Scenario
from symbiosis.schema.messages import codepoint, did_you_mean, os_reason, show, show_text
from symbiosis.schema.rows import RawTable, column_warnings


@dataclass(frozen=True)
class RawScenario:
    """A scenario as read, before validation: its tables' raw records (every column, extra ones too),
    its settings as written, and what the reading found.

    ``load_scenario`` validates it at once; ``symbiosis estimate`` and ``merge`` keep
    the raw records (``materialised``) to write them back with the analyst's own
    columns beside the new rows.
    """

    name: str
    tables: dict[str, RawTable]
    settings: Mapping[str, Any]
    settings_label: str
    problems: tuple[Problem, ...] = ()
    unreadable: frozenset[str] = frozenset()
    files: tuple[Path, ...] = ()
    warnings: tuple[InputWarning, ...] = ()
    doc: Mapping[str, Any] = field(default_factory=dict)  # scenario.yaml's other keys (description, provenance)

    def materialised(self) -> RawScenario:
        """The same, with every table's records read into a list (so that they can be read again)."""
        tables = {t: RawTable(raw.file, list(raw.records), raw.late) for t, raw in self.tables.items()}
        return replace(self, tables=tables)

    def validate(self, required: tuple[str, ...] = REQUIRED_TABLES) -> Scenario:
        """The validated scenario (raises ``ScenarioError``); ``required`` are the tables that must have rows."""
        return Scenario.from_raw(
            self.name, self.tables, self.settings, self.settings_label, self.problems, self.unreadable, self.files, self.warnings, required=required
        )


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario folder, or a single YAML file with inline tables.

    Raises ``ScenarioError`` listing every problem found.
    """
    return read_scenario(path).validate()


def read_scenario(path: str | Path, required: tuple[str, ...] = REQUIRED_TABLES) -> RawScenario:
    """Read a scenario folder, a single YAML file or a workbook without validating it.

    ``required`` are the tables that must be given (a company register gives only
    ``companies``, see ``symbiosis estimate``).
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook_scenario(path, required)
    try:
        if path.is_dir():
            yaml_path = path / "scenario.yaml"
            if not yaml_path.exists():
                alt = path / "scenario.yml"
                yaml_path = alt if alt.exists() else yaml_path
        else:
            yaml_path = path
        found = yaml_path.exists()
    except (OSError, ValueError) as exc:
        raise ScenarioError([Problem(show_text(str(path)), None, None, f"cannot be opened ({os_reason(exc)})")]) from None
    if not found:
        raise ScenarioError([Problem(str(yaml_path), None, None, "file not found")])
    folder = yaml_path.parent
    ylabel = yaml_path.name
    doc = read_yaml(yaml_path, ylabel)
    problems: list[Problem] = []

    known_keys = ("format", "name", "tables", "settings", "description", "provenance")
    for key in doc:
        if key not in known_keys:
            problems.append(Problem(ylabel, None, show_text(str(key)), f"unknown key (expected format, name, tables, settings){did_you_mean(key, known_keys)}"))
    fmt = doc.get("format", FORMAT_VERSION)
    if isinstance(fmt, bool) or fmt != FORMAT_VERSION:
        problems.append(Problem(ylabel, None, "format", f"unsupported format {show(fmt)}; this version reads format {FORMAT_VERSION}"))
    name = doc.get("name", folder.name)
    if not isinstance(name, str):
        problems.append(Problem(ylabel, None, "name", "must be text"))
        name = str(name)
    problems += free_text_problems(doc, ylabel)
    warnings: list[InputWarning] = []

    tables_spec = doc.get("tables", {})
    if not isinstance(tables_spec, dict):
        problems.append(Problem(ylabel, None, "tables", "must map table names to CSV paths or lists of records"))
        tables_spec = {}
    tables: dict[str, RawTable] = {}
    unreadable: set[str] = set()
    files: list[Path] = [yaml_path.resolve()]
    root = folder.resolve()
    escaped = escaped_scenario(folder)  # written by estimate or merge: text cells come back as they were
    shared = _shared_paths(folder, tables_spec)
    for tname, spec in tables_spec.items():
        if tname not in TABLES:
            problems.append(
                Problem(
                    ylabel,
                    None,
                    f"tables.{show_text(str(tname))}",
                    f"unknown table (expected one of {', '.join(TABLES)}){did_you_mean(tname, TABLES)}",
                )
            )
            continue
        where = f"tables.{tname}"
        if isinstance(spec, list):
            recs: list[tuple[int, dict[str, Any]]] = []
            for i, rec in enumerate(spec):
                if not isinstance(rec, dict):
                    problems.append(Problem(ylabel, i + 1, where, "each inline record must be a mapping (key: value)"))
                    continue
                recs.append((i + 1, {str(k): v for k, v in rec.items()}))
            tables[tname] = RawTable(f"{ylabel} ({where})", recs)
            warnings += column_warnings(f"{ylabel} ({where})", tname, sorted({k for _, r in recs for k in r}), row=None)
        elif isinstance(spec, str):
            target, problem = table_path(folder, root, spec, ylabel, where)
            if problem is not None:
                problems.append(problem)
                unreadable.add(tname)
                continue
            assert target is not None
            files.append(target)
            label = spec
            others = [t for t in shared.get(target, []) if t != tname]
            if others:  # one file named for two tables: say which table each message is about
                label = f"{spec} (read as table '{tname}')"
                warnings.append(InputWarning(ylabel, None, where, f"'{spec}' is also named for table {', '.join(repr(t) for t in others)}; the one file is read as each of them"))
            table = read_csv(target, label, tname, problems, warnings)
            if table is not None and escaped:
                table = RawTable(table.file, unescape_records(table.records), table.late)
            if table is not None:
                tables[tname] = table
            else:
                unreadable.add(tname)
        else:
            problems.append(Problem(ylabel, None, where, "must be a CSV path or a list of records"))
            unreadable.add(tname)
    for tname in required:
        if tname not in tables_spec:
            hint = " (a company register alone is the input of 'symbiosis estimate')" if tname in ("resources", "streams") else ""
            problems.append(Problem(ylabel, None, "tables", f"the required table '{tname}' is not given{hint}"))
            unreadable.add(tname)

    settings = doc.get("settings")
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        problems.append(Problem(ylabel, None, "settings", "must be a mapping (key: value)"))
        settings = {}
    free_text: dict[str, Any] = {k: doc[k] for k in ("description", "provenance") if k in doc}
    return RawScenario(name, tables, settings, ylabel, tuple(problems), frozenset(unreadable), tuple(files), tuple(warnings), free_text)


def _shared_paths(folder: Path, spec: Any) -> dict[Path, list[str]]:
    """The files that ``tables:`` names for more than one table, with those tables."""
    named: dict[Path, list[str]] = {}
    if isinstance(spec, dict):
        for tname, path in spec.items():
            if tname in TABLES and isinstance(path, str) and path.strip() and "\x00" not in path:
                try:
                    named.setdefault((folder / path).resolve(), []).append(str(tname))
                except (OSError, ValueError, RuntimeError):
                    continue
    return {p: t for p, t in named.items() if len(t) > 1}


def free_text_problems(doc: dict[str, Any], label: str) -> list[Problem]:
    """Control characters in the free text of scenario.yaml (name, description, provenance), refused like cells.

    The text would reach the analyst's terminal: ``ESC[2J`` clears it.
    """
    out: list[Problem] = []

    def visit(value: Any, where: str) -> None:
        if isinstance(value, str):
            bad = next((ch for ch in value if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"), None)
            if bad is not None:
                out.append(Problem(label, None, where, f"holds the control character {codepoint(bad)}; retype it"))
        elif isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{where}.{show_text(str(k))}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                visit(v, f"{where}[{i}]")

    for key in ("name", "description", "provenance"):
        if key in doc:
            visit(doc[key], key)
    return out


def table_path(folder: Path, root: Path, spec: str, ylabel: str, where: str) -> tuple[Path | None, Problem | None]:
    """The file a ``tables:`` path names, or the problem with that path."""
    shown = show(spec)
    if not spec.strip():
        return None, Problem(ylabel, None, where, "the path is empty")
    bad = next((ch for ch in spec if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:
        return None, Problem(ylabel, None, where, f"path {shown} holds the control character {codepoint(bad)}")
    rel = Path(spec)
    if rel.is_absolute():
        return None, Problem(ylabel, None, where, f"path {shown} must be relative and stay inside the scenario folder")
    try:
        target = (folder / rel).resolve()
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        return None, Problem(ylabel, None, where, f"path {shown} is a symbolic link that loops back on itself")
    except (OSError, ValueError) as exc:
        if getattr(exc, "errno", None) == errno.ELOOP:
            return None, Problem(ylabel, None, where, f"path {shown} is a symbolic link that loops back on itself")
        return None, Problem(ylabel, None, where, f"path {shown} cannot be followed ({os_reason(exc)})")
    if not target.is_relative_to(root):
        return None, Problem(ylabel, None, where, f"path {shown} must be relative and stay inside the scenario folder")
    try:
        if target.is_dir():
            return None, Problem(ylabel, None, where, f"path {shown} is a folder, not a file")
        if not target.is_file():
            return None, Problem(spec, None, None, f"file not found (named by {ylabel}, {where})")
    except (OSError, ValueError) as exc:
        return None, Problem(ylabel, None, where, f"path {shown} cannot be opened ({os_reason(exc)})")
    return target, None


def load_workbook(path: Path) -> Scenario:
    """An Excel workbook with one sheet per table (see ``symbiosis.io.read.workbook``)."""
    return read_workbook_scenario(path).validate()


def read_workbook_scenario(path: Path, required: tuple[str, ...] = REQUIRED_TABLES) -> RawScenario:
    """The raw content of a scenario workbook (see ``read_scenario``)."""
    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, None, "file not found")])
    book = read_workbook(path, required)
    problems = list(book.problems)
    for tname in required:
        if tname not in book.tables and not any(p.file.endswith(f"sheet '{tname}'") for p in problems):
            problems.append(Problem(path.name, None, None, f"the required sheet '{tname}' is missing"))
    return RawScenario(book.name, book.tables, book.settings, book.settings_label, tuple(problems), files=(path.resolve(),), warnings=tuple(book.warnings))
