"""Diagnoses that the pipeline itself needs: why a pair is no candidate, and why rules clash.

``exclusion_reasons`` traces a stream pair through the candidate filters; an
infeasible part is narrowed to the smallest set of clashing ``require`` rules and
the limits they fight over.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from symbiosis.candidates import Candidates, Part, RequireRule, build_candidates
from symbiosis.candidates.programme import named as streams_of
from symbiosis.candidates.programme import not_generated
from symbiosis.model import build_model
from symbiosis.schema import Direction, Scenario
from symbiosis.solver import lp_conflict, solve_model
from symbiosis.types import Termination


def exclusion_reasons(scenario: Scenario, source: str, target: str) -> tuple[list[tuple[str, str, str]], set[tuple[str, str]]]:
    """Why each (supply of source, demand of target) pair is not a candidate; and the pairs that are."""
    supplies = streams_of(scenario, source, Direction.supply)
    demands = streams_of(scenario, target, Direction.demand)
    pairs = {(s.id, d.id) for s in supplies for d in demands}
    c = build_candidates(scenario, trace=pairs)
    present = set(zip(c.arcs["supply_stream"], c.arcs["demand_stream"])) & pairs
    excluded = [
        (s.id, d.id, c.excluded.get((s.id, d.id)) or not_generated(scenario, s, d))
        for s in supplies
        for d in demands
        if (s.id, d.id) not in present
    ]
    if not supplies:
        excluded.append((source, target, f"'{source}' has no supply stream"))
    if not demands:
        excluded.append((source, target, f"'{target}' has no demand stream"))
    return sorted(excluded), present


# --------------------------------------------------------------------------- infeasibility


def diagnose_infeasible(scenario: Scenario, part: Part) -> list[str]:
    """Name the smallest set of require rules, and the limits, that clash in an infeasible part.

    A deletion filter drops each require rule in turn and keeps it dropped when the
    rest still clash, so every rule named is needed for the clash. HiGHS's IIS of
    the LP relaxation then names the limits involved; when only the integer model
    clashes, the minimum quantities and supplies of the rules' streams are named.
    """
    st = scenario.settings
    c = part.candidates
    keep = list(c.requires)

    def feasible(rules: list[RequireRule]) -> bool:
        trial = replace(c, requires=rules)
        return solve_model(build_model(trial, st), st.solver).termination is not Termination.infeasible

    if feasible(keep):
        return []
    for r in list(keep):
        if r.held:
            continue  # an agreed or realised link cannot be dropped: the rules that clash with it are named
        rest = [x for x in keep if x is not r]
        if not feasible(rest):
            keep = rest
    core = replace(c, requires=keep)
    lines = [rule_text(scenario, r) for r in keep]
    conflict = lp_conflict(build_model(core, st), st.solver)
    if conflict is None:
        arcs = sorted({a for r in keep for a in r.arcs})
        lines += _limits_of(scenario, core, arcs)
    else:
        lines += [t for t in (_describe(scenario, core, name, index) for name, index in conflict) if t]
    return list(dict.fromkeys(lines))  # the rules come first; the IIS names them again


def _limits_of(scenario: Scenario, c: Candidates, arcs: list[int]) -> list[str]:
    out = []
    for a in arcs:
        row = c.arcs.iloc[a]
        if row["min_flow"] > 0:
            out.append(f"minimum quantity {row['min_flow']:g} of {row['supply_stream']} -> {row['demand_stream']}")
    for s in sorted({c.arcs.iloc[a]["supply_stream"] for a in arcs}):
        out.append(f"supply {s}: {scenario.stream_by_id[s].quantity:g} {scenario.resource_by_id[scenario.stream_by_id[s].resource].unit}")
    return out


def _describe(scenario: Scenario, c: Candidates, name: str, index: Any) -> str | None:
    """A constraint of the model in the analyst's terms; None for structural rows."""
    unit = lambda sid: scenario.resource_by_id[scenario.stream_by_id[sid].resource].unit  # noqa: E731
    if name == "require":
        return rule_text(scenario, c.requires[int(index)])
    if name in ("supply_limit", "demand_limit"):
        sid, t = index
        qty = (c.supply_slots if name == "supply_limit" else c.demand_slots)[sid][t]
        what = "supply" if name == "supply_limit" else "demand"
        return f"{what} {sid}: {qty:g} {unit(sid)} in slot {c.slots[sid][t]}"
    if name == "min_quantity":
        row = c.arcs.iloc[int(index)]
        return f"minimum quantity {row['min_flow']:g} {unit(row['supply_stream'])} of {row['supply_stream']} -> {row['demand_stream']}"
    if name == "pool_capacity":
        f, t = index
        return f"capacity of facility {f} in slot {t}"
    if name == "member_takes_no_exchange":
        row = c.arcs.iloc[int(index)]
        return f"a pool member takes no exchanges ({row['demand_stream']})"
    return None


def rule_text(scenario: Scenario, r: RequireRule) -> str:
    """A require rule in the analyst's terms: its file and row, and what it asks for."""
    file, row = scenario.origin(r.table, r.index)
    if r.held:
        return f"{file}: row {row}: {scenario.progress[r.index].stage} {r.source} -> {r.target} (held by its stage)"
    return f"{file}: row {row}: require {r.source} -> {r.target}"


def unmet_message(scenario: Scenario, rule: RequireRule) -> str:
    """Name the rule's row and, for each stream pair it covers, what excluded it."""
    reasons, _ = exclusion_reasons(scenario, rule.source, rule.target)
    detail = "; ".join(f"{s} -> {d}: {why}" for s, d, why in reasons[:10])
    more = f" (and {len(reasons) - 10} more pairs)" if len(reasons) > 10 else ""
    return f"{rule_text(scenario, rule)} cannot hold: no candidate exchange joins them: {detail}{more}"
