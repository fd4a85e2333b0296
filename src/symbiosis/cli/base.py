"""The ``symbiosis`` command: the typer app, error handling and exit codes, shared options. The only place that prints.

Exit codes: 0 ok; 1 a check found violations, or an internal error; 2 bad input;
3 infeasible; 4 no solution within the time limit; 130 Ctrl-C and 143 SIGTERM (the
run stops, a folder being written is removed, an earlier one is kept).

Nothing printed is read as console markup or can steer the terminal: both consoles
print text as it is (no markup, no emoji codes), and every text they print goes
through ``terminal_safe`` (``SafeConsole``), tables included, so that an id such as
``[red]A`` or ``B[/]`` is printed as written.
"""

from __future__ import annotations

import os
import shlex
import signal
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from symbiosis.errors import OutputError, ScenarioError, SettingsError, Terminated
from symbiosis.io.read.yamlsafe import SetValueError, set_value
from symbiosis.io.write.page.numbers import fixed

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_SOLUTION = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT and 128 + SIGTERM, as shells report them

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

_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def terminal_safe(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1) and invisible format characters (direction
    overrides, zero-width characters) written as escapes, newlines and tabs kept, so that no
    input file can clear, recolour or reorder what the analyst's terminal shows."""
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in _UNSAFE else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


class SafeConsole(Console):
    """A console that prints every text through ``terminal_safe`` and reads no markup in it."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(terminal_safe(text), **kwargs)


def styled(*parts: str | tuple[str, str]) -> Text:
    """One line from text and (text, style) parts, each made ``terminal_safe``: styles without markup."""
    return Text.assemble(*((terminal_safe(p), "") if isinstance(p, str) else (terminal_safe(p[0]), p[1]) for p in parts))


out = SafeConsole(soft_wrap=True, emoji=False, markup=False, highlight=False)
err = SafeConsole(stderr=True, soft_wrap=True, emoji=False, markup=False, highlight=False)

T = TypeVar("T")


# What a command has written whole (the folder or file swapped in), once it has: a SIGTERM or Ctrl-C that
# arrives after that (while the summary is printed) leaves a complete result, so the run exits 0 saying so.
_WRITTEN: list[tuple[str, int]] = []


def written(path: object, code: int = 0) -> None:
    """Say that the command's output is in place, whole, and the exit code its result calls for: from here on
    a late SIGTERM or Ctrl-C exits with that code (0 for a complete result), not 143 or 130."""
    _WRITTEN.append((str(path), code))


def _late_stop(signal_name: str) -> int | None:
    """After the output was written whole: say the result is complete (the stop only cut the printing short)
    and give the exit code of that result; None before."""
    if not _WRITTEN:
        return None
    path, code = _WRITTEN[-1]
    err.print(f"{signal_name} after the result was complete: {path} is written whole; only the printing was cut short.")
    return code


def guard(fn: Callable[[], T]) -> T:
    """Run a command body; turn known errors into messages and exit codes, never tracebacks.

    SIGTERM is handled like Ctrl-C while it runs (``Terminated``); one that arrives after the
    command's output was written whole (``written``) exits 0, saying so.
    """
    _WRITTEN.clear()
    try:
        with terminable():
            return fn()
    except ScenarioError as exc:
        err.print(f"The scenario has {len(exc.problems)} problem(s):", style="bold red")
        for p in exc.problems:
            err.print(f"  {p}")
        for w in exc.warnings:
            err.print(f"  warning: {w}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (SettingsError, OutputError) as exc:
        err.print(styled(("Error:", "bold red"), " ", str(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except Terminated:
        if (code := _late_stop("SIGTERM")) is not None:
            raise typer.Exit(code) from None
        err.print("Terminated (SIGTERM); a folder being written was removed, and an earlier one is as it was.")
        raise typer.Exit(EXIT_TERMINATED) from None
    except KeyboardInterrupt:
        if (code := _late_stop("Ctrl-C")) is not None:
            raise typer.Exit(code) from None
        err.print("Interrupted; no output was written.")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if os.environ.get("SYMBIOSIS_DEBUG"):
            raise
        err.print(styled(("Internal error:", "bold red"), " ", f"{type(exc).__name__}: {exc}"))
        err.print("Set SYMBIOSIS_DEBUG=1 to see the traceback, and please report it.")
        raise typer.Exit(EXIT_VIOLATIONS) from None


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def terminable() -> Iterator[None]:
    """While the block runs, SIGTERM raises ``Terminated`` (a ``KeyboardInterrupt``) in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def progress(message: str, quiet: bool = False) -> Any:
    """A spinner while a long step runs, on a terminal only: nothing when piped or quiet."""
    if quiet or not out.is_terminal:
        return nullcontext()
    return out.status(message, spinner="dots")


def parse_overrides(items: list[str] | None) -> dict[str, Any]:
    """Turn ``key=value`` strings into settings overrides: each value a plain scalar or a flat
    list, read as YAML without anchors, aliases or tags (``yamlsafe.set_value``)."""
    overrides: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--set '{item}': expected KEY=VALUE, e.g. carbon_price_eur_per_t=100")
        try:
            overrides[key.strip()] = set_value(raw)
        except SetValueError as exc:
            raise SettingsError(f"--set {key.strip()}: {exc}") from None
    return overrides


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario folder (with scenario.yaml), a single YAML file, or an Excel workbook (see 'symbiosis template').", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a setting, e.g. --set carbon_price_eur_per_t=100 or --set solver.time_limit_s=10. Repeatable."),
]

ContextOpt = Annotated[
    Path | None,
    typer.Option("--context", help="A GeoJSON file (WGS84 degrees) of plots, roads or park boundaries, drawn under the report's map.", show_default=False),
]
TilesOpt = Annotated[
    str | None,
    typer.Option(
        "--tiles",
        help="A tile URL template (https://.../{z}/{x}/{y}.png) for the map's background; the page then fetches tiles from that server when it opens.",
        show_default=False,
    ),
]


def map_layers(context: Path | None, tiles: str | None) -> Any:
    """The report map's context layers (``MapLayers``), checked before anything runs; None without either."""
    if context is None and tiles is None:
        return None
    from symbiosis.io.read.context import check_tile_url, read_context
    from symbiosis.io.write.page import MapLayers

    return MapLayers(read_context(context) if context is not None else None, check_tile_url(tiles) if tiles is not None else None)


def copyable(words: Sequence[str], options: Sequence[tuple[str, str]] = (), args: Sequence[str] = ()) -> str:
    """A command to copy into a POSIX shell: every word quoted (``shlex``), an option value that starts
    with '-' joined as ``--name=value``, and ``--`` before the positional ``args`` where one starts with '-'
    (an id like ``-brew`` would otherwise be read as an option)."""
    opts: list[str] = []
    for name, value in options:
        opts += [f"{name}={value}"] if value.startswith("-") else [name, value]
    if any(a.startswith("-") for a in args):
        return shlex.join([*words, *opts, "--", *args])
    return shlex.join([*words, *args, *opts])


def money(x: float | None) -> str:
    return "-" if x is None else fixed(x, 0)  # a loss of cents reads 0, not -0


def main() -> None:
    """Entry point of the ``symbiosis`` console script."""
    try:
        with terminable():
            app()
    except Terminated:
        if (code := _late_stop("SIGTERM")) is not None:
            sys.exit(code)
        err.print("Terminated (SIGTERM).")
        sys.exit(EXIT_TERMINATED)
    except KeyboardInterrupt:
        if (code := _late_stop("Ctrl-C")) is not None:
            sys.exit(code)
        err.print("Interrupted.")
        sys.exit(EXIT_INTERRUPTED)
