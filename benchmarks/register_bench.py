"""Register benchmark: the network found from estimates only, beside the network of the full Haasrode scenario.

Usage: python benchmarks/register_bench.py [OUT_DIR] [--time-limit S]   (default benchmarks/results/register, 60 s)

1. ``symbiosis estimate scenarios/haasrode_register`` (the 60 Haasrode agents with their NACE
   code and staff only) with the shipped coefficient table;
2. both scenarios solved with the same settings;
3. matches compared at company level: an exchange is (source company, target company,
   resource), a pool membership (facility, member company, resource). Recovered: the full
   network's matches that the estimate-only network also makes; their savings in the full
   network over the full net savings;
4. figures: for each company, resource and direction of the full scenario (its streams'
   quantities summed) with an estimated stream of the same company, resource and direction,
   whether the full quantity lies within the estimate's range [low, high].

5. the loop closed: the five companies a 200-sample sweep of the estimated scenario names
   first (``--ask``, default the five of the README's run) get their intake workbooks; each
   is answered with the full scenario's figures for that company (a stream the full
   scenario has: its quantity, price, CO2 and temperature, answer 'correct'; one it lacks:
   'remove'; one it has and the estimate lacks: a new row, 'add', unless its resource is one
   the estimated scenario does not know), merged, solved, and compared again.

Writes results.md and results.json into OUT_DIR (the solves themselves go to a temporary folder).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd

import symbiosis
from symbiosis import api
from symbiosis.io.read.intake import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
ASK = "medtech_1,medtech_2,cl_mf_04,recycler_1,cl_cr_01"


def answer(book: Path, company: str, full: symbiosis.Scenario, known_resources: set[str]) -> None:
    """Fill a company's intake workbook with the full scenario's figures for that company (see step 5).

    A stream of a resource the estimated scenario does not know (office or hall space, process water) cannot be added
    through a workbook (merge refuses an unknown resource), so it is left out.
    """
    truth: dict[tuple[str, str], list] = {}
    for s in full.streams:
        if s.company == company:
            truth.setdefault((s.resource, s.direction.value), []).append(s)
    wb = openpyxl.load_workbook(book)
    ws = wb["streams"]
    col = {c: COLUMNS.index(c) + 1 for c in COLUMNS}
    r = 2
    seen = set()
    while ws.cell(r, 1).value:
        key = (ws.cell(r, col["resource"]).value, ws.cell(r, col["direction"]).value)
        seen.add(key)
        known = truth.get(key)
        if not known:
            ws.cell(r, col["answer"], "remove")
        else:
            first = known[0]
            ws.cell(r, col["quantity"], sum(s.quantity for s in known))
            ws.cell(r, col["price_eur_per_unit"], first.price_eur_per_unit)
            ws.cell(r, col["co2_kg_per_unit"], first.co2_kg_per_unit)
            ws.cell(r, col["temperature_c"], first.temperature_c)
            ws.cell(r, col["answer"], "correct")
        r += 1
    for (resource, direction), known in truth.items():
        if (resource, direction) in seen or resource not in known_resources:
            continue
        for s in known:
            values = {"id": s.id, "resource": resource, "direction": direction, "quantity": s.quantity, "price_eur_per_unit": s.price_eur_per_unit,
                      "co2_kg_per_unit": s.co2_kg_per_unit, "temperature_c": s.temperature_c, "answer": "add"}  # fmt: skip
            for k, v in values.items():
                ws.cell(r, col[k], v)
            r += 1
    wb.save(book)


def recovery(full: pd.DataFrame, other: pd.DataFrame) -> tuple[int, float]:
    """How many of the full network's matches another network makes, and their savings in the full network."""
    fm, om = match_keys(full), match_keys(other)
    got = fm[fm["key"].isin(set(om["key"]))]
    return len(got), float(got["savings_eur_per_year"].sum())


def match_keys(matches: pd.DataFrame) -> pd.DataFrame:
    m = matches.copy()
    m["key"] = list(zip(m["kind"], m["source"], m["target"], m["resource"]))
    return m


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    limit = float(sys.argv[sys.argv.index("--time-limit") + 1]) if "--time-limit" in sys.argv else 60.0
    if "--time-limit" in sys.argv:
        args = [a for a in args if a != sys.argv[sys.argv.index("--time-limit") + 1]]
    out = Path(args[0]) if args else ROOT / "benchmarks" / "results" / "register"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        est = api.estimate(ROOT / "scenarios" / "haasrode_register")
        est.write(Path(tmp) / "estimated")
        seconds_estimate = time.perf_counter() - t0
        estimated = symbiosis.load_scenario(Path(tmp) / "estimated")
        full = symbiosis.load_scenario(ROOT / "scenarios" / "haasrode")
        t0 = time.perf_counter()
        res_est = symbiosis.solve(estimated, time_limit_s=limit)
        seconds_est = time.perf_counter() - t0
        t0 = time.perf_counter()
        res_full = symbiosis.solve(full, time_limit_s=limit)
        seconds_full = time.perf_counter() - t0
        ask = (sys.argv[sys.argv.index("--ask") + 1] if "--ask" in sys.argv else ASK).split(",")
        books = []
        for company in ask:
            book = Path(tmp) / f"{company}.xlsx"
            api.intake(Path(tmp) / "estimated", company, book)
            answer(book, company, full, {r.id for r in estimated.resources})
            books.append(book)
        merged = api.merge(Path(tmp) / "estimated", books)
        merged.write(Path(tmp) / "merged")
        res_merged = symbiosis.solve(symbiosis.load_scenario(Path(tmp) / "merged"), time_limit_s=limit)
        changes = merged.changes.drop_duplicates(["stream", "change"])["change"].value_counts().to_dict()

    fm, em = match_keys(res_full.matches), match_keys(res_est.matches)
    recovered = fm[fm["key"].isin(set(em["key"]))]
    net_full = float(fm["savings_eur_per_year"].sum())
    by_resource = (
        fm.groupby("resource")
        .agg(full_matches=("key", "size"), full_savings=("savings_eur_per_year", "sum"))
        .join(recovered.groupby("resource").agg(recovered_matches=("key", "size"), recovered_savings=("savings_eur_per_year", "sum")), how="left")
        .join(em.groupby("resource").agg(estimate_matches=("key", "size"), estimate_savings=("savings_eur_per_year", "sum")), how="outer")
        .fillna(0)
        .sort_values("full_savings", ascending=False)
    )

    # Figures within the estimated ranges.
    ranges = {u.stream: (u.low, u.high) for u in estimated.uncertainty if u.field == "quantity"}
    est_groups = {(s.company, s.resource, s.direction.value): ranges[s.id] for s in estimated.streams if s.id in ranges}
    full_groups: dict[tuple[str, str, str], float] = {}
    for s in full.streams:
        k = (s.company, s.resource, s.direction.value)
        full_groups[k] = full_groups.get(k, 0.0) + s.quantity
    compared = {k: q for k, q in full_groups.items() if k in est_groups}
    within = {k: q for k, q in compared.items() if est_groups[k][0] <= q <= est_groups[k][1]}
    per_resource_within = pd.DataFrame(
        [{"resource": k[1], "direction": k[2], "within": k in within} for k in compared]
    ).groupby(["resource", "direction"])["within"].agg(["size", "sum"])

    summary = {
        "time_limit_s": limit,
        "estimate": {"streams": len(estimated.streams), "companies": len(estimated.companies), "seconds": round(seconds_estimate, 2)},
        "full": {"status": res_full.summary.status.value, "net_savings_eur_per_year": net_full, "matches": len(fm), "seconds": round(seconds_full, 1)},
        "estimate_only": {
            "status": res_est.summary.status.value,
            "net_savings_eur_per_year": float(em["savings_eur_per_year"].sum()),
            "matches": len(em),
            "seconds": round(seconds_est, 1),
        },
        "recovered_matches": len(recovered),
        "recovered_share_of_matches": len(recovered) / len(fm) if len(fm) else None,
        "recovered_savings_eur_per_year": float(recovered["savings_eur_per_year"].sum()),
        "recovered_share_of_savings": float(recovered["savings_eur_per_year"].sum()) / net_full if net_full > 0 else None,
        "full_stream_groups": len(full_groups),
        "full_stream_groups_with_an_estimate": len(compared),
        "within_range": len(within),
        "share_within_range": len(within) / len(compared) if compared else None,
        "after_five_workbooks": {
            "companies": ask,
            "changes": {k: int(v) for k, v in changes.items()},
            "status": res_merged.summary.status.value,
            "net_savings_eur_per_year": res_merged.summary.net_savings_eur_per_year,
            "savings_share_on_estimates": (res_merged.summary.estimates or {}).get("savings_share"),
            "recovered_matches": recovery(res_full.matches, res_merged.matches)[0],
            "recovered_savings_eur_per_year": recovery(res_full.matches, res_merged.matches)[1],
        },
    }
    five = summary["after_five_workbooks"]
    (out / "results.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    lines = [
        "# Register benchmark: estimates only beside the full Haasrode scenario",
        "",
        f"Both solved with a {limit:g} s limit. Full: {summary['full']['status']}, {net_full:,.0f} EUR/yr from {len(fm)} matches. "
        f"Estimate only ({len(estimated.streams)} streams estimated for {len(estimated.companies)} companies): {summary['estimate_only']['status']}, "
        f"{summary['estimate_only']['net_savings_eur_per_year']:,.0f} EUR/yr from {len(em)} matches.",
        "",
        f"- matches of the full network recovered (same companies and resource): **{len(recovered)} of {len(fm)}** "
        f"({summary['recovered_share_of_matches']:.0%}), worth **{summary['recovered_savings_eur_per_year']:,.0f} EUR/yr** in the full network, "
        f"**{summary['recovered_share_of_savings']:.1%}** of its net savings",
        f"- figures within the estimated ranges: **{len(within)} of {len(compared)}** company-resource-direction groups of the full scenario "
        f"that have an estimate ({summary['share_within_range']:.0%}); {len(full_groups) - len(compared)} of its {len(full_groups)} groups have no estimate",
        f"- after the first five workbooks ({', '.join(ask)}) came back with the full scenario's figures for those companies "
        f"({', '.join(f'{v} {k}' for k, v in sorted(five['changes'].items()))}): {five['net_savings_eur_per_year']:,.0f} EUR/yr, "
        f"{five['savings_share_on_estimates']:.0%} of it on estimated streams; **{five['recovered_matches']} of {len(fm)}** matches of the full network "
        f"recovered, worth **{five['recovered_savings_eur_per_year']:,.0f} EUR/yr** ({five['recovered_savings_eur_per_year'] / net_full:.1%})",
        "",
        "By resource (savings in EUR/yr):",
        "",
        "| resource | full matches | full savings | recovered | recovered savings | estimate-only matches | estimate-only savings |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for res, r in by_resource.iterrows():
        lines.append(
            f"| {res} | {int(r.full_matches)} | {r.full_savings:,.0f} | {int(r.recovered_matches)} | {r.recovered_savings:,.0f} | {int(r.estimate_matches)} | {r.estimate_savings:,.0f} |"
        )
    lines += ["", "Full quantities within the estimated range, by resource and direction:", "", "| resource | direction | compared | within |", "| --- | --- | ---: | ---: |"]
    for (res, direction), r in per_resource_within.iterrows():
        lines.append(f"| {res} | {direction} | {int(r['size'])} | {int(r['sum'])} |")
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
