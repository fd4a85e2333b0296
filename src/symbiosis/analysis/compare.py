"""The park without some companies, and the comparison of two result folders (contract section 4b).

``without(scenario, companies)`` is the scenario with those companies' streams removed:
they take part in no exchange and no pool, and stay listed (with zero savings) so that
a comparison shows what each loses. A rule that names a removed company or one of its
streams goes too (it could not hold or would name nothing); so does a row of any
other table naming a removed stream (``links``, ``uncertainty``, where the scenario
has them). ``dropped`` says what went.

``compare(base, other)`` reads two result folders: matches lost (in the base, not in
the other) and gained, keyed by (kind, source, target, supply stream, demand stream),
and each company's change in savings. Folders from different scenarios are refused:
the two ``scenario.json`` must have the same name and tables once the streams and
rules of the companies with streams in one of them only are set aside (settings may
differ: a comparison of two time limits or carbon prices is fair).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.errors import OutputError, SettingsError
from symbiosis.io.read.results import ResultFiles
from symbiosis.schema import TABLES, Scenario
from symbiosis.schema.references import COMPANY, STREAM, naming

KEY = ["kind", "source", "target", "supply_stream", "demand_stream"]
MATCH_CHANGE_COLUMNS = [*KEY, "resource", "change", "savings_eur_per_year", "co2_avoided_t_per_year"]
COMPANY_CHANGE_COLUMNS = ["company", "name", "base_savings_eur_per_year", "other_savings_eur_per_year", "change_eur_per_year"]


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
    """Matches lost and gained from a base result to another, and each company's change in savings."""

    base: ResultFiles
    other: ResultFiles
    matches: pd.DataFrame  # MATCH_CHANGE_COLUMNS; change is 'lost' or 'gained'
    companies: pd.DataFrame  # COMPANY_CHANGE_COLUMNS
    absent: tuple[str, ...]  # companies with streams in one result's scenario only

    @property
    def lost(self) -> pd.DataFrame:
        return self.matches[self.matches["change"] == "lost"]

    @property
    def gained(self) -> pd.DataFrame:
        return self.matches[self.matches["change"] == "gained"]

    @property
    def change_eur_per_year(self) -> float:
        return float((self.other.summary.net_savings_eur_per_year or 0.0) - (self.base.summary.net_savings_eur_per_year or 0.0))


def _stream_companies(doc: dict[str, Any]) -> set[str]:
    return {str(s.get("company")) for s in doc.get("tables", {}).get("streams", [])}


def _comparable(doc: dict[str, Any], absent: set[str]) -> dict[str, Any]:
    """A scenario.json with the streams and rules of the absent companies set aside."""
    tables = dict(doc.get("tables", {}))
    streams = [s for s in tables.get("streams", []) if str(s.get("company")) not in absent]
    gone = {str(s.get("id")) for s in tables.get("streams", []) if str(s.get("company")) in absent} | absent
    tables["streams"] = streams
    for table in TABLES:
        columns = naming(table, COMPANY, STREAM)
        if table != "streams" and columns and table in tables:
            tables[table] = [r for r in tables[table] if not {str(r.get(c)) for c in columns} & gone]
    return {"name": doc.get("name"), "tables": tables}


def compare(base: ResultFiles, other: ResultFiles) -> Comparison:
    """Compare two result folders of one scenario; ``OutputError`` when they come from different scenarios."""
    a, b = base.scenario, other.scenario
    ca, cb = _stream_companies(a), _stream_companies(b)
    absent = (ca ^ cb)
    if a.get("name") != b.get("name") or _comparable(a, absent) != _comparable(b, absent):
        raise OutputError(
            f"'{base.folder}' and '{other.folder}' come from different scenarios "
            f"({a.get('name')!r}, input hash {base.summary.input_hash}; {b.get('name')!r}, input hash {other.summary.input_hash}), "
            "beyond the streams of a company left out; compare results of one scenario"
        )
    keys_a = {tuple(str(v) for v in r): r for r in base.matches[KEY].itertuples(index=False)}
    keys_b = {tuple(str(v) for v in r): r for r in other.matches[KEY].itertuples(index=False)}
    rows = []
    for frame, _keys, theirs, change in ((base.matches, keys_a, keys_b, "lost"), (other.matches, keys_b, keys_a, "gained")):
        for r in frame.itertuples(index=False):
            key = tuple(str(getattr(r, k)) for k in KEY)
            if key not in theirs:
                rows.append({**dict(zip(KEY, key)), "resource": r.resource, "change": change,
                             "savings_eur_per_year": float(r.savings_eur_per_year), "co2_avoided_t_per_year": float(r.co2_avoided_t_per_year)})
    matches = pd.DataFrame(rows, columns=MATCH_CHANGE_COLUMNS)
    ma = base.companies.set_index("company")
    mb = other.companies.set_index("company")
    companies = []
    for cid in sorted(set(ma.index) | set(mb.index)):
        sa = float(ma.loc[cid, "savings_eur_per_year"]) if cid in ma.index else 0.0
        sb = float(mb.loc[cid, "savings_eur_per_year"]) if cid in mb.index else 0.0
        name = str(ma.loc[cid, "name"]) if cid in ma.index else str(mb.loc[cid, "name"])
        companies.append({"company": cid, "name": name, "base_savings_eur_per_year": sa, "other_savings_eur_per_year": sb, "change_eur_per_year": sb - sa})
    table = pd.DataFrame(companies, columns=COMPANY_CHANGE_COLUMNS)
    table = table.sort_values(["change_eur_per_year", "company"], kind="stable").reset_index(drop=True)
    return Comparison(base, other, matches, table, tuple(sorted(absent)))
