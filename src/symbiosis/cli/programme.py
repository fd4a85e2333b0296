"""roadmap: when each match of a result starts, over years, under a yearly budget (DESIGN.md section 4g)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from symbiosis.cli.base import EXIT_INFEASIBLE, EXIT_OK, EXIT_VIOLATIONS, app, guard, money, out, styled


@app.command()
def roadmap(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for roadmap.csv, years.csv, roadmap.json, the picture and roadmap.html (created or replaced).")],
    years: Annotated[int, typer.Option("--years", help="The horizon in years (at least 1); year 0 is now.")],
    budget: Annotated[float | None, typer.Option("--budget", help="Yearly budget in EUR for the one-off costs (pipes, facility capex, legal routes) started that year; none: no limit.", show_default=False)] = None,
) -> None:
    """Schedule the result's matches over years: lead times, a yearly budget for one-off costs, realised matches in year 0, the most discounted savings."""

    def run() -> int:
        from symbiosis import api

        plan = api.roadmap(result_dir, years, budget, out=out_dir)
        m = plan.meta
        said = f"budget {money(budget)} EUR/yr" if budget is not None else "no budget limit"
        out.print(styled((f"Roadmap over {years} years, {said}", "bold")))
        out.print(
            f"discounted savings: {money(m['discounted_savings_eur'])} EUR (rate {m['discount_rate']:.1%}); "
            f"{m['n_groups_started']} of {m['n_groups']} groups started; {money(m['savings_started_eur_per_year'])} of the network's "
            f"{money(m['network_savings_eur_per_year'])} EUR/yr running by the last year",
            highlight=False,
        )
        table = Table(title="Per year", title_justify="left")
        for col in ("year", "one-off EUR", "matches started", "savings EUR/yr"):
            table.add_column(col, justify="right")
        for r in plan.years.itertuples(index=False):
            table.add_row(str(r.year), money(r.one_off_eur), str(r.n_started), money(r.savings_eur_per_year))
        out.print(table)
        for note in m["notes"]:
            out.print(f"  {note}", highlight=False, markup=False)
        out.print(f"roadmap written to {out_dir}", highlight=False)
        if m["status"] == "infeasible":
            return EXIT_INFEASIBLE
        return EXIT_OK if m["status"] in ("optimal", "time_limit") else EXIT_VIOLATIONS

    raise typer.Exit(guard(run))
