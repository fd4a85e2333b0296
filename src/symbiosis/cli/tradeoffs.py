"""pareto, alternatives and compare: the trade-offs to take into a meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from symbiosis.cli.base import EXIT_OK, EXIT_VIOLATIONS, ScenarioArg, SetOpt, app, err, guard, money, out, parse_overrides, progress, styled
from symbiosis.errors import SettingsError


def _report_checks(checks: dict[str, Any]) -> int:
    bad = {name: r for name, r in checks.items() if not r.ok}
    for name, r in bad.items():
        err.print(f"{name}: {len(r.violations)} violation(s):", style="bold red")
        for line in r.violations:
            err.print(f"  {line}", highlight=False, markup=False)
    if not bad:
        out.print(styled(("checked", "green"), f": every one of the {len(checks)} result folders holds every limit and rule"))
    return EXIT_VIOLATIONS if bad else EXIT_OK


@app.command()
def pareto(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for pareto.csv, the picture, report.html and one result folder per point.")],
    points: Annotated[int, typer.Option("--points", "-n", help="Floors evenly spaced along the front (>= 2); as many again may be added where it bends.")] = 10,
    set_: SetOpt = None,
    max_solves: Annotated[int | None, typer.Option("--max-solves", help="Allow a front of more solves than 10,000 (up to 4 x points + 1).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """The EUR-CO2 front: the most net savings for each level of CO2 avoided, from the max-savings network to the most CO2 with savings >= 0."""
    def run() -> int:
        from symbiosis import api

        if points < 2:
            raise SettingsError(f"--points {points}: a front needs at least 2 points")
        overrides = parse_overrides(set_)
        sc = api.load_scenario(scenario)
        api.check_output(out_dir, sc, "pareto")  # before the front is traced
        with progress("Tracing the front ...", quiet) as status:

            def show(done: int, _total: int) -> None:
                if status is not None:
                    status.update(f"Tracing the front: {done} solves done")

            front = api.pareto(sc, points=points, progress=show, max_solves=max_solves, **overrides)
        front.write(out_dir)
        code = _report_checks(front.check(out_dir)) if not quiet else (EXIT_VIOLATIONS if any(not r.ok for r in front.check(out_dir).values()) else EXIT_OK)
        if not quiet:
            table = Table(title=f"EUR against CO2: {len(front.points)} points ({front.solves} solves, {front.seconds:.1f} s)", title_justify="left")
            for col in ("point", "t CO2/yr", "net savings EUR/yr", "EUR per t (step)", "status", "gap"):
                table.add_column(col, justify="right")
            for r in front.table().itertuples(index=False):
                price = r.implicit_carbon_price_eur_per_t
                table.add_row(str(r.point), f"{r.co2_avoided_t_per_year:,.1f}", money(r.net_savings_eur_per_year),
                              "-" if price is None or price != price else f"{price:,.0f}", str(r.status),
                              "-" if r.mip_gap is None or r.mip_gap != r.mip_gap else f"{r.mip_gap:.3%}")
            out.print(table)
            if front.unverified:
                out.print(f"note: {front.unverified} step(s) between neighbours were not refined within the budget; raise --points to refine them", highlight=False)
            out.print(f"front written to {out_dir}", highlight=False)
        return code

    raise typer.Exit(guard(run))


@app.command()
def alternatives(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for alternatives.csv, link_frequency.csv, report.html and one result folder per network.")],
    k: Annotated[int, typer.Option("--k", help="How many alternatives to look for after the optimum (>= 1).")] = 5,
    slack: Annotated[float, typer.Option("--slack", help="Each alternative's objective is at least (1 - slack) x the optimum; 0 < slack < 1.")] = 0.05,
    set_: SetOpt = None,
    max_solves: Annotated[int | None, typer.Option("--max-solves", help="Allow a search of more solves than 10,000 (2 x k + 1).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Up to K networks within the slack of the optimum, each sharing as few links as possible with those before; the robust core."""
    def run() -> int:
        from symbiosis import api

        if k < 1:
            raise SettingsError(f"--k {k}: ask for at least 1 alternative")
        if not 0 < slack < 1:
            raise SettingsError(f"--slack {slack}: the slack is a share of the optimum, strictly between 0 and 1 (e.g. 0.05)")
        overrides = parse_overrides(set_)
        sc = api.load_scenario(scenario)
        api.check_output(out_dir, sc, "alternatives")  # before any alternative is solved
        with progress("Looking for alternatives ...", quiet) as status:

            def show(done: int, total: int) -> None:
                if status is not None:
                    status.update(f"Looking for alternatives: {done}/{total} found")

            alts = api.alternatives(sc, k=k, slack=slack, progress=show, max_solves=max_solves, **overrides)
        alts.write(out_dir)
        checks = alts.check(out_dir)
        code = _report_checks(checks) if not quiet else (EXIT_VIOLATIONS if any(not r.ok for r in checks.values()) else EXIT_OK)
        if not quiet:
            table = Table(title=f"{len(alts.results) - 1} alternative(s) within {slack:.0%} of the optimum ({alts.seconds:.1f} s)", title_justify="left")
            for col in ("network", "objective EUR/yr", "t CO2/yr", "links", "shared with optimum", "Jaccard", "status"):
                table.add_column(col, justify="right")
            for r in alts.table().itertuples(index=False):
                table.add_row(str(r.alternative), money(r.objective), f"{r.co2_avoided_t_per_year:,.1f}", str(r.n_links),
                              str(r.links_shared_with_optimum), f"{r.jaccard_to_optimum:.2f}", str(r.status))
            out.print(table)
            out.print(f"robust core: {len(alts.core)} matches are in every network (link_frequency.csv, robust_core)", highlight=False)
            out.print(f"alternatives written to {out_dir}", highlight=False)
        return code

    raise typer.Exit(guard(run))


@app.command()
def compare(
    base_dir: Annotated[Path, typer.Argument(help="The base result folder.", show_default=False)],
    other_dir: Annotated[Path, typer.Argument(help="The other result folder, of the same scenario (e.g. solved --without a company).", show_default=False)],
    top: Annotated[int, typer.Option(help="How many matches lost and gained to list.")] = 20,
) -> None:
    """Matches lost and gained from BASE_DIR to OTHER_DIR, and each company's change in savings."""
    def run() -> int:
        from symbiosis import api

        c = api.compare(base_dir, other_dir)
        net_a = c.base.summary.net_savings_eur_per_year
        net_b = c.other.summary.net_savings_eur_per_year
        out.print(f"net savings: {money(net_a)} -> {money(net_b)} EUR/yr (change {money(c.change_eur_per_year)})", highlight=False)
        if c.absent:
            out.print(f"left out in one of them: {', '.join(c.absent)}", highlight=False)
        out.print(f"{len(c.lost)} matches lost, {len(c.gained)} gained", highlight=False)
        for title, frame in (("Matches lost", c.lost), ("Matches gained", c.gained)):
            if len(frame):
                table = Table(title=title, title_justify="left")
                for col in ("kind", "from", "to", "resource", "EUR/yr", "t CO2/yr"):
                    table.add_column(col)
                for r in frame.head(top).itertuples(index=False):
                    table.add_row(str(r.kind), str(r.source), str(r.target), str(r.resource), money(r.savings_eur_per_year), f"{r.co2_avoided_t_per_year:,.1f}")
                out.print(table)
        changed = c.companies[c.companies["change_eur_per_year"].abs() > 0.005]
        if len(changed):
            table = Table(title="Change in savings per company", title_justify="left")
            for col in ("company", "base EUR/yr", "other EUR/yr", "change"):
                table.add_column(col, justify="right")
            for r in changed.itertuples(index=False):
                table.add_row(str(r.company), money(r.base_savings_eur_per_year), money(r.other_savings_eur_per_year), money(r.change_eur_per_year))
            out.print(table)
        return EXIT_OK

    raise typer.Exit(guard(run))
