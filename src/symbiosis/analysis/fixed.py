"""A given network with its links fixed, only the flows re-optimised (the sweep's ``evaluate`` mode).

The network is the base optimum's links (exchanges' supply-demand pairs), built size
options and pool memberships. Its scenario keeps only what the network uses (its
streams and its facilities' rows, no rules: with every link fixed a rule changes
nothing), so a sample is cheap to validate and to build. The model is the same MILP
with y, z and w fixed at 1 (``build_model(fixed_network=True)``): an LP in the flows
x and remaining peaks k. A link that cannot be built in a sample, or limits that the
fixed network cannot meet (a pool's capacity below its members' needs, a minimum
quantity above the supply), make that sample infeasible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from symbiosis.candidates import build_candidates, subset, whole
from symbiosis.model import build_model
from symbiosis.results import Outcome, Result, assign, build_result
from symbiosis.schema import Scenario
from symbiosis.solver.highs import solve_model
from symbiosis.types import ArcId, MembershipId, OptionId, Status


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
    m = result.matches
    ex = m[m["kind"] == "exchange"]
    pools = m[m["kind"] == "pool"]
    arcs = tuple(zip(ex["supply_stream"].astype(str), ex["demand_stream"].astype(str)))
    members = tuple(zip(pools["source"].astype(str), pools["demand_stream"].astype(str)))
    options: list[OptionId] = []
    for f in result.facilities.itertuples(index=False):
        rows = c.options[(c.options["facility"] == f.facility) & np.isclose(c.options["capacity"].astype(float), float(f.capacity))]
        options.append((str(f.facility), int(rows["option"].iloc[0])))
    return Network(arcs, tuple(options), members)


def network_scenario(scenario: Scenario, network: Network) -> Scenario:
    """The scenario reduced to what the network uses: its streams and facilities, no rules, no ranges."""
    used = {s for a in network.arcs for s in a} | {d for _, d in network.memberships}
    facilities = {f for f, _ in network.options}
    return scenario.replaced(
        streams=tuple(s for s in scenario.streams if s.id in used),
        facilities=tuple(f for f in scenario.facilities if f.id in facilities),
        rules=(),
        uncertainty=(),
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
    solution = solve_model(handle, scenario.settings.solver)
    decisions, outcome = assign(part, [(whole(part), solution)])
    problems = [] if outcome.status.has_solution else ["the fixed base network cannot meet this sample's limits (pool capacity or minimum quantities)"]
    return build_result(scenario, part, decisions, outcome, build_seconds, problems)
