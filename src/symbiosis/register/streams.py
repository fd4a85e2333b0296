"""``symbiosis estimate``: the streams a company's activity typically has, from its register entry (DESIGN.md section 4f).

For every company with a ``nace`` code, and for every resource and direction that the
coefficient table covers and that the scenario does not already give for that
company, the coefficient whose NACE prefix is the longest one on the company's line
(section, division, group, class; an empty prefix covers every activity) among those
whose basis the company gives (``employees`` or ``floor_area_m2``) wins; at one depth
the row listed first. The stream's quantity is value x basis, and its
``uncertainty.csv`` row runs from low x basis to high x basis (triangular, its mode
the value). Price and CO2 per unit come from the coefficient where it gives them,
else from the resource catalogue; resources, profiles and substitutions the new
streams need and the scenario lacks come from the shipped tables.

A company without ``nace`` gets nothing, with a warning; a measured stream (any
stream of the same company, resource and direction) is never replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.errors import InputWarning, Problem, ScenarioError
from symbiosis.io.read import RawScenario
from symbiosis.io.write.files import tidy
from symbiosis.io.write.scenario import table_frame, write_scenario_folder
from symbiosis.register.tables import BASES, Coefficient, EstimateTables
from symbiosis.schema import TABLES, Company, Scenario
from symbiosis.schema.codes import nace_code, nace_items, nace_path
from symbiosis.schema.records import ESTIMATED_PREFIX
from symbiosis.schema.rows import RawTable

ESTIMATE_COLUMNS = [
    "stream", "company", "resource", "direction", "quantity", "unit", "low", "high", "coefficient", "nace_prefix", "basis", "basis_value",
    "value_per_basis", "status", "source", "price_eur_per_unit", "price_source", "co2_kg_per_unit", "co2_source",
]  # fmt: skip
SUMMARY_COLUMNS = ["company", "name", "nace", "activity", "employees", "floor_area_m2", "n_estimated", "n_kept", "estimated", "kept", "note"]


@dataclass
class Estimate:
    """A scenario with estimated streams: its tables (raw rows of the input and the new ones), the provenance
    of every estimated stream (``estimates``), a line per company (``summary``) and the warnings."""

    scenario: Scenario
    name: str
    settings: Mapping[str, Any]
    doc: Mapping[str, Any]
    tables: dict[str, pd.DataFrame]
    estimates: pd.DataFrame
    summary: pd.DataFrame
    warnings: tuple[InputWarning, ...] = ()
    inputs: tuple[Path, ...] = field(default_factory=tuple)

    def write(self, out_dir: str | Path) -> Path:
        """Write the new scenario folder (never over an input), with ``estimates.csv`` and ``estimate_summary.csv`` beside its tables."""
        extra = {"estimates": self.estimates, "estimate_summary": self.summary}
        return write_scenario_folder(Path(out_dir), self.inputs, self.name, self.settings, self.tables, extra, self.doc)


def estimate(raw: RawScenario, tables: EstimateTables) -> Estimate:
    """Estimate the missing streams of every company of a scenario read raw (``read_scenario``, materialised).

    Raises ``ScenarioError`` on bad input, or when the streams cannot join the scenario
    (a resource of the same id in another unit).
    """
    raw = raw.materialised()
    scenario = raw.validate(required=("companies",))
    records = {t: [dict(r) for _, r in raw.tables[t].records] if t in raw.tables else [] for t in TABLES}
    have = {(s.company, s.resource, s.direction.value) for s in scenario.streams}
    ids = {s.id for s in scenario.streams}
    by_key: dict[tuple[str, str], list[Coefficient]] = {}
    for c in tables.coefficients:
        by_key.setdefault((c.resource, c.direction), []).append(c)
    warnings: list[InputWarning] = []
    estimates: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    new_streams: list[dict[str, Any]] = []
    new_ranges: list[dict[str, Any]] = []
    for index, company in enumerate(scenario.companies):
        file, row = scenario.origin("companies", index)
        line = _summary_line(company)
        summary.append(line)
        if company.nace is None:
            warnings.append(InputWarning(file, row, "nace", f"'{company.id}' has no NACE code: nothing is estimated for it"))
            line["note"] = "no NACE code: nothing estimated"
            continue
        if company.employees is None and company.floor_area_m2 is None:
            warnings.append(InputWarning(file, row, "employees", f"'{company.id}' has a NACE code but neither employees nor floor_area_m2: nothing is estimated for it"))
            line["note"] = "neither employees nor floor_area_m2: nothing estimated"
            continue
        line_path = ("", *nace_path(nace_code(company.nace) or ""))
        missing: list[str] = []
        for (resource, direction), coefs in by_key.items():
            chosen, wanted = _choose(company, coefs, line_path)
            if chosen is None:
                missing += wanted
                continue
            if (company.id, resource, direction) in have:
                line["kept"].append(f"{resource} {direction}")
                continue
            stream, rng, prov = _stream(company, chosen, tables, ids)
            ids.add(stream["id"])
            new_streams.append(stream)
            new_ranges.append(rng)
            estimates.append(prov)
            line["estimated"].append(stream["id"])
        if missing:
            line["note"] = "no basis for " + ", ".join(sorted(set(missing)))
    for line in summary:
        line["n_estimated"], line["n_kept"] = len(line["estimated"]), len(line["kept"])
        line["estimated"], line["kept"] = ";".join(line["estimated"]), ";".join(line["kept"])
    if not new_streams and not scenario.streams:
        file, _ = scenario.origin("companies", 0)
        raise ScenarioError(
            [Problem(file, None, "nace", "nothing to estimate: no company has a NACE code with employees or floor_area_m2 that the coefficient table covers")],
            warnings,
        )
    _add_needs(scenario, records, new_streams, tables)
    records["streams"] += new_streams
    records["uncertainty"] += new_ranges
    name = scenario.name
    doc = dict(raw.doc)
    note = f"streams marked 'estimated: <id>' come from the coefficients of {tables.label} (symbiosis estimate)"
    doc["provenance"] = f"{doc['provenance']}; {note}" if doc.get("provenance") else note
    new = _validated(name, records, raw.settings)
    frames = {t: table_frame(recs, t) for t, recs in records.items() if recs or t in ("companies", "resources", "streams")}
    return Estimate(
        new, name, raw.settings, doc, frames,
        pd.DataFrame(estimates, columns=ESTIMATE_COLUMNS), pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
        tuple(warnings), raw.files,
    )  # fmt: skip


def _summary_line(company: Company) -> dict[str, Any]:
    code = nace_code(company.nace) if company.nace else None
    activity = nace_items()[code].description if code else ""
    return {
        "company": company.id, "name": company.name, "nace": company.nace or "", "activity": activity, "employees": company.employees,
        "floor_area_m2": company.floor_area_m2, "estimated": [], "kept": [], "note": "",
    }  # fmt: skip


def _choose(company: Company, coefs: Sequence[Coefficient], line: tuple[str, ...]) -> tuple[Coefficient | None, list[str]]:
    """The coefficient that applies to a company: the longest prefix on its line whose basis it gives.

    Returns it, or None and what is missing ("heat demand (employees)") when rows apply but no basis is given.
    """
    applies = [c for c in coefs if c.code in line]
    applies.sort(key=lambda c: -line.index(c.code))  # stable: table order within one depth
    for c in applies:
        if getattr(company, BASES[c.basis]) is not None:
            return c, []
    return None, [f"{c.resource} {c.direction} ({BASES[c.basis]})" for c in applies[:1]]


def _stream(company: Company, c: Coefficient, tables: EstimateTables, ids: set[str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The new stream's row, its uncertainty row and its provenance row."""
    basis = float(getattr(company, BASES[c.basis]))
    entry = tables.catalogue[c.resource]
    sid = f"{company.id}_{c.resource}_{c.direction}"
    k = 1
    while sid in ids:
        k += 1
        sid = f"{company.id}_{c.resource}_{c.direction}_est{k}"
    quantity, low, high = (tidy(c.value * basis), tidy(c.low * basis), tidy(c.high * basis))
    price = c.price_eur_per_unit if c.price_eur_per_unit is not None else (0.0 if entry.pricing == "peak" and c.direction == "supply" else entry.price(c.direction))
    co2 = c.co2_kg_per_unit if c.co2_kg_per_unit is not None else entry.co2(c.direction)
    source = f"{ESTIMATED_PREFIX} {c.id}"
    stream = {
        "id": sid, "company": company.id, "direction": c.direction, "resource": c.resource, "quantity": quantity, "price_eur_per_unit": price,
        "co2_kg_per_unit": co2, "temperature_c": c.temperature_c, "profile": c.profile, "ewc": c.ewc, "source": source,
    }  # fmt: skip
    rng = {"stream": sid, "field": "quantity", "low": low, "high": high, "distribution": "triangular", "source": source}
    prov = {
        "stream": sid, "company": company.id, "resource": c.resource, "direction": c.direction, "quantity": quantity, "unit": c.unit,
        "low": low, "high": high, "coefficient": c.id, "nace_prefix": c.nace_prefix or "(every activity)", "basis": BASES[c.basis],
        "basis_value": basis, "value_per_basis": c.value, "status": c.status, "source": c.source, "price_eur_per_unit": price,
        "price_source": "coefficient " + c.id if c.price_eur_per_unit is not None else entry.price_source,
        "co2_kg_per_unit": co2, "co2_source": "coefficient " + c.id if c.co2_kg_per_unit is not None else entry.co2_source,
    }  # fmt: skip
    return stream, rng, prov


def _add_needs(scenario: Scenario, records: dict[str, list[dict[str, Any]]], streams: list[dict[str, Any]], tables: EstimateTables) -> None:
    """Add the resources, profiles and substitutions the new streams need and the scenario lacks."""
    have = scenario.resource_by_id
    problems: list[Problem] = []
    added: set[str] = set()
    for s in streams:
        rid = s["resource"]
        entry = tables.catalogue[rid]
        own = have.get(rid)
        if own is None:
            if rid not in added:
                records["resources"].append(entry.record())
                added.add(rid)
            continue
        for col in ("unit", "pricing"):
            theirs, ours = str(getattr(own, col).value if col == "pricing" else own.unit), getattr(entry, col)
            if theirs != ours:
                file, row = scenario.origin("resources", scenario.resources.index(own))
                problems.append(
                    Problem(file, row, col, f"resource '{rid}' is '{theirs}' here but the estimated streams of '{s['source'][len(ESTIMATED_PREFIX):].strip()}' "
                            f"are '{ours}' (resource catalogue); rename this resource or give it the catalogue's {col}")
                )  # fmt: skip
    if problems:
        raise ScenarioError(problems)
    used = {s["profile"] for s in streams if s["profile"]}
    missing = used - set(scenario.profile_values)
    records["profiles"] += [dict(p) for p in tables.profiles if p["profile"] in missing]
    resources = set(have) | added
    pairs = {(x.supply_resource, x.demand_resource) for x in scenario.substitutions}
    for sub in tables.substitutions:
        pair = (sub["supply_resource"], sub["demand_resource"])
        if pair[0] in resources and pair[1] in resources and pair not in pairs and (pair[0] in added or pair[1] in added):
            records["substitutions"].append({"supply_resource": pair[0], "demand_resource": pair[1], "ratio": sub["ratio"], "source": f"{sub['status']}: {sub['source']}"})


def _validated(name: str, records: Mapping[str, list[dict[str, Any]]], settings: Mapping[str, Any]) -> Scenario:
    """The new scenario, validated as it will be written (file labels are the new tables' files)."""
    raw = {t: RawTable(f"{t}.csv (new)", [(i, {k: _cell(v) for k, v in r.items()}) for i, r in enumerate(recs, start=2)]) for t, recs in records.items() if recs}
    return Scenario.from_raw(name, raw, settings, "scenario.yaml (new)")


def _cell(value: Any) -> Any:
    """A value as a reader would hand it over: numbers stay numbers, everything else as text."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    return str(value)
