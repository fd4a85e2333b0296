"""Independent parts: groups of arcs and pools that share no stream, facility or rule."""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.candidates.table import Candidates


@dataclass
class Part:
    """One independent group of arcs and pools, with its indices in the whole."""

    candidates: Candidates
    arcs: np.ndarray  # local arc -> arc of the whole
    options: np.ndarray  # local option -> option of the whole
    memberships: np.ndarray  # local membership -> membership of the whole


def whole(c: Candidates) -> Part:
    """The whole candidate set as a single part."""
    return Part(c, np.arange(len(c.arcs)), np.arange(len(c.options)), np.arange(len(c.memberships)))


def split_components(c: Candidates) -> list[Part]:
    """Split the candidates into groups that share no stream, facility or rule.

    Arcs join their supply and demand streams, memberships join a demand to a
    facility, and a require rule joins all the arcs it names. Groups that share
    nothing cannot interact, so solving them apart is exact.
    """
    n_arcs, n_mems = len(c.arcs), len(c.memberships)
    # Nodes: supply streams, then demand streams, then facilities (each numbered by first appearance).
    supply = pd.factorize(c.arcs["supply_stream"].to_numpy(dtype=object))[0].astype(np.int64)
    n_supply = int(supply.max()) + 1 if n_arcs else 0
    demand_codes, demands = pd.factorize(np.concatenate([c.arcs["demand_stream"].to_numpy(dtype=object), c.memberships["demand_stream"].to_numpy(dtype=object)]))
    demand = demand_codes.astype(np.int64) + n_supply
    facility_codes, facilities = pd.factorize(np.concatenate([c.memberships["facility"].to_numpy(dtype=object), c.options["facility"].to_numpy(dtype=object)]))
    facility = facility_codes.astype(np.int64) + n_supply + len(demands)
    n = n_supply + len(demands) + len(facilities)
    if n == 0:
        return []
    arc_node, mem_node, opt_node = supply, demand[n_arcs:], facility[n_mems:]
    rule_pairs = [(a, b) for r in c.requires for a, b in zip(r.arcs, r.arcs[1:])]
    rule_u = arc_node[[a for a, _ in rule_pairs]] if rule_pairs else np.zeros(0, dtype=np.int64)
    rule_v = arc_node[[b for _, b in rule_pairs]] if rule_pairs else np.zeros(0, dtype=np.int64)
    # Edges: each arc joins its supply and demand, each membership its demand and facility, a rule its arcs.
    u = np.concatenate([arc_node, mem_node, rule_u])
    v = np.concatenate([demand[:n_arcs], facility[:n_mems], rule_v])
    label = component_labels(n, u, v)
    arc_label, opt_label, mem_label = label[arc_node], label[opt_node], label[mem_node]
    # Order groups by their first arc (then first option), so runs are repeatable.
    first: dict[int, tuple[int, int]] = {}
    for kind, labels in ((0, arc_label), (1, opt_label)):
        groups, at = np.unique(labels, return_index=True)
        for g, i in zip(groups.tolist(), at.tolist()):
            first.setdefault(g, (kind, i))
    parts = []
    for g in sorted(first, key=first.__getitem__):
        arcs = np.flatnonzero(arc_label == g)
        opts = np.flatnonzero(opt_label == g)
        mems = np.flatnonzero(mem_label == g)
        parts.append(Part(subset(c, arcs, opts, mems), arcs, opts, mems))
    return parts


def subset(c: Candidates, arcs: np.ndarray, options: np.ndarray, memberships: np.ndarray) -> Candidates:
    """The candidates restricted to some arcs, options and memberships (indices renumbered)."""
    positions = arcs.tolist()
    requires = []
    if c.requires:
        local = {a: i for i, a in enumerate(positions)}
        # A part holds all of a rule's arcs; a fixed network (``analysis.fixed``) may hold only those built.
        requires = [replace(r, arcs=tuple(local[a] for a in r.arcs if a in local)) for r in c.requires if any(a in local for a in r.arcs)]
    return Candidates(
        c.arcs.iloc[arcs].reset_index(drop=True),
        c.supply_slots,
        c.demand_slots,
        [c.upper[a] for a in positions],
        c.slots,
        c.demand_price,
        c.demand_co2,
        requires,
        c.options.iloc[options].reset_index(drop=True),
        c.memberships.iloc[memberships].reset_index(drop=True),
        coefficients={k: v.subset(arcs, options, memberships) for k, v in c.coefficients.items()},
    )


def component_labels(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The connected components of an undirected graph on nodes 0..n-1 with edges (u_i, v_i), as labels.

    Each node gets the smallest node number of its component: labels are spread along
    the edges and then shortened by pointer jumping until nothing changes. Plain
    numpy, so that a small solve need not import scipy (which makes Pyomo import
    scipy.stats, 0.7 s of start-up).
    """
    label = np.arange(n, dtype=np.int64)
    if len(u) == 0:
        return label
    while True:
        low = np.minimum(label[u], label[v])
        new = label.copy()
        np.minimum.at(new, u, low)
        np.minimum.at(new, v, low)
        new = new[new]
        while True:  # pointer jumping: every label to its root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def digest(value: Any) -> str:
    """A hash of a value's content: equal for equal content, whatever the objects' identity.

    Covers what candidate tables are made of (frames, arrays, dataclasses, dicts in their
    order, lists, text, numbers: floats by their bits, so 0.0 and -0.0 differ). A part
    whose candidates have the digest of an earlier part builds the same model (the sweep
    reuses its solution: ``analysis.optimise``). An unknown type raises ``TypeError``
    rather than being guessed at.
    """
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def _feed(h: Any, v: Any) -> None:
    if v is None or isinstance(v, (bool, np.bool_)):
        h.update(b"N" if v is None else (b"T" if v else b"F"))
    elif isinstance(v, (int, np.integer)):
        h.update(b"i" + str(int(v)).encode() + b";")
    elif isinstance(v, (float, np.floating)):
        h.update(b"f" + struct.pack("<d", float(v)))
    elif isinstance(v, str):
        data = v.encode("utf-8", "surrogatepass")
        h.update(b"s" + str(len(data)).encode() + b":" + data)
    elif isinstance(v, pd.DataFrame):
        h.update(b"D" + str(v.shape).encode())
        for name in v.columns:
            _feed(h, str(name))
            _feed(h, v[name].to_numpy())
    elif isinstance(v, np.ndarray):
        h.update(b"A" + v.dtype.str.encode() + str(v.shape).encode())
        if v.dtype.kind in "biuf":
            h.update(np.ascontiguousarray(v).tobytes())
            return
        items = v.ravel().tolist()
        if all(type(x) is str for x in items):  # a column of text at once: the lengths, then the characters
            h.update(b"S" + np.array([len(x) for x in items], dtype=np.int64).tobytes())
            h.update("".join(items).encode("utf-8", "surrogatepass"))
            return
        for x in items:
            _feed(h, x)
    elif isinstance(v, dict):
        h.update(b"M" + str(len(v)).encode())
        for k, x in v.items():
            _feed(h, k)
            _feed(h, x)
    elif isinstance(v, (list, tuple)):
        h.update(b"L" + str(len(v)).encode())
        for x in v:
            _feed(h, x)
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        h.update(b"C" + type(v).__name__.encode())
        for f in dataclasses.fields(v):
            _feed(h, f.name)
            _feed(h, getattr(v, f.name))
    else:
        raise TypeError(f"digest: no rule for {type(v).__name__}")
