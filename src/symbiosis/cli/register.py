"""estimate, intake and merge: from a company register to a first network, and the data to confirm (DESIGN.md section 4f)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from symbiosis.cli.base import EXIT_OK, ScenarioArg, app, copyable, guard, out, terminal_safe, written
from symbiosis.cli.loading import StrictOpt, print_warnings
from symbiosis.errors import ScenarioError

CoefOpt = Annotated[
    Path | None,
    typer.Option("--coefficients", help="A coefficient table of your own (CSV, the columns of the shipped one) instead of the shipped table.", show_default=False),
]


@app.command()
def estimate(
    scenario: ScenarioArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the new scenario (created; replaced only if it is an earlier one symbiosis wrote).")],
    coefficients: CoefOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    strict: StrictOpt = False,
) -> None:
    """Add the streams each company's activity typically has (NACE code, staff, floor area), with their ranges and sources, as a new scenario."""

    def run() -> int:
        from symbiosis import api

        result = api.estimate(scenario, coefficients)
        found = (*result.warnings, *result.scenario.warnings)
        if strict and found:
            raise ScenarioError([w.as_problem() for w in found])
        print_warnings(found)
        path = result.write(out_dir)
        written(path)
        if quiet:
            return EXIT_OK
        s = result.summary
        table = Table(title="Estimated per company", title_justify="left")
        for col, just in (("company", "left"), ("NACE", "left"), ("employees", "right"), ("m2", "right"), ("estimated", "right"), ("measured kept", "right"), ("note", "left")):
            table.add_column(col, justify=just)  # type: ignore[arg-type]
        for r in s.itertuples(index=False):
            table.add_row(
                terminal_safe(str(r.company)), terminal_safe(str(r.nace)), _amount(r.employees), _amount(r.floor_area_m2),
                str(r.n_estimated), str(r.n_kept), terminal_safe(str(r.note)),
            )  # fmt: skip
        out.print(table)
        done = int((s["n_estimated"] > 0).sum())
        out.print(
            f"{int(s['n_estimated'].sum())} streams estimated for {done} of {len(s)} companies; their ranges are in uncertainty.csv, "
            f"their coefficients and public sources in estimates.csv; written to {path}",
            highlight=False,
            markup=False,
        )
        return EXIT_OK

    raise typer.Exit(guard(run))


def _amount(x: object) -> str:
    return "" if x is None or x != x else f"{float(x):,.0f}"  # type: ignore[arg-type]


@app.command()
def intake(
    scenario: ScenarioArg,
    company: Annotated[str, typer.Option("--company", "-c", help="The company's id.", show_default=False)],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The workbook to write (.xlsx).", show_default=False)],
    coefficients: CoefOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write one company's workbook: its streams with values, units, ranges and sources, to confirm or correct."""

    def run() -> int:
        from symbiosis import api

        path = api.intake(scenario, company, out_file, coefficients, overwrite=force)
        written(path)
        back = copyable(["symbiosis", "merge"], options=[("--out", "NEW")], args=[str(scenario), str(path)])
        out.print(terminal_safe(f"intake workbook of {company} written to {path}; take it back with: {back}"), highlight=False, markup=False)
        return EXIT_OK

    raise typer.Exit(guard(run))


@app.command()
def merge(
    scenario: ScenarioArg,
    books: Annotated[list[Path], typer.Argument(help="Returned intake workbooks (.xlsx), one per company.", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the new scenario (created; replaced only if it is an earlier one symbiosis wrote).")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Take returned intake workbooks back: confirmed and corrected streams become measured and lose their ranges; every change is listed."""

    def run() -> int:
        from symbiosis import api

        result = api.merge(scenario, books)
        path = result.write(out_dir)
        written(path)
        if not quiet:
            ch = result.changes
            for r in ch.itertuples(index=False):
                what = f" {r.field}: {r.old} -> {r.new}" if r.field and r.change != "comment" else (f": {r.new}" if r.change == "comment" else "")
                out.print(terminal_safe(f"  {r.workbook}: {r.stream} {r.change}{what}"), highlight=False, markup=False)
            counts = ch.drop_duplicates(["stream", "change"])["change"].value_counts()
            summary = ", ".join(f"{int(counts.get(k, 0))} {k}" for k in ("confirmed", "corrected", "removed", "added"))
            out.print(f"{len(books)} workbook{'s' if len(books) != 1 else ''} merged: {summary}; the list is in changes.csv; written to {path}", highlight=False, markup=False)
        return EXIT_OK

    raise typer.Exit(guard(run))
