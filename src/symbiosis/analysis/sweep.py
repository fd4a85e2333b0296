"""Monte Carlo sweeps over the uncertainty ranges, and grids over settings (contract section 4c).

For every grid point (a combination of settings; one point without a grid) the base
scenario is solved once here; then N samples are solved, each from plain data (the
scenario and the sample's drawn values) on a dask.distributed worker that builds its
own model. ``reoptimise`` solves each sample's MILP; ``evaluate`` fixes the base
optimum's links and re-optimises the flows only (``analysis.fixed``). Results are
gathered by sample index, so the tables do not depend on the number of workers.

Tables per point: ``samples`` (one row per sample), ``match_robustness`` (share of
solved samples in which each match is chosen, or in ``evaluate`` pays, and P10/P50/P90
of its savings, 0 in a sample without it), ``company_robustness`` (P10/P50/P90 of a
company's allocated savings and the share of solved samples in which it ends below
zero), ``drivers`` (inputs ranked by |Spearman's rank correlation| with net savings,
``index`` the signed coefficient, from ``scipy.stats.spearmanr``).
"""

from __future__ import annotations

import hashlib
import json
import logging
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

from symbiosis.analysis.fixed import Network, evaluate_network, network_of, network_scenario
from symbiosis.analysis.limits import sweep_solves
from symbiosis.analysis.optimise import optimise
from symbiosis.analysis.sampling import draw, grid_points, input_names, sample_scenario
from symbiosis.errors import SettingsError
from symbiosis.io.write.sweep import SweepTables, write_sweep
from symbiosis.results import Result
from symbiosis.schema import Scenario, Uncertainty
from symbiosis.solver.cluster import check_scheduler, dask_client, usable_workers

Mode = Literal["reoptimise", "evaluate"]
MODES: tuple[str, ...] = ("reoptimise", "evaluate")
MATCH_KEY = ["kind", "source", "target", "supply_stream", "demand_stream", "resource"]
SAMPLE_COLUMNS = ["sample", "status", "net_savings_eur_per_year", "co2_avoided_t_per_year"]
MATCH_ROBUSTNESS_COLUMNS = [*MATCH_KEY, "share_chosen", "savings_p10", "savings_p50", "savings_p90"]
COMPANY_ROBUSTNESS_COLUMNS = ["company", "savings_p10", "savings_p50", "savings_p90", "share_below_zero"]
# company and source (turn 3): whom to ask, and whether the figure is an estimate (DESIGN.md section 4f).
DRIVER_COLUMNS = ["rank", "stream", "field", "index", "company", "source"]
DRIVER_MEASURE = "Spearman's rank correlation of the input with net savings over the solved samples (scipy.stats.spearmanr); ranked by its absolute value"
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


@dataclass(frozen=True)
class SweepPoint:
    """One grid point's settings, its base optimum and its tables."""

    settings: dict[str, Any]
    base_net_savings: float | None
    base_co2_t: float | None
    tables: SweepTables

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
            solved = p.samples["net_savings_eur_per_year"].dropna().to_numpy(dtype=float)
            q = np.percentile(solved, [10, 50, 90]) if len(solved) else [np.nan] * 3
            rows.append(
                {"point": k, **p.settings, "base_net_savings_eur_per_year": p.base_net_savings, "n_solved": len(solved), "net_savings_p10": q[0], "net_savings_p50": q[1], "net_savings_p90": q[2]}
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
            "points": [
                {
                    "settings": p.settings,
                    "base_net_savings_eur_per_year": p.base_net_savings,
                    "base_co2_avoided_t_per_year": p.base_co2_t,
                    "n_solved": int(p.samples["net_savings_eur_per_year"].notna().sum()),
                }
                for p in self.points
            ],
        }

    def write(self, out_dir: str | Path, report: bool = True) -> Path:
        """Write the sweep folder atomically (see ``symbiosis.io.write.sweep``)."""
        return write_sweep(self.summary(), [(p.settings, p.tables) for p in self.points], self.grid if self.grid_keys else None, Path(out_dir), self.scenario.input_files, report)


def run_sample(scenario: Scenario, mode: str, network: Network | None, rows: tuple[Uncertainty, ...], index: int, values: Sequence[float]) -> SampleOutcome:
    """Solve one sample (on a worker): the scenario with the drawn values, re-optimised or with the network fixed."""
    t0, c0 = time.perf_counter(), time.process_time()
    sc = sample_scenario(scenario, values, rows)
    if mode == "evaluate":
        assert network is not None
        result = evaluate_network(sc, network)
    else:
        result = optimise(sc)
    return replace(outcome_of(index, result, time.perf_counter() - t0), cpu_seconds=time.process_time() - c0)


def outcome_of(index: int, result: Result, seconds: float) -> SampleOutcome:
    """The plain figures of a sample's result."""
    s = result.summary
    m = result.matches
    matches = tuple((_key(key), float(sav)) for key, sav in zip(m[MATCH_KEY].itertuples(index=False, name=None), m["savings_eur_per_year"]))
    c = result.companies
    part = c[(c["n_exchanges"] > 0) | (c["n_pools"] > 0)]
    companies = tuple((str(k), float(v)) for k, v in zip(part["company"], part["savings_eur_per_year"]))
    return SampleOutcome(index, s.status.value, s.net_savings_eur_per_year, s.co2_avoided_t_per_year, matches, companies, seconds)


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
) -> SweepResult:
    """Run a sweep: ``samples`` draws of the ranges at every grid point, on dask workers.

    ``workers=0`` solves the samples in this process (no cluster; the same results);
    more workers than this machine's cores are not started (``usable_workers``). A
    sweep of more solves than ``max_solves`` (default ``limits.MAX_SOLVES``) is refused
    before anything is drawn or solved.
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
    points = grid_points(scenario, grid or {})
    rows = scenario.uncertainty
    values = draw(scenario, seed, range(samples))
    bases = [_base(scenario.with_settings(**p), mode) for p in points]
    total = samples * len(points)
    tasks = [(k, i) for k in range(len(points)) for i in range(samples)]
    outcomes: dict[tuple[int, int], SampleOutcome] = {}
    if workers == 0 and scheduler is None:
        for n, (k, i) in enumerate(tasks, start=1):
            sc, network = bases[k][1], bases[k][2]
            outcomes[(k, i)] = run_sample(sc, mode, network, rows, i, values[i].tolist())
            if progress is not None:
                progress(n, total)
    else:
        outcomes = _distributed(bases, mode, rows, values, tasks, max(workers, 1), scheduler, progress)
    names = input_names(scenario)
    result_points = []
    for k, p in enumerate(points):
        base_result = bases[k][0]
        outs = [outcomes[(k, i)] for i in range(samples)]
        tables = tabulate(outs, names, values, mode, base_result)
        result_points.append(SweepPoint(p, base_result.summary.net_savings_eur_per_year, base_result.summary.co2_avoided_t_per_year, tables))
    seconds = tuple(outcomes[t].seconds for t in tasks)
    cpu = tuple(outcomes[t].cpu_seconds for t in tasks)
    return SweepResult(scenario, mode, seed, samples, tuple(result_points), tuple((grid or {}).keys()), time.perf_counter() - start, seconds, cpu)


def _base(scenario: Scenario, mode: str) -> tuple[Result, Scenario, Network | None]:
    """The base optimum of a point, and what its samples start from (the network's scenario in ``evaluate``)."""
    base = optimise(scenario)
    if mode != "evaluate":
        return base, scenario.replaced(uncertainty=()), None
    if not base.summary.status.has_solution:
        raise SettingsError(f"--mode evaluate: the base scenario has no solution to fix ({base.summary.status.value})")
    network = network_of(base)
    return base, network_scenario(scenario, network), network


def _distributed(
    bases: list[tuple[Result, Scenario, Network | None]],
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
        scattered = [client.scatter(b[1], broadcast=True) for b in bases]
        futures = [
            client.submit(run_sample, scattered[k], mode, bases[k][2], rows, i, values[i].tolist(), key=f"sample-{run}-{k}-{i}", pure=False)
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


def tabulate(outs: list[SampleOutcome], names: list[str], values: np.ndarray, mode: str, base: Result) -> SweepTables:
    """The sweep's tables of one point from its samples' outcomes."""
    sample_rows = []
    for o in outs:
        row: dict[str, Any] = {"sample": o.index, "status": o.status, "net_savings_eur_per_year": o.net_savings, "co2_avoided_t_per_year": o.co2_t}
        row.update({n: float(values[o.index, j]) for j, n in enumerate(names)})
        sample_rows.append(row)
    samples = pd.DataFrame(sample_rows, columns=SAMPLE_COLUMNS + names)
    solved = [o for o in outs if o.net_savings is not None]
    # Matches: those of the base network first in evaluate mode; every match seen in reoptimise.
    keys: dict[MatchKey, None] = {}
    for key in base.matches[MATCH_KEY].itertuples(index=False, name=None):
        keys[_key(key)] = None
    if mode != "evaluate":
        for o in solved:
            for key, _ in o.matches:
                keys.setdefault(key, None)
    match_rows = []
    for key in keys:
        got = [dict(o.matches).get(key) for o in solved]
        sav = np.array([0.0 if g is None else g for g in got], dtype=float)
        if mode == "evaluate":
            share = float(np.mean(sav > PAYS)) if len(sav) else np.nan
        else:
            share = float(np.mean([g is not None for g in got])) if got else np.nan
        q = np.percentile(sav, [10, 50, 90]) if len(sav) else [np.nan] * 3
        match_rows.append(dict(zip(MATCH_KEY, key)) | {"share_chosen": share, "savings_p10": q[0], "savings_p50": q[1], "savings_p90": q[2]})
    matches = pd.DataFrame(match_rows, columns=MATCH_ROBUSTNESS_COLUMNS)
    matches = matches.sort_values(["share_chosen", "savings_p50", *MATCH_KEY], ascending=[False, False] + [True] * len(MATCH_KEY), kind="stable").reset_index(drop=True)
    firms: dict[str, None] = {}
    for o in solved:
        for c, _ in o.companies:
            firms.setdefault(c, None)
    company_rows = []
    for c in sorted(firms):
        sav = np.array([dict(o.companies).get(c, 0.0) for o in solved], dtype=float)
        q = np.percentile(sav, [10, 50, 90])
        company_rows.append({"company": c, "savings_p10": q[0], "savings_p50": q[1], "savings_p90": q[2], "share_below_zero": float(np.mean(sav < BELOW_ZERO))})
    companies = pd.DataFrame(company_rows, columns=COMPANY_ROBUSTNESS_COLUMNS)
    return SweepTables(samples, matches, companies, drivers(samples, names, base.scenario))


def drivers(samples: pd.DataFrame, names: list[str], scenario: Scenario | None = None) -> pd.DataFrame:
    """The inputs ranked by |Spearman's rho| with net savings over the solved samples (0 where either is constant),
    each with the company whose stream it is and the stream's source (to ask that company first)."""
    solved = samples[samples["net_savings_eur_per_year"].notna()]
    y = solved["net_savings_eur_per_year"].to_numpy(dtype=float)
    index = []
    for n in names:
        x = solved[n].to_numpy(dtype=float)
        if len(y) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
            index.append(0.0)
            continue
        rho = float(stats.spearmanr(x, y).statistic)
        index.append(0.0 if np.isnan(rho) else rho)
    order = sorted(range(len(names)), key=lambda j: (-abs(index[j]), j))
    streams = scenario.stream_by_id if scenario is not None else {}
    rows = []
    for r, j in enumerate(order, start=1):
        stream, name = names[j].rsplit(":", 1)
        s = streams.get(stream)
        rows.append({"rank": r, "stream": stream, "field": name, "index": index[j], "company": s.company if s else "", "source": (s.source or "measured") if s else ""})
    return pd.DataFrame(rows, columns=DRIVER_COLUMNS)
