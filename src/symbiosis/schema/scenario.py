"""The scenario: strict, frozen pydantic models, and loading them.

A scenario comes from a folder (``scenario.yaml`` with CSV tables beside it), from a
single YAML file with the tables inline, or from in-memory tables (DataFrames or
lists of dicts). All three go through the same record validation, so a bad cell gets
the same message, naming the file, the row and the column, wherever it came from.
Loading collects every problem it can find before it raises one ``ScenarioError``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import errno
import hashlib
import io
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from symbiosis.errors import Problem, ScenarioError, SettingsError

FORMAT_VERSION = 1
TABLES = ("companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities")
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
# Columns that hold ids (references between tables): no invisible characters.
ID_COLUMNS = frozenset({"id", "company", "resource", "profile", "slot", "source", "target", "supply_resource", "demand_resource"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """YAML reads ``yes``/``true`` as booleans, which pydantic would take as 1.0."""
        if isinstance(value, bool) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            kinds = set(get_args(annotation)) | {annotation}
            if bool not in kinds and kinds & {int, float}:
                raise PydanticCustomError("bool_not_number", "expected a number, got {got}", {"got": value})
        return value


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
    time_limit_s: float = Field(60.0, gt=0, le=MAX_AMOUNT, description="Wall-clock limit for HiGHS")
    mip_rel_gap: float = Field(1e-4, ge=0, le=1, description="Stop when the relative gap is at most this")
    threads: int = Field(1, ge=1, le=256, description="HiGHS threads; 1 keeps runs repeatable")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="HiGHS random seed")
    decompose: bool = Field(True, description="Solve independent groups of streams as separate problems (exact)")
    warm_start: bool = Field(True, description="Hand HiGHS the greedy baseline's solution as a start")
    processes: int = Field(1, ge=1, le=256, description="Worker processes solving independent parts at once (same results)")


class HeatPump(_Strict):
    carnot_fraction: float = Field(0.5, gt=0, le=1)
    max_lift_c: float = Field(60.0, gt=0, le=MAX_TEMPERATURE_C)
    electricity_price_eur_per_mwh: float = Field(170.0, ge=0, le=MAX_AMOUNT)
    electricity_co2_kg_per_mwh: float = Field(165.0, ge=0, le=MAX_AMOUNT)
    cost_eur_per_mwh: float = Field(8.0, ge=0, le=MAX_AMOUNT, description="Per MWh of delivered heat")


class Settings(_Strict):
    """Scenario-wide settings; every key is optional."""

    annualisation: Annualisation = Annualisation()
    link_fixed_cost_eur_per_year: float = Field(1000.0, ge=0, le=MAX_AMOUNT)
    road_cost_eur_per_tkm: float = Field(0.15, ge=0, le=MAX_AMOUNT)
    road_co2_kg_per_tkm: float = Field(0.10, ge=0, le=MAX_AMOUNT)
    detour_factor: float = Field(1.3, ge=1, le=10)
    max_distance_km: float = Field(15.0, gt=0, le=MAX_DISTANCE_KM)
    heat_approach_c: float = Field(5.0, ge=0, le=MAX_TEMPERATURE_C)
    carbon_price_eur_per_t: float = Field(0.0, ge=0, le=MAX_AMOUNT)
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
        raise ScenarioError([Problem(_show_text(str(path)), None, None, f"cannot be opened ({_os_reason(exc)})")]) from None
    if not found:
        raise ScenarioError([Problem(str(yaml_path), None, None, "file not found")])
    folder = yaml_path.parent
    ylabel = yaml_path.name
    doc = _read_yaml(yaml_path, ylabel)
    problems: list[Problem] = []

    known_keys = ("format", "name", "tables", "settings", "description", "provenance")
    for key in doc:
        if key not in known_keys:
            problems.append(Problem(ylabel, None, _show_text(str(key)), f"unknown key (expected format, name, tables, settings){_did_you_mean(key, known_keys)}"))
    fmt = doc.get("format", FORMAT_VERSION)
    if isinstance(fmt, bool) or fmt != FORMAT_VERSION:
        problems.append(Problem(ylabel, None, "format", f"unsupported format {_show(fmt)}; this version reads format {FORMAT_VERSION}"))
    name = doc.get("name", folder.name)
    if not isinstance(name, str):
        problems.append(Problem(ylabel, None, "name", "must be text"))
        name = str(name)

    tables_spec = doc.get("tables", {})
    if not isinstance(tables_spec, dict):
        problems.append(Problem(ylabel, None, "tables", "must map table names to CSV paths or lists of records"))
        tables_spec = {}
    tables: dict[str, _Table] = {}
    unreadable: set[str] = set()
    files: list[Path] = [yaml_path.resolve()]
    root = folder.resolve()
    for tname, spec in tables_spec.items():
        if tname not in TABLES:
            problems.append(
                Problem(
                    ylabel,
                    None,
                    f"tables.{_show_text(str(tname))}",
                    f"unknown table (expected one of {', '.join(TABLES)}){_did_you_mean(tname, TABLES)}",
                )
            )
            continue
        where = f"tables.{tname}"
        if isinstance(spec, list):
            recs = []
            for i, rec in enumerate(spec):
                if not isinstance(rec, dict):
                    problems.append(Problem(ylabel, i + 1, where, "each inline record must be a mapping (key: value)"))
                    continue
                recs.append((i + 1, {str(k): v for k, v in rec.items()}))
            tables[tname] = _Table(tname, f"{ylabel} ({where})", recs)
        elif isinstance(spec, str):
            target, problem = _table_path(folder, root, spec, ylabel, where)
            if problem is not None:
                problems.append(problem)
                unreadable.add(tname)
                continue
            assert target is not None
            files.append(target)
            table = _read_csv(target, spec, tname, problems)
            if table is not None:
                tables[tname] = table
            else:
                unreadable.add(tname)
        else:
            problems.append(Problem(ylabel, None, where, "must be a CSV path or a list of records"))
            unreadable.add(tname)
    for tname in REQUIRED_TABLES:
        if tname not in tables_spec:
            problems.append(Problem(ylabel, None, "tables", f"the required table '{tname}' is not given"))
            unreadable.add(tname)

    settings = doc.get("settings")
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        problems.append(Problem(ylabel, None, "settings", "must be a mapping (key: value)"))
        settings = {}
    return _build(name, tables, settings, ylabel, problems, tuple(files), frozenset(unreadable))


def _table_path(folder: Path, root: Path, spec: str, ylabel: str, where: str) -> tuple[Path | None, Problem | None]:
    """The file a ``tables:`` path names, or the problem with that path."""
    shown = _show(spec)
    if not spec.strip():
        return None, Problem(ylabel, None, where, "the path is empty")
    bad = next((ch for ch in spec if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:
        return None, Problem(ylabel, None, where, f"path {shown} holds the control character {_codepoint(bad)}")
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
        return None, Problem(ylabel, None, where, f"path {shown} cannot be followed ({_os_reason(exc)})")
    if not target.is_relative_to(root):
        return None, Problem(ylabel, None, where, f"path {shown} must be relative and stay inside the scenario folder")
    try:
        if target.is_dir():
            return None, Problem(ylabel, None, where, f"path {shown} is a folder, not a file")
        if not target.is_file():
            return None, Problem(spec, None, None, f"file not found (named by {ylabel}, {where})")
    except (OSError, ValueError) as exc:
        return None, Problem(ylabel, None, where, f"path {shown} cannot be opened ({_os_reason(exc)})")
    return target, None


def _os_reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _did_you_mean(word: Any, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _load_workbook(path: Path) -> Scenario:

    """An Excel workbook with one sheet per table (see ``symbiosis.io.read.workbook``)."""
    from symbiosis.io.read.workbook import read_workbook

    if not path.is_file():
        raise ScenarioError([Problem(str(path), None, None, "file not found")])
    book = read_workbook(path)
    problems = list(book.problems)
    tables = {name: _Table(name, label, records) for name, (label, records) in book.tables.items()}
    for tname in REQUIRED_TABLES:
        if tname not in tables and not any(p.file.endswith(f"sheet '{tname}'") for p in problems):
            problems.append(Problem(path.name, None, None, f"the required sheet '{tname}' is missing"))
    return _build(book.name, tables, book.settings, book.settings_label, problems, (path.resolve(),))


# ---- YAML


class _YamlRefused(yaml.MarkedYAMLError):
    """A construct that the scenario format does not allow (anchors, aliases, tags, duplicate keys)."""


def _tag_name(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class _ScenarioYamlLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, refusing anchors, aliases, explicit tags and duplicate keys.

    Scenario files are plain data. Aliases let a few lines expand into gigabytes
    ("billion laughs"), tags ask a loader to build objects, and PyYAML silently keeps
    the last of two equal keys; all are refused with the line they are on.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _YamlRefused(problem=f"alias '*{event.anchor}' is not allowed: anchors and aliases are not part of the scenario format", problem_mark=event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _YamlRefused(problem=f"anchor '&{anchor}' is not allowed: anchors and aliases are not part of the scenario format; write the value out", problem_mark=event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _YamlRefused(problem=f"tag '{_tag_name(tag)}' is not allowed: the scenario format uses plain values only", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: SafeConstructor reports it
            if first is not None:
                raise _YamlRefused(problem=f"key '{key}' is given twice (first at row {first})", problem_mark=key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _safe_yaml(text: str) -> Any:
    loader = _ScenarioYamlLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(label, None, None, f"cannot be read ({_os_reason(exc)})")]) from None
    text = _decode(raw, label, "save it as UTF-8 text", csv_header=False)
    if isinstance(text, Problem):
        raise ScenarioError([text])
    try:
        doc = _safe_yaml(text)
    except _YamlRefused as exc:
        mark = exc.problem_mark
        raise ScenarioError([Problem(label, mark.line + 1 if mark is not None else None, None, str(exc.problem))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([Problem(label, row, None, f"is not valid YAML: {what}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(label, None, None, "is nested too deeply to read (lists or mappings within each other)")]) from None
    if doc is None:
        raise ScenarioError([Problem(label, None, None, "is empty")])
    if not isinstance(doc, dict):
        raise ScenarioError([Problem(label, None, None, "must be a YAML mapping with keys format, name, tables, settings")])
    return doc


# ---- text and CSV


def _decode(raw: bytes, label: str, hint: str, csv_header: bool) -> str | Problem:
    """UTF-8 text (a byte-order mark is fine), or the problem naming where it is not."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(label, None, None, f"is UTF-16 text ('Unicode text'); {hint}")
    head = raw[:400]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        return Problem(label, None, None, f"looks like UTF-16 text without a byte-order mark (every other byte is NUL); {hint}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8-sig", errors="replace")
        what = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}, perhaps Windows-1252 or Latin-1); {hint}"
        if not csv_header:
            return Problem(label, prefix.count("\n") + 1, None, what)
        row, column = _locate(prefix)
        return Problem(label, row, column, what)


def _locate(prefix: str) -> tuple[int, str | None]:
    """Row (spreadsheet numbering) and column of the character just after ``prefix``."""
    rows = list(csv.reader(io.StringIO(prefix + "\x01", newline="")))
    row = len(rows)
    header = [h.strip() for h in rows[0]] if rows else []
    column = None
    if row > 1:
        i = len(rows[-1]) - 1
        column = header[i] if i < len(header) and header[i] else None
    return row, column


def _read_csv(path: Path, label: str, tname: str, problems: list[Problem]) -> _Table | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, None, None, f"cannot be read ({_os_reason(exc)})"))
        return None
    text = _decode(raw, label, "save it as CSV UTF-8", csv_header=True)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    if "\x00" in text:
        row, column = _locate(text[: text.index("\x00")])
        problems.append(Problem(label, row, column, "holds a NUL byte; it is not a CSV text file"))
        return None
    if not text.strip():
        problems.append(Problem(label, None, None, "is empty; expected a header row"))
        return None
    rows = _parse_csv(text, label, problems)
    if rows is None:
        return None
    header = [h.strip() for h in rows[0]]
    if header and header[0].lower().startswith("sep="):
        problems.append(Problem(label, 1, None, f"starts with Excel's '{header[0]}' line; delete that line so that the header is row 1"))
        return None
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = ";" if ";" in header[0] else "tab"
        problems.append(Problem(label, 1, None, f"uses '{sep}' as separator; symbiosis reads comma-separated files"))
        return None
    model = RECORD_MODELS[tname]
    required = [col for col in model.model_fields if model.model_fields[col].is_required()]
    missing = [col for col in required if col not in header]
    if missing:
        for i, cells in enumerate(rows[1:6], start=2):
            if all(col in [c.strip() for c in cells] for col in required):
                problems.append(Problem(label, 1, None, f"the header seems to be on row {i}; delete the rows above it so that the header is row 1"))
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
    for col in missing:
        near = [h for h in header if h.lower().replace(" ", "_") == col]
        hint = f" (found '{near[0]}'; column names are exact and lower case)" if near else ""
        problems.append(Problem(label, 1, col, f"required column is missing{hint}"))
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


def _parse_csv(text: str, label: str, problems: list[Problem]) -> list[list[str]] | None:
    """Rows of a CSV text, or None after naming the row that is not valid CSV."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as exc:
        row = len(rows) + 1
        header = [h.strip() for h in rows[0]] if rows else []
        msg = str(exc)
        if "field larger than field limit" in msg:
            problems.append(Problem(label, row, None, f"a cell is longer than {csv.field_size_limit()} characters (is a quote left open above it?)"))
        elif "unexpected end of data" in msg:
            # The lenient reader shows which cell swallowed the rest of the file.
            loose = list(csv.reader(io.StringIO(text, newline="")))
            i = len(loose[row - 1]) - 1 if row - 1 < len(loose) else -1
            column = header[i] if row > 1 and 0 <= i < len(header) and header[i] else None
            problems.append(Problem(label, row, column, "a quoted cell is never closed: its opening '\"' has no closing '\"'"))
        else:
            problems.append(Problem(label, row, None, f"is not valid CSV: {msg} (text after the closing quote of a quoted cell?)"))
        return None
    return rows


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


# ---- messages


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" ({unicodedata.name(ch)})" if unicodedata.name(ch, "") else "")


def _show(value: Any, limit: int = 60) -> str:
    """A value for a message: repr (so invisible characters show), cut to ``limit``."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'" + f" ({len(str(value))} characters)"


def _show_text(text: str, limit: int = 60) -> str:
    """Text for a message, quoted, with invisible characters escaped."""
    return _show(text, limit)[1:-1] if isinstance(text, str) and text.isprintable() and len(text) <= limit else _show(text, limit)


SPREADSHEET_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def _bound(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number_hint(got: Any) -> str:
    if not isinstance(got, str):
        return ""
    g = got.strip()
    if g.upper() in SPREADSHEET_ERRORS or (g.startswith("#") and g.endswith(("!", "?", "A"))):
        return " (a spreadsheet error value: fix the formula in the sheet or type the number)"
    if _DECIMAL_COMMA.match(g):
        return " (use a decimal point, not a comma)"
    if g.endswith("%"):
        return " (write a percentage as a fraction, e.g. 5% as 0.05)"
    return ""


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    got = err.get("input")
    ctx = err.get("ctx", {}) or {}
    if kind == "missing":
        return "a value is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if got is None and kind.endswith("_type"):
        return "is empty; a value is required"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {_show(got)}{_number_hint(got)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {_show(got)}{_number_hint(got)}"
    if kind == "bool_not_number":
        return f"expected a number, got {got!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {_show(got)}"
    if kind == "string_type":
        if isinstance(got, int | float):
            return f"expected text, got the number {got!r}; put it in quotes ('{got}')"
        return f"expected text, got {_show(got)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping (key: value), got {_show(got)}"
    if kind == "string_too_long":
        return f"is {len(str(got))} characters long; at most {ctx.get('max_length')} characters are allowed"
    if kind in ("enum", "literal_error"):
        return f"{_show(got)} is not one of {ctx.get('expected', '')}"
    if kind in ("less_than_equal", "greater_than_equal") and abs(ctx.get("le", ctx.get("ge", 0)) or 0) == MAX_AMOUNT:
        which = "at most" if kind == "less_than_equal" else "at least"
        return f"must be {which} {_bound(ctx.get('le', ctx.get('ge')))}, got {_show(got)} (symbiosis bounds every amount to +-1e12)"
    msg = err.get("msg", "invalid")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next((ctx[k] for k in ("gt", "ge", "lt", "le") if k in ctx), None)
        text = msg.replace("Input should be", "must be")
        if limit is not None:
            text = text.replace(str(limit), _bound(limit))
        return f"{text}, got {_show(got)}"
    return f"{msg} (got {_show(got)})"


def _character_problem(column: str, value: str) -> str | None:
    """Control characters anywhere, and invisible characters in ids, are refused."""
    for ch in value:
        cat = unicodedata.category(ch)
        if cat == "Cc" and (column in ID_COLUMNS or ch not in "\t\n\r"):
            return f"holds the control character {_codepoint(ch)}; retype the cell"
        if column in ID_COLUMNS and cat in ("Cf", "Zl", "Zp"):
            return f"holds the invisible character {_codepoint(ch)}; retype the id"
    return None


def _validate_records(table: _Table, problems: list[Problem]) -> tuple[list[Any], list[int]]:
    model = RECORD_MODELS[table.name]
    fields = model.model_fields
    out: list[Any] = []
    rows: list[int] = []
    for row, rec in table.records:
        bad_chars = False
        for k, v in rec.items():
            if k in fields and isinstance(v, str):
                what = _character_problem(k, v)
                if what is not None:
                    problems.append(Problem(table.file, row, k, what))
                    bad_chars = True
        if bad_chars:
            continue
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
    unreadable: frozenset[str] = frozenset(),
) -> Scenario:
    """Validate raw tables and settings into a scenario, or raise every problem found.

    ``unreadable`` names tables that were given but could not be read at all; ids
    that point into them are not reported as unknown (one broken file, one message).
    """
    parsed: dict[str, list[Any]] = {}
    origin: dict[str, tuple[str, tuple[int, ...]]] = {}
    for tname in TABLES:
        if tname in tables:
            recs, rows = _validate_records(tables[tname], problems)
            parsed[tname] = recs
            origin[tname] = (tables[tname].file, tuple(rows))
            if tname in REQUIRED_TABLES and not tables[tname].records:
                problems.append(Problem(tables[tname].file, None, None, f"has no rows; a scenario needs at least one record in {tname}"))
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
    problems.extend(_cross_check(parsed, origin, raw_ids, unreadable))
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


class _Anything(set[str]):
    """The ids of a table that could not be read: every reference counts as known."""

    def __contains__(self, item: object) -> bool:
        return True


def _cross_check(
    parsed: dict[str, list[Any]],
    origin: dict[str, tuple[str, tuple[int, ...]]],
    raw_ids: dict[str, set[str]],
    unreadable: frozenset[str] = frozenset(),
) -> list[Problem]:
    out: list[Problem] = []
    for table in ("companies", "resources", "streams"):
        out += _duplicates(parsed[table], "id", table, origin)

    def known(table: str, ids: set[str]) -> set[str]:
        return _Anything() if table in unreadable else ids | raw_ids.get(table, set())

    companies = known("companies", {c.id for c in parsed["companies"]})
    resources = {r.id: r for r in parsed["resources"]}
    known_resources = known("resources", set(resources))
    profile_ids = known("profiles", {p.profile for p in parsed["profiles"]})
    stream_ids = known("streams", {s.id for s in parsed["streams"]})

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
        elif res is not None and res.pricing is Pricing.peak:
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
    out += _substitution_cycles(parsed["substitutions"], bfile, brows)

    lfile, lrows = origin["rules"]
    for i, rule in enumerate(parsed["rules"]):
        for col in ("source", "target"):
            ref = getattr(rule, col)
            is_c, is_s = ref in companies, ref in stream_ids
            if isinstance(companies, _Anything) or isinstance(stream_ids, _Anything):
                continue
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


def _substitution_cycles(subs: Sequence[Substitution], file: str, rows: Sequence[int]) -> list[Problem]:
    """One problem per cycle of substitutions between different resources (A -> B -> A).

    Substitution is one hop (a supply serves a demand of the resource it replaces),
    so a cycle changes no result; but it is almost always a data-entry slip (a row
    typed both ways round), so it is refused, naming the rows that form it.
    """
    edges: dict[str, list[tuple[str, int]]] = defaultdict(list)  # resource -> [(to, index)]
    for i, sub in enumerate(subs):
        if sub.supply_resource != sub.demand_resource:
            edges[sub.supply_resource].append((sub.demand_resource, i))
    components = _strong_components(edges)
    out: list[Problem] = []
    for comp in components:
        if len(comp) < 2:
            continue
        # Start from the earliest row inside the component; close the cycle by the
        # shortest path back (breadth first, inside the component).
        first = min(i for u in comp for v, i in edges[u] if v in comp)
        start, nxt = subs[first].supply_resource, subs[first].demand_resource
        back: dict[str, tuple[str, int] | None] = {nxt: None}
        queue = [nxt]
        while queue and start not in back:
            u = queue.pop(0)
            for v, i in edges[u]:
                if v in comp and v not in back:
                    back[v] = (u, i)
                    queue.append(v)
        path: list[tuple[str, int]] = []
        node = start
        while back[node] is not None:
            prev, i = back[node]  # type: ignore[misc]
            path.append((node, i))
            node = prev
        path.reverse()
        names = [start, nxt] + [n for n, _ in path]
        idx = [first] + [i for _, i in path]
        cyc_rows = [rows[i] for i in idx]
        out.append(
            Problem(
                file,
                max(cyc_rows),
                "demand_resource",
                f"substitution cycle {' -> '.join(names)} (rows {', '.join(str(r) for r in cyc_rows)}); "
                "a substitution is one-way, so remove the rows that are not meant",
            )
        )
    return out


def _strong_components(edges: Mapping[str, list[tuple[str, int]]]) -> list[set[str]]:
    """Strongly connected components (Tarjan, iterative, so deep graphs cannot overflow the stack)."""
    nodes = sorted(set(edges) | {v for vs in edges.values() for v, _ in vs})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    comps: list[set[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = edges.get(node, [])
            for j in range(pos, len(succ)):
                v = succ[j][0]
                if v not in index:
                    work.append((node, j + 1))
                    work.append((v, 0))
                    break
                if v in on_stack:
                    low[node] = min(low[node], index[v])
            else:
                if low[node] == index[node]:
                    comp = set()
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.add(w)
                        if w == node:
                            break
                    comps.append(comp)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return comps


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
