"""The pipeline of one optimisation: candidates, parts, model and solve, results.

Sanity check (the scenario validates itself), candidates for the objective in use,
independent parts, one model per part solved by HiGHS, solutions assigned back by
id, results. A non-optimal outcome is a value (``result.status``), not an exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from symbiosis import measures
from symbiosis.analysis import baselines
from symbiosis.analysis.coupled import carries
from symbiosis.analysis.diagnose import diagnose_infeasible, unmet_message
from symbiosis.analysis.fixed import settle
from symbiosis.candidates import Candidates, Part, build_candidates, split_components, subset, whole
from symbiosis.results import Outcome, Result, assign, build_result, parts_table
from symbiosis.schema import Scenario, Settings
from symbiosis.solver import Progress, Solved, decisions_of, part_workers, solve_in_turn, solve_parallel, solve_part
from symbiosis.solver.reuse import NOTHING, Known, known_of, part_key, start_from
from symbiosis.types import WEIGHTED, Objective, Solution, Status, Termination, relative_gap


def optimise(
    scenario: Scenario,
    progress: Callable[[Progress], None] | None = None,
    objective: Objective = WEIGHTED,
    scheduler: str | None = None,
) -> Result:
    """Find the best network of exchanges and pools of a scenario for an objective.

    With ``solver.processes`` above 1 (or ``auto`` on a park large enough, see
    ``part_workers``), or a Dask ``scheduler`` address, the independent parts are
    solved on Dask workers (same results as in turn).
    """
    return optimise_reusing(scenario, NOTHING, progress, objective, scheduler, remember=False).result


@dataclass(frozen=True)
class Reusing:
    """A solve that reused what it could: its result, what it leaves for the next, and how many parts it solved."""

    result: Result
    known: Known
    parts_solved: int
    parts_reused: int


def optimise_reusing(
    scenario: Scenario,
    known: Known = NOTHING,
    progress: Callable[[Progress], None] | None = None,
    objective: Objective = WEIGHTED,
    scheduler: str | None = None,
    remember: bool = True,
) -> Reusing:
    """``optimise``, taking the solution of each part whose key is in ``known`` as it is (``solver.reuse``).

    The parts that changed are solved, warm started from ``known``'s network. Everything
    after the parts' solutions (their assignment, the settled flows, the result) runs as
    in a full solve, so a part taken from ``known`` gives the bytes a solve would give.
    With ``remember``, the parts are keyed and what they leave is returned (``Reusing.known``).
    """
    start = time.perf_counter()
    measures.check_objective(objective)
    candidates = build_candidates(scenario, objective=objective)
    unmet = [r for r in candidates.requires if not r.arcs]
    if unmet:
        problems = [unmet_message(scenario, r) for r in unmet]
        outcome = Outcome(Status.infeasible, None, None, None, 0.0, 0)
        return Reusing(build_result(scenario, candidates, None, outcome, time.perf_counter() - start, problems, objective=objective), NOTHING, 0, 0)
    options = scenario.settings.solver
    # A floor or a cut couples the parts: then the whole is solved as one model (exact).
    parts = split_components(candidates) if options.decompose and objective.separable else [whole(candidates)]
    keyed = remember or bool(known.solutions)
    keys = [part_key(p.candidates, scenario.settings, objective) if keyed else None for p in parts]
    taken = {i: Solved(replace(known.solutions[k], solve_seconds=0.0), 0.0) for i, k in enumerate(keys) if k is not None and k in known.solutions}
    todo = [p for i, p in enumerate(parts) if i not in taken]
    heuristic = start_from(known.network, baselines.greedy)
    build_seconds = time.perf_counter() - start
    deadline = time.monotonic() + options.time_limit_s
    workers = part_workers(todo, options.processes)
    if (workers > 1 or scheduler is not None) and len(todo) > 1:
        fresh = solve_parallel(todo, scenario, deadline, heuristic, objective, scheduler, progress, workers)
    else:
        fresh = solve_in_turn(todo, scenario.settings, deadline, heuristic, progress, objective)
    solved_iter = iter(fresh)
    outs = [taken[i] if i in taken else next(solved_iter) for i in range(len(parts))]
    build_seconds += sum(o.build_seconds for o in outs)
    per_part = [(part, out.solution, out.build_seconds) for part, out in zip(parts, outs)]
    result = _finish(scenario, candidates, objective, build_seconds, per_part)
    return Reusing(result, known_of(keys, [out.solution for out in outs]) if remember else NOTHING, len(todo), len(taken))


def _finish(scenario: Scenario, candidates: Candidates, objective: Objective, build_seconds: float, per_part: list[tuple[Part, Solution, float]]) -> Result:
    """The parts' solutions (with their build seconds) assigned back, the network's flows settled, the problems found, the result."""
    solved = [(part, solution) for part, solution, _ in per_part]
    decisions, outcome = assign(candidates, solved)
    settling = objective
    if outcome.has_values and measures.breaks_ties(objective):
        # Status, bound and gap stay those of the measure maximised (the first stage).
        t0 = time.perf_counter()
        second, good = tie_break(candidates, solved, scenario, objective)
        decisions, _ = assign(candidates, second)
        settling = measures.lexicographic(objective, good)
        outcome = replace(outcome, solve_seconds=outcome.solve_seconds + time.perf_counter() - t0)
    if outcome.has_values:
        # The network found, with its flows settled by the fixed rule: the same network gives the same figures.
        t0 = time.perf_counter()
        decisions, value = settle(scenario, candidates, decisions, settling)
        outcome = replace(outcome, solve_seconds=outcome.solve_seconds + time.perf_counter() - t0)
        if settling is objective and value is not None and objective.maximise != "distinct" and outcome.objective is not None and value > outcome.objective:
            outcome = replace(outcome, objective=value, mip_gap=relative_gap(value, outcome.best_bound))
    problems = []
    if outcome.status is Status.infeasible:
        if objective.bounded:
            problems.append(bounds_message(scenario, objective))
        for part, sol in solved:
            if sol.termination is Termination.infeasible:
                lines = diagnose_infeasible(scenario, part)
                if lines or not objective.bounded:
                    problems.append("these rules and limits clash: " + "; ".join(lines) if lines else "the require rules cannot all hold together")
    table = parts_table(scenario, per_part)
    return build_result(scenario, candidates, decisions, outcome, build_seconds, problems, parts=table, objective=objective)


def second_stage_limit(settings: Settings) -> float:
    """The time limit of a lexicographic second stage: a quarter of ``solver.time_limit_s``, at least
    1 s. It starts from the first stage's network, which it only improves at (almost) equal value."""
    return max(1.0, settings.solver.time_limit_s / 4)


def tie_break(candidates: Candidates, solved: list[tuple[Part, Solution]], scenario: Scenario, objective: Objective) -> tuple[list[tuple[Part, Solution]], float]:
    """Among the optima of the measure maximised, the network with the most net savings (DESIGN 4b).

    Part by part (the optimum of a sum of independent parts is the sum of their optima):
    maximise savings subject to the objective's floors and ceilings and the part's measure
    held at ``measures.held`` of its first-stage optimum (``measures.lexicographic``),
    warm started from the first stage's network, which meets that. A part without a
    first-stage solution, or whose second stage finds none, keeps its first stage. Where
    floors and ceilings made the first stage one model, the second is split again
    (``_split``). Returns the parts' solutions and the measure's level held over all of
    them (sign x value).
    """
    deadline = time.monotonic() + second_stage_limit(scenario.settings)
    split = _split(candidates, solved, objective) if scenario.settings.solver.decompose else None
    if split is not None:
        done = _second_stage(split[0], scenario, deadline, objective, split[1], split[2])
        if done is not None:
            return done
    out: list[tuple[Part, Solution]] = []
    good = 0.0
    for part, first in solved:
        if first.objective is None:
            out.append((part, first))
            continue
        level = measures.held(first.objective)
        sol = _improve(part, first, scenario, deadline, measures.lexicographic(objective, level))
        out.append((part, sol or first))
        good += level if sol is not None else first.objective
    return out, good


def _improve(part: Part, first: Solution, scenario: Scenario, deadline: float, stage: Objective) -> Solution | None:
    """One part solved for a later stage's objective from its first-stage network; None when nothing was found."""
    if not len(part.candidates.arcs) + len(part.candidates.memberships):
        return None
    start = decisions_of(part.candidates, first)
    second = solve_part(part.candidates, scenario.settings, deadline, start=start, objective=stage).solution
    return second if second.has_solution else None


def _split(candidates: Candidates, solved: list[tuple[Part, Solution]], objective: Objective) -> tuple[list[Part], Part, Solution] | None:
    """The parts of a one-model first stage whose candidates carry neither the measure maximised nor a
    bounded one (a floor on savings aside: the second stage only raises savings), and the rest merged;
    None where there is nothing to split."""
    if len(solved) != 1 or solved[0][1].objective is None:
        return None
    coupling = {str(objective.maximise), *(n for n, _ in objective.floors if n != measures.TIE_BREAK), *(n for n, _ in objective.ceilings)}
    if coupling & {measures.TIE_BREAK, measures.WEIGHTED, measures.DISTINCT}:
        return None
    parts = split_components(candidates)
    ties = [carries(p.candidates, tuple(coupling)) for p in parts]
    free = [p for p, t in zip(parts, ties) if not t]
    if not free:
        return None
    rest = [p for p, t in zip(parts, ties) if t]
    arcs, opts, mems = (np.sort(np.concatenate([getattr(p, k) for p in rest] or [np.zeros(0, dtype=np.int64)])) for k in ("arcs", "options", "memberships"))
    return free, Part(subset(candidates, arcs, opts, mems), arcs, opts, mems), solved[0][1]


def _second_stage(
    free: list[Part], scenario: Scenario, deadline: float, objective: Objective, merged: Part, first: Solution
) -> tuple[list[tuple[Part, Solution]], float] | None:
    """The second stage of a one-model first stage, split: the free parts solved for savings alone, then the
    merged rest under the hold and the bounds, each floor on savings less what the free parts make (their
    warm start is their first-stage network, so the first-stage rest still meets it). None when a free part
    finds no solution (then the whole is solved as one)."""
    out: list[tuple[Part, Solution]] = []
    made = 0.0
    for part in free:
        sol = _improve(part, first, scenario, deadline, Objective(measures.TIE_BREAK))
        if sol is None or sol.objective is None:
            return None
        out.append((part, sol))
        made += sol.objective
    assert first.objective is not None
    level = measures.held(first.objective)
    floors = tuple((n, v - made) if n == measures.TIE_BREAK else (n, v) for n, v in objective.floors)
    stage = measures.lexicographic(Objective(objective.maximise, floors=floors, ceilings=objective.ceilings), level)
    sol = _improve(merged, first, scenario, deadline, stage)
    if sol is None:
        return None
    return [*out, (merged, sol)], level


def bounds_message(scenario: Scenario, objective: Objective) -> str:
    """Why a bounded objective is infeasible: the floors and ceilings that no network can meet on their own,
    each with the best that measure can reach (found by optimising it alone), or all of them where only
    their combination fails."""
    alone, together = [], []
    for kind, bounds, sign in (("floor", objective.floors, 1.0), ("ceiling", objective.ceilings, -1.0)):
        for name, value in bounds:
            m = measures.MEASURES.get(name)
            if m is None:  # the weighted sum (alternatives): no single measure to name
                together.append(f"{kind} on the objective {value:,.6g}")
                continue
            best = optimise(scenario, objective=Objective(((name, sign),)))
            reach = best.summary.measures.get(name) if best.summary.measures else None
            text = f"{kind} {name} {'>=' if sign > 0 else '<='} {value:,.6g} {m.unit}"
            if reach is not None and sign * (value - reach) > 1e-9 * max(1.0, abs(reach)):
                alone.append(f"{text}, but at {'most' if sign > 0 else 'least'} {reach:,.6g} {m.unit} can be reached")
            else:
                together.append(text)
    if alone:
        return "no network meets " + "; ".join(alone)
    return "no network meets these floors and ceilings together: " + "; ".join(together)


def run_baseline(scenario: Scenario, method: str) -> Result:
    """The result of a baseline: ``greedy`` (best value first) or ``type_only`` (every compatible pair in listing order)."""
    start = time.perf_counter()
    if method == "greedy":
        candidates = build_candidates(scenario)
        decisions = baselines.greedy(candidates, scenario.settings)
    elif method == "type_only":
        candidates = build_candidates(scenario, prune=False)
        decisions = baselines.type_only(candidates)
    else:
        raise ValueError(f"unknown baseline '{method}' (greedy or type_only)")
    seconds = time.perf_counter() - start
    outcome = Outcome(Status.heuristic, None, None, None, seconds, 1)
    return build_result(scenario, candidates, decisions, outcome, 0.0)
