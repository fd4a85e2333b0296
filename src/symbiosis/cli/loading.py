"""Reading a scenario for a command: its warnings printed, ``--strict`` making them errors.

Warnings (contract section 5) are printed to stderr, one a line, with the word
``warning`` and the file, row and column; with ``--strict`` each one is an error and
the command exits 2 before doing anything else. Text that came from the input (the
scenario name, cells quoted in messages) reaches the terminal with control
characters escaped and no console markup read (``cli.base.SafeConsole``), so that no
file can clear, recolour or restyle it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from symbiosis.cli.base import err
from symbiosis.errors import InputWarning, ScenarioError, sort_warnings

if TYPE_CHECKING:
    from symbiosis.schema import Scenario

StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat warnings (legal but suspect input) as errors: exit 2.")]


def print_warnings(warnings: tuple[InputWarning, ...] | list[InputWarning]) -> None:
    """Each warning on its own line of stderr: ``warning: file: row 3, column 'lat': message``."""
    for w in warnings:
        err.print(f"warning: {w}")


def load(path: Path, strict: bool = False, programme: bool = False) -> Scenario:
    """Load a scenario for a command; print its warnings, or raise them as problems under ``--strict``.

    ``programme``: also the warnings that need the candidates (progress rows naming no
    candidate, contract section 4g); ``solve`` finds those itself (``strict_candidates``).
    """
    from symbiosis import api

    scenario = api.load_scenario(path)
    warnings = sort_warnings([*scenario.warnings, *(api.programme_warnings(scenario) if programme else ())])
    if strict and warnings:
        raise ScenarioError([w.as_problem() for w in warnings])
    print_warnings(warnings)
    return scenario


def strict_candidates(warnings: list[InputWarning], strict: bool) -> None:
    """The warnings a solve found in its candidates (progress rows naming no candidate): printed, or errors under ``--strict``."""
    if strict and warnings:
        raise ScenarioError([w.as_problem() for w in warnings])
    print_warnings(warnings)
