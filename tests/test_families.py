"""Every constraint family of the model binds in a hand-computed case.

Each case's ``expected.json`` names, under ``binds``, the families that shape its
optimum. For each named family the case is solved again without it: a constraint
family must then give a different optimum (better, or no bounded optimum at all);
a valid inequality (a tightening) must give the same optimum but a weaker LP
relaxation bound. A registered family that no case names fails the test, so a new
family cannot land without a case in which it binds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyomo.environ as pyo
import pytest

import symbiosis
from symbiosis.candidates import build_candidates, split_components
from symbiosis.io.read import load_scenario
from symbiosis.model import FAMILIES, build_model
from symbiosis.solver import solve_model

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expected.json").is_file())


def _binds(case: Path) -> list[str]:
    return list(json.loads((case / "expected.json").read_text(encoding="utf-8")).get("binds", []))


def _optimum(case: Path, without: tuple[str, ...] = (), relax: bool = False) -> float | None:
    """The case's optimum (or LP bound) without some families; None when there is no bounded optimum."""
    scenario = load_scenario(case)
    total = 0.0
    for part in split_components(build_candidates(scenario)):
        handle = build_model(part.candidates, scenario.settings, without=without)
        if relax:
            pyo.TransformationFactory("core.relax_integer_vars").apply_to(handle.model)
        sol = solve_model(handle, scenario.settings.solver)
        if sol.objective is None:
            return None
        total += sol.objective
    return total


PAIRS = [pytest.param(case, name, id=f"{case.name}-{name}") for case in CASES for name in _binds(case)]


def test_every_family_has_a_binding_case() -> None:
    named = {name for case in CASES for name in _binds(case)}
    missing = sorted(set(FAMILIES) - named)
    assert not missing, f"families without a case in tests/cases that binds them: {missing}"
    unknown = sorted(named - set(FAMILIES))
    assert not unknown, f"expected.json names unknown families: {unknown}"


@pytest.mark.parametrize(("case", "name"), PAIRS)
def test_family_binds(case: Path, name: str) -> None:
    base = _optimum(case)
    assert base is not None
    without = _optimum(case, (name,))
    if FAMILIES[name].valid_inequality:
        assert without == pytest.approx(base, rel=1e-9, abs=1e-6), f"{name} is a valid inequality: removing it must keep the optimum"
        lp_with, lp_without = _optimum(case, relax=True), _optimum(case, (name,), relax=True)
        assert lp_with is not None and lp_without is not None
        assert lp_without > lp_with + 1e-6, f"{name} does not tighten the LP relaxation of {case.name}"
    else:
        assert without is None or abs(without - base) > 1e-6, f"removing {name} leaves the optimum of {case.name} unchanged: it does not bind there"


# --------------------------------------------------------------------------- the roadmap's families (DESIGN.md section 4g)

ROADMAP_CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expected_roadmap.json").is_file())


def _roadmap(case: Path) -> dict:
    return json.loads((case / "expected_roadmap.json").read_text(encoding="utf-8"))


def _roadmap_optimum(case: Path, tmp: Path, without: tuple[str, ...] = ()) -> float | None:
    """The discounted savings of a roadmap case's schedule without some families; None when there is no schedule."""
    from symbiosis.analysis.roadmap import schedule_problem
    from symbiosis.io.read.results import read_result
    from symbiosis.model.roadmap import build_roadmap_model
    from symbiosis.solver import solve_roadmap
    from symbiosis.types import Termination

    exp = _roadmap(case)
    scenario = load_scenario(case)
    folder = symbiosis.solve(scenario).write(tmp / f"result-{'-'.join(without) or 'all'}")
    _, _, problem, _ = schedule_problem(read_result(folder), exp["years"], exp["budget_eur_per_year"], scenario.settings.annualisation.rate)
    sol = solve_roadmap(build_roadmap_model(problem, without=without), scenario.settings.solver)
    return sol.objective if sol.termination is Termination.optimal else None


def test_every_roadmap_family_has_a_binding_case() -> None:
    from symbiosis.model.roadmap import ROADMAP_FAMILIES

    named = {name for case in ROADMAP_CASES for name in _roadmap(case)["binds"]}
    assert not sorted(set(ROADMAP_FAMILIES) - named), f"roadmap families without a case that binds them: {sorted(set(ROADMAP_FAMILIES) - named)}"
    assert not sorted(named - set(ROADMAP_FAMILIES)), f"expected_roadmap.json names unknown families: {sorted(named - set(ROADMAP_FAMILIES))}"


@pytest.mark.parametrize(("case", "name"), [pytest.param(c, n, id=f"{c.name}-{n}") for c in ROADMAP_CASES for n in _roadmap(c)["binds"]])
def test_roadmap_family_binds(case: Path, name: str, tmp_path: Path) -> None:
    """Without the family the roadmap's optimum changes (to the value the case's README derives, where it gives one)."""
    base = _roadmap_optimum(case, tmp_path)
    assert base == pytest.approx(_roadmap(case)["discounted_savings_eur"], rel=1e-6)
    without = _roadmap_optimum(case, tmp_path, (name,))
    assert without is None or abs(without - base) > 1e-6, f"removing {name} leaves the roadmap of {case.name} unchanged"
    derived = _roadmap(case).get("without", {}).get(name)
    if derived is not None:
        assert without == pytest.approx(derived, rel=1e-6)
