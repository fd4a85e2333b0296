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
