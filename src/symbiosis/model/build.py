"""Build the MILP from the candidates: variables, the registered families, the objective.

Reads no files and calls no solver.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.common.gc_manager import PauseGC

from symbiosis.candidates import Candidates
from symbiosis.model.families import FAMILIES
from symbiosis.model.handle import ExchangeModel, add_variables
from symbiosis.model.objectives import add_objective
from symbiosis.schema import Settings
from symbiosis.types import WEIGHTED, Objective


def build_model(
    candidates: Candidates,
    settings: Settings,
    objective: Objective = WEIGHTED,
    without: Iterable[str] = (),
    fixed_network: bool = False,
) -> ExchangeModel:
    """The MILP of the candidates for an objective.

    ``without`` leaves out some registered families (to show, in tests, that each binds).
    ``fixed_network`` takes the candidates as one given network: every link y_a, size
    option z_o and membership w_j is fixed at 1 (continuous, so the model is an LP) and
    only the flows x and remaining peaks k are optimised (the sweep's ``evaluate`` mode).
    """
    skip = set(without)
    unknown = skip - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown constraint families: {sorted(unknown)}")
    with PauseGC():
        m = pyo.ConcreteModel(name="symbiosis")
        handle = add_variables(m, candidates)
        for name, fam in FAMILIES.items():
            if name not in skip:
                fam.add(m, candidates, handle)
        add_objective(m, candidates, handle, settings, objective)
        if fixed_network:
            for var in (m.y, m.z, m.w):
                for v in var.values():
                    v.domain = pyo.NonNegativeReals
                    v.fix(1.0)
        return handle


def set_start(h: ExchangeModel, c: Candidates, flows: list[np.ndarray], y: np.ndarray, z: np.ndarray, w: np.ndarray) -> None:
    """Give every variable a starting value (a warm start), e.g. from the greedy baseline.

    k_d is set to the remaining peak that the flows leave, so the start is consistent.
    """
    m = h.model
    if len(h.flow_arc):
        # Flows flattened by arc, so that each flow variable's start is one gather.
        offsets = np.concatenate(([0], np.cumsum([len(u) for u in flows[:-1]]))).astype(np.int64)
        flat = np.concatenate(flows).astype(float)
        x = np.minimum(flat[offsets[h.flow_arc] + h.flow_slot], np.asarray(h.upper, dtype=float))
        for v, val in zip(h.xs, x.tolist()):
            v.set_value(val, skip_validation=True)
    for v, val in zip(h.ys, np.round(y).tolist()):
        v.set_value(float(val), skip_validation=True)
    for v, val in zip(m.z.values(), np.round(z).tolist()):
        v.set_value(float(val), skip_validation=True)
    for v, val in zip(m.w.values(), np.round(w).tolist()):
        v.set_value(float(val), skip_validation=True)
    rho = c.arcs["rho"].to_numpy(dtype=float)
    into: dict[str, list[int]] = {}
    for a, d in enumerate(c.arcs["demand_stream"].tolist()):
        into.setdefault(d, []).append(a)
    for i, d in enumerate(h.peak_demands):
        need = c.demand_slots[d]
        inflow = sum((rho[a] * flows[a] for a in into.get(d, [])), np.zeros_like(need))
        m.k[i].set_value(float(max(0.0, np.max(need - inflow))), skip_validation=True)
        if hasattr(m, "peak_slot") and (i, 0) in m.peak_slot:
            binding = int(np.argmax(need - inflow))  # the slot that sets k_d (peak_pin)
            for t in range(len(need)):
                m.peak_slot[i, t].set_value(float(t == binding), skip_validation=True)
