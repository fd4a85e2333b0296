"""Solving again only what changed: a part's key, earlier parts' solutions, and warm starts from them.

A part's model is built from its candidate tables, the settings and the objective
alone (``model.build_model``), and HiGHS gives the same answer for the same model,
options and threads when it stops on the gap. So a part whose key (a digest of all
three) equals that of a part solved earlier within the gap has that earlier solution,
bit for bit: it is taken as it is. A part that changed is solved, starting from the
earlier network's links where it holds any (HiGHS keeps the start's 0/1 choices and
finds its flows; a start that no longer fits is dropped by HiGHS), else from the
greedy start. Only objectives that leave the parts independent are keyed: a floor, a
ceiling or a cut couples the parts, and then nothing is reused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from symbiosis.candidates import Candidates, Decisions
from symbiosis.candidates.parts import digest
from symbiosis.schema import Settings
from symbiosis.solver.schedule import Start, decisions_of, trim
from symbiosis.types import ArcId, MembershipId, Objective, OptionId, Solution, Termination


@dataclass(frozen=True)
class Known:
    """What an earlier solve leaves for the next: its parts proven within the gap, by key, and its network.

    ``network`` holds every part's incumbent by id (the links, options and memberships
    chosen, with their flows), stopped parts' too: a start need not be optimal.
    """

    solutions: Mapping[str, Solution] = field(default_factory=dict)
    network: Solution | None = None

    def __len__(self) -> int:
        return len(self.solutions)


NOTHING = Known()


def part_key(c: Candidates, settings: Settings, objective: Objective) -> str | None:
    """The digest of everything a part's model and its solve are made from; None when parts are coupled.

    The part's own tables (``trim``: the per-stream tables cut to its streams), every
    setting (the model's coefficients and the solver's options) and the objective. The
    tables of traced exclusions and warnings are left out: no model reads them.
    """
    if not objective.separable:
        return None
    own = replace(trim(c), excluded={}, warnings=[])
    # The number of processes changes no result (each part is solved as it would be alone).
    return digest((own, settings.model_dump_json(exclude={"solver": {"processes"}}), objective.maximise))


def known_of(keys: list[str | None], solutions: list[Solution]) -> Known:
    """What a solve of these parts leaves: those proven optimal (within the gap) by key, and the network of all."""
    proven = {k: s for k, s in zip(keys, solutions) if k is not None and s.termination is Termination.optimal and s.has_solution}
    return Known(proven, merged(solutions))


def merged(solutions: list[Solution]) -> Solution:
    """The parts' incumbents as one network, by id (parts share no id)."""
    flows: dict[ArcId, np.ndarray] = {}
    links: dict[ArcId, float] = {}
    options: dict[OptionId, float] = {}
    memberships: dict[MembershipId, float] = {}
    for s in solutions:
        if s.has_solution:
            flows.update(s.flows)
            links.update(s.links)
            options.update(s.options)
            memberships.update(s.memberships)
    return Solution(Termination.optimal, 0.0, None, 0.0, flows, links, options, memberships)


def start_from(network: Solution | None, fallback: Start | None) -> Start | None:
    """A warm start for a changed part: the earlier network's choices on its candidates, or ``fallback``'s where it has none.

    ``model.set_start`` clips the flows to the part's bounds (a quantity may have fallen).
    HiGHS checks the start: when the flows no longer fit, it fixes the 0/1 choices and
    solves for the flows (its completion of a start); when the choices cannot hold
    either, it drops the start.
    """
    if network is None:
        return fallback

    def start(c: Candidates, settings: Settings) -> Decisions:
        d = decisions_of(c, network)
        chosen = (d.y > 0.5).any() or (d.z > 0.5).any() or (d.w > 0.5).any()
        return d if chosen or fallback is None else fallback(c, settings)

    return start
