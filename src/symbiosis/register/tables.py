"""The tables ``estimate`` works from: coefficients, the resource catalogue, standard profiles, substitutions.

All four ship with the package (``symbiosis/data``); an analyst may give a table of
coefficients of their own (``--coefficients FILE``), read and checked the same way.
Every row names its public source, or is marked ``EST`` with its reasoning in
``source``; a row without a source, a NACE prefix that is no NACE code, a range that
does not hold its value, a unit that is not its resource's unit: each is a problem
naming the file, row and column (exit 2 on the command line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from symbiosis.errors import Problem, ScenarioError
from symbiosis.io.read.text import decode
from symbiosis.schema import Resource
from symbiosis.schema.codes import ewc_problem, nace_code, nace_problem
from symbiosis.schema.messages import did_you_mean, message, os_reason
from symbiosis.schema.records import MAX_AMOUNT, NotANumber

DATA = "data"
COEFFICIENTS = "coefficients.csv"
CATALOGUE = "resource_catalogue.csv"
PROFILES = "profiles.csv"
SUBSTITUTIONS = "substitutions.csv"
STATUSES = ("sourced", "derived", "EST")
BASES = {"employee": "employees", "m2": "floor_area_m2"}  # basis -> the company column it multiplies


class _Row(BaseModel):
    """A row of a shipped table: unknown columns are refused, numbers are plain decimals."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_none(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = {}
        for k, v in data.items():
            v = v.strip() if isinstance(v, str) else v
            if v == "" or v is None:
                continue
            if isinstance(v, str) and "_" in v and k in _NUMBER_FIELDS:
                v = NotANumber(v)
            out[k] = v
        return out


_NUMBER_FIELDS = {"value", "low", "high", "temperature_c", "price_eur_per_unit", "co2_kg_per_unit"}


class Coefficient(_Row):
    """One coefficient: how much of a resource a company of an activity supplies or demands, per employee or per m2."""

    id: str = Field(min_length=1, max_length=60)
    nace_prefix: str = Field("", description="NACE Rev. 2 code (section, division, group or class); empty: every activity")
    resource: str = Field(min_length=1)
    direction: Literal["supply", "demand"]
    basis: Literal["employee", "m2"]
    value: float = Field(gt=0, le=MAX_AMOUNT)
    low: float = Field(gt=0, le=MAX_AMOUNT)
    high: float = Field(gt=0, le=MAX_AMOUNT)
    unit: str = Field(min_length=1)
    ewc: str | None = None
    temperature_c: float | None = Field(None, ge=-273.15, le=10_000)
    profile: str | None = None
    price_eur_per_unit: float | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    co2_kg_per_unit: float | None = Field(None, ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    status: Literal["sourced", "derived", "EST"]
    source: str = Field(min_length=1, description="The public source, or for EST the reasoning")
    row: int = 0  # where the row is, for messages

    @property
    def code(self) -> str:
        """The normalised NACE code of the prefix ('' for every activity)."""
        return nace_code(self.nace_prefix) or "" if self.nace_prefix else ""


class CatalogueEntry(_Row):
    """A resource that estimated streams may need, with default prices and CO2 per unit, each sourced."""

    id: str = Field(min_length=1)
    family: str
    unit: str
    pricing: str
    transport: str
    kg_per_unit: float | None = None
    pipe_capex_eur_per_m: float | None = None
    max_distance_km: float | None = None
    supply_price_eur_per_unit: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    supply_co2_kg_per_unit: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    demand_price_eur_per_unit: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    demand_co2_kg_per_unit: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)
    description: str = ""
    kg_per_unit_source: str = Field(min_length=1)
    transport_source: str = Field(min_length=1)
    price_source: str = Field(min_length=1)
    co2_source: str = Field(min_length=1)

    def resource(self) -> Resource:
        """The resource record (validated as any resource of a scenario)."""
        return Resource.model_validate({k: getattr(self, k) for k in Resource.model_fields})

    def record(self) -> dict[str, Any]:
        """The row of resources.csv for this resource, with its description."""
        out: dict[str, Any] = {k: getattr(self, k) for k in Resource.model_fields}
        out["description"] = self.description
        return out

    def price(self, direction: str) -> float:
        return self.supply_price_eur_per_unit if direction == "supply" else self.demand_price_eur_per_unit

    def co2(self, direction: str) -> float:
        return self.supply_co2_kg_per_unit if direction == "supply" else self.demand_co2_kg_per_unit


@dataclass(frozen=True)
class EstimateTables:
    """Everything ``estimate`` reads: coefficients in table order, the catalogue by id, profiles and substitutions."""

    coefficients: tuple[Coefficient, ...]
    catalogue: Mapping[str, CatalogueEntry]
    profiles: tuple[dict[str, Any], ...]  # rows of profiles.csv: profile, slot, value
    substitutions: tuple[dict[str, Any], ...]  # supply_resource, demand_resource, ratio (with status, source)
    label: str  # the coefficient table's file, for messages and provenance

    @property
    def profile_ids(self) -> set[str]:
        return {str(p["profile"]) for p in self.profiles}


def _read(text: str, label: str, problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(label, None, None, f"is not valid CSV: {exc}"))
        return []
    if not rows:
        problems.append(Problem(label, None, None, "is empty; expected a header row"))
        return []
    header = [h.strip() for h in rows[0]]
    out = []
    for i, cells in enumerate(rows[1:], start=2):
        if not "".join(cells).strip():
            continue
        if len(cells) != len(header):
            problems.append(Problem(label, i, None, f"has {len(cells)} cells but the header has {len(header)}"))
            continue
        out.append((i, dict(zip(header, cells))))
    return out


def _shipped(name: str) -> str:
    return resources.files("symbiosis").joinpath(DATA, name).read_text(encoding="utf-8")


def _validated(model: type[_Row], rows: list[tuple[int, dict[str, str]]], label: str, problems: list[Problem]) -> list[tuple[int, Any]]:
    """(row, record) of every valid row; a problem for every bad cell."""
    out = []
    known = list(model.model_fields)
    for row, rec in rows:
        data = dict(rec)
        if model is Coefficient:
            data["row"] = str(row)
        try:
            out.append((row, model.model_validate(data)))
        except ValidationError as exc:
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                text = message(e)
                if e.get("type") == "extra_forbidden" and col is not None:
                    text = f"unknown column{did_you_mean(col, known)}"
                elif e.get("type") == "missing" and col == "source":
                    text = "a value is required: every coefficient names its public source, or is marked EST with its reasoning here"
                problems.append(Problem(label, row, col, text))
    return out


def load_tables(coefficients: str | Path | None = None) -> EstimateTables:
    """The shipped tables, with the coefficients of ``coefficients`` (a CSV file) instead of the shipped ones when given.

    Raises ``ScenarioError`` naming file, row and column of every bad row.
    """
    problems: list[Problem] = []
    catalogue: dict[str, CatalogueEntry] = {}
    for row, c in _validated(CatalogueEntry, _read(_shipped(CATALOGUE), CATALOGUE, problems), CATALOGUE, problems):
        catalogue[c.id] = c
        try:
            c.resource()
        except ValidationError as exc:
            for e in exc.errors():
                problems.append(Problem(CATALOGUE, row, str(e["loc"][0]) if e["loc"] else None, message(e)))
    profiles = tuple(dict(r) for _, r in _read(_shipped(PROFILES), PROFILES, problems))
    substitutions = tuple(dict(r) for _, r in _read(_shipped(SUBSTITUTIONS), SUBSTITUTIONS, problems))
    if coefficients is None:
        label, text = f"symbiosis/{DATA}/{COEFFICIENTS}", _shipped(COEFFICIENTS)
    else:
        path = Path(coefficients)
        label = str(coefficients)
        try:
            decoded = decode(path.read_bytes(), label, "save it as CSV UTF-8", csv_header=True)
        except OSError as exc:
            raise ScenarioError([Problem(label, None, None, f"cannot be read ({os_reason(exc)})")]) from None
        if isinstance(decoded, Problem):
            raise ScenarioError([decoded])
        text = decoded
    coefs = [c for _, c in _validated(Coefficient, _read(text, label, problems), label, problems)]
    problems += coefficient_problems(coefs, catalogue, {str(p["profile"]) for p in profiles}, label)
    if problems:
        raise ScenarioError(problems)
    return EstimateTables(tuple(coefs), catalogue, profiles, substitutions, label)


def coefficient_problems(coefs: list[Coefficient], catalogue: Mapping[str, CatalogueEntry], profiles: set[str], label: str) -> list[Problem]:
    """What the rows of a coefficient table get wrong between columns and against the other tables."""
    out: list[Problem] = []
    first: dict[str, int] = {}
    for c in coefs:
        if c.id in first:
            out.append(Problem(label, c.row, "id", f"duplicate id '{c.id}' (first at row {first[c.id]})"))
        first.setdefault(c.id, c.row)
        if c.nace_prefix:
            what = nace_problem(c.nace_prefix)
            if what is not None:
                out.append(Problem(label, c.row, "nace_prefix", what))
        if not c.low <= c.value <= c.high:
            out.append(Problem(label, c.row, "value", f"{c.value:g} lies outside its range [{c.low:g}, {c.high:g}]"))
        entry = catalogue.get(c.resource)
        if entry is None:
            out.append(Problem(label, c.row, "resource", f"'{c.resource}' is not in the resource catalogue{did_you_mean(c.resource, catalogue)}"))
        else:
            if c.unit != entry.unit:
                out.append(Problem(label, c.row, "unit", f"'{c.unit}' is not the unit of '{c.resource}' ({entry.unit}); a coefficient gives {entry.unit} per {c.basis} per year"))
            if entry.pricing == "peak" and c.direction == "supply" and c.price_eur_per_unit not in (None, 0):
                out.append(Problem(label, c.row, "price_eur_per_unit", f"must be 0 or empty for a supply of the peak resource '{c.resource}'"))
        if c.ewc is not None:
            what = ewc_problem(c.ewc)
            if what is not None:
                out.append(Problem(label, c.row, "ewc", what))
        if c.profile is not None and c.profile not in profiles:
            out.append(Problem(label, c.row, "profile", f"unknown profile '{c.profile}' (the shipped profiles are {', '.join(sorted(profiles))})"))
    return out
