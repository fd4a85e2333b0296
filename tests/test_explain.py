"""Explanations: savings broken down, break-even values, why-not, infeasibility, anonymity.

The hand-built case is tests/cases/road_transport: a sawmill (50.85 N) sells 100 t
of chips; the pellet plant (50.87 N, 30 EUR/t), the board factory (50.93 N,
31 EUR/t) and the cement kiln (50.97 N, 60 EUR/t) want 100 t each; disposal costs
the mill 20 EUR/t; road 0.15 EUR/tkm; link 1000 EUR/yr; detour 1.3; limit 15 km.
Distances on one meridian: d = 6371.0088 km x dlat (rad) x 1.3.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import CASES, HAASRODE, write_scenario
from symbiosis.analysis.explain import explain_match, why_not
from symbiosis.cli import app

runner = CliRunner()
R = 6371.0088


def km(dlat: float) -> float:
    return R * math.radians(dlat) * 1.3


D_PELLETS, D_BOARDS, D_KILN = km(0.02), km(0.08), km(0.12)
V_PELLETS = 20 + 30 - 0.15 * D_PELLETS  # EUR per t
V_BOARDS = 20 + 31 - 0.15 * D_BOARDS


@pytest.fixture(scope="module")
def road(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return symbiosis.solve(CASES / "road_transport").write(tmp_path_factory.mktemp("road") / "out")


def test_breakdown_adds_up_by_hand(road: Path) -> None:
    e = explain_match(road, "mill_chips->pellets_chips", break_even=False)
    terms = dict(e.breakdown)
    assert terms["avoided disposal (the supplier's cost today)"] == pytest.approx(2000.0)
    assert terms["avoided purchase (the buyer's price today)"] == pytest.approx(3000.0)
    assert terms["road transport"] == pytest.approx(-0.15 * D_PELLETS * 100)
    assert terms["fixed cost of the link"] == pytest.approx(-1000.0)
    assert sum(terms.values()) == pytest.approx(e.savings_eur_per_year)
    assert e.savings_eur_per_year == pytest.approx(100 * V_PELLETS - 1000)


def test_break_even_values_by_hand(road: Path) -> None:
    """The match goes when the board factory becomes better, or the link stops paying.

    price: 100 (20 + p - 0.15 d_p) - 1000 = 100 V_boards - 1000  ->  p = V_boards - 20 + 0.15 d_p
    quantity: pellets stay the better buyer per t, so it goes when Q V_pellets = 1000
    distance: 20 + 30 - 0.15 d = V_boards  ->  d = (50 - V_boards) / 0.15
    """
    e = explain_match(road, "mill_chips->pellets_chips")
    got = {b.parameter: b.threshold for b in e.break_even}
    assert got["buyer's price today"] == pytest.approx(V_BOARDS - 20 + 0.15 * D_PELLETS, rel=2e-3)
    assert got["supplier's quantity"] == pytest.approx(1000 / V_PELLETS, rel=2e-3)
    assert got["distance"] == pytest.approx((50 - V_BOARDS) / 0.15, rel=2e-3)


def test_why_not_names_the_distance(road: Path) -> None:
    w = why_not(road, "mill", "kiln")
    assert w.excluded == [("mill_chips", "kiln_chips", f"distance {D_KILN:.3f} km exceeds the limit of 15 km for wood_chips")]
    assert w.candidates == [] and w.status_after is None


def test_why_not_forces_the_link_and_reports_its_cost(road: Path) -> None:
    """Forcing mill -> boards costs 100 (V_pellets - V_boards) and pushes the pellet plant out."""
    w = why_not(road, "mill", "boards")
    assert w.excluded == []
    assert w.cost_eur_per_year == pytest.approx(100 * (V_PELLETS - V_BOARDS), rel=1e-6)
    assert list(w.forced["demand_stream"]) == ["boards_chips"]
    assert list(w.pushed_out["demand_stream"]) == ["pellets_chips"]
    result = runner.invoke(app, ["explain", str(road), "--why-not", "mill", "boards"])
    assert result.exit_code == 0, result.output
    assert f"forcing it costs {100 * (V_PELLETS - V_BOARDS):,.0f} EUR/yr" in result.output


def test_require_beyond_the_distance_limit_is_infeasible_and_names_the_distance(tmp_path: Path) -> None:
    src = CASES / "road_transport"
    files = {p.name: p.read_text() for p in src.iterdir() if p.suffix in (".csv", ".yaml")}
    files["rules.csv"] = "rule,source,target\nrequire,mill,kiln\n"
    files["scenario.yaml"] = files["scenario.yaml"].replace("streams: streams.csv}", "streams: streams.csv, rules: rules.csv}")
    folder = write_scenario(tmp_path / "s", files)
    result = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    assert "rules.csv: row 2: require mill -> kiln cannot hold" in result.output
    assert f"distance {D_KILN:.3f} km exceeds the limit of 15 km" in result.output


def test_contradictory_requires_are_named(tmp_path: Path) -> None:
    """A's 50 t cannot meet two required buyers that each insist on 40 t: both rules, the supply and both minimums are named."""
    from conftest import BASE

    files = dict(BASE)
    files["companies.csv"] += "D,Delta,plant,50.852,4.700\nE,Epsilon,plant,50.851,4.700\n"
    files["streams.csv"] = files["streams.csv"].replace("cb_b,B,demand,cardboard,40,20,100,,,", "cb_b,B,demand,cardboard,40,20,100,,,40")
    files["streams.csv"] += "cb_d,D,demand,cardboard,40,20,,,,40\ncb_e,E,demand,cardboard,10,20,,,,\n"
    files["rules.csv"] = "rule,source,target\nrequire,A,E\nrequire,A,B\nrequire,A,D\n"  # the first rule is innocent
    files["scenario.yaml"] = BASE["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")
    result = symbiosis.solve(write_scenario(tmp_path / "s", files))
    assert result.status == "infeasible"
    (message,) = result.summary["problems"]
    assert "rules.csv: row 3: require A -> B" in message and "rules.csv: row 4: require A -> D" in message
    assert "row 2" not in message  # A -> E is not part of the clash
    assert "supply cb_a: 50 t" in message
    assert "minimum quantity 40 t of cb_a -> cb_b" in message and "minimum quantity 40 t of cb_a -> cb_d" in message


def test_pool_member_explained(tmp_path: Path) -> None:
    out = symbiosis.solve(CASES / "pool_parking").write(tmp_path / "out")
    m = pd.read_csv(out / "matches.csv")
    row = m[m["kind"] == "pool"].iloc[0]
    e = explain_match(out, f"{row['source']}->{row['demand_stream']}", break_even=False)
    assert e.kind == "pool"
    assert sum(v for _, v in e.breakdown) == pytest.approx(row["savings_eur_per_year"])


# --------------------------------------------------------------------------- Haasrode


@pytest.fixture(scope="module")
def haasrode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return symbiosis.solve(HAASRODE).write(tmp_path_factory.mktemp("h") / "out")


def test_haasrode_explain_a_material_match(haasrode: Path) -> None:
    m = pd.read_csv(haasrode / "matches.csv", keep_default_na=False)
    row = m[(m["kind"] == "exchange") & (m["resource"] == "pallet")].iloc[0]
    e = explain_match(haasrode, f"{row['supply_stream']}->{row['demand_stream']}")
    assert sum(v for _, v in e.breakdown) == pytest.approx(row["savings_eur_per_year"], rel=1e-6)
    price = next(b for b in e.break_even if b.parameter == "buyer's price today")
    # At the break-even price the link still pays for itself or yields to a rival; it cannot be above today's price.
    assert price.threshold is not None and price.threshold < price.current


def test_haasrode_why_not(haasrode: Path) -> None:
    result = runner.invoke(app, ["explain", str(haasrode), "--why-not", "woodrec_1", "campus"])
    assert result.exit_code == 0, result.output
    # The answer first (turn 3), then the unrelated pairs summarised in one line.
    assert result.output.splitlines()[1] == "  woodrec_1 cannot serve campus: none of their 5 pair(s) of streams shares a resource or a substitution."
    assert "5 other pair(s) of streams are of resources that cannot serve each other (supplies of pallet;" in result.output


def test_anonymised_outputs_hold_no_input_name_or_id(tmp_path: Path) -> None:
    sc = symbiosis.load_scenario(HAASRODE)
    out = tmp_path / "anon"
    result = runner.invoke(app, ["solve", str(HAASRODE), "--out", str(out), "--anonymise", "-q"])
    assert result.exit_code == 0, result.output
    secrets = {c.id for c in sc.companies} | {c.name for c in sc.companies} | {s.id for s in sc.streams}
    files = sorted(p for p in out.iterdir() if p.is_file())
    assert len(files) >= 8
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.name} holds {leaked[:5]}"
    # Stable: the same inputs give the same pseudonyms; the result is still checkable in its own terms.
    again = tmp_path / "anon2"
    runner.invoke(app, ["solve", str(HAASRODE), "--out", str(again), "--anonymise", "-q"])
    assert (out / "matches.csv").read_bytes() == (again / "matches.csv").read_bytes()
    checked = runner.invoke(app, ["check", str(out / "scenario.json"), str(out)])
    assert checked.exit_code == 0, checked.output


def test_haasrode_opens_a_shared_car_park_and_another_pool(haasrode: Path) -> None:
    """Issue 3's acceptance: at least one parking facility and one other pool are built."""
    facilities = pd.read_csv(haasrode / "facilities.csv")
    assert (facilities["resource"] == "parking").any()
    assert (facilities["resource"] != "parking").any()
    result = runner.invoke(app, ["solve", str(HAASRODE), "--out", str(haasrode.parent / "again"), "--top", "3"])
    assert result.exit_code == 0
    assert "Shared facilities built" in result.output and "parking" in result.output


# --------------------------------------------------------------------------- search against bisection

SEARCH_CASES = ["road_transport", "peak_parking", "peak_two_suppliers", "min_quantity", "pipe_fixed_cost", "measure_parking_exchange", "substitution_ratio", "temperature_heat_pump"]


@pytest.mark.parametrize("case", SEARCH_CASES)
def test_search_finds_the_bisections_break_even_values(case: str, tmp_path: Path) -> None:
    """The parametric search (issue 21) gives the break-even values of the bisection it replaced, on every
    exchange of the hand cases: the bisection brackets the value to TOLERANCE (relative), the search finds
    the crossing itself, so the two agree within that bracket; where one says the match holds over the whole
    range tried, so does the other."""
    from symbiosis.analysis.explain import TOLERANCE

    out = symbiosis.solve(CASES / case).write(tmp_path / "out")
    m = pd.read_csv(out / "matches.csv", keep_default_na=False)
    exchanges = m[m["kind"] == "exchange"]
    assert len(exchanges)
    for _, row in exchanges.iterrows():
        key = f"{row['supply_stream']}->{row['demand_stream']}"
        new = explain_match(out, key).break_even
        old = explain_match(out, key, method="bisection").break_even
        assert [b.parameter for b in new] == [b.parameter for b in old]
        for a, b in zip(new, old):
            assert (a.threshold is None) == (b.threshold is None), (case, key, a, b)
            if a.threshold is not None:
                assert a.threshold == pytest.approx(b.threshold, rel=TOLERANCE, abs=1e-9), (case, key, a.parameter)


def test_search_is_exact_on_the_pipe_case(tmp_path: Path) -> None:
    """tests/cases/pipe_fixed_cost: the brewery's water to the laundry (1.5 EUR/m3 for 30,000 m3) pays
    F = 1000 + CRF(5 %, 15 y) x 400 EUR/m x 1000 x 0.289107 km = 12,141.300 EUR/yr (case README); the truck
    wash never pays. The match goes where it stops paying for its pipe, which the search finds exactly
    (the bisection only to 0.1 %):
    price:    30,000 (0.5 + p) = F             ->  p = F / 30,000 - 0.5
    quantity: 1.5 Q = F                        ->  Q = F / 1.5
    distance: 30,000 x 1.5 = 1000 + 38,536.915 d  ->  d = (45,000 - 1000) / 38,536.915
    """
    crf = 0.05 / (1 - 1.05**-15)
    per_km = crf * 400 * 1000
    fixed = 1000 + per_km * km(0.002)
    out = symbiosis.solve(CASES / "pipe_fixed_cost").write(tmp_path / "out")
    got = {b.parameter: b.threshold for b in explain_match(out, "brewery_water->laundry_water").break_even}
    assert got["buyer's price today"] == pytest.approx(fixed / 30_000 - 0.5, rel=1e-6)
    assert got["supplier's quantity"] == pytest.approx(fixed / 1.5, rel=1e-6)
    assert got["distance"] == pytest.approx(44_000 / per_km, rel=1e-6)
