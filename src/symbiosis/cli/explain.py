"""explain: a match broken down, or why two companies are not matched."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from symbiosis.cli.base import (
    EXIT_OK,
    app,
    guard,
    out,
    styled,
)
from symbiosis.errors import SettingsError


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

    raise typer.Exit(guard(run))


def _print_explanation(e: Any) -> None:
    out.print(styled((e.key, "bold"), f": {e.kind} {e.source} -> {e.target}, {e.quantity:,.2f} {e.unit} of {e.resource} over {e.distance_km:.2f} km"))
    table = Table(title="Savings, EUR/yr", title_justify="left")
    table.add_column("term")
    table.add_column("EUR/yr", justify="right")
    for label, value in e.breakdown:
        table.add_row(label, f"{value:,.0f}")
    table.add_row(styled(("savings", "bold")), styled((f"{e.savings_eur_per_year:,.0f}", "bold")))
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
    out.print(styled((f"Why not {w.source} -> {w.target}?", "bold")))
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
