"""Company sheets (``symbiosis sheets RESULT --out DIR``): one page per company taking part, its own figures only.

A sheet shows a company its exchanges, partners, quantities, its share of the savings and CO2,
each exchange's price band with the even split, and its pools with its share and the rule; it
shows nothing of another company's economics, and names no partner that does not disclose
(``companies.csv`` ``disclose = no``): such a partner is "a company in sector X, N km away".
(Printing, one company per page, is in ``test_pages.py``.)
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE, CASES, ROOT, write_scenario
from symbiosis.cli import app
from symbiosis.io.read.results import read_result
from symbiosis.io.write.marker import read_marker
from test_report import Page, table_headers

runner = CliRunner()


def text_of(page: Path) -> str:
    """What a reader sees on a page: its text without tags and scripts."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def money(x: float) -> str:
    return f"{x:,.0f}".replace("-0", "0") if abs(x) < 0.5 else f"{x:,.0f}"


def sheets_of(result: Path, out: Path) -> Path:
    done = runner.invoke(app, ["sheets", str(result), "--out", str(out)])
    assert done.exit_code == 0, done.output
    return out


def sheet_file(folder: Path, company: str) -> Path:
    return folder / f"sheet-{re.sub(r'[^A-Za-z0-9_-]+', '_', company).strip('_')}.html"


def test_sheet_shows_its_company_and_nothing_of_the_others(haasrode_out: Path, tmp_path: Path) -> None:
    """Haasrode: one sheet per company taking part (and sheets.html), in a folder of kind 'sheets'. Every money
    figure on a company's sheet is its own (its share of each of its matches, its totals); no other company's
    total savings appears (unless it equals one of the company's own figures), and no company it does not
    deal with is named."""
    out = sheets_of(haasrode_out, tmp_path / "sheets")
    res = read_result(haasrode_out)
    part = res.participants
    assert {p.name for p in out.iterdir()} == {sheet_file(out, c).name for c in part["company"]} | {"sheets.html", ".symbiosis-result.json"}
    marker = (out / ".symbiosis-result.json").read_text(encoding="utf-8")
    assert '"kind": "sheets"' in marker and set(read_marker(out) or {}) == {p.name for p in out.iterdir()} - {".symbiosis-result.json"}
    m = res.matches
    totals = dict(zip(res.companies["company"], res.companies["savings_eur_per_year"]))
    names = dict(zip(res.companies["company"], res.companies["name"]))
    checked = 0
    for company in part["company"]:
        text = text_of(sheet_file(out, company))
        mine = m[(m["target"] == company) | ((m["kind"] == "exchange") & (m["source"] == company))]
        shares = [s / 2 if k == "exchange" else s for k, s in zip(mine["kind"], mine["savings_eur_per_year"])]
        own = {money(x) for x in [*shares, totals[company]]}
        page = sheet_file(out, company).read_text(encoding="utf-8")
        if (mine["kind"] == "exchange").any():
            heads = table_headers(page, "sheet-exchanges-table")
            column = heads.index("Your share of the savings (EUR/yr)")
            shown = [row[column] for row in Page(page).tables["sheet-exchanges-table"]]
            assert sorted(shown) == sorted(money(s / 2) for k, s in zip(mine["kind"], mine["savings_eur_per_year"]) if k == "exchange")
        partners = set(mine["source"]) | set(mine["target"])
        for other, total in totals.items():
            if other == company:
                continue
            if money(total) not in own and abs(total) >= 1000:
                assert not re.search(rf"(?<![\d,.]){re.escape(money(total))}(?![\d,])", text), (company, other, money(total))
                checked += 1
            if other not in partners:
                assert not re.search(rf"\b{re.escape(other)}\b", text) and names[other] not in text, (company, other)
        assert money(totals[company]) in text and names[company] in text
    assert checked > 1000  # the search ran for most pairs of companies


def test_a_partner_that_does_not_disclose_is_shown_by_sector_and_distance(tmp_path: Path) -> None:
    """The tiny scenario with B (Beta, plant) at disclose = no: A's sheet says 'a company in sector plant, 0.72 km
    away' (d = 0.722768 km, conftest) and holds neither Beta, B nor B's stream cb_b; Gamma, which discloses, is
    named; B's own sheet names B. The price band of A's cardboard exchange is there with its even split:
    [-30, 20 - 0.15 x 0.722768 - 100/40] = [-30.00, 17.39], middle -6.30 (hand-computed, test_api)."""
    files = dict(BASE)
    files["companies.csv"] = "id,name,sector,lat,lon,disclose\nA,Alpha,office,50.850,4.700,yes\nB,Beta,plant,50.855,4.700,no\nC,Gamma,hall,50.850,4.706,\n"
    scenario = write_scenario(tmp_path / "tiny", files)
    solved = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "out")])
    assert solved.exit_code == 0, solved.output
    out = sheets_of(tmp_path / "out", tmp_path / "sheets")
    a = text_of(out / "sheet-A.html")
    assert "a company in sector plant, 0.72 km away" in a
    assert not re.search(r"\bBeta\b|\bB\b|cb_b", a), a
    assert "Gamma (C)" in a
    assert "-30.00 to 17.39 EUR/t; even split -6.30" in a
    b = text_of(out / "sheet-B.html")
    assert "Beta" in b and "Alpha (A)" in b  # B sees its partner A, who discloses
    both = text_of(out / "sheets.html")
    assert both.count("a company in sector plant, 0.72 km away") == 1  # on A's sheet only


def test_sheets_of_an_anonymised_result_and_of_a_pool(tmp_path: Path) -> None:
    """An --anonymise result gives sheets of pseudonyms only; a pool member's sheet gives its share, counts the
    other members without naming them, and says the allocation rule in one sentence."""
    scenario = write_scenario(tmp_path / "tiny", BASE)
    solved = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "anon"), "--anonymise"])
    assert solved.exit_code == 0, solved.output
    out = sheets_of(tmp_path / "anon", tmp_path / "anon_sheets")
    pages = [text_of(p) for p in out.glob("*.html")]
    assert len(pages) == 4  # three companies taking part and sheets.html
    for text in pages:
        assert not re.search(r"\b(Alpha|Beta|Gamma|cb_a|cb_b|pk_a|pk_c)\b", text), text[:500]
    pool = read_result(solve_case(tmp_path, "pool_parking"))
    out = sheets_of(pool.folder, tmp_path / "pool_sheets")
    members = pool.matches[pool.matches["kind"] == "pool"]
    for r in members.to_dict(orient="records"):
        text = text_of(sheet_file(out, r["target"]))
        assert "in proportion to what each member pays today" in text
        assert money(r["savings_eur_per_year"]) in text
        others = set(members["target"]) - {r["target"]}
        assert all(not re.search(rf"\b{re.escape(o)}\b", text) for o in others)
        fac = pool.facilities.iloc[0]
        assert re.search(rf"\b{int(fac['n_members']) - 1}\b", text)


def solve_case(tmp_path: Path, name: str) -> Path:
    done = runner.invoke(app, ["solve", str(CASES / name), "--out", str(tmp_path / name)])
    assert done.exit_code == 0, done.output
    return tmp_path / name


def test_sheets_refuse_a_folder_that_is_not_theirs(tmp_path: Path) -> None:
    """--out never replaces a result (or anything symbiosis did not write as sheets): exit 2, nothing touched."""
    result = solve_case(tmp_path, "price_band")
    before = sorted(p.name for p in result.iterdir())
    done = runner.invoke(app, ["sheets", str(result), "--out", str(result)])
    assert done.exit_code == 2 and sorted(p.name for p in result.iterdir()) == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    done = runner.invoke(app, ["sheets", str(result), "--out", str(mine)])
    assert done.exit_code == 2 and (mine / "notes.txt").read_text(encoding="utf-8") == "mine"
    sheets_of(result, tmp_path / "s")
    sheets_of(result, tmp_path / "s")  # its own kind: replaced
    bad = runner.invoke(app, ["sheets", str(tmp_path / "nothing"), "--out", str(tmp_path / "t")])
    assert bad.exit_code == 2 and "summary.json" in bad.output


@pytest.mark.parametrize("company", ["brewery", "farm"])
def test_price_band_on_the_sheets_of_the_hand_case(tmp_path: Path, company: str) -> None:
    """tests/cases/price_band/README.md: the road exchange's band is -15.00 to 22.28 EUR/t, even split 3.64, on both
    companies' sheets; each sees its half of the savings, 14,913.27 / 2 = 7,457."""
    out = sheets_of(solve_case(tmp_path, "price_band"), tmp_path / "sheets")
    text = text_of(out / f"sheet-{company}.html")
    assert "-15.00 to 22.28 EUR/t; even split 3.64" in text
    assert "7,457" in text and "14,913" not in text


def test_no_page_runs_input_text(tmp_path: Path) -> None:
    """Names and sectors written as markup reach every page (report, sheets, the front, the alternatives) as text:
    escaped in the HTML, and inside the map's JSON with '<' escaped, so that no input can open an element or end a script."""
    hostile = {"A": "<img src=x onerror=alert(1)>", "B": "</script><script>alert(2)</script>", "C": "Gamma\u2028\"'&"}
    files = dict(BASE)
    files["companies.csv"] = (
        "id,name,sector,lat,lon\n"
        f"A,\"{hostile['A']}\",<b>office</b>,50.850,4.700\nB,\"{hostile['B']}\",plant,50.855,4.700\nC,\"{hostile['C'].replace(chr(34), chr(34) * 2)}\",hall,50.850,4.706\n"
    )
    scenario = write_scenario(tmp_path / "tiny", files)
    for args in (["solve", str(scenario), "--out", str(tmp_path / "out"), "--report"], ["pareto", str(scenario), "--out", str(tmp_path / "front"), "--points", "2"],
                 ["alternatives", str(scenario), "--out", str(tmp_path / "alts"), "--k", "1"]):
        done = runner.invoke(app, [*args, "-q"])
        assert done.exit_code == 0, (args, done.output)
    sheets_of(tmp_path / "out", tmp_path / "sheets")
    pages = [p for p in tmp_path.rglob("*.html")]
    assert len(pages) >= 7
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        assert "<img src=x" not in raw and "<script>alert" not in raw and "<b>office" not in raw, page
        assert "\u2028" not in "".join(re.findall(r"<script\b[^>]*>(.*?)</script>", raw, flags=re.S)), page
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.escape(hostile["A"]) in report and "\\u003cimg src=x" in report  # in a table cell, and in the map's data
    sheet = text_of(tmp_path / "sheets" / "sheet-A.html")
    assert hostile["A"] in sheet and hostile["B"] in sheet  # shown as the text it is


def test_an_exchange_credited_no_share_says_why(tmp_path: Path) -> None:
    """tests/test_page_figures.py's scenario, by hand: lot B's spare spaces (none by day, 90 at night) into the hall's
    need (100 by day, 90 at night) cut none of its peak alone (r = 0), so the rule credits that link no share: quantity
    0, no savings, no band, though the hall needs it at night (flows.csv: 90 spaces in the night slot). Lot B's sheet
    and the hall's say so in words and show a dash for the band, never nan; lot A's link, credited the whole cut
    (100 spaces, 25,000 EUR/yr, half each), keeps its band 0.00 to 250.00 EUR/space, even split 125.00."""
    from test_page_figures import FILES

    scenario = write_scenario(tmp_path / "zero_share", FILES)
    solved = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "out")])
    assert solved.exit_code == 0, solved.output
    out = sheets_of(tmp_path / "out", tmp_path / "sheets")
    for company, partner in (("lot_b", "Event hall (hall)"), ("hall", "Lot B (lot_b)")):
        page = sheet_file(out, company).read_text(encoding="utf-8")
        text = text_of(sheet_file(out, company))
        assert not re.search(r"\bnan\b", text, re.I), company
        heads = table_headers(page, "sheet-exchanges-table")
        rows = [r for r in Page(page).tables["sheet-exchanges-table"] if r[heads.index("Partner")] == partner and r[heads.index("Resource")] == "parking"]
        assert len(rows) == 1, company
        band = html.unescape(rows[0][heads.index("Price band (EUR per unit of the quantity)")])
        assert band.startswith("\u2013") and "no share" in band, band
        note = " ".join(text_of_element(page, "no-share").split())
        assert "on its own it cuts none of" in note and "credited no share" in note, note
        assert "needed together with the other supplies" in note and "up to 90 space in 1 slot (flows.csv)" in note, note
    hall = text_of(sheet_file(out, "hall"))
    assert "0.00 to 250.00 EUR/space; even split 125.00" in hall and "12,500" in hall
    assert "no-share" not in sheet_file(out, "lot_a").read_text(encoding="utf-8")  # lot A's link has its share: no note


def text_of_element(page: str, element_id: str) -> str:
    """The text of the element with this id (the first such element, up to its closing tag)."""
    m = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', page, flags=re.S)
    assert m is not None, element_id
    return html.unescape(re.sub(r"<[^>]+>", " ", m.group(2)))


def _forced(tmp_path: Path, status: str) -> Path:
    """tests/pareto_cases/three_points with the rule 'require s2 -> d3' (the arc a3 that loses 300 EUR/yr), solved: the
    network {a1, a3, a4} (README there) saves 900 - 300 + 50 = 650 EUR/yr; split evenly, A gets 450 - 150 = 300, B 450,
    C 25 and D -150 + 25 = -125, a loss. ``status`` time_limit writes the same network as a run the time limit stopped,
    with the bound 950 (the best network, {a1, a4}): gap (950 - 650) / 650 = 46 %."""
    from dataclasses import replace

    from symbiosis import api
    from symbiosis.types import Status

    text = (ROOT / "tests" / "pareto_cases" / "three_points" / "scenario.yaml").read_text(encoding="utf-8")
    yaml = tmp_path / "forced.yaml"
    yaml.write_text(text.replace("settings:\n", "  rules:\n    - {rule: require, source: s2, target: d3}\nsettings:\n", 1), encoding="utf-8")
    result = api.solve(yaml)
    assert result.summary.net_savings_eur_per_year == pytest.approx(650.0)
    if status == "time_limit":
        result = replace(result, summary=result.summary.model_copy(update={"status": Status.time_limit, "best_bound": 950.0, "mip_gap": 300.0 / 650.0}))
    out = tmp_path / f"result_{status}"
    result.write(out)
    return out


def test_sheets_of_a_result_not_proven_warn_and_carry_the_banner(tmp_path: Path) -> None:
    """A result the time limit stopped: the command warns with its status and gap (46 %) and names the company whose
    sheet shows a loss (D, -125 EUR/yr); every sheet carries the banner, and D's says it loses. A proven result that
    still leaves D below zero (the rule requires a3) warns about D alone, and its sheets carry no banner."""
    out = tmp_path / "sheets"
    done = runner.invoke(app, ["sheets", str(_forced(tmp_path, "time_limit")), "--out", str(out)])
    assert done.exit_code == 0, done.output
    lines = [" ".join(line.split()) for line in done.output.splitlines()]
    assert any("warning" in line and "time_limit" in line and "46 %" in line for line in lines), done.output
    assert any("warning" in line and "shows a loss" in line and "D: -125 EUR/yr" in line for line in lines), done.output
    for company in "ABCD":
        page = Page(sheet_file(out, company).read_text(encoding="utf-8"))
        assert "not-proven" in page.elements, company
        banner = " ".join(text_of_element(sheet_file(out, company).read_text(encoding="utf-8"), "not-proven").split())
        assert "not proven the best" in banner and "46 %" in banner, banner
        assert ("-125 EUR/yr" in banner) == (company == "D"), (company, banner)
    assert text_of(out / "sheets.html").count("not proven the best") >= 4
    proven = tmp_path / "proven_sheets"
    done = runner.invoke(app, ["sheets", str(_forced(tmp_path, "optimal")), "--out", str(proven)])
    assert done.exit_code == 0, done.output
    assert "time_limit" not in done.output and "D: -125 EUR/yr" in " ".join(done.output.split())
    assert all("not-proven" not in Page(sheet_file(proven, c).read_text(encoding="utf-8")).elements for c in "ABCD")
