"""Writing a comparison folder (``symbiosis compare BASE OTHER --out DIR``), whole or not at all.

``inputs.csv`` (table, row, change, field, base, other), ``matches.csv`` (the matches
lost, gained and changed, with base, other and change of every number column),
``companies.csv`` and ``totals.csv``, every row of each: a diff too long for a
terminal stays readable in a spreadsheet. ``report.html`` shows the same in the one
page system: the totals first, then the input differences, then the matches and the
companies, largest change first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.io.write.columns import column
from symbiosis.io.write.files import write_bytes_atomic, write_csv
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.page import DASH, Col, Section, cards, number, page, signed, with_unit
from symbiosis.io.write.page import table as html_table
from symbiosis.measures import MEASURES

COMPARISON_TABLES = ("inputs", "matches", "companies", "totals")


def shown_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """``totals.csv`` as people read it, for the page and the terminal alike: each total by its label and unit
    (``columns``; a measure's from its registry), its figures by their kind (a gap as a percentage), the change
    signed. A measure that is a headline total already (savings_eur is net savings, co2_t CO2 avoided) is shown once."""
    keys = {str(k) for k in totals["total"]}
    rows = []
    for r in totals.to_dict(orient="records"):
        key = str(r["total"])
        name = key.removeprefix("measures.")
        if key.startswith("measures.") and name in MEASURES and MEASURES[name].summary_key in keys:
            continue
        col = column(key)
        figures = [r[c] if col.kind in ("text", "id") or isinstance(r[c], str) else number(r[c], col.kind, DASH) for c in ("base", "other")]
        change = "" if col.kind in ("text", "id") else signed(r["change"], col.kind)
        rows.append({"total": col.header(), "base": str(figures[0]), "other": str(figures[1]), "change": change})
    return pd.DataFrame(rows, columns=["total", "base", "other", "change"])


def comparison_page(tables: Mapping[str, pd.DataFrame], titles: tuple[str, str] = ("base", "other"), names: Mapping[str, str] | None = None, subtitle: str = "") -> str:
    """The comparison's page: totals, input differences, matches lost, gained and changed, companies (every row)."""
    names = names or {}
    totals = tables["totals"]
    rows = shown_totals(totals).to_dict(orient="records")
    head = {str(r["total"]): r for r in totals.to_dict(orient="records")}
    items = []
    for key, label, unit, kind in (("net_savings_eur_per_year", "net savings", "EUR/yr", "money"), ("co2_avoided_t_per_year", "CO2 avoided", "t/yr", "co2")):
        if key in head:
            items.append((f"change-{key}", with_unit(_float(head[key]["change"]), unit, kind), f"change in {label} ({number(_float(head[key]['base']), kind)} to {number(_float(head[key]['other']), kind)})"))
    m = tables["matches"]
    for what in ("lost", "gained", "changed"):
        items.append((f"matches-{what}", f"{int((m['change'] == what).sum()):,}" if len(m) else "0", f"matches {what}"))
    total_cols = [Col("total", "Total"), *(Col(k, head, "text", css="num") for k, head in (("base", titles[0]), ("other", titles[1]), ("change", "Change")))]  # figures as text, aligned as figures
    inputs = tables["inputs"]
    input_cols = [Col(c, c.capitalize(), "text") for c in inputs.columns]
    m = m.assign(source_name=[names.get(str(x), "") for x in m["source"]], target_name=[names.get(str(x), "") for x in m["target"]]) if len(m) else m
    money_first = ("base_savings_eur_per_year", "other_savings_eur_per_year", "change_savings_eur_per_year", "change_co2_avoided_t_per_year", "change_quantity")
    match_cols: list[Col | str] = [Col("change", "Change"), Col("kind"), Col("source", name_of="source_name"), Col("target", name_of="target_name"), Col("resource"),
                                   *(c for c in money_first if c in m.columns), Col("supply_stream", css="code"), Col("demand_stream", css="code")]
    companies = tables["companies"]
    company_shown = ("base_savings_eur_per_year", "other_savings_eur_per_year", "change_eur_per_year", "change_co2_avoided_t_per_year", "change_n_exchanges", "change_n_pools")
    company_cols: list[Col | str] = [Col("company", name_of="name"), *(c for c in company_shown if c in companies.columns)]
    sections = [
        Section("totals", "Totals", html_table(pd.DataFrame(rows), "totals-table", f"{titles[0]} against {titles[1]}", total_cols, fold=0, sortable=False)),
        Section("inputs-section", "What changed in the inputs", html_table(inputs, "inputs-table", f"{len(inputs):,} differences in the scenario's tables and settings", input_cols)
                if len(inputs) else '<p class="note" id="no-input-change">The two results were solved from the same inputs.</p>'),
        Section("matches-section", "Matches lost, gained and changed",
                html_table(m, "matches-table", f"{len(m):,} matches, largest change in EUR first (every column of both: matches.csv)", match_cols), newpage=True, wide=True),
        Section("companies-section", "Companies",
                html_table(companies, "companies-table", f"{len(companies):,} companies, largest change first (every column: companies.csv)", company_cols), newpage=True),
    ]
    return page(f"{titles[0]} against {titles[1]}", "Comparison of two results", sections, subtitle=subtitle, before=cards(items))


def _float(x: Any) -> float | None:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def write_comparison(
    tables: Mapping[str, pd.DataFrame],
    out_dir: Path,
    inputs: Sequence[Path] = (),
    titles: tuple[str, str] = ("base", "other"),
    names: Mapping[str, str] | None = None,
    subtitle: str = "",
) -> Path:
    """Write the comparison's tables and its page into ``out_dir`` (``folders.write_whole_folder``: whole or not at all, replacing only an earlier comparison); return it."""

    def fill(folder: Path) -> None:
        for name in COMPARISON_TABLES:
            write_csv(tables[name], folder / f"{name}.csv")
        write_bytes_atomic(folder / "report.html", comparison_page(tables, titles, names, subtitle).encode("utf-8"))

    return write_whole_folder(out_dir, "comparison", fill, inputs)
