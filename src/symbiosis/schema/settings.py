"""Scenario-wide settings, with their defaults, and overriding them by dotted keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, ValidationError, field_validator

from symbiosis.errors import SettingsError
from symbiosis.schema.messages import did_you_mean, message, show
from symbiosis.schema.records import MAX_AMOUNT, MAX_DISTANCE_KM, MAX_TEMPERATURE_C, NotANumber, _Strict


class Annualisation(_Strict):
    """How an investment becomes a yearly cost (capital recovery factor)."""

    rate: float = Field(0.05, ge=0, le=1, description="Discount rate per year")
    years: int = Field(15, gt=0, le=200, description="Economic life in years")


class SolverSettings(_Strict):
    """How HiGHS is run."""

    time_limit_s: float = Field(60.0, gt=0, le=MAX_AMOUNT, description="Wall-clock limit for HiGHS")
    mip_rel_gap: float = Field(1e-4, ge=0, le=1, description="Stop when the relative gap is at most this")
    threads: int = Field(1, ge=1, le=256, description="HiGHS threads; 1 keeps runs repeatable")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="HiGHS random seed")
    decompose: bool = Field(True, description="Solve independent groups of streams as separate problems (exact)")
    warm_start: bool = Field(True, description="Hand HiGHS the greedy baseline's solution as a start")
    processes: int | Literal["auto"] = Field(
        "auto",
        description="Worker processes solving independent parts at once (same results); 'auto': the machine's cores when the parts are large enough to pay for starting workers, else 1",
    )

    @field_validator("processes", mode="before")
    @classmethod
    def _auto_or_count(cls, value: Any) -> Any:
        """'auto' or a whole number from 1 to 256, in one sentence whatever is wrong (not one per member of the union)."""
        count = value
        if isinstance(value, str) and value.strip().isdigit():
            count = int(value.strip())
        elif isinstance(value, float) and value.is_integer():
            count = int(value)
        if value == "auto" or (count.__class__ is int and 1 <= count <= 256):
            return count
        raise ValueError(f"expected 'auto' or a whole number of processes from 1 to 256, got {show(value.value if isinstance(value, NotANumber) else value)}")


class HeatPump(_Strict):
    """A heat pump that lifts a supply's heat to a hotter demand; considered only when given."""

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
    m2_per_parking_space: float = Field(25.0, ge=0, le=MAX_AMOUNT, description="Land of one surface parking space with its share of aisles, m2 (measure land_freed_m2; derived from sourced figures of 20.6-32.5 m2, docs/model.md)")
    truck_payload_t: float = Field(20.0, gt=0, le=MAX_AMOUNT, description="Tonnes a truck carries per trip (measure truck_km)")
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
        msgs = [f"setting '{'.'.join(str(x) for x in e['loc'])}': {setting_message(e)}" for e in exc.errors()]
        raise SettingsError("; ".join(msgs)) from None


def setting_message(err: Mapping[str, Any]) -> str:
    """``message(err)``, and for an unknown key the nearest name the settings have (``time_limt_s``)."""
    text = message(err)
    if err.get("type") == "extra_forbidden":
        text += did_you_mean(err["loc"][-1], _names_at(tuple(str(x) for x in err["loc"][:-1])))
    return text


def _names_at(path: tuple[str, ...]) -> list[str]:
    """The setting names inside the group at ``path`` (``("solver",)``), or none."""
    model: Any = Settings
    for part in path:
        spec = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if spec is None:
            return []
        kinds = [k for k in (*get_args(spec.annotation), spec.annotation) if isinstance(k, type) and issubclass(k, BaseModel)]
        if not kinds:
            return []
        model = kinds[0]
    return list(model.model_fields)
