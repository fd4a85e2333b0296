"""The kinds of firm of a generated park, as data: ``archetypes.csv`` and ``archetype_streams.csv``.

Both tables ship inside the package and are read once, with importlib.resources. An
archetype is one row of ``archetypes.csv`` (its sector, how common it is, its size
distribution and the parameters of the streams every firm has: cardboard, residual
waste, meals, canteen food waste, parking, space heat, floor space) plus its rows of
``archetype_streams.csv`` (the streams only that kind of firm has). The rules that turn
them into streams are in ``symbiosis.generate.streams``; there is no code per archetype.

Sector archetypes (haasrode.md §2 shares of 300 firms and FTE; §3 streams):

| sector (§2 firms/FTE) | archetype | /300 | FTE | typical extra streams (§3) |
| --- | --- | --- | --- | --- |
| rd_ict (110 / 4,000) | rd_office | 80 | 33 | server-room heat 30 °C in a quarter of those with 20+ FTE |
| | ict_server | 20 | 45 | server heat 28-30 °C, 6.5 MWh/FTE, flat |
| | lab | 10 | 45 | space heat at 60 °C, 10 MWh/FTE |
| manufacturing (30 / 2,800) | moulding | 8 | 150 | cooling water 30 °C (17 MWh/FTE), compressor heat 60-70 °C, regrind, film, pallets, blowdown; buys virgin PP and make-up water |
| | mechatronics | 12 | 70 | ferrous scrap 1 t/FTE, crates (B-wood), compressor heat; buys new pallets |
| | electronics | 10 | 75 | chiller heat 35 °C, one-way pallets, film; buys make-up water |
| business_services (50 / 1,300) | service_office | 45 | 26 | offices only |
| | catering | 5 | 25 | food waste 0.3 t/FTE, cold-room heat 32 °C, catering parking shape |
| craft_trades (60 / 900) | joinery | 10 | 14 | B-wood 0.9 t/FTE; buys pallets |
| | metalwork | 10 | 17 | metal scrap 1.5 t/FTE |
| | construction | 26 | 16 | scrap, B-wood, wheel-wash water; buys pallets |
| | food_producer | 6 | 13 | oven heat 110 °C, cold-room heat 32 °C, food waste |
| | landscaping | 6 | 11 | buys food waste for composting (gate fee) |
| | pallet_repair | 2 | 15 | repaired pallets; takes B-wood (gate fee) |
| wholesale_logistics (35 / 700) | distribution | 20 | 21 | surplus pallets 40/FTE, film, 1-2.5 t/FTE cardboard, cold-store heat 32 °C; buys pallets |
| | garage | 12 | 17 | scrap; car-wash water |
| | recycler | 3 | 25 | buys cardboard, regrind, film, scrap (at least one per park of 10+) |
| education_public (15 / 300 + 3,500 students) | public_office | 11 | 12 | offices, childcare food waste |
| | campus | 2 | 60 | ~1,750 students: heat (min 300 MWh), parking 0.3/student, water, food waste |
| | event_hall | 1 | 30 | parking peak ~1,500 cars evenings and weekends, own lot 60 % |
| | wwtp | 1 | 10 | effluent heat 15 °C, treated effluent water; takes food waste (co-digestion) |

Notation of the cells:

- an **amount** (``cardboard_t``, ``waste_t``, ``parking_need``, ``heat_mwh``,
  ``quantity``): terms ``k fte``, ``k student`` or ``k`` joined by ``+``, optionally
  ``x U(lo..hi)``, a uniform draw between lo and hi. ``0.3 fte x U(0.8..1.2)`` is
  0.3 x FTE x U(0.8, 1.2); ``0.1 fte + 0.005 student`` draws nothing; ``fte`` is 1 fte
  and ``U(300..900)`` is 1 x U(300, 900).
- a **choice** (prices, CO2, temperatures, rents, ``min_quantity``): a number or a name
  of ``symbiosis.generate.factors.NAMED`` (``INCINERATION``, ``rent_warehouse``), or
  options ``a|b|c`` drawn with equal odds, or ``a:p|b:q`` drawn with odds p and q.
  Where ``co2_kg_per_unit`` lists as many options as the price, it goes with the
  price drawn (``-100:0.6|-50:0.2|INCINERATION:0.2`` with ``0|0|PLASTICS_CO2``).
- ``min_quantity`` may also be ``quantity/d`` (the quantity over d, on the quantity's
  step; none when that is 0), optionally ``from q`` (only for a quantity of q or more).
- in ``archetype_streams.csv`` a stream is drawn when the firm has ``min_fte`` FTE or
  more and then with odds ``chance``; rows of one archetype with the same ``stream``
  are alternatives drawn with the odds ``share`` (after ``chance``, before the
  quantity); below ``small_lot`` units the price is ``small_lot_price``.
- in ``archetypes.csv``, ``office_space`` and ``hall_space`` say whether a firm may have
  ``spare`` space to offer, ``need`` more, or either (``spare_or_need``).

Random numbers are drawn in the order of the cells as listed above: chance, share,
quantity, price, temperature, minimum quantity, so that the tables and the draws
together give the same park for the same seed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

import numpy as np

from symbiosis.generate.factors import NAMED, RESOURCES, round_to
from symbiosis.generate.profiles import HEAT_SHAPES, NEED_SHAPES

ARCHETYPES_FILE = "archetypes.csv"
STREAMS_FILE = "archetype_streams.csv"
ARCHETYPE_COLUMNS = (
    "key", "sector", "label", "per_300", "fte_mean", "fte_sigma", "fte_max", "students_mean", "students_sigma",
    "cardboard_t", "waste_t", "meals", "canteen_food_waste", "parking_min_fte", "parking_need", "parking_shape",
    "parking_lot", "heat_mwh", "heat_c", "heat_profile", "gas_heated", "heat_min_mwh", "office_space", "office_rent",
    "hall_space", "hall_rent",
)  # fmt: skip
STREAM_COLUMNS = (
    "archetype", "stream", "direction", "resource", "min_fte", "chance", "share", "quantity", "step",
    "price_eur_per_unit", "co2_kg_per_unit", "small_lot", "small_lot_price", "temperature_c", "profile", "min_quantity",
)  # fmt: skip
SPACE_OFFERS = {"": frozenset(), "spare": frozenset({"spare"}), "need": frozenset({"need"}), "spare_or_need": frozenset({"spare", "need"})}
SECTOR_SHARES = {  # haasrode.md §2, share of firms
    "rd_ict": 110 / 300,
    "manufacturing": 30 / 300,
    "business_services": 50 / 300,
    "craft_trades": 60 / 300,
    "wholesale_logistics": 35 / 300,
    "education_public": 15 / 300,
}
_NUMBER = r"[-+]?\d+(?:\.\d*)?"


class Draws:
    """The random draws of the generator, on one numpy generator, in a fixed order."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def uniform(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def chance(self, p: float) -> bool:
        """True with odds ``p`` (one draw, also when p is 0 or 1)."""
        return bool(self.rng.random() < p)

    def index(self, n: int, odds: Sequence[float] | None = None) -> int:
        """One of ``n`` options: equal odds (an integer draw) or the given odds (a uniform draw)."""
        if odds is None:
            return int(self.rng.integers(n))
        x, acc = self.rng.random(), 0.0
        for i, q in enumerate(odds):
            acc += q
            if x < acc:
                return i
        return n - 1


@dataclass(frozen=True)
class Amount:
    """A sum of terms (k x fte, k x students, k), times a uniform draw between ``spread`` when given."""

    terms: tuple[tuple[float, str], ...]  # (k, "fte" | "student" | "")
    spread: tuple[float, float] | None = None

    def value(self, fte: int, students: int, draws: Draws) -> float:
        total = 1.0
        for i, (k, var) in enumerate(self.terms):
            x = k * fte if var == "fte" else k * students if var == "student" else k
            total = x if i == 0 else total + x
        if self.spread is not None:
            total = total * draws.uniform(*self.spread)
        return total


@dataclass(frozen=True)
class Choice:
    """A value, or options drawn with equal or given odds."""

    values: tuple[float, ...]
    odds: tuple[float, ...] | None = None

    def index(self, draws: Draws) -> int:
        return 0 if len(self.values) == 1 else draws.index(len(self.values), self.odds)

    def draw(self, draws: Draws) -> float:
        return self.values[self.index(draws)]


@dataclass(frozen=True)
class MinQuantity:
    """The smallest lot of a stream: a choice, or the quantity over ``divisor`` from ``from_quantity`` on."""

    choice: Choice | None = None
    divisor: float | None = None
    from_quantity: float = 0.0

    def draw(self, quantity: float, step: float, draws: Draws) -> float | None:
        if self.choice is not None:
            return self.choice.draw(draws)
        assert self.divisor is not None
        if quantity < self.from_quantity:
            return None
        return round_to(quantity / self.divisor, step) or None


@dataclass(frozen=True)
class StreamSpec:
    """One row of archetype_streams.csv: a stream that firms of one archetype may have."""

    stream: str
    direction: str
    resource: str
    share: float | None
    quantity: Amount
    step: float
    price: Choice
    co2: Choice | None
    small_lot: float | None
    small_lot_price: float | None
    temperature: Choice | None
    profile: str | None
    min_quantity: MinQuantity | None


@dataclass(frozen=True)
class StreamGroup:
    """A stream of an archetype: drawn from ``min_fte`` FTE on with odds ``chance``, as one of its alternatives."""

    min_fte: int
    chance: float | None
    alternatives: tuple[StreamSpec, ...]

    @property
    def odds(self) -> tuple[float, ...] | None:
        if len(self.alternatives) == 1:
            return None
        return tuple(float(a.share or 0.0) for a in self.alternatives)


@dataclass(frozen=True)
class Archetype:
    """A kind of firm: its sector, how common it is, its size distribution and its streams."""

    key: str
    sector: str
    label: str
    per_300: float  # firms per 300 (haasrode.md §2)
    fte_mean: float
    fte_sigma: float  # of the log-normal
    fte_max: int
    students: tuple[float, float] | None  # mean and sigma of the log-normal
    cardboard_t: Amount | None
    waste_t: Amount
    meals: bool  # buys staff meals (no canteen of its own)
    canteen_food_waste: bool  # has a staff canteen from 100 FTE on
    parking_min_fte: int
    parking_need: Amount  # cars at the peak
    parking_shape: str  # of NEED_SHAPES
    parking_lot: float | None  # own lot / peak need; None: drawn from LOT_RATIOS
    heat_mwh: Amount | None
    heat_c: Choice | None
    heat_profile: str | None
    gas_heated: float  # odds that the heat demand is met with gas today
    heat_min_mwh: float | None
    office_space: frozenset[str]
    office_rent: Choice | None
    hall_space: frozenset[str]
    hall_rent: Choice | None
    streams: tuple[StreamGroup, ...] = field(default=(), repr=False)


class _Cells:
    """The cells of one row, parsed with errors that name the table, row and column."""

    def __init__(self, table: str, row: int, record: dict[str, str]) -> None:
        self.table, self.row, self.record = table, row, record

    def error(self, column: str, message: str) -> ValueError:
        return ValueError(f"symbiosis/generate/{self.table}: row {self.row}, column '{column}': {message}")

    def text(self, column: str) -> str:
        return self.record[column].strip()

    def number(self, column: str) -> float:
        try:
            return float(NAMED[self.text(column)]) if self.text(column) in NAMED else float(self.text(column))
        except ValueError:
            raise self.error(column, f"{self.text(column)!r} is not a number") from None

    def optional_number(self, column: str) -> float | None:
        return self.number(column) if self.text(column) else None

    def integer(self, column: str, default: int = 0) -> int:
        value = self.optional_number(column)
        if value is None:
            return default
        if value != int(value):
            raise self.error(column, f"{self.text(column)!r} is not a whole number")
        return int(value)

    def flag(self, column: str) -> bool:
        if self.text(column) not in ("true", "false"):
            raise self.error(column, f"{self.text(column)!r} is neither true nor false")
        return self.text(column) == "true"

    def one_of(self, column: str, allowed: Collection[str]) -> str:
        value = self.text(column)
        if value not in allowed:
            raise self.error(column, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return value

    def amount(self, column: str) -> Amount | None:
        text = self.text(column)
        if not text:
            return None
        head, spread = text, None
        m = re.fullmatch(rf"(?:(.+?)\s+x\s+)?U\(({_NUMBER})\.\.({_NUMBER})\)", text)
        if m:
            head, spread = m.group(1) or "", (float(m.group(2)), float(m.group(3)))
        terms: list[tuple[float, str]] = []
        for part in head.split("+") if head else []:
            t = re.fullmatch(rf"\s*({_NUMBER})?\s*(fte|student)?\s*", part)
            if t is None or not (t.group(1) or t.group(2)):
                raise self.error(column, f"{text!r} is not an amount (e.g. '0.3 fte x U(0.8..1.2)')")
            terms.append((float(t.group(1) or 1.0), t.group(2) or ""))
        return Amount(tuple(terms), spread)

    def choice(self, column: str) -> Choice | None:
        text = self.text(column)
        if not text:
            return None
        values, odds = [], []
        for option in text.split("|"):
            value, _, p = option.partition(":")
            try:
                values.append(float(NAMED[value.strip()]) if value.strip() in NAMED else float(value))
                if p:
                    odds.append(float(p))
            except ValueError:
                raise self.error(column, f"{text!r} is not a number, a name or options 'a|b' or 'a:p|b:q'") from None
        if odds and len(odds) != len(values):
            raise self.error(column, f"{text!r}: give the odds of every option or of none")
        return Choice(tuple(values), tuple(odds) if odds else None)


def _rows(name: str, columns: Sequence[str]) -> list[_Cells]:
    text = resources.files("symbiosis.generate").joinpath(name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != tuple(columns):
        raise ValueError(f"symbiosis/generate/{name}: the columns are {reader.fieldnames}, expected {list(columns)}")
    return [_Cells(name, i, record) for i, record in enumerate(reader, start=2)]


def _stream_spec(c: _Cells) -> StreamSpec:
    quantity = c.amount("quantity")
    price = c.choice("price_eur_per_unit")
    if quantity is None or price is None:
        raise c.error("quantity" if quantity is None else "price_eur_per_unit", "is required")
    co2 = c.choice("co2_kg_per_unit")
    if co2 is not None and len(co2.values) > 1 and len(co2.values) != len(price.values):
        raise c.error("co2_kg_per_unit", "options must go with those of the price (as many)")
    profile = c.text("profile") or None
    if profile is not None and profile not in HEAT_SHAPES:
        raise c.error("profile", f"{profile!r} is not one of {', '.join(HEAT_SHAPES)}")
    min_q = c.text("min_quantity")
    m = re.fullmatch(rf"quantity\s*/\s*({_NUMBER})(?:\s+from\s+({_NUMBER}))?", min_q)
    if m:
        min_quantity: MinQuantity | None = MinQuantity(divisor=float(m.group(1)), from_quantity=float(m.group(2) or 0))
    else:
        choice = c.choice("min_quantity")
        min_quantity = MinQuantity(choice=choice) if choice is not None else None
    small_lot, small_price = c.optional_number("small_lot"), c.optional_number("small_lot_price")
    if (small_lot is None) != (small_price is None):
        raise c.error("small_lot", "give both small_lot and small_lot_price, or neither")
    return StreamSpec(
        stream=c.text("stream"),
        direction=c.one_of("direction", ("supply", "demand")),
        resource=c.one_of("resource", [r["id"] for r in RESOURCES]),
        share=c.optional_number("share"),
        quantity=quantity,
        step=c.number("step"),
        price=price,
        co2=co2,
        small_lot=small_lot,
        small_lot_price=small_price,
        temperature=c.choice("temperature_c"),
        profile=profile,
        min_quantity=min_quantity,
    )


def _stream_groups(keys: set[str]) -> dict[str, tuple[StreamGroup, ...]]:
    """The rows of archetype_streams.csv by archetype, alternatives of one stream grouped."""
    groups: dict[str, list[StreamGroup]] = {}
    last: tuple[str, str] | None = None
    for c in _rows(STREAMS_FILE, STREAM_COLUMNS):
        key = c.one_of("archetype", sorted(keys))
        spec = _stream_spec(c)
        gate = (c.integer("min_fte"), c.optional_number("chance"))
        own = groups.setdefault(key, [])
        if last == (key, spec.stream):
            group = own[-1]
            if (group.min_fte, group.chance) != gate:
                raise c.error("chance", "alternatives of one stream must have the same min_fte and chance")
            own[-1] = StreamGroup(group.min_fte, group.chance, group.alternatives + (spec,))
        elif any(g.alternatives[0].stream == spec.stream for g in own):
            raise c.error("stream", f"{spec.stream!r} appears twice for {key}; alternatives go on consecutive rows")
        else:
            own.append(StreamGroup(gate[0], gate[1], (spec,)))
        last = (key, spec.stream)
    for key, own in groups.items():
        for g in own:
            odds = g.odds
            if odds is not None and (any(a.share is None for a in g.alternatives) or abs(sum(odds) - 1) > 1e-9):
                raise ValueError(f"symbiosis/generate/{STREAMS_FILE}: the shares of {key}'s {g.alternatives[0].stream!r} must add up to 1")
    return {k: tuple(v) for k, v in groups.items()}


def _archetype(c: _Cells) -> Archetype:
    heat = c.amount("heat_mwh")
    heat_c, heat_profile = c.choice("heat_c"), c.text("heat_profile") or None
    if heat is not None and (heat_c is None or heat_profile is None):
        raise c.error("heat_c" if heat_c is None else "heat_profile", "a firm with space heat needs its temperature and profile")
    if heat_profile is not None:
        c.one_of("heat_profile", HEAT_SHAPES)
    waste, need = c.amount("waste_t"), c.amount("parking_need")
    if waste is None or need is None:
        raise c.error("waste_t" if waste is None else "parking_need", "is required")
    students = (c.number("students_mean"), c.number("students_sigma")) if c.text("students_mean") else None
    office, hall = c.one_of("office_space", SPACE_OFFERS), c.one_of("hall_space", SPACE_OFFERS)
    office_rent, hall_rent = c.choice("office_rent"), c.choice("hall_rent")
    for column, offers, rent in (("office_rent", office, office_rent), ("hall_rent", hall, hall_rent)):
        if "need" in SPACE_OFFERS[offers] and rent is None:
            raise c.error(column, "a firm that may need space needs its rent")
    return Archetype(
        key=c.text("key"),
        sector=c.one_of("sector", SECTOR_SHARES),
        label=c.text("label"),
        per_300=c.number("per_300"),
        fte_mean=c.number("fte_mean"),
        fte_sigma=c.number("fte_sigma"),
        fte_max=c.integer("fte_max"),
        students=students,
        cardboard_t=c.amount("cardboard_t"),
        waste_t=waste,
        meals=c.flag("meals"),
        canteen_food_waste=c.flag("canteen_food_waste"),
        parking_min_fte=c.integer("parking_min_fte"),
        parking_need=need,
        parking_shape=c.one_of("parking_shape", NEED_SHAPES),
        parking_lot=c.optional_number("parking_lot"),
        heat_mwh=heat,
        heat_c=heat_c,
        heat_profile=heat_profile,
        gas_heated=c.number("gas_heated"),
        heat_min_mwh=c.optional_number("heat_min_mwh"),
        office_space=SPACE_OFFERS[office],
        office_rent=office_rent,
        hall_space=SPACE_OFFERS[hall],
        hall_rent=hall_rent,
    )


def load_archetypes() -> tuple[Archetype, ...]:
    """Read both tables of the package; ``ValueError`` names the table, row and column of a bad cell."""
    found = [_archetype(c) for c in _rows(ARCHETYPES_FILE, ARCHETYPE_COLUMNS)]
    keys = [a.key for a in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"symbiosis/generate/{ARCHETYPES_FILE}: an archetype key appears twice")
    groups = _stream_groups(set(keys))
    return tuple(replace(a, streams=groups.get(a.key, ())) for a in found)


ARCHETYPES: tuple[Archetype, ...] = load_archetypes()
ARCHETYPE_BY_KEY = {a.key: a for a in ARCHETYPES}
