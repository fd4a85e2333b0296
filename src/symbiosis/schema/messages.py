"""The wording of problems: pydantic errors and bad values in the analyst's terms.

Every reader and every check words a value the same way: ``show`` quotes it (so
that invisible characters show) and cuts it short, ``message`` turns one pydantic
error into a sentence with a hint for the usual spreadsheet slips (decimal comma,
percentages, error values).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from symbiosis.schema.records import ID_COLUMNS, MAX_AMOUNT, NotANumber

SPREADSHEET_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def codepoint(ch: str) -> str:
    """A character by its code point and Unicode name (``U+200B (ZERO WIDTH SPACE)``)."""
    return f"U+{ord(ch):04X}" + (f" ({unicodedata.name(ch)})" if unicodedata.name(ch, "") else "")


def show(value: Any, limit: int = 60) -> str:
    """A value for a message: repr (so invisible characters show), cut to ``limit``."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 5] + "...'" + f" ({len(str(value))} characters)"


def show_text(text: str, limit: int = 60) -> str:
    """Text for a message, quoted, with invisible characters escaped."""
    return show(text, limit)[1:-1] if isinstance(text, str) and text.isprintable() and len(text) <= limit else show(text, limit)


def os_reason(exc: BaseException) -> str:
    """Why the operating system refused (``Permission denied``)."""
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest choice, or nothing."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def bound(value: Any) -> str:
    """A limit of a field as written in a message (``1e+12``, ``0``)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def number_hint(got: Any) -> str:
    """Why a text that was meant as a number is not one, when it is a known slip."""
    if not isinstance(got, str):
        return ""
    g = got.strip()
    if g.upper() in SPREADSHEET_ERRORS or (g.startswith("#") and g.endswith(("!", "?", "A"))):
        return " (a spreadsheet error value: fix the formula in the sheet or type the number)"
    if _DECIMAL_COMMA.match(g):
        return " (use a decimal point, not a comma)"
    if g.endswith("%"):
        return " (write a percentage as a fraction, e.g. 5% as 0.05)"
    return ""


def message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a sentence."""
    kind = err.get("type", "")
    got = err.get("input")
    ctx = err.get("ctx", {}) or {}
    if isinstance(got, NotANumber):
        if isinstance(got.value, bool):
            return f"expected a number, got {got.value!r}"
        return f"expected a plain decimal number, got {show(got.value)}; write it without '_' (e.g. {str(got.value).replace('_', '')})"
    if kind == "missing":
        return "a value is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if got is None and kind.endswith("_type"):
        return "is empty; a value is required"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {show(got)}{number_hint(got)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {show(got)}{number_hint(got)}"
    if kind == "bool_not_number":
        return f"expected a number, got {got!r}"
    if kind == "finite_number":
        return f"must be a finite number, got {show(got)}"
    if kind == "string_type":
        if isinstance(got, int | float):
            return f"expected text, got the number {got!r}; put it in quotes ('{got}')"
        return f"expected text, got {show(got)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping (key: value), got {show(got)}"
    if kind == "string_too_long":
        return f"is {len(str(got))} characters long; at most {ctx.get('max_length')} characters are allowed"
    if kind in ("enum", "literal_error"):
        return f"{show(got)} is not one of {ctx.get('expected', '')}"
    if kind in ("less_than_equal", "greater_than_equal") and abs(ctx.get("le", ctx.get("ge", 0)) or 0) == MAX_AMOUNT:
        which = "at most" if kind == "less_than_equal" else "at least"
        return f"must be {which} {bound(ctx.get('le', ctx.get('ge')))}, got {show(got)} (symbiosis bounds every amount to +-1e12)"
    msg = err.get("msg", "invalid")
    if kind == "value_error":  # a record's own check (a date, a reserved id): its sentence says it all
        return str(ctx.get("error", msg)).removeprefix("Value error, ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = next((ctx[k] for k in ("gt", "ge", "lt", "le") if k in ctx), None)
        text = msg.replace("Input should be", "must be")
        if limit is not None:
            text = text.replace(str(limit), bound(limit))
        return f"{text}, got {show(got)}"
    return f"{msg} (got {show(got)})"


# Characters that show as nothing, or reorder the text around them, so that two ids that
# look the same differ: Unicode's default-ignorable code points (zero-width characters,
# the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, variation selectors, tags) and the
# braille blank U+2800, besides every format character (category Cf).
_INVISIBLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
# Direction controls: marks, embeddings, overrides and isolates (Unicode's Bidi_Control).
_DIRECTION = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})


def invisible(ch: str) -> str | None:
    """What makes ``ch`` unfit for an id: ``'direction-control'``, ``'invisible'``, or None."""
    code = ord(ch)
    if code in _DIRECTION:
        return "direction-control"
    if unicodedata.category(ch) in ("Cf", "Zl", "Zp") or any(lo <= code <= hi for lo, hi in _INVISIBLE):
        return "invisible"
    return None


def first_invisible(text: str) -> tuple[str, str] | None:
    """The first invisible or direction-control character of ``text`` and what it is, or None."""
    if text.isascii():
        return None
    for ch in text:
        what = invisible(ch)
        if what is not None:
            return ch, what
    return None


def character_problem(column: str, value: str) -> str | None:
    """Control characters anywhere, and invisible, filler and direction-control characters in ids, are refused."""
    for ch in value:
        if unicodedata.category(ch) == "Cc" and (column in ID_COLUMNS or ch not in "\t\n\r"):
            return f"holds the control character {codepoint(ch)}; retype the cell"
        if column in ID_COLUMNS:
            what = invisible(ch)
            if what is not None:
                return f"holds the {what} character {codepoint(ch)}; retype the id"
    return None
