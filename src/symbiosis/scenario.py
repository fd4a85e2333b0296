"""The scenario: strict, frozen pydantic models, and loading them.

A scenario comes from a folder (``scenario.yaml`` with CSV tables beside it), from a
single YAML file with the tables inline, or from in-memory tables (DataFrames or
lists of dicts). All three go through the same record validation, so a bad cell gets
the same message, naming the file, the row and the column, wherever it came from.
Loading collects every problem it can find before it raises one ``ScenarioError``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from symbiosis.errors import Problem, ScenarioError, SettingsError

FORMAT_VERSION = 1
TABLES = ("companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities")
REQUIRED_TABLES = ("companies", "resources", "streams")
FLAT_SLOT = "year"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)


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

Id = Field(min_length=1, max_length=200)


class Company(_Strict):
    """A company (or a cluster of small firms) in the park."""

    id: str = Id
    name: str = Field(description="Display name")
    sector: str = Field("", description="Free-text sector label")
    lat: float = Field(ge=-90, le=90, description="WGS84 latitude, degrees")
    lon: float = Field(ge=-180, le=180, description="WGS84 longitude, degrees")


class Resource(_Strict):
    """A resource that streams supply or demand."""

    id: str = Id
    family: Family
    unit: str = Field(min_length=1, description="Unit label of every quantity of this resource")
    pricing: Pricing = Field(description="volume: price x quantity; peak: price x largest per-slot need")
    transport: Transport
    kg_per_unit: float | None = Field(None, ge=0, description="Mass of one unit in kg; required for road")
    pipe_capex_eur_per_m: float | None = Field(None, ge=0, description="Pipe capex per metre; required for pipe")
    max_distance_km: float | None = Field(None, gt=0, description="Default: settings.max_distance_km")


class Stream(_Strict):
    """A company's supply or demand of one resource."""

    id: str = Id
    company: str = Id
    direction: Direction
    resource: str = Id
    quantity: float = Field(gt=0, description="Per year (volume) or peak need / spare capacity (peak)")
    price_eur_per_unit: float = Field(0.0, description="Supply: today's disposal cost per unit; demand: today's purchase price")
    co2_kg_per_unit: float = Field(0.0, description="Emissions of today's route, avoided per unit exchanged")
    temperature_c: float | None = Field(None, ge=-273.15, description="Supply: delivered; demand: required")
    profile: str | None = Field(None, description="Profile id; none means flat")
    min_quantity: float | None = Field(None, ge=0, description="Smallest exchange worth making, per year (volume only)")


class ProfilePoint(_Strict):
    """One value of a profile in one slot (long format)."""

    profile: str = Id
    slot: str = Id
    value: float = Field(ge=0)


class Substitution(_Strict):
    """One unit of the supply resource replaces ``ratio`` units of the demand resource."""

    supply_resource: str = Id
    demand_resource: str = Id
    ratio: float = Field(gt=0)


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
    capacity: float = Field(gt=0, description="Per slot, in the resource's unit")
    capex_eur: float = Field(0.0, ge=0)
    opex_eur_per_year: float = Field(0.0, ge=0)
    cost_eur_per_unit: float = Field(0.0, description="Per unit of member quantity served")
    max_distance_km: float = Field(gt=0)


RECORD_MODELS: dict[str, type[_Strict]] = {
    "companies": Company,
    "resources": Resource,
    "streams": Stream,
    "profiles": ProfilePoint,
    "substitutions": Substitution,
    "rules": Rule,
    "facilities": Facility,
}

# --------------------------------------------------------------------------- settings


class Annualisation(_Strict):
    rate: float = Field(0.05, ge=0, le=1, description="Discount rate per year")
    years: int = Field(15, gt=0, le=200, description="Economic life in years")


class SolverSettings(_Strict):
    time_limit_s: float = Field(60.0, gt=0, description="Wall-clock limit for HiGHS")
    mip_rel_gap: float = Field(1e-4, ge=0, le=1, description="Stop when the relative gap is at most this")
    threads: int = Field(1, ge=1, le=256, description="HiGHS threads; 1 keeps runs repeatable")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="HiGHS random seed")
    decompose: bool = Field(True, description="Solve independent groups of streams as separate problems (exact)")


class HeatPump(_Strict):
    carnot_fraction: float = Field(0.5, gt=0, le=1)
    max_lift_c: float = Field(60.0, gt=0)
    electricity_price_eur_per_mwh: float = Field(170.0, ge=0)
    electricity_co2_kg_per_mwh: float = Field(165.0, ge=0)
    cost_eur_per_mwh: float = Field(8.0, ge=0, description="Per MWh of delivered heat")


class Settings(_Strict):
    """Scenario-wide settings; every key is optional."""

    annualisation: Annualisation = Annualisation()
    link_fixed_cost_eur_per_year: float = Field(1000.0, ge=0)
    road_cost_eur_per_tkm: float = Field(0.15, ge=0)
    road_co2_kg_per_tkm: float = Field(0.10, ge=0)
    detour_factor: float = Field(1.3, ge=1, le=10)
    max_distance_km: float = Field(15.0, gt=0)
    heat_approach_c: float = Field(5.0, ge=0)
    carbon_price_eur_per_t: float = Field(0.0, ge=0)
    solver: SolverSettings = SolverSettings()
    heat_pump: HeatPump | None = None
    allocation: Literal["proportional", "shapley"] = Field(
        "proportional", description="How a pool's surplus is split among its members"
    )
    shapley_samples: int = Field(2000, ge=10, le=1_000_000, description="Random orders for Shapley beyond 12 members")


SOLVER_KEYS = frozenset(SolverSettings.model_fields)


def merge_settings(base: Settings, overrides: Mapping[str, Any]) -> Settings:
    """Return ``base`` with ``overrides`` applied.

    Keys may be dotted (``solver.time_limit_s``); solver keys may also be given bare
    (``time_limit_s``). Raises ``SettingsError`` naming the key that is wrong.
    """
    data = base.model_dump(mode="json")
    for key, value in overrides.items():
        parts = key.split(".")
        if len(parts) == 1 and parts[0] in SOLVER_KEYS:
            parts = ["solver", parts[0]]
        node = data
        for p in parts[:-1]:
            if node.get(p) is None:
                node[p] = {}
            if not isinstance(node[p], dict):
                raise SettingsError(f"setting '{key}': '{p}' is not a group of settings")
            node = node[p]
        if isinstance(value, Mapping) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = {**node[parts[-1]], **value}
        else:
            node[parts[-1]] = value
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        msgs = [f"setting '{'.'.join(str(x) for x in e['loc'])}': {_message(e)}" for e in exc.errors()]
        raise SettingsError("; ".join(msgs)) from None


# --------------------------------------------------------------------------- scenario


class Scenario(_Strict):
    """A validated scenario. Build it with ``load_scenario`` or ``Scenario.from_tables``."""

    name: str = "unnamed scenario"
    companies: tuple[Company, ...]
    resources: tuple[Resource, ...]
    streams: tuple[Stream, ...]
    profiles: tuple[ProfilePoint, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    rules: tuple[Rule, ...] = ()
    facilities: tuple[Facility, ...] = ()
    settings: Settings = Settings()

    # Where each table came from and each record's row, for messages after loading.
    _origin: dict[str, tuple[str, tuple[int, ...]]] = PrivateAttr(default_factory=dict)
    _slots: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)
    _input_files: tuple[Path, ...] = PrivateAttr(default=())

    # ---- construction

    @classmethod
    def from_tables(
        cls,
        companies: Any,
        resources: Any,
        streams: Any,
        profiles: Any = None,
        substitutions: Any = None,
        rules: Any = None,
        facilities: Any = None,
        settings: Mapping[str, Any] | Settings | None = None,
        name: str = "in-memory scenario",
    ) -> Scenario:
        """Build a scenario from pandas DataFrames or lists of dicts, with no files."""
        raw = {
            "companies": companies,
            "resources": resources,
            "streams": streams,
            "profiles": profiles,
            "substitutions": substitutions,
            "rules": rules,
            "facilities": facilities,
        }
        tables: dict[str, _Table] = {}
        problems: list[Problem] = []
        for tname, value in raw.items():
            if value is None:
                continue
            records = _records_from_object(value)
            tables[tname] = _Table(tname, f"<{tname}>", [(i + 1, r) for i, r in enumerate(records)])
        if isinstance(settings, Settings):
            settings = settings.model_dump(mode="json")
        return _build(name, tables, settings or {}, "<settings>", problems, ())

    def with_settings(self, **overrides: Any) -> Scenario:
        """A copy of this scenario with some settings changed (see ``merge_settings``)."""
        if not overrides:
            return self
        # model_copy keeps the private attributes and the cached lookups, which do
        # not depend on settings.
        return self.model_copy(update={"settings": merge_settings(self.settings, overrides)})

    # ---- lookups

    def origin(self, table: str, index: int) -> tuple[str, int | None]:
        """File and row of record ``index`` of ``table`` (for messages)."""
        file, rows = self._origin.get(table, (table, ()))
        return file, (rows[index] if index < len(rows) else None)

    @property
    def input_files(self) -> tuple[Path, ...]:
        """The files this scenario was read from (empty when built in memory)."""
        return self._input_files

    def slots(self, resource: str) -> tuple[str, ...]:
        """The ordered slot set of a resource."""
        return self._slots[resource]

    def slot_quantities(self, stream: Stream) -> np.ndarray:
        """Per-slot quantity of a stream, over its resource's slot set (contract section 3)."""
        slots = self._slots[stream.resource]
        pricing = self.resource_by_id[stream.resource].pricing
        if stream.profile is None:
            if pricing is Pricing.peak:
                return np.full(len(slots), stream.quantity)
            return np.full(len(slots), stream.quantity / len(slots))
        values = self.profile_values[stream.profile]
        shape = np.array([values[s] for s in slots], dtype=float)
        denominator = shape.max() if pricing is Pricing.peak else shape.sum()
        return stream.quantity * shape / denominator

    @cached_property
    def company_by_id(self) -> dict[str, Company]:
        return {c.id: c for c in self.companies}

    @cached_property
    def resource_by_id(self) -> dict[str, Resource]:
        return {r.id: r for r in self.resources}

    @cached_property
    def stream_by_id(self) -> dict[str, Stream]:
        return {s.id: s for s in self.streams}

    @cached_property
    def profile_values(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for p in self.profiles:
            out[p.profile][p.slot] = p.value
        return dict(out)

    def fingerprint(self) -> str:
        """A hash of everything that determines the result (inputs and settings)."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- loading


class _Table:
    """Raw records of one table, each with its row number, before validation."""

    def __init__(self, name: str, file: str, records: list[tuple[int, dict[str, Any]]], header_row: int = 1):
        self.name = name
        self.file = file
        self.records = records
        self.header_row = header_row


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario folder, or a single YAML file with inline tables.

    Raises ``ScenarioError`` listing every problem found.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _load_workbook(path)
    if path.is_dir():
        yaml_path = path / "scenario.yaml"
        if not yaml_path.exists():
            alt = path / "scenario.yml"
            yaml_path = alt if alt.exists() else yaml_path
    else:
        yaml_path = path
    if not yaml_path.exists():
        raise ScenarioError([Problem(str(yaml_path), None, None, "file not found")])
    folder = yaml_path.parent
    ylabel = yaml_path.name
    doc = _read_yaml(yaml_path, ylabel)
    problems: list[Problem] = []

    for key in doc:
        if key not in {"format", "name", "tables", "settings", "description", "provenance"}:
            problems.append(Problem(ylabel, None, str(key), "unknown key (expected format, name, tables, settings)"))
    fmt = doc.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        problems.append(Problem(ylabel, None, "format", f"unsupported format {fmt!r}; this version reads format {FORMAT_VERSION}"))
    name = doc.get("name", folder.name)
    if not isinstance(name, str):
        problems.append(Problem(ylabel, None, "name", "must be text"))
        name = str(name)

    tables_spec = doc.get("tables", {})
    if not isinstance(tables_spec, dict):
        problems.append(Problem(ylabel, None, "tables", "must map table names to CSV paths or lists of records"))
        tables_spec = {}
    tables: dict[str, _Table] = {}
    files: list[Path] = [yaml_path.resolve()]
    root = folder.resolve()
    for tname, spec in tables_spec.items():
        if tname not in TABLES:
            problems.append(Problem(ylabel, None, f"tables.{tname}", f"unknown table (expected one of {', '.join(TABLES)})"))
            continue
        if isinstance(spec, list):
            recs = []
            for i, rec in enumerate(spec):
                if not isinstance(rec, dict):
                    problems.append(Problem(ylabel, i + 1, f"tables.{tname}", "each inline record must be a mapping"))
                    continue
                recs.append((i + 1, {str(k): v for k, v in rec.items()}))
            tables[tname] = _Table(tname, f"{ylabel} (tables.{tname})", recs)
        elif isinstance(spec, str):
            rel = Path(spec)
            target = (folder / rel).resolve()
            if rel.is_absolute() or not target.is_relative_to(root):
                problems.append(Problem(ylabel, None, f"tables.{tname}", f"path '{spec}' must be relative and stay inside the scenario folder"))
                continue
            if not target.is_file():
                problems.append(Problem(spec, None, None, f"file not found (named by {ylabel}, tables.{tname})"))
                continue
            files.append(target)
            table = _read_csv(target, spec, tname, problems)
            if table is not None:
                tables[tname] = table
        else:
            problems.append(Problem(ylabel, None, f"tables.{tname}", "must be a CSV path or a list of records"))
    for tname in REQUIRED_TABLES:
        if tname not in tables_spec:
            problems.append(Problem(ylabel, None, "tables", f"the required table '{tname}' is not given"))

    settings = doc.get("settings") or {}
    if not isinstance(settings, dict):
        problems.append(Problem(ylabel, None, "settings", "must be a mapping"))
        settings = {}
    return _build(name, tables, settings, ylabel, problems, tuple(files))


def _load_workbook(path: Path) -> Scenario:
    """An Excel workbook with one sheet per table (see ``symbiosis.excel``)."""
    from symbiosis.excel import read_workbook

    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, None, "file not found")])
    book = read_workbook(path)
    problems = list(book.problems)
    tables = {name: _Table(name, label, records) for name, (label, records) in book.tables.items()}
    for tname in REQUIRED_TABLES:
        if tname not in tables and not any(p.file.endswith(f"sheet '{tname}'") for p in problems):
            problems.append(Problem(path.name, None, None, f"the required sheet '{tname}' is missing"))
    return _build(book.name, tables, book.settings, book.settings_label, problems, (path.resolve(),))


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(label, None, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(label, None, None, f"cannot be read ({exc.strerror})")]) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([Problem(label, row, None, f"is not valid YAML: {what}")]) from None
    if doc is None:
        raise ScenarioError([Problem(label, None, None, "is empty")])
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(label, None, None, "must be a YAML mapping with keys format, name, tables, settings")])
    return doc


def _read_csv(path: Path, label: str, tname: str, problems: list[Problem]) -> _Table | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(label, line, None, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8"))
        return None
    if "\x00" in text:
        problems.append(Problem(label, None, None, "holds NUL bytes; it is not a CSV text file"))
        return None
    if not text.strip():
        problems.append(Problem(label, None, None, "is empty; expected a header row"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, None, f"is not valid CSV: {exc}"))
        return None
    header = [h.strip() for h in rows[0]]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = ";" if ";" in header[0] else "tab"
        problems.append(Problem(label, 1, None, f"uses '{sep}' as separator; symbiosis reads comma-separated files"))
        return None
    seen: set[str] = set()
    bad = False
    for h in header:
        if h == "":
            continue
        if h in seen:
            problems.append(Problem(label, 1, h, "duplicate column name"))
            bad = True
        seen.add(h)
    model = RECORD_MODELS[tname]
    for col in model.model_fields:
        if col not in seen and model.model_fields[col].is_required():
            problems.append(Problem(label, 1, col, "required column is missing"))
            bad = True
    if bad:
        return None
    records: list[tuple[int, dict[str, Any]]] = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are common at the end of exported sheets
        if len(cells) != len(header):
            problems.append(Problem(label, i, None, f"has {len(cells)} cells but the header has {len(header)}"))
            continue
        records.append((i, dict(zip(header, cells))))
    return _Table(tname, label, records)


def _records_from_object(value: Any) -> list[dict[str, Any]]:
    if hasattr(value, "to_dict"):  # pandas DataFrame: NaN is pandas' empty cell
        frame = value.astype(object).where(value.notna(), None)
        return [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    return [dict(r) for r in value]


def _clean(value: Any) -> Any:
    """Empty cells mean 'not given'; text is stripped."""
    if value is None:
        return None
    if isinstance(value, str):
        v = value.strip()
        return None if v == "" else v
    if isinstance(value, float) and math.isnan(value):
        return float("nan")  # rejected by the model with a clear message
    return value


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    got = err.get("input")
    if kind == "missing":
        return "a value is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return f"expected a number, got {got!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {got!r}"
    if kind in ("enum", "literal_error"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"{got!r} is not one of {expected}"
    msg = err.get("msg", "invalid")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{msg.replace('Input should be', 'must be')}, got {got!r}"
    return f"{msg} (got {got!r})"


def _validate_records(table: _Table, problems: list[Problem]) -> tuple[list[Any], list[int]]:
    model = RECORD_MODELS[table.name]
    fields = model.model_fields
    out: list[Any] = []
    rows: list[int] = []
    for row, rec in table.records:
        data = {k: _clean(v) for k, v in rec.items() if k in fields}
        data = {k: v for k, v in data.items() if v is not None or fields[k].is_required()}
        try:
            out.append(model.model_validate(data))
            rows.append(row)
        except ValidationError as exc:
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                problems.append(Problem(table.file, row, col, _message(e)))
    return out, rows


def _build(
    name: str,
    tables: dict[str, _Table],
    settings_data: Mapping[str, Any],
    settings_label: str,
    problems: list[Problem],
    files: tuple[Path, ...],
) -> Scenario:
    parsed: dict[str, list[Any]] = {}
    origin: dict[str, tuple[str, tuple[int, ...]]] = {}
    for tname in TABLES:
        if tname in tables:
            recs, rows = _validate_records(tables[tname], problems)
            parsed[tname] = recs
            origin[tname] = (tables[tname].file, tuple(rows))
        else:
            parsed[tname] = []
            origin[tname] = (tname, ())
    try:
        settings = Settings.model_validate(dict(settings_data))
    except ValidationError as exc:
        for e in exc.errors():
            key = ".".join(str(x) for x in e["loc"])
            problems.append(Problem(settings_label, None, f"settings.{key}", _message(e)))
        settings = Settings()
    # Ids of records that failed validation still count as known, so that one bad
    # cell does not cascade into "unknown company" messages elsewhere.
    key = {"profiles": "profile"}
    raw_ids = {
        t: {str(_clean(r.get(key.get(t, "id")))) for _, r in tables[t].records if _clean(r.get(key.get(t, "id"))) is not None}
        for t in tables
    }
    problems.extend(_cross_check(parsed, origin, raw_ids))
    slots, slot_problems = _slot_sets(parsed, origin)
    problems.extend(slot_problems)
    if problems:
        raise ScenarioError(problems)
    scenario = Scenario(
        name=name,
        companies=tuple(parsed["companies"]),
        resources=tuple(parsed["resources"]),
        streams=tuple(parsed["streams"]),
        profiles=tuple(parsed["profiles"]),
        substitutions=tuple(parsed["substitutions"]),
        rules=tuple(parsed["rules"]),
        facilities=tuple(parsed["facilities"]),
        settings=settings,
    )
    scenario._origin = origin
    scenario._slots = slots
    scenario._input_files = files
    return scenario


def _duplicates(items: Sequence[Any], key: str, table: str, origin: Mapping[str, tuple[str, tuple[int, ...]]]) -> list[Problem]:
    file, rows = origin[table]
    first: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        k = getattr(item, key)
        if k in first:
            out.append(Problem(file, rows[i], key, f"duplicate id '{k}' (first at row {first[k]})"))
        else:
            first[k] = rows[i]
    return out


def _cross_check(
    parsed: dict[str, list[Any]], origin: dict[str, tuple[str, tuple[int, ...]]], raw_ids: dict[str, set[str]]
) -> list[Problem]:
    out: list[Problem] = []
    for table in ("companies", "resources", "streams"):
        out += _duplicates(parsed[table], "id", table, origin)
    companies = {c.id for c in parsed["companies"]} | raw_ids.get("companies", set())
    resources = {r.id: r for r in parsed["resources"]}
    known_resources = set(resources) | raw_ids.get("resources", set())
    profile_ids = {p.profile for p in parsed["profiles"]} | raw_ids.get("profiles", set())
    stream_ids = {s.id for s in parsed["streams"]} | raw_ids.get("streams", set())

    rfile, rrows = origin["resources"]
    for i, r in enumerate(parsed["resources"]):
        if r.pricing is Pricing.peak and r.transport in (Transport.road, Transport.pipe):
            out.append(Problem(rfile, rrows[i], "transport", f"a peak-priced resource moves by walk or none, not by {r.transport.value}"))
        if r.transport is Transport.road and r.kg_per_unit is None:
            out.append(Problem(rfile, rrows[i], "kg_per_unit", "required for a road resource"))
        if r.transport is Transport.pipe and r.pipe_capex_eur_per_m is None:
            out.append(Problem(rfile, rrows[i], "pipe_capex_eur_per_m", "required for a pipe resource"))

    sfile, srows = origin["streams"]
    for i, s in enumerate(parsed["streams"]):
        if s.company not in companies:
            out.append(Problem(sfile, srows[i], "company", f"unknown company '{s.company}'"))
        res = resources.get(s.resource)
        if s.resource not in known_resources:
            out.append(Problem(sfile, srows[i], "resource", f"unknown resource '{s.resource}'"))
        elif res.pricing is Pricing.peak:
            if s.direction is Direction.supply and s.price_eur_per_unit != 0:
                out.append(Problem(sfile, srows[i], "price_eur_per_unit", f"must be 0 or empty for a supply of a peak resource, got {s.price_eur_per_unit}"))
            if s.min_quantity is not None:
                out.append(Problem(sfile, srows[i], "min_quantity", "applies to volume resources only"))
        if s.profile is not None and s.profile not in profile_ids:
            out.append(Problem(sfile, srows[i], "profile", f"unknown profile '{s.profile}'"))

    pfile, prows = origin["profiles"]
    seen_pts: dict[tuple[str, str], int] = {}
    totals: dict[str, float] = defaultdict(float)
    first_row: dict[str, int] = {}
    for i, p in enumerate(parsed["profiles"]):
        key = (p.profile, p.slot)
        if key in seen_pts:
            out.append(Problem(pfile, prows[i], "slot", f"slot '{p.slot}' of profile '{p.profile}' given twice (first at row {seen_pts[key]})"))
        else:
            seen_pts[key] = prows[i]
        totals[p.profile] += p.value
        first_row.setdefault(p.profile, prows[i])
    for prof, total in totals.items():
        if total <= 0:
            out.append(Problem(pfile, first_row[prof], "value", f"profile '{prof}' is zero in every slot"))

    bfile, brows = origin["substitutions"]
    seen_subs: set[tuple[str, str]] = set()
    for i, sub in enumerate(parsed["substitutions"]):
        for col in ("supply_resource", "demand_resource"):
            if getattr(sub, col) not in known_resources:
                out.append(Problem(bfile, brows[i], col, f"unknown resource '{getattr(sub, col)}'"))
        pair = (sub.supply_resource, sub.demand_resource)
        if pair in seen_subs:
            out.append(Problem(bfile, brows[i], "demand_resource", f"substitution {pair[0]} -> {pair[1]} given twice"))
        seen_subs.add(pair)
        if sub.supply_resource == sub.demand_resource and sub.ratio != 1:
            out.append(Problem(bfile, brows[i], "ratio", "a resource substitutes itself with ratio 1; remove this row"))
        a, b = resources.get(sub.supply_resource), resources.get(sub.demand_resource)
        if a is not None and b is not None and a.pricing is not b.pricing:
            out.append(Problem(bfile, brows[i], "demand_resource", f"'{a.id}' is {a.pricing.value}-priced but '{b.id}' is {b.pricing.value}-priced"))

    lfile, lrows = origin["rules"]
    for i, rule in enumerate(parsed["rules"]):
        for col in ("source", "target"):
            ref = getattr(rule, col)
            is_c, is_s = ref in companies, ref in stream_ids
            if is_c and is_s:
                out.append(Problem(lfile, lrows[i], col, f"'{ref}' is both a company id and a stream id; rename one"))
            elif not (is_c or is_s):
                out.append(Problem(lfile, lrows[i], col, f"'{ref}' is neither a company id nor a stream id"))

    ffile, frows = origin["facilities"]
    first_fac: dict[str, Facility] = {}
    for i, f in enumerate(parsed["facilities"]):
        if f.resource not in known_resources:
            out.append(Problem(ffile, frows[i], "resource", f"unknown resource '{f.resource}'"))
        prev = first_fac.setdefault(f.id, f)
        # The contract's pool surplus has one cost_eur_per_unit per facility.
        for col in ("name", "resource", "lat", "lon", "max_distance_km", "cost_eur_per_unit"):
            if getattr(prev, col) != getattr(f, col):
                out.append(Problem(ffile, frows[i], col, f"size options of facility '{f.id}' must share {col}"))
    return out


def _slot_sets(
    parsed: dict[str, list[Any]], origin: dict[str, tuple[str, tuple[int, ...]]]
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    """Slot set of each resource: shared by resources linked through substitutions."""
    resources = [r.id for r in parsed["resources"]]
    order: dict[str, list[str]] = defaultdict(list)
    for p in parsed["profiles"]:
        if p.slot not in order[p.profile]:
            order[p.profile].append(p.slot)
    # Union-find over substitution links.
    parent = {r: r for r in resources}

    def find(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for sub in parsed["substitutions"]:
        if sub.supply_resource in parent and sub.demand_resource in parent:
            a, b = find(sub.supply_resource), find(sub.demand_resource)
            if a != b:
                parent[max(a, b)] = min(a, b)
    group_slots: dict[str, tuple[str, ...]] = {}
    group_by: dict[str, tuple[str, str]] = {}  # group -> (profile, first stream id) that fixed it
    problems: list[Problem] = []
    sfile, srows = origin["streams"]
    for i, s in enumerate(parsed["streams"]):
        if s.resource not in parent or s.profile is None or s.profile not in order:
            continue
        g = find(s.resource)
        slots = tuple(order[s.profile])
        if g not in group_slots:
            group_slots[g] = slots
            group_by[g] = (s.profile, s.id)
        elif set(group_slots[g]) != set(slots):
            prof, sid = group_by[g]
            problems.append(
                Problem(
                    sfile,
                    srows[i],
                    "profile",
                    f"profile '{s.profile}' names slots {_short(slots)} but resource '{s.resource}' "
                    f"(and resources linked to it by substitution) already uses profile '{prof}' "
                    f"(stream '{sid}') with slots {_short(group_slots[g])}",
                )
            )
    return {r: group_slots.get(find(r), (FLAT_SLOT,)) for r in resources}, problems


def _short(slots: Iterable[str]) -> str:
    s = list(slots)
    text = ", ".join(s[:4]) + (f", ... ({len(s)} slots)" if len(s) > 4 else "")
    return "{" + text + "}"
