"""The ``symbiosis`` command line: one module per group of commands, each a thin call of the API."""

from symbiosis.cli import explain, programme, register, solve, sweep, tools, tradeoffs  # noqa: F401  (each module registers its commands)
from symbiosis.cli.base import app, main

__all__ = ["app", "main"]
