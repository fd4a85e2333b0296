"""The roadmap: when each part of a network starts, over a horizon of years, under a yearly budget (DESIGN.md section 4g).

A small MILP of its own, beside the exchange model: reads no files, calls no solver.
Its units are what must start together (``analysis.roadmap`` forms them from a result):
an exchange; the exchanges into one peak demand (they share one cut); a facility with
its members (memberships start with their facility). Each unit u has a one-off cost O_u
(pipes, facility capex, route one-offs), yearly savings S_u (the result's, capital
annualised in them), an earliest year e_u (its lead time) and may be realised already.

Notation: years t = 0..N-1 (year 0 is now), start variables s_{u,t} in {0, 1}, rate r
(``settings.annualisation.rate``), budget B per year, and the annuity factor of a start
in year t, A_t = sum_{k=t}^{N-1} (1 + r)^-k (``economics.discounted_savings``).

    maximise  sum_u sum_t S_u A_t s_{u,t}        (the discounted savings over the horizon)

subject to the families of ``ROADMAP_FAMILIES`` (one ``add_<rule>`` each, maths in the
docstring). ``tests/test_families.py`` checks that each binds in a hand-computed case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyomo.core as pyo

from symbiosis import economics


@dataclass(frozen=True)
class ScheduleUnit:
    """What must start together: its one-off cost, yearly savings, earliest year, and whether it is realised."""

    key: str
    one_off_eur: float  # charged in its start year (0 for what is realised: spent before the roadmap)
    savings_eur_per_year: float
    earliest_year: int  # from its lead time: ceil(months / 12)
    realised: bool = False  # starts in year 0, whatever its lead time
    agreed: bool = False  # starts within the horizon, whatever it saves


@dataclass(frozen=True)
class ScheduleProblem:
    """A roadmap to plan: units, horizon, budget (None: no limit) and the discount rate."""

    units: tuple[ScheduleUnit, ...]
    years: int
    budget_eur_per_year: float | None
    rate: float

    def annuity(self, year: int) -> float:
        """A_t: what 1 EUR/yr of savings from year ``year`` to the horizon is worth today."""
        return economics.discounted_savings(1.0, year, self.years, self.rate)


@dataclass
class RoadmapModel:
    """A built roadmap model and which unit and year each start variable is."""

    model: pyo.ConcreteModel
    problem: ScheduleProblem
    starts: list[tuple[int, int]] = field(default_factory=list)  # variable position -> (unit position, year)


Rule = Callable[[pyo.ConcreteModel, ScheduleProblem, RoadmapModel], None]


@dataclass(frozen=True)
class RoadmapFamily:
    name: str
    add: Rule


ROADMAP_FAMILIES: dict[str, RoadmapFamily] = {}


def family(name: str) -> Callable[[Rule], Rule]:
    """Register ``add_<name>`` as a roadmap family."""

    def register(fn: Rule) -> Rule:
        assert fn.__name__ == f"add_{name}", f"{fn.__name__} must be named add_{name}"
        ROADMAP_FAMILIES[name] = RoadmapFamily(name, fn)
        return fn

    return register


@family("start_once")
def add_start_once(m: pyo.ConcreteModel, p: ScheduleProblem, h: RoadmapModel) -> None:
    """start_once[u]:  sum_t s_{u,t} <= 1: a unit starts at most once (or not within the horizon)."""
    m.start_once = pyo.Constraint(range(len(p.units)), rule=lambda _m, u: sum(_m.s[u, t] for t in range(p.years)) <= 1)


@family("lead_time")
def add_lead_time(m: pyo.ConcreteModel, p: ScheduleProblem, h: RoadmapModel) -> None:
    """lead_time[u]:  s_{u,t} = 0 for t < e_u: no start before the lead time has passed (realised units excepted)."""
    keys = [u for u, x in enumerate(p.units) if not x.realised and x.earliest_year > 0]
    m.lead_time = pyo.Constraint(keys, rule=lambda _m, u: sum(_m.s[u, t] for t in range(min(p.units[u].earliest_year, p.years))) == 0)


@family("yearly_budget")
def add_yearly_budget(m: pyo.ConcreteModel, p: ScheduleProblem, h: RoadmapModel) -> None:
    """yearly_budget[t]:  sum_u O_u s_{u,t} <= B: the one-off costs started in a year stay within its budget."""
    if p.budget_eur_per_year is None:
        return
    budget = float(p.budget_eur_per_year)
    costly = [u for u, x in enumerate(p.units) if x.one_off_eur > 0]
    keys = list(range(p.years)) if costly else []
    m.yearly_budget = pyo.Constraint(keys, rule=lambda _m, t: sum(p.units[u].one_off_eur * _m.s[u, t] for u in costly) <= budget)


@family("agreed_start")
def add_agreed_start(m: pyo.ConcreteModel, p: ScheduleProblem, h: RoadmapModel) -> None:
    """agreed_start[u]:  sum_t s_{u,t} = 1 for an agreed unit: what was agreed starts within the horizon (when the budget allows)."""
    keys = [u for u, x in enumerate(p.units) if x.agreed and not x.realised]
    m.agreed_start = pyo.Constraint(keys, rule=lambda _m, u: sum(_m.s[u, t] for t in range(p.years)) == 1)


@family("realised_now")
def add_realised_now(m: pyo.ConcreteModel, p: ScheduleProblem, h: RoadmapModel) -> None:
    """realised_now[u]:  s_{u,0} = 1 for a realised unit: it runs from year 0."""
    keys = [u for u, x in enumerate(p.units) if x.realised]
    m.realised_now = pyo.Constraint(keys, rule=lambda _m, u: _m.s[u, 0] == 1)


def build_roadmap_model(problem: ScheduleProblem, without: tuple[str, ...] = ()) -> RoadmapModel:
    """The roadmap MILP of a problem; ``without`` leaves out families (to show, in tests, that each binds)."""
    unknown = set(without) - set(ROADMAP_FAMILIES)
    if unknown:
        raise ValueError(f"unknown roadmap families: {sorted(unknown)}")
    m = pyo.ConcreteModel(name="roadmap")
    keys = [(u, t) for u in range(len(problem.units)) for t in range(problem.years)]
    m.s = pyo.Var(keys, domain=pyo.Binary)
    handle = RoadmapModel(m, problem, keys)
    for name, fam in ROADMAP_FAMILIES.items():
        if name not in without:
            fam.add(m, problem, handle)
    annuity = [problem.annuity(t) for t in range(problem.years)]
    m.objective = pyo.Objective(
        expr=sum(problem.units[u].savings_eur_per_year * annuity[t] * m.s[u, t] for u, t in keys) if keys else 0.0,
        sense=pyo.maximize,
    )
    return handle
