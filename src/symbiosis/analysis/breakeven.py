"""Break-even values of a match by a parametric search (``explain``), exact in a few MILPs.

A break-even value is where the match leaves the optimum as one input (the buyer's
price, the supplier's quantity, the distance) moves from today's value ``inside``
towards ``outside``. Only the independent part that holds the match matters. Write
F_in(v) for the part's optimum at value v with the match's link built and F_out(v)
with it not built: the match is in the optimum where F_in > F_out, and its break-even
is where the two meet.

Every network (the integer columns: links, size options, memberships) with its flows
re-optimised is an LP whose value at v is at most F_in(v) if it holds the match, at
most F_out(v) if not. E_in and E_out, the best of the networks found so far on each
side, are cheap to evaluate (LPs of a fixed network, each warm started from its last
basis). The search:

1. starts from the result's network and its twin (the same network with the match's
   link flipped);
2. finds v between the known inside and outside values where E_in(v) = E_out(v)
   (regula falsi on their piecewise-linear difference: LPs only);
3. solves the part's MILP at v, to a gap far below the crossing's size: when its
   optimum is no better than E_in(v) = E_out(v), F_in(v) = F_out(v) and v is the
   break-even; otherwise the MILP's network and its twin join the envelopes, v
   becomes the new inside or outside value as that optimum holds the match or not,
   and 2. runs again.

Each round adds a network better than every known one at v, so the rounds end.
Haasrode's largest match (campus car park to the event hall) takes two MILPs for
its price, where the bisection (one MILP per step, to ``TOLERANCE``) took 34 for its
price and quantity. That bisection stays in ``explain`` as the fall-back (a model
that does not move as assumed here) and as what the tests compare with.

How the model moves. A price and a distance change objective coefficients only, and
affinely (``economics``: rho p_d per unit, p_d per unit of peak cut, (p_d - cost) Q_d
per member; road cost and pipe capex times d), so the costs at v are today's plus
(v - v0) times their difference quotient between two compiled models of the same
matrix. The supplier's quantity is a column's bounds (``model.moves``). Where
candidates would drop an arc or a membership at v, the model keeps it: what is dropped
cannot add to the optimum there, so the optimum is the same. The break-even is the
crossing of F_in and F_out; where they cross more than once, or are equal over a range
(ties: several suppliers at one price), the search finds one crossing between inside and
outside, as the bisection did (whose choice depended on the optimum HiGHS returned).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from symbiosis import measures
from symbiosis.analysis.fixed import network_from
from symbiosis.candidates import Candidates, build_candidates, split_components
from symbiosis.model import build_model
from symbiosis.model.moves import SUPPLY_QUANTITY_ROW, add_supply_scale
from symbiosis.schema import Scenario, SolverSettings
from symbiosis.solver.highs import Found, FrontModel, compile_front

CERTIFY = 1e-9  # relative to the part's objective: a MILP optimum this close to the envelopes proves the crossing
MAX_ROUNDS = 12  # MILPs at crossings before the search settles for its bracket
ROOT_STEPS = 200  # regula falsi steps (LPs) for one crossing
Setting = Callable[[float], tuple[float, float, float, float]]  # a value -> (wy, wx, x_low, x_high) of ``FrontModel.best`` there


@dataclass
class PartModel:
    """The compiled part that holds the match: its model (the supplier's quantity as a column), where the match is."""

    front: FrontModel  # objective as today; x is the supplier's quantity column
    link: int  # the match's y column
    flows: np.ndarray  # the match's flow columns
    fixed_cost: float
    integer_position: int  # the link's place among the integer columns (in a network's key)


def arc_at(c: Candidates, supply: str, demand: str) -> int | None:
    """The position of the arc supply -> demand among the candidates' arcs (None when it is no candidate)."""
    hit = np.flatnonzero((c.arcs["supply_stream"] == supply).to_numpy() & (c.arcs["demand_stream"] == demand).to_numpy())
    return int(hit[0]) if len(hit) else None


def compile_part(scenario: Scenario, supply: str, demand: str, options: SolverSettings, distance: dict[tuple[str, str], float] | None = None) -> PartModel | None:
    """The part of ``scenario`` that holds the arc supply -> demand, compiled; None when the arc is no candidate."""
    c = build_candidates(scenario, distance_override=distance)
    a = arc_at(c, supply, demand)
    quantity = scenario.stream_by_id[supply].quantity
    if a is None or quantity <= 0:
        return None
    part = next(p for p in split_components(c) if a in set(p.arcs.tolist()))
    pc = part.candidates
    handle = build_model(pc, scenario.settings)
    add_supply_scale(handle, pc, supply, np.asarray(c.supply_slots[supply], dtype=float) / quantity)
    local = int(np.flatnonzero(part.arcs == a)[0])
    front = compile_front(handle, SUPPLY_QUANTITY_ROW, options)
    dec = front.decoder
    link = int(dec.y_col[local])
    flows = np.asarray(dec.x_col[dec.flow_arc == local], dtype=np.int64)
    position = int(np.flatnonzero(front.integer == link)[0])
    return PartModel(front, link, flows, float(pc.arcs.iloc[local]["fixed_cost_eur_per_year"]), position)


def may_pay(scenario: Scenario, supply: str, demand: str, distance: dict[tuple[str, str], float] | None = None) -> bool:
    """Whether the match may be in the optimum of ``scenario`` at all: False when supply -> demand is no candidate
    (as the bisection's first test had it), or when the most its flows can add cannot pay for its link.

    The bound: take the match out of any network that holds it (its link and flows); every row still holds
    (less is supplied and delivered; a peak demand's remaining peak k_d rises by at most rho max_t x_t), the
    link's cost -l_a is saved and at most sum_t w U_t (volume: w the objective's weight per unit) or w rho
    max_t U_t (peak: w per unit of cut) is lost. When that is below -l_a, the network without the match is
    strictly better, so the match is in no optimum. Not used for an arc a rule holds (taking it out breaks the rule).
    """
    c = build_candidates(scenario, distance_override=distance)
    arcs = c.arcs
    a = arc_at(c, supply, demand)
    if a is None:
        return False
    if bool(arcs.iloc[a]["required"]) or any(a in r.arcs for r in c.requires):
        return True
    weights = measures.weights_of(measures.WEIGHTED, scenario.settings)
    link = float(measures.combine(weights, {n: np.asarray(c.coefficients[n].link[a]) for n, _ in weights}))
    upper = np.asarray(c.upper[a], dtype=float)
    if bool(arcs.iloc[a]["peak"]):
        w = float(measures.combine(weights, {n: np.asarray(c.coefficients[n].peak.get(demand, 0.0)) for n, _ in weights}))
        gain = max(w, 0.0) * float(arcs.iloc[a]["rho"]) * float(upper.max(initial=0.0))
    else:
        w = float(measures.combine(weights, {n: np.asarray(c.coefficients[n].flow[a]) for n, _ in weights}))
        gain = max(w, 0.0) * float(upper.sum())
    return gain + link >= 0


def result_network(part: PartModel, scenario: Scenario, matches: pd.DataFrame, facilities: pd.DataFrame) -> bytes | None:
    """The result's network as a key of the part's integer columns (None when it does not fit the part's model)."""
    front = part.front
    try:
        net = network_from(build_candidates(scenario), matches, facilities)
    except (IndexError, KeyError):
        return None
    dec = front.decoder
    values = np.zeros(front.n)
    for ids, cols, chosen in ((dec.arc_ids, dec.y_col, set(net.arcs)), (dec.option_ids, dec.z_col, set(net.options)), (dec.membership_ids, dec.w_col, set(net.memberships))):
        for i, key in enumerate(ids):
            if key in chosen:
                values[cols[i]] = 1.0
    return front.key_of(values)


def cost_front(part: PartModel, other: PartModel | None, v0: float, v1: float, options: SolverSettings) -> FrontModel | None:
    """The part's model with its costs moving affinely in an input (x = d cost / dv), from its models at v0 and v1.

    None when the two models differ in more than their costs (not the same matrix).
    """
    if other is None:
        return None
    a, b = part.front.compiled.__getstate__(), other.front.compiled.__getstate__()
    same = all(a[k] == b[k] for k in ("num_col", "num_row", "sense", "integrality"))
    same = same and all(np.array_equal(a[k], b[k]) for k in ("start", "index", "value"))
    same = same and all(np.array_equal(a["arrays"][k], b["arrays"][k]) for k in a["arrays"] if k != "col_cost_")
    if not same:
        return None
    f0, f1 = part.front, other.front
    slope = ((f1.gy - f0.gy) / (v1 - v0), (f1.gy0 - f0.gy0) / (v1 - v0))
    return FrontModel(f0.compiled, slope, (f0.gy.copy(), f0.gy0), options)


@dataclass
class Networks:
    """The networks found so far, with the match (inside) and without it; shared by the searches of one match."""

    inside: list[bytes] = field(default_factory=list)
    outside: list[bytes] = field(default_factory=list)

    def add(self, key: bytes, inside: bool, position: int) -> None:
        """A network and its twin (the match's link flipped)."""
        twin = bytearray(key)
        twin[position] = 0 if inside else 1
        for k, side in ((key, inside), (bytes(twin), not inside)):
            keys = self.inside if side else self.outside
            if k not in keys:
                keys.append(k)


class Search:
    """One input moved along a line of values: the envelopes E_in, E_out and the MILP that settles a crossing."""

    def __init__(self, part: PartModel, front: FrontModel, setting: Setting, networks: Networks) -> None:
        self.part, self.front, self.setting, self.networks = part, front, setting, networks
        self.milps = 0
        self._gaps: dict[tuple[float, int, int], tuple[float, Found | None]] = {}
        self.scale = 1.0  # the part's objective, as far as known: the unit of the tolerances

    def _best(self, keys: list[bytes], v: float) -> Found | None:
        best = None
        for key in keys:
            found = self.front.best(*self.setting(v), key=key)
            if found is not None and (best is None or found.objective > best.objective):
                best = found
        if best is not None:
            self.scale = max(self.scale, abs(best.objective))
        return best

    def gap(self, v: float, among: tuple[list[bytes], list[bytes]] | None = None) -> tuple[float, Found | None]:
        """E_in(v) - E_out(v) (+-inf where a side has no feasible network), and the better of the two solutions
        (``among``: the envelopes of these networks only)."""
        inside, outside = among or (self.networks.inside, self.networks.outside)
        known = (v, len(inside), len(outside))
        if among is not None or known not in self._gaps:
            a, b = self._best(inside, v), self._best(outside, v)
            if among is not None:
                return (-np.inf if a is None else np.inf) if a is None or b is None else a.objective - b.objective, None
            if a is None or b is None:
                self._gaps[known] = (-np.inf if a is None else np.inf), (a or b)
            else:
                self._gaps[known] = a.objective - b.objective, (a if a.objective >= b.objective else b)
        return self._gaps[known]

    def present(self, found: Found) -> bool:
        """The match is in this solution: its link is built and carries flow (or costs something, as the bisection had it)."""
        return bool(found.values[self.part.link] > 0.5 and (float(found.values[self.part.flows].sum()) > 1e-9 or self.part.fixed_cost > 0))

    def milp(self, v: float) -> tuple[Found | None, float]:
        """The part's MILP at v, and the envelopes' best value there (a start from it did not pay: HiGHS's time goes to the proof)."""
        _, best = self.gap(v)
        known = -np.inf if best is None else best.objective
        tol = CERTIFY * max(1.0, abs(known)) if np.isfinite(known) else 1e-6
        self.milps += 1
        found = self.front.best(*self.setting(v), start=None, abs_gap=tol / 2)
        if found is not None:
            self.networks.add(found.key, self.present(found), self.part.integer_position)
        return found, known

    def present_at(self, v: float) -> bool:
        """Whether the optimum at v holds the match (one MILP)."""
        found, _ = self.milp(v)
        return found is not None and self.present(found)

    def winners(self, values: tuple[float, ...]) -> tuple[list[bytes], list[bytes]]:
        """The networks best on their side at some of these values."""
        out: tuple[list[bytes], list[bytes]] = ([], [])
        for v in values:
            for keys, chosen in zip((self.networks.inside, self.networks.outside), out):
                best = self._best(keys, v)
                if best is not None and best.key not in chosen:
                    chosen.append(best.key)
        return out

    def crossing(self, inside: float, g_in: float, outside: float, g_out: float, among: tuple[list[bytes], list[bytes]] | None = None) -> float:
        """A value between inside (E_in >= E_out) and outside (E_in <= E_out) where E_in = E_out (Illinois regula falsi;
        ``among``: over the envelopes of these networks only)."""
        a, fa, b, fb = outside, g_out, inside, g_in
        last = 0
        c = (a + b) / 2
        for _ in range(ROOT_STEPS):
            c = b - fb * (b - a) / (fb - fa) if np.isfinite(fa) and np.isfinite(fb) and fb != fa else (a + b) / 2
            fc, _ = self.gap(c, among)
            scale = self.scale
            if abs(fc) <= 1e-10 * scale or abs(b - a) <= 1e-12 * max(abs(a), abs(b), 1.0):
                return c
            if fc > 0:
                b, fb = c, fc
                if last == 1:
                    fa /= 2
                last = 1
            else:
                a, fa = c, fc
                if last == -1:
                    fb /= 2
                last = -1
        return c

    def threshold(self, inside: float, outside: float, tolerance: float) -> float | None:
        """The break-even between ``inside`` (the match in the optimum) and ``outside`` (not); None when the model
        contradicts what is known of them (the caller falls back to the bisection)."""
        for _ in range(MAX_ROUNDS):
            if abs(outside - inside) <= tolerance * max(abs(inside), abs(outside), 1e-9):
                break
            g_in, _ = self.gap(inside)
            if g_in < 0:  # no known network holds the match there as the optimum does: ask the MILP
                if not self.present_at(inside):
                    return None
                continue
            g_out, _ = self.gap(outside)
            if g_out > 0:
                if self.present_at(outside):
                    return None
                continue
            # The crossing of the networks best at either end first (few LPs a step), then of all if another one wins there.
            among = self.winners((inside, outside))
            v = self.crossing(inside, self.gap(inside, among)[0], outside, self.gap(outside, among)[0], among)
            g_v, _ = self.gap(v)
            if abs(g_v) > CERTIFY * self.scale:
                v = self.crossing(inside, g_in, outside, g_out)
                g_v, _ = self.gap(v)
            found, known = self.milp(v)
            if found is None:
                return None
            tol = CERTIFY * max(1.0, abs(known))
            if abs(g_v) <= tol and found.objective <= known + tol and found.bound <= known + tol:
                return v  # F_in(v) = F_out(v): the break-even itself
            if self.present(found):
                inside = v
            else:
                outside = v
        return (inside + outside) / 2
