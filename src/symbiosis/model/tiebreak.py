"""Among the flows that are equally good for one network, the one a fixed rule picks.

A network's flows are seldom unique: a supply that serves two buyers at the same value
per unit may split its flow in any way, and flows in slots that set no peak are free.
HiGHS returns one of them, and which one depends on the order of the rows. The figures
per match and per company must not (DESIGN.md section 4, "Savings per match"), so a
network's flows are settled on the network with its links fixed (an LP) with the
objective perturbed:

    maximise  measure - delta sum_{a,t} (1 + eps_{a,t}) x_{a,t}

delta = TIE_BREAK x the largest |coefficient| of the measure, and eps_{a,t} in [0, 1)
drawn from a hash of the ids (supply, demand, slot): among the flows of equal value the
least flow moved, ties between equal arcs broken by eps. Generic weights have a unique
optimum, found whatever the order of the rows; eps depends on ids only, never on
positions. A unit of flow is then moved only where it adds more than delta (2 x 10^-6
of the most valuable unit): the measure gives up nothing a result shows.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: its solver and contrib plugins cost 0.4 s of start-up and are not used
from pyomo.repn import generate_standard_repn

from symbiosis.candidates import Candidates
from symbiosis.model.handle import ExchangeModel, linear

TIE_BREAK = 1e-6  # delta per unit of flow, relative to the measure's largest coefficient


def tie_break_weights(c: Candidates, h: ExchangeModel) -> np.ndarray:
    """1 + eps_{a,t} for every flow variable, eps from a hash of (supply, demand, slot name)."""
    supply = c.arcs["supply_stream"].tolist()
    demand = c.arcs["demand_stream"].tolist()
    out = np.empty(len(h.xs))
    for f, (a, t) in enumerate(zip(h.flow_arc.tolist(), h.flow_slot.tolist())):
        key = f"{supply[a]}\x1f{demand[a]}\x1f{c.slots[supply[a]][t]}".encode()
        out[f] = 1.0 + int.from_bytes(hashlib.blake2b(key, digest_size=6).digest(), "big") / 2.0**48
    return out


def add_tie_break(m: pyo.ConcreteModel, c: Candidates, h: ExchangeModel) -> np.ndarray:
    """Perturb the (maximised) objective by - delta sum (1 + eps) x; returns delta (1 + eps) per flow variable.

    The measure of a solution is its perturbed objective plus sum of the returned weights x.
    """
    repn = generate_standard_repn(m.objective.expr, quadratic=False, compute_values=True)
    largest = max((abs(float(v)) for v in repn.linear_coefs), default=0.0)
    weights = TIE_BREAK * max(largest, 1e-3) * tie_break_weights(c, h)
    m.objective.deactivate()
    m.tie_break = pyo.Objective(expr=m.objective.expr - linear(weights.tolist(), h.xs), sense=pyo.maximize)
    return weights
