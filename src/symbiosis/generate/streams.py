"""The streams of the generated firms: the common ones every firm may have, then its archetype's own.

Common streams (haasrode.md §3), with the parameters of each archetype from
``archetypes.csv``: cardboard, residual waste (a pool resource: a shared waste hub),
staff meals (a pool resource: a shared canteen), canteen food waste, the parking
deficit and spare lot, space heat of 60 MWh/yr or more, and spare or wanted floor
space. Then the rows of ``archetype_streams.csv`` for the firm's archetype, in order.

Magnitudes and prices (EST unless the factors.csv key says sourced): heat demand
6 MWh/FTE (``energy_per_office_job`` 12 split 50/50) at 54.35 EUR/MWh
(``gas_price_industrial`` / ``boiler_efficiency_gas``) and 222.8 kg/MWh
(``ef_natural_gas_direct`` / efficiency); parking 0.75 cars/FTE at peak
(``car_commute_share_haasrode`` x 0.85 presence) against an own lot of 0.7-1.25 times
that, as a deficit (demand) and the spare lot (supply: whole in the off-hours, only a
structural surplus in the busy hours), 1,260 EUR/space/yr (CRF x
(``parking_surface_capex`` + 25 m2 x ``land_value``) + ``parking_surface_opex``), 1,850
where the plot is full (``parking_garage_capex``/``_opex``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symbiosis.generate.archetypes import Amount, Choice, Draws, StreamGroup
from symbiosis.generate.factors import (
    CARDBOARD_CO2,
    DECK_PRICE,
    FOOD_FEE,
    HEAT_CO2,
    HEAT_PRICE,
    INCINERATION,
    PARK_PRICE,
    RESIDUAL,
    round_to,
)
from symbiosis.generate.geography import Firm
from symbiosis.generate.profiles import (
    LOT_PROBS,
    LOT_RATIOS,
    lot_profiles,
    parking_profile,
    shape,
)

HEAT_MIN_MWH = 60  # ~10 office FTE; smaller heat demands are left out (EST)
MIN_SPACES = 5  # fewer spaces are not worth a sharing contract (~1 space pays the link cost)
CARDBOARD_BALED = Choice((60.0, 65.0, 70.0))  # EUR/t paid for 20 t/yr or more, baled
OWN_LOT = Choice(LOT_RATIOS, LOT_PROBS)  # own lot / peak need, unless the archetype fixes it


class Streams:
    """Collects stream rows and the profile shapes they use."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.shapes: dict[str, tuple[float, ...]] = {}

    def add(
        self,
        firm: Firm,
        suffix: str,
        direction: str,
        resource: str,
        quantity: float,
        price: float,
        co2: float | None = None,
        temperature: float | None = None,
        profile: str | None = None,
        min_quantity: float | None = None,
    ) -> None:
        if quantity <= 0:
            return
        self.rows.append(
            {
                "id": f"{firm.id}_{suffix}",
                "company": firm.id,
                "direction": direction,
                "resource": resource,
                "quantity": quantity,
                "price_eur_per_unit": price,
                "co2_kg_per_unit": co2 or None,
                "temperature_c": temperature,
                "profile": profile,
                "min_quantity": min_quantity,
            }
        )
        if profile is not None and profile not in self.shapes:
            self.shapes[profile] = shape(profile)


@dataclass(frozen=True)
class SpaceRule:
    """Floor space a firm may offer (``spare``) or want (``need``), with the odds and amounts of each."""

    resource: str
    suffix: str
    min_fte: int
    spare_chance: float
    spare: Amount
    need_chance: float
    need: Amount
    step: float


# haasrode README: 10.7 % vacancy; offices 20-25 m2 per FTE (haasrode.md §3).
OFFICE_SPACE = SpaceRule(
    "office_space", "office", 10, 0.08, Amount(((22.0, "fte"),), (0.1, 0.35)), 0.08, Amount(((22.0, "fte"),), (0.1, 0.4)), 10
)
HALL_SPACE = SpaceRule("hall_space", "hall", 0, 0.12, Amount((), (300.0, 2000.0)), 0.12, Amount((), (200.0, 1000.0)), 50)


def _space(out: Streams, f: Firm, d: Draws, rule: SpaceRule, offers: frozenset[str], rent: Choice | None) -> None:
    if not offers or f.fte < rule.min_fte:
        return
    if "spare" in offers and d.chance(rule.spare_chance):
        out.add(f, f"{rule.suffix}_s", "supply", rule.resource, round_to(rule.spare.value(f.fte, f.students, d), rule.step), 0.0)
    elif "need" in offers and d.chance(rule.need_chance):
        assert rent is not None
        price = rent.draw(d)
        out.add(f, f"{rule.suffix}_d", "demand", rule.resource, round_to(rule.need.value(f.fte, f.students, d), rule.step), price)


def _common(out: Streams, f: Firm, d: Draws) -> None:
    """The streams every kind of firm may have, with its archetype's parameters."""
    a, n, s = f.archetype, f.fte, f.students
    # ---- cardboard: everyone but brokers and public utilities
    cb = round_to(a.cardboard_t.value(n, s, d), 0.1) if a.cardboard_t is not None else 0.0
    if cb >= 1:
        if cb >= 20:
            out.add(f, "cardboard_s", "supply", "cardboard", cb, -CARDBOARD_BALED.draw(d))
        elif d.chance(0.2):  # in the residual waste today (incinerated)
            out.add(f, "cardboard_s", "supply", "cardboard", cb, INCINERATION, CARDBOARD_CO2)
        else:  # paper container, collected free
            out.add(f, "cardboard_s", "supply", "cardboard", cb, 0.0)
    # ---- residual waste (pool resource: a shared waste hub)
    res = round_to(a.waste_t.value(n, s, d), 1)
    if res >= 2:
        out.add(f, "waste_d", "demand", "waste_collection", res, 160.0 if res >= 50 else RESIDUAL)
    # ---- meals (pool resource: a shared canteen), firms without their own canteen
    if a.meals and 10 <= n < 150:
        out.add(f, "meals_d", "demand", "meals", round_to(0.5 * n * 220 * d.uniform(0.8, 1.2), 100), 9.0)
    # ---- canteen food waste of large sites
    if a.canteen_food_waste and n >= 100:
        food = round_to(0.035 * n * d.uniform(0.7, 1.3), 1)
        if food >= 3:
            out.add(f, "food_s", "supply", "food_waste", food, FOOD_FEE)
    # ---- parking: deficit (need beyond the own lot) and spare (lot beyond the need)
    if n >= a.parking_min_fte:
        need = a.parking_need.value(n, s, d)
        u = a.parking_lot if a.parking_lot is not None else OWN_LOT.draw(d)
        deficit, spare = lot_profiles(a.parking_shape, u)
        d_q, s_q = round_to(need * max(deficit), 1), round_to(need * max(spare), 1)
        price = DECK_PRICE if d.chance(0.3) else PARK_PRICE
        if d_q >= MIN_SPACES:
            out.add(f, "parking_d", "demand", "parking", d_q, price, profile=parking_profile(a.parking_shape, "deficit", u))
        if s_q >= MIN_SPACES:
            out.add(f, "parking_s", "supply", "parking", s_q, 0.0, profile=parking_profile(a.parking_shape, "spare", u))
    # ---- space heat
    e, temp = 0.0, None
    if a.heat_mwh is not None:
        assert a.heat_c is not None
        e = a.heat_mwh.value(n, s, d)
        temp = a.heat_c.draw(d)
    e = round_to(e, 10)
    on_gas = d.chance(a.gas_heated)  # the others already heat with heat pumps or electricity (EST)
    if e >= HEAT_MIN_MWH and on_gas:
        out.add(f, "heat_d", "demand", "heat", e, HEAT_PRICE, HEAT_CO2, temp, a.heat_profile, a.heat_min_mwh)
    # ---- floor space: vacancies and growth
    _space(out, f, d, OFFICE_SPACE, a.office_space, a.office_rent)
    _space(out, f, d, HALL_SPACE, a.hall_space, a.hall_rent)


def _own(out: Streams, f: Firm, d: Draws, groups: tuple[StreamGroup, ...]) -> None:
    """The streams of the firm's archetype (archetype_streams.csv), in the order of the table."""
    n, s = f.fte, f.students
    for group in groups:
        if n < group.min_fte or (group.chance is not None and not d.chance(group.chance)):
            continue
        alts = group.alternatives
        spec = alts[0] if len(alts) == 1 else alts[d.index(len(alts), group.odds)]
        q = round_to(spec.quantity.value(n, s, d), spec.step)
        k = spec.price.index(d)
        price = spec.price.values[k]
        co2 = None
        if spec.co2 is not None:
            co2 = spec.co2.values[k] if len(spec.co2.values) > 1 else spec.co2.values[0]
        if spec.small_lot is not None and q < spec.small_lot:
            assert spec.small_lot_price is not None
            price = spec.small_lot_price
        temperature = spec.temperature.draw(d) if spec.temperature is not None else None
        min_q = spec.min_quantity.draw(q, spec.step, d) if spec.min_quantity is not None else None
        out.add(f, spec.stream, spec.direction, spec.resource, q, price, co2, temperature, spec.profile, min_q)


def streams(firms: list[Firm], rng: np.random.Generator) -> Streams:
    """Every firm's streams, drawn firm after firm: the common ones, then its archetype's."""
    out = Streams()
    d = Draws(rng)
    for f in firms:
        _common(out, f, d)
        _own(out, f, d, f.archetype.streams)
    return out


def flatten(streams: list[dict[str, Any]], shapes: dict[str, tuple[float, ...]]) -> list[dict[str, Any]]:
    """Without profiles: drop the profile; a parking supply keeps the spaces free in every slot.

    Volume streams keep their yearly quantity (one slot, the year). A peak demand
    keeps its peak. A peak supply (spare parking) keeps only what is spare in every
    slot, quantity x min/max of its shape, so that a flat scenario never offers
    spaces that are taken at some hour; where that is nothing, the stream is dropped.
    """
    out = []
    for s in streams:
        s = {**s, "profile": None}
        prof = s.get("_profile")
        if s["resource"] == "parking" and s["direction"] == "supply" and prof is not None:
            values = shapes[prof]
            q = round_to(s["quantity"] * min(values) / max(values), 1)
            if q < MIN_SPACES:
                continue
            s["quantity"] = q
        out.append(s)
    return out
