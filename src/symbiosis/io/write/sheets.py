"""Company sheets: one printable page per company taking part, for the meeting with that company.

Facilitated programmes work company by company: each company gets its own proposal with
its partners, quantities, savings and a price range, and sees nothing of the others'
economics. ``symbiosis sheets RESULT --out DIR`` writes, from a result folder alone:

- ``sheet-<company>.html``, one page per company taking part: its exchanges (what it
  supplies or receives, from or to whom, how much, its share of the savings, CO2 and every
  other measure in the result), each exchange's price band with the even split marked
  (contract section 4), its pool memberships with its share and the allocation rule in
  one sentence, and its totals;
- ``sheets.html``, every sheet in one file that prints one company per page, after an
  index (shown on screen only).

A sheet of a result that is no proven optimum (stopped by the time limit) carries a banner
saying so, with the gap, and on a company's sheet that shows a loss, the loss; the command
prints the same (``warnings_of``).

A sheet names a partner only where the partner allows it: a company with ``disclose`` =
``no`` (``companies.csv``, read from the result's ``scenario.json``; default ``yes``)
appears as "a company in sector X, N km away", without its name, id or stream ids. A
sheet never shows another company's savings, costs, other matches or totals; the other
members of a pool are counted, not named. Results written with ``--anonymise`` work the
same (their names are pseudonyms).

The folder is written through the one folder writer (``folders.write_whole_folder``)
with its own kind, ``sheets``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from symbiosis.economics import even_split_price
from symbiosis.io.read.results import ResultFiles, read_result
from symbiosis.io.write.columns import column
from symbiosis.io.write.files import write_bytes_atomic
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.io.write.page import DASH, Col, Section, banner, cards, esc, number, page, percent, table, with_unit
from symbiosis.measures import others

ALL_SHEETS = "sheets.html"
RULES = {
    "proportional": (
        "The pool's surplus (what its members save together, less the facility's yearly cost) is shared in proportion "
        "to what each member pays today for what the pool provides (its price times its quantity)."
    ),
    "shapley": (
        "The pool's surplus (what its members save together, less the facility's yearly cost) is shared by the Shapley "
        "value: each member gets what it adds on average over every order in which the members could have joined."
    ),
}


@dataclass(frozen=True)
class Partner:
    """How a sheet names a company: by name (with its id), or by sector and distance when it does not disclose."""

    company: str
    name: str
    sector: str
    disclose: bool

    def shown(self, distance_km: float) -> str:
        if self.disclose:
            return self.name if self.name in ("", self.company) else f"{self.name} ({self.company})"
        sector = self.sector or "an undisclosed sector"
        return f"a company in sector {sector}, {number(distance_km, 'km' if distance_km < 10 else 'quantity')} km away"


def partners(res: ResultFiles) -> dict[str, Partner]:
    """Every company of the result as a sheet may show it (``scenario.json`` companies; disclose defaults to yes)."""
    out = {}
    for c in res.scenario.get("tables", {}).get("companies", []):
        cid = str(c.get("id"))
        out[cid] = Partner(cid, str(c.get("name") or cid), str(c.get("sector") or ""), str(c.get("disclose") or "yes").lower() != "no")
    for r in res.companies.to_dict(orient="records"):  # a result without scenario.json rows still names its companies
        cid = str(r["company"])
        out.setdefault(cid, Partner(cid, str(r.get("name") or cid), "", True))
    return out


def file_names(companies: list[str]) -> dict[str, str]:
    """A file name per company id: ``sheet-<id>.html`` with anything but letters, digits, ``-`` and ``_`` replaced; unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for cid in companies:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", cid).strip("_")[:60] or "company"
        name, k = f"sheet-{stem}.html", 2
        while name.lower() in used:
            name, k = f"sheet-{stem}-{k}.html", k + 1
        used.add(name.lower())
        names[cid] = name
    return names


def staged(frame: pd.DataFrame) -> bool:
    """True when some row's stage is beyond proposed (a sheet shows stages only then)."""
    return "stage" in frame and bool((~frame["stage"].isin(["", "proposed"])).any())


def _unit(res: ResultFiles, resource: str, unit: str) -> str:
    return unit if res.pricing(resource) == "peak" else f"{unit}/yr"


def band_picture(floor: float, ceiling: float, role: str) -> str:
    """The band as a small picture: floor to ceiling, the even split marked in its middle, and 0 where it lies inside."""
    width, left, right = 150, 6, 144  # 34 px high: the figures stand in the text above it
    span = ceiling - floor
    mid = even_split_price((floor, ceiling))

    def x(v: float) -> float:
        return left + (right - left) * ((v - floor) / span if span > 0 else 0.5)

    zero = ""
    if span > 0 and floor < 0 < ceiling:
        zero = f'<line x1="{x(0):.1f}" y1="9" x2="{x(0):.1f}" y2="25" stroke="#888" stroke-dasharray="2 2"/><text x="{x(0):.1f}" y="8" font-size="8" text-anchor="middle" fill="#666">0</text>'
    who = "even split, paid to you" if role == "supply" else "even split, you pay"
    return (
        f'<svg class="band-picture" width="{width}" height="36" viewBox="0 0 {width} 40" role="img" aria-label="price band">'
        f'<rect x="{left}" y="12" width="{right - left}" height="10" fill="#dfe8f3" stroke="#7d95b5"/>'
        f"{zero}"
        f'<line x1="{x(mid):.1f}" y1="5" x2="{x(mid):.1f}" y2="29" stroke="#1d2330" stroke-width="3"/>'
        f'<text x="{x(mid):.1f}" y="38" font-size="9" text-anchor="middle" fill="#1d2330">{who}</text>'
        "</svg>"
    )


def band_cell(floor: float, split: float, ceiling: float, unit: str, role: str) -> str:
    """A table cell's HTML: the band in figures (escaped), and its picture."""
    text = f"{number(floor, 'price')} to {number(ceiling, 'price')} EUR/{unit}; even split {number(split, 'price')}"
    return f'<span class="band-text">{esc(text)}</span>{band_picture(floor, ceiling, role)}'


def no_band(res: ResultFiles, match: Mapping[str, Any], role: str, partner: str) -> dict[str, str]:
    """An exchange without a price band, in words: the band cell (a dash and why) and the note under the table.

    An exchange into a peak demand that alone cuts none of its peak (its supply has nothing spare in a slot
    where the demand peaks: r_a = 0) is credited no share by the allocation rule (contract section 4,
    "Savings per match"): quantity 0, and no band, which is per unit of the quantity. It may still be needed
    with the other supplies into that demand; its flows (flows.csv) show what it carries.
    """
    f = res.flows
    mine = f[(f["supply_stream"] == match["supply_stream"]) & (f["demand_stream"] == match["demand_stream"])] if len(f) else f
    moved = mine["quantity"].astype(float) if len(mine) else pd.Series(dtype=float)
    moved = moved[moved > 1e-9]
    unit, resource = str(match["unit"]), str(match["resource"])
    carries = (
        f"it carries up to {number(moved.max(), 'quantity')} {unit} in {len(moved):,} slot{'s' if len(moved) != 1 else ''} (flows.csv)"
        if len(moved) else "it carries nothing in this result (flows.csv)"
    )
    which = f"{resource} {'to' if role == 'supply' else 'from'} {partner}"
    if res.pricing(resource) == "peak" and not float(match["quantity"]) > 0:
        whose, spare = ("the receiver's", f"your spare {resource} is nil") if role == "supply" else ("your", f"the supplier has no spare {resource}")
        credited = "no quantity, savings or CO2" if abs(float(match["savings_eur_per_year"])) < 0.005 else "no part of the peak cut (quantity 0)"
        why = (
            f"{which}: on its own it cuts none of {whose} peak need, since {spare} in a slot where that need peaks. The exchanges into "
            "one peak need share its savings in proportion to what each alone would cut (the allocation rule), so this one is credited "
            f"no share: {credited}, and no price band, which is per unit of the quantity. It may still be needed together with the other "
            f"supplies into that need: {carries}."
        )
        cell = f"{DASH} no share: alone it cuts none of the peak (see below)"
    else:
        why = f"{which}: it is credited no quantity, so it has no price per unit; {carries}."
        cell = f"{DASH} no quantity (see below)"
    return {"band": f'<span class="band-none">{esc(cell)}</span>', "why": why}


BAND_TEXT = (
    "The price band of an exchange: at any price in it, per unit of the quantity, paid by the receiver to the supplier, "
    "both companies are at least as well off as today. Its floor is what the supplier pays today to get rid of a unit "
    "(a price below 0: the supplier pays the receiver to take it); its ceiling is what a unit is worth to the receiver, "
    "less the exchange's own transport and fixed costs. The even split, in the middle, gives each side half of the "
    "savings: the figures on this sheet. A carbon price is no cash: it is not in the band."
)


def company_matches(res: ResultFiles, company: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's exchanges (either side) and pool memberships."""
    m = res.matches
    if not len(m):
        return m, m
    exchanges = m[(m["kind"] == "exchange") & ((m["source"] == company) | (m["target"] == company))]
    pools = m[(m["kind"] == "pool") & (m["target"] == company)]
    return exchanges, pools


def _measure_columns(res: ResultFiles) -> list[tuple[str, str, str, str]]:
    """The measures beyond savings and CO2 (contract section 4d) that the result has: (column, label, unit, kind), from the registry."""
    mine = res.matches
    return [(m.column, m.label, m.unit, column(m.column).kind) for m in others() if m.column in mine.columns and bool((mine[m.column].fillna(0.0).abs() > 1e-9).any())]


def sheet_body(res: ResultFiles, company: str, who: Mapping[str, Partner]) -> tuple[str, list[Section], str]:
    """(title, sections, HTML above them) of one company's sheet."""
    me = who[company]
    exchanges, pools = company_matches(res, company)
    measures = _measure_columns(res)
    rows: list[dict[str, Any]] = []
    for k, r in enumerate(exchanges.to_dict(orient="records"), start=1):
        role = "supply" if r["source"] == company else "demand"
        other = str(r["target"] if role == "supply" else r["source"])
        partner = who.get(other, Partner(other, other, "", True)).shown(float(r["distance_km"]))
        unit = str(r["unit"])
        row = {
            "n": k,
            "role": "supply" if role == "supply" else "receive",
            "partner": partner,
            "resource": r["resource"],
            "quantity": float(r["quantity"]),
            "q_unit": _unit(res, str(r["resource"]), unit),
            "distance_km": float(r["distance_km"]),
            "stage": str(r.get("stage") or "proposed"),
            "share": float(r["savings_eur_per_year"]) / 2,
            "co2": float(r["co2_avoided_t_per_year"]) / 2,
            "your_stream": r["supply_stream"] if role == "supply" else r["demand_stream"],
        }
        for col, *_ in measures:
            row[col] = float(r[col]) / 2 if r.get(col) == r.get(col) else None
        floor, ceiling = r.get("price_floor_eur_per_unit"), r.get("price_ceiling_eur_per_unit")
        if floor is not None and floor == floor and ceiling == ceiling:
            split = even_split_price((float(floor), float(ceiling)))
            row |= {"floor": float(floor), "split": split, "ceiling": float(ceiling), "band": band_cell(float(floor), split, float(ceiling), unit, role)}
        else:
            row |= no_band(res, r, role, partner)
        rows.append(row)
    pool_rows = []
    built = {str(f["facility"]): f for f in res.facilities.to_dict(orient="records")}
    for r in pools.to_dict(orient="records"):
        fac = built.get(str(r["source"]), {})
        members = int(fac.get("n_members", 0) or 0)
        row = {
            "facility": str(fac.get("name") or r["source"]),
            "resource": r["resource"],
            "quantity": float(r["quantity"]),
            "q_unit": _unit(res, str(r["resource"]), str(r["unit"])),
            "distance_km": float(r["distance_km"]),
            "share": float(r["savings_eur_per_year"]),
            "co2": float(r["co2_avoided_t_per_year"]),
            "others": max(members - 1, 0),
            "your_stream": r["demand_stream"],
            "stage": str(r.get("stage") or "proposed"),
        }
        for col, *_ in measures:
            row[col] = float(r[col]) if r.get(col) == r.get(col) else None
        pool_rows.append(row)
    mine = res.companies[res.companies["company"] == company]
    total = mine.iloc[0].to_dict() if len(mine) else {}
    items = [
        ("sheet-savings", with_unit(total.get("savings_eur_per_year"), "EUR/yr", "money"), "your share of the savings a year"),
        ("sheet-co2", with_unit(total.get("co2_avoided_t_per_year"), "t/yr", "co2"), "CO2 avoided, your share"),
    ]
    for col, label, unit, kind in measures:
        if col in total:
            items.append((f"sheet-{col}", with_unit(total[col], unit, kind), f"{label}, your share"))
    items += [("sheet-exchanges", f"{len(rows):,}", "exchanges"), ("sheet-pools", f"{len(pool_rows):,}", "shared facilities joined")]
    if "standalone_cost_eur_per_year" in total:
        items.append(("sheet-cost", with_unit(total.get("cost_with_symbiosis_eur_per_year"), "EUR/yr", "money"),
                      f"what these streams cost you with symbiosis (today {number(total['standalone_cost_eur_per_year'], 'money')})"))
    before = proof_banner(res, company) + cards(items, "sheet-headline")
    sections = []
    if rows:
        frame = pd.DataFrame(rows)
        cols = [Col("n", "No.", "count"), Col("role", "You"), Col("partner", "Partner", "text"), Col("resource"), Col("quantity", unit_from="q_unit"),
                Col("distance_km"), Col("share", "Your share of the savings (EUR/yr)", "money"), Col("co2", "Your share of the CO2 avoided (t/yr)", "co2")]
        cols += [Col(col, f"{label[:1].upper()}{label[1:]}, yours ({unit})", kind) for col, label, unit, kind in measures]
        if "band" in frame.columns:
            cols.append(Col("band", "Price band (EUR per unit of the quantity)", raw=True))
        cols.append(Col("your_stream", "Your stream", "id", css="code"))
        if staged(frame):  # the stage of each exchange (contract section 4g), where the programme has one
            cols.append(Col("stage"))
        caption = "Each exchange's savings are split evenly between its two companies (so are its CO2 and its other measures); largest share first."
        frame = frame.sort_values(["share", "n"], ascending=[False, True], kind="stable").assign(n=range(1, len(frame) + 1))
        body = table(frame, "sheet-exchanges-table", caption, cols, fold=0, sortable=False) + f'<p class="note" id="band-explained">{esc(BAND_TEXT)}</p>'
        if "why" in frame.columns:
            whys = [f"Exchange {n}, {why}" for n, why in zip(frame["n"], frame["why"]) if isinstance(why, str)]
            body += '<div class="note" id="no-share">' + "".join(f"<p>{esc(w)}</p>" for w in whys) + "</div>"
        sections.append(Section("exchanges", "Your exchanges", body))
    if pool_rows:
        frame = pd.DataFrame(pool_rows)
        cols = [Col("facility", "Shared facility", "text"), Col("resource"), Col("quantity", unit_from="q_unit"), Col("distance_km"),
                Col("share", "Your share of the pool's savings (EUR/yr)", "money"), Col("co2", "Your CO2 avoided (t/yr)", "co2")]
        cols += [Col(col, f"Your {label} ({unit})", kind) for col, label, unit, kind in measures]
        cols += [Col("others", "Other members", "count"), Col("your_stream", "Your stream", "id", css="code"), *([Col("stage")] if staged(frame) else [])]
        rule = RULES.get(res.summary.allocation, f"The pool's surplus is shared by the {res.summary.allocation} rule.")
        body = table(frame, "sheet-pools-table", "Pools you would join", cols, fold=0, sortable=False) + f'<p id="allocation-rule">{esc(rule)}</p>'
        sections.append(Section("pools", "Shared facilities you would join", body))
    if not rows and not pool_rows:
        sections.append(Section("none", "No proposal", "<p>This result proposes no exchange and no shared facility for this company.</p>"))
    return me.name, sections, before


def not_proven(res: ResultFiles) -> str | None:
    """Why a result is no proven optimum, in words with its gap ('the solver stopped on its time limit, gap 8.0 %');
    None for a proven optimum."""
    s = res.summary
    if s.status.value == "optimal":
        return None
    if s.status.value == "time_limit":
        return "the solver stopped on its time limit, " + (f"gap {percent(s.mip_gap)}" if s.mip_gap is not None else "its bound unknown")
    return "a baseline's network, not optimised" if s.status.value == "heuristic" else f"status {s.status.value}"


def losses(res: ResultFiles) -> list[tuple[str, str, float]]:
    """The companies taking part whose sheet shows a loss (its share below zero, as shown): (id, name, savings)."""
    part = res.participants
    return [
        (str(r["company"]), str(r.get("name") or r["company"]), float(r["savings_eur_per_year"]))
        for r in part.to_dict(orient="records")
        if number(r["savings_eur_per_year"], "money").startswith("-")
    ]


def warnings_of(res: ResultFiles) -> list[str]:
    """What the command says about sheets it wrote: a result not proven (status, gap), and each company whose sheet shows a loss."""
    said = []
    note = not_proven(res)
    if note is not None:
        said.append(f"the result is not proven the best (status {res.summary.status.value}: {note}); every sheet says so in a banner")
    lost = losses(res)
    if lost:
        named = "; ".join(f"{name if name == cid else f'{name} ({cid})'}: {number(v, 'money')} EUR/yr" for cid, name, v in lost)
        who = "1 company's sheet shows" if len(lost) == 1 else f"{len(lost):,} companies' sheets show"
        said.append(f"{who} a loss: {named}")
    return said


def proof_banner(res: ResultFiles, company: str) -> str:
    """On every sheet of a result that is no proven optimum: what that means for the company, and its loss where it has one."""
    note = not_proven(res)
    if note is None:
        return ""
    lines = [
        "The figures on this sheet hold for this proposal, but the park may have a better network, in which your exchanges and your share "
        "could differ. A longer solve can settle it; ask for one before you decide."
    ]
    mine = {cid: v for cid, _, v in losses(res)}
    if company in mine:
        lines.append(
            f"In this proposal your share is below zero ({number(mine[company], 'money')} EUR/yr): your streams would cost you more than today. "
            "The network proven best for the park's savings keeps every company at or above zero, unless the study's own rules require an exchange."
        )
    return banner(f"This proposal is not proven the best ({note})", lines, element_id="not-proven", bad=company in mine)


def provenance(res: ResultFiles) -> str:
    """Where a sheet's figures come from, in one line under its title."""
    s = res.summary
    status = "a proven optimum" if s.status.value == "optimal" else f"stopped by the time limit (gap {number(s.mip_gap, 'gap') if s.mip_gap is not None else DASH}), not proven the best"
    return (
        f"Proposal from the park's symbiosis study: {s.scenario} ({status}; input hash {s.input_hash}). Savings: what the companies pay less "
        "than today, per year, for the streams in the study; this sheet shows your share only. Partners who asked not to be named are "
        "shown by sector and distance."
    )


def company_sheet(res: ResultFiles, company: str, who: Mapping[str, Partner] | None = None) -> str:
    """One company's sheet as a page of its own."""
    who = who if who is not None else partners(res)
    title, sections, before = sheet_body(res, company, who)
    return page(title, "Company sheet", sections, subtitle=provenance(res), before=before, toc=False, landscape=True)


def all_sheets(res: ResultFiles, companies: list[str], files: Mapping[str, str], who: Mapping[str, Partner], others: list[str]) -> str:
    """Every company's sheet in one file: an index on screen, then one sheet per printed page."""
    articles = []
    for cid in companies:
        title, sections, before = sheet_body(res, cid, who)
        inner = "".join(
            f'<section id="{esc(files[cid])}-{esc(s.id)}"><h2>{esc(s.title)}</h2>{_unique_ids(s.body, files[cid])}</section>' for s in sections
        )
        articles.append(
            f'<article class="sheet" id="{esc(files[cid])}"><header class="page-head"><p class="kind">Company sheet</p><h1>{esc(title)}</h1>'
            f'<p class="meta">{esc(provenance(res))}</p></header>'
            f"{_unique_ids(before, files[cid])}{inner}</article>"
        )
    index = "".join(f'<li><a href="#{esc(files[c])}">{esc(who[c].name)}</a> (<a href="{esc(files[c])}">its own page</a>)</li>' for c in companies)
    rest = f'<p class="note">{len(others):,} companies take no part in this result and have no sheet.</p>' if others else ""
    body = f'<ol>{index}</ol>{rest}<p class="note">Printed, this file gives one company per page.</p>'
    return page(
        res.summary.scenario,
        "Company sheets",
        [Section("index", "Companies", body, toc=False)],
        subtitle=f"{len(companies):,} companies taking part, one sheet each",
        toc=False,
        after="\n".join(articles),
        print_header=False,
        landscape=True,
    )


def _unique_ids(html: str, prefix: str) -> str:
    """Element ids made unique per sheet when several sheets share one file."""
    return re.sub(r'\bid="([^"]*)"', lambda m: f'id="{prefix}-{m.group(1)}"', html)


def sheets(res: ResultFiles) -> dict[str, str]:
    """Every file of a sheets folder, by name: one page per company taking part, and ``sheets.html``."""
    who = partners(res)
    part = res.participants
    companies = sorted(str(c) for c in part["company"])
    others = sorted(set(map(str, res.companies["company"])) - set(companies))
    files = file_names(companies)
    out = {files[c]: company_sheet(res, c, who) for c in companies}
    out[ALL_SHEETS] = all_sheets(res, companies, files, who, others)
    return out


def write_sheets(result_dir: str | Path, out_dir: str | Path, inputs: tuple[Path, ...] = ()) -> Path:
    """Write the company sheets of a result folder into ``out_dir`` (kind ``sheets``), whole or not at all."""
    res = read_result(result_dir)
    pages = sheets(res)

    def fill(folder: Path) -> None:
        for name, text in pages.items():
            write_bytes_atomic(folder / name, text.encode("utf-8"))

    return write_whole_folder(Path(out_dir), "sheets", fill, inputs)
