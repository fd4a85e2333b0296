"""The ``symbiosis`` command: thin typer commands over the API. The only place that prints.

Exit codes: 0 ok; 1 a check found violations, or an internal error; 2 bad input;
3 infeasible; 4 no solution within the time limit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

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
        err.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        err.print("Interrupted; no output was written.")
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("SYMBIOSIS_DEBUG"):
            raise
        err.print(f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err.print("Set SYMBIOSIS_DEBUG=1 to see the traceback, and please report it.")
        raise typer.Exit(EXIT_VIOLATIONS) from None


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


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario folder (with scenario.yaml) or a single YAML file.", show_default=False)]
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
) -> None:
    """Solve a scenario and write summary.json, matches.csv, flows.csv, companies.csv, facilities.csv and the network."""
    from symbiosis import api

    def run() -> int:
        overrides = parse_overrides(set_)
        sc = api.load_scenario(scenario)
        result = api.solve(sc, **overrides)
        result.write(out_dir)
        if not quiet:
            _print_summary(result.summary, result.matches, result.facilities, top, out_dir)
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
    from symbiosis import api

    def run() -> int:
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
    from symbiosis import api
    from symbiosis.check import check_result

    def run() -> int:
        sc = api.load_scenario(scenario)
        if not (result_dir / "summary.json").is_file():
            raise OutputError(f"'{result_dir}' holds no summary.json; is it a result folder?")
        report = check_result(sc, result_dir)
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
                f"{f.name} ({f.facility})", str(f.resource), f"{f.capacity:,.0f}", f"{f.peak_load:,.0f}", str(f.n_members), _money(f.cost_eur_per_year), _money(f.surplus_eur_per_year)
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
