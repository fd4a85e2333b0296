"""The ``symbiosis`` command: thin typer commands over the API. The only place that prints.

Exit codes: 0 ok; 1 a check found violations, or an internal error; 2 bad input;
3 infeasible; 4 no solution within the time limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from rich.console import Console
from rich.table import Table

from symbiosis.errors import OutputError, ScenarioError, SettingsError

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4

app = typer.Typer(
    name="symbiosis",
    help=(
        "Find the best exchanges between the companies of a business park.\n\n"
        "A scenario is a folder with scenario.yaml and CSV tables (companies, resources, streams, ...). "
        "Start with 'symbiosis validate SCENARIO', then 'symbiosis solve SCENARIO --out RESULTS'."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)

T = TypeVar("T")


def _guard(fn: Callable[[], T]) -> T:
    """Run a command body; turn known errors into messages and exit codes, never tracebacks."""
    try:
        return fn()
    except ScenarioError as exc:
        err.print(f"[bold red]The scenario has {len(exc.problems)} problem(s):[/]", highlight=False)
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (SettingsError, OutputError) as exc:
        err.print("[bold red]Error:[/] ", end="", highlight=False)
        err.print(str(exc), highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        err.print("Interrupted; no output was written.")
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("SYMBIOSIS_DEBUG"):
            raise
        err.print("[bold red]Internal error:[/] ", end="", highlight=False)
        err.print(f"{type(exc).__name__}: {exc}", highlight=False, markup=False)
        err.print("Set SYMBIOSIS_DEBUG=1 to see the traceback, and please report it.")
        raise typer.Exit(EXIT_VIOLATIONS) from None


def _progress(message: str, quiet: bool = False) -> Any:
    """A spinner while a long step runs, on a terminal only: nothing when piped or quiet."""
    if quiet or not out.is_terminal:
        return nullcontext()
    return out.status(message, spinner="dots")


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """Turn ``key=value`` strings into settings overrides (values read as YAML scalars)."""
    overrides: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--set '{item}': expected KEY=VALUE, e.g. carbon_price_eur_per_t=100")
        try:
            overrides[key.strip()] = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            raise SettingsError(f"--set '{item}': cannot read the value '{raw}'") from None
    return overrides


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario folder (with scenario.yaml), a single YAML file, or an Excel workbook (see 'symbiosis template').", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a setting, e.g. --set carbon_price_eur_per_t=100 or --set solver.time_limit_s=10. Repeatable."),
]


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
) -> None:
    """Solve a scenario and write summary.json, matches.csv, flows.csv, companies.csv, facilities.csv and the network."""
    def run() -> int:
        from symbiosis import api

        overrides = parse_overrides(set_)
        sc = api.load_scenario(scenario)
        with _progress("Solving ...", quiet) as status:

            def show(p: Any) -> None:
                if status is not None:
                    gap = "" if p.mip_gap is None else f", gap {p.mip_gap:.3%}"
                    status.update(f"Solving: {p.parts_done}/{p.parts_total} independent parts done, incumbent {p.objective:,.0f} EUR/yr{gap}")

            result = api.solve(sc, progress=show, **overrides)
        if anonymise:
            result = result.anonymised()
        with _progress("Writing the results ...", quiet or not report):
            result.write(out_dir, xlsx=xlsx, report=report)
        if not quiet:
            _print_summary(result.summary, result.matches, result.facilities, top, out_dir)
            if report:
                out.print(f"report: {out_dir / 'report.html'}", highlight=False)
        status = result.summary["status"]
        if status == "infeasible":
            for p in result.summary.get("problems", []):
                err.print(f"  {p}", highlight=False, markup=False)
            return EXIT_INFEASIBLE
        if status == "no_solution":
            return EXIT_NO_SOLUTION
        if status == "error":
            return EXIT_VIOLATIONS
        return EXIT_OK

    raise typer.Exit(_guard(run))


@app.command()
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario and list every problem found (file, row, column), without solving."""
    def run() -> int:
        from symbiosis import api

        sc = api.load_scenario(scenario)
        n_sup = sum(1 for s in sc.streams if s.direction.value == "supply")
        out.print(
            f"[green]OK[/]: {sc.name}: {len(sc.companies)} companies, {len(sc.resources)} resources, "
            f"{len(sc.streams)} streams ({n_sup} supplies, {len(sc.streams) - n_sup} demands), "
            f"{len(sc.rules)} rules, {len({f.id for f in sc.facilities})} candidate facilities",
            highlight=False,
        )
        return EXIT_OK

    raise typer.Exit(_guard(run))


@app.command()
def check(
    scenario: ScenarioArg,
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
) -> None:
    """Recompute feasibility and every savings figure of a result from its files; exit 1 on any violation."""
    def run() -> int:
        from symbiosis import api
        from symbiosis.analysis.check import check_result

        sc = api.load_scenario(scenario)
        if not (result_dir / "summary.json").is_file():
            raise OutputError(f"'{result_dir}' holds no summary.json; is it a result folder?")
        report = check_result(sc, result_dir)
        for line in report.notes:
            err.print(f"  note: {line}", highlight=False, markup=False)
        if report.ok:
            out.print(
                f"[green]OK[/]: {report.n_matches} matches and {report.n_flows} flows hold every limit and rule; "
                f"net savings {report.net_savings_eur_per_year:,.0f} EUR/yr, CO2 {report.co2_avoided_t_per_year:,.1f} t/yr recomputed",
                highlight=False,
            )
            return EXIT_OK
        err.print(f"[bold red]{len(report.violations)} violation(s):[/]")
        for line in report.violations:
            err.print(f"  {line}", highlight=False, markup=False)
        return EXIT_VIOLATIONS

    raise typer.Exit(_guard(run))


@app.command()
def explain(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    match: Annotated[str | None, typer.Argument(help="SUPPLY_STREAM->DEMAND_STREAM, or FACILITY->DEMAND_STREAM for a pool member.", show_default=False)] = None,
    why_not: Annotated[tuple[str, str] | None, typer.Option("--why-not", help="SOURCE TARGET (company or stream ids): why they are not matched.", show_default=False)] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Skip the re-solves (no break-even, no forcing).")] = False,
) -> None:
    """Explain a match (savings broken down, and the break-even price, quantity and distance) or why a pair is not matched."""
    def run() -> int:
        from symbiosis.analysis import explain as ex

        if why_not is not None:
            _print_why_not(ex.why_not(result_dir, why_not[0], why_not[1], force=not quick))
            return EXIT_OK
        if match is None:
            raise SettingsError("name a match (SUPPLY->DEMAND) or use --why-not SOURCE TARGET")
        _print_explanation(ex.explain_match(result_dir, match, break_even=not quick))
        return EXIT_OK

    raise typer.Exit(_guard(run))


@app.command()
def bench(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.csv, results.md, results.png and the runs.")] = Path("benchmarks/results"),
    quick: Annotated[bool, typer.Option("--quick", help="Only the two smallest generated parks, with short time limits.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this instance (repeatable), e.g. --only gen-150.")] = None,
) -> None:
    """Benchmark the optimiser against the greedy and type-only baselines (quality, time, memory, gap)."""
    def run() -> int:
        from symbiosis.analysis import bench as b

        show = out.print if out.is_terminal else None
        table = b.run(out_dir, quick=quick, only=only, progress=show)
        out.print(b.markdown(table), highlight=False, markup=False)
        out.print(f"written to {out_dir}", highlight=False)
        return EXIT_OK if bool(table["check_ok"].all()) else EXIT_VIOLATIONS

    raise typer.Exit(_guard(run))


def _print_explanation(e: Any) -> None:
    out.print(f"[bold]{e.key}[/]: {e.kind} {e.source} -> {e.target}, {e.quantity:,.2f} {e.unit} of {e.resource} over {e.distance_km:.2f} km", highlight=False)
    table = Table(title="Savings, EUR/yr", title_justify="left")
    table.add_column("term")
    table.add_column("EUR/yr", justify="right")
    for label, value in e.breakdown:
        table.add_row(label, f"{value:,.0f}")
    table.add_row("[bold]savings[/]", f"[bold]{e.savings_eur_per_year:,.0f}[/]")
    out.print(table)
    for label, value in e.co2_breakdown:
        out.print(f"CO2 {label}: {value:,.2f} t/yr", highlight=False)
    out.print(f"CO2 avoided: {e.co2_avoided_t_per_year:,.2f} t/yr", highlight=False)
    for b in e.break_even:
        if b.threshold is None:
            out.print(f"{b.parameter} ({b.stream}, now {b.current:,.4g} {b.unit}): {b.note}", highlight=False)
        else:
            out.print(f"{b.parameter} ({b.stream}): now {b.current:,.4g} {b.unit}; break-even about {b.threshold:,.4g} {b.unit} ({b.note})", highlight=False)


def _print_why_not(w: Any) -> None:
    out.print(f"[bold]Why not {w.source} -> {w.target}?[/]", highlight=False)
    for s, d, why in w.excluded:
        out.print(f"  {s} -> {d}: not a candidate: {why}", highlight=False, markup=False)
    if w.status_after == "already matched":
        out.print("  they are matched in this result:", highlight=False)
        for r in w.forced.itertuples(index=False):
            out.print(f"    {r.supply_stream} -> {r.demand_stream}: {r.savings_eur_per_year:,.0f} EUR/yr", highlight=False)
        return
    if not w.candidates:
        out.print("  no pair of their streams can be linked, so nothing was forced.", highlight=False)
        return
    out.print(f"  candidates that were not chosen: {', '.join(f'{s} -> {d}' for s, d in w.candidates)}", highlight=False)
    if w.status_after is None:
        return
    if w.objective_after is None:
        out.print(f"  forcing the link makes the scenario {w.status_after}.", highlight=False)
        return
    out.print(f"  forcing it costs {w.cost_eur_per_year:,.0f} EUR/yr (objective {w.objective_before:,.0f} -> {w.objective_after:,.0f})", highlight=False)
    for r in w.forced.itertuples(index=False):
        out.print(f"    forced: {r.supply_stream} -> {r.demand_stream}, {r.quantity:,.2f} {r.unit}, {r.savings_eur_per_year:,.0f} EUR/yr", highlight=False)
    for r in w.pushed_out.itertuples(index=False):
        out.print(f"    pushed out: {r.kind} {r.source} -> {r.target} ({r.supply_stream or r.source} -> {r.demand_stream}), {r.savings_eur_per_year:,.0f} EUR/yr", highlight=False)


@app.command()
def report(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML file to write (default: RESULT_DIR/report.html); pictures go beside it.", show_default=False)] = None,
) -> None:
    """Write a self-contained HTML report of a result: headline figures, map, savings, flows, facility loads and sortable tables."""
    def run() -> int:
        from symbiosis.io.write.report import write_report

        with _progress("Drawing the report ..."):
            path = write_report(result_dir, out_file)
        out.print(f"report written to {path}", highlight=False)
        return EXIT_OK

    raise typer.Exit(_guard(run))


@app.command()
def template(
    out_file: Annotated[Path, typer.Argument(help="The workbook to write, e.g. park.xlsx.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write an empty scenario workbook (one sheet per table, settings, instructions); solve it with 'symbiosis solve BOOK.xlsx'."""
    def run() -> int:
        from symbiosis.io.read.workbook import write_template

        path = write_template(out_file, overwrite=force)
        out.print(f"template written to {path}; fill it in, then run 'symbiosis validate {path}'", highlight=False)
        return EXIT_OK

    raise typer.Exit(_guard(run))


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the scenario (created; replaced only if it holds an earlier generated scenario).", show_default=False)],
    companies: Annotated[int, typer.Option("--companies", "-n", min=2, help="Number of companies (at least 2).", show_default=False)],
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed: the same companies, seed and switches give byte-identical files.")] = 0,
    profiles: Annotated[bool, typer.Option("--profiles/--no-profiles", help="Monthly heat and hourly parking profiles (else every stream is flat).")] = True,
    pools: Annotated[bool, typer.Option("--pools/--no-pools", help="Candidate shared facilities: parking hubs, waste hubs, canteens, heat loops.")] = True,
    heat_pumps: Annotated[bool, typer.Option("--heat-pumps/--no-heat-pumps", help="The settings.heat_pump block.")] = True,
    substitutions: Annotated[bool, typer.Option("--substitutions/--no-substitutions", help="Regrind replaces virgin PP.")] = True,
) -> None:
    """Write a synthetic business park of N companies (Haasrode-like sectors, streams and prices) as a scenario folder."""
    def run() -> int:
        from symbiosis.generate import write_park

        path = write_park(out_dir, companies, seed, profiles=profiles, pools=pools, heat_pumps=heat_pumps, substitutions=substitutions)
        off = [n for n, on in (("profiles", profiles), ("pools", pools), ("heat-pumps", heat_pumps), ("substitutions", substitutions)) if not on]
        out.print(f"wrote a generated park of {companies} companies (seed {seed}{''.join(f', no {x}' for x in off)}) to {path}", highlight=False)
        return EXIT_OK

    raise typer.Exit(_guard(run))


def _money(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _print_summary(summary: dict[str, Any], matches: Any, facilities: Any, top: int, out_dir: Path) -> None:
    gap = summary.get("mip_gap")
    out.print(f"[bold]{summary['scenario']}[/]", highlight=False)
    out.print(
        f"status: {summary['status']}"
        + (f" (gap {gap:.4%})" if gap is not None else "")
        + f"; {summary['n_exchanges']} exchanges and {summary['n_pools']} shared facilities, from {summary['n_candidates']} candidate exchanges and {summary.get('n_membership_candidates', 0)} candidate pool memberships",
        highlight=False,
    )
    out.print(f"net savings: {_money(summary['net_savings_eur_per_year'])} EUR/yr", highlight=False)
    co2 = summary["co2_avoided_t_per_year"]
    out.print(f"CO2 avoided: {'-' if co2 is None else f'{co2:,.1f}'} t/yr", highlight=False)
    if summary.get("carbon_price_eur_per_t"):
        out.print(f"objective (with carbon at {summary['carbon_price_eur_per_t']:g} EUR/t): {_money(summary['objective'])} EUR/yr", highlight=False)
    if summary.get("net_savings_eur_per_year") is not None:
        rational = "yes" if summary.get("individually_rational") else "NO"
        out.print(
            f"every participant at or above zero: {rational} (lowest {_money(summary.get('min_participant_savings_eur_per_year'))} EUR/yr; "
            f"pools split by the {summary.get('allocation')} rule)",
            highlight=False,
        )
    if len(facilities):
        table = Table(title="Shared facilities built", title_justify="left")
        for col, just in (("facility", "left"), ("resource", "left"), ("capacity", "right"), ("peak load", "right"), ("members", "right"), ("cost EUR/yr", "right"), ("surplus EUR/yr", "right")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for f in facilities.itertuples(index=False):
            table.add_row(
                str(f.facility), str(f.resource), f"{f.capacity:,.0f}", f"{f.peak_load:,.0f}", str(f.n_members), _money(f.cost_eur_per_year), _money(f.surplus_eur_per_year)
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


def main() -> None:
    """Entry point of the ``symbiosis`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)


if __name__ == "__main__":
    main()
