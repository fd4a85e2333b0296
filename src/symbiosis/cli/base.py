"""The ``symbiosis`` command: the typer app, error handling and exit codes, shared options. The only place that prints.

Exit codes: 0 ok; 1 a check found violations, or an internal error; 2 bad input;
3 infeasible; 4 no solution within the time limit.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from rich.console import Console

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


def guard(fn: Callable[[], T]) -> T:
    """Run a command body; turn known errors into messages and exit codes, never tracebacks."""
    try:
        return fn()
    except ScenarioError as exc:
        err.print(f"[bold red]The scenario has {len(exc.problems)} problem(s):[/]", highlight=False)
        for p in exc.problems:
            err.print(f"  {terminal_safe(str(p))}", highlight=False, markup=False)
        for w in exc.warnings:
            err.print(f"  warning: {terminal_safe(str(w))}", highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (SettingsError, OutputError) as exc:
        err.print("[bold red]Error:[/] ", end="", highlight=False)
        err.print(terminal_safe(str(exc)), highlight=False, markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except KeyboardInterrupt:
        err.print("Interrupted; no output was written.")
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("SYMBIOSIS_DEBUG"):
            raise
        err.print("[bold red]Internal error:[/] ", end="", highlight=False)
        err.print(f"{type(exc).__name__}: {exc}", highlight=False, markup=False)
        err.print("Set SYMBIOSIS_DEBUG=1 to see the traceback, and please report it.")
        raise typer.Exit(EXIT_VIOLATIONS) from None


def terminal_safe(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1) written as escapes, newlines and tabs kept,
    so that no input file can clear or recolour the analyst's terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) != "Cc" else f"\\x{ord(ch):02x}" for ch in text)


def progress(message: str, quiet: bool = False) -> Any:
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


def money(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def main() -> None:
    """Entry point of the ``symbiosis`` console script."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("Interrupted.")
        sys.exit(130)
