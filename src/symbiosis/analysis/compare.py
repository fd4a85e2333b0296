"""The park without some companies, and the comparison of two results (contract sections 4b and 4e).

``without(scenario, companies)`` is the scenario with those companies' streams removed:
they take part in no exchange and no pool, and stay listed (with zero savings) so that
a comparison shows what each loses. A rule that names a removed company or one of its
streams goes too (it could not hold or would name nothing); so does a row of any
other table naming a removed stream (``links``, ``uncertainty``, where the scenario
has them). ``dropped`` says what went.

``compare(base, other)`` reads two result folders, of one scenario or of two versions of
it (a price edited, a company added, a stream removed), and lists, in this order:

- the input differences: per table (from each folder's ``scenario.json``), rows added,
  removed and changed, rows told apart by ``schema.references.ROW_KEYS``, with each changed
  field's old and new value; the settings changed (dotted keys); the scenario's name;
- the matches lost, gained and changed, keyed by stream (kind, source, target, supply
  stream, demand stream), with the change of every number column of ``matches.csv``
  (EUR, CO2, quantity and any measure column a version adds), largest change in EUR
  first;
- each company's change in every number column of ``companies.csv``, largest in EUR
  first, and the totals of ``summary.json`` (with its ``measures`` where present).

Two results that share no company are not two versions of one park: ``OutputError``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.errors import OutputError, SettingsError
from symbiosis.io.read.results import TEXT, ResultFiles
from symbiosis.io.write.compare import write_comparison
from symbiosis.results.result import PRICE_BAND_COLUMNS
from symbiosis.schema import TABLES, Scenario
from symbiosis.schema.references import COMPANY, ROW_KEYS, STREAM, naming

KEY = ["kind", "source", "target", "supply_stream", "demand_stream"]
EUR = "savings_eur_per_year"
TEXT_COLUMNS = set(TEXT["matches"]) | set(TEXT["companies"])
COMPANY_CHANGE_COLUMNS = ["company", "name", "base_savings_eur_per_year", "other_savings_eur_per_year", "change_eur_per_year"]
INPUT_CHANGE_COLUMNS = ["table", "row", "change", "field", "base", "other"]
TOTAL_COLUMNS = ["total", "base", "other", "change"]
TOTAL_KEYS = ("status", "mip_gap", "net_savings_eur_per_year", "co2_avoided_t_per_year", "objective", "n_exchanges", "n_pools", "n_pool_members")
SAME_REL, SAME_ABS = 1e-9, 1e-6  # a match whose every number moved less than this is unchanged


@dataclass(frozen=True)
class Without:
    """The scenario without some companies, and what was dropped with them."""

    scenario: Scenario
    companies: tuple[str, ...]
    streams: tuple[str, ...]
    dropped: tuple[str, ...]  # rules and rows of other tables that named them


def without(scenario: Scenario, companies: Iterable[str]) -> Without:
    """The scenario with the streams of ``companies`` removed; an unknown company is a ``SettingsError``."""
    wanted = tuple(dict.fromkeys(c.strip() for c in companies if c.strip()))
    if not wanted:
        raise SettingsError("--without: name at least one company id")
    known = {c.id for c in scenario.companies}
    unknown = [c for c in wanted if c not in known]
    if unknown:
        close = ", ".join(sorted(known)[:8])
        raise SettingsError(f"--without: unknown company {', '.join(repr(c) for c in unknown)} (companies.csv ids, e.g. {close})")
    gone = set(wanted)
    streams = tuple(s.id for s in scenario.streams if s.company in gone)
    names = gone | set(streams)
    dropped: list[str] = []
    changes: dict[str, Any] = {"streams": tuple(s for s in scenario.streams if s.company not in gone)}
    # Every other table's rows that name a company left out or one of its streams
    # (the columns are declared once, in schema.references).
    for table in TABLES:
        columns = naming(table, COMPANY, STREAM)
        if table == "streams" or not columns:
            continue
        keep = []
        for row in getattr(scenario, table):
            if any(getattr(row, c) in names for c in columns):
                dropped.append(_dropped(table, row, columns))
            else:
                keep.append(row)
        changes[table] = tuple(keep)
    return Without(scenario.replaced(**changes), wanted, streams, tuple(dropped))


def _dropped(table: str, row: Any, columns: tuple[str, ...]) -> str:
    """How a dropped row is listed: ``rule forbid A -> B``, ``links row s1 B``."""
    if table == "rules":
        return f"rule {row.rule} {row.source} -> {row.target}"
    return f"{table} row " + " ".join(str(getattr(row, c)) for c in columns)


@dataclass(frozen=True)
class Comparison:
    """From a base result to another: input differences, matches lost, gained and changed, companies and totals."""

    base: ResultFiles
    other: ResultFiles
    matches: pd.DataFrame  # KEY, resource, change ('lost', 'gained', 'changed'), then base_/other_/change_ of every number column
    companies: pd.DataFrame  # company, name, base_/other_ savings, change_eur_per_year, then base_/other_/change_ of the other number columns
    absent: tuple[str, ...]  # companies with streams in one result's scenario only
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INPUT_CHANGE_COLUMNS))
    totals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TOTAL_COLUMNS))

    @property
    def lost(self) -> pd.DataFrame:
        return self.matches[self.matches["change"] == "lost"]

    @property
    def gained(self) -> pd.DataFrame:
        return self.matches[self.matches["change"] == "gained"]

    @property
    def changed(self) -> pd.DataFrame:
        return self.matches[self.matches["change"] == "changed"]

    @property
    def moved(self) -> pd.DataFrame:
        """Matches in both results whose stage changed (proposed -> studied -> agreed -> realised, or rejected)."""
        m = self.matches
        return m[(m["change"] == "changed") & (m["base_stage"] != m["other_stage"])]

    @property
    def change_eur_per_year(self) -> float:
        return float((self.other.summary.net_savings_eur_per_year or 0.0) - (self.base.summary.net_savings_eur_per_year or 0.0))

    def write(self, out_dir: str | Path) -> Path:
        """Write every row of the comparison's four tables into a folder (``io.write.compare``)."""
        tables = {"inputs": self.inputs, "matches": self.matches, "companies": self.companies, "totals": self.totals}
        names = dict(zip(self.base.companies["company"], self.base.companies["name"])) | dict(zip(self.other.companies["company"], self.other.companies["name"]))
        titles = (self.base.folder.name, self.other.folder.name)
        subtitle = f"Base: {self.base.summary.scenario} ({self.base.folder.name}); other: {self.other.summary.scenario} ({self.other.folder.name})"
        return write_comparison(tables, Path(out_dir), [self.base.folder, self.other.folder], titles, names, subtitle)

    @property
    def measures(self) -> list[str]:
        """The number columns of matches.csv compared, EUR first."""
        return [c[len("change_"):] for c in self.matches.columns if c.startswith("change_")]


def _stream_companies(doc: dict[str, Any]) -> set[str]:
    return {str(s.get("company")) for s in doc.get("tables", {}).get("streams", [])}


def _companies(doc: dict[str, Any]) -> set[str]:
    return {str(c.get("id")) for c in doc.get("tables", {}).get("companies", [])}


def _row_key(table: str, row: dict[str, Any]) -> str:
    keys = ROW_KEYS.get(table, tuple(sorted(row)))
    return ", ".join(f"{k}={_text(row.get(k))}" for k in keys)


def _text(value: Any) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


def _flat(doc: Any, prefix: str = "") -> dict[str, Any]:
    """Nested settings as dotted keys (``solver.time_limit_s``)."""
    if not isinstance(doc, dict):
        return {prefix: doc}
    out: dict[str, Any] = {}
    for k in sorted(doc):
        out.update(_flat(doc[k], f"{prefix}.{k}" if prefix else str(k)))
    return out


def input_changes(base: dict[str, Any], other: dict[str, Any]) -> pd.DataFrame:
    """Rows added, removed and changed per table, and settings changed, between two ``scenario.json``."""
    rows: list[dict[str, Any]] = []
    if base.get("name") != other.get("name"):
        rows.append({"table": "scenario", "row": "name", "change": "changed", "field": "name", "base": base.get("name"), "other": other.get("name")})
    tb, to = base.get("tables", {}), other.get("tables", {})
    for table in [t for t in ROW_KEYS if t in tb or t in to] + sorted((set(tb) | set(to)) - set(ROW_KEYS)):
        a = {_row_key(table, r): r for r in tb.get(table, [])}
        b = {_row_key(table, r): r for r in to.get(table, [])}
        for key in sorted(set(a) | set(b)):
            if key not in b:
                rows.append({"table": table, "row": key, "change": "removed", "field": "", "base": None, "other": None})
            elif key not in a:
                rows.append({"table": table, "row": key, "change": "added", "field": "", "base": None, "other": None})
            else:
                for f in sorted(set(a[key]) | set(b[key])):
                    if a[key].get(f) != b[key].get(f):
                        rows.append({"table": table, "row": key, "change": "changed", "field": f, "base": a[key].get(f), "other": b[key].get(f)})
    sa, so = _flat(base.get("settings", {})), _flat(other.get("settings", {}))
    for key in sorted(set(sa) | set(so)):
        if sa.get(key) != so.get(key):
            change = "added" if key not in sa else "removed" if key not in so else "changed"
            rows.append({"table": "settings", "row": key, "change": change, "field": key, "base": sa.get(key), "other": so.get(key)})
    return pd.DataFrame(rows, columns=INPUT_CHANGE_COLUMNS)


def _numbers(a: pd.DataFrame, b: pd.DataFrame, first: str) -> list[str]:
    """The number columns of either table (``first`` first, then in the base's order, then the other's new ones)."""
    # Price bands follow from savings and quantity (compared already) and are no measure: left out.
    cols = [c for c in dict.fromkeys([*a.columns, *b.columns]) if c not in TEXT_COLUMNS and c not in PRICE_BAND_COLUMNS]
    cols = [c for c in cols if pd.api.types.is_numeric_dtype(a[c] if c in a else b[c])]
    return sorted(cols, key=lambda c: c != first)


def match_changes(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Matches lost, gained and changed from one matches table to another, keyed by stream, largest change in EUR first."""
    numbers = _numbers(base, other, EUR)
    a = {tuple(str(v) for v in r): i for i, r in enumerate(base[KEY].itertuples(index=False))}
    b = {tuple(str(v) for v in r): i for i, r in enumerate(other[KEY].itertuples(index=False))}
    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        ra = base.iloc[a[key]] if key in a else None
        rb = other.iloc[b[key]] if key in b else None
        row: dict[str, Any] = dict(zip(KEY, key))
        either = ra if ra is not None else rb
        assert either is not None
        row["resource"] = either["resource"]
        changed = False
        for c in numbers:
            va = _value(ra, c)
            vb = _value(rb, c)
            row[f"base_{c}"], row[f"other_{c}"], row[f"change_{c}"] = va, vb, vb - va
            changed |= not math.isclose(va, vb, rel_tol=SAME_REL, abs_tol=SAME_ABS)
        row["change"] = "lost" if rb is None else "gained" if ra is None else "changed"
        # The stage of the match (contract section 4g): a programme compared at two dates shows what moved.
        row["base_stage"], row["other_stage"] = _stage(ra), _stage(rb)
        changed |= ra is not None and rb is not None and row["base_stage"] != row["other_stage"]
        if row["change"] != "changed" or changed:
            rows.append(row)
    columns = [*KEY, "resource", "change", *(f"{p}_{c}" for c in numbers for p in ("base", "other", "change")), "base_stage", "other_stage"]
    frame = pd.DataFrame(rows, columns=columns)
    order = frame[f"change_{EUR}"].abs() if len(frame) and f"change_{EUR}" in frame else pd.Series(0.0, index=frame.index)
    return frame.assign(_size=-order).sort_values(["_size", *KEY], kind="stable").drop(columns="_size").reset_index(drop=True)


def _stage(row: pd.Series | None) -> str:
    """A match's stage ('' where there is no match, or a result written before stages)."""
    if row is None:
        return ""
    value = row.get("stage")
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _value(row: pd.Series | None, col: str) -> float:
    if row is None or col not in row.index:
        return 0.0
    v = row[col]
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _company_changes(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    numbers = _numbers(base, other, EUR)
    ma, mb = base.set_index("company"), other.set_index("company")
    rows = []
    for cid in sorted(set(ma.index) | set(mb.index)):
        ra = ma.loc[cid] if cid in ma.index else None
        rb = mb.loc[cid] if cid in mb.index else None
        either = ra if ra is not None else rb
        assert either is not None
        row: dict[str, Any] = {"company": cid, "name": str(either["name"])}
        for c in numbers:
            va, vb = _value(ra, c), _value(rb, c)
            if c == EUR:
                row |= {"base_savings_eur_per_year": va, "other_savings_eur_per_year": vb, "change_eur_per_year": vb - va}
            else:
                row |= {f"base_{c}": va, f"other_{c}": vb, f"change_{c}": vb - va}
        rows.append(row)
    columns = list(COMPANY_CHANGE_COLUMNS) + [f"{p}_{c}" for c in numbers if c != EUR for p in ("base", "other", "change")]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(_size=-frame["change_eur_per_year"].abs()).sort_values(["_size", "company"], kind="stable").drop(columns="_size").reset_index(drop=True)


def _totals(base: ResultFiles, other: ResultFiles) -> pd.DataFrame:
    """The summaries' headline figures side by side (``measures.<name>`` for each measure a summary lists)."""
    pairs: list[tuple[str, Any, Any]] = [(k, getattr(base.summary, k, None), getattr(other.summary, k, None)) for k in TOTAL_KEYS]
    ma = getattr(base.summary, "measures", None) or {}
    mb = getattr(other.summary, "measures", None) or {}
    pairs += [(f"measures.{k}", ma.get(k), mb.get(k)) for k in sorted(set(ma) | set(mb))]
    rows = []
    for key, va, vb in pairs:
        va, vb = getattr(va, "value", va), getattr(vb, "value", vb)  # a status as its text
        number = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (va, vb))
        rows.append({"total": key, "base": va, "other": vb, "change": float(vb) - float(va) if number else None})
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS)


def compare(base: ResultFiles, other: ResultFiles) -> Comparison:
    """Compare two results of one scenario or of two versions of it; ``OutputError`` when they share no company."""
    a, b = base.scenario, other.scenario
    shared = _companies(a) & _companies(b)
    if not shared:
        raise OutputError(
            f"'{base.folder}' and '{other.folder}' share no company ({a.get('name')!r} and {b.get('name')!r}): they are not two versions "
            "of one park; compare two results of one scenario, or of an edited copy of it"
        )
    absent = _stream_companies(a) ^ _stream_companies(b)
    return Comparison(
        base, other, match_changes(base.matches, other.matches), _company_changes(base.companies, other.companies), tuple(sorted(absent)),
        input_changes(a, b), _totals(base, other),
    )
