"""The turn-3 rule for the exchanges into one peak demand (DESIGN.md section 4, "Savings per match").

The exchanges into one peak demand share its net surplus by their stand-alone reductions
r_a, and a match's quantity is its share of the cut, so per-match and per-company figures
depend only on the data and on the links chosen, never on how the flows are spread over
slots that set no peak. Values by hand in ``tests/cases/peak_two_suppliers/README.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import symbiosis
from symbiosis.analysis.check import check_result
from symbiosis.analysis.fixed import evaluate_network, network_of, network_scenario
from symbiosis.candidates import Decisions, build_candidates
from symbiosis.results import Outcome, build_result
from symbiosis.types import Status

CASE = Path(__file__).parent / "cases" / "peak_two_suppliers"
HAASRODE = Path(__file__).parent.parent / "scenarios" / "haasrode"
EXPECTED = json.loads((CASE / "expected.json").read_text(encoding="utf-8"))


def _with_flows(evening: dict[str, float], night: dict[str, float]):
    """The case's result for one of its equal optima: both links built, the given evening and night flows."""
    scenario = symbiosis.load_scenario(CASE)
    c = build_candidates(scenario, keep_all=True)
    flows = []
    for s, slots in zip(c.arcs["supply_stream"], [c.slots[s] for s in c.arcs["supply_stream"]]):
        x = np.zeros(len(slots))
        x[slots.index("evening")] = evening[s]
        x[slots.index("night")] = night[s]
        flows.append(x)
    n = len(c.arcs)
    decisions = Decisions(flows, np.ones(n), np.zeros(len(c.options)), np.zeros(len(c.memberships)))
    outcome = Outcome(Status.optimal, 11750.0, 11750.0, 0.0, 0.0)
    return scenario, build_result(scenario, c, decisions, outcome, 0.0)


# Two optima of the case: the office takes the smallest and the largest evening share it can.
OPTIMUM_A = ({"office_spare_spaces": 25.0, "hotel_spare_spaces": 30.0}, {"office_spare_spaces": 0.0, "hotel_spare_spaces": 50.0})
OPTIMUM_B = ({"office_spare_spaces": 40.0, "hotel_spare_spaces": 15.0}, {"office_spare_spaces": 40.0, "hotel_spare_spaces": 0.0})


@pytest.mark.parametrize("flows", [OPTIMUM_A, OPTIMUM_B], ids=["office-least", "office-most"])
def test_figures_by_hand_whichever_optimum(flows, tmp_path: Path) -> None:
    """Per match and per company, the figures of the README, for either optimum; the checker agrees.

    Under the old rule (shares by the flows) optimum A gave the office 11 750 x 25/105 and B 11 750 x 80/95.
    """
    scenario, result = _with_flows(*flows)
    assert result.summary.net_savings_eur_per_year == pytest.approx(EXPECTED["net_savings_eur_per_year"])
    m = result.matches.set_index("supply_stream")
    for want in EXPECTED["matches"]:
        row = m.loc[want["supply_stream"]]
        assert float(row["savings_eur_per_year"]) == pytest.approx(want["savings_eur_per_year"], rel=1e-9)
        assert float(row["quantity"]) == pytest.approx(want["quantity"], rel=1e-9)
    companies = result.companies.set_index("company")
    for cid, want in EXPECTED["companies"].items():
        assert float(companies.loc[cid, "savings_eur_per_year"]) == pytest.approx(want["savings_eur_per_year"], rel=1e-9)
        assert float(companies.loc[cid, "co2_avoided_t_per_year"]) == pytest.approx(want["co2_avoided_t_per_year"], rel=1e-9)
    result.write(tmp_path / "out")
    report = check_result(scenario, tmp_path / "out")
    assert report.ok, report.violations


def test_equal_optima_write_equal_matches_and_companies(tmp_path: Path) -> None:
    """Two optima that differ only in their flows write byte-identical matches.csv and companies.csv."""
    _, a = _with_flows(*OPTIMUM_A)
    _, b = _with_flows(*OPTIMUM_B)
    a.write(tmp_path / "a")
    b.write(tmp_path / "b")
    for name in ("matches.csv", "companies.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "flows.csv").read_bytes() != (tmp_path / "b" / "flows.csv").read_bytes()


def test_solved_case_and_reordered_streams_agree() -> None:
    """The case solved as written and with its streams in the reverse order (another optimum path) give the README's figures."""
    scenario = symbiosis.load_scenario(CASE)
    for sc in (scenario, scenario.replaced(streams=tuple(reversed(scenario.streams)))):
        r = symbiosis.solve(sc)
        got = {s: float(v) for s, v in zip(r.matches["supply_stream"], r.matches["savings_eur_per_year"])}
        assert got == pytest.approx({m["supply_stream"]: m["savings_eur_per_year"] for m in EXPECTED["matches"]})


def test_a_checker_fed_the_old_split_finds_it(tmp_path: Path) -> None:
    """A matches.csv split by the flows (the old rule) fails the check: the checker recomputes the turn-3 rule."""
    scenario, result = _with_flows(*OPTIMUM_B)
    result.write(tmp_path / "out")
    path = tmp_path / "out" / "matches.csv"
    m = pd.read_csv(path)
    office = m["supply_stream"] == "office_spare_spaces"
    m.loc[office, "savings_eur_per_year"] = 11750.0 * 80 / 95
    m.loc[~office, "savings_eur_per_year"] = 11750.0 * 15 / 95
    m.to_csv(path, index=False)
    report = check_result(scenario, tmp_path / "out")
    assert any("office_spare_spaces -> hall_parking: savings" in v for v in report.violations), report.violations


def _sorted(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


def test_evaluate_with_the_network_fixed_equals_solve_on_haasrode() -> None:
    """Evaluate mode (the base network fixed, flows re-optimised, no input changed) gives solve's figures per match and per company."""
    scenario = symbiosis.load_scenario(HAASRODE)
    base = symbiosis.solve(scenario)
    assert base.summary.status.value == "optimal"
    network = network_of(base)
    fixed = evaluate_network(network_scenario(scenario, network), network)
    key = ["kind", "source", "target", "supply_stream", "demand_stream"]
    a, b = _sorted(base.matches, key), _sorted(fixed.matches, key)
    assert list(a[key].itertuples(index=False)) == list(b[key].itertuples(index=False))
    for col in ("savings_eur_per_year", "co2_avoided_t_per_year", "quantity"):
        np.testing.assert_allclose(b[col].to_numpy(float), a[col].to_numpy(float), rtol=1e-7, atol=1e-6, err_msg=col)
    ca = base.companies.set_index("company")
    cb = fixed.companies.set_index("company")
    for cid in cb.index:
        for col in ("savings_eur_per_year", "co2_avoided_t_per_year"):
            assert float(cb.loc[cid, col]) == pytest.approx(float(ca.loc[cid, col]), rel=1e-7, abs=1e-6), (cid, col)


def test_sweep_evaluate_with_zero_width_ranges_equals_solve_on_haasrode() -> None:
    """``sweep --mode evaluate`` with every Haasrode range narrowed to the stream's own value reproduces
    solve's per-match and per-company figures in every sample (the issue's campus -> event_hall finding)."""
    scenario = symbiosis.load_scenario(HAASRODE)
    streams = scenario.stream_by_id
    narrow = tuple(u.replaced(low=getattr(streams[u.stream], u.field), high=getattr(streams[u.stream], u.field)) for u in scenario.uncertainty)
    sc = scenario.replaced(uncertainty=narrow)
    base = symbiosis.solve(sc)
    sw = symbiosis.sweep(sc, samples=2, seed=3, mode="evaluate", workers=0)
    key = ["kind", "source", "target", "supply_stream", "demand_stream"]
    want = base.matches.fillna({k: "" for k in key}).set_index(key)["savings_eur_per_year"]
    mr = sw.match_robustness.fillna("").set_index(key)
    assert set(mr.index) == set(want.index)
    for col in ("savings_p10", "savings_p90"):
        got = mr[col].reindex(want.index).to_numpy(float)
        np.testing.assert_allclose(got, want.to_numpy(float), rtol=1e-7, atol=1e-6, err_msg=col)
    companies = base.companies.set_index("company")
    for r in sw.company_robustness.itertuples(index=False):
        assert r.savings_p10 == pytest.approx(float(companies.loc[r.company, "savings_eur_per_year"]), rel=1e-7, abs=1e-6), r.company
        assert r.savings_p90 == pytest.approx(float(companies.loc[r.company, "savings_eur_per_year"]), rel=1e-7, abs=1e-6), r.company
    row = base.matches[(base.matches["supply_stream"] == "campus_park_spare") & (base.matches["demand_stream"] == "event_hall_park_need")]
    assert len(row) == 1
