"""Monte Carlo sweeps over the uncertainty ranges, and grids over settings (contract section 4c).

For every grid point (a combination of settings; one point without a grid) the base
scenario is solved once here; then N samples are solved, each from plain data (the
scenario and the sample's drawn values) on a dask.distributed worker that builds its
own model. ``reoptimise`` solves each sample's MILP; ``evaluate`` fixes the base
optimum's links and re-optimises the flows only (``analysis.fixed``). Results are
gathered by sample index, so the tables do not depend on the number of workers.

Tables per point: ``samples`` (one row per sample, with its status, gap and bound, and
whether it counts), ``match_robustness`` (share of the counted samples in which each
match is chosen, or in ``evaluate`` pays, with its 95 % Wilson interval, and
P10/P50/P90 of its savings, 0 in a sample without it), ``company_robustness``
(P10/P50/P90 of a company's allocated savings and the share of counted samples in
which it ends below zero, with its interval), ``drivers`` (inputs ranked by |Spearman's
rank correlation| with net savings, ``index`` the signed coefficient, from
``scipy.stats.spearmanr``, with its 95 % interval; ``analysis.confidence``).

A sample counts when it was solved within the gap tolerance (``solver.mip_rel_gap``):
one the time limit stopped further from its bound is listed but left out of every
statistic, unless ``include_stopped``. Where the base case lies outside P10-P90,
``analysis.basecase`` says why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import signal
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from symbiosis import measures
from symbiosis.analysis import confidence
from symbiosis.analysis.basecase import BaseCase, base_case
from symbiosis.analysis.fixed import Network, evaluate_network, network_of, network_scenario
from symbiosis.analysis.limits import sweep_solves
from symbiosis.analysis.optimise import optimise_reusing
from symbiosis.analysis.sampling import draw, grid_points, input_names, sample_scenario
from symbiosis.candidates import build_candidates
from symbiosis.candidates.programme import match_stage
from symbiosis.errors import ScenarioError, SettingsError
from symbiosis.io.write.sweep import SweepTables, write_sweep
from symbiosis.results import Result
from symbiosis.schema import Scenario, Uncertainty
from symbiosis.solver.cluster import check_scheduler, dask_client, usable_workers
from symbiosis.solver.reuse import NOTHING, Known

Mode = Literal["reoptimise", "evaluate"]
MODES: tuple[str, ...] = ("reoptimise", "evaluate")
MATCH_KEY = ["kind", "source", "target", "supply_stream", "demand_stream", "resource"]
SAMPLE_COLUMNS = [
    "sample", "status", "net_savings_eur_per_year", "co2_avoided_t_per_year", "mip_gap", "best_bound", "counted",
    "base_network_net_savings_eur_per_year",
    *(m.summary_key for m in measures.others()),  # every other measure of each sample (contract section 4d)
]
MATCH_ROBUSTNESS_COLUMNS = [*MATCH_KEY, "share_chosen", "share_low", "share_high", "savings_p10", "savings_p50", "savings_p90", "stage"]
COMPANY_ROBUSTNESS_COLUMNS = ["company", "savings_p10", "savings_p50", "savings_p90", "share_below_zero", "share_below_zero_low", "share_below_zero_high"]
# company and source (turn 3): whom to ask, and whether the figure is an estimate (DESIGN.md section 4f);
# index_low, index_high, distinguishable, samples_needed (turn 3): how sure the index is (section 4c).
DRIVER_COLUMNS = ["rank", "stream", "field", "index", "company", "source", "index_low", "index_high", "distinguishable", "samples_needed"]
# Since the QA review: the index's p-value, its Benjamini-Hochberg adjustment (on which ``distinguishable`` is decided),
# and whether the input can change the network at all (``no``: its stream has no candidate exchange or pool).
DRIVER_COLUMNS += ["p_value", "p_adjusted", "can_change_network"]
DRIVER_MEASURE = (
    "Spearman's rank correlation of the input with net savings over the counted samples (scipy.stats.spearmanr); ranked by its absolute value; "
    "95 % interval from Fisher's z with variance 1.06/(n-3) (Fieller, Hartley and Pearson 1957)"
)
GAP_SLACK = 1e-9  # a sample's gap within the tolerance up to rounding
BELOW_ZERO = -1e-6  # EUR/yr: rounding, not a loss
PAYS = 1e-6  # EUR/yr: a match pays when its savings exceed this

MatchKey = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class SampleOutcome:
    """What one sample gives back to the client: plain data only."""

    index: int
    status: str
    net_savings: float | None
    co2_t: float | None
    matches: tuple[tuple[MatchKey, float], ...]
    companies: tuple[tuple[str, float], ...]
    seconds: float
    cpu_seconds: float = 0.0  # of the worker process: comparable across modes on a busy machine
    mip_gap: float | None = None
    best_bound: float | None = None  # of the problem the sample solved (its objective)
    base_network: float | None = None  # reoptimise: the base network's net savings in this sample (its flows re-optimised)
    measures: tuple[tuple[str, float], ...] = ()  # every measure's total (none without a solution)
    parts_solved: int = 0  # reoptimise: parts solved in this sample; the others kept the base's solution
    parts_reused: int = 0


@dataclass(frozen=True)
class SweepPoint:
    """One grid point's settings, its base optimum and its tables."""

    settings: dict[str, Any]
    base_net_savings: float | None
    base_co2_t: float | None
    tables: SweepTables
    base_case: BaseCase | None = None  # where the base lies among the samples, and why
    gap_tolerance: float = 0.0
    carbon_price_eur_per_t: float = 0.0  # of the point: a sample's objective is its net savings plus this times its CO2

    @property
    def most_to_gain(self) -> float | None:
        """The most a sample the time limit stopped could still gain (its bound less its objective), EUR/yr; None when a bound is unknown."""
        s = self.samples
        stopped = s[(s["status"] == "time_limit") & s["net_savings_eur_per_year"].notna()]
        if not len(stopped):
            return 0.0
        bound = stopped["best_bound"].to_numpy(dtype=float)
        objective = stopped["net_savings_eur_per_year"].to_numpy(dtype=float) + self.carbon_price_eur_per_t * stopped["co2_avoided_t_per_year"].to_numpy(dtype=float)
        if np.isnan(bound).any():
            return None
        return float(np.max(np.maximum(bound - objective, 0.0)))

    @property
    def samples(self) -> pd.DataFrame:
        return self.tables.samples

    @property
    def match_robustness(self) -> pd.DataFrame:
        return self.tables.match_robustness

    @property
    def company_robustness(self) -> pd.DataFrame:
        return self.tables.company_robustness

    @property
    def drivers(self) -> pd.DataFrame:
        return self.tables.drivers

    @property
    def drivers_separate_at(self) -> int | None:
        """About how many samples would tell the two top drivers apart."""
        return drivers_separate_at(self.tables.drivers)


@dataclass(frozen=True)
class SweepResult:
    """A sweep: its mode, seed and samples, and one ``SweepPoint`` per grid point (one without a grid).

    ``samples``, ``match_robustness``, ``company_robustness`` and ``drivers`` are those
    of the first point (the only one without a grid); ``grid`` has a row per point.
    """

    scenario: Scenario
    mode: str
    seed: int
    n_samples: int
    points: tuple[SweepPoint, ...]
    grid_keys: tuple[str, ...] = ()
    seconds: float = 0.0
    sample_seconds: tuple[float, ...] = field(default=(), repr=False)  # wall seconds of each sample on its worker
    sample_cpu_seconds: tuple[float, ...] = field(default=(), repr=False)  # CPU seconds of each sample
    include_stopped: bool = False  # samples stopped beyond the gap tolerance counted too
    sample_parts: tuple[tuple[int, int], ...] = field(default=(), repr=False)  # reoptimise: each sample's parts solved and parts kept from the base

    @property
    def samples(self) -> pd.DataFrame:
        return self.points[0].samples

    @property
    def match_robustness(self) -> pd.DataFrame:
        return self.points[0].match_robustness

    @property
    def company_robustness(self) -> pd.DataFrame:
        return self.points[0].company_robustness

    @property
    def drivers(self) -> pd.DataFrame:
        return self.points[0].drivers

    @property
    def grid(self) -> pd.DataFrame:
        """One row per grid point: its settings, the base optimum and the spread of net savings."""
        rows = []
        for k, p in enumerate(self.points, start=1):
            counted = counted_savings(p.samples)
            q = np.percentile(counted, [10, 50, 90]) if len(counted) else [np.nan] * 3
            rows.append(
                {"point": k, **p.settings, "base_net_savings_eur_per_year": p.base_net_savings, "n_solved": n_solved(p.samples), "n_counted": len(counted),
                 "net_savings_p10": q[0], "net_savings_p50": q[1], "net_savings_p90": q[2]}
            )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """The sweep's ``sweep.json``: settings of the run and headline figures (no timings)."""
        return {
            "scenario": self.scenario.name,
            "input_hash": self.scenario.fingerprint(),
            "ranges_hash": hashlib.sha256(json.dumps(self.scenario.model_dump(mode="json")["uncertainty"], sort_keys=True).encode()).hexdigest()[:16],
            "mode": self.mode,
            "seed": self.seed,
            "n_samples": self.n_samples,
            "inputs": input_names(self.scenario),
            "grid": list(self.grid_keys),
            "driver_measure": DRIVER_MEASURE,
            "share_interval": "95 % Wilson score interval (scipy.stats.binomtest(k, n).proportion_ci(method='wilson'))",
            "include_stopped": self.include_stopped,
            "points": [
                {
                    "settings": p.settings,
                    "base_net_savings_eur_per_year": p.base_net_savings,
                    "base_co2_avoided_t_per_year": p.base_co2_t,
                    "n_solved": n_solved(p.samples),
                    "n_counted": len(counted_savings(p.samples)),
                    "n_stopped": int(((p.samples["status"] == "time_limit")).sum()),
                    "most_to_gain_eur_per_year": p.most_to_gain,
                    "gap_tolerance": p.gap_tolerance,
                    "drivers_separate_at": p.drivers_separate_at,
                    "base_case": None if p.base_case is None else p.base_case.to_json(),
                }
                for p in self.points
            ],
        }

    def write(self, out_dir: str | Path, report: bool = True) -> Path:
        """Write the sweep folder atomically (see ``symbiosis.io.write.sweep``)."""
        names = {f.id: f.name for f in self.scenario.facilities if f.name} | {c.id: c.name for c in self.scenario.companies}  # a pool's facility by its name too
        return write_sweep(
            self.summary(), [(p.settings, p.tables) for p in self.points], self.grid if self.grid_keys else None, Path(out_dir), self.scenario.input_files, report, names
        )


def run_sample(
    scenario: Scenario, mode: str, network: Network | None, rows: tuple[Uncertainty, ...], index: int, values: Sequence[float], fixed: Scenario | None = None,
    known: Known = NOTHING,
) -> SampleOutcome:
    """Solve one sample (on a worker): the scenario with the drawn values, re-optimised or with the network fixed.

    In ``reoptimise`` with the base ``network`` and its scenario ``fixed``, the base
    network is also evaluated in the sample (an LP): what re-optimising gains over it.
    The parts the sample leaves unchanged keep the base's solutions in ``known``; the
    others are solved from the base network (``solver.reuse``).
    """
    t0, c0 = time.perf_counter(), time.process_time()
    sc = sample_scenario(scenario, values, rows)
    if sc.settings.solver.processes == "auto":
        sc = sc.with_settings(solver={"processes": 1})  # a sample never starts a cluster of its own, in a worker or in-process
    base_network = None
    solved, reused = 0, 0
    if mode == "evaluate":
        assert network is not None
        result = evaluate_network(sc, network)
    else:
        run = optimise_reusing(sc, known, remember=False)
        result, solved, reused = run.result, run.parts_solved, run.parts_reused
        if network is not None and fixed is not None:
            base_network = evaluate_network(sample_scenario(fixed, values, rows), network).summary.net_savings_eur_per_year
    outcome = outcome_of(index, result, time.perf_counter() - t0)
    return replace(outcome, cpu_seconds=time.process_time() - c0, base_network=base_network, parts_solved=solved, parts_reused=reused)


def outcome_of(index: int, result: Result, seconds: float) -> SampleOutcome:
    """The plain figures of a sample's result."""
    s = result.summary
    m = result.matches
    matches = tuple((_key(key), float(sav)) for key, sav in zip(m[MATCH_KEY].itertuples(index=False, name=None), m["savings_eur_per_year"]))
    c = result.companies
    part = c[(c["n_exchanges"] > 0) | (c["n_pools"] > 0)]
    companies = tuple((str(k), float(v)) for k, v in zip(part["company"], part["savings_eur_per_year"]))
    return SampleOutcome(
        index, s.status.value, s.net_savings_eur_per_year, s.co2_avoided_t_per_year, matches, companies, seconds, mip_gap=s.mip_gap, best_bound=s.best_bound,
        measures=tuple((s.measures or {}).items()),
    )


def sweep(
    scenario: Scenario,
    samples: int,
    seed: int = 0,
    mode: str = "reoptimise",
    workers: int = 1,
    scheduler: str | None = None,
    grid: Mapping[str, Sequence[Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_solves: int | None = None,
    include_stopped: bool = False,
    reuse: bool = True,
) -> SweepResult:
    """Run a sweep: ``samples`` draws of the ranges at every grid point, on dask workers.

    ``workers=0`` solves the samples in this process (no cluster; the same results);
    more workers than this machine's cores are not started (``usable_workers``). A
    sweep of more solves than ``max_solves`` (default ``limits.MAX_SOLVES``) is refused
    before anything is drawn or solved. ``include_stopped`` counts samples the time
    limit stopped beyond the gap tolerance in the statistics too (by default they are
    listed in ``samples`` only). A range that no longer fits its stream is refused
    (``ScenarioError``). In ``reoptimise``, a sample solves only the parts its drawn
    values change and keeps the base's solution of the others (``solver.reuse``: the
    same bytes as solving them again); ``reuse=False`` solves every part of every sample.
    """
    start = time.perf_counter()
    if mode not in MODES:
        raise SettingsError(f"--mode '{mode}': expected reoptimise or evaluate")
    if samples < 1:
        raise SettingsError(f"--samples {samples}: at least 1 sample is needed")
    if seed < 0:
        raise SettingsError(f"--seed {seed}: the seed must be 0 or more")
    if workers < 0:
        raise SettingsError(f"--workers {workers}: 0 (this process) or more")
    sweep_solves(samples, [len(v) for v in (grid or {}).values()], max_solves)
    if scheduler is not None:
        check_scheduler(scheduler)
    else:
        workers = usable_workers(workers)[0]
    refuse_stale_ranges(scenario)
    points = grid_points(scenario, grid or {})
    rows = scenario.uncertainty
    values = draw(scenario, seed, range(samples))
    bases = [_base(scenario.with_settings(**p), mode, reuse) for p in points]
    total = samples * len(points)
    tasks = [(k, i) for k in range(len(points)) for i in range(samples)]
    outcomes: dict[tuple[int, int], SampleOutcome] = {}
    if workers == 0 and scheduler is None:
        for n, (k, i) in enumerate(tasks, start=1):
            b = bases[k]
            outcomes[(k, i)] = run_sample(b.start, mode, b.network, rows, i, values[i].tolist(), b.fixed, b.known)
            if progress is not None:
                progress(n, total)
    else:
        outcomes = _distributed(bases, mode, rows, values, tasks, max(workers, 1), scheduler, progress)
    names = input_names(scenario)
    result_points = []
    for k, p in enumerate(points):
        b = bases[k]
        outs = [outcomes[(k, i)] for i in range(samples)]
        tolerance = b.result.scenario.settings.solver.mip_rel_gap
        tables = tabulate(outs, names, values, mode, b.result, tolerance, include_stopped)
        note = base_case(b.result, b.network, b.fixed, tables.samples, mode, rows, names) if b.network is not None else None
        s = b.result.summary
        carbon = b.result.scenario.settings.carbon_price_eur_per_t
        result_points.append(SweepPoint(p, s.net_savings_eur_per_year, s.co2_avoided_t_per_year, tables, note, tolerance, carbon))
    seconds = tuple(outcomes[t].seconds for t in tasks)
    cpu = tuple(outcomes[t].cpu_seconds for t in tasks)
    parts = tuple((outcomes[t].parts_solved, outcomes[t].parts_reused) for t in tasks)
    return SweepResult(
        scenario, mode, seed, samples, tuple(result_points), tuple((grid or {}).keys()), time.perf_counter() - start, seconds, cpu, include_stopped, parts
    )


def refuse_stale_ranges(scenario: Scenario) -> None:
    """A sweep samples every range, so a range that no longer fits its stream (a solve only warns) is an error here."""
    stale = scenario.stale_ranges()
    if stale:
        raise ScenarioError(stale, scenario.warnings)


@dataclass(frozen=True)
class _Base:
    """A point's base optimum, the scenario its samples start from, and the base network with its own scenario.

    ``known``: the base's part solutions that a sample's unchanged parts keep, and its
    network as the changed parts' start (reoptimise only; empty without reuse).
    """

    result: Result
    start: Scenario
    network: Network | None
    fixed: Scenario | None
    known: Known = NOTHING


def _base(scenario: Scenario, mode: str, reuse: bool = True) -> _Base:
    """The base optimum of a point, and what its samples start from (the network's scenario in ``evaluate``)."""
    run = optimise_reusing(scenario, remember=reuse and mode == "reoptimise")
    base, known = run.result, run.known
    if not base.summary.status.has_solution:
        if mode == "evaluate":
            raise SettingsError(f"--mode evaluate: the base scenario has no solution to fix ({base.summary.status.value})")
        return _Base(base, scenario.replaced(uncertainty=()), None, None, known)
    network = network_of(base)
    fixed = network_scenario(scenario, network)
    if mode == "evaluate":
        return _Base(base, fixed, network, fixed)
    return _Base(base, scenario.replaced(uncertainty=()), network, fixed, known)


def _distributed(
    bases: list[_Base],
    mode: str,
    rows: tuple[Uncertainty, ...],
    values: np.ndarray,
    tasks: list[tuple[int, int]],
    workers: int,
    scheduler: str | None,
    progress: Callable[[int, int], None] | None,
) -> dict[tuple[int, int], SampleOutcome]:
    from distributed import as_completed  # heavy: loaded only when a cluster is used

    out: dict[tuple[int, int], SampleOutcome] = {}
    run = uuid.uuid4().hex[:8]
    with ExitStack() as stack:
        # After Ctrl-C the cluster is torn down mid-work and dask logs each closed
        # connection with a traceback: logging stays off until it is shut down.
        stack.callback(logging.disable, logging.root.manager.disable)
        with warnings.catch_warnings():
            # The scheduler's internal HTTP server moves to a free port when 8787 is taken: not the user's concern.
            warnings.filterwarnings("ignore", message="Port .* is already in use")
            client = stack.enter_context(dask_client(workers, scheduler))
        if scheduler is None:
            client.run(_ignore_interrupt)  # Ctrl-C reaches the local workers too: this process shuts them down
        scattered = [client.scatter(b.start, broadcast=True) for b in bases]
        fixed = [client.scatter(b.fixed, broadcast=True) if b.fixed is not None and mode != "evaluate" else None for b in bases]
        known = [client.scatter(b.known, broadcast=True) for b in bases]
        futures = [
            client.submit(
                run_sample, scattered[k], mode, bases[k].network, rows, i, values[i].tolist(), fixed[k], known[k], key=f"sample-{run}-{k}-{i}", pure=False
            )
            for k, i in tasks
        ]
        where = {f.key: t for f, t in zip(futures, tasks)}
        try:
            for n, fut in enumerate(as_completed(futures), start=1):
                out[where[fut.key]] = fut.result()
                if progress is not None:
                    progress(n, len(tasks))
        except BaseException:
            logging.disable(logging.CRITICAL)
            client.cancel(futures)  # Ctrl-C: the samples still queued or running are dropped
            raise
    return out


def _ignore_interrupt() -> None:
    """On a local worker: leave Ctrl-C to the process that started the cluster."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _key(row: Sequence[Any]) -> MatchKey:
    """A match's key, with an empty text for a missing cell (a pool member has no supply stream)."""
    a, b, c, d, e, f = (str(v) if isinstance(v, str) else "" for v in row)
    return (a, b, c, d, e, f)


def counts(status: str, gap: float | None, tolerance: float, include_stopped: bool) -> bool:
    """Whether a sample enters the statistics: solved, and within the gap tolerance unless stopped ones are asked for."""
    if status not in ("optimal", "time_limit"):
        return False
    return include_stopped or status == "optimal" or (gap is not None and gap <= tolerance + GAP_SLACK)


def n_solved(samples: pd.DataFrame) -> int:
    """Samples with a solution."""
    return int(samples["net_savings_eur_per_year"].notna().sum())


def counted_savings(samples: pd.DataFrame) -> np.ndarray:
    """Net savings of the samples that enter the statistics."""
    return samples.loc[samples["counted"] == "yes", "net_savings_eur_per_year"].to_numpy(dtype=float)


def tabulate(
    outs: list[SampleOutcome], names: list[str], values: np.ndarray, mode: str, base: Result, tolerance: float = 0.0, include_stopped: bool = False
) -> SweepTables:
    """The sweep's tables of one point from its samples' outcomes; statistics over the counted samples only."""
    sample_rows = []
    counted = []
    for o in outs:
        yes = o.net_savings is not None and counts(o.status, o.mip_gap, tolerance, include_stopped)
        if yes:
            counted.append(o)
        row: dict[str, Any] = {
            "sample": o.index, "status": o.status, "net_savings_eur_per_year": o.net_savings, "co2_avoided_t_per_year": o.co2_t,
            "mip_gap": o.mip_gap, "best_bound": o.best_bound, "counted": "yes" if yes else "no", "base_network_net_savings_eur_per_year": o.base_network,
        }
        row.update({m.summary_key: dict(o.measures).get(m.name) for m in measures.others()})
        row.update({n: float(values[o.index, j]) for j, n in enumerate(names)})
        sample_rows.append(row)
    samples = pd.DataFrame(sample_rows, columns=SAMPLE_COLUMNS + names)
    return SweepTables(samples, _match_table(counted, mode, base), _company_table(counted), drivers(samples, names, base.scenario))


def _match_table(counted: list[SampleOutcome], mode: str, base: Result) -> pd.DataFrame:
    """Matches: those of the base network first in evaluate mode; every match seen in reoptimise."""
    keys: dict[MatchKey, None] = {}
    for key in base.matches[MATCH_KEY].itertuples(index=False, name=None):
        keys[_key(key)] = None
    if mode != "evaluate":
        for o in counted:
            for key, _ in o.matches:
                keys.setdefault(key, None)
    found = [dict(o.matches) for o in counted]
    match_rows = []
    for key in keys:
        got = [f.get(key) for f in found]
        sav = np.array([0.0 if g is None else g for g in got], dtype=float)
        k = int(np.sum(sav > PAYS)) if mode == "evaluate" else sum(g is not None for g in got)
        share = k / len(got) if got else np.nan
        low, high = confidence.wilson(k, len(got))
        q = np.percentile(sav, [10, 50, 90]) if len(sav) else [np.nan] * 3
        stage = match_stage(base.scenario, *(str(x) for x in key[:5]))
        match_rows.append(dict(zip(MATCH_KEY, key)) | {"share_chosen": share, "share_low": low, "share_high": high, "savings_p10": q[0], "savings_p50": q[1], "savings_p90": q[2], "stage": stage})
    matches = pd.DataFrame(match_rows, columns=MATCH_ROBUSTNESS_COLUMNS)
    return matches.sort_values(["share_chosen", "savings_p50", *MATCH_KEY], ascending=[False, False] + [True] * len(MATCH_KEY), kind="stable").reset_index(drop=True)


def _company_table(counted: list[SampleOutcome]) -> pd.DataFrame:
    firms: dict[str, None] = {}
    for o in counted:
        for c, _ in o.companies:
            firms.setdefault(c, None)
    found = [dict(o.companies) for o in counted]
    company_rows = []
    for c in sorted(firms):
        sav = np.array([f.get(c, 0.0) for f in found], dtype=float)
        q = np.percentile(sav, [10, 50, 90])
        below = int(np.sum(sav < BELOW_ZERO))
        low, high = confidence.wilson(below, len(sav))
        company_rows.append(
            {"company": c, "savings_p10": q[0], "savings_p50": q[1], "savings_p90": q[2], "share_below_zero": below / len(sav),
             "share_below_zero_low": low, "share_below_zero_high": high}
        )
    return pd.DataFrame(company_rows, columns=COMPANY_ROBUSTNESS_COLUMNS)


def drivers(samples: pd.DataFrame, names: list[str], scenario: Scenario | None = None) -> pd.DataFrame:
    """The inputs ranked by |Spearman's rho| with net savings over the counted samples (0 where either is constant), with 95 % intervals,
    each with the company whose stream it is and the stream's source (to ask that company first).

    An input of a stream that has no candidate exchange or pool (``candidate_streams``) cannot
    change the network: it is no driver (index 0, ``can_change_network`` = ``no``, listed after
    the drivers), whatever its sample correlation. ``distinguishable`` is ``yes`` where the
    Benjamini-Hochberg adjusted p-value of the index is below 5 %, over the inputs tested
    (``confidence``); ``samples_needed`` estimates the samples at which one interval would not hold 0.
    """
    solved = samples[samples["counted"] == "yes"] if "counted" in samples else samples[samples["net_savings_eur_per_year"].notna()]
    y = solved["net_savings_eur_per_year"].to_numpy(dtype=float)
    linked = candidate_streams(scenario) if scenario is not None else None
    can = [linked is None or n.rsplit(":", 1)[0] in linked for n in names]
    index = []
    for n, c in zip(names, can):
        x = solved[n].to_numpy(dtype=float)
        if not c or len(y) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            index.append(0.0)
            continue
        rho = float(stats.spearmanr(x, y).statistic)
        index.append(0.0 if np.isnan(rho) else rho)
    p_values = [confidence.spearman_p(r, len(y)) if r != 0.0 else math.nan for r in index]
    adjusted = confidence.benjamini_hochberg(p_values)
    order = sorted(range(len(names)), key=lambda j: (not can[j], -abs(index[j]), j))
    streams = scenario.stream_by_id if scenario is not None else {}
    rows = []
    for r, j in enumerate(order, start=1):
        stream, name = names[j].rsplit(":", 1)
        s = streams.get(stream)
        constant = index[j] == 0.0
        low, high = (0.0, 0.0) if constant else confidence.spearman_interval(index[j], len(y))
        needed = None if constant else confidence.samples_to_distinguish(index[j])
        told = not math.isnan(adjusted[j]) and adjusted[j] < confidence.FALSE_DISCOVERY_RATE
        rows.append(
            {"rank": r, "stream": stream, "field": name, "index": index[j], "company": s.company if s else "", "source": (s.source or "measured") if s else "",
             "index_low": low, "index_high": high, "distinguishable": "yes" if told else "no", "samples_needed": needed,
             "p_value": p_values[j], "p_adjusted": adjusted[j], "can_change_network": "yes" if can[j] else "no"}
        )
    return pd.DataFrame(rows, columns=DRIVER_COLUMNS)


def candidate_streams(scenario: Scenario) -> set[str]:
    """The streams with at least one candidate exchange or pool membership under the broadest pruning (none by value).

    Checked on the base scenario: the rule that drops a peak arc's flow in slots that can never
    set its demand's peak depends on quantities, so a supply whose only arc serves such slots
    could, in a sample with other quantities, become a candidate; such an input is reported as
    unable to change the network (rare: a night-only spare beside a day-peaking demand)."""
    c = build_candidates(scenario, keep_all=True)
    return set(c.arcs["supply_stream"]) | set(c.arcs["demand_stream"]) | set(c.memberships["demand_stream"])


def drivers_separate_at(table: pd.DataFrame) -> int | None:
    """About how many samples would tell the two top drivers apart (None with fewer than two, or two of one size)."""
    if len(table) < 2:
        return None
    return confidence.samples_to_separate(float(table["index"].iloc[0]), float(table["index"].iloc[1]))
