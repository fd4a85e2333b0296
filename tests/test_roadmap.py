"""symbiosis roadmap (DESIGN.md section 4g): hand-computed cases, a brute force over start years, the checker, bad input.

The hand cases live in ``tests/cases/roadmap_*``: each README derives the schedule and
its discounted savings, ``expected_roadmap.json`` holds the same numbers. The property
test compares the MILP with every assignment of start years on random tiny problems.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import symbiosis
from symbiosis import economics
from symbiosis.analysis.roadmap import earliest_year
from symbiosis.analysis.roadmap_check import check_roadmap
from symbiosis.cli import app
from symbiosis.model.roadmap import ScheduleProblem, ScheduleUnit, build_roadmap_model
from symbiosis.schema import SolverSettings
from symbiosis.solver import solve_roadmap
from symbiosis.types import Termination

CASES = Path(__file__).parent / "cases"
ROADMAP_CASES = sorted(p for p in CASES.iterdir() if (p / "expected_roadmap.json").is_file())
runner = CliRunner()
OPTIONS = SolverSettings()


def _expected(case: Path) -> dict:
    return json.loads((case / "expected_roadmap.json").read_text(encoding="utf-8"))


def _planned(case: Path, tmp: Path) -> tuple[Path, symbiosis.Roadmap]:
    exp = _expected(case)
    result = symbiosis.solve(symbiosis.load_scenario(case)).write(tmp / "result")
    return result, symbiosis.roadmap(result, exp["years"], exp["budget_eur_per_year"], out=tmp / "roadmap")


@pytest.mark.parametrize("case", ROADMAP_CASES, ids=lambda p: p.name)
def test_hand_cases(case: Path, tmp_path: Path) -> None:
    """Each unit's start year and the discounted savings of the README's hand computation; the checker agrees."""
    exp = _expected(case)
    _, plan = _planned(case, tmp_path)
    assert plan.status == "optimal"
    starts = {u: int(y) for u, y in plan.rows.groupby("start_group")["year"].first().items()}
    assert starts == exp["starts"], f"see tests/cases/{case.name}/README.md"
    assert plan.meta["discounted_savings_eur"] == pytest.approx(exp["discounted_savings_eur"], rel=1e-6)
    report = check_roadmap(symbiosis.load_scenario(case), tmp_path / "roadmap")
    assert report.ok, report.violations
    assert report.objective == pytest.approx(exp["discounted_savings_eur"], rel=1e-6)
    for name in ("roadmap.csv", "years.csv", "roadmap.json", "roadmap.png", "roadmap.svg", "roadmap.html"):
        assert (tmp_path / "roadmap" / name).is_file(), name


def test_three_matches_by_year(tmp_path: Path) -> None:
    """roadmap_three, year by year (README): one-offs 57,821.44 / 43,366.08 / 10,000 / 0 / 0 within 70,000; savings running."""
    _, plan = _planned(CASES / "roadmap_three", tmp_path)
    years = plan.years
    assert list(years["one_off_eur"]) == pytest.approx([57821.44172, 43366.08129, 10000.0, 0.0, 0.0], rel=1e-9)
    running = [23429.35003, 23429.35003 + 18822.01252, 50287.93968, 50287.93968, 50287.93968]
    assert list(years["savings_eur_per_year"]) == pytest.approx(running, rel=1e-9)
    assert float(years["discounted_savings_eur"].sum()) == pytest.approx(194094.0121158921, rel=1e-9)
    b = plan.rows[plan.rows["supply_stream"] == "printer_board"].iloc[0]
    assert (b["route"], b["lead_time_months"], b["earliest_year"], b["one_off_eur"]) == ("raw_material_declaration", 14.0, 2, 10000.0)
    # No budget: every unit at its earliest year (the README's "without yearly_budget").
    free = symbiosis.roadmap(tmp_path / "result", 5)
    assert free.meta["discounted_savings_eur"] == pytest.approx(_expected(CASES / "roadmap_three")["without"]["yearly_budget"], rel=1e-9)


def test_checker_catches_a_broken_roadmap(tmp_path: Path) -> None:
    """A budget broken, a start before the lead time, a split unit and a wrong sum are each named."""
    _planned(CASES / "roadmap_three", tmp_path)
    sc = symbiosis.load_scenario(CASES / "roadmap_three")
    folder = tmp_path / "roadmap"
    rows = pd.read_csv(folder / "roadmap.csv")
    rows.loc[rows["supply_stream"] == "laundry_heat", "year"] = 0  # both pipes in year 0: 101,187 > 70,000
    rows.loc[rows["supply_stream"] == "printer_board", "year"] = 1  # before its 14 months
    rows.to_csv(folder / "roadmap.csv", index=False)
    v = check_roadmap(sc, folder).violations
    assert any("above the yearly budget of 70,000.00 EUR" in x for x in v), v
    assert any("starts in year 1, before its lead time allows (year 2)" in x for x in v), v
    assert any("discounted_savings_eur" in x for x in v), v
    meta = json.loads((folder / "roadmap.json").read_text())
    meta["discounted_savings_eur"] += 1000
    (folder / "roadmap.json").write_text(json.dumps(meta))
    assert any(x.startswith("roadmap.json: discounted_savings_eur") for x in check_roadmap(sc, folder).violations)


def test_checker_recomputes_one_offs_from_the_scenario(tmp_path: Path) -> None:
    """A one-off that is not the pipe (capex x 1000 x d) plus the route is caught; so is a wrong lead time."""
    _planned(CASES / "roadmap_three", tmp_path)
    folder = tmp_path / "roadmap"
    rows = pd.read_csv(folder / "roadmap.csv")
    rows.loc[rows["supply_stream"] == "bakery_heat", "one_off_eur"] = 1.0
    rows.loc[rows["supply_stream"] == "printer_board", "lead_time_months"] = 2.0
    rows.to_csv(folder / "roadmap.csv", index=False)
    v = check_roadmap(symbiosis.load_scenario(CASES / "roadmap_three"), folder).violations
    assert any("one_off_eur 1.0 but recomputed 57821.44" in x for x in v), v
    assert any("lead_time_months 2" in x and "but recomputed 14" in x for x in v), v


def test_cli_roadmap_and_check(tmp_path: Path) -> None:
    result = symbiosis.solve(symbiosis.load_scenario(CASES / "roadmap_three")).write(tmp_path / "result")
    res = runner.invoke(app, ["roadmap", str(result), "--out", str(tmp_path / "r"), "--years", "5", "--budget", "70000"])
    assert res.exit_code == 0, res.output
    assert "discounted savings: 194,094 EUR" in res.output
    res = runner.invoke(app, ["check", str(CASES / "roadmap_three"), str(tmp_path / "r")])
    assert res.exit_code == 0 and "discounted savings 194,094 EUR recomputed" in res.output, res.output
    again = runner.invoke(app, ["roadmap", str(result), "--out", str(tmp_path / "r"), "--years", "5", "--budget", "70000"])
    assert again.exit_code == 0  # an earlier roadmap is replaced
    assert (tmp_path / "r" / "roadmap.csv").read_bytes() == (tmp_path / "r" / "roadmap.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--years", "0"], "--years 0: a roadmap needs a horizon of at least 1 year"),
        (["--years", "-2"], "--years -2: a roadmap needs a horizon of at least 1 year"),
        (["--years", "3", "--budget", "-5"], "--budget -5"),
    ],
)
def test_bad_roadmap_input_exits_2(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = symbiosis.solve(symbiosis.load_scenario(CASES / "roadmap_three")).write(tmp_path / "result")
    res = runner.invoke(app, ["roadmap", str(result), "--out", str(tmp_path / "r"), *args])
    assert res.exit_code == 2, res.output
    assert fragment in " ".join(res.output.split())
    assert not (tmp_path / "r").exists()


def test_roadmap_refuses_a_result_folder_as_output_and_an_empty_one_as_input(tmp_path: Path) -> None:
    result = symbiosis.solve(symbiosis.load_scenario(CASES / "roadmap_three")).write(tmp_path / "result")
    res = runner.invoke(app, ["roadmap", str(result), "--out", str(result), "--years", "2"])
    assert res.exit_code == 2 and "holds the input" in res.output
    (tmp_path / "empty").mkdir()
    res = runner.invoke(app, ["roadmap", str(tmp_path / "empty"), "--out", str(tmp_path / "r"), "--years", "2"])
    assert res.exit_code == 2 and "holds no summary.json" in res.output


def test_agreed_one_offs_beyond_the_budget_are_infeasible_and_said(tmp_path: Path) -> None:
    """roadmap_realised with a budget below the agreed route's 2,000 EUR: no schedule, exit 3, the agreed match named."""
    result = symbiosis.solve(symbiosis.load_scenario(CASES / "roadmap_realised")).write(tmp_path / "result")
    res = runner.invoke(app, ["roadmap", str(result), "--out", str(tmp_path / "r"), "--years", "3", "--budget", "1000"])
    assert res.exit_code == 3, res.output
    meta = json.loads((tmp_path / "r" / "roadmap.json").read_text())
    assert meta["status"] == "infeasible"
    assert any("printer_board -> mill_board (2,000 EUR)" in n for n in meta["notes"]), meta["notes"]


def test_earliest_year() -> None:
    """Lead time in months -> first year: 0 -> 0, 1..12 -> 1, 13..24 -> 2 (year 0 is now)."""
    assert [earliest_year(m) for m in (0, 0.5, 1, 12, 12.5, 14, 24, 25)] == [0, 1, 1, 1, 2, 2, 2, 3]


# --------------------------------------------------------------------------- brute force


def brute_force(p: ScheduleProblem) -> float | None:
    """The best discounted savings over every assignment of start years (None: never started), or None when none is feasible."""
    choices = []
    for u in p.units:
        if u.realised:
            choices.append([0])
        else:
            years = list(range(u.earliest_year, p.years))
            choices.append(years if u.agreed else [None, *years])
    best: float | None = None
    for plan in itertools.product(*choices):
        spent = [0.0] * p.years
        for u, y in zip(p.units, plan):
            if y is not None:
                spent[y] += u.one_off_eur
        if p.budget_eur_per_year is not None and any(s > p.budget_eur_per_year + 1e-6 for s in spent):
            continue
        value = sum(economics.discounted_savings(u.savings_eur_per_year, y, p.years, p.rate) for u, y in zip(p.units, plan) if y is not None)
        best = value if best is None else max(best, value)
    return best


@st.composite
def problems(draw: st.DrawFn) -> ScheduleProblem:
    years = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    units = []
    for i in range(n):
        stage = draw(st.sampled_from(["proposed", "proposed", "agreed", "realised"]))
        units.append(
            ScheduleUnit(
                f"u{i}",
                float(draw(st.sampled_from([0, 1000, 2500, 4000, 7000]))),
                float(draw(st.integers(-3000, 9000))),
                draw(st.integers(0, years)),
                stage == "realised",
                stage == "agreed",
            )
        )
    budget = draw(st.one_of(st.none(), st.sampled_from([0.0, 2000.0, 5000.0, 8000.0])))
    rate = draw(st.sampled_from([0.0, 0.05, 0.1]))
    return ScheduleProblem(tuple(units), years, budget, rate)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_roadmap_milp_matches_brute_force(p: ScheduleProblem) -> None:
    """The MILP's discounted savings equal the best of every assignment of start years (or both find none)."""
    want = brute_force(p)
    got = solve_roadmap(build_roadmap_model(p), OPTIONS)
    if want is None:
        assert got.termination is Termination.infeasible
        return
    assert got.termination is Termination.optimal
    assert got.objective == pytest.approx(want, rel=1e-6, abs=1e-4)
    # The schedule it returns holds every rule and is worth what it says.
    spent = [0.0] * p.years
    value = 0.0
    for k, u in enumerate(p.units):
        y = got.starts[k]
        if u.realised:
            assert y == 0
        if y is not None:
            assert y >= (0 if u.realised else u.earliest_year)
            spent[y] += u.one_off_eur
            value += economics.discounted_savings(u.savings_eur_per_year, y, p.years, p.rate)
        elif u.agreed:
            pytest.fail(f"agreed unit {u.key} not started")
    if p.budget_eur_per_year is not None:
        assert max(spent) <= p.budget_eur_per_year + 1e-6
    assert value == pytest.approx(want, rel=1e-6, abs=1e-4)


def test_discounted_savings_formula() -> None:
    """S x sum_{k=t}^{N-1} (1+r)^-k, by hand: 1000 from year 1 of 3 at 10 %: 1000/1.1 + 1000/1.21 = 1735.537..."""
    assert economics.discounted_savings(1000.0, 1, 3, 0.1) == pytest.approx(1000 / 1.1 + 1000 / 1.21)
    assert economics.discounted_savings(1000.0, 3, 3, 0.1) == 0.0
    assert math.isclose(economics.discount(0.05, 2), 1 / 1.1025)
