"""The one module that touches HiGHS.

It reads the built Pyomo model's rows straight from their linear expressions into
one sparse matrix and passes it to HiGHS (highspy) in a single call, which is much
faster than Pyomo's persistent ``appsi_highs`` interface on large models (that one
is still used for the IIS of ``lp_conflict``). It returns the project's own
``Solution``, never a solver object. HiGHS runs are repeatable for a fixed model order, options and
``threads`` when they stop on the gap; runs that stop on the time limit are not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.common.gc_manager import PauseGC
from pyomo.common.tee import capture_output
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.repn import generate_standard_repn

from symbiosis.model import ExchangeModel
from symbiosis.model.handle import Decoder
from symbiosis.model.roadmap import RoadmapModel
from symbiosis.schema import SolverSettings
from symbiosis.types import Schedule, Solution, Termination

# HiGHS's sub-MIP heuristics (RINS, RENS, root reduced-cost) find incumbents in big
# models, but on a small part warm started from the greedy one they cost more time than
# they save (Haasrode's office-space part, 117 columns: 3.3 s with them, 0.9 s without;
# the same optimum). RENS and root reduced-cost are off for pool-free parts of up to
# SMALL_MODEL_COLUMNS columns, RINS only for those of up to TINY_MODEL_COLUMNS: on the
# pool-free pallet parts of 150-company parks (about 1,000 columns) RINS is what closes
# the gap (2.9 % after 40 s without it, 0.7 % with; RENS and root reduced-cost gain less
# than they cost there). Parts with pool memberships keep all three, whatever their size:
# the greedy start is far from their optimum (a 1,000-company parking part: 3.2 % gap
# after 37 s without them, 1.0 % with). See docs/performance.md 5.
SMALL_MODEL_COLUMNS = 5000
TINY_MODEL_COLUMNS = 200
SUB_MIP_HEURISTICS = ("mip_heuristic_run_rens", "mip_heuristic_run_root_reduced_cost")
RINS = "mip_heuristic_run_rins"


def sub_mip_heuristics_off(num_col: int, memberships: int) -> tuple[str, ...]:
    """The HiGHS options of the sub-MIP heuristics switched off for a part of this size (see above)."""
    if memberships or num_col > SMALL_MODEL_COLUMNS:
        return ()
    return (*SUB_MIP_HEURISTICS, RINS) if num_col <= TINY_MODEL_COLUMNS else SUB_MIP_HEURISTICS


def _set_start(highs: highspy.Highs, values: Any) -> None:
    """Hand HiGHS a start: every column's value (it completes a start that no longer fits from its integers)."""
    sol = highspy.HighsSolution()
    sol.col_value = values
    sol.value_valid = True
    sol.dual_valid = False
    highs.setSolution(sol)


@dataclass
class Compiled:
    """A part's model as HiGHS sees it: the matrix, and how its columns map back to ids.

    Holds no Pyomo object, so a part the time limit stopped can be solved again
    (from its incumbent) without building its model a second time.
    """

    lp: highspy.HighsLp
    decoder: Decoder

    # A HighsLp does not pickle; a Dask worker sends its arrays, and the LP is made again from them.
    _FIELDS = ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_")

    def __getstate__(self) -> dict[str, Any]:
        lp, matrix = self.lp, self.lp.a_matrix_
        arrays = {f: np.asarray(getattr(lp, f), dtype=float) for f in self._FIELDS}
        return {
            "decoder": self.decoder, "arrays": arrays, "num_col": lp.num_col_, "num_row": lp.num_row_,
            "sense": int(lp.sense_), "offset": float(lp.offset_),
            "integrality": [int(t) for t in lp.integrality_],
            "start": np.asarray(matrix.start_, dtype=np.int32), "index": np.asarray(matrix.index_, dtype=np.int32),
            "value": np.asarray(matrix.value_, dtype=float),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = state["num_col"], state["num_row"]
        for f, arr in state["arrays"].items():
            setattr(lp, f, arr)
        lp.sense_ = highspy.ObjSense(state["sense"])
        lp.offset_ = state["offset"]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = state["num_col"], state["num_row"]
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = state["start"], state["index"], state["value"]
        if state["integrality"]:
            lp.integrality_ = [highspy.HighsVarType(t) for t in state["integrality"]]
        self.lp = lp
        self.decoder = state["decoder"]


def compile_model(handle: ExchangeModel) -> tuple[Compiled, np.ndarray]:
    """The model's matrix and decoder, and the variables' current values as a start vector."""
    lp, columns = _to_highs(handle.model)
    col = {id(v): i for i, v in enumerate(columns)}
    values = np.array([0.0 if v.value is None else float(v.value) for v in columns], dtype=float)
    return Compiled(lp, handle.decoder(col)), values


def solve_model(handle: ExchangeModel, options: SolverSettings, time_limit_s: float | None = None, warm_start: bool = False) -> Solution:
    """Solve with HiGHS under the time limit, gap, threads and seed of ``options``.

    ``time_limit_s`` overrides the limit (for one part of a decomposed problem);
    ``warm_start`` hands HiGHS the variables' current values as a first solution.
    """
    return solve_keeping(handle, options, time_limit_s, warm_start)[0]


Kept = tuple[Compiled, np.ndarray | None]  # a stopped model and its incumbent's column values


def solve_keeping(handle: ExchangeModel, options: SolverSettings, time_limit_s: float | None = None, warm_start: bool = False) -> tuple[Solution, Kept | None]:
    """``solve_model``, and for a model the time limit stopped its compiled form, to solve it again without a rebuild."""
    m = handle.model
    start = time.perf_counter()
    if len(m.y) == 0 and len(m.z) == 0:
        # Nothing to choose: the optimum is the objective's constant (no matches).
        value = float(pyo.value(m.objective.expr, exception=False) or 0.0)
        return Solution(Termination.optimal, value, value, 0.0, message="optimal"), None
    with PauseGC():
        compiled, values = compile_model(handle)
    solution, final = solve_compiled(compiled, options, time_limit_s, values if warm_start else None, started=start)
    return solution, ((compiled, final) if solution.termination is Termination.time_limit else None)


def solve_compiled(
    compiled: Compiled, options: SolverSettings, time_limit_s: float | None = None, start_values: np.ndarray | None = None, started: float | None = None
) -> tuple[Solution, np.ndarray | None]:
    """Solve a compiled model; returns the solution and HiGHS's column values (None without a solution).

    ``start_values`` (one per column) is handed to HiGHS as a first solution;
    ``started`` is when the caller began (``time.perf_counter()``), so that the
    solution's seconds include the compilation.
    """
    start = time.perf_counter() if started is None else started
    lp = compiled.lp
    with capture_output(capture_fd=True):  # HiGHS prints a banner when created
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.setOptionValue("time_limit", float(time_limit_s if time_limit_s is not None else options.time_limit_s))
    highs.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    highs.setOptionValue("threads", int(options.threads))
    highs.setOptionValue("random_seed", int(options.seed))
    for name in sub_mip_heuristics_off(lp.num_col_, len(compiled.decoder.w_col)):
        highs.setOptionValue(name, False)
    if start_values is not None:
        _set_start(highs, start_values)
    _interruptible(highs)
    seconds = time.perf_counter() - start
    ms = highs.getModelStatus()
    hs = highspy.HighsModelStatus
    sol = highs.getSolution()
    info = highs.getInfo()
    limits = (hs.kTimeLimit, hs.kIterationLimit, hs.kObjectiveBound, hs.kObjectiveTarget, hs.kInterrupt, getattr(hs, "kSolutionLimit", hs.kIterationLimit))
    if ms == hs.kOptimal:
        termination, has_solution = Termination.optimal, True
    elif ms in limits:
        termination, has_solution = Termination.time_limit, bool(sol.value_valid)
    elif ms in (hs.kInfeasible, hs.kUnboundedOrInfeasible):
        termination, has_solution = Termination.infeasible, False
    else:
        termination, has_solution = Termination.error, False
    message = {Termination.optimal: "optimal", Termination.infeasible: "infeasible"}.get(termination, str(ms).split(".")[-1])
    bound: float | None = None
    if not has_solution:
        if termination is Termination.time_limit:
            bound = _stopped_bound(lp, info, options, None)
        return Solution(termination, None, bound, time.perf_counter() - start, message=message), None
    values = np.asarray(sol.col_value, dtype=float)
    objective = float(info.objective_function_value)
    if start_values is not None and abs(float(np.dot(lp.col_cost_, values)) + float(lp.offset_) - objective) > 1e-6 * max(1.0, abs(objective)):
        # HiGHS 1.16 can hand back the start itself when presolve solves the problem it
        # reduced the start to ("MIP start ... feasible in the reduced space"): its objective
        # is the optimum's, its values are the start's. Solved again without the start.
        return solve_compiled(compiled, options, time_limit_s, None, started=start)
    bound = float(info.mip_dual_bound) if info.mip_node_count != -1 else objective
    if termination is Termination.time_limit:
        bound = _stopped_bound(lp, info, options, objective)
        seconds = time.perf_counter() - start
    return Solution(termination, objective, bound, seconds, *compiled.decoder(values), message=message), values


ROADMAP_GAP = 1e-9


def solve_roadmap(handle: RoadmapModel, options: SolverSettings) -> Schedule:
    """Solve a roadmap model (``model.roadmap``) with HiGHS: each unit's start year, or None where it does not start.

    A roadmap is small (units x years binaries), so it is solved to a relative gap of
    1e-9 whatever ``options.mip_rel_gap`` says: at the network's gap a match worth a few
    hundred EUR over the horizon could be left out of a schedule worth millions.
    """
    start = time.perf_counter()
    m = handle.model
    if not handle.starts:
        value = float(pyo.value(m.objective.expr, exception=False) or 0.0)
        return Schedule(Termination.optimal, value, value, {}, 0.0)
    lp, columns = _to_highs(m)
    col = {id(v): i for i, v in enumerate(columns)}
    with capture_output(capture_fd=True):
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    highs.setOptionValue("time_limit", float(options.time_limit_s))
    highs.setOptionValue("mip_rel_gap", min(float(options.mip_rel_gap), ROADMAP_GAP))
    highs.setOptionValue("threads", int(options.threads))
    highs.setOptionValue("random_seed", int(options.seed))
    _interruptible(highs)
    hs = highspy.HighsModelStatus
    status, sol, info = highs.getModelStatus(), highs.getSolution(), highs.getInfo()
    if status == hs.kOptimal:
        termination = Termination.optimal
    elif status in (hs.kInfeasible, hs.kUnboundedOrInfeasible):
        termination = Termination.infeasible
    elif status in (hs.kTimeLimit, hs.kInterrupt, hs.kIterationLimit):
        termination = Termination.time_limit
    else:
        termination = Termination.error
    seconds = time.perf_counter() - start
    if termination in (Termination.infeasible, Termination.error) or not sol.value_valid:
        return Schedule(termination, None, None, {}, seconds)
    values = np.asarray(sol.col_value, dtype=float)
    starts: dict[int, int | None] = {u: None for u in range(len(handle.problem.units))}
    for (u, t), v in zip(handle.starts, (m.s[k] for k in handle.starts)):
        if values[col[id(v)]] > 0.5:
            starts[u] = t
    objective = float(info.objective_function_value)
    bound = float(info.mip_dual_bound) if info.mip_node_count != -1 and np.isfinite(info.mip_dual_bound) else objective
    return Schedule(termination, objective, bound, starts, seconds)


def _stopped_bound(lp: highspy.HighsLp, info: Any, options: SolverSettings, objective: float | None) -> float | None:
    """A valid bound for a solve the time limit stopped: the tighter of HiGHS's and the LP relaxation's.

    HiGHS's dual bound is trivial (from the columns' bounds alone) when the limit
    came before its root node was done, so then the LP relaxation is solved here, on
    the same matrix, in a fresh HiGHS (the MIP's own run is left untouched). Past the
    root node (a node count above 0) HiGHS's bound is as tight as the LP's (up to its
    tolerances, about 1e-6 relative) or tighter, and is used alone, which saves the LP
    solve on the parts that got that far. Every part so gets at least its LP bound,
    whatever its time share. When even the LP cannot be
    solved, the bound from the columns' bounds is used: weak, but finite and valid.
    """
    maximise = lp.sense_ == highspy.ObjSense.kMaximize
    bounds: list[float | None] = []
    if info.mip_node_count != -1 and np.isfinite(info.mip_dual_bound):
        bounds.append(float(info.mip_dual_bound))
    if info.mip_node_count > 0:
        pass  # past the root node: HiGHS's bound is as tight as the LP relaxation's (up to its tolerances) or tighter
    else:
        bounds += [_relaxation_bound(lp, options), _column_bound(lp)]
    known = [b for b in bounds if b is not None]
    if not known:
        return None
    best = min(known) if maximise else max(known)
    if objective is not None:  # the LP's tolerances must not put the bound past the incumbent
        best = max(best, objective) if maximise else min(best, objective)
    return best


def _relaxation_bound(lp: highspy.HighsLp, options: SolverSettings) -> float | None:
    """The optimum of the LP relaxation of ``lp`` (integrality dropped), or None if HiGHS does not reach it."""
    with capture_output(capture_fd=True):
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
    # No time limit: an LP of a part takes a small fraction of its branch and bound, and
    # without it the bound would be the columns' one (Ctrl-C still stops it).
    highs.setOptionValue("threads", int(options.threads))
    highs.setOptionValue("random_seed", int(options.seed))
    highs.setOptionValue("solve_relaxation", True)
    highs.passModel(lp)
    _interruptible(highs)
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(highs.getInfo().objective_function_value)


def _column_bound(lp: highspy.HighsLp) -> float | None:
    """The best objective any point within the columns' bounds could have (rows ignored); None if unbounded."""
    cost = np.asarray(lp.col_cost_, dtype=float)
    lower = np.asarray(lp.col_lower_, dtype=float)
    upper = np.asarray(lp.col_upper_, dtype=float)
    used = cost != 0
    cost, lower, upper = cost[used], lower[used], upper[used]
    if lp.sense_ == highspy.ObjSense.kMaximize:
        best = np.where(cost > 0, upper, lower) * cost
    else:
        best = np.where(cost > 0, lower, upper) * cost
    value = float(np.sum(best)) + float(lp.offset_)
    return value if np.isfinite(value) else None


def _to_highs(m: pyo.ConcreteModel) -> tuple[highspy.HighsLp, list]:
    """The model as a HiGHS LP (row-wise matrix), and its columns (Pyomo variables) in order.

    Columns are the model's variables in declaration order; rows its active
    constraints in declaration order, so the same model always gives the same
    matrix. Bodies built as flat ``LinearExpression``s are read term by term;
    anything else goes through Pyomo's standard repn.
    """
    columns = list(m.component_data_objects(pyo.Var, active=True, descend_into=True, sort=False))
    col = {id(v): i for i, v in enumerate(columns)}
    inf = highspy.kHighsInf
    row_lower: list[float] = []
    row_upper: list[float] = []
    starts: list[int] = [0]
    index: list[int] = []
    value: list[float] = []

    def linear(expr: Any) -> tuple[float, list[int], list[float]]:
        if expr.__class__ is LinearExpression:
            idx: list[int] = []
            val: list[float] = []
            for a in expr.args:
                if a.__class__ is MonomialTermExpression:
                    coef, var = a.args
                    j = col.get(id(var))
                    coef = coef if coef.__class__ is float else pyo.value(coef)
                else:
                    j, coef = col.get(id(a)), 1.0
                if j is None:  # a constant or another kind of term: take the general path
                    break
                idx.append(j)
                val.append(float(coef))
            else:
                return 0.0, idx, val
        repn = generate_standard_repn(expr, quadratic=False, compute_values=True)
        if repn.nonlinear_expr is not None:
            raise ValueError("the model is not linear")
        return float(repn.constant), [col[id(v)] for v in repn.linear_vars], [float(c) for c in repn.linear_coefs]

    for con in m.component_data_objects(pyo.Constraint, active=True, descend_into=True, sort=False):
        lb, body, ub = con.to_bounded_expression(evaluate_bounds=True)
        constant, idx, val = linear(body)
        row_lower.append(-inf if lb is None else float(lb) - constant)
        row_upper.append(inf if ub is None else float(ub) - constant)
        index += idx
        value += val
        starts.append(len(index))
    objectives = list(m.component_data_objects(pyo.Objective, active=True, descend_into=True))
    cost = np.zeros(len(columns))
    offset = 0.0
    sense = highspy.ObjSense.kMinimize
    if objectives:
        obj = objectives[0]
        offset, idx, val = linear(obj.expr)
        np.add.at(cost, np.array(idx, dtype=np.int64), np.array(val, dtype=float))
        if obj.sense == pyo.maximize:
            sense = highspy.ObjSense.kMaximize
    lp = highspy.HighsLp()
    lp.num_col_ = len(columns)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = cost
    lp.offset_ = offset
    lp.sense_ = sense
    lower, upper, integer = [], [], []
    for v in columns:
        if v.fixed:
            lower.append(float(v.value))
            upper.append(float(v.value))
        else:
            lb, ub = v.bounds  # both at once: v.lb and v.ub each work out the domain's bounds, and each was read twice
            lower.append(-inf if lb is None else float(lb))
            upper.append(inf if ub is None else float(ub))
        integer.append(highspy.HighsVarType.kInteger if v.is_integer() else highspy.HighsVarType.kContinuous)
    lp.col_lower_ = np.array(lower, dtype=float)
    lp.col_upper_ = np.array(upper, dtype=float)
    lp.row_lower_ = np.array(row_lower, dtype=float)
    lp.row_upper_ = np.array(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = len(columns)
    lp.a_matrix_.num_row_ = len(row_lower)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    if any(t == highspy.HighsVarType.kInteger for t in integer):
        lp.integrality_ = integer
    return lp, columns


def lp_conflict(handle: ExchangeModel, options: SolverSettings) -> list[tuple[str, object]] | None:
    """An irreducible infeasible set of the model's LP relaxation, as (constraint family, index).

    None when the relaxation is feasible (only the integer model clashes) or HiGHS
    finds no set. Uses HiGHS's IIS on the LP relaxation (iis_strategy 22).
    """
    import pyomo.environ  # noqa: F401  (heavy: the plugins appsi expects, only for a diagnosis)
    from pyomo.contrib.appsi.solvers import Highs

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


def _interruptible(highs: highspy.Highs) -> None:
    """Run HiGHS so that Ctrl-C or SIGTERM stops it, then act on the signal here as it would have been acted on.

    HiGHS keeps signals from Python while it runs; with its user-interrupt callbacks
    on, Python gets control often enough for our handler to cancel it. Afterwards the
    handler that was in place gets the signal (the command line's raises
    ``Terminated`` for SIGTERM); without one, Ctrl-C raises ``KeyboardInterrupt`` and
    SIGTERM ends the process, as they would have.
    """
    import signal
    import threading

    highs.HandleUserInterrupt = True
    interrupted: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        interrupted.append(signum)
        highs.cancelSolve()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(sig) is not signal.SIG_IGN:
                previous[sig] = signal.signal(sig, on_signal)
    try:
        highs.run()
    finally:
        for num, handler in previous.items():
            signal.signal(num, handler)
    if interrupted:
        got = interrupted[0]
        handler = previous.get(got)
        if callable(handler):
            handler(got, None)
        if got == signal.SIGTERM:
            signal.raise_signal(signal.SIGTERM)
        raise KeyboardInterrupt


# --------------------------------------------------------------------------- fronts
# A part's model for its front (``solver.fronts``): the same matrix, with one row for
# each of the two measures, solved many times for weighted sums of them, with the
# integer columns free (a MILP) or fixed to one configuration (an LP).


@dataclass(frozen=True)
class Found:
    """One solve of a front model: the measures' values (goodness: sign x value), the objective and its bound, the columns."""

    termination: Termination
    x: float
    y: float
    objective: float  # of the weighted sum solved (offset included)
    bound: float  # a valid bound of that sum (the objective when proven)
    values: np.ndarray
    key: bytes  # the configuration: the integer columns, rounded


class FrontModel:
    """A part's compiled model with rows for x and y (``gx``, ``gy``: coefficients and constants, "more is better").

    ``best`` maximises wy y + wx x subject to x in [x_low, x_high] and y >= y_floor,
    over the whole MILP or, given a configuration (``key``), over the LP with its
    integer columns fixed. Each configuration keeps its own HiGHS, so its basis
    carries over between the weighted sums of one front.
    """

    def __init__(self, compiled: Compiled, gx: tuple[np.ndarray, float], gy: tuple[np.ndarray, float], options: SolverSettings) -> None:
        self.compiled = compiled
        self.options = options
        self.gx, self.gx0 = np.asarray(gx[0], dtype=float), float(gx[1])
        self.gy, self.gy0 = np.asarray(gy[0], dtype=float), float(gy[1])
        lp = compiled.lp
        self.n = int(lp.num_col_)
        types = list(lp.integrality_) if len(lp.integrality_) else []
        self.integer = np.array([i for i, t in enumerate(types) if t == highspy.HighsVarType.kInteger], dtype=np.int32)
        self.rows = int(lp.num_row_)  # the x row is this one, the y row the next
        self._milp: highspy.Highs | None = None
        self._fixed: dict[bytes, highspy.Highs] = {}
        self.last = Termination.not_solved  # how the last ``best`` ended

    @property
    def decoder(self) -> Decoder:
        return self.compiled.decoder

    def _highs(self, fixed: bytes | None) -> highspy.Highs:
        with capture_output(capture_fd=True):
            highs = highspy.Highs()
            highs.setOptionValue("output_flag", False)
        highs.passModel(self.compiled.lp)
        for coef in (self.gx, self.gy):
            nz = np.flatnonzero(coef).astype(np.int32)
            highs.addRow(-highspy.kHighsInf, highspy.kHighsInf, len(nz), nz, coef[nz])
        highs.setOptionValue("threads", int(self.options.threads))
        highs.setOptionValue("random_seed", int(self.options.seed))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        if fixed is not None and len(self.integer):
            values = np.frombuffer(fixed, dtype=np.int8).astype(float)
            highs.changeColsBounds(len(self.integer), self.integer, values, values)
            highs.changeColsIntegrality(len(self.integer), self.integer, np.zeros(len(self.integer), dtype=np.uint8))
        return highs

    def key_of(self, values: np.ndarray) -> bytes:
        """The configuration of a solution: its integer columns rounded."""
        return np.round(values[self.integer]).astype(np.int8).tobytes() if len(self.integer) else b""

    def measures(self, values: np.ndarray) -> tuple[float, float]:
        """(x, y) of a column vector, in goodness terms."""
        return float(self.gx @ values) + self.gx0, float(self.gy @ values) + self.gy0

    def best(
        self,
        wy: float,
        wx: float,
        x_low: float = -np.inf,
        x_high: float = np.inf,
        y_floor: float = -np.inf,
        key: bytes | None = None,
        time_limit_s: float | None = None,
        start: np.ndarray | None = None,
        offset: float = 0.0,
        abs_gap: float | None = None,
    ) -> Found | None:
        """max wy y + wx x + offset s.t. x_low <= x <= x_high, y >= y_floor; None when infeasible (or nothing found in time).

        ``key`` fixes a configuration (an LP); ``start`` is a MIP start (column values).
        """
        if key is None:
            if self._milp is None:
                self._milp = self._highs(None)
            highs = self._milp
        else:
            if key not in self._fixed:
                self._fixed[key] = self._highs(key)
            highs = self._fixed[key]
        cost = wy * self.gy + wx * self.gx
        highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
        highs.changeObjectiveOffset(wy * self.gy0 + wx * self.gx0 + offset)
        highs.changeRowBounds(self.rows, x_low - self.gx0, x_high - self.gx0)
        highs.changeRowBounds(self.rows + 1, y_floor - self.gy0, highspy.kHighsInf)
        highs.setOptionValue("time_limit", float(time_limit_s if time_limit_s is not None else self.options.time_limit_s))
        if key is None:
            highs.setOptionValue("mip_rel_gap", float(self.options.mip_rel_gap))
            highs.setOptionValue("mip_abs_gap", float(abs_gap if abs_gap is not None else 1e-6))
            # A check of a front piece asks whether any point rises above it at all: a binary
            # 1e-6 from 0 (HiGHS's default) would let an unbuilt link carry flow and fake one.
            highs.setOptionValue("mip_feasibility_tolerance", 1e-9 if abs_gap is not None else 1e-6)
            off = sub_mip_heuristics_off(self.n, len(self.compiled.decoder.w_col))  # solve's rule, set each time: one HiGHS serves many checks
            for name in (*SUB_MIP_HEURISTICS, RINS):
                highs.setOptionValue(name, name not in off)
            if start is not None:
                _set_start(highs, start)
        _interruptible(highs)
        ms = highs.getModelStatus()
        hs = highspy.HighsModelStatus
        sol = highs.getSolution()
        info = highs.getInfo()
        if ms == hs.kOptimal:
            termination = Termination.optimal
        elif ms in (hs.kTimeLimit, hs.kIterationLimit, hs.kInterrupt):
            termination = Termination.time_limit
        elif ms in (hs.kInfeasible, hs.kUnboundedOrInfeasible):
            termination = Termination.infeasible
        else:
            termination = Termination.error
        self.last = termination
        if termination not in (Termination.optimal, Termination.time_limit) or not sol.value_valid:
            return None
        values = np.asarray(sol.col_value, dtype=float)
        x, y = self.measures(values)
        objective = float(info.objective_function_value)
        bound = objective
        if key is None and info.mip_node_count != -1 and np.isfinite(info.mip_dual_bound):
            bound = max(float(info.mip_dual_bound), objective)
        if key is None and start is not None and abs(float(cost @ values) + wy * self.gy0 + wx * self.gx0 + offset - objective) > 1e-6 * max(1.0, abs(objective)):
            # HiGHS handed back the start for the optimum of its reduced problem (see solve_compiled): solved again without it.
            return self.best(wy, wx, x_low, x_high, y_floor, None, time_limit_s, None, offset, abs_gap)
        return Found(termination, x, y, objective, bound, values, self.key_of(values))

    def relaxed_bound(self, wy: float, wx: float, x_low: float = -np.inf, x_high: float = np.inf, y_floor: float = -np.inf, offset: float = 0.0) -> float | None:
        """The LP relaxation's optimum of the weighted sum (a valid bound where no MILP was finished)."""
        highs = self._highs(None)
        highs.setOptionValue("solve_relaxation", True)
        highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), wy * self.gy + wx * self.gx)
        highs.changeObjectiveOffset(wy * self.gy0 + wx * self.gx0 + offset)
        highs.changeRowBounds(self.rows, x_low - self.gx0, x_high - self.gx0)
        highs.changeRowBounds(self.rows + 1, y_floor - self.gy0, highspy.kHighsInf)
        _interruptible(highs)
        status = highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return -np.inf
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        return float(highs.getInfo().objective_function_value)

    def solution(self, found: Found, termination: Termination, objective: float | None, bound: float | None, seconds: float) -> Solution:
        """A found point as the part's ``Solution`` (keyed by ids)."""
        return Solution(termination, objective, bound, seconds, *self.compiled.decoder(found.values), message=termination.value)


def compile_front(handle: ExchangeModel, x_row: str, options: SolverSettings) -> FrontModel:
    """A part's model built for its y (the objective, made best) with x as a floor or ceiling row named ``x_row``
    (``floor_<x>`` or ``ceiling_<x>`` at 0): the row is taken out of the matrix and kept as x's coefficients.

    x in goodness terms is sign x (row body + constant): a ceiling row is a "less" measure (sign -1).
    """
    m = handle.model
    row = getattr(m, x_row)
    lb, body, ub = row.to_bounded_expression(evaluate_bounds=True)
    row.deactivate()
    with PauseGC():
        lp, columns = _to_highs(m)
    col = {id(v): i for i, v in enumerate(columns)}
    repn = generate_standard_repn(body, quadratic=False, compute_values=True)
    gx = np.zeros(len(columns))
    np.add.at(gx, np.array([col[id(v)] for v in repn.linear_vars], dtype=np.int64), np.array(repn.linear_coefs, dtype=float))
    if lb is not None:  # floor: body >= 0 - constant
        sign, constant = 1.0, -float(lb) + float(repn.constant)
    else:
        sign, constant = -1.0, -float(ub) + float(repn.constant)
    gy = np.asarray(lp.col_cost_, dtype=float).copy()
    gy0 = float(lp.offset_)
    compiled = Compiled(lp, handle.decoder(col))
    return FrontModel(compiled, (sign * gx, sign * constant), (gy, gy0), options)


def solve_arrays(
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
    rows: list[tuple[np.ndarray, np.ndarray, float, float]],
    options: SolverSettings,
    offset: float = 0.0,
    abs_gap: float = 1e-9,
) -> tuple[Termination, float | None, np.ndarray | None]:
    """max cost x + offset s.t. lower <= x <= upper, each row (index, value, low, high), x_i integer where ``integer``.

    A small MILP given as arrays (the combination of the parts' fronts); returns the
    termination, the objective and the column values.
    """
    with capture_output(capture_fd=True):
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
    n = len(cost)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.asarray(upper, dtype=float)
    lp.offset_ = float(offset)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.row_lower_ = np.array([r[2] for r in rows], dtype=float)
    lp.row_upper_ = np.array([r[3] for r in rows], dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(rows)
    lp.a_matrix_.start_ = np.concatenate(([0], np.cumsum([len(r[0]) for r in rows]))).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate([r[0] for r in rows]).astype(np.int32) if rows else np.zeros(0, dtype=np.int32)
    lp.a_matrix_.value_ = np.concatenate([r[1] for r in rows]).astype(float) if rows else np.zeros(0)
    if np.any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    highs.passModel(lp)
    highs.setOptionValue("threads", int(options.threads))
    highs.setOptionValue("random_seed", int(options.seed))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", float(abs_gap))
    highs.setOptionValue("mip_feasibility_tolerance", 1e-9)
    highs.setOptionValue("primal_feasibility_tolerance", 1e-9)
    _interruptible(highs)
    ms = highs.getModelStatus()
    hs = highspy.HighsModelStatus
    if ms != hs.kOptimal:
        return (Termination.infeasible if ms in (hs.kInfeasible, hs.kUnboundedOrInfeasible) else Termination.error), None, None
    return Termination.optimal, float(highs.getInfo().objective_function_value), np.asarray(highs.getSolution().col_value, dtype=float)
