"""pareto, alternatives and compare: the trade-offs to take into a meeting."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from symbiosis.cli.base import EXIT_OK, EXIT_VIOLATIONS, ScenarioArg, SetOpt, app, err, guard, money, out, parse_overrides, progress, styled, written
from symbiosis.errors import SettingsError
from symbiosis.io.write.columns import column
from symbiosis.io.write.compare import shown_totals
from symbiosis.io.write.page import percent, signed


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
    x: Annotated[str, typer.Option("--x", help="The measure along the front, bounded point by point (e.g. land_freed_m2, truck_km).")] = "co2_t",
    y: Annotated[str, typer.Option("--y", help="The measure made as good as it can be at each point.")] = "savings_eur",
    method: Annotated[str, typer.Option("--method", help="epsilon: a solve of the coupled model per floor; parts: exact, each part's own front and their exact combination; auto: parts when every part's front is finished within the time limit, else epsilon.")] = "epsilon",
) -> None:
    """A front between two measures, by default the EUR-CO2 front: the most net savings for each level of CO2 avoided,
    from the max-savings network to the most CO2 with savings >= 0."""
    def run() -> int:
        from symbiosis import api
        from symbiosis.analysis.pareto import front_columns
        from symbiosis.measures import MEASURES, measure

        if points < 2:
            raise SettingsError(f"--points {points}: a front needs at least 2 points")
        mx, my = measure(x, "--x"), measure(y, "--y")
        if x == y:
            raise SettingsError(f"--x and --y are both {x}: a front trades two different measures")
        overrides = parse_overrides(set_)
        sc = api.load_scenario(scenario)
        api.check_output(out_dir, sc, "pareto")  # before the front is traced
        with progress("Tracing the front ...", quiet) as status:

            def show(done: int, _total: int) -> None:
                if status is not None:
                    status.update(f"Tracing the front: {done} solves done")

            front = api.pareto(sc, points=points, progress=show, max_solves=max_solves, x=x, y=y, method=method, **overrides)
        front.write(out_dir)
        written(out_dir)
        code = _report_checks(front.check(out_dir)) if not quiet else (EXIT_VIOLATIONS if any(not r.ok for r in front.check(out_dir).values()) else EXIT_OK)
        if not quiet:
            title = "EUR against CO2" if (x, y) == ("co2_t", "savings_eur") else f"{my.label} against {mx.label}"
            table = Table(title=f"{title}: {len(front.points)} points ({front.method} method, {front.solves} solves, {front.seconds:.1f} s)", title_justify="left")
            per = f"{my.unit.split('/')[0]} per {mx.unit.split('/')[0]} (step)"
            for col in ("point", f"{mx.label} {mx.unit}", f"{my.label} {my.unit}", f"bound {my.unit}", per, "status", "gap"):
                table.add_column(col, justify="right")
            names = front_columns(x, y)

            def figure(name: str, v: Any) -> str:
                return money(_number(v)) if MEASURES[name].unit.startswith("EUR") else ("-" if _number(v) is None else f"{v:,.1f}")

            for r in front.table().rename(columns={v: k for k, v in names.items()}).to_dict(orient="records"):
                table.add_row(str(r["point"]), figure(x, r[mx.summary_key]), figure(y, r[my.summary_key]),
                              "-" if r["status"] == "optimal" else figure(y, r["best_bound"]), _price(r), str(r["status"]),
                              percent(r["mip_gap"], "-"))
            out.print(table)
            stopped = front.not_proven
            if stopped:
                most = front.most_to_gain
                gain = "their bounds are not known" if most is None else f"at most {figure(y, most)} {my.unit} more could be gained at one floor"
                out.print(styled((f"{len(stopped)} of {len(front.points)} points are not proven", "yellow"),
                                 f" (stopped by the time limit): {gain}; each stands for the front at its {mx.label} floor, between its {my.label} and its bound"))
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
    method: Annotated[str, typer.Option("--method", help="parts: each alternative from the parts' own solves, combined exactly; whole: one model of the whole scenario per stage (the method before).")] = "parts",
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

            alts = api.alternatives(sc, k=k, slack=slack, progress=show, max_solves=max_solves, method=method, **overrides)
        alts.write(out_dir)
        written(out_dir)
        checks = alts.check(out_dir)
        code = _report_checks(checks) if not quiet else (EXIT_VIOLATIONS if any(not r.ok for r in checks.values()) else EXIT_OK)
        if not quiet:
            table = Table(title=f"{len(alts.results) - 1} alternative(s) within {slack:.0%} of the optimum ({alts.seconds:.1f} s)", title_justify="left")
            for col in ("network", "objective EUR/yr", "bound EUR/yr", "t CO2/yr", "links", "shared with optimum", "Jaccard", "status"):
                table.add_column(col, justify="right")
            for r in alts.table().itertuples(index=False):
                table.add_row(str(r.alternative), money(r.objective), "-" if r.status == "optimal" else money(_number(r.best_bound)),
                              f"{r.co2_avoided_t_per_year:,.1f}", str(r.n_links),
                              str(r.links_shared_with_optimum), f"{r.jaccard_to_optimum:.2f}", str(r.status))
            out.print(table)
            n_stopped, most = alts.not_proven
            if n_stopped:
                gain = "for some, no bound is known" if most is None else f"at most {money(most)} EUR/yr more could be gained in one of them"
                out.print(styled((f"{n_stopped} of {len(alts.results)} networks are not proven", "yellow"), f" (stopped by the time limit): {gain}"))
            out.print(f"robust core: {len(alts.core)} matches are in every network (link_frequency.csv, robust_core)", highlight=False)
            out.print(f"alternatives written to {out_dir}", highlight=False)
        return code

    raise typer.Exit(guard(run))


@app.command()
def compare(
    base_dir: Annotated[Path, typer.Argument(help="The base result folder.", show_default=False)],
    other_dir: Annotated[Path, typer.Argument(help="The other result folder: of the same scenario (e.g. solved --without a company) or of an edited copy of it.", show_default=False)],
    top: Annotated[int, typer.Option(help="How many rows of each table to show (largest change in EUR first).")] = 20,
    all_rows: Annotated[bool, typer.Option("--all", help="Show every row (through a pager on a terminal).")] = False,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Also write every row to inputs.csv, matches.csv, companies.csv and totals.csv in this folder.", show_default=False)] = None,
) -> None:
    """What changed from BASE_DIR to OTHER_DIR: input differences first, then matches lost, gained and changed by stream, companies and totals."""
    def run() -> int:
        from symbiosis import api

        if top < 0:
            raise SettingsError(f"--top {top}: give 0 or more rows")
        c = api.compare(base_dir, other_dir)
        if out_dir is not None:
            c.write(out_dir)
            written(out_dir)
        limit = None if all_rows else top
        with (out.pager(styles=True) if all_rows and out.is_terminal else nullcontext()):
            _print_comparison(c, limit)
        if out_dir is not None:
            out.print(f"every row written to {out_dir}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guard(run))


def _number(x: Any) -> float | None:
    return None if x is None or x != x else float(x)


def _price(r: dict[str, Any]) -> str:
    """A step's implicit price (y given up per unit of x; EUR/t by default), or its range where a point of the step is not proven."""
    price, low, high = (_number(r[k]) for k in ("implicit_carbon_price_eur_per_t", "implicit_carbon_price_low_eur_per_t", "implicit_carbon_price_high_eur_per_t"))

    def shown(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.3g}"

    if low is not None and high is not None and abs(high - low) > 0.5:
        return f"{shown(low)} to {shown(high)}"
    return "-" if price is None else shown(price)


def _shown(n: int, total: int) -> str:
    return f"{n} of {total} shown" + ("; --all for every one" if n < total else "")


def _head(frame: Any, limit: int | None) -> Any:
    return frame if limit is None else frame.head(limit)


def _value(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.6g}"
    return str(v)


def _print_comparison(c: Any, limit: int | None) -> None:
    inputs = c.inputs
    if len(inputs):
        tables = ", ".join(f"{t}: {n}" for t, n in inputs.groupby("table", sort=False).size().items())
        rows = _head(inputs, limit)
        table = Table(title=f"Input differences ({len(inputs)}: {tables}; {_shown(len(rows), len(inputs))})", title_justify="left")
        for col in ("table", "row", "change", "field", "base", "other"):
            table.add_column(col)
        for r in rows.itertuples(index=False):
            table.add_row(r.table, r.row, r.change, r.field, _value(r.base), _value(r.other))
        out.print(table)
    else:
        out.print("inputs: the same scenario and settings in both", highlight=False)
    sa, sb = c.base.summary, c.other.summary
    co2a, co2b = sa.co2_avoided_t_per_year, sb.co2_avoided_t_per_year
    co2_change = None if co2a is None or co2b is None else co2b - co2a
    out.print(
        f"net savings: {money(sa.net_savings_eur_per_year)} -> {money(sb.net_savings_eur_per_year)} EUR/yr (change {money(c.change_eur_per_year)}); "
        f"CO2 avoided: {_t(co2a)} -> {_t(co2b)} t/yr (change {_t(co2_change)})",
        highlight=False,
    )
    for name, s in (("base", sa), ("other", sb)):
        if s.status.value != "optimal":
            gap = "" if s.mip_gap is None else f", gap {percent(s.mip_gap)}: up to {money(abs((s.best_bound or 0) - (s.objective or 0)))} EUR/yr more may exist"
            out.print(styled(("note", "yellow"), f": the {name} result is {s.status.value} (not proven{gap})"))
    if c.absent:
        out.print(f"left out in one of them: {', '.join(c.absent)} (companies with streams in one result only)", highlight=False)
    m = c.matches
    out.print(f"matches: {len(c.lost)} lost, {len(c.gained)} gained, {len(c.changed)} changed (by stream)", highlight=False)
    if len(c.moved):
        steps = c.moved.groupby(["base_stage", "other_stage"], sort=True).size()
        out.print(f"stages: {len(c.moved)} match(es) moved: " + ", ".join(f"{a} -> {b}: {n}" for (a, b), n in steps.items()), highlight=False)
    if len(m):
        # Every other number column that moved (issue 18's measures too); the distance is a fact of the pair, not a change.
        moved = [k for k in c.measures if k not in ("savings_eur_per_year", "co2_avoided_t_per_year", "distance_km") and (m[f"change_{k}"].abs() > 1e-9).any()]
        rows = _head(m, limit)
        table = Table(title=f"Matches lost, gained and changed, largest change in EUR first ({_shown(len(rows), len(m))})", title_justify="left")
        # The stage column only for a programme that has stages (contract section 4g).
        staged = any(v not in ("", "proposed") for col in ("base_stage", "other_stage") if col in m for v in m[col])
        figures = ["savings_eur_per_year", "co2_avoided_t_per_year", *moved]
        for head in ("Change", "Supply stream (or facility) -> demand stream", "Resource", *(["Stage"] if staged else [])):
            table.add_column(head, justify="left", overflow="fold")
        for k in figures:  # labels with units, declared once (io/write/columns); a unit per row where the rows differ
            declared = column(k)
            table.add_column(declared.label if "{unit}" in declared.unit else declared.header(), justify="right", overflow="fold")
        units = {**c.other.summary.resources, **c.base.summary.resources}
        for r in rows.to_dict("records"):
            pair = f"{r['supply_stream'] or r['source']} -> {r['demand_stream']}"
            stage = r.get("base_stage") or r.get("other_stage") or ""
            if r.get("base_stage") and r.get("other_stage") and r["base_stage"] != r["other_stage"]:
                stage = f"{r['base_stage']} -> {r['other_stage']}"
            resource = units.get(str(r["resource"]), {})
            unit = str(resource.get("unit", "")) + ("" if resource.get("pricing") == "peak" else "/yr")
            shown = [signed(r.get(f"change_{k}"), column(k).kind) for k in figures]
            shown = [f"{v} {column(k).unit.replace('{unit}', unit)}" if "{unit}" in column(k).unit and v != "-" else v for k, v in zip(figures, shown)]
            table.add_row(r["change"], pair, r["resource"], *([stage] if staged else []), *shown)
        out.print(table)
    firms = c.companies
    changed = firms[(firms[[col for col in firms.columns if col.startswith("change_")]].abs() > 1e-9).any(axis=1)]
    if len(changed):
        rows = _head(changed, limit)
        table = Table(title=f"Change per company, largest in EUR first ({_shown(len(rows), len(changed))})", title_justify="left")
        for col in ("company", "base EUR/yr", "other EUR/yr", "change EUR/yr", "change t CO2/yr"):
            table.add_column(col, justify="right")
        for r in rows.to_dict("records"):
            table.add_row(r["company"], money(r["base_savings_eur_per_year"]), money(r["other_savings_eur_per_year"]),
                          signed(r["change_eur_per_year"], "money"), signed(r.get("change_co2_avoided_t_per_year"), "co2"))
        out.print(table)
    table = Table(title="Totals", title_justify="left")
    for col in ("Total", "Base", "Other", "Change"):
        table.add_column(col, justify="right")
    for r in shown_totals(c.totals).itertuples(index=False):  # labels, units and figures as on the page
        table.add_row(r.total, r.base, r.other, r.change)
    out.print(table)


def _t(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}"
