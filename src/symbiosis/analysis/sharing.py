"""Near-optimal alternatives part by part: each part's best networks by the links they share, and their exact combination.

An alternative (``alternatives``) shares as few links as possible with the networks
before it while its objective stays at or above the floor, and among those is the best:

    stage 1: D = min sum_l c_l u_l   s.t. objective >= floor      (c_l: how many earlier networks hold link l)
    stage 2: max objective           s.t. sum_l c_l u_l <= D, objective >= floor

Both the objective and the links shared are sums over the independent parts; only the
floor ties them. So for each part p

    g_p(s) = max objective_p  s.t. shared_p <= s

is a step function of the integer s, found by a descent on the part's compiled model
(``highs.FrontModel``, x = -shared): solve with no limit (the part's optimum, kept for
every alternative), read the sharing s' of the network found, solve again with
s <= s' - 1, and so on, until no network is left (s' = 0, or the part's require rules)
or the part's bound falls below floor - (the other parts' bounds at their optima), below
which no network of the part can be in a network that meets the floor. Step j holds
g_p(s) for s in [s'_j, limit_j] (the limits run on without holes).

The combination is a multiple-choice knapsack with integer weights, solved exactly by
dynamic programming over the total sharing t: best(t), the most objective of one step per
part with sum s'_p = t. Then D = min {t: best(t) >= floor}, and stage 2's optimum is
best(D) (every t < D falls short of the floor). The same programme over the steps'
bounds (each valid for every s <= its limit, so taken at the step's own s') gives
D_low <= D and stage 2's bound max_{t <= D} bound(t): stage 1 is proven when D_low = D.
Where it is not, the steps in the bound's combination that are not proven exactly are
solved again to a zero gap (the sharing is a count: the whole model's stage 1 was
exact), and the programmes run again.

The differ cuts (every network drops a link of each earlier one) tie the parts as well.
They are left out here, and the network combined is checked against them: an optimum of
the problem without them that meets them is an optimum with them. When it keeps every
link of an earlier network, the caller solves that alternative as one model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from symbiosis.analysis import baselines
from symbiosis.candidates import Candidates, Part
from symbiosis.measures import hold_tolerance
from symbiosis.model import build_model, set_start
from symbiosis.results import Result, assign, build_result
from symbiosis.schema import Scenario
from symbiosis.solver.highs import Found, FrontModel, compile_model
from symbiosis.types import WEIGHTED, LinkKey, Solution, Status, Termination, relative_gap

REFINE_ROUNDS = 8  # rounds of zero-gap solves that may be spent proving stage 1 of one alternative


@dataclass
class Step:
    """g_p(s) for s in [shared, limit]: the network found for shared_p <= limit (``found``), or a bound alone."""

    limit: int | None  # None: no limit (the part's optimum)
    shared: int  # the links the network shares (weighted by the earlier networks holding each); 0 for a bound alone
    value: float  # -inf for a bound alone
    bound: float  # no network of the part with shared_p <= limit has more
    found: Found | None = None
    exact: bool = False  # solved to a zero gap
    relaxed: bool = False  # a bound from the LP relaxation alone, to be solved as a MILP where it matters

    @classmethod
    def of(cls, limit: int | None, found: Found, exact: bool = False) -> Step:
        return cls(limit, round(-found.x), found.y, max(found.bound, found.y), found, exact)


@dataclass
class Ladder:
    """What is known of a part's g_p for one alternative: the steps solved, by their limit, on its model with these counts as x.

    Between two limits solved, q < r, g_p(s) for s in (q, r] is at most r's bound, and
    equals r's value from r's network's own sharing up; below it, it is not known yet.
    """

    model: FrontModel | None
    steps: dict[int, Step]  # by limit; the part's optimum under ``top``
    top: int  # a limit no sharing of the part exceeds (its optimum's query)
    stopped: bool = False  # a solve ended on the time limit (or found nothing before it)

    def networks(self) -> list[Step]:
        """Every step with a network, by limit."""
        return [st for _, st in sorted(self.steps.items()) if st.value > -np.inf]

    def values(self) -> list[tuple[int, float]]:
        """(sharing, objective) of every network found: the options of stage 1 and 2."""
        return [(st.shared, st.value) for st in self.networks()]

    def bounds(self) -> list[tuple[int, float, int]]:
        """(least sharing, bound, limit) of every interval between two limits solved: the options of the bounds."""
        out: list[tuple[int, float, int]] = []
        low = 0
        for q, st in sorted(self.steps.items()):
            if st.bound > -np.inf:
                out.append((low, st.bound, q))
            low = q + 1
        return out

    def unknown(self, low: int, q: int) -> tuple[int, bool] | None:
        """Where to learn more inside the interval [low, q]: (a limit, whether its LP relaxation is enough first); None when known.

        Inside a network's interval, the middle of where g_p is not known, first by its LP
        relaxation (cheap; tight where sharing is scarce); an LP's interval by its MILP."""
        st = self.steps[q]
        if st.found is None:
            return (q, False) if st.relaxed else None
        if st.shared <= low:
            return None
        return (low + st.shared - 1) // 2, True

    def relax(self, limit: int, deadline: float, limit_s: float) -> None:
        """The LP relaxation's bound at ``limit``, kept as a step with no network (or an infeasible one)."""
        assert self.model is not None
        above = min((st.bound for q, st in self.steps.items() if q > limit), default=np.inf)
        relaxed = self.model.relaxed_bound(1.0, 0.0, x_low=-limit - 0.5)
        if relaxed is not None and relaxed == -np.inf:
            self.steps[limit] = Step(limit, 0, -np.inf, -np.inf)
        elif relaxed is not None and relaxed < above:
            self.steps[limit] = Step(limit, 0, -np.inf, relaxed, relaxed=True)
        else:  # the LP tells nothing the step above does not: solve the MILP
            self.solve(limit, deadline, limit_s)

    def solve(self, limit: int, deadline: float, limit_s: float) -> None:
        """Solve the part for shared_p <= limit and keep the step (an infeasible one has bound -inf)."""
        assert self.model is not None
        # A network found that shares no more than the limit is a start (the best of them).
        fits = [st for st in self.networks() if st.shared <= limit and st.found is not None]
        start = max(fits, key=lambda st: st.value).found.values if fits else None  # type: ignore[union-attr]
        found = self.model.best(1.0, 0.0, x_low=-limit - 0.5, time_limit_s=_left(deadline, limit_s), start=start)
        if found is not None:
            self.stopped = self.stopped or found.termination is not Termination.optimal
            self.steps[limit] = Step.of(limit, found)
        elif self.model.last is Termination.infeasible:
            self.steps[limit] = Step(limit, 0, -np.inf, -np.inf)
        else:  # nothing found before the limit: the LP relaxation's bound, or the bound above
            self.stopped = True
            above = min((st.bound for q, st in self.steps.items() if q > limit), default=np.inf)
            relaxed = self.model.relaxed_bound(1.0, 0.0, x_low=-limit - 0.5)
            self.steps[limit] = Step(limit, 0, -np.inf, above if relaxed is None else min(relaxed, above))


@dataclass
class PartModel:
    """One part's compiled model (weighted objective) and its optimum, kept for every alternative."""

    part: Part
    model: FrontModel
    links: list[tuple[LinkKey, int]]  # every link of the part and its column
    top: Found | None  # the part's optimum (None: no network before the limit, or none at all)
    top_bound: float
    top_termination: Termination
    ladders: dict[bytes, Ladder] = field(default_factory=dict)  # by the weights of the part's links

    def weights(self, counts: dict[LinkKey, int]) -> np.ndarray:
        """gx: minus each column's count of earlier networks holding it (x = -shared, more is better)."""
        gx = np.zeros(self.model.n)
        for key, col in self.links:
            gx[col] = -float(counts.get(key, 0))
        return gx

    def link_set(self, values: np.ndarray) -> set[LinkKey]:
        return {key for key, col in self.links if values[col] > 0.5}


def part_models(scenario: Scenario, candidates: Candidates, parts: list[Part], deadline: float) -> list[PartModel]:
    """Build and compile every part with the usual objective, and solve it (warm started from the greedy network)."""
    st = scenario.settings
    out: list[PartModel] = []
    for p in parts:
        c = p.candidates
        handle = build_model(c, st, WEIGHTED)
        if st.solver.warm_start:
            g = baselines.greedy(c, st)
            set_start(handle, c, g.flows, g.y, g.z, g.w)
        compiled, start = compile_model(handle)
        gy = np.asarray(compiled.lp.col_cost_, dtype=float).copy()
        model = FrontModel(compiled, (np.zeros(len(gy)), 0.0), (gy, float(compiled.lp.offset_)), st.solver)
        d = compiled.decoder
        links = [(("exchange", str(s), str(t)), int(col)) for (s, t), col in zip(d.arc_ids, d.y_col)]
        links += [(("pool", str(f), str(t)), int(col)) for (f, t), col in zip(d.membership_ids, d.w_col)]
        top = model.best(1.0, 0.0, time_limit_s=_left(deadline, st.solver.time_limit_s), start=start if st.solver.warm_start else None)
        if top is not None:
            bound = max(top.bound, top.y)
        else:
            relaxed = model.relaxed_bound(1.0, 0.0)
            bound = np.inf if relaxed is None else relaxed
        out.append(PartModel(p, model, links, top, bound, model.last))
    return out


def _left(deadline: float, limit: float) -> float:
    return max(min(limit, deadline - time.monotonic()), 0.01)


def ladder(pm: PartModel, counts: dict[LinkKey, int]) -> Ladder:
    """The part's ladder for these counts (kept per counts, with every step solved so far): its optimum to start."""
    gx = pm.weights(counts)
    key = np.round(gx).astype(np.int32).tobytes()
    if key not in pm.ladders:
        top = round(float(-gx.sum())) + 1  # more than any network of the part can share
        if pm.top is None:
            pm.ladders[key] = Ladder(None, {top: Step(None, 0, -np.inf, pm.top_bound)}, top, stopped=True)
        else:
            model = FrontModel(pm.model.compiled, (gx, 0.0), (pm.model.gy, pm.model.gy0), pm.model.options)
            t = pm.top
            found = Found(t.termination, float(gx @ t.values), t.y, t.objective, pm.top_bound, t.values, t.key)
            pm.ladders[key] = Ladder(model, {top: Step.of(top, found)}, top, stopped=pm.top_termination is not Termination.optimal)
    return pm.ladders[key]


def _program(options: list[list[tuple[int, float]]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """best(t) = max sum_p value_p over one option (shared, value) per part with sum shared = t; the choices to read it back."""
    total = sum(max((s for s, _ in opts), default=0) for opts in options)
    best = np.full(total + 1, -np.inf)
    best[0] = 0.0
    choices: list[np.ndarray] = []
    for opts in options:
        new = np.full(total + 1, -np.inf)
        pick = np.full(total + 1, -1, dtype=np.int64)
        for j, (s, v) in enumerate(opts):
            if v == -np.inf:
                continue
            cand = np.full(total + 1, -np.inf)
            cand[s:] = best[: total + 1 - s] + v
            better = cand > new
            new[better] = cand[better]
            pick[better] = j
        best = new
        choices.append(pick)
    return best, choices


def _read_back(choices: list[np.ndarray], options: list[list[tuple[int, float]]], t: int) -> list[int]:
    picks: list[int] = []
    for pick, opts in zip(reversed(choices), reversed(options)):
        j = int(pick[t])
        picks.append(j)
        t -= opts[j][0]
    return picks[::-1]


@dataclass
class Programmes:
    """Stage 1 and 2 over what is known: the least sharing D and the network at it (``picks``); D_low and
    stage 2's bound from the bounds, with the bounds' picks at each."""

    shared: int
    picks: list[int]  # per part, its value option
    low: int
    bound: float
    low_picks: list[int]  # per part, its bound option at D_low
    bound_picks: list[int]  # per part, its bound option at stage 2's bound


def combine(ladders: list[Ladder], floor: float) -> Programmes | None:
    """Both programmes over the ladders; None when no network found meets the floor."""
    values = [lad.values() for lad in ladders]
    bounds = [[(low, b) for low, b, _ in lad.bounds()] for lad in ladders]
    best, choices = _program(values)
    meets = np.flatnonzero(best >= floor)
    if len(meets) == 0:
        return None
    d = int(meets[0])
    ub, ub_choices = _program(bounds)
    reach = np.flatnonzero(ub >= floor - hold_tolerance(floor))
    low = int(reach[0]) if len(reach) else d
    at = int(np.argmax(ub[: d + 1]))
    return Programmes(d, _read_back(choices, values, d), low, float(ub[at]), _read_back(ub_choices, bounds, low), _read_back(ub_choices, bounds, at))


def expand(ladders: list[Ladder], picks: list[int], deadline: float, limit_s: float) -> int:
    """Learn more inside the picked intervals where g_p is not known; how many solves that took.

    LP relaxations first, all of them (cheap); MILPs only when no LP is left to try, and then
    one, in the interval whose bound stands furthest above what a network found below it gives."""
    todo: list[tuple[float, Ladder, int, bool]] = []
    for lad, j in zip(ladders, picks):
        low, bound, q = lad.bounds()[j]
        where = lad.unknown(low, q)
        if where is not None:
            below = max((v for sh, v in lad.values() if sh <= low), default=-np.inf)
            todo.append((bound - below if below > -np.inf else np.inf, lad, where[0], where[1]))
    if not todo or time.monotonic() >= deadline:
        return 0
    lps = [t for t in todo if t[3]]
    if lps:
        for _, lad, limit, _ in lps:
            lad.relax(limit, deadline, limit_s)
        return len(lps)
    _, lad, limit, _ = max(todo, key=lambda t: (t[0], -t[2]))
    lad.solve(limit, deadline, limit_s)
    return 1


def refine(ladders: list[Ladder], picks: list[int], limit_s: float, deadline: float) -> int:
    """Solve the picked intervals' steps that are not exact again at a zero gap; how many were solved."""
    solved = 0
    for lad, j in zip(ladders, picks):
        _, _, q = lad.bounds()[j]
        step = lad.steps[q]
        if step.exact or step.found is None or lad.model is None or time.monotonic() >= deadline:
            continue
        m = lad.model
        tight = FrontModel(m.compiled, (m.gx, m.gx0), (m.gy, m.gy0), m.options.model_copy(update={"mip_rel_gap": 0.0}))
        found = tight.best(1.0, 0.0, x_low=-q - 0.5, time_limit_s=_left(deadline, limit_s), start=step.found.values, abs_gap=1e-6)
        solved += 1
        if found is not None:
            lad.steps[q] = Step.of(q, found, exact=found.termination is Termination.optimal)
            lad.stopped = lad.stopped or found.termination is not Termination.optimal
    return solved


def search(ladders: list[Ladder], floor: float, tolerance: float, deadline: float, limit_s: float) -> tuple[Programmes | None, bool]:
    """Solve inside the intervals the bounds' programmes pick until stage 1 is proven (D_low = D) and stage 2's bound is
    within the tolerance, or nothing is left to solve; and whether it finished before the deadline."""
    refined = 0
    while True:
        got = combine(ladders, floor)
        if got is None:
            return got, True
        if time.monotonic() >= deadline:
            return got, False
        if got.low < got.shared:
            if expand(ladders, got.low_picks, deadline, limit_s):
                continue
            if refined < REFINE_ROUNDS and refine(ladders, got.low_picks, limit_s, deadline):
                refined += 1
                continue
            return got, True
        value = sum(ladders[p].values()[j][1] for p, j in enumerate(got.picks))
        if got.bound - value <= tolerance * max(abs(value), 1.0):
            return got, True
        if expand(ladders, got.bound_picks, deadline, limit_s):
            continue
        return got, time.monotonic() < deadline  # nothing left to learn (each part within its gap), or no time left


def alternative(
    scenario: Scenario, candidates: Candidates, models: list[PartModel], counts: dict[LinkKey, int], floor: float, deadline: float, build_seconds: float
) -> tuple[Result, frozenset[LinkKey]] | None:
    """The next alternative from the parts: its result (status, bound and gap of stage 2; ``time_limit`` where a
    solve it rests on stopped or the least sharing is not proven) and its model links. None when no network
    found meets the floor."""
    st = scenario.settings.solver
    ladders = [ladder(pm, counts) for pm in models]
    got, finished = search(ladders, floor, st.mip_rel_gap, deadline, st.time_limit_s)
    if got is None:
        return None
    proven = finished and got.low >= got.shared and not any(lad.stopped for lad in ladders)
    term = Termination.optimal if proven else Termination.time_limit
    solved = []
    links: set[LinkKey] = set()
    for pm, lad, j in zip(models, ladders, got.picks):
        f = lad.networks()[j].found
        assert f is not None and lad.model is not None
        solved.append((pm.part, Solution(term, f.y, f.bound, 0.0, *lad.model.decoder(f.values), message=term.value)))
        links |= pm.link_set(f.values)
    decisions, outcome = assign(candidates, solved)
    result = build_result(scenario, candidates, decisions, outcome, build_seconds)
    update = {"status": Status.optimal if proven else Status.time_limit, "best_bound": got.bound, "mip_gap": relative_gap(result.summary.objective, got.bound)}
    return replace(result, summary=result.summary.model_copy(update=update)), frozenset(links)
