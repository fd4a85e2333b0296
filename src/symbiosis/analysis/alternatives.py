"""Near-optimal alternatives and the robust core (contract section 4b).

Method: the optimum V* of the scenario (the usual objective, net savings plus the
carbon price times CO2) and its link set L_0 (exchanges' supply-demand pairs and
pool memberships, as reported in matches.csv). Then, for i = 1..k, the whole scenario
as one model (the floor couples the parts):

    stage 1: max distinct = -sum_{n<i} |L_i & L_n|   s.t. objective >= V* - s |V*|,
             and L_i drops at least one link of every L_n (n < i)
    stage 2: max objective   s.t. the same, and distinct >= the stage-1 optimum

so each alternative shares as few links as possible with the networks before it, and
among those it is the best. By default both stages are solved part by part
(``analysis.sharing``: each part's best objective for each number of links shared, solved
where the combination needs it, combined exactly by dynamic programming); an
alternative whose combined network keeps every link of an earlier one, and every
alternative with ``method="whole"``, is solved as one model as written here. Its ``status``, ``mip_gap`` and ``best_bound`` are those of
stage 2, in EUR/yr like its objective (turn 3: stage 1's bound counts links, not money);
it is ``time_limit`` when either stage was stopped, and has no bound when stage 2 gave
no solution (the network is then stage 1's). The candidates are those of the usual objective (a link
that cannot add to it is no alternative). A match in every network, L_0 included, is
in the robust core. Each alternative's result folder is checked like any result.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from symbiosis import measures
from symbiosis.analysis import sharing
from symbiosis.analysis.check import CheckReport, check_result
from symbiosis.analysis.coupled import Coupled
from symbiosis.analysis.limits import alternatives_solves
from symbiosis.analysis.optimise import optimise, second_stage_limit
from symbiosis.candidates import Candidates, build_candidates, split_components
from symbiosis.io.write.tradeoffs import write_folder
from symbiosis.results import Result
from symbiosis.schema import Scenario
from symbiosis.types import WEIGHTED, LinkKey, Objective, Status, relative_gap

ALTERNATIVE_COLUMNS = [
    "alternative",
    "objective",
    "net_savings_eur_per_year",
    "co2_avoided_t_per_year",
    "links_shared_with_optimum",
    "jaccard_to_optimum",
    "status",
    "mip_gap",
    "n_links",
    "best_bound",
    *(m.summary_key for m in measures.others()),  # every other measure of each network
]
FREQUENCY_COLUMNS = ["kind", "source", "target", "supply_stream", "demand_stream", "resource", "n_networks", "share", "robust_core", "stage"]


def link_set(result: Result) -> frozenset[LinkKey]:
    """The links of a result: ("exchange", supply, demand) and ("pool", facility, demand)."""
    m = result.matches
    keys: set[LinkKey] = set()
    for r in m.itertuples(index=False):
        if r.kind == "exchange":
            keys.add(("exchange", str(r.supply_stream), str(r.demand_stream)))
        else:
            keys.add(("pool", str(r.source), str(r.demand_stream)))
    return frozenset(keys)


def jaccard(a: frozenset[LinkKey], b: frozenset[LinkKey]) -> float:
    """|a & b| / |a | b| (1 for two empty sets)."""
    union = a | b
    return len(a & b) / len(union) if union else 1.0


@dataclass(frozen=True)
class Alternatives:
    """The optimum (number 0) and the alternatives found after it, with their link sets."""

    scenario: Scenario
    slack: float
    results: tuple[Result, ...]
    links: tuple[frozenset[LinkKey], ...]
    seconds: float

    @property
    def not_proven(self) -> tuple[int, float | None]:
        """How many networks are not proven, and the most any of them could gain in EUR/yr (None when a bound is unknown)."""
        ups: list[float | None] = []
        for r in self.results:
            s = r.summary
            if s.status is Status.optimal:
                continue
            ups.append(None if s.best_bound is None or s.objective is None else max(0.0, s.best_bound - s.objective))
        return len(ups), (None if any(u is None for u in ups) else max((u for u in ups if u is not None), default=0.0))

    @property
    def core(self) -> frozenset[LinkKey]:
        """The links in every network: the robust core."""
        out = self.links[0]
        for s in self.links[1:]:
            out = out & s
        return out

    def write(self, out_dir: str | Path) -> Path:
        """Write the folder (see ``write_alternatives``)."""
        return write_alternatives(self, out_dir)

    def check(self, out_dir: str | Path) -> dict[str, CheckReport]:
        """Check every network's folder (see ``check_alternatives``)."""
        return check_alternatives(self, out_dir)

    def table(self) -> pd.DataFrame:
        """``alternatives.csv``."""
        rows = []
        for i, (r, links) in enumerate(zip(self.results, self.links)):
            s = r.summary
            rows.append(
                {
                    "alternative": i,
                    "objective": s.objective,
                    "net_savings_eur_per_year": s.net_savings_eur_per_year,
                    "co2_avoided_t_per_year": s.co2_avoided_t_per_year,
                    "links_shared_with_optimum": len(links & self.links[0]),
                    "jaccard_to_optimum": jaccard(links, self.links[0]),
                    "status": s.status.value,
                    "mip_gap": s.mip_gap,
                    "best_bound": s.best_bound,
                    "n_links": len(links),
                    **{m.summary_key: (s.measures or {}).get(m.name) for m in measures.others()},
                }
            )
        return pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)

    def frequency(self) -> pd.DataFrame:
        """``link_frequency.csv``: every link of any network, how many networks hold it, and whether it is in the core."""
        seen: dict[LinkKey, dict[str, object]] = {}
        count: dict[LinkKey, int] = {}
        for r in self.results:
            for m in r.matches.itertuples(index=False):
                key: LinkKey = ("exchange", str(m.supply_stream), str(m.demand_stream)) if m.kind == "exchange" else ("pool", str(m.source), str(m.demand_stream))
                count[key] = count.get(key, 0) + 1
                seen.setdefault(
                    key,
                    {"kind": m.kind, "source": m.source, "target": m.target, "supply_stream": m.supply_stream, "demand_stream": m.demand_stream, "resource": m.resource,
                     "stage": getattr(m, "stage", "proposed")},
                )
        n = len(self.results)
        core = self.core
        rows = [{**seen[k], "n_networks": count[k], "share": count[k] / n, "robust_core": k in core} for k in seen]
        frame = pd.DataFrame(rows, columns=FREQUENCY_COLUMNS)
        return frame.sort_values(["n_networks", "kind", "source", "target", "supply_stream", "demand_stream"], ascending=[False, True, True, True, True, True], kind="stable").reset_index(drop=True)


def _folders(n: int) -> list[str]:
    return [f"alternative_{i}" for i in range(n)]


def write_alternatives(alts: Alternatives, out_dir: str | Path) -> Path:
    """Write ``alternatives.csv``, ``link_frequency.csv``, ``report.html`` and one result folder per network."""
    networks = [(name, r.output()) for name, r in zip(_folders(len(alts.results)), alts.results)]
    tables = {"alternatives": alts.table(), "link_frequency": alts.frequency()}
    return write_folder(Path(out_dir), "alternatives", tables, networks, alts.scenario.input_files)


def check_alternatives(alts: Alternatives, out_dir: str | Path) -> dict[str, CheckReport]:
    """``check_result`` of every network's folder."""
    return {name: check_result(alts.scenario, Path(out_dir) / name) for name in _folders(len(alts.results))}


def alternatives(
    scenario: Scenario,
    k: int = 5,
    slack: float = 0.05,
    progress: Callable[[int, int], None] | None = None,
    max_solves: int | None = None,
    method: str = "parts",
) -> Alternatives:
    """Up to ``k`` networks within ``slack`` of the optimum, each sharing as few links as possible with those before.

    ``method`` "parts" (the default) finds each alternative from the parts' own solves
    (``analysis.sharing``), and solves one as a whole model only where the parts' network
    keeps every link of an earlier one; "whole" solves every alternative as one model.
    Both give the same alternatives (up to ties and the gap tolerance). A run of more
    solves than ``max_solves`` (default ``limits.MAX_SOLVES``) is refused before anything is solved.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    if not 0 < slack < 1:
        raise ValueError("slack must lie strictly between 0 and 1")
    if method not in ("parts", "whole"):
        raise ValueError(f"method must be 'parts' or 'whole', not {method!r}")
    alternatives_solves(k, max_solves)
    t0 = time.perf_counter()
    best = optimise(scenario)
    results = [best]
    links = [link_set(best)]
    if not best.ok or best.summary.objective is None:
        return Alternatives(scenario, slack, tuple(results), tuple(links), time.perf_counter() - t0)
    v_star = best.summary.objective
    floor = v_star - slack * abs(v_star)
    st = scenario.settings
    limit2 = second_stage_limit(st)
    engine: Coupled | None = None
    parts: _Parts | None = None
    if method == "parts" and st.solver.decompose and links[0]:
        parts = _Parts.of(scenario)
    for i in range(1, k + 1):
        chosen: Result | None = None
        if parts is not None:
            counts = Counter(key for net in links for key in net)
            deadline = time.monotonic() + st.solver.time_limit_s + limit2  # the whole model's two stages' limits
            got = sharing.alternative(scenario, parts.candidates, parts.models, counts, floor, deadline, parts.build_seconds)
            if got is None:
                break
            if not any(old <= got[1] for old in links):
                chosen = replace(got[0], summary=got[0].summary.model_copy(update={"floors": {"objective": floor}}))
        if chosen is None:
            engine = engine or Coupled(scenario, couple=None, pool_of=WEIGHTED)
            chosen = _whole(engine, tuple(links), floor, limit2)
            if chosen is None:
                break
        new = link_set(chosen)
        if any(new == old for old in links):
            break  # cannot happen with the cuts; a guard for the reported link sets
        results.append(chosen)
        links.append(new)
        if progress is not None:
            progress(i, k)
    return Alternatives(scenario, slack, tuple(results), tuple(links), time.perf_counter() - t0)


@dataclass
class _Parts:
    """The scenario's candidates in independent parts, each compiled once and solved for its optimum."""

    candidates: Candidates
    models: list[sharing.PartModel]
    build_seconds: float

    @classmethod
    def of(cls, scenario: Scenario) -> _Parts:
        t0 = time.perf_counter()
        candidates = build_candidates(scenario, objective=WEIGHTED)
        deadline = time.monotonic() + scenario.settings.solver.time_limit_s
        models = sharing.part_models(scenario, candidates, split_components(candidates), deadline)
        return cls(candidates, models, time.perf_counter() - t0)


def _whole(engine: Coupled, avoid: tuple[frozenset[LinkKey], ...], floor: float, limit2: float) -> Result | None:
    """The next alternative as one model: stage 1 (least sharing) then stage 2 (the best objective at that sharing)."""
    first = engine.run(Objective("distinct", floors=(("weighted", floor),), avoid=avoid))
    if not first.result.ok or first.solution.objective is None:
        return None
    shared = first.solution.objective  # minus the links shared, at stage 1's optimum (or incumbent)
    second = engine.run(
        Objective("weighted", floors=(("weighted", floor), ("distinct", shared - 0.5)), avoid=avoid),
        start=engine.start_of(first),
        time_limit_s=limit2,
    )
    chosen = second if second.result.ok else first
    # Status, gap and bound of the EUR problem (stage 2); stage 1 stopped leaves the sharing unproven too.
    stopped = any(r.result.summary.status is not Status.optimal for r in (first, chosen))
    bound = chosen.result.summary.best_bound if chosen is second else None
    update = {
        "floors": {"objective": floor},
        "status": Status.time_limit if stopped else Status.optimal,
        "best_bound": bound,
        "mip_gap": relative_gap(chosen.result.summary.objective, bound),
    }
    return replace(chosen.result, summary=chosen.result.summary.model_copy(update=update))
