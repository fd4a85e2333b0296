"""bench, report, template and generate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from symbiosis.cli.base import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    ContextOpt,
    TilesOpt,
    app,
    copyable,
    err,
    guard,
    map_layers,
    out,
    progress,
    styled,
    written,
)
from symbiosis.errors import SettingsError


@app.command()
def bench(
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for results.csv, results.md, results.png and the runs (default benchmarks/results; benchmarks/results/quick for --quick or --only).", show_default=False),
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Only the two smallest generated parks, with short time limits.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Let a --quick or --only run replace the results of a full run.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this instance (repeatable), e.g. --only gen-150.")] = None,
    suite: Annotated[str, typer.Option("--suite", help="'parks' (generated parks and Haasrode) or 'external' (published FCTP and SSCFLP optima, beside plain HiGHS).")] = "parks",
    bench_dir: Annotated[Path, typer.Option("--bench-dir", help="For --suite external: the folder with fctp/ and sscflp/.")] = Path("../shared/benchmarks"),
) -> None:
    """Benchmark the optimiser against the greedy and type-only baselines (quality, time, memory, gap), or against published optima."""
    def run() -> int:
        from symbiosis import bench as b

        if suite == "external":
            from symbiosis.bench.external import markdown, run_external

            target = (out_dir if out_dir is not None else Path("benchmarks/results")) / "external"
            show_ext = out.print if out.is_terminal else None
            ext = run_external(target, bench_dir, only=only, progress=show_ext)
            out.print(markdown(ext), highlight=False, markup=False)
            out.print(f"written to {target}", highlight=False)
            return EXIT_OK if bool(ext["check_ok"].all() and ext["reproduced"].where(ext["published"].notna(), True).all()) else EXIT_VIOLATIONS
        if suite != "parks":
            raise SettingsError(f"--suite {suite!r}: expected parks or external")

        partial = quick or bool(only)
        folder = b.bench_folder(out_dir, partial)
        if partial and not force and b.holds_full_results(folder):
            raise SettingsError(
                f"'{folder}' holds the results of a full benchmark run; a {'--quick' if quick else '--only'} run would replace them. "
                "Choose another --out (a partial run writes to benchmarks/results/quick by default), or pass --force"
            )
        show = out.print if out.is_terminal else None
        table = b.run(folder, quick=quick, only=only, progress=show)
        out.print(b.markdown(table), highlight=False, markup=False)
        kept = f"; the full results in {b.bench_folder(None, False)} are kept" if partial and out_dir is None else ""
        out.print(f"{'a partial run (' + ('--quick' if quick else '--only') + '): ' if partial else ''}written to {folder}{kept}", highlight=False)
        return EXIT_OK if bool(table["check_ok"].all()) else EXIT_VIOLATIONS

    raise typer.Exit(guard(run))


@app.command()
def report(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML file to write (default: RESULT_DIR/report.html); pictures go beside it.", show_default=False)] = None,
    context: ContextOpt = None,
    tiles: TilesOpt = None,
) -> None:
    """Write a self-contained HTML report of a result: headline figures, themes, map, savings, flows, facility loads, tables and assumptions."""
    def run() -> int:
        from symbiosis.io.write.report import write_report

        layers = map_layers(context, tiles)
        with progress("Drawing the report ..."):
            path = write_report(result_dir, out_file, layers)
        out.print(f"report written to {path}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guard(run))


@app.command()
def sheets(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve' (or a point of a front, an alternative).", show_default=False)],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the sheets (created, or replaced if it holds earlier sheets).", show_default=False)],
) -> None:
    """One printable page per company taking part: its exchanges, partners, quantities, share of the savings, CO2 and price bands, and its pools; nothing of the others' economics."""
    def run() -> int:
        from symbiosis.io.read.results import read_result
        from symbiosis.io.write.sheets import ALL_SHEETS, warnings_of, write_sheets

        with progress("Writing the company sheets ..."):
            path = write_sheets(result_dir, out_dir, (result_dir,))
        n = sum(1 for p in path.glob("sheet-*.html"))
        out.print(f"{n} company sheets written to {path} (all of them in {path / ALL_SHEETS}, one company per printed page)", highlight=False)
        for line in warnings_of(read_result(result_dir)):  # before a sheet reaches a company: what it should not take as settled
            err.print(styled(("warning", "yellow"), f": {line}"))
        return EXIT_OK

    raise typer.Exit(guard(run))


@app.command()
def template(
    out_file: Annotated[Path, typer.Argument(help="The workbook to write, e.g. park.xlsx.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write an empty scenario workbook (one sheet per table, settings, instructions); solve it with 'symbiosis solve BOOK.xlsx'."""
    def run() -> int:
        from symbiosis.io.write.workbook import write_template

        path = write_template(out_file, overwrite=force)
        written(path)
        out.print(f"template written to {path}; fill it in, then run: {copyable(['symbiosis', 'validate'], args=[str(path)])}", highlight=False)
        return EXIT_OK

    raise typer.Exit(guard(run))


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

    raise typer.Exit(guard(run))
