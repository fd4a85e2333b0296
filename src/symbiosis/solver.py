"""The one module that touches HiGHS.

It hands a built Pyomo model to HiGHS through Pyomo's ``appsi_highs`` interface (the
one with a MIP warm start) and returns the project's own ``Solution``, never a
solver object. HiGHS runs are repeatable for a fixed model order, options and
``threads`` when they stop on the gap; runs that stop on the time limit are not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs

from symbiosis.model import ExchangeModel
from symbiosis.scenario import SolverSettings


class Status(str, Enum):
    """How a solve ended."""

    optimal = "optimal"  # proven within mip_rel_gap
    time_limit = "time_limit"  # stopped by the time limit with a solution
    no_solution = "no_solution"  # stopped by the time limit before any solution
    infeasible = "infeasible"
    error = "error"
    heuristic = "heuristic"  # a baseline's result: feasible, with no bound


@dataclass(frozen=True)
class Solution:
    """What the solver found, in the model's own index space."""

    status: Status
    objective: float | None
    best_bound: float | None
    mip_gap: float | None
    x: np.ndarray  # flow values, by flow variable
    y: np.ndarray  # link choices, by arc
    k: np.ndarray  # remaining peaks, by peak demand
    solve_seconds: float
    message: str = ""
    z: np.ndarray = field(default_factory=lambda: np.zeros(0))  # size options built, by option
    w: np.ndarray = field(default_factory=lambda: np.zeros(0))  # memberships, by candidate

    @property
    def has_values(self) -> bool:
        return self.status in (Status.optimal, Status.time_limit, Status.heuristic)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """|bound - objective| / max(|objective|, 1): 0 when proven optimal."""
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(abs(objective), 1.0)


def solve_model(handle: ExchangeModel, options: SolverSettings, time_limit_s: float | None = None, warm_start: bool = False) -> Solution:
    """Solve with HiGHS under the time limit, gap, threads and seed of ``options``.

    ``time_limit_s`` overrides the limit (for one part of a decomposed problem);
    ``warm_start`` hands HiGHS the variables' current values as a first solution.
    """
    m = handle.model
    n_flows, n_arcs, n_peaks = len(handle.flow_arc), len(m.y), len(handle.peak_demands)
    n_options, n_members = len(m.z), len(m.w)
    start = time.perf_counter()
    if n_arcs == 0 and n_options == 0:
        # Nothing to choose: the optimum is the objective's constant (no matches).
        value = float(pyo.value(m.objective.expr, exception=False) or 0.0)
        return Solution(Status.optimal, value, value, 0.0, np.zeros(0), np.zeros(0), np.zeros(n_peaks), 0.0)
    opt = Highs(only_child_vars=True)
    opt.config.load_solution = False
    opt.config.stream_solver = False
    opt.config.time_limit = float(time_limit_s if time_limit_s is not None else options.time_limit_s)
    opt.config.mip_gap = float(options.mip_rel_gap)
    opt.config.warmstart = warm_start
    opt.highs_options = {"threads": int(options.threads), "random_seed": int(options.seed), "output_flag": False}
    with PauseGC():
        result = _interruptible(opt, m)
    seconds = time.perf_counter() - start
    tc = result.termination_condition
    has_solution = result.best_feasible_objective is not None
    if tc == TerminationCondition.optimal:
        status = Status.optimal
    elif tc in (TerminationCondition.maxTimeLimit, TerminationCondition.maxIterations, TerminationCondition.objectiveLimit, TerminationCondition.interrupted):
        status = Status.time_limit if has_solution else Status.no_solution
    elif tc in (TerminationCondition.infeasible, TerminationCondition.infeasibleOrUnbounded):
        status = Status.infeasible
    else:
        status = Status.error
    x = np.zeros(n_flows)
    y = np.zeros(n_arcs)
    k = np.zeros(n_peaks)
    z = np.zeros(n_options)
    w = np.zeros(n_members)
    if status in (Status.optimal, Status.time_limit) and has_solution:
        primals = result.solution_loader.get_primals()
        x = np.array([primals[m.x[f]] for f in range(n_flows)], dtype=float)
        y = np.array([primals[m.y[a]] for a in range(n_arcs)], dtype=float)
        k = np.array([primals[m.k[i]] for i in range(n_peaks)], dtype=float)
        z = np.array([primals[m.z[o]] for o in range(n_options)], dtype=float)
        w = np.array([primals[m.w[j]] for j in range(n_members)], dtype=float)
    objective = result.best_feasible_objective
    bound = result.best_objective_bound
    return Solution(
        status=status,
        objective=objective,
        best_bound=bound,
        mip_gap=relative_gap(objective, bound),
        x=x,
        y=y,
        k=k,
        solve_seconds=seconds,
        message=str(tc.name),
        z=z,
        w=w,
    )


def lp_conflict(handle: ExchangeModel, options: SolverSettings) -> list[tuple[str, object]] | None:
    """An irreducible infeasible set of the model's LP relaxation, as (constraint family, index).

    None when the relaxation is feasible (only the integer model clashes) or HiGHS
    finds no set. Uses HiGHS's IIS on the LP relaxation (iis_strategy 22).
    """
    opt = Highs(only_child_vars=True)
    opt.config.load_solution = False
    opt.config.time_limit = float(options.time_limit_s)
    opt.highs_options = {"threads": int(options.threads), "random_seed": int(options.seed), "output_flag": False}
    with PauseGC():
        opt.solve(handle.model)
    highs = opt._solver_model
    highs.setOptionValue("iis_strategy", 22)
    _, iis = highs.getIis()
    if not iis.valid_ or len(iis.row_index_) == 0:
        return None
    rows = opt._solver_con_to_pyomo_con_map
    out: list[tuple[str, object]] = []
    for i in iis.row_index_:
        con = rows[int(i)]
        out.append((con.parent_component().local_name, con.index()))
    return out


def _interruptible(opt: Highs, model: object) -> object:
    """Solve so that Ctrl-C stops HiGHS and then raises KeyboardInterrupt here.

    HiGHS keeps the signal from Python while it runs; with its user-interrupt
    callbacks on, Python gets control often enough for our handler to cancel it.
    """
    import logging
    import signal
    import threading

    opt.set_instance(model)
    highs = opt._solver_model
    highs.HandleUserInterrupt = True
    interrupted: list[bool] = []

    def on_sigint(signum: int, frame: object) -> None:
        interrupted.append(True)
        highs.cancelSolve()

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if main else None
    log = logging.getLogger("pyomo.contrib.appsi.solvers.highs")
    level = log.level
    log.setLevel(logging.ERROR)  # appsi warns about HiGHS's interrupt status; we raise instead
    try:
        result = opt.solve(model)
    finally:
        log.setLevel(level)
        if main:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt
    return result
