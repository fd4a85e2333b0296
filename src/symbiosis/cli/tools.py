"""bench, report, template and generate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from symbiosis.cli.base import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    app,
    guard,
    out,
    progress,
)
from symbiosis.errors import SettingsError


@app.command()
def bench(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for results.csv, results.md, results.png and the runs.")] = Path("benchmarks/results"),
    quick: Annotated[bool, typer.Option("--quick", help="Only the two smallest generated parks, with short time limits.")] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this instance (repeatable), e.g. --only gen-150.")] = None,
    suite: Annotated[str, typer.Option("--suite", help="'parks' (generated parks and Haasrode) or 'external' (published FCTP and SSCFLP optima, beside plain HiGHS).")] = "parks",
    bench_dir: Annotated[Path, typer.Option("--bench-dir", help="For --suite external: the folder with fctp/ and sscflp/.")] = Path("../shared/benchmarks"),
) -> None:
    """Benchmark the optimiser against the greedy and type-only baselines (quality, time, memory, gap), or against published optima."""
    def run() -> int:
        from symbiosis import bench as b

        if suite == "external":
            from symbiosis.bench.external import markdown, run_external

            target = out_dir / "external"
            show_ext = out.print if out.is_terminal else None
            ext = run_external(target, bench_dir, only=only, progress=show_ext)
            out.print(markdown(ext), highlight=False, markup=False)
            out.print(f"written to {target}", highlight=False)
            return EXIT_OK if bool(ext["check_ok"].all() and ext["reproduced"].where(ext["published"].notna(), True).all()) else EXIT_VIOLATIONS
        if suite != "parks":
            raise SettingsError(f"--suite {suite!r}: expected parks or external")

        show = out.print if out.is_terminal else None
        table = b.run(out_dir, quick=quick, only=only, progress=show)
        out.print(b.markdown(table), highlight=False, markup=False)
        out.print(f"written to {out_dir}", highlight=False)
        return EXIT_OK if bool(table["check_ok"].all()) else EXIT_VIOLATIONS

    raise typer.Exit(guard(run))


@app.command()
def report(
    result_dir: Annotated[Path, typer.Argument(help="A folder written by 'symbiosis solve'.", show_default=False)],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The HTML file to write (default: RESULT_DIR/report.html); pictures go beside it.", show_default=False)] = None,
) -> None:
    """Write a self-contained HTML report of a result: headline figures, map, savings, flows, facility loads and sortable tables."""
    def run() -> int:
        from symbiosis.io.write.report import write_report

        with progress("Drawing the report ..."):
            path = write_report(result_dir, out_file)
        out.print(f"report written to {path}", highlight=False)
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
        out.print(f"template written to {path}; fill it in, then run 'symbiosis validate {path}'", highlight=False)
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
