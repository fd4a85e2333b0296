"""sweep: Monte Carlo over the uncertainty ranges and grids over settings, on dask workers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from symbiosis.cli.base import EXIT_OK, ScenarioArg, SetOpt, app, copyable, err, guard, money, out, parse_overrides, styled, written
from symbiosis.cli.loading import StrictOpt, load
from symbiosis.errors import SettingsError
from symbiosis.io.read.yamlsafe import SetValueError, set_value
from symbiosis.io.write.page import percent
from symbiosis.solver.cluster import usable_workers

TOP_DRIVERS = 5


def parse_grid(items: list[str] | None) -> dict[str, list[Any]]:
    """``KEY=V1,V2,...`` strings (repeatable) into lists of values, each read like ``--set``."""
    grid: dict[str, list[Any]] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise SettingsError(f"--grid '{item}': expected KEY=V1,V2,..., e.g. --grid carbon_price_eur_per_t=0,50,100")
        if key in grid:
            raise SettingsError(f"--grid {key}: given twice; list all its values in one --grid")
        values = []
        for v in raw.split(","):
            if not v.strip():
                raise SettingsError(f"--grid '{item}': an empty value")
            try:
                value = set_value(v)
            except SetValueError as exc:
                raise SettingsError(f"--grid {key}={v}: {exc}") from None
            if isinstance(value, list):
                raise SettingsError(f"--grid {key}={v}: a grid value is a plain value; separate the values with commas")
            values.append(value)
        grid[key] = values
    return grid


@app.command()
def sweep(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the sweep's files (created or replaced).")],
    samples: Annotated[int, typer.Option("--samples", "-n", help="Samples per grid point.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws: sample i depends on it and i alone.")] = 0,
    mode: Annotated[str, typer.Option("--mode", help="reoptimise (each sample's MILP) or evaluate (the base network fixed, flows only).")] = "reoptimise",
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes of the local dask cluster: one per CPU, at most 4, unless given (0: this process, no cluster).")] = min(4, os.cpu_count() or 1),
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Run on an existing dask cluster, e.g. tcp://HOST:8786.")] = None,
    grid: Annotated[list[str] | None, typer.Option("--grid", "-g", help="Sweep a setting over values, e.g. --grid carbon_price_eur_per_t=0,50,100. Repeatable: every combination.")] = None,
    set_: SetOpt = None,
    no_report: Annotated[bool, typer.Option("--no-report", help="Tables only: no pictures and no report.html.")] = False,
    max_solves: Annotated[int | None, typer.Option("--max-solves", help="Allow a sweep of more solves than 10,000 ((samples + 1) x grid points).", show_default=False)] = None,
    include_stopped: Annotated[bool, typer.Option("--include-stopped", help="Count samples the time limit stopped beyond the gap tolerance in the statistics too (by default they are listed in samples.csv only).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    strict: StrictOpt = False,
) -> None:
    """Monte Carlo over uncertainty.csv: which matches hold, who could lose, which inputs to collect first."""
    def run() -> int:
        from symbiosis import api

        overrides = parse_overrides(set_)
        points = parse_grid(grid)
        api.sweep_size(samples, points, max_solves)  # refused at once, before the scenario is read
        n_workers = workers
        if scheduler is None:
            n_workers, note = usable_workers(workers)
            if note and not quiet:
                err.print(f"note: {note}")
        sc = load(scenario, strict)
        api.check_output(out_dir, sc, "sweep")  # before any sample is solved
        if not sc.uncertainty and not quiet:
            out.print("note: the scenario has no uncertainty table; every sample is the base scenario", highlight=False)
        with _bar(quiet) as tick:
            result = api.sweep(sc, samples, seed, mode, n_workers, scheduler, points, tick, max_solves, include_stopped=include_stopped, **overrides)
        result.write(out_dir, report=not no_report)
        written(out_dir)
        if not quiet:
            _print_summary(result, out_dir, scenario)
        return EXIT_OK

    raise typer.Exit(guard(run))


class _bar:
    """A progress bar (samples done, time left) on a terminal; nothing when piped or quiet."""

    def __init__(self, quiet: bool) -> None:
        self.show = not quiet and out.is_terminal
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.show:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(TextColumn("samples"), BarColumn(), MofNCompleteColumn(), TextColumn("time left"), TimeRemainingColumn(), console=out, transient=True)
        self.progress.start()

        def tick(done: int, total: int) -> None:
            if self.task is None:
                self.task = self.progress.add_task("samples", total=total)
            self.progress.update(self.task, completed=done)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_summary(result: Any, out_dir: Path, scenario: Path) -> None:
    out.print(styled((result.scenario.name, "bold"), f": {result.n_samples} samples (seed {result.seed}), mode {result.mode}"))
    for k, p in enumerate(result.points, start=1):
        s = p.samples
        solved = int(s["net_savings_eur_per_year"].notna().sum())
        counted = s[s["counted"] == "yes"]["net_savings_eur_per_year"]
        where = ", ".join(f"{key}={v}" for key, v in p.settings.items())
        head = f"point {k} ({where}): " if where else ""
        stopped = s[(s["status"] == "time_limit")]
        if len(stopped):
            gaps = stopped["mip_gap"].dropna()
            worst = f", gaps up to {percent(gaps.max())}" if len(gaps) else ""
            rule = "counted too (--include-stopped)" if result.include_stopped else f"left out of the statistics: beyond the gap tolerance {percent(p.gap_tolerance)}"
            most = p.most_to_gain
            gain = "" if most is None else f"; at most {money(most)} EUR/yr more in one of them"
            out.print(styled(head, (f"{len(stopped)} of {len(s)} samples stopped on the time limit", "yellow"), f" (not proven{worst}{gain}); those beyond the tolerance are {rule}"))
        if len(counted):
            q = counted.quantile([0.1, 0.5, 0.9]).tolist()
            out.print(
                f"{head}net savings base {money(p.base_net_savings)} EUR/yr; P10 {money(q[0])}, P50 {money(q[1])}, P90 {money(q[2])} "
                f"over {len(counted)} counted of {solved} solved samples",
                highlight=False,
            )
        else:
            out.print(f"{head}no sample was solved within the gap tolerance", highlight=False)
        if p.base_case is not None and p.base_case.sentence:
            out.print(f"  {p.base_case.sentence}")
        mr, cr = p.match_robustness, p.company_robustness
        verb = "pay" if result.mode == "evaluate" else "are chosen"
        sure = int((mr["share_low"] >= 0.9).sum())
        out.print(
            f"  {int((mr['share_chosen'] >= 0.9).sum())} of {len(mr)} matches {verb} in at least 90% of the samples "
            f"({sure} with the lower end of the 95% interval at 90% or more); "
            f"{int((cr['share_below_zero'] > 0).sum())} companies end below zero in some samples",
            highlight=False,
        )
    out.print(f"results written to {out_dir}", highlight=False)
    _print_drivers(result.points[0], result.scenario.company_by_id, scenario)


def _print_drivers(point: Any, names: Any, scenario: Path) -> None:
    """The top drivers with their 95 % intervals and whom to ask; inputs that cannot change the network are listed
    apart; with no input told apart from chance (Benjamini-Hochberg over the inputs tested), nobody is asked."""
    drivers = point.drivers
    n = int((point.samples["counted"] == "yes").sum())
    inert = drivers[drivers["can_change_network"] == "no"] if "can_change_network" in drivers else drivers.iloc[0:0]
    if len(inert):
        shown = ", ".join(f"{r.stream}:{r.field}" for r in inert.head(TOP_DRIVERS).itertuples(index=False))
        more = f" and {len(inert) - TOP_DRIVERS} more" if len(inert) > TOP_DRIVERS else ""
        out.print(f"cannot change the network ({len(inert)} inputs whose streams have no candidate exchange or pool; not drivers): {shown}{more}", highlight=False)
    moving = drivers[drivers["index"] != 0]
    told = moving[moving["distinguishable"] == "yes"]
    if not len(moving):
        out.print("collect these data first: no uncertain input moves net savings", highlight=False)
        return
    out.print(
        f"collect these data first ({len(told)} of {len(moving)} inputs told apart from chance at {n} samples: Benjamini-Hochberg over "
        f"the {len(moving)} tested, 5% false discoveries; 95% intervals):",
        highlight=False,
    )
    top = moving.head(TOP_DRIVERS)
    for r in top.itertuples(index=False):
        who = f": ask {r.company} ({names[r.company].name})" if r.company in names and r.distinguishable == "yes" else ""
        tail = "" if r.distinguishable == "yes" else (
            "  not distinguishable from chance at this N" + (f" (about {int(r.samples_needed):,} samples would tell)" if r.samples_needed == r.samples_needed and r.samples_needed is not None else "")
        )
        out.print(f"  {r.rank}. {r.stream}:{r.field} [{r.source}]{who} (Spearman's rho {r.index:+.2f}, {r.index_low:+.2f} to {r.index_high:+.2f}){tail}", highlight=False)
    sep = point.drivers_separate_at
    if sep is not None and len(moving) >= 2:
        first, second = moving.iloc[0], moving.iloc[1]
        if sep > n:
            out.print(f"  the top two ({first['stream']}:{first['field']}, {second['stream']}:{second['field']}) would separate at about {sep:,} samples (rough: Fisher's z of the difference)", highlight=False)
    if not len(told):
        out.print(
            f"no input stands out more than chance predicts when {len(moving)} are tested together, so no company is asked yet: "
            "run more samples (--samples) before collecting data",
            highlight=False,
        )
        return
    ask = list(dict.fromkeys(c for c in told.head(TOP_DRIVERS)["company"] if c in names))
    if ask:
        out.print("their workbooks: " + "; ".join(intake_command(scenario, c) for c in ask), highlight=False)


def intake_command(scenario: Path, company: str) -> str:
    """The command that writes one company's intake workbook, quoted for a POSIX shell."""
    return copyable(["symbiosis", "intake"], options=[("--company", company), ("--out", f"{company}.xlsx")], args=[str(scenario)])
