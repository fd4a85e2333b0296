"""Readers for published benchmark instances, and their conversion to symbiosis scenario folders.

Two classic problems that the symbiosis model contains (see ``MAPPING.md`` beside this file):

- the fixed-charge transportation problem (FCTP), Gottlieb's library as MPS files: every
  supply-demand arc becomes an *exchange* candidate, its unit and fixed cost a ``links.csv`` row;
- the single-source capacitated facility location problem (SSCFLP), Holmberg, Ronnqvist and
  Yuan (1999), plain text: every facility becomes a *pool* (one size option), every customer a
  demand stream, every assignment cost a facility-to-company ``links.csv`` row.

Demands in symbiosis need not be served, so every demand gets a buyer's price ``M``
(:func:`buyer_price`) high enough that the max-savings optimum serves every demand; then the
published minimum cost is ``M * total demand - net savings`` (:func:`published_cost`).

Pure standard library. ``symbiosis bench --suite external`` (``symbiosis.bench.external``) uses it;
``benchmarks/external/readers.py`` re-exports it for the scripts there.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "PUBLISHED",
    "FctpArc",
    "FctpInstance",
    "SscflpInstance",
    "buyer_price",
    "fctp_to_scenario",
    "granularity",
    "instance_name",
    "price_bound",
    "published_cost",
    "read_fctp_mps",
    "read_instance",
    "read_sscflp",
    "sscflp_greedy_cost",
    "sscflp_to_scenario",
    "total_demand",
    "write_scenario",
    "write_sscflp_mps",
]

# Published optimal values (minimum total cost), keyed by file stem. None: not proven.
PUBLISHED: Final[dict[str, float | None]] = {
    "fctp-bk4x3": 350.0,
    "fctp-gr4x6": 202.35,
    "fctp-bal8x12": 471.55,
    "fctp-ran10x10a": 1499.0,
    "fctp-ran4x64": 9711.0,
    "fctp-ran17x17": 1373.0,
    "fctp-n3700": None,  # plain HiGHS 1,330,803 with bound 1,047,454 after 120 s (README)
    "p1": 8848.0,
    "p2": 7913.0,
    "p3": 9314.0,
    "p20": 10486.0,
    "p40": 13024.0,
    "p60": 20534.0,
}

SOURCES: Final[dict[str, str]] = {
    "fctp": "J. Gottlieb's FCTP library (1998), MPS files mirrored in the public PCx repository",
    "sscflp": "K. Holmberg, M. Ronnqvist, D. Yuan (1999), EJOR 113: 544-559, instances p1-p71",
}

# Where the converted companies sit: a small grid (about 35 m apart) near Leuven, away from 0,0.
_LAT0: Final = 50.0
_LON0: Final = 4.0
_STEP_DEG: Final = 0.0005
_MAX_DISTANCE_KM: Final = 1000.0  # far beyond the grid's extent, so every pair is within reach
_RESOURCE: Final = "good"

MembershipCost = Literal["per_unit", "fixed"]


# --------------------------------------------------------------------------- instances


@dataclass(frozen=True)
class FctpArc:
    """One MPS flow column ``X`` and its binary ``Y``: ``X - bound * Y <= 0``."""

    flow: str  # MPS column name of the flow, e.g. "X7"
    binary: str  # MPS column name of its binary, e.g. "Y7"
    supply: int  # index into FctpInstance.supplies
    demand: int  # index into FctpInstance.demands
    unit_cost: float  # COST coefficient of the flow
    fixed_cost: float  # COST coefficient of the binary
    bound: float  # u in X <= u * Y


@dataclass(frozen=True)
class FctpInstance:
    """A fixed-charge transportation problem: min sum c x + f y, supplies and demands as equalities."""

    name: str
    supply_ids: tuple[str, ...]  # MPS row names A*
    supplies: tuple[float, ...]
    demand_ids: tuple[str, ...]  # MPS row names B*
    demands: tuple[float, ...]
    arcs: tuple[FctpArc, ...]  # in MPS column order

    @property
    def dense(self) -> bool:
        """True when every supply-demand pair has an arc."""
        return len({(a.supply, a.demand) for a in self.arcs}) == len(self.supplies) * len(self.demands)

    def missing_pairs(self) -> list[tuple[int, int]]:
        """Supply-demand pairs without an arc, which the scenario must forbid (row-major order)."""
        have = {(a.supply, a.demand) for a in self.arcs}
        return [(i, j) for i in range(len(self.supplies)) for j in range(len(self.demands)) if (i, j) not in have]


@dataclass(frozen=True)
class SscflpInstance:
    """A single-source capacitated facility location problem.

    ``costs[j][i]`` is the cost of serving customer j wholly from facility i (the file's layout:
    one row of m costs per customer).
    """

    name: str
    capacities: tuple[float, ...]  # m
    fixed_costs: tuple[float, ...]  # m
    demands: tuple[float, ...]  # n
    costs: tuple[tuple[float, ...], ...]  # n rows of m


Instance = FctpInstance | SscflpInstance


def instance_name(path: str | Path) -> str:
    """The key of an instance file in :data:`PUBLISHED`: its stem (``fctp-bk4x3``, ``p1``)."""
    p = Path(path)
    return p.stem if p.suffix.lower() == ".mps" else p.name


# --------------------------------------------------------------------------- MPS


@dataclass
class _Mps:
    rows: dict[str, str]  # name -> N/E/L/G, in file order
    columns: dict[str, dict[str, float]]  # column -> row -> coefficient, in file order
    integer: set[str]
    rhs: dict[str, float]
    bounds: dict[str, list[tuple[str, float | None]]]


def _parse_mps(path: Path) -> _Mps:
    """Free-format MPS (names without blanks), the sections that Gottlieb's files use."""
    mps = _Mps(rows={}, columns={}, integer=set(), rhs={}, bounds={})
    section = ""
    in_integer = False
    with path.open(encoding="ascii") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("*"):
                continue
            tok = line.split()
            if not line[0].isspace():
                section = tok[0].upper()
                if section in ("RANGES", "OBJSENSE", "SOS"):
                    raise ValueError(f"{path}:{lineno}: section {section} is not supported")
                if section not in ("NAME", "ROWS", "COLUMNS", "RHS", "BOUNDS", "ENDATA"):
                    raise ValueError(f"{path}:{lineno}: unknown section {tok[0]!r}")
                continue
            where = f"{path}:{lineno}"
            if section == "ROWS":
                kind, name = tok[0].upper(), tok[1]
                if kind not in ("N", "E", "L", "G") or name in mps.rows:
                    raise ValueError(f"{where}: bad row {line.strip()!r}")
                mps.rows[name] = kind
            elif section == "COLUMNS":
                if len(tok) >= 3 and tok[1] == "'MARKER'":
                    in_integer = tok[2] == "'INTORG'"
                    continue
                col = tok[0]
                entries = mps.columns.setdefault(col, {})
                if in_integer:
                    mps.integer.add(col)
                pairs = tok[1:]
                if len(pairs) % 2:
                    raise ValueError(f"{where}: odd number of fields")
                for r, v in zip(pairs[0::2], pairs[1::2]):
                    if r not in mps.rows or r in entries:
                        raise ValueError(f"{where}: unknown or repeated row {r!r}")
                    entries[r] = float(v)
            elif section == "RHS":
                pairs = tok[1:] if len(tok) % 2 else tok
                for r, v in zip(pairs[0::2], pairs[1::2]):
                    if r not in mps.rows:
                        raise ValueError(f"{where}: unknown row {r!r}")
                    mps.rhs[r] = float(v)
            elif section == "BOUNDS":
                kind = tok[0].upper()
                needs_value = kind not in ("BV", "FR", "MI", "PL")
                rest = tok[1:]
                if len(rest) == (3 if needs_value else 2):
                    rest = rest[1:]  # drop the bound set name
                col = rest[0]
                if col not in mps.columns:
                    raise ValueError(f"{where}: unknown column {col!r}")
                mps.bounds.setdefault(col, []).append((kind, float(rest[1]) if needs_value else None))
    return mps


def _is_binary(mps: _Mps, col: str) -> bool:
    marks = mps.bounds.get(col, [])
    if marks == [("BV", None)]:
        return True
    lo = 0.0
    up: float | None = None
    for kind, v in marks:
        if kind == "UP":
            up = v
        elif kind == "LO" and v is not None:
            lo = v
        else:
            return False
    return col in mps.integer and lo == 0.0 and up == 1.0


def read_fctp_mps(path: str | Path) -> FctpInstance:
    """Read one of Gottlieb's FCTP MPS files, checking that it has exactly the FCTP structure.

    Rows ``A*`` (E, rhs = supply), ``B*`` (E, rhs = demand), ``G*`` (L, rhs 0) linking one flow
    (coefficient > 0, normalised to 1) to one binary (coefficient -u); the N row holds unit costs
    on the flows and fixed costs on the binaries. Anything else raises ``ValueError``.
    """
    path = Path(path)
    mps = _parse_mps(path)
    objective = [r for r, k in mps.rows.items() if k == "N"]
    if len(objective) != 1:
        raise ValueError(f"{path}: expected one objective row, found {objective}")
    obj = objective[0]
    if mps.rhs.get(obj, 0.0) != 0.0:
        raise ValueError(f"{path}: an objective constant is not supported")
    supply_ids = tuple(r for r in mps.rows if r.startswith("A"))
    demand_ids = tuple(r for r in mps.rows if r.startswith("B"))
    links = {r for r in mps.rows if r.startswith("G")}
    if len(supply_ids) + len(demand_ids) + len(links) + 1 != len(mps.rows):
        raise ValueError(f"{path}: rows other than the objective, A*, B* and G*")
    for r in supply_ids + demand_ids:
        if mps.rows[r] != "E":
            raise ValueError(f"{path}: row {r} must be an equality")
    for r in links:
        if mps.rows[r] != "L" or mps.rhs.get(r, 0.0) != 0.0:
            raise ValueError(f"{path}: row {r} must be '<= 0'")
    s_index = {r: i for i, r in enumerate(supply_ids)}
    d_index = {r: j for j, r in enumerate(demand_ids)}

    flow_of: dict[str, tuple[str, float]] = {}  # G row -> (flow column, its coefficient)
    binary_of: dict[str, tuple[str, float]] = {}  # G row -> (binary column, -coefficient)
    for col, entries in mps.columns.items():
        g = [r for r in entries if r in links]
        if len(g) != 1:
            raise ValueError(f"{path}: column {col} must sit in exactly one G row, found {g}")
        coef = entries[g[0]]
        other = set(entries) - {obj, g[0]}
        if coef > 0:  # a flow: one A row and one B row, coefficient 1, continuous, bounds [0, inf)
            a = [r for r in other if r in s_index]
            b = [r for r in other if r in d_index]
            if len(a) != 1 or len(b) != 1 or len(other) != 2 or entries[a[0]] != 1.0 or entries[b[0]] != 1.0:
                raise ValueError(f"{path}: flow {col} must have coefficient 1 in one A row and one B row")
            if col in mps.integer or col in mps.bounds:
                raise ValueError(f"{path}: flow {col} must be continuous with bounds [0, inf)")
            if g[0] in flow_of:
                raise ValueError(f"{path}: row {g[0]} links two flows")
            flow_of[g[0]] = (col, coef)
        elif coef < 0:  # a binary
            if other or not _is_binary(mps, col):
                raise ValueError(f"{path}: {col} must be a binary in one G row and the objective only")
            if g[0] in binary_of:
                raise ValueError(f"{path}: row {g[0]} links two binaries")
            binary_of[g[0]] = (col, -coef)
        else:
            raise ValueError(f"{path}: zero coefficient of {col} in {g[0]}")
    if set(flow_of) != links or set(binary_of) != links:
        raise ValueError(f"{path}: every G row must link one flow and one binary")

    arcs: list[FctpArc] = []
    seen: set[tuple[int, int]] = set()
    position = {col: k for k, col in enumerate(mps.columns)}
    for g_row in sorted(links, key=lambda r: position[flow_of[r][0]]):
        x, a_x = flow_of[g_row]
        y, b_y = binary_of[g_row]
        ex = mps.columns[x]
        i = next(s_index[r] for r in ex if r in s_index)
        j = next(d_index[r] for r in ex if r in d_index)
        if (i, j) in seen:
            raise ValueError(f"{path}: two arcs from {supply_ids[i]} to {demand_ids[j]}")
        seen.add((i, j))
        arcs.append(
            FctpArc(
                flow=x,
                binary=y,
                supply=i,
                demand=j,
                unit_cost=ex.get(obj, 0.0),
                fixed_cost=mps.columns[y].get(obj, 0.0),
                bound=b_y / a_x,
            )
        )
    return FctpInstance(
        name=instance_name(path),
        supply_ids=supply_ids,
        supplies=tuple(mps.rhs.get(r, 0.0) for r in supply_ids),
        demand_ids=demand_ids,
        demands=tuple(mps.rhs.get(r, 0.0) for r in demand_ids),
        arcs=tuple(arcs),
    )


# --------------------------------------------------------------------------- SSCFLP text


def read_sscflp(path: str | Path) -> SscflpInstance:
    """Read a Holmberg-Ronnqvist-Yuan file as a token stream.

    ``m n``; m capacities; m fixed costs; n demands; then n x m costs, customer-major (customer j's
    m costs of being served wholly from each facility). Line breaks carry no meaning.
    """
    path = Path(path)
    tokens = path.read_text(encoding="ascii").split()
    if len(tokens) < 2:
        raise ValueError(f"{path}: empty file")
    m, n = int(tokens[0]), int(tokens[1])
    expected = 2 + 2 * m + n + n * m
    if len(tokens) != expected:
        raise ValueError(f"{path}: {len(tokens)} numbers, expected {expected} for m={m}, n={n}")
    vals = [float(t) for t in tokens[2:]]
    caps, fixed, dem = vals[:m], vals[m : 2 * m], vals[2 * m : 2 * m + n]
    flat = vals[2 * m + n :]
    costs = tuple(tuple(flat[j * m : (j + 1) * m]) for j in range(n))
    return SscflpInstance(
        name=instance_name(path),
        capacities=tuple(caps),
        fixed_costs=tuple(fixed),
        demands=tuple(dem),
        costs=costs,
    )


# --------------------------------------------------------------------------- the buyer's price M


def total_demand(inst: Instance) -> float:
    """Sum of all demands: the quantity that the buyer's price M multiplies."""
    return math.fsum(inst.demands)


def granularity(values: Iterable[float]) -> Fraction:
    """The largest g such that every value is an integer multiple of g (values read as decimals)."""
    g = Fraction(0)
    for v in values:
        f = Fraction(repr(float(v)))
        g = Fraction(math.gcd(g.numerator * f.denominator, f.numerator * g.denominator), g.denominator * f.denominator)
    if g <= 0:
        raise ValueError("granularity of an empty or all-zero list")
    return g


def sscflp_greedy_cost(inst: SscflpInstance) -> float | None:
    """Cost of a feasible single-source assignment found greedily, or None if it finds none.

    Customers by decreasing demand take their cheapest facility with room left; only the
    facilities used pay their fixed cost. Deterministic; used only to bound M.
    """
    room = list(inst.capacities)
    used = [False] * len(room)
    total = 0.0
    order = sorted(range(len(inst.demands)), key=lambda j: (-inst.demands[j], j))
    for j in order:
        options = [i for i in range(len(room)) if room[i] >= inst.demands[j]]
        if not options:
            return None
        i = min(options, key=lambda k: (inst.costs[j][k], k))
        room[i] -= inst.demands[j]
        used[i] = True
        total += inst.costs[j][i]
    return total + math.fsum(f for f, u in zip(inst.fixed_costs, used) if u)


def price_bound(inst: Instance) -> float:
    """The value that the buyer's price M must exceed (strictly) so that the optimum serves all demand.

    FCTP, dense (every pair is an arc): max over arcs of c + f / g, g = :func:`granularity` of the
    supplies and demands. Sparse: min(min(m, n) * that, UB / g), UB = sum over arcs of
    c * min(s, d) + f. SSCFLP: UB / smallest demand, UB = cost of a feasible assignment
    (:func:`sscflp_greedy_cost`, else all facilities open and every customer at its dearest one).
    MAPPING.md gives the arguments; every cost must be >= 0.
    """
    if isinstance(inst, FctpInstance):
        if any(a.unit_cost < 0 or a.fixed_cost < 0 for a in inst.arcs):
            raise ValueError(f"{inst.name}: negative costs break the argument for M")
        if math.fsum(inst.supplies) < total_demand(inst):
            raise ValueError(f"{inst.name}: total supply is below total demand; no plan serves every demand")
        g = float(granularity(inst.supplies + inst.demands))
        local = max(a.unit_cost + a.fixed_cost / g for a in inst.arcs)
        if inst.dense:
            return local
        ub = math.fsum(a.unit_cost * min(inst.supplies[a.supply], inst.demands[a.demand]) + a.fixed_cost for a in inst.arcs)
        return min(min(len(inst.supplies), len(inst.demands)) * local, ub / g)
    if any(f < 0 for f in inst.fixed_costs) or any(c < 0 for row in inst.costs for c in row):
        raise ValueError(f"{inst.name}: negative costs break the argument for M")
    greedy = sscflp_greedy_cost(inst)
    ub = greedy if greedy is not None else math.fsum(inst.fixed_costs) + math.fsum(max(r) for r in inst.costs)
    return ub / min(inst.demands)


def _nice_above(x: float) -> float:
    """The smallest number >= x + 1 with at most two significant digits (9, 64, 1300, ...)."""
    y = x + 1.0
    step = 10.0 ** max(math.floor(math.log10(y)) - 1, 0)
    return float(math.ceil(y / step - 1e-12) * step)


def buyer_price(inst: Instance) -> float:
    """The buyer's price M per unit of every demand: a round number above :func:`price_bound`."""
    return _nice_above(price_bound(inst))


def published_cost(instance: Instance, net_savings: float) -> float:
    """The instance's minimum cost recovered from symbiosis net savings: M * total demand - net savings."""
    return buyer_price(instance) * total_demand(instance) - net_savings


# --------------------------------------------------------------------------- writing


def _num(x: float) -> str:
    """A number as text with nothing lost: integers without '.0', else repr (shortest round trip)."""
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x}")
    if x == int(x) and abs(x) < 2**53:
        return str(int(x))
    return repr(float(x))


def _coord(k: int, row: int) -> tuple[str, str]:
    return _num(round(_LAT0 + row * _STEP_DEG, 6)), _num(round(_LON0 + k * _STEP_DEG, 6))


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_yaml(folder: Path, name: str, description: str, provenance: str, tables: dict[str, str]) -> None:
    lines = [
        "format: 1",
        f"name: {_yaml_str(name)}",
        f"description: {_yaml_str(description)}",
        f"provenance: {_yaml_str(provenance)}",
        "tables:",
        *(f"  {k}: {v}" for k, v in tables.items()),
        "settings:",
        "  annualisation: {rate: 0.05, years: 15}",
        "  link_fixed_cost_eur_per_year: 0",
        "  road_cost_eur_per_tkm: 0",
        "  road_co2_kg_per_tkm: 0",
        "  detour_factor: 1",
        f"  max_distance_km: {_num(_MAX_DISTANCE_KM)}",
        "  carbon_price_eur_per_t: 0",
        "  solver: {time_limit_s: 120, mip_rel_gap: 0, threads: 1, seed: 0}",
        "",
    ]
    (folder / "scenario.yaml").write_text("\n".join(lines), encoding="utf-8")


_COMPANY_HEADER: Final = ("id", "name", "sector", "lat", "lon")
_RESOURCE_HEADER: Final = (
    "id",
    "family",
    "unit",
    "pricing",
    "transport",
    "kg_per_unit",
    "pipe_capex_eur_per_m",
    "max_distance_km",
)
_STREAM_HEADER: Final = (
    "id", "company", "direction", "resource", "quantity", "price_eur_per_unit",
    "co2_kg_per_unit", "temperature_c", "profile", "min_quantity",
)  # fmt: skip
_FACILITY_HEADER: Final = (
    "id", "name", "resource", "lat", "lon", "capacity", "capex_eur", "opex_eur_per_year", "cost_eur_per_unit", "max_distance_km",
)  # fmt: skip
_LINK_HEADER: Final = (
    "source",
    "target",
    "resource",
    "distance_km",
    "cost_eur_per_unit",
    "co2_kg_per_unit",
    "fixed_cost_eur_per_year",
)


def _resource_row(rid: str = _RESOURCE) -> tuple[str, ...]:
    return (rid, "material", "unit", "volume", "none", "", "", "")


def fctp_to_scenario(inst: FctpInstance, folder: str | Path, name: str | None = None) -> Path:
    """Write ``inst`` as a scenario folder (created if needed) and return its path.

    One company per MPS supply row (``A*``) with one supply stream (price 0), one per demand row
    (``B*``) with one demand stream (price M); one ``links.csv`` row per arc with its unit cost
    and yearly fixed cost; a ``forbid`` rule for every supply-demand pair without an arc.
    """
    if any(a.bound < min(inst.supplies[a.supply], inst.demands[a.demand]) for a in inst.arcs):
        raise ValueError(f"{inst.name}: an arc bound u below min(supply, demand) has no scenario equivalent")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    m_price = buyer_price(inst)
    s_stream = [f"{r}_supply" for r in inst.supply_ids]
    d_stream = [f"{r}_demand" for r in inst.demand_ids]
    companies = [(r, f"supplier {r}", "fctp supply", *_coord(i, 0)) for i, r in enumerate(inst.supply_ids)]
    companies += [(r, f"customer {r}", "fctp demand", *_coord(j, 1)) for j, r in enumerate(inst.demand_ids)]
    _write_csv(out / "companies.csv", _COMPANY_HEADER, companies)
    _write_csv(out / "resources.csv", _RESOURCE_HEADER, [_resource_row()])
    streams = [
        (s_stream[i], r, "supply", _RESOURCE, _num(q), "0", "", "", "", "")
        for i, (r, q) in enumerate(zip(inst.supply_ids, inst.supplies))
    ]
    streams += [
        (d_stream[j], r, "demand", _RESOURCE, _num(q), _num(m_price), "", "", "", "")
        for j, (r, q) in enumerate(zip(inst.demand_ids, inst.demands))
    ]
    _write_csv(out / "streams.csv", _STREAM_HEADER, streams)
    links = [(s_stream[a.supply], d_stream[a.demand], "", "", _num(a.unit_cost), "", _num(a.fixed_cost)) for a in inst.arcs]
    _write_csv(out / "links.csv", _LINK_HEADER, links)
    tables = {"companies": "companies.csv", "resources": "resources.csv", "streams": "streams.csv", "links": "links.csv"}
    missing = inst.missing_pairs()
    if missing:
        _write_csv(out / "rules.csv", ("rule", "source", "target"), [("forbid", s_stream[i], d_stream[j]) for i, j in missing])
        tables["rules"] = "rules.csv"
    else:
        (out / "rules.csv").unlink(missing_ok=True)
    t = total_demand(inst)
    desc = (
        f"FCTP {inst.name}: {len(inst.supplies)} supplies x {len(inst.demands)} demands, {len(inst.arcs)} arcs, "
        f"{len(missing)} forbidden pairs. Buyer price M = {_num(m_price)} per unit, total demand {_num(t)}: "
        f"minimum cost = {_num(m_price)} * {_num(t)} - net_savings_eur_per_year"
    )
    _write_yaml(out, name or f"FCTP {inst.name.removeprefix('fctp-')}", desc, SOURCES["fctp"], tables)
    return out


def sscflp_to_scenario(
    inst: SscflpInstance,
    folder: str | Path,
    name: str | None = None,
    *,
    membership_cost: MembershipCost = "per_unit",
    dummy_supply: bool = False,
) -> Path:
    """Write ``inst`` as a scenario folder (created if needed) and return its path.

    One company per customer with one demand stream (quantity = demand, price M); one facility
    per facility with one size option (capacity, capex 0, opex = fixed cost, cost per unit 0);
    one ``links.csv`` row per facility-customer pair carrying c_ij: as ``cost_eur_per_unit`` =
    c_ij / d_j (``membership_cost="per_unit"``) or as ``fixed_cost_eur_per_year`` = c_ij
    (``"fixed"``, exact in floating point). ``dummy_supply`` adds one supply of another resource
    that no demand can take, for an engine that refuses a scenario without supplies.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    m_price = buyer_price(inst)
    n = len(inst.demands)
    cust = [f"c{j}" for j in range(n)]
    fac = [f"f{i}" for i in range(len(inst.capacities))]
    companies = [(c, f"customer {c}", "sscflp customer", *_coord(j, 1)) for j, c in enumerate(cust)]
    resources = [_resource_row()]
    streams = [
        (f"{c}_demand", c, "demand", _RESOURCE, _num(q), _num(m_price), "", "", "", "") for c, q in zip(cust, inst.demands)
    ]
    if dummy_supply:
        companies.append(("dummy", "dummy supplier (no demand can take its supply)", "none", *_coord(0, 2)))
        resources.append(_resource_row("dummy_resource"))
        streams.append(("dummy_supply", "dummy", "supply", "dummy_resource", "1", "0", "", "", "", ""))
    _write_csv(out / "companies.csv", _COMPANY_HEADER, companies)
    _write_csv(out / "resources.csv", _RESOURCE_HEADER, resources)
    _write_csv(out / "streams.csv", _STREAM_HEADER, streams)
    facilities = [
        (f, f"facility {f}", _RESOURCE, *_coord(i, -1), _num(cap), "0", _num(fc), "0", _num(_MAX_DISTANCE_KM))
        for i, (f, cap, fc) in enumerate(zip(fac, inst.capacities, inst.fixed_costs))
    ]
    _write_csv(out / "facilities.csv", _FACILITY_HEADER, facilities)
    links: list[tuple[str, ...]] = []
    for i, f in enumerate(fac):
        for j, c in enumerate(cust):
            cij = inst.costs[j][i]
            if membership_cost == "per_unit":
                links.append((f, c, "", "", _num(cij / inst.demands[j]), "", ""))
            else:
                links.append((f, c, "", "", "0", "", _num(cij)))
    _write_csv(out / "links.csv", _LINK_HEADER, links)
    (out / "rules.csv").unlink(missing_ok=True)
    tables = {
        "companies": "companies.csv",
        "resources": "resources.csv",
        "streams": "streams.csv",
        "facilities": "facilities.csv",
        "links": "links.csv",
    }
    t = total_demand(inst)
    desc = (
        f"SSCFLP {inst.name}: {len(fac)} facilities x {n} customers. Buyer price M = {_num(m_price)} per unit, "
        f"total demand {_num(t)}: minimum cost = {_num(m_price)} * {_num(t)} - net_savings_eur_per_year"
    )
    _write_yaml(out, name or f"SSCFLP {inst.name}", desc, SOURCES["sscflp"], tables)
    return out


def write_sscflp_mps(inst: SscflpInstance, path: str | Path) -> Path:
    """Write the textbook SSCFLP MILP as free MPS, for plain HiGHS (there is no published MPS).

    min sum_i F_i Z_i + sum_ij c_ij W_i_j, s.t. ASSIGN_j: sum_i W_i_j = 1, CAP_i: sum_j d_j W_i_j
    - s_i Z_i <= 0, all binary (no W <= Z rows: the weak formulation, as published).
    """
    m, n = len(inst.capacities), len(inst.demands)
    lines = [f"NAME {inst.name}", "ROWS", " N COST"]
    lines += [f" E ASSIGN_{j}" for j in range(n)]
    lines += [f" L CAP_{i}" for i in range(m)]
    lines += ["COLUMNS", " MARKER 'MARKER' 'INTORG'"]
    for i in range(m):
        for j in range(n):
            w = f"W_{i}_{j}"
            lines.append(f" {w} COST {_num(inst.costs[j][i])} ASSIGN_{j} 1")
            lines.append(f" {w} CAP_{i} {_num(inst.demands[j])}")
        lines.append(f" Z_{i} COST {_num(inst.fixed_costs[i])} CAP_{i} {_num(-inst.capacities[i])}")
    lines += [" MARKER 'MARKER' 'INTEND'", "RHS"]
    lines += [f" RHS ASSIGN_{j} 1" for j in range(n)]
    lines.append("BOUNDS")
    lines += [f" BV BND W_{i}_{j}" for i in range(m) for j in range(n)]
    lines += [f" BV BND Z_{i}" for i in range(m)]
    lines += ["ENDATA", ""]
    out = Path(path)
    out.write_text("\n".join(lines), encoding="ascii")
    return out


# --------------------------------------------------------------------------- script

# Where the instance files are by default: ../shared/benchmarks from the current folder.
BENCH_DIR: Final = Path("..") / "shared" / "benchmarks"


def read_instance(name: str, bench_dir: Path = BENCH_DIR) -> Instance:
    """An instance by its :data:`PUBLISHED` key (``fctp-bk4x3``, ``p1``)."""
    if name.startswith("fctp-"):
        return read_fctp_mps(bench_dir / "fctp" / f"{name}.mps")
    return read_sscflp(bench_dir / "sscflp" / name)


def write_scenario(inst: Instance, folder: str | Path) -> Path:
    """Either converter, by the instance's kind."""
    if isinstance(inst, FctpInstance):
        return fctp_to_scenario(inst, folder)
    return sscflp_to_scenario(inst, folder)
