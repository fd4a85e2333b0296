"""Trade-offs: the EUR-CO2 front, near-optimal alternatives, solving without a company, comparing results.

Values are worked out independently: by hand (tests/pareto_cases/three_points/README.md)
and by brute force over every link subset and pool choice (tests/bruteforce.py).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from typer.testing import CliRunner

import symbiosis
from bruteforce import brute_force_max_savings, brute_force_optimum, eligible_arcs, eligible_members
from conftest import ROOT
from symbiosis.analysis.check import check_result
from symbiosis.cli import app
from test_property import scenarios

runner = CliRunner()
THREE = ROOT / "tests" / "pareto_cases" / "three_points"


def test_hand_computed_front_has_three_points_and_a_money_losing_step(tmp_path: Path) -> None:
    """README: (0 t, 950 EUR), (10 t, 650 EUR) bought with the money-losing a3, (20 t, 150 EUR); 30 and 50 EUR/t."""
    out = tmp_path / "front"
    res = runner.invoke(app, ["pareto", str(THREE), "--out", str(out), "--points", "5"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "pareto.csv")
    assert list(table.columns[:8]) == ["point", "epsilon_co2_t", "net_savings_eur_per_year", "co2_avoided_t_per_year", "status", "mip_gap", "n_exchanges", "n_pools"]
    assert table["co2_avoided_t_per_year"].tolist() == pytest.approx([0.0, 10.0, 20.0], abs=1e-6)
    assert table["net_savings_eur_per_year"].tolist() == pytest.approx([950.0, 650.0, 150.0], abs=1e-6)
    assert table["implicit_carbon_price_eur_per_t"].tolist()[1:] == pytest.approx([30.0, 50.0], abs=1e-6)
    assert set(table["status"]) == {"optimal"}
    sc = symbiosis.load_scenario(THREE)
    for i in (1, 2, 3):
        assert check_result(sc, out / f"point_{i:02d}").ok
    middle = pd.read_csv(out / "point_02" / "matches.csv")
    a3 = middle[(middle["supply_stream"] == "s2") & (middle["demand_stream"] == "d3")]
    assert a3["savings_eur_per_year"].tolist() == pytest.approx([-300.0])
    assert sorted(middle["supply_stream"] + ">" + middle["demand_stream"]) == ["s1>d1", "s2>d3", "s4>d4"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="front-picture"' in page and (out / "front.png").stat().st_size > 1000
    # A plain solve never builds the money-losing arc.
    plain = symbiosis.solve(sc)
    assert plain.summary.net_savings_eur_per_year == pytest.approx(950.0)


def test_front_through_the_api_is_deterministic() -> None:
    a = symbiosis.pareto(THREE, points=3)
    b = symbiosis.pareto(THREE, points=3)
    assert a.table().drop(columns=[]).equals(b.table())
    assert a.unverified == 0 and a.verified == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_front_points_equal_brute_force_and_none_dominates_another(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every point's savings = the brute-force max of savings s.t. CO2 >= the point's own CO2; the left end is the max savings."""
    assume(len(eligible_arcs(sc)) <= 5 and len(eligible_members(sc)) <= 3)
    assume(brute_force_optimum(sc.with_settings(carbon_price_eur_per_t=0)) is not None)
    front = symbiosis.pareto(sc, points=3)
    pts = [(p.co2, p.net_savings) for p in front.points]
    assert all(p.status.value == "optimal" for p in front.points)
    left = brute_force_max_savings(sc, None)
    assert left is not None and pts[0][1] == pytest.approx(left, rel=1e-6, abs=1e-4)
    # HiGHS holds a (scaled) CO2 floor to its feasibility tolerance, so a point's CO2 is
    # known to ~1e-5 t: its savings lie between the brute-force optima 1e-5 t above and
    # below its CO2 (within 1e-3 EUR), and no point beats another beyond those tolerances.
    for co2, net in pts:
        upper = brute_force_max_savings(sc, co2 - 1e-5)
        lower = brute_force_max_savings(sc, co2 + 1e-5)
        assert upper is not None
        assert net <= upper + 1e-3, (co2, net, upper)
        assert lower is None or net >= lower - 1e-3, (co2, net, lower)
    for p, q in itertools.permutations(pts, 2):
        dominates = p[0] >= q[0] - 1e-5 and p[1] >= q[1] - 1e-3 and (p[0] > q[0] + 1e-5 or p[1] > q[1] + 1e-3)
        assert not dominates, (p, q)
    assert [p[0] for p in pts] == sorted(p[0] for p in pts)
    if len(pts) > 1:
        # The right end: the most CO2 with savings >= 0.
        assert pts[-1][1] >= -1e-4
    out = tmp_path_factory.mktemp("front") / "f"
    front.write(out)
    for name, report in front.check(out).items():
        assert report.ok, (name, report.violations)


def test_alternatives_by_hand(tmp_path: Path) -> None:
    """README: with slack 0.6 (floor 380), {a2} (400, shares nothing) then {a1} (900); then no network is left."""
    out = tmp_path / "alts"
    res = runner.invoke(app, ["alternatives", str(THREE), "--out", str(out), "--k", "5", "--slack", "0.6"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "alternatives.csv")
    assert table["objective"].tolist() == pytest.approx([950.0, 400.0, 900.0])
    assert table["links_shared_with_optimum"].tolist() == [2, 0, 1]
    assert table["jaccard_to_optimum"].tolist() == pytest.approx([1.0, 0.0, 0.5])
    freq = pd.read_csv(out / "link_frequency.csv")
    assert not freq["robust_core"].any()
    assert dict(zip(freq["supply_stream"] + ">" + freq["demand_stream"], freq["n_networks"])) == {"s1>d1": 2, "s4>d4": 1, "s1>d2": 1}
    assert 'id="core-count"' in (out / "report.html").read_text(encoding="utf-8")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sc=scenarios())
def test_alternatives_within_slack_different_and_checked(sc: symbiosis.Scenario, tmp_path_factory: pytest.TempPathFactory) -> None:
    assume(len(eligible_arcs(sc)) <= 6 and len(eligible_members(sc)) <= 4)
    alts = symbiosis.alternatives(sc, k=3, slack=0.3)
    best = alts.results[0].summary.objective
    assume(best is not None)
    assert best == pytest.approx(brute_force_optimum(sc), rel=1e-6, abs=1e-4)
    for r in alts.results[1:]:
        assert r.summary.objective >= best - 0.3 * abs(best) - 1e-6
    for a, b in itertools.combinations(alts.links, 2):
        assert a != b
    out = tmp_path_factory.mktemp("alts") / "a"
    alts.write(out)
    for name, report in alts.check(out).items():
        assert report.ok, (name, report.violations)
    core = alts.core
    assert all(core <= links for links in alts.links)


def _deleted(sc: symbiosis.Scenario, company: str) -> symbiosis.Scenario:
    """The scenario rebuilt from its tables with the company's streams (and rules naming it) deleted."""
    data = json.loads(sc.model_dump_json())
    streams = [s for s in data["streams"] if s["company"] != company]
    ids = {s["id"] for s in data["streams"] if s["company"] == company} | {company}
    rules = [r for r in data["rules"] if r["source"] not in ids and r["target"] not in ids]
    links = [row for row in data["links"] if row["source"] not in ids and row["target"] not in ids]
    return symbiosis.Scenario.from_tables(
        companies=data["companies"], resources=data["resources"], streams=streams, profiles=data["profiles"],
        substitutions=data["substitutions"], rules=rules, facilities=data["facilities"], links=links, settings=data["settings"], name=data["name"],
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sc=scenarios())
def test_without_equals_solving_with_the_streams_deleted(sc: symbiosis.Scenario) -> None:
    company = sorted(c.id for c in sc.companies)[0]
    assume(any(s.company != company for s in sc.streams))
    mine = symbiosis.solve(sc, without=[company])
    theirs = symbiosis.solve(_deleted(sc, company))
    assert mine.status == theirs.status
    assert mine.summary.objective == pytest.approx(theirs.summary.objective, rel=1e-9, abs=1e-6) if theirs.ok else True
    assert mine.matches.equals(theirs.matches)
    expected = brute_force_optimum(_deleted(sc, company)) if len(eligible_arcs(_deleted(sc, company))) <= 6 else None
    if expected is not None and mine.ok:
        assert mine.summary.objective == pytest.approx(expected, rel=1e-6, abs=1e-4)


def test_without_and_compare_by_hand(tmp_path: Path) -> None:
    """Without D (s2, d4): a4 is lost, the optimum is {a1}, 900 EUR/yr; D's savings go from 25 to 0."""
    base, other = tmp_path / "base", tmp_path / "without"
    assert runner.invoke(app, ["solve", str(THREE), "--out", str(base), "-q"]).exit_code == 0
    res = runner.invoke(app, ["solve", str(THREE), "--out", str(other), "--without", "D"])
    assert res.exit_code == 0, res.output
    assert json.loads((other / "summary.json").read_text())["net_savings_eur_per_year"] == pytest.approx(900.0)
    c = symbiosis.compare(base, other)
    assert c.lost[["supply_stream", "demand_stream"]].values.tolist() == [["s4", "d4"]]
    assert len(c.gained) == 0 and c.absent == ("D",)
    change = dict(zip(c.companies["company"], c.companies["change_eur_per_year"]))
    assert change["D"] == pytest.approx(-25.0) and change["C"] == pytest.approx(-25.0) and change["A"] == pytest.approx(0.0)
    assert c.change_eur_per_year == pytest.approx(-50.0)
    res = runner.invoke(app, ["compare", str(base), str(other)])
    assert res.exit_code == 0 and "1 matches lost, 0 gained" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pareto", str(THREE), "--out", "{out}", "--points", "1"], "at least 2 points"),
        (["alternatives", str(THREE), "--out", "{out}", "--slack", "0"], "strictly between 0 and 1"),
        (["alternatives", str(THREE), "--out", "{out}", "--slack", "1"], "strictly between 0 and 1"),
        (["alternatives", str(THREE), "--out", "{out}", "--k", "0"], "at least 1 alternative"),
        (["solve", str(THREE), "--out", "{out}", "--without", "A,nobody"], "unknown company 'nobody'"),
    ],
)
def test_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [a.replace("{out}", str(tmp_path / "out")) for a in args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "out").exists()


def test_compare_of_different_scenarios_exits_2(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(app, ["solve", str(THREE), "--out", str(a), "-q"]).exit_code == 0
    assert runner.invoke(app, ["solve", str(ROOT / "tests" / "cases" / "forbid"), "--out", str(b), "-q"]).exit_code == 0
    res = runner.invoke(app, ["compare", str(a), str(b)])
    assert res.exit_code == 2 and "different scenarios" in res.output
    # The same name with a changed stream is another scenario too.
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "scenario.yaml").write_text((THREE / "scenario.yaml").read_text().replace("quantity: 50, price_eur_per_unit: 3", "quantity: 40, price_eur_per_unit: 3"))
    assert runner.invoke(app, ["solve", str(changed), "--out", str(tmp_path / "c"), "-q"]).exit_code == 0
    res = runner.invoke(app, ["compare", str(a), str(tmp_path / "c")])
    assert res.exit_code == 2 and "different scenarios" in res.output


def test_a_front_replaces_only_a_folder_symbiosis_wrote(tmp_path: Path) -> None:
    """An analyst's folder that happens to hold a pareto.csv is refused and left untouched; an earlier front is replaced."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "pareto.csv").write_text("my own notes\n", encoding="utf-8")
    (mine / "budget.xlsx").write_bytes(b"not a symbiosis file")
    res = runner.invoke(app, ["pareto", str(THREE), "--out", str(mine), "--points", "2"])
    assert res.exit_code == 2, res.output
    assert "not a symbiosis front or alternatives" in res.output
    assert sorted(p.name for p in mine.iterdir()) == ["budget.xlsx", "pareto.csv"]
    assert (mine / "pareto.csv").read_text(encoding="utf-8") == "my own notes\n"
    front = tmp_path / "front"
    for _ in range(2):  # the second run replaces the first, recognised by its marker
        res = runner.invoke(app, ["pareto", str(THREE), "--out", str(front), "--points", "2"])
        assert res.exit_code == 0, res.output
    assert (front / ".symbiosis-result.json").is_file()
