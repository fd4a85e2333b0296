"""The tiny hand-computed cases in ``tests/cases/``.

Every folder of ``tests/cases`` that holds an ``expected.json`` is one case: a scenario
folder (``scenario.yaml`` and its CSV tables) whose optimum is worked out by hand, step
by step, in the folder's ``README.md``; ``expected.json`` holds the same numbers at full
precision. Each case isolates one constraint family (road cost, pipe fixed cost,
temperature and heat pumps, substitution ratio, minimum quantity, peak-priced parking,
forbid/require rules, carbon price, volume profiles, pools).

``expected.json``::

    {"objective": ..., "net_savings_eur_per_year": ..., "co2_avoided_t_per_year": ...,
     "n_exchanges": ...,
     "matches": [{"supply_stream": ..., "demand_stream": ..., "quantity": ...,
                  "savings_eur_per_year": ...}],
     # optional, for cases with shared facilities:
     "n_pools": ..., "pools": [{"facility": ..., "demand_stream": ...,
                                "savings_eur_per_year": ...}]}

``matches`` lists every exchange of the (unique) optimum; ``quantity`` is in supply
units per year (for a peak exchange, its share of the peak cut by stand-alone
reductions, turn 3), as in docs/model.md. An optional ``companies`` map gives
per-company savings and CO2 (and any other column of companies.csv).

Cases of the measure registry (contract section 4d) may add ``"measures"`` (every
measure's total, as in summary.json) and a measure's column in a ``matches`` or
``pools`` entry (e.g. ``"land_freed_m2": 2000.0``); each given value is checked.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd
import pytest

import symbiosis

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir() and (p / "expected.json").is_file())
REL, ABS = 1e-6, 1e-4
SUMMARY_KEYS = ("objective", "net_savings_eur_per_year", "co2_avoided_t_per_year")


def approx(value: float) -> object:
    return pytest.approx(value, rel=REL, abs=ABS)


def readme(case: Path) -> str:
    return f"tests/cases/{case.name}/README.md"


@functools.cache
def solved(case: Path):
    """Load and solve a case once, shared by the tests of that case."""
    scenario = symbiosis.load_scenario(case)
    return symbiosis.solve(scenario)


def expected(case: Path) -> dict:
    return json.loads((case / "expected.json").read_text(encoding="utf-8"))


def params():
    return [pytest.param(c, id=c.name) for c in CASES]


def test_cases_exist():
    """At least the nine required constraint families have a case (see tests/cases/README.md)."""
    required = {
        "road_transport", "pipe_fixed_cost", "temperature_direct", "temperature_heat_pump",
        "substitution_ratio", "min_quantity", "peak_parking", "forbid", "require",
    }
    assert required <= {c.name for c in CASES}


@pytest.mark.parametrize("case", params())
def test_summary(case: Path):
    """Status, objective, net savings, CO2 and counts match the hand computation in
    tests/cases/<case>/README.md (numbers from its expected.json)."""
    exp = expected(case)
    summary = solved(case).summary
    assert summary["status"] == "optimal", f"{case.name}: status {summary['status']!r}; see {readme(case)}"
    for key in SUMMARY_KEYS:
        assert summary[key] == approx(exp[key]), (
            f"{case.name}: {key} = {summary[key]!r}, expected {exp[key]!r} (hand computation in {readme(case)})"
        )
    assert summary["n_exchanges"] == exp["n_exchanges"], (
        f"{case.name}: n_exchanges = {summary['n_exchanges']}, expected {exp['n_exchanges']}; see {readme(case)}"
    )
    if "n_pools" in exp:
        assert summary["n_pools"] == exp["n_pools"], (
            f"{case.name}: n_pools = {summary['n_pools']}, expected {exp['n_pools']}; see {readme(case)}"
        )
    for name, value in exp.get("measures", {}).items():
        assert summary.measures is not None and summary.measures[name] == approx(value), (
            f"{case.name}: measure {name} = {(summary.measures or {}).get(name)!r}, expected {value!r}; see {readme(case)}"
        )


PROGRAMME_KEYS = ("route", "lead_time_months", "one_off_eur", "stage")  # contract section 4g


def _programme_columns(case: Path, what: str, row: object, entry: dict) -> None:
    """The route, lead time, one-off cost and stage given in an expected match or pool entry equal the row's."""
    for key in PROGRAMME_KEYS:
        if key in entry:
            got = row[key]  # type: ignore[index]
            want = entry[key]
            ok = got == want if isinstance(want, str) else float(got) == approx(want)
            assert ok, f"{case.name}: {what} {key} {got!r}, expected {want!r}; see {readme(case)}"


def _measure_columns(case: Path, what: str, row: object, entry: dict) -> None:
    """Every measure column given in an expected match or pool entry equals the row's."""
    for name, value in entry.items():
        if name in symbiosis.MEASURES or name in {m.column for m in symbiosis.MEASURES.values()}:
            column = symbiosis.MEASURES[name].column if name in symbiosis.MEASURES else name
            got = float(row[column])  # type: ignore[index]
            assert got == approx(value), f"{case.name}: {what} {column} {got!r}, expected {value!r}; see {readme(case)}"


@pytest.mark.parametrize("case", params())
def test_exchanges(case: Path):
    """Every exchange of the hand-computed optimum in tests/cases/<case>/README.md is
    reported once, with its quantity and savings, and there are no other exchanges."""
    exp = expected(case)
    matches = solved(case).matches
    exchanges = matches[matches["kind"] == "exchange"]
    found = sorted(zip(exchanges["supply_stream"], exchanges["demand_stream"]))
    assert len(exchanges) == exp["n_exchanges"], (
        f"{case.name}: {len(exchanges)} exchange rows {found}, expected {exp['n_exchanges']}; see {readme(case)}"
    )
    for m in exp["matches"]:
        rows = exchanges[(exchanges["supply_stream"] == m["supply_stream"]) & (exchanges["demand_stream"] == m["demand_stream"])]
        pair = f"{m['supply_stream']} -> {m['demand_stream']}"
        assert len(rows) == 1, f"{case.name}: exchange {pair} expected once, found {len(rows)} (rows: {found}); see {readme(case)}"
        row = rows.iloc[0]
        assert float(row["quantity"]) == approx(m["quantity"]), (
            f"{case.name}: {pair} quantity {row['quantity']!r}, expected {m['quantity']!r}; see {readme(case)}"
        )
        assert float(row["savings_eur_per_year"]) == approx(m["savings_eur_per_year"]), (
            f"{case.name}: {pair} savings {row['savings_eur_per_year']!r}, expected {m['savings_eur_per_year']!r}; see {readme(case)}"
        )
        _measure_columns(case, pair, row, m)
        _programme_columns(case, pair, row, m)


@pytest.mark.parametrize("case", [p for p in params() if "pools" in expected(p.values[0])])
def test_pools(case: Path):
    """Every pool membership of the hand-computed optimum in tests/cases/<case>/README.md
    is reported, with the member's share of the pool surplus."""
    exp = expected(case)
    matches = solved(case).matches
    pools = matches[matches["kind"] == "pool"]
    assert len(pools) == len(exp["pools"]), (
        f"{case.name}: {len(pools)} pool rows, expected {len(exp['pools'])}; see {readme(case)}"
    )
    for m in exp["pools"]:
        rows = pools[(pools["source"] == m["facility"]) & (pools["demand_stream"] == m["demand_stream"])]
        assert len(rows) == 1, f"{case.name}: membership {m['demand_stream']} in {m['facility']} not found once; see {readme(case)}"
        assert float(rows.iloc[0]["savings_eur_per_year"]) == approx(m["savings_eur_per_year"]), (
            f"{case.name}: {m['demand_stream']} pool savings {rows.iloc[0]['savings_eur_per_year']!r}, "
            f"expected {m['savings_eur_per_year']!r}; see {readme(case)}"
        )
        _measure_columns(case, f"membership {m['demand_stream']} in {m['facility']}", rows.iloc[0], m)
        _programme_columns(case, f"membership {m['demand_stream']} in {m['facility']}", rows.iloc[0], m)


@pytest.mark.parametrize("case", [p for p in params() if "price_bands" in expected(p.values[0])])
def test_price_bands(case: Path, tmp_path: Path):
    """Each exchange's price band (contract section 4, turn 3) as worked out by hand in
    tests/cases/<case>/README.md: in the result, in matches.csv as written, and in the checker,
    which recomputes it and refuses a band changed in the file. The even split is the band's middle
    and gives each company half of the exchange's savings."""
    from symbiosis.analysis.check import check_result

    result = solved(case)
    out = result.write(tmp_path / "out")
    written = pd.read_csv(out / "matches.csv")
    for frame in (result.matches, written):
        for b in expected(case)["price_bands"]:
            row = frame[(frame["supply_stream"] == b["supply_stream"]) & (frame["demand_stream"] == b["demand_stream"])].iloc[0]
            assert float(row["price_floor_eur_per_unit"]) == approx(b["floor"]), f"{case.name}: floor; see {readme(case)}"
            assert float(row["price_ceiling_eur_per_unit"]) == approx(b["ceiling"]), f"{case.name}: ceiling; see {readme(case)}"
            split = (float(row["price_floor_eur_per_unit"]) + float(row["price_ceiling_eur_per_unit"])) / 2
            assert split == approx(b["even_split"])
            supply_price = next(s.price_eur_per_unit for s in result.scenario.streams if s.id == b["supply_stream"])
            assert (supply_price + split) * float(row["quantity"]) == approx(float(row["savings_eur_per_year"]) / 2)
    assert check_result(result.scenario, out).ok
    text = (out / "matches.csv").read_text(encoding="utf-8")
    ceiling = f"{expected(case)['price_bands'][0]['ceiling']:.10g}"
    assert ceiling in text
    (out / "matches.csv").write_text(text.replace(ceiling, "30"), encoding="utf-8")
    report = check_result(result.scenario, out)
    assert any("price_ceiling_eur_per_unit 30" in v for v in report.violations), report.violations


POOL_CASES = {
    "pool_parking", "pool_too_far", "pool_size_choice", "pool_excludes_exchanges",
    "pool_not_paying", "pool_shapley", "pool_shapley_proportional",
}


def test_pool_cases_exist():
    """One hand-computed case per pool rule (see tests/cases/README.md), each with a
    ``pools`` list in its expected.json."""
    present = {c.name for c in CASES if "pools" in expected(c)}
    assert present >= POOL_CASES, f"missing pool cases: {sorted(POOL_CASES - present)}"


@pytest.mark.parametrize("case", [p for p in params() if "pools" in expected(p.values[0])])
def test_pool_allocation_efficient(case: Path):
    """Allocation is efficient and individually rational (docs/model.md, "Allocation"):
    the pool rows of one facility sum to that facility's ``surplus_eur_per_year`` in
    ``result.facilities``, every built facility has its members reported as pool rows
    (and no other), and no company ends below zero."""
    result = solved(case)
    matches, facilities = result.matches, result.facilities
    pools = matches[matches["kind"] == "pool"]
    built = sorted(str(f) for f in facilities["facility"])
    assert built == sorted(set(built)), f"{case.name}: a facility is listed twice in result.facilities: {built}"
    assert sorted({str(f) for f in pools["source"]}) == built, (
        f"{case.name}: facilities with pool rows {sorted(set(pools['source']))} differ from built facilities {built}; "
        f"see {readme(case)}"
    )
    assert len(built) == expected(case)["n_pools"], f"{case.name}: {len(built)} facilities built; see {readme(case)}"
    for _, fac in facilities.iterrows():
        rows = pools[pools["source"] == fac["facility"]]
        shares = float(rows["savings_eur_per_year"].astype(float).sum())
        assert shares == approx(float(fac["surplus_eur_per_year"])), (
            f"{case.name}: pool rows of {fac['facility']} sum to {shares!r}, "
            f"but its surplus_eur_per_year is {fac['surplus_eur_per_year']!r}"
        )
        assert int(fac["n_members"]) == len(rows), (
            f"{case.name}: {fac['facility']} n_members {fac['n_members']} but {len(rows)} pool rows"
        )
        if "members" in facilities.columns:
            assert sorted(str(fac["members"]).split(";")) == sorted(rows["demand_stream"]), (
                f"{case.name}: {fac['facility']} members {fac['members']!r} vs pool rows {sorted(rows['demand_stream'])}"
            )
    companies = result.companies
    low = companies[companies["savings_eur_per_year"].astype(float) < -1e-6]
    assert low.empty, (
        f"{case.name}: companies below zero: {list(zip(low['company'], low['savings_eur_per_year']))}; see {readme(case)}"
    )


@pytest.mark.parametrize("case", [p for p in params() if "companies" in expected(p.values[0])])
def test_companies(case: Path):
    """Per-company savings and CO2 of the hand computation in tests/cases/<case>/README.md."""
    companies = solved(case).companies.set_index("company")
    for cid, want in expected(case)["companies"].items():
        for key, value in want.items():
            assert float(companies.loc[cid, key]) == approx(value), f"{case.name}: {cid} {key} {companies.loc[cid, key]!r}, expected {value!r}; see {readme(case)}"
