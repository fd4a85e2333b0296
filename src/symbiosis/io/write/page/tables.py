"""Tables of every page: headers with units, names beside ids, numbers as people read them.

``table`` renders a DataFrame: each column as declared in ``symbiosis.io.write.columns``
(label, unit, kind of figure) unless the caller says otherwise (``Col``); an id column
may show the name beside the id; a column whose unit differs per row takes the row's
unit from another column. Tables sort on a click (numbers as numbers) and fold after
``style.FOLD`` rows on screen; printed, every row is there and the header repeats on
each page.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from symbiosis.io.write.columns import Column, column
from symbiosis.io.write.page.numbers import number
from symbiosis.io.write.page.shell import esc
from symbiosis.io.write.page.style import FOLD


@dataclass(frozen=True)
class Col:
    """One column of a page's table: the frame column ``key``, shown under ``header`` (default: the
    declared label and unit), as ``kind`` (default: declared), with ``name_of``'s text beside the id
    and ``unit_from``'s text as the row's unit where the header has none."""

    key: str
    header: str | None = None
    kind: str | None = None
    name_of: str | None = None
    unit_from: str | None = None
    css: str = ""
    unit: str | None = None  # a unit of the caller's, ``{unit}`` standing for the row's (with ``unit_from``)
    raw: bool = False  # the cell holds HTML made by the package (a small picture), not text


def _blank(v: Any) -> bool:
    """No value: None, NaN, pandas' NA."""
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # a list or an array: a value
        return False


def _declared(col: Col) -> Column:
    known = column(col.key)
    return Column(col.header if col.header is not None else known.label, col.unit if col.unit is not None else ("" if col.header is not None else known.unit), col.kind or known.kind)


def _header(col: Col, frame: pd.DataFrame) -> tuple[str, str | None]:
    """(header text, the unit every row shares or None when each row shows its own)."""
    declared = _declared(col)
    if col.unit_from is not None and "{unit}" in declared.unit:
        units = {str(u) for u in frame[col.unit_from].tolist() if not _blank(u)} if col.unit_from in frame else set()
        if len(units) == 1:
            return declared.header(units.pop()), ""
        return declared.label, None
    return declared.header(), ""


def cell(value: Any, kind: str) -> tuple[str, str]:
    """(shown text, sort key) of one cell: every figure through ``number`` (a number in a text column too), so
    that no cell reads nan, inf or -0."""
    if isinstance(value, bool):
        return ("yes" if value else "no"), str(int(value))
    if _blank(value):
        return "", ""
    if isinstance(value, str):
        return value, (value if kind in ("text", "id") else "")
    if kind in ("text", "id"):
        real = isinstance(value, numbers.Real)
        text = str(int(value)) if real and float(value).is_integer() else number(value) if real else str(value)
        return text, text
    return number(value, kind), (repr(float(value)) if math.isfinite(float(value)) else "")


def table(
    frame: pd.DataFrame,
    table_id: str,
    caption: str,
    columns: Sequence[Col | str] | None = None,
    *,
    fold: int = FOLD,
    sortable: bool = True,
    totals: Mapping[str, Any] | None = None,
    row_class: Sequence[str] | None = None,
) -> str:
    """A table of ``frame`` (see the module's docstring); ``totals`` a last row (by key, in ``<tfoot>``: never sorted);
    ``row_class`` a CSS class per row (e.g. ``estimated``)."""
    cols = [c if isinstance(c, Col) else Col(c) for c in (columns if columns is not None else list(frame.columns))]
    heads = []
    kinds = []
    shared_units = []
    for c in cols:
        text, shared = _header(c, frame)
        kind = _declared(c).kind
        kinds.append(kind)
        shared_units.append(shared)
        numeric = kind not in ("text", "id")
        heads.append(f'<th data-type="{"number" if numeric else "text"}"' + (' class="num"' if numeric else "") + f">{esc(text)}</th>")
    records = frame.to_dict(orient="records")
    rows = []
    foot = ""
    for i, rec in enumerate(records):
        cls = [row_class[i]] if row_class is not None and row_class[i] else []
        if fold and i >= fold:
            cls.append("more")
        rows.append(f"<tr{' class=' + chr(34) + ' '.join(cls) + chr(34) if cls else ''}>" + "".join(_td(c, k, u, rec) for c, k, u in zip(cols, kinds, shared_units)) + "</tr>")
    if totals:
        cells = []
        for k, (c, kind) in enumerate(zip(cols, kinds)):
            if c.key in totals:
                shown, key = cell(totals[c.key], kind if c.key in totals and not isinstance(totals[c.key], str) else "text")
            else:
                shown, key = ("Total" if k == 0 else ""), ""
            num = ' class="num"' if kind not in ("text", "id") else ""
            cells.append(f'<td{num} data-value="{esc(key)}">{esc(shown)}</td>')
        foot = '<tfoot><tr class="total">' + "".join(cells) + "</tr></tfoot>"
    classes = ["data"] + (["sortable"] if sortable else []) + (["dense"] if len(cols) > 10 else [])
    attrs = f' data-fold="{fold}"' if fold else ""
    html = (
        f'<div class="table-block"><table id="{esc(table_id)}" class="{" ".join(classes)}"{attrs}><caption>{esc(caption)}</caption>'
        f"<thead><tr>{''.join(heads)}</tr></thead><tbody>\n" + "\n".join(rows) + f"\n</tbody>{foot}</table>"
    )
    if fold and len(records) > fold:
        html += (
            f'<button type="button" class="fold screen-only" data-table="{esc(table_id)}" data-less="show the first {fold} rows only">'
            f"show all {len(records):,} rows</button>"
        )
    return html + "</div>"


def _td(col: Col, kind: str, shared: str | None, rec: Mapping[str, Any]) -> str:
    value = rec.get(col.key)
    if col.raw:
        return f"<td>{'' if _blank(value) else value or ''}</td>"
    shown, key = cell(value, kind)
    numeric = kind not in ("text", "id")
    cls = "num" if numeric else ""
    if col.css:
        cls = f"{cls} {col.css}".strip()
    attr = f' class="{cls}"' if cls else ""
    body = esc(shown)
    if numeric and shared is None and shown and col.unit_from is not None:
        unit = _declared(col).unit.replace("{unit}", str(rec.get(col.unit_from) or ""))
        body = f"{esc(shown)} {esc(unit)}"
    if col.name_of is not None:
        name = rec.get(col.name_of)
        name = "" if _blank(name) else str(name)
        if name and name != shown:
            body = f'{esc(name)} <span class="id">{esc(shown)}</span>'
            key = name
    return f'<td{attr} data-value="{esc(key)}">{body}</td>'
