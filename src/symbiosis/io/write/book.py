"""``results.xlsx``, the result as a workbook for people that stays machine-readable.

Sheets, in order:

- ``overview``: the scenario, the status in words, the headline figures with their units
  and the gap (with, for a result stopped by the time limit, how much more the bound
  allows), every measure the result has, and the results by theme;
- ``README``: what each sheet holds, how its two header rows read, and every column with
  its unit and meaning;
- one sheet per result table (``matches``, ``companies``, ``facilities``, ``flows``,
  ``facility_loads``): row 1 the column as people read it, with its unit
  (``symbiosis.io.write.columns``); row 2 the column's id in the CSV file; the rows from
  row 3. Names stand beside ids (``source_name`` after ``source``, ...). Numbers are
  numbers with a number format of their kind (thousands separators, decimals, percent);
  the headers are frozen and filtered;
- ``summary``: every key of ``summary.json`` and its value, as before.

A program reads a table sheet with its ids as the header (``pandas.read_excel(path,
sheet_name="matches", header=1)``): the same columns and values as the CSV file, plus
the name columns. Every cell goes through ``workbook.put``/``put_row`` (text stays
text, never a formula); the file is byte-stable.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.io.write.columns import column, measure_column
from symbiosis.io.write.files import tidy
from symbiosis.io.write.page.numbers import FORMATS, cell_format, number, percent
from symbiosis.io.write.themes import theme_totals
from symbiosis.io.write.workbook import _cell_value, flatten, put, put_row, save_workbook
from symbiosis.measures import MEASURES

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.worksheet.worksheet import Worksheet

TABLE_SHEETS = ("matches", "companies", "facilities", "flows", "facility_loads")
# Excel formats by kind of figure (``page.numbers``), with decimals that need no trailing point.
BOOK_FORMATS = dict(FORMATS) | {"quantity": "#,##0.00", "number": "General"}
STATUS_WORDS = {
    "optimal": "optimal: the best network, proven within the gap tolerance",
    "time_limit": "stopped by the time limit: a good network, not proven the best",
    "infeasible": "infeasible: no network meets every rule",
    "no_solution": "no solution found in the time allowed",
    "error": "the solver failed",
    "not_solved": "not solved (a baseline)",
}
SHEET_HELP = {
    "overview": "The status, the headline figures with their units, the gap, every measure and the results by theme.",
    "matches": "One row per exchange or pool membership (matches.csv), with the names of both sides and each exchange's price band.",
    "companies": "Each company's share of the savings, CO2 and other measures (companies.csv), with its sector.",
    "facilities": "Each shared facility built: size, members, cost and surplus (facilities.csv).",
    "flows": "Each exchange's flow per slot in supply units (flows.csv), with the names of the supplier and the receiver.",
    "facility_loads": "Each shared facility's load and capacity per slot (facility_loads.csv).",
    "summary": "Every key of summary.json and its value (for programs; the overview says the same for people).",
}


def _bold(ws: Worksheet, row: int) -> None:
    from openpyxl.styles import Alignment, Font

    for cell in ws[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def with_names(name: str, frame: pd.DataFrame, names: Mapping[str, str], sectors: Mapping[str, str], companies: Mapping[str, str]) -> pd.DataFrame:
    """A result table with the names beside its ids (``names``: company and facility ids; ``companies``: stream -> company)."""
    f = frame.copy()
    if name == "matches":
        f.insert(f.columns.get_loc("source") + 1, "source_name", [names.get(str(x), "") for x in f["source"]])
        f.insert(f.columns.get_loc("target") + 1, "target_name", [names.get(str(x), "") for x in f["target"]])
    elif name == "companies":
        f.insert(f.columns.get_loc("name") + 1, "sector", [sectors.get(str(x), "") for x in f["company"]])
    elif name == "flows":
        f.insert(f.columns.get_loc("supply_stream") + 1, "supplier_name", [names.get(companies.get(str(x), ""), "") for x in f["supply_stream"]])
        f.insert(f.columns.get_loc("demand_stream") + 1, "receiver_name", [names.get(companies.get(str(x), ""), "") for x in f["demand_stream"]])
    elif name == "facility_loads":
        f.insert(f.columns.get_loc("facility") + 1, "facility_name", [names.get(str(x), "") for x in f["facility"]])
    return f


def _header(name: str) -> str:
    """Row 1 of a table sheet: the column with its unit; a unit that differs per row says where it is."""
    c = column(name)
    if name == "quantity":
        return f"{c.label} (in Unit; per year unless peak-priced)"
    return c.header()


def put_table(wb: OpenpyxlWorkbook, title: str, frame: pd.DataFrame) -> None:
    """A table sheet: labels with units, then ids, then the rows; numbers formatted by kind, headers frozen and filtered."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    cols = [str(c) for c in frame.columns]
    put_row(ws, [_header(c) for c in cols])
    _bold(ws, 1)
    put_row(ws, cols)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="666666", size=9)
    formats = [BOOK_FORMATS.get(column(c).kind) if column(c).numeric else None for c in cols]
    for row in frame.itertuples(index=False):
        put_row(ws, [_cell_value(tidy(v)) for v in row])
        for cell, fmt in zip(ws[ws.max_row], formats):
            if fmt is not None and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = cell_format(cell.value, fmt)
    ws.freeze_panes = "B3"
    if cols:
        last = ws.cell(2, len(cols)).column_letter
        ws.auto_filter.ref = f"A2:{last}{max(2, ws.max_row)}"
    ws.row_dimensions[1].height = 30
    for j, c in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = max(11, min(34, len(_header(c)) // 2 + 4, max(len(c), 10) + 2))


def _figure_row(ws: Worksheet, label: str, value: Any, unit: str = "", fmt: str | None = None) -> None:
    put_row(ws, [label, _cell_value(tidy(value)), unit])
    cell = ws.cell(ws.max_row, 2)
    if fmt is not None and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        cell.number_format = cell_format(cell.value, fmt)


def put_overview(wb: OpenpyxlWorkbook, summary: Mapping[str, Any], matches: pd.DataFrame) -> None:
    """The first sheet: status, headline figures, gap, measures and themes."""
    from openpyxl.styles import Font

    ws = wb.active
    ws.title = "overview"
    put(ws, 1, 1, str(summary.get("scenario", "")))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    status = str(summary.get("status", ""))
    put(ws, 2, 1, "Status: " + STATUS_WORDS.get(status, status))
    if status == "time_limit":
        bound, objective = summary.get("best_bound"), summary.get("objective")
        if bound is not None and objective is not None:
            put(ws, 3, 1, f"At most {number(max(0.0, bound - objective), 'money')} EUR/yr more is possible (the bound); gap {percent(summary.get('mip_gap') or 0.0)}.")
        else:
            put(ws, 3, 1, "The bound is unknown: a better network may exist.")
        ws.cell(3, 1).font = Font(bold=True, color="B35900")
    ws.append([])
    put_row(ws, ["figure", "value", "unit"])
    _bold(ws, ws.max_row)
    money, co2 = BOOK_FORMATS["money"], BOOK_FORMATS["co2"]
    rows: list[tuple[str, Any, str, str | None]] = [
        ("status", status, "", None),
        ("net savings", summary.get("net_savings_eur_per_year"), "EUR/yr", money),
        ("CO2 avoided", summary.get("co2_avoided_t_per_year"), "t/yr", co2),
        ("objective (savings and the carbon value)", summary.get("objective"), "EUR/yr", money),
        ("carbon price", summary.get("carbon_price_eur_per_t"), "EUR/t", money),
        ("gap (how far from the best proven)", summary.get("mip_gap"), "", BOOK_FORMATS["gap"]),
        ("best bound", summary.get("best_bound"), "EUR/yr", money),
        ("exchanges", summary.get("n_exchanges"), "", BOOK_FORMATS["count"]),
        ("shared facilities", summary.get("n_pools"), "", BOOK_FORMATS["count"]),
        ("pool members", summary.get("n_pool_members"), "", BOOK_FORMATS["count"]),
        ("every company taking part at or above zero", "yes" if summary.get("individually_rational") else "no", "", None),
        ("lowest company's share", summary.get("min_participant_savings_eur_per_year"), "EUR/yr", money),
        ("pool allocation rule", summary.get("allocation"), "", None),
    ]
    for name, value in sorted((summary.get("measures") or {}).items()):
        c = measure_column(name) if name in MEASURES else column(name)
        rows.append((f"{MEASURES[name].label if name in MEASURES else name} ({name})", value, c.unit, BOOK_FORMATS.get(c.kind)))
    rows.append(("input hash", summary.get("input_hash"), "", None))
    for label, value, unit, fmt in rows:
        _figure_row(ws, label, value, unit, fmt)
    ws.append([])
    put_row(ws, ["Results by theme", "exchanges", "pool memberships", "savings (EUR/yr)", "CO2 avoided (t/yr)"])
    _bold(ws, ws.max_row)
    for t in theme_totals(matches, summary.get("resources") or {}, summary.get("measures") or None):
        put_row(ws, [t.theme.name, t.n_exchanges, t.n_memberships, t.savings_eur_per_year, t.co2_avoided_t_per_year])
        for col, fmt in ((4, money), (5, co2)):
            ws.cell(ws.max_row, col).number_format = cell_format(ws.cell(ws.max_row, col).value, fmt)
    ws.column_dimensions["A"].width = 46
    for letter in "BCDE":
        ws.column_dimensions[letter].width = 18


def put_readme(wb: OpenpyxlWorkbook, tables: Mapping[str, pd.DataFrame]) -> None:
    ws = wb.create_sheet("README")
    for line in (
        ["results.xlsx, written by symbiosis from the result's files (the CSV files beside it say the same)."],
        ["Each table sheet has two header rows: row 1 says the column with its unit, row 2 gives its id in the CSV file."],
        ["A program reads a sheet with row 2 as its header: pandas.read_excel(path, sheet_name='matches', header=1)."],
        ["Money is EUR per year, CO2 t per year; quantities are per year unless the resource is peak-priced (then the peak itself)."],
        [],
        ["sheet", "what it holds"],
    ):
        put_row(ws, line)
    _bold(ws, ws.max_row)
    for sheet in ("overview", *TABLE_SHEETS, "summary"):
        put_row(ws, [sheet, SHEET_HELP[sheet]])
    ws.append([])
    put_row(ws, ["sheet", "column id (row 2)", "column (row 1)", "unit", "kind"])
    _bold(ws, ws.max_row)
    for sheet, frame in tables.items():
        for c in frame.columns:
            col = column(str(c))
            put_row(ws, [sheet, str(c), col.label, col.unit.replace("{unit}", "the row's unit"), col.kind])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 34
    ws.column_dimensions["D"].width = 18


def results_workbook(
    summary: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    names: Mapping[str, str] | None = None,
    sectors: Mapping[str, str] | None = None,
    stream_companies: Mapping[str, str] | None = None,
) -> OpenpyxlWorkbook:
    """The workbook (see the module's docstring); ``names``: company and facility ids to names; ``sectors``:
    company ids to sectors; ``stream_companies``: stream ids to their company."""
    from openpyxl import Workbook

    wb = Workbook()
    named = {t: with_names(t, tables[t], names or {}, sectors or {}, stream_companies or {}) for t in TABLE_SHEETS if t in tables}
    put_overview(wb, summary, tables["matches"])
    put_readme(wb, named)
    for title, frame in named.items():
        put_table(wb, title, frame)
    ws = wb.create_sheet("summary")
    put_row(ws, ["key", "value"])
    _bold(ws, 1)
    for key, value in flatten(tidy(dict(summary))):
        put_row(ws, [key, _cell_value(value)])
    ws.freeze_panes = "A2"
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 30
    return wb


def write_results_workbook(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], path: Path, **names: Any) -> None:
    """Write ``results.xlsx`` (see ``results_workbook``)."""
    save_workbook(results_workbook(summary, tables, **names), path)
