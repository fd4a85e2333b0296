"""Baselines: matchmaking the way it is done today, for the benchmarks.

- ``greedy``: a facilitator working down a list, best value per unit first. Each
  arc takes what is left of its supply and demand, slot by slot, and is kept when
  it pays its fixed cost. Shared facilities come after, each taking the best members
  not yet served while the pool's surplus grows.
- ``type_only``: a platform of "haves" and "wants". Every compatible pair is
  proposed and realised in listing order, whatever it is worth: no optimisation.

Both return ``Decisions`` on the candidate arcs, so their results go through the
same ``build_result`` and the same checker as the optimiser's. ``greedy`` also gives
the optimiser its warm start.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from symbiosis import economics
from symbiosis.candidates import Candidates, Decisions
from symbiosis.schema import Settings

EPS = 1e-9


class _Ledger:
    """What is left of each supply and demand, per slot, as arcs are taken."""

    def __init__(self, c: Candidates):
        self.c = c
        self.sup = c.arcs["supply_stream"].to_numpy()
        self.dem = c.arcs["demand_stream"].to_numpy()
        self.rho = c.arcs["rho"].to_numpy(dtype=float)
        # Only the streams the arcs touch: a part's tables hold every stream of the scenario.
        supplies, demands = dict.fromkeys(self.sup.tolist()), dict.fromkeys(self.dem.tolist())
        self.supply = {k: c.supply_slots[k].copy() for k in supplies}
        self.demand = {k: c.demand_slots[k].copy() for k in demands}
        self.inflow = {k: np.zeros_like(c.demand_slots[k]) for k in demands}  # rho x into each demand
        self.d = Decisions([np.zeros(len(u)) for u in c.upper], np.zeros(len(c.arcs)), np.zeros(len(c.options)), np.zeros(len(c.memberships)))
        self.closed: set[str] = set()  # demands served by a pool
        # Streams with nothing left in any slot, and streams an arc has drawn on: both change only in ``take``.
        self.dry = {k for k, q in self.supply.items() if q.max() <= 0.0}, {k for k, q in self.demand.items() if q.max() <= 0.0}
        self.drawn: tuple[set[str], set[str]] = (set(), set())

    def exhausted(self, a: int) -> bool:
        """No slot has supply or demand left for arc a (then ``room`` is all zeros)."""
        return self.sup[a] in self.dry[0] or self.dem[a] in self.dry[1]

    def untouched(self, a: int) -> bool:
        """No arc taken so far draws on arc a's supply or demand: its room is still the first one."""
        return self.sup[a] not in self.drawn[0] and self.dem[a] not in self.drawn[1]

    def first_room_totals(self) -> np.ndarray:
        """sum_t of ``room(a)`` for every arc before anything is taken, at once (up to the order of the sums)."""
        c = self.c
        lengths = np.array([len(u) for u in c.upper], dtype=np.int64)
        if not len(lengths) or lengths.min() == 0:
            return np.full(len(lengths), np.inf)  # no bound (an arc without slots: reduceat would mislead)
        supplies = [self.supply[s] for s in self.sup.tolist()]
        demands = [self.demand[d] for d in self.dem.tolist()]
        if any(len(p) != n or len(q) != n for p, q, n in zip(supplies, demands, lengths.tolist())):
            return np.full(len(lengths), np.inf)  # slots that do not line up: no bound, every room computed
        supply, demand, upper = np.concatenate(supplies), np.concatenate(demands), np.concatenate(c.upper).astype(float)
        limit = np.minimum(supply, demand / np.repeat(self.rho, lengths))
        room = np.maximum(0.0, np.minimum(limit, upper))
        return np.add.reduceat(room, np.cumsum(lengths) - lengths)

    def room(self, a: int) -> np.ndarray:
        limit = np.minimum(self.supply[self.sup[a]], self.demand[self.dem[a]] / self.rho[a])
        return np.maximum(0.0, np.minimum(limit, self.c.upper[a]))

    def take(self, a: int, x: np.ndarray) -> None:
        s, d = self.sup[a], self.dem[a]
        self.supply[s] -= x
        self.demand[d] -= self.rho[a] * x
        self.inflow[d] += self.rho[a] * x
        self.d.flows[a] = self.d.flows[a] + x
        self.d.y[a] = 1.0
        self.drawn[0].add(s)
        self.drawn[1].add(d)
        if self.supply[s].max() <= 0.0:
            self.dry[0].add(s)
        if self.demand[d].max() <= 0.0:
            self.dry[1].add(d)

    def peak_cut(self, a: int, x: np.ndarray) -> tuple[float, np.ndarray]:
        """How far flows x on peak arc a lower the demand's remaining peak, and the flow that does it."""
        d = self.dem[a]
        need, inflow = self.c.demand_slots[d], self.inflow[d]
        before = economics.remaining_peak(need, inflow)
        after = economics.remaining_peak(need, inflow + self.rho[a] * x)
        useful = np.clip((need - inflow - after) / self.rho[a], 0.0, x)  # only slots above the new peak
        return before - after, useful


def greedy(c: Candidates, settings: Settings) -> Decisions:
    """Best value per unit first; keep an arc when it pays its fixed cost."""
    led = _Ledger(c)
    arcs = c.arcs
    peak = arcs["peak"].to_numpy(dtype=bool)
    per_demand = {d: float(economics.objective_weight(c.demand_price[d], c.demand_co2[d], settings)) for d in led.demand}
    w_peak = np.array([per_demand[d] for d in led.dem.tolist()], dtype=float)
    weight = np.where(peak, w_peak * led.rho, economics.objective_weight(arcs["value_eur_per_unit"].to_numpy(dtype=float), arcs["co2_kg_per_unit"].to_numpy(dtype=float), settings))
    fixed = arcs["fixed_cost_eur_per_year"].to_numpy(dtype=float)
    min_flow = arcs["min_flow"].to_numpy(dtype=float)
    required = {int(r.arcs[0]) for r in c.requires if r.arcs}  # one arc per rule, taken first
    # An arc whose streams nothing has drawn on yet has its first room; where even that
    # (with a margin far above the sums' rounding) cannot pay the fixed cost, the arc
    # would be passed over below, so it is passed over without computing its room.
    hopeless = ~peak & (weight >= 0) & (weight * led.first_room_totals() * (1 + 1e-9) - fixed <= EPS)
    for a in _order(weight, required):
        if fixed[a] >= -EPS and a not in required and (led.exhausted(a) or (hopeless[a] and led.untouched(a))):
            continue  # no room left (or too little to pay): the arc would gain <= 0 (most arcs, late in the list)
        x = led.room(a)
        total = float(x.sum())
        if total < min_flow[a] - EPS:
            continue
        if peak[a]:
            cut, x = led.peak_cut(a, x)
            gain = w_peak[a] * cut - fixed[a]
        else:
            gain = float(weight[a]) * total - fixed[a]
        if gain > EPS or a in required:
            led.take(a, x)
    _greedy_pools(c, led, settings)
    return led.d


def _order(weight: np.ndarray, required: set[int]) -> list[int]:
    """Arcs in the greedy's order: required arcs first, then by value per unit (highest first), then by position."""
    if np.isnan(weight).any():  # NaN has no place in numpy's order: keep Python's
        return sorted(range(len(weight)), key=lambda a: (a not in required, -float(weight[a]), a))
    later = np.ones(len(weight), dtype=bool)
    later[list(required)] = False
    return np.lexsort((np.arange(len(weight)), -weight, later)).tolist()


def _greedy_pools(c: Candidates, led: _Ledger, settings: Settings) -> None:
    """Each facility, best potential first, takes the best members still unserved."""
    if not len(c.options):
        return
    served = {led.dem[a] for a in np.flatnonzero(led.d.y > 0.5)}
    mem_fac = c.memberships["facility"].to_numpy()
    mem_dem = c.memberships["demand_stream"].to_numpy()
    mem_w = economics.objective_weight(
        c.memberships["value_eur_per_year"].to_numpy(dtype=float), c.memberships["co2_t_per_year"].to_numpy(dtype=float) * 1000.0, settings
    )
    opt_fac = c.options["facility"].to_numpy()
    opt_cap = c.options["capacity"].to_numpy(dtype=float)
    opt_cost = c.options["fixed_cost_eur_per_year"].to_numpy(dtype=float)
    by_fac: dict[str, list[int]] = defaultdict(list)
    for j, f in enumerate(mem_fac):
        by_fac[f].append(j)
    opts: dict[str, list[int]] = defaultdict(list)
    for o, f in enumerate(opt_fac):
        opts[f].append(o)
    potential = {f: float(mem_w[js].sum()) for f, js in by_fac.items()}
    for f in sorted(by_fac, key=lambda f: (-potential[f], f)):
        value = 0.0
        load: np.ndarray | None = None
        joined: list[int] = []
        best: tuple[float, int | None, list[int]] = (0.0, None, [])
        for j in sorted(by_fac[f], key=lambda j: (-mem_w[j], j)):
            d = mem_dem[j]
            if d in served or d in led.closed:
                continue
            trial = c.demand_slots[d] if load is None else load + c.demand_slots[d]
            peak = float(trial.max())
            fits = [o for o in opts[f] if opt_cap[o] >= peak - EPS]
            if not fits:
                continue
            joined.append(j)
            load = trial
            value += float(mem_w[j])
            o = min(fits, key=lambda o: (opt_cost[o], o))
            if value - opt_cost[o] > best[0] + EPS:
                best = (value - opt_cost[o], o, list(joined))
        if best[1] is not None:
            led.d.z[best[1]] = 1.0
            for j in best[2]:
                led.d.w[j] = 1.0
                led.closed.add(mem_dem[j])


def type_only(c: Candidates) -> Decisions:
    """Every compatible pair, in listing order, takes what is left: no value judgement, no pools."""
    led = _Ledger(c)
    min_flow = c.arcs["min_flow"].to_numpy(dtype=float)
    for a in range(len(c.arcs)):  # the arc table is sorted by supply, then demand stream
        x = led.room(a)
        if float(x.sum()) > EPS and float(x.sum()) >= min_flow[a] - EPS:
            led.take(a, x)
    return led.d

