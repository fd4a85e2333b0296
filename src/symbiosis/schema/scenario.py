"""The scenario: every table's records and the settings, checked as a whole.

A ``Scenario`` validates itself however it is built: by hand (``Scenario(companies=...,
...)``), from in-memory tables (``Scenario.from_tables``), by a reader
(``symbiosis.io.read``) or as a changed copy (``replaced``, ``with_settings``). The
checks between tables run in its model validator and raise one ``ScenarioError``
naming file, row and column. A reader tells the validator where the records came
from through the validation context::

    Scenario.model_validate(data, context={"origin": ..., "raw_ids": ..., "unreadable": ..., "input_files": ..., "warnings": ...})

``origin`` maps a table to its file label and the row of each record; ``raw_ids``
and ``unreadable`` keep one bad cell or one unreadable file from cascading into
"unknown id" problems elsewhere (see ``checks.cross_check``). Without a context, the
records of table ``t`` are labelled ``<t>``, row 1, 2, ... (as ``from_tables`` does).

A scenario carries its warnings (``Scenario.warnings``, contract section 5): those the
validator finds itself (``suspects.scenario_warnings``), computed again for every copy,
and those a reader found (``warnings`` in the context: a column name close to a
contract column), which copies keep.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import PrivateAttr, ValidationInfo, model_validator

from symbiosis.errors import InputWarning, Problem, ScenarioError, sort_warnings
from symbiosis.schema.checks import cross_check, failed_row_references, slot_sets, stale_uncertainty, uncertainty_problems
from symbiosis.schema.codes import code_warnings
from symbiosis.schema.links import LinkIndex, build_index
from symbiosis.schema.programme import PermitIndex, ProgressIndex, permit_index, programme_problems, programme_warnings, progress_index
from symbiosis.schema.records import (
    REQUIRED_TABLES,
    TABLES,
    Company,
    Facility,
    Link,
    Permit,
    Pricing,
    ProfilePoint,
    Progress,
    Resource,
    Route,
    Rule,
    Stream,
    Substitution,
    Uncertainty,
    _Strict,
)
from symbiosis.schema.rows import (
    RawTable,
    column_warnings,
    missing_columns,
    parse_tables,
    paused_gc,
    records_from_object,
    validate_settings,
)
from symbiosis.schema.settings import Settings, merge_settings
from symbiosis.schema.suspects import scenario_warnings


class Scenario(_Strict):
    """A validated scenario. Build it with ``load_scenario``, ``Scenario.from_tables`` or by hand."""

    name: str = "unnamed scenario"
    companies: tuple[Company, ...]
    resources: tuple[Resource, ...]
    streams: tuple[Stream, ...]
    profiles: tuple[ProfilePoint, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    rules: tuple[Rule, ...] = ()
    facilities: tuple[Facility, ...] = ()
    links: tuple[Link, ...] = ()
    uncertainty: tuple[Uncertainty, ...] = ()  # ranges for the sweep; solve ignores them
    # The legal route of waste exchanges and the stage of each match (DESIGN.md section 4g).
    permits: tuple[Permit, ...] = ()
    routes: tuple[Route, ...] = ()
    progress: tuple[Progress, ...] = ()
    settings: Settings = Settings()

    # Set by the validator: where each table came from and each record's row (for
    # messages), the slot set of each resource, and the files read.
    _origin: dict[str, tuple[str, tuple[int, ...]]] = PrivateAttr(default_factory=dict)
    _slots: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)
    _input_files: tuple[Path, ...] = PrivateAttr(default=())
    # Warnings: those a reader found (kept by copies) and all of them, in order.
    _reader_warnings: tuple[InputWarning, ...] = PrivateAttr(default=())
    _warnings: tuple[InputWarning, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _check_whole(self, info: ValidationInfo) -> Scenario:
        """Run every check between tables; compute the slot sets. Raises ``ScenarioError``."""
        context: Mapping[str, Any] = info.context or {}
        tables = {t: getattr(self, t) for t in TABLES}
        given = context.get("origin") or self._origin
        origin = {t: given.get(t) or (f"<{t}>", tuple(range(1, len(tables[t]) + 1))) for t in TABLES}
        # A record past the end of the rows it came with (added to a copy) has no row.
        rows: dict[str, tuple[str, Sequence[int | None]]] = {
            t: (file, (*numbers, *[None] * (len(tables[t]) - len(numbers)))) for t, (file, numbers) in origin.items()
        }
        problems = cross_check(tables, rows, context.get("raw_ids", {}), context.get("unreadable", frozenset()))
        slots, slot_problems = slot_sets(tables, rows)
        problems += slot_problems
        problems += uncertainty_problems(tables, rows, context.get("raw_ids", {}), context.get("unreadable", frozenset()))
        problems += programme_problems(tables, rows, context.get("raw_ids", {}), context.get("unreadable", frozenset()))
        reader_warnings = tuple(context.get("warnings", self._reader_warnings))
        # A range that no longer fits its stream (a price edited since) never blocks a solve, which ignores ranges; a sweep refuses it.
        stale = [
            InputWarning(p.file, p.row, p.column, f"{p.message} (a solve ignores the range; a sweep refuses it)")
            for p in stale_uncertainty(tables, rows, context.get("raw_ids", {}), context.get("unreadable", frozenset()))
        ]
        found = sort_warnings([*reader_warnings, *scenario_warnings(tables, rows, self.settings), *code_warnings(tables, rows), *programme_warnings(tables, rows), *stale])
        if problems:
            raise ScenarioError(problems, found)
        self._origin = {t: (file, tuple(numbers)) for t, (file, numbers) in origin.items()}
        self._slots = slots
        self._input_files = tuple(context.get("input_files", self._input_files))
        self._reader_warnings = reader_warnings
        self._warnings = found
        return self

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
        links: Any = None,
        uncertainty: Any = None,
        permits: Any = None,
        routes: Any = None,
        progress: Any = None,
    ) -> Scenario:
        """Build a scenario from pandas DataFrames or lists of dicts, with no files."""
        given = {
            "companies": companies,
            "resources": resources,
            "streams": streams,
            "profiles": profiles,
            "substitutions": substitutions,
            "rules": rules,
            "facilities": facilities,
            "links": links,
            "uncertainty": uncertainty,
            "permits": permits,
            "routes": routes,
            "progress": progress,
        }
        tables = {
            t: RawTable(f"<{t}>", [(i + 1, r) for i, r in enumerate(records_from_object(value))])
            for t, value in given.items()
            if value is not None
        }
        # A DataFrame has columns, as a file does: the contract's required ones must be there.
        problems: list[Problem] = []
        warnings: list[InputWarning] = []
        for t, value in given.items():
            columns = getattr(value, "columns", None)
            if columns is not None:
                names = [str(c) for c in columns]
                problems += missing_columns(t, f"<{t}>", names)
                warnings += column_warnings(f"<{t}>", t, names, row=None)
        if isinstance(settings, Settings):
            settings = settings.model_dump(mode="json")
        return cls.from_raw(name, tables, settings or {}, "<settings>", problems, warnings=warnings)

    @classmethod
    def from_raw(
        cls,
        name: str,
        tables: Mapping[str, RawTable],
        settings: Mapping[str, Any],
        settings_label: str,
        problems: Sequence[Problem] = (),
        unreadable: frozenset[str] = frozenset(),
        input_files: tuple[Path, ...] = (),
        warnings: Sequence[InputWarning] = (),
        required: tuple[str, ...] = REQUIRED_TABLES,
    ) -> Scenario:
        """Validate raw records and settings into a scenario, or raise every problem found.

        ``problems`` are those a reader found already; bad cells, bad settings and the
        checks between tables are added to them, and all are raised at once.
        ``unreadable`` names tables that were given but could not be read at all.
        ``warnings`` are those the reader found (the scenario adds its own).
        ``required`` are the tables that need at least one record (a company register,
        the input of ``estimate``, has companies only).
        """
        found = list(problems)
        try:
            with paused_gc():  # millions of small objects and no cycles: the collector would only slow reading
                parsed = parse_tables(tables, found, required)
                found += failed_row_references(parsed.failed, parsed.raw_ids, unreadable | parsed.broken)
                data = {"name": name, **parsed.records, "settings": validate_settings(settings, settings_label, found)}
                context = {
                    "origin": parsed.origin,
                    "raw_ids": parsed.raw_ids,
                    "unreadable": unreadable | parsed.broken,
                    "input_files": input_files,
                    "warnings": (*warnings, *parsed.warnings),
                }
                scenario = cls.model_validate(data, context=context)
        except ScenarioError as exc:
            raise ScenarioError(found + exc.problems, exc.warnings) from None
        if found:
            raise ScenarioError(found, scenario.warnings)
        return scenario

    def replaced(self, **fields: Any) -> Scenario:
        """A copy with some fields replaced, validated again like any scenario.

        Records keep the file and row they came from (one added past the end of its
        table has no row), and the copy keeps the list of input files.
        """
        data = {name: getattr(self, name) for name in type(self).model_fields} | fields
        context = {"origin": self._origin, "input_files": self._input_files, "warnings": self._reader_warnings}
        return type(self).model_validate(data, context=context)

    def with_settings(self, **overrides: Any) -> Scenario:
        """A copy of this scenario with some settings changed (see ``merge_settings``)."""
        if not overrides:
            return self
        return self.replaced(settings=merge_settings(self.settings, overrides))

    # ---- lookups

    def origin(self, table: str, index: int) -> tuple[str, int | None]:
        """File and row of record ``index`` of ``table`` (for messages)."""
        file, rows = self._origin.get(table, (table, ()))
        return file, (rows[index] if index < len(rows) else None)

    @property
    def warnings(self) -> tuple[InputWarning, ...]:
        """Input that is legal but suspect (contract section 5), in file, row, column order."""
        return self._warnings

    def stale_ranges(self) -> list[Problem]:
        """The ``uncertainty`` rows that no longer fit their stream (a warning for a solve; a sweep refuses them)."""
        tables = {t: getattr(self, t) for t in TABLES}
        origin = {t: self._origin.get(t) or (f"<{t}>", tuple(range(1, len(tables[t]) + 1))) for t in TABLES}
        rows = {t: (file, (*numbers, *[None] * (len(tables[t]) - len(numbers)))) for t, (file, numbers) in origin.items()}
        return stale_uncertainty(tables, rows, {})

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
        """Companies by id."""
        return {c.id: c for c in self.companies}

    @cached_property
    def resource_by_id(self) -> dict[str, Resource]:
        """Resources by id."""
        return {r.id: r for r in self.resources}

    @cached_property
    def stream_by_id(self) -> dict[str, Stream]:
        """Streams by id."""
        return {s.id: s for s in self.streams}

    @cached_property
    def link_index(self) -> LinkIndex:
        """The rows of links.csv by what they name (see ``symbiosis.schema.links``)."""
        return build_index(self.links, set(self.company_by_id), self.stream_by_id, self.facilities)[0]

    @cached_property
    def permit_index(self) -> PermitIndex:
        """The receivers' permits by company (see ``symbiosis.schema.programme``)."""
        return permit_index(self.permits)

    @cached_property
    def progress_index(self) -> ProgressIndex:
        """The progress rows by what they name (see ``symbiosis.schema.programme``)."""
        return progress_index(self.progress, {f.id for f in self.facilities})

    @cached_property
    def profile_values(self) -> dict[str, dict[str, float]]:
        """Each profile's value by slot."""
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for p in self.profiles:
            out[p.profile][p.slot] = p.value
        return dict(out)

    def fingerprint(self) -> str:
        """A hash of everything that determines the result (inputs and settings).

        The uncertainty ranges are left out: a deterministic solve ignores them.
        """
        blob = json.dumps(self.model_dump(mode="json", exclude={"uncertainty"}), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]
