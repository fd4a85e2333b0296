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

    @classmethod
    def of(cls, limit: int | None, found: Found, exact: bool = False) -> Step:
        return cls(limit, round(-found.x), found.y, max(found.bound, found.y), found, exact)


@dataclass
class Ladder:
    """A part's steps for one alternative, from its optimum down, on its model with these counts as x."""

    steps: list[Step]
    model: FrontModel | None
    stopped: bool = False  # a solve ended on the time limit (or found nothing before it)


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


def ladder(pm: PartModel, counts: dict[LinkKey, int], floor_p: float, deadline: float, limit_s: float) -> Ladder:
    """The part's steps g_p for these counts, down to where its bound falls below ``floor_p`` (kept per counts)."""
    gx = pm.weights(counts)
    key = np.round(gx).astype(np.int32).tobytes()
    if key in pm.ladders:
        return pm.ladders[key]
    if pm.top is None:
        out = Ladder([Step(None, 0, -np.inf, pm.top_bound)], None, stopped=True)
        pm.ladders[key] = out
        return out
    model = FrontModel(pm.model.compiled, (gx, 0.0), (pm.model.gy, pm.model.gy0), pm.model.options)
    top = pm.top
    steps = [Step.of(None, Found(top.termination, float(gx @ top.values), top.y, top.objective, pm.top_bound, top.values, top.key))]
    stopped = pm.top_termination is not Termination.optimal
    while steps[-1].shared > 0 and steps[-1].bound >= floor_p:
        limit = steps[-1].shared - 1
        if time.monotonic() >= deadline:
            steps.append(Step(limit, 0, -np.inf, steps[-1].bound))  # no time left: below, at most the bound before
            stopped = True
            break
        found = model.best(1.0, 0.0, x_low=-limit - 0.5, time_limit_s=_left(deadline, limit_s))
        if found is None:
            if model.last is not Termination.infeasible:  # nothing found before the limit: the LP's bound
                stopped = True
                relaxed = model.relaxed_bound(1.0, 0.0, x_low=-limit - 0.5)
                if relaxed is None or relaxed > -np.inf:
                    steps.append(Step(limit, 0, -np.inf, steps[-1].bound if relaxed is None else min(relaxed, steps[-1].bound)))
            break
        stopped = stopped or found.termination is not Termination.optimal
        steps.append(Step.of(limit, found))
    last = steps[-1]
    if last.found is not None and last.shared > 0 and last.bound < floor_p:
        # Pruned: no network with less sharing reaches the part's share of the floor; its bound, for the bounds' programme.
        steps.append(Step(last.shared - 1, 0, -np.inf, last.bound))
    out = Ladder(steps, model, stopped)
    pm.ladders[key] = out
    return out


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


def combine(ladders: list[Ladder], floor: float) -> tuple[int, list[int], int, float, list[int]] | None:
    """Stage 1 and 2 over the steps: (D, the steps picked, D_low, stage 2's bound, the bound's picks at D_low); None when no combination meets the floor."""
    values = [[(s.shared, s.value) for s in lad.steps] for lad in ladders]
    bounds = [[(s.shared, s.bound) for s in lad.steps] for lad in ladders]
    best, choices = _program(values)
    meets = np.flatnonzero(best >= floor)
    if len(meets) == 0:
        return None
    d = int(meets[0])
    ub, ub_choices = _program(bounds)
    low = int(np.flatnonzero(ub >= floor - hold_tolerance(floor))[0])
    return d, _read_back(choices, values, d), low, float(np.max(ub[: d + 1])), _read_back(ub_choices, bounds, low)


def refine(ladders: list[Ladder], picks: list[int], limit_s: float, deadline: float) -> int:
    """Solve the picked steps that are not exact again at a zero gap; how many were solved."""
    solved = 0
    for lad, j in zip(ladders, picks):
        step = lad.steps[j]
        if step.exact or step.found is None or lad.model is None or time.monotonic() >= deadline:
            continue
        m = lad.model
        tight = FrontModel(m.compiled, (m.gx, m.gx0), (m.gy, m.gy0), m.options.model_copy(update={"mip_rel_gap": 0.0}))
        x_low = -np.inf if step.limit is None else -step.limit - 0.5
        found = tight.best(1.0, 0.0, x_low=x_low, time_limit_s=_left(deadline, limit_s), start=step.found.values, abs_gap=1e-6)
        solved += 1
        if found is not None:
            lad.steps[j] = Step.of(step.limit, found, exact=found.termination is Termination.optimal)
            lad.stopped = lad.stopped or found.termination is not Termination.optimal
    return solved


def alternative(
    scenario: Scenario, candidates: Candidates, models: list[PartModel], counts: dict[LinkKey, int], floor: float, deadline: float, build_seconds: float
) -> tuple[Result, frozenset[LinkKey]] | None:
    """The next alternative from the parts: its result (status, bound and gap of stage 2; ``time_limit`` where a
    solve it rests on stopped or the least sharing is not proven) and its model links. None when no network of
    steps meets the floor."""
    limit_s = scenario.settings.solver.time_limit_s
    total_top = sum(pm.top_bound for pm in models)
    ladders = [ladder(pm, counts, floor - (total_top - pm.top_bound), deadline, limit_s) for pm in models]
    got = combine(ladders, floor)
    for _ in range(REFINE_ROUNDS):
        if got is None or got[2] >= got[0] or refine(ladders, got[4], limit_s, deadline) == 0:
            break
        got = combine(ladders, floor)
    if got is None:
        return None
    d, picks, low, bound, _ = got
    proven = low >= d and not any(lad.stopped for lad in ladders)
    term = Termination.optimal if proven else Termination.time_limit
    solved = []
    links: set[LinkKey] = set()
    for pm, lad, j in zip(models, ladders, picks):
        f = lad.steps[j].found
        assert f is not None  # a step with a value has its network
        solved.append((pm.part, Solution(term, f.y, f.bound, 0.0, *pm.model.decoder(f.values), message=term.value)))
        links |= pm.link_set(f.values)
    decisions, outcome = assign(candidates, solved)
    result = build_result(scenario, candidates, decisions, outcome, build_seconds)
    update = {"status": Status.optimal if proven else Status.time_limit, "best_bound": bound, "mip_gap": relative_gap(result.summary.objective, bound)}
    return replace(result, summary=result.summary.model_copy(update=update)), frozenset(links)
