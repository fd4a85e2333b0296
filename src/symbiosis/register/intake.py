"""``symbiosis intake`` and ``symbiosis merge``: one workbook per company to confirm or correct, and taking them back.

``intake_book`` lists a company's streams with their values, units, ranges and
sources (and, for an estimated stream, the coefficient it came from). ``merge``
reads returned workbooks against the scenario they were written from:

- a listed row answered ``confirm`` (values unchanged) becomes ``measured`` and loses
  its ``uncertainty.csv`` rows; a row whose values were changed is corrected: it takes
  the new values, becomes ``measured`` and loses its ranges; ``remove`` removes the
  stream (and its ranges); a row left alone stays as it is;
- a row added below the list with ``answer`` = ``add`` is a new measured stream of
  the company;
- refused, naming file, sheet, row, column and cell: a workbook of a company that is
  not in the scenario, a second workbook of one company, a changed cell outside the
  editable columns (or a workbook written from another version of the scenario), a
  new stream whose id is taken, a value that is not valid.

Every change is listed (``changes.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from symbiosis.errors import Problem, ScenarioError
from symbiosis.io.read import RawScenario
from symbiosis.io.read.intake import COLUMNS, EDITABLE, INFORMATION, ReturnedBook, read_intake
from symbiosis.io.write.files import tidy
from symbiosis.io.write.intake import IntakeBook
from symbiosis.io.write.scenario import table_frame, write_scenario_folder
from symbiosis.register.tables import BASES, EstimateTables
from symbiosis.schema import TABLES, Scenario, Stream
from symbiosis.schema.codes import ewc_entry, nace_code, nace_items
from symbiosis.schema.messages import did_you_mean, message
from symbiosis.schema.records import ESTIMATED_PREFIX, MEASURED
from symbiosis.schema.rows import RawTable

VALUES = ("quantity", "price_eur_per_unit", "co2_kg_per_unit", "temperature_c", "ewc")  # the stream fields a company may correct
CHANGE_COLUMNS = ["workbook", "company", "stream", "change", "field", "old", "new"]


# --------------------------------------------------------------------------- intake


def company_entry(scenario: Scenario, company: str) -> list[tuple[str, Any]]:
    """The company sheet: its register entry, as intake writes it and merge expects it back."""
    c = scenario.company_by_id[company]
    code = nace_code(c.nace) if c.nace else None
    return [
        ("company", c.id), ("name", c.name), ("nace", c.nace), ("activity", nace_items()[code].description if code else None),
        ("employees", c.employees), ("floor_area_m2", c.floor_area_m2), ("scenario", scenario.name),
    ]  # fmt: skip


def stream_rows(scenario: Scenario, company: str, tables: EstimateTables | None = None) -> list[dict[str, Any]]:
    """One row per stream of ``company`` (``io.read.intake.COLUMNS``), values as the workbook holds them."""
    ranges = {u.stream: u for u in scenario.uncertainty if u.field == "quantity"}
    coefficients = {c.id: c for c in tables.coefficients} if tables is not None else {}
    firm = scenario.company_by_id[company]
    out = []
    for s in scenario.streams:
        if s.company != company:
            continue
        rng = ranges.get(s.id)
        basis = public = None
        if s.estimated:
            cid = s.source[len(ESTIMATED_PREFIX) :].strip() if s.source else ""
            coef = coefficients.get(cid)
            if coef is None:
                basis = f"coefficient {cid} (not in {tables.label if tables is not None else 'the coefficient table given'})"
            else:
                amount = getattr(firm, BASES[coef.basis])
                basis = f"{coef.value:g} {coef.unit} per {coef.basis} x {amount:g} {BASES[coef.basis]} (NACE prefix '{coef.nace_prefix or 'every activity'}')"
                public = f"{coef.status}: {coef.source}"
        row = {
            "id": s.id, "resource": s.resource, "direction": s.direction.value, "unit": scenario.resource_by_id[s.resource].unit,
            "quantity": s.quantity, "low": rng.low if rng else None, "high": rng.high if rng else None, "price_eur_per_unit": s.price_eur_per_unit,
            "co2_kg_per_unit": s.co2_kg_per_unit, "temperature_c": s.temperature_c, "ewc": s.ewc, "source": s.source or MEASURED,
            "basis": basis, "public_source": public, "answer": None, "comment": None,
        }  # fmt: skip
        out.append({k: tidy(v) for k, v in row.items()})
    return out


def intake_book(scenario: Scenario, company: str, tables: EstimateTables | None = None) -> IntakeBook:
    """The workbook's content for one company (``ScenarioError`` for a company not in the scenario)."""
    if company not in scenario.company_by_id:
        file, _ = scenario.origin("companies", 0)
        raise ScenarioError([Problem(file, None, "id", f"no company '{company}' in the scenario{did_you_mean(company, scenario.company_by_id)}")])
    return IntakeBook(company_entry(scenario, company), stream_rows(scenario, company, tables))


# --------------------------------------------------------------------------- merge


@dataclass
class Merged:
    """The scenario with the returned workbooks merged: its tables and the list of changes."""

    scenario: Scenario
    name: str
    settings: Mapping[str, Any]
    doc: Mapping[str, Any]
    tables: dict[str, pd.DataFrame]
    changes: pd.DataFrame
    inputs: tuple[Path, ...] = field(default_factory=tuple)

    def write(self, out_dir: str | Path) -> Path:
        """Write the new scenario folder (never over an input), with ``changes.csv`` beside its tables."""
        return write_scenario_folder(Path(out_dir), self.inputs, self.name, self.settings, self.tables, {"changes": self.changes}, self.doc)


def same(got: Any, want: Any, column: str = "") -> bool:
    """Whether a cell holds what intake wrote: empty equals empty, numbers by value, EWC codes by entry, text by text."""
    if _empty(got) or _empty(want):
        return _empty(got) and _empty(want)
    if column == "ewc":
        a, b = ewc_entry(str(got)), ewc_entry(str(want))
        if a is not None and b is not None:
            return a.digits == b.digits and str(got).strip().endswith("*") == str(want).strip().endswith("*")
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    return str(got).strip() == str(want).strip()


def _shown(value: Any) -> str:
    """A value in the list of changes: numbers as the CSV tables write them (10 significant digits), empty as empty."""
    if _empty(value):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.10g}"
    return str(value)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and math.isnan(value))


class _Merge:
    """The state of one merge: the scenario's raw records, the ids taken, the changes and problems found."""

    def __init__(self, raw: RawScenario) -> None:
        self.raw = raw.materialised()
        self.scenario = self.raw.validate()
        self.records = {t: [dict(r) for _, r in self.raw.tables[t].records] if t in self.raw.tables else [] for t in TABLES}
        self.taken: dict[str, str] = {s.id: f"company '{s.company}'" for s in self.scenario.streams}
        self.removed: set[str] = set()
        self.measured: set[str] = set()
        self.changes: list[dict[str, Any]] = []
        self.problems: list[Problem] = []
        self.books: dict[str, str] = {}

    def take(self, book: ReturnedBook) -> None:
        """Check one workbook against the scenario and note its changes."""
        cid = book.company_id
        name = book.path.name
        row = book.company.get("company", (None, None))[1]
        if cid is None or cid not in self.scenario.company_by_id:
            self.problems.append(
                Problem(book.company_label, row, "value", f"the workbook is of company '{cid}', which is not in the scenario '{self.scenario.name}'{did_you_mean(cid, self.scenario.company_by_id)}")
            )
            return
        if cid in self.books:
            self.problems.append(Problem(book.company_label, row, "value", f"a second workbook of company '{cid}' (the first is {self.books[cid]}); merge one per company"))
            return
        self.books[cid] = name
        for key, want in company_entry(self.scenario, cid):
            got, at = book.company.get(key, (None, None))
            if not same(got, want):
                self.problems.append(Problem(book.company_label, at, "value", f"'{key}' holds {got!r} where the scenario has {want!r}; the company sheet must stay as written"))
        expected = stream_rows(self.scenario, cid)
        given = {r.row: r for r in book.rows}
        for k, want in enumerate(expected):
            r = k + 2
            got = given.pop(r, None)
            if got is None:
                self.problems.append(Problem(book.label, r, "id", f"the row of stream '{want['id']}' was cleared; answer 'remove' to remove a stream"))
                continue
            if self._protected(book, r, got.values, want):
                self._listed(book, cid, r, got.values, want)
        for r in sorted(given):
            self._added(book, cid, r, given[r].values)

    def _protected(self, book: ReturnedBook, r: int, got: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
        ok = True
        for col in COLUMNS:
            if col in EDITABLE or col in INFORMATION or same(got.get(col), want[col], col):
                continue
            self.problems.append(
                Problem(book.label, r, col, f"holds {got.get(col)!r} where the scenario has {want[col]!r}: only the yellow cells may be edited "
                        "(or the workbook was written from another version of the scenario)")
            )  # fmt: skip
            ok = False
        return ok

    def _listed(self, book: ReturnedBook, cid: str, r: int, got: Mapping[str, Any], want: Mapping[str, Any]) -> None:
        sid = str(want["id"])
        answer = str(got.get("answer") or "").strip().lower()
        if answer not in ("", "confirm", "correct", "remove"):
            self.problems.append(Problem(book.label, r, "answer", f"{got.get('answer')!r} is not an answer for a listed stream (confirm, correct or remove; add is for new rows)"))
            return
        comment = got.get("comment")
        if answer == "remove":
            self.removed.add(sid)
            self._note(book, cid, sid, "removed", "", "", "", comment)
            return
        changed = {col: got.get(col) for col in VALUES if not same(got.get(col), want[col], col)}
        if changed:
            stream = self.scenario.stream_by_id[sid]
            updates = {col: (None if _empty(v) else v) for col, v in changed.items()}
            if not self._valid(book, r, {**stream.model_dump(exclude_none=True), **updates}, updates):
                return
            for col, v in updates.items():
                self._set(sid, col, v)
                self._note(book, cid, sid, "corrected", col, want[col], v, None)
        elif answer == "":
            if not _empty(comment):
                self._note(book, cid, sid, "comment", "", "", "", comment)
            return
        old = want["source"]
        self._set(sid, "source", MEASURED)
        self.measured.add(sid)
        if _empty(old) or str(old).strip() == MEASURED:
            # Measured already: the source does not change, so it is no change to list (a comment still is).
            if not _empty(comment):
                self._note(book, cid, sid, "comment", "", "", "", comment)
            return
        self._note(book, cid, sid, "corrected" if changed else "confirmed", "source", old, MEASURED, comment)

    def _added(self, book: ReturnedBook, cid: str, r: int, got: Mapping[str, Any]) -> None:
        answer = str(got.get("answer") or "").strip().lower()
        if answer != "add":
            self.problems.append(Problem(book.label, r, "answer", "a row below the listed streams is a new stream: answer 'add' (or clear the row)"))
            return
        sid = None if _empty(got.get("id")) else str(got["id"]).strip()
        if sid is None:
            self.problems.append(Problem(book.label, r, "id", "a new stream needs an id"))
            return
        if sid in self.taken:
            self.problems.append(Problem(book.label, r, "id", f"the stream id '{sid}' is taken (by {self.taken[sid]}); choose another id"))
            return
        self.taken[sid] = f"a new stream of {book.path.name}, row {r}"
        record = {"id": sid, "company": cid, **{k: got.get(k) for k in ("resource", "direction", *VALUES)}}
        record = {k: v for k, v in record.items() if not _empty(v)}
        if record.get("resource") not in self.scenario.resource_by_id:
            what = record.get("resource")
            self.problems.append(Problem(book.label, r, "resource", f"unknown resource {what!r}{did_you_mean(what, self.scenario.resource_by_id)}"))
            return
        if not self._valid(book, r, record, record):
            return
        self.records["streams"].append({**record, "source": MEASURED})
        self._note(book, cid, sid, "added", "", "", "", got.get("comment"))

    def _valid(self, book: ReturnedBook, r: int, record: Mapping[str, Any], cells: Mapping[str, Any]) -> bool:
        try:
            Stream.model_validate(dict(record))
        except ValidationError as exc:
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                self.problems.append(Problem(book.label, r, col if col in cells or col in COLUMNS else None, message(e)))
            return False
        return True

    def _set(self, sid: str, column: str, value: Any) -> None:
        for rec in self.records["streams"]:
            if str(rec.get("id", "")).strip() == sid:
                rec[column] = value

    def _note(self, book: ReturnedBook, cid: str, sid: str, change: str, col: str, old: Any, new: Any, comment: Any) -> None:
        self.changes.append({"workbook": book.path.name, "company": cid, "stream": sid, "change": change, "field": col, "old": _shown(old), "new": _shown(new)})
        if not _empty(comment):
            self.changes.append({"workbook": book.path.name, "company": cid, "stream": sid, "change": "comment", "field": "comment", "old": "", "new": comment})

    def result(self) -> Merged:
        if self.problems:
            raise ScenarioError(self.problems)
        gone = self.removed | self.measured
        self.records["streams"] = [rec for rec in self.records["streams"] if str(rec.get("id", "")).strip() not in self.removed]
        self.records["uncertainty"] = [rec for rec in self.records["uncertainty"] if str(rec.get("stream", "")).strip() not in gone]
        raw = {t: RawTable(f"{t}.csv (merged)", list(enumerate(recs, start=2))) for t, recs in self.records.items() if recs}
        scenario = Scenario.from_raw(self.scenario.name, raw, self.raw.settings, "scenario.yaml (merged)")
        frames = {t: table_frame(recs, t) for t, recs in self.records.items() if recs or t in ("companies", "resources", "streams")}
        changes = pd.DataFrame(self.changes, columns=CHANGE_COLUMNS)
        return Merged(scenario, self.scenario.name, self.raw.settings, dict(self.raw.doc), frames, changes, self.raw.files)


def merge(raw: RawScenario, books: Sequence[str | Path]) -> Merged:
    """Merge returned intake workbooks into the scenario they were written from (see the module docstring)."""
    state = _Merge(raw)
    problems: list[Problem] = []
    for path in books:
        try:
            state.take(read_intake(path))
        except ScenarioError as exc:
            problems += exc.problems
    state.problems += problems
    return state.result()
