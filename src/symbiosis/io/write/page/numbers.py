"""Numbers as people read them: thousands separators, a precision that suits the figure, never
``1.2e+04`` and never ``-0.00``.

Every page, every company sheet and the workbook's number formats follow the same rules
(``FORMATS``), chosen by the kind of figure a column holds (``symbiosis.io.write.columns``).
"""

from __future__ import annotations

import math
import re
from typing import Any

DASH = "\u2013"
MINUS = "-"

# Decimals per kind of figure; None: as many as the figure needs (``auto``).
DECIMALS: dict[str, int | None] = {
    "money": 0,  # EUR per year: cents are noise next to the data's accuracy
    "price": 2,  # EUR per unit
    "co2": 1,  # t per year
    "km": 2,
    "count": 0,
    "whole": 0,
    "measure": None,  # a measure's total: none from 100 up, one below (2.9 km/yr, 750 m2)
    "quantity": None,
    "share": None,  # a fraction shown as a percentage
    "gap": None,
    "number": None,
}
# Excel number formats of the same kinds (the workbook for people).
FORMATS: dict[str, str] = {
    "money": "#,##0",
    "price": "#,##0.00",
    "co2": "#,##0.0",
    "km": "#,##0.00",
    "count": "#,##0",
    "whole": "#,##0",
    "measure": "#,##0.0",
    "quantity": "#,##0.###",
    "share": "0.0%",
    "gap": "0.000%",
    "number": "#,##0.###",
}


def _missing(x: Any) -> bool:
    if x is None or isinstance(x, str):
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _auto_decimals(v: float) -> int:
    """Three significant digits below 100, none from 1,000 up: 0.0123, 1.23, 12.3, 123, 1,234."""
    a = abs(v)
    if a == 0 or a >= 1000:
        return 0
    if a >= 100:
        return 0
    if a >= 10:
        return 1
    if a >= 1:
        return 2
    return min(12, 2 - math.floor(math.log10(a)))


def fixed(v: float, decimals: int) -> str:
    """``v`` with thousands separators and ``decimals`` decimals; a figure that rounds to zero has no sign."""
    text = f"{v:,.{decimals}f}"
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]
    return text


def number(x: Any, kind: str = "number", empty: str = "") -> str:
    """A figure as text for a page, by its kind (``DECIMALS``); ``empty`` where there is none."""
    if isinstance(x, bool):
        return "yes" if x else "no"
    if _missing(x):
        return empty
    v = float(x)
    if math.isinf(v):
        return "\u221e" if v > 0 else "-\u221e"
    if kind in ("share", "gap"):
        return percent(v)
    decimals = DECIMALS.get(kind)
    if kind == "measure":
        decimals = 0 if abs(v) >= 100 else 1
    if decimals is None:
        if float(v).is_integer() and abs(v) < 1e15:
            decimals = 0
        else:
            decimals = _auto_decimals(v)
    return fixed(v, decimals)


def signed(x: Any, kind: str = "number", decimals: int | None = None, empty: str = DASH) -> str:
    """A change or a correlation with its sign: ``+1,234``, ``-0.83``, ``+8.0 %`` (by ``kind``, or ``decimals``
    decimals); no sign where it shows as zero (``0``, ``0 %``); ``empty`` where there is no figure."""
    if _missing(x) or math.isinf(float(x)):
        return empty
    text = fixed(float(x), decimals) if decimals is not None else number(x, kind)
    return f"+{text}" if float(x) > 0 and any(ch in "123456789" for ch in text) else text


def percent(v: Any, empty: str = "") -> str:
    """A fraction as a percentage with a precision that shows it: 12 %, 1.2 %, 0.012 %."""
    if _missing(v):
        return empty
    p = float(v) * 100
    a = abs(p)
    decimals = 0 if a >= 10 or a == 0 else 1 if a >= 1 else min(6, 1 - math.floor(math.log10(a)))
    text = fixed(p, decimals)
    return f"{text} %" if any(ch in "123456789" for ch in text) else "0 %"  # 1e-16 is a gap of 0, not 0.000000 %


def with_unit(x: Any, unit: str, kind: str = "number", empty: str = DASH) -> str:
    """``12,345 EUR/yr``; the dash where there is no figure."""
    text = number(x, kind)
    return empty if text == "" else f"{text} {unit}".rstrip()


def cell_format(value: Any, fmt: str) -> str:
    """The Excel number format ``fmt`` for one cell of value ``value``, never showing a negative zero: where ``fmt``
    rounds a negative value to zero (-0.00005 t as ``#,##0.0``), its negative section repeats it without the minus
    sign (``#,##0.0;#,##0.0``), as ``fixed`` drops it on pages. The value itself is kept."""
    if ";" in fmt or fmt == "General" or isinstance(value, bool) or not isinstance(value, int | float) or not value < 0:
        return fmt
    decimals = re.search(r"\.([0#]+)", fmt)
    shown = -float(value) * (100 if "%" in fmt else 1)
    return f"{fmt};{fmt}" if round(shown, len(decimals.group(1)) if decimals else 0) == 0 else fmt
