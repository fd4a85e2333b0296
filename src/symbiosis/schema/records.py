"""The record models of a scenario's tables (one model per row): strict, frozen, documented."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from symbiosis.schema import codes
from symbiosis.schema.references import REFERENCES

FORMAT_VERSION = 1
TABLES = (
    "companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities", "links", "uncertainty",
    "permits", "routes", "progress",
)
REQUIRED_TABLES = ("companies", "resources", "streams")
FLAT_SLOT = "year"

# Sane bounds of input numbers (docs/model.md, "Input conventions"). Every amount,
# quantity, price, capacity and ratio lies within +-MAX_AMOUNT: far beyond any real
# park, and small enough that sums and products over thousands of streams and slots
# stay finite and the solver keeps its precision.
MAX_AMOUNT = 1e12
MAX_TEMPERATURE_C = 10_000.0
MAX_DISTANCE_KM = 40_000.0  # about the Earth's circumference
MAX_ID_LENGTH = 200
# A stream's `source` as `estimate` writes it: "estimated: <coefficient id>" (DESIGN.md section 4f).
ESTIMATED_PREFIX = "estimated:"
MEASURED = "measured"
# The columns a table read from a file must have (contract section 3); the others may
# be absent. A record may still leave an optional cell of a required column empty.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": ("id", "name", "sector", "lat", "lon"),
    "resources": ("id", "family", "unit", "pricing", "transport"),
    "streams": ("id", "company", "direction", "resource", "quantity", "price_eur_per_unit"),
}
# The columns that name a resource (an id of the resources table), in any table.
RESOURCE_COLUMNS = ("resource", "supply_resource", "demand_resource")
# Columns that hold ids (references between tables): no invisible characters. Those
# naming companies, streams, facilities and profiles are declared in ``references``.
ID_COLUMNS = frozenset({r.column for r in REFERENCES} | {*RESOURCE_COLUMNS, "slot"})


class NotANumber:
    """A value given for a number field that is not a plain decimal (a boolean, ``'2_000'``).

    It fails the field's number validation, and ``messages.message`` words it.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


_NUMERIC: dict[type, tuple[str, ...]] = {}


def _numeric_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model whose type is a number (int or float, optional or not)."""
    found = _NUMERIC.get(cls)
    if found is None:
        names = set()
        for name, spec in cls.model_fields.items():
            kinds = set(get_args(spec.annotation)) | {spec.annotation}
            if bool not in kinds and kinds & {int, float}:
                names.add(name)
        found = _NUMERIC[cls] = tuple(sorted(names))
    return found


class _Strict(BaseModel):
    """Base of every schema model: unknown fields, NaN and infinity are refused; models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        """Numbers are plain decimals: a boolean (YAML reads ``yes``/``true`` as one, which
        pydantic would take as 1.0) or a Python-only literal such as ``2_000`` in a number
        field is refused. One call per record (a validator per field would cost ten)."""
        if data.__class__ is not dict:
            return data
        numeric = _NUMERIC.get(cls) or _numeric_fields(cls)
        for key in numeric:
            value = data.get(key)
            kind = value.__class__
            if kind is bool or (kind is str and "_" in str(value)):
                data = dict(data)
                data[key] = NotANumber(value)
        return data

    def replaced(self, **fields: Any) -> Self:
        """A copy with some fields changed, validated again (``model_copy`` would not check them)."""
        return self.model_validate({**dict(self), **fields})


# --------------------------------------------------------------------------- enums


class Family(str, Enum):
    material = "material"
    energy = "energy"
    water = "water"
    space = "space"
    parking = "parking"
    service = "service"


class Pricing(str, Enum):
    volume = "volume"
    peak = "peak"


class Transport(str, Enum):
    road = "road"
    pipe = "pipe"
    walk = "walk"
    none = "none"


class Direction(str, Enum):
    supply = "supply"
    demand = "demand"


# --------------------------------------------------------------------------- records

Id = Field(min_length=1, max_length=MAX_ID_LENGTH)


class Company(_Strict):
    """A company (or a cluster of small firms) in the park."""

    id: str = Id
    name: str = Field(description="Display name")
    sector: str = Field("", description="Free-text sector label")
    lat: float = Field(ge=-90, le=90, description="WGS84 latitude, degrees")
    lon: float = Field(ge=-180, le=180, description="WGS84 longitude, degrees")
    # The register (turn 3): read by `estimate` (DESIGN.md section 4f); codes checked against schema.codes.
    nace: str | None = Field(None, min_length=1, max_length=20, description="NACE Rev. 2 code of the main activity: 10.71 or C10.71")
    employees: float | None = Field(None, gt=0, le=MAX_AMOUNT, description="Staff (persons or FTE), > 0")
    floor_area_m2: float | None = Field(None, gt=0, le=MAX_AMOUNT, description="Floor area, m2, > 0")
    disclose: Literal["yes", "no"] | None = Field(None, description="yes (the default): partners may see the name; no: shown by sector only")

    @field_validator("disclose", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        """YAML reads yes/no as booleans; a spreadsheet may capitalise them."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("nace")
    @classmethod
    def _nace_code(cls, value: str | None) -> str | None:
        """A code of the NACE Rev. 2 list, checked with the row's other cells (every problem of a row is named)."""
        what = None if value is None else codes.nace_problem(value)
        if what is not None:
            raise ValueError(what)
        return value

    @property
    def discloses(self) -> bool:
        return self.disclose != "no"


class Resource(_Strict):
    """A resource that streams supply or demand."""

    id: str = Id
    family: Family
    unit: str = Field(min_length=1, description="Unit label of every quantity of this resource")
    pricing: Pricing = Field(description="volume: price x quantity; peak: price x largest per-slot need")
    transport: Transport
    kg_per_unit: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Mass of one unit in kg; required for road")
    pipe_capex_eur_per_m: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Pipe capex per metre; required for pipe")
    max_distance_km: float | None = Field(None, gt=0, le=MAX_DISTANCE_KM, description="Default: settings.max_distance_km")


class Stream(_Strict):
    """A company's supply or demand of one resource."""

    id: str = Id
    company: str = Id
    direction: Direction
    resource: str = Id
    quantity: float = Field(gt=0, le=MAX_AMOUNT, description="Per year (volume) or peak need / spare capacity (peak)")
    price_eur_per_unit: float = Field(
        0.0, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Supply: today's disposal cost per unit; demand: today's purchase price"
    )
    co2_kg_per_unit: float = Field(0.0, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Emissions of today's route, avoided per unit exchanged")
    temperature_c: float | None = Field(None, ge=-273.15, le=MAX_TEMPERATURE_C, description="Supply: delivered; demand: required")
    profile: str | None = Field(None, min_length=1, max_length=MAX_ID_LENGTH, description="Profile id; none means flat")
    min_quantity: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Smallest exchange worth making, per year (volume only)")
    # Turn 3: codes checked against schema.codes; legal_status decides the route of a waste exchange (symbiosis.legal).
    ewc: str | None = Field(None, min_length=1, max_length=20, description="List of Waste entry, 15 01 01 or 150101; a trailing * marks a hazardous entry")
    legal_status: Literal["waste", "by_product", "end_of_waste"] | None = Field(None, description="With ewc: waste (the default), by_product or end_of_waste")
    source: str | None = Field(None, min_length=1, max_length=500, description="Where the figures come from: measured (the default), estimated: <coefficient id>, or free text")

    @field_validator("ewc")
    @classmethod
    def _ewc_code(cls, value: str | None) -> str | None:
        """An entry of the List of Waste, checked with the row's other cells."""
        what = None if value is None else codes.ewc_problem(value)
        if what is not None:
            raise ValueError(what)
        return value

    @property
    def status(self) -> str | None:
        """The legal status of a stream with an ``ewc`` code: its ``legal_status``, else waste; None without a code."""
        if self.ewc is None:
            return None
        return self.legal_status or "waste"

    @property
    def estimated(self) -> bool:
        """True for a stream written by `estimate` (source 'estimated: <coefficient id>')."""
        return self.source is not None and self.source.startswith(ESTIMATED_PREFIX)


class ProfilePoint(_Strict):
    """One value of a profile in one slot (long format)."""

    profile: str = Id
    slot: str = Id
    value: float = Field(ge=0, le=MAX_AMOUNT)


class Substitution(_Strict):
    """One unit of the supply resource replaces ``ratio`` units of the demand resource."""

    supply_resource: str = Id
    demand_resource: str = Id
    ratio: float = Field(gt=0, le=MAX_AMOUNT)


class Rule(_Strict):
    """An analyst's rule: forbid or require an exchange from source to target."""

    rule: Literal["forbid", "require"]
    source: str = Id
    target: str = Id


class Facility(_Strict):
    """A size option of a candidate shared facility (rows with one id are options)."""

    id: str = Id
    name: str = ""
    resource: str = Id
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    capacity: float = Field(gt=0, le=MAX_AMOUNT, description="Per slot, in the resource's unit")
    capex_eur: float = Field(0.0, ge=0, le=MAX_AMOUNT)
    opex_eur_per_year: float = Field(0.0, ge=0, le=MAX_AMOUNT)
    cost_eur_per_unit: float = Field(0.0, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Per unit of member quantity served")
    max_distance_km: float = Field(gt=0, le=MAX_DISTANCE_KM)
    land_m2: float | None = Field(
        None, ge=0, le=MAX_AMOUNT,
        description="Land the size option takes, m2 (optional; default capacity x m2_per_parking_space for parking, capacity for space in m2)",
    )


class Link(_Strict):
    """Facts about one pair that replace the computed ones (links.csv, DESIGN.md section 3).

    ``source`` is a supply stream, a company or a facility; ``target`` a demand stream or
    a company. An empty field keeps the computed value.
    """

    source: str = Id
    target: str = Id
    resource: str | None = Field(None, min_length=1, max_length=MAX_ID_LENGTH, description="Limits a company-to-company row to supplies of it")
    distance_km: float | None = Field(None, ge=0, le=MAX_DISTANCE_KM, description="Replaces the computed distance")
    cost_eur_per_unit: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Transport cost per supply unit (t_{d,f} per unit of Q_d for a membership)")
    co2_kg_per_unit: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Transport CO2 per supply unit (per unit of Q_d for a membership)")
    fixed_cost_eur_per_year: float | None = Field(None, ge=0, le=MAX_AMOUNT, description="Replaces F_a; for a membership, its yearly cost g_{d,f}")


UNCERTAIN_FIELDS = ("quantity", "price_eur_per_unit", "co2_kg_per_unit")


class Uncertainty(_Strict):
    """A range of one stream field for the sweep (contract sections 3 and 4c); ``solve`` ignores it."""

    stream: str = Id
    field: Literal["quantity", "price_eur_per_unit", "co2_kg_per_unit"] = Field(description="The stream field that is uncertain")
    low: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Lowest value, in the field's unit")
    high: float = Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Highest value, in the field's unit")
    distribution: Literal["uniform", "triangular"] = Field(
        "uniform", description="uniform on [low, high], or triangular with its mode at the stream's own value"
    )


LEGAL_STATUSES = ("waste", "by_product", "end_of_waste")
LegalStatus = Literal["waste", "by_product", "end_of_waste"]
# The stages of a match over a programme (DESIGN.md section 4g), in order.
STAGES = ("proposed", "studied", "agreed", "realised", "rejected")
Stage = Literal["proposed", "studied", "agreed", "realised", "rejected"]
HOLDING_STAGES = frozenset({"agreed", "realised"})  # hold the link: a require that cannot be dropped
PERMIT = "permit"  # the `route` of a match whose receiver's permit covers the code (no route id may take it)
_SINCE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class Permit(_Strict):
    """A receiver's environmental permit for a List-of-Waste code or a chapter prefix (permits.csv, DESIGN.md section 4g)."""

    company: str = Id
    ewc: str = Field(min_length=1, max_length=20, description="An entry (15 01 01 or 150101, with its * if hazardous) or a prefix: a chapter (15) or sub-chapter (15 01)")

    @field_validator("ewc")
    @classmethod
    def _ewc_prefix(cls, value: str) -> str:
        """An entry of the List of Waste or a chapter prefix of it, checked with the row's other cells."""
        what = codes.ewc_prefix_problem(value)
        if what is not None:
            raise ValueError(what)
        return value


class Route(_Strict):
    """A way to change the legal status of a waste exchange, with its cost and lead time (routes.csv, DESIGN.md section 4g)."""

    route: str = Id
    from_legal_status: LegalStatus = Field(description="The legal status the route starts from: waste, by_product or end_of_waste")
    to_legal_status: LegalStatus = Field(description="The status after it; waste to waste is a change of the receiver's permit")
    one_off_eur: float = Field(0.0, ge=0, le=MAX_AMOUNT, description="Paid once per exchange (annualised by the CRF in F_a)")
    yearly_eur: float = Field(0.0, ge=0, le=MAX_AMOUNT, description="Paid every year per exchange")
    lead_time_months: float = Field(0.0, ge=0, le=1200, description="Months before the exchange can start")
    source: str | None = Field(None, min_length=1, max_length=2000, description="Where the figures come from, or EST with the reasoning")

    @field_validator("route")
    @classmethod
    def _not_permit(cls, value: str) -> str:
        if value == PERMIT:
            raise ValueError(f"'{PERMIT}' names a receiver's permit in the outputs; give the route another id")
        return value


class Progress(_Strict):
    """The stage a match has reached (progress.csv, DESIGN.md section 4g); source and target as in rules.csv, or a facility and a demand stream."""

    source: str = Id
    target: str = Id
    stage: Stage = Field(description="proposed, studied, agreed, realised or rejected")
    since: str | None = Field(None, max_length=10, description="Since when: YYYY-MM-DD, YYYY-MM or YYYY")

    @field_validator("stage", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("since", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value).strip()  # a date from YAML or a workbook
        if not _SINCE.match(text):
            raise ValueError(f"expected a date YYYY-MM-DD (or YYYY-MM, YYYY), got {text[:40]!r}")
        return text


RECORD_MODELS: dict[str, type[_Strict]] = {
    "companies": Company,
    "resources": Resource,
    "streams": Stream,
    "profiles": ProfilePoint,
    "substitutions": Substitution,
    "rules": Rule,
    "facilities": Facility,
    "links": Link,
    "uncertainty": Uncertainty,
    "permits": Permit,
    "routes": Route,
    "progress": Progress,
}

# One row of any table.
Record = Company | Resource | Stream | ProfilePoint | Substitution | Rule | Facility | Link | Uncertainty | Permit | Route | Progress
