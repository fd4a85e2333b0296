"""A given network with its links fixed, only the flows re-optimised (the sweep's ``evaluate`` mode).

The network is the base optimum's links (exchanges' supply-demand pairs), built size
options and pool memberships. Its scenario keeps only what the network uses (its
streams and its facilities' rows, no rules: with every link fixed a rule changes
nothing), so a sample is cheap to validate and to build. The model is the same MILP
with y, z and w fixed at 1 (``build_model(fixed_network=True)``): an LP in the flows
x and remaining peaks k. A link that cannot be built in a sample, or limits that the
fixed network cannot meet (a pool's capacity below its members' needs, a minimum
quantity above the supply), make that sample infeasible.

``settle`` gives any network found its flows by the same fixed rule (the best flows for
its links, then the tie-break of ``model.tiebreak``), so that ``solve`` and ``evaluate``
report the same figures for the same network, whichever equal optimum HiGHS returned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from symbiosis.candidates import Candidates, Decisions, build_candidates, subset, whole
from symbiosis.model import ExchangeModel, add_tie_break, build_model
from symbiosis.results import Outcome, Result, assign, build_result
from symbiosis.schema import Scenario, SolverSettings
from symbiosis.solver.highs import solve_model
from symbiosis.types import WEIGHTED, ArcId, MembershipId, Objective, OptionId, Solution, Status, Termination

ZERO = 1e-9  # flows below this are solver noise (as in results)


@dataclass(frozen=True)
class Network:
    """The links of a network, by id: exchanges (supply, demand), size options (facility, option), memberships (facility, demand)."""

    arcs: tuple[ArcId, ...]
    options: tuple[OptionId, ...]
    memberships: tuple[MembershipId, ...]


def network_of(result: Result) -> Network:
    """The links a result chose (from its candidates and matches)."""
    c = result.candidates
    if c is None or not result.summary.status.has_solution:
        raise ValueError("the base scenario has no solution to fix")
    return network_from(c, result.matches, result.facilities)


def network_from(c: Candidates, m: pd.DataFrame, facilities: pd.DataFrame) -> Network:
    """The links of a result's matches and facilities (a size option found by its capacity among the candidates')."""
    ex = m[m["kind"] == "exchange"]
    pools = m[m["kind"] == "pool"]
    arcs = tuple(zip(ex["supply_stream"].astype(str), ex["demand_stream"].astype(str)))
    members = tuple(zip(pools["source"].astype(str), pools["demand_stream"].astype(str)))
    options: list[OptionId] = []
    for f in facilities.itertuples(index=False):
        rows = c.options[(c.options["facility"] == f.facility) & np.isclose(c.options["capacity"].astype(float), float(f.capacity))]
        options.append((str(f.facility), int(rows["option"].iloc[0])))
    return Network(arcs, tuple(options), members)


def network_scenario(scenario: Scenario, network: Network) -> Scenario:
    """The scenario reduced to what the network uses: its streams and facilities, no rules, no ranges, no stages
    (the links are fixed; permits and routes stay, since an exchange of waste still needs one)."""
    used = {s for a in network.arcs for s in a} | {d for _, d in network.memberships}
    facilities = {f for f, _ in network.options}
    return scenario.replaced(
        streams=tuple(s for s in scenario.streams if s.id in used),
        facilities=tuple(f for f in scenario.facilities if f.id in facilities),
        rules=(),
        uncertainty=(),
        progress=(),
    )


def evaluate_network(scenario: Scenario, network: Network) -> Result:
    """Re-optimise only the flows of ``network`` on ``scenario`` (an LP); its links stay as they are."""
    start = time.perf_counter()
    c = build_candidates(scenario, keep_all=True)
    arc_at = {a: i for i, a in enumerate(zip(c.arcs["supply_stream"], c.arcs["demand_stream"]))}
    option_at = {o: i for i, o in enumerate(zip(c.options["facility"], [int(k) for k in c.options["option"]]))}
    member_at = {j: i for i, j in enumerate(zip(c.memberships["facility"], c.memberships["demand_stream"]))}
    missing = [f"{s} -> {d}" for s, d in network.arcs if (s, d) not in arc_at]
    missing += [f"{f} size {k}" for f, k in network.options if (f, k) not in option_at]
    missing += [f"{d} in {f}" for f, d in network.memberships if (f, d) not in member_at]
    if missing:
        outcome = Outcome(Status.infeasible, None, None, None, 0.0, 1)
        return build_result(scenario, c, None, outcome, time.perf_counter() - start, [f"links of the base network that cannot be built: {', '.join(missing)}"])
    part = subset(
        c,
        np.array([arc_at[a] for a in network.arcs], dtype=np.int64),
        np.array([option_at[o] for o in network.options], dtype=np.int64),
        np.array([member_at[j] for j in network.memberships], dtype=np.int64),
    )
    handle = build_model(part, scenario.settings, fixed_network=True)
    build_seconds = time.perf_counter() - start
    solution = tie_broken(handle, part, scenario.settings.solver)
    decisions, outcome = assign(part, [(whole(part), solution)])
    problems = [] if outcome.status.has_solution else ["the fixed base network cannot meet this sample's limits (pool capacity or minimum quantities)"]
    return build_result(scenario, part, decisions, outcome, build_seconds, problems)


def tie_broken(handle: ExchangeModel, c: Candidates, options: SolverSettings) -> Solution:
    """Solve a fixed network with its flows settled by the tie-break (``model.tiebreak``).

    The solution's objective is the measure itself (the tie-break term added back).
    """
    weights = add_tie_break(handle.model, c, handle)
    solution = solve_model(handle, options)
    if solution.objective is None or not len(weights):
        return solution
    x = [solution.flows[handle.arc_ids[a]][t] for a, t in zip(handle.flow_arc.tolist(), handle.flow_slot.tolist())]
    moved = float(np.dot(weights, x))
    value = solution.objective + moved
    bound = None if solution.best_bound is None else solution.best_bound + moved
    return replace(solution, objective=value, best_bound=bound)


def _settling(objective: Objective) -> Objective:
    """What the network's flows are settled for: the measure maximised (the weighted one for ``distinct``), with the floors and ceilings."""
    maximise = objective.maximise if objective.maximise != "distinct" else "weighted"
    return Objective(maximise, floors=objective.floors, ceilings=objective.ceilings)


def settle(scenario: Scenario, c: Candidates, decisions: Decisions, objective: Objective = WEIGHTED) -> tuple[Decisions, float | None]:
    """The same links, options and memberships with their flows settled: the best flows for them, then the tie-break.

    Returns the decisions and the settled network's value of the measure maximised
    (None, and the decisions as they were, when there is nothing to settle or the LP
    fails). The value is at least the given flows' (they are feasible for the LP).
    """
    arcs = np.flatnonzero(decisions.y > 0.5)
    if not len(arcs):
        return decisions, None
    options = np.flatnonzero(decisions.z > 0.5)
    memberships = np.flatnonzero(decisions.w > 0.5)
    part = subset(c, arcs, options, memberships)
    handle = build_model(part, scenario.settings, _settling(objective), fixed_network=True)
    solution = tie_broken(handle, part, scenario.settings.solver)
    if solution.termination is not Termination.optimal or solution.objective is None:
        return decisions, None
    flows = list(decisions.flows)
    for i, a in enumerate(arcs.tolist()):
        x = solution.flows[handle.arc_ids[i]]
        flows[a] = np.where(x > ZERO, x, 0.0)
    return Decisions(flows, decisions.y, decisions.z, decisions.w), solution.objective
