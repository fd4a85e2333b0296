"""solve, validate and check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from symbiosis.cli.base import (
    EXIT_INFEASIBLE,
    EXIT_NO_SOLUTION,
    EXIT_OK,
    EXIT_VIOLATIONS,
    ContextOpt,
    ScenarioArg,
    SetOpt,
    TilesOpt,
    app,
    err,
    guard,
    map_layers,
    money,
    out,
    parse_overrides,
    progress,
    styled,
    written,
)
from symbiosis.cli.loading import StrictOpt, load, strict_candidates
from symbiosis.errors import OutputError, SettingsError
from symbiosis.io.write.page import percent
from symbiosis.io.write.progress import progress_line
from symbiosis.io.write.report.html import estimates_line
from symbiosis.solver.cluster import usable_workers
from symbiosis.types import Status, Summary


@app.command()
def solve(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the result files (created or replaced).")],
    set_: SetOpt = None,
    top: Annotated[int, typer.Option(help="How many of the best matches to list.")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    anonymise: Annotated[
        bool, typer.Option("--anonymise", help="Replace company names, company ids and stream ids in every output with stable pseudonyms.")
    ] = False,
    report: Annotated[bool, typer.Option("--report", help="Also write report.html (map, charts, tables; opens offline) and its pictures.")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write the result tables as one Excel workbook, results.xlsx.")] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Solve the independent parts on the Dask cluster at this address (tcp://HOST:8786).", show_default=False)
    ] = None,
    strict: StrictOpt = False,
    without: Annotated[
        str | None, typer.Option("--without", help="Solve without these companies (ids, comma-separated): their streams are removed, and the rules naming them.")
    ] = None,
    maximise: Annotated[
        str | None,
        typer.Option("--maximise", help="Make this measure as good as it can be instead of net savings (+ carbon price x CO2): e.g. land_freed_m2, co2_t; truck_km is minimised (less is better).", show_default=False),
    ] = None,
    weight: Annotated[
        list[str] | None, typer.Option("--weight", help="Maximise a weighted sum of measures instead, MEASURE=WEIGHT, e.g. --weight savings_eur=1 --weight land_freed_m2=2. Repeatable.")
    ] = None,
    floor: Annotated[list[str] | None, typer.Option("--floor", help="Keep a measure at least this high, MEASURE=VALUE, e.g. --floor savings_eur=0. Repeatable.")] = None,
    ceiling: Annotated[list[str] | None, typer.Option("--ceiling", help="Keep a measure at most this high, MEASURE=VALUE, e.g. --ceiling truck_km=50000. Repeatable.")] = None,
    context: ContextOpt = None,
    tiles: TilesOpt = None,
) -> None:
    """Solve a scenario and write summary.json, matches.csv, flows.csv, companies.csv, facilities.csv, parts.csv and the network."""
    def run() -> int:
        from symbiosis import api

        objective = parse_objective(maximise, weight, floor, ceiling)
        overrides = parse_overrides(set_)
        if (context is not None or tiles is not None) and not report:
            raise SettingsError("--context and --tiles draw under the report's map: add --report")
        layers = map_layers(context, tiles)
        sc = load(scenario, strict)
        if without is not None:
            left_out = api.without(sc, without.split(","))
            sc = left_out.scenario
            if not quiet:
                out.print(f"without {', '.join(left_out.companies)}: {len(left_out.streams)} streams removed", highlight=False)
                for line in left_out.dropped:
                    out.print(f"  dropped with them: {line}", highlight=False, markup=False)
        api.check_output(out_dir, sc)
        asked = sc.with_settings(**overrides).settings.solver.processes
        if scheduler is None and not quiet and asked != "auto":
            note = usable_workers(int(asked), "solver.processes")[1]
            if note:
                err.print(f"note: {note}")
        with progress("Solving ...", quiet) as status:

            def show(p: Any) -> None:
                if status is not None:
                    gap = "" if p.mip_gap is None else f", gap {percent(p.mip_gap)}"
                    status.update(f"Solving: {p.parts_done}/{p.parts_total} independent parts done, incumbent {p.objective:,.0f} EUR/yr{gap}")

            result = api.solve(sc, progress=show, scheduler=scheduler, objective=objective, **overrides)
        strict_candidates(result.candidates.warnings if result.candidates is not None else [], strict)
        if anonymise:
            result = result.anonymised()
        with progress("Writing the results ...", quiet or not report):
            result.write(out_dir, xlsx=xlsx, report=report, layers=layers)
        written(out_dir, _exit_code(result.summary.status))
        if not quiet:
            _print_summary(result.summary, result.matches, result.facilities, top, out_dir)
            if result.summary.status is Status.time_limit:
                _print_gap_holders(result.parts)
            if report:
                out.print(f"report: {out_dir / 'report.html'}", highlight=False)
        if result.summary.status is Status.infeasible:
            for p in result.summary.problems:
                err.print(f"  {p}", highlight=False, markup=False)
        return _exit_code(result.summary.status)

    raise typer.Exit(guard(run))


def _exit_code(status: Any) -> int:
    """The exit code of a solve's status: 3 infeasible, 4 no solution, 1 error, else 0."""
    from symbiosis.types import Status

    codes = {Status.infeasible: EXIT_INFEASIBLE, Status.no_solution: EXIT_NO_SOLUTION, Status.error: EXIT_VIOLATIONS}
    return codes.get(status, EXIT_OK)


@app.command()
def validate(scenario: ScenarioArg, strict: StrictOpt = False) -> None:
    """Check a scenario and list every problem found (file, row, column), without solving; warnings are printed too."""
    def run() -> int:
        sc = load(scenario, strict, programme=True)
        n_sup = sum(1 for s in sc.streams if s.direction.value == "supply")
        warned = f", {len(sc.warnings)} warning(s)" if sc.warnings else ""
        out.print(
            styled(
                ("OK", "green"),
                f": {sc.name}: {len(sc.companies)} companies, {len(sc.resources)} resources, "
                f"{len(sc.streams)} streams ({n_sup} supplies, {len(sc.streams) - n_sup} demands), "
                f"{len(sc.rules)} rules, {len({f.id for f in sc.facilities})} candidate facilities{warned}",
            )
        )
        estimated = [s for s in sc.streams if s.estimated]
        if estimated:
            ranged = {u.stream for u in sc.uncertainty} & {s.id for s in estimated}
            out.print(
                f"{len(estimated)} of {len(sc.streams)} streams ({len({s.company for s in estimated})} companies) are estimated (source 'estimated: ...'), "
                f"{len(ranged)} of them with a range in uncertainty.csv; a result says how much of its savings rests on them",
                highlight=False,
                markup=False,
            )
        return EXIT_OK

    raise typer.Exit(guard(run))


@app.command()
def check(
    scenario: ScenarioArg,
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    strict: StrictOpt = False,
) -> None:
    """Recompute feasibility and every savings figure of a result (or a roadmap's budgets, lead times and discounted sums) from its files; exit 1 on any violation."""
    def run() -> int:
        from symbiosis.analysis.check import check_result
        from symbiosis.analysis.roadmap_check import check_roadmap

        sc = load(scenario, strict)
        if (result_dir / "roadmap.csv").is_file() and not (result_dir / "summary.json").is_file():
            report = check_roadmap(sc, result_dir)
            return _print_check(
                report,
                f": the roadmap's {report.n_matches} matches hold their lead times, stages, budgets and couplings; "
                f"discounted savings {report.objective:,.0f} EUR recomputed",
            )
        if not (result_dir / "summary.json").is_file():
            raise OutputError(f"'{result_dir}' holds no summary.json; is it a result folder?")
        report = check_result(sc, result_dir)
        return _print_check(
            report,
            f": {report.n_matches} matches and {report.n_flows} flows hold every limit and rule; "
            f"net savings {report.net_savings_eur_per_year:,.0f} EUR/yr, CO2 {report.co2_avoided_t_per_year:,.1f} t/yr recomputed",
        )

    raise typer.Exit(guard(run))


def _print_check(report: Any, ok_line: str) -> int:
    """A check's notes, then OK with what was recomputed, or every violation (exit 1)."""
    for line in report.notes:
        err.print(f"  note: {line}", highlight=False, markup=False)
    if report.ok:
        out.print(styled(("OK", "green"), ok_line))
        return EXIT_OK
    err.print(f"{len(report.violations)} violation(s):", style="bold red")
    for line in report.violations:
        err.print(f"  {line}", highlight=False, markup=False)
    return EXIT_VIOLATIONS


def _print_summary(summary: Summary, matches: Any, facilities: Any, top: int, out_dir: Path) -> None:
    gap = summary.mip_gap
    out.print(summary.scenario, style="bold")
    out.print(
        f"status: {summary.status.value}"
        + (f" (gap {percent(gap)})" if gap is not None else "")
        + f"; {summary.n_exchanges} exchanges and {summary.n_pools} shared facilities, from {summary.n_candidates} candidate exchanges and {summary.n_membership_candidates} candidate pool memberships",
        highlight=False,
    )
    out.print(f"net savings: {money(summary.net_savings_eur_per_year)} EUR/yr", highlight=False)
    said = estimates_line(summary.estimates)
    if said is not None:
        out.print(said, highlight=False, markup=False)
    co2 = summary.co2_avoided_t_per_year
    out.print(f"CO2 avoided: {'-' if co2 is None else f'{co2:,.1f}'} t/yr", highlight=False)
    _print_measures(summary)
    progress = progress_line(matches)
    if progress is not None:
        out.print(progress, highlight=False)
    if summary.objective_weights:
        what = " + ".join(f"{w:g} x {m}" for m, w in summary.objective_weights.items())
        out.print(f"objective ({what}): {_figure(summary.objective)}", highlight=False)
    elif summary.carbon_price_eur_per_t:
        out.print(f"objective (with carbon at {summary.carbon_price_eur_per_t:g} EUR/t): {money(summary.objective)} EUR/yr", highlight=False)
    from symbiosis.measures import name_of

    for kind, bounds in (("floor", summary.floors), ("ceiling", summary.ceilings)):
        for key, value in (bounds or {}).items():
            out.print(f"{kind}: {name_of(key)} {'>=' if kind == 'floor' else '<='} {_figure(value)}", highlight=False)
    if summary.net_savings_eur_per_year is not None:
        rational = "yes" if summary.individually_rational else "NO"
        out.print(
            f"every participant at or above zero: {rational} (lowest {money(summary.min_participant_savings_eur_per_year)} EUR/yr; "
            f"pools split by the {summary.allocation} rule)",
            highlight=False,
        )
    if len(facilities):
        table = Table(title="Shared facilities built", title_justify="left")
        for col, just in (("facility", "left"), ("resource", "left"), ("capacity", "right"), ("peak load", "right"), ("members", "right"), ("cost EUR/yr", "right"), ("surplus EUR/yr", "right")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for f in facilities.itertuples(index=False):
            table.add_row(
                str(f.facility), str(f.resource), f"{f.capacity:,.0f}", f"{f.peak_load:,.0f}", str(f.n_members), money(f.cost_eur_per_year), money(f.surplus_eur_per_year)
            )
        out.print(table)
    exchanges = matches[matches["kind"] == "exchange"] if len(matches) else matches
    if len(exchanges):
        best = exchanges.sort_values("savings_eur_per_year", ascending=False, kind="stable").head(top)
        table = Table(title=f"Top {len(best)} exchanges", title_justify="left")
        for col, just in (("from", "left"), ("to", "left"), ("resource", "left"), ("quantity", "right"), ("km", "right"), ("EUR/yr", "right"), ("t CO2/yr", "right")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for r in best.itertuples(index=False):
            table.add_row(
                str(r.source), str(r.target), str(r.resource), f"{r.quantity:,.1f} {r.unit}", f"{r.distance_km:.2f}", f"{r.savings_eur_per_year:,.0f}", f"{r.co2_avoided_t_per_year:,.1f}"
            )
        out.print(table)
    out.print(f"results written to {out_dir}", highlight=False)


def parse_objective(maximise: str | None, weights: list[str] | None, floors: list[str] | None, ceilings: list[str] | None) -> Any:
    """The objective of ``--maximise``, ``--weight``, ``--floor`` and ``--ceiling`` (None: the default), names checked."""
    from symbiosis.measures import check_objective
    from symbiosis.types import Objective

    if maximise is not None and weights:
        raise SettingsError("--maximise and --weight: give one measure to maximise, or weights, not both")
    if maximise is None and not weights and not floors and not ceilings:
        return None
    goal: Any = maximise or "weighted"
    if weights:
        goal = tuple(_pairs(weights, "--weight"))
    return check_objective(Objective(goal, floors=tuple(_pairs(floors, "--floor")), ceilings=tuple(_pairs(ceilings, "--ceiling"))), "the objective")


def _pairs(items: list[str] | None, option: str) -> list[tuple[str, float]]:
    """``MEASURE=NUMBER`` strings as pairs; a measure given twice or a value that is no number is refused."""
    out: list[tuple[str, float]] = []
    for item in items or []:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise SettingsError(f"{option} '{item}': expected MEASURE=VALUE, e.g. {option} savings_eur=0")
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{option} {name}={raw}: '{raw}' is not a number") from None
        if any(n == name for n, _ in out):
            raise SettingsError(f"{option} {name}: given twice")
        out.append((name, value))
    return out


def _figure(x: float | None) -> str:
    """A measure's figure: one decimal from 100 up, else six significant digits."""
    return "-" if x is None else f"{x:,.1f}" if abs(x) >= 100 else f"{x:,.6g}"


def _print_measures(summary: Summary) -> None:
    """One line per measure beyond savings and CO2 (land freed, truck-km, ...)."""
    from symbiosis.measures import others

    if not summary.measures:
        return
    for m in others():
        value = summary.measures.get(m.name)
        if value is not None:
            out.print(f"{m.label}: {_figure(value)} {m.unit}", highlight=False)


def _print_gap_holders(parts: Any) -> None:
    """On a time limit: the parts that hold most of the gap (all of them are in parts.csv)."""
    from symbiosis.results import gap_holders

    worst = gap_holders(parts)
    if worst.empty:
        return
    out.print(f"the time limit left a gap in {int((parts['status'] != 'optimal').sum())} of {len(parts)} parts; most of it is in:", highlight=False)
    for r in worst.itertuples(index=False):
        out.print(
            f"  part {r.part} ({r.resources}; {r.n_streams} streams, {r.n_candidates} candidates, {r.status}): "
            f"bound {money(_number(r.best_bound))} vs {money(_number(r.objective))} EUR/yr, {r.share_of_gap:.0%} of the gap",
            highlight=False,
        )
    out.print("  (every part: parts.csv; give more time with --set solver.time_limit_s=...)", highlight=False)


def _number(x: Any) -> float | None:
    """A table cell as a float, None when empty (NaN)."""
    return None if x is None or x != x else float(x)
