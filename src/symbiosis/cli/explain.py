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
    route = {"": "none needed", "permit": "the receiver's permit covers the code"}.get(e.route, e.route)
    out.print(f"stage: {e.stage}; legal route: {route}" + (f", lead time {e.lead_time_months:g} months" if e.lead_time_months else "")
              + (f"; one-off cost {e.one_off_eur:,.0f} EUR" if e.one_off_eur else ""), highlight=False)
    for b in e.break_even:
        if b.threshold is None:
            out.print(f"{b.parameter} ({b.stream}, now {b.current:,.4g} {b.unit}): {b.note}", highlight=False)
        else:
            out.print(f"{b.parameter} ({b.stream}): now {b.current:,.4g} {b.unit}; break-even about {b.threshold:,.4g} {b.unit} ({b.note})", highlight=False)


def _print_why_not(w: Any) -> None:
    out.print(styled((f"Why not {w.source} -> {w.target}?", "bold")))
    out.print(f"  {w.answer}")
    if w.status_after == "already matched":
        for r in w.forced.itertuples(index=False):
            out.print(f"    {r.supply_stream} -> {r.demand_stream}: {r.savings_eur_per_year:,.0f} EUR/yr", highlight=False, markup=False)
        return
    for s, d, why in w.relevant:
        out.print(f"  {s} -> {d}: not a candidate: {why}", highlight=False, markup=False)
    if w.unrelated:
        supply, demand = w.unrelated_resources
        out.print(
            f"  {len(w.unrelated)} other pair(s) of streams are of resources that cannot serve each other "
            f"(supplies of {', '.join(supply)}; needs of {', '.join(demand)}; no substitution row)",
            highlight=False, markup=False,
        )
    if w.candidates:
        out.print(f"  candidates that were not chosen: {', '.join(f'{s} -> {d}' for s, d in w.candidates)}", highlight=False, markup=False)
    if w.objective_after is None or w.cost_eur_per_year is None:
        return
    lost = w.pushed_out if w.pushed_out is not None else None
    gained, changed = w.gained, w.changed
    total = sum(float(f["change_savings_eur_per_year"].sum()) for f in (gained, changed) if f is not None and len(f))
    lost_eur = float(lost["savings_eur_per_year"].sum()) if lost is not None and len(lost) else 0.0
    parts = f"{len(lost) if lost is not None else 0} match(es) lost {-lost_eur:+,.0f}, {len(gained)} gained {float(gained['change_savings_eur_per_year'].sum()):+,.0f}, {len(changed)} changed {float(changed['change_savings_eur_per_year'].sum()):+,.0f}"
    carbon = f", carbon value {-w.carbon_eur_per_year:+,.0f}" if w.carbon_eur_per_year else ""
    out.print(
        f"  forcing it costs {w.cost_eur_per_year:,.0f} EUR/yr (objective {w.objective_before:,.0f} -> {w.objective_after:,.0f}): "
        f"{parts}{carbon}; together {total - lost_eur - w.carbon_eur_per_year:+,.0f}",
        highlight=False,
    )
    if lost is not None:
        for r in lost.itertuples(index=False):
            out.print(f"    lost: {r.supply_stream or r.source} -> {r.demand_stream} ({r.kind} {r.source} -> {r.target}), {-r.savings_eur_per_year:+,.0f} EUR/yr", highlight=False, markup=False)
    for r in gained.to_dict("records"):
        tag = "forced" if r["supply_stream"] in set(w.forced["supply_stream"]) and r["demand_stream"] in set(w.forced["demand_stream"]) else "gained"
        out.print(f"    {tag}: {r['supply_stream'] or r['source']} -> {r['demand_stream']} ({r['kind']} {r['source']} -> {r['target']}), {r['change_savings_eur_per_year']:+,.0f} EUR/yr", highlight=False, markup=False)
    for r in changed.to_dict("records"):
        out.print(
            f"    changed: {r['supply_stream'] or r['source']} -> {r['demand_stream']}, {r['base_savings_eur_per_year']:,.0f} -> {r['other_savings_eur_per_year']:,.0f} "
            f"({r['change_savings_eur_per_year']:+,.0f} EUR/yr)",
            highlight=False, markup=False,
        )
