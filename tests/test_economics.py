"""The formulas of contract section 4, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from symbiosis import economics, measures
from symbiosis.schema import HeatPump, Settings


def test_crf_by_hand() -> None:
    # 0.05 x 1.05^15 / (1.05^15 - 1), 1.05^15 = 2.078928179
    assert economics.crf(0.05, 15) == pytest.approx(0.05 * 2.078928179 / 1.078928179, rel=1e-9)
    assert economics.crf(0.0, 10) == pytest.approx(0.1)


def test_one_degree_of_latitude() -> None:
    assert economics.haversine_km(50.0, 4.7, 51.0, 4.7) == pytest.approx(6371.0088 * math.pi / 180, rel=1e-12)
    assert economics.distance_km(50.0, 4.7, 51.0, 4.7, Settings(detour_factor=1.3)) == pytest.approx(1.3 * 111.19508, rel=1e-6)


def test_heat_pump_cop_by_hand() -> None:
    hp = HeatPump(carnot_fraction=0.5, max_lift_c=60)
    # lift = 50 + 5 - 25 = 30 K; COP = 0.5 x 323.15 / 30
    assert economics.heat_pump_cop(25.0, 50.0, 5.0, hp) == pytest.approx(0.5 * 323.15 / 30)
    assert math.isnan(economics.heat_pump_cop(-20.0, 50.0, 5.0, hp))  # lift 75 > 60
    assert math.isnan(economics.heat_pump_cop(60.0, 50.0, 5.0, hp))  # hot enough: no heat pump
    # COP <= 1 means no candidate: 0.1 x 333.15 / 40 = 0.83
    assert math.isnan(economics.heat_pump_cop(20.0, 60.0, 0.0, HeatPump(carnot_fraction=0.1, max_lift_c=60)))


def test_heat_pump_arc_terms_by_hand() -> None:
    """COP 5: rho 1.25; v = 0 + 1.25 x 60 - 100/4 - 8 x 1.25 = 40; CO2 = 1.25 x 200 - 165/4 = 208.75 kg."""
    st = Settings(heat_pump=HeatPump(electricity_price_eur_per_mwh=100, electricity_co2_kg_per_mwh=165, cost_eur_per_mwh=8))
    t = economics.exchange_terms(
        settings=st, rho=1.0, distance_km=0.5, supply_price=0.0, demand_price=60.0, supply_co2=0.0, demand_co2=200.0,
        road_kg_per_unit=0.0, pipe_capex_eur_per_m=0.0, peak=False, cop=5.0,
    )
    assert float(t.rho) == pytest.approx(1.25)
    assert float(t.value_eur_per_unit) == pytest.approx(40.0)
    assert float(t.co2_kg_per_unit) == pytest.approx(208.75)
    assert float(t.fixed_cost_eur_per_year) == pytest.approx(1000.0)


def test_peak_shares_by_hand() -> None:
    """Need 10/40; inflow 0/30 -> remaining 10, cut 30; 30 x 500 - (100 + 200) = 14 700 shared by stand-alone reductions.

    Supply 1 has 0/20 spare: alone it leaves max(10, 20) = 20, r_1 = 40 - 20 = 20.
    Supply 2 has 10/10 spare: alone it leaves max(0, 30) = 30, r_2 = 40 - 30 = 10.
    Shares 2/3 and 1/3: savings 9 800 and 4 900, CO2 0.2 and 0.1 t, quantities 20 and 10;
    land (25 m2 a space) 500 and 250 m2, shared alike (``measures.peak_values``).
    """
    need = np.array([10.0, 40.0])
    r1 = economics.standalone_reduction(need, 1.0, np.array([0.0, 20.0]))
    r2 = economics.standalone_reduction(need, 1.0, np.array([10.0, 10.0]))
    assert (r1, r2) == (20.0, 10.0)
    cut, shares = economics.peak_cut_shares(need, np.array([0.0, 30.0]), [r1, r2])
    assert measures.peak_values("savings_eur", 500.0, [-100.0, -200.0], cut, shares) == pytest.approx([9800.0, 4900.0])
    assert measures.peak_values("co2_t", 10.0, [0.0, 0.0], cut, shares) == pytest.approx([0.2, 0.1])
    assert [cut * w for w in shares] == pytest.approx([20.0, 10.0])
    assert measures.peak_values("land_freed_m2", 25.0, [0.0, 0.0], cut, shares) == pytest.approx([500.0, 250.0])


def test_peak_shares_even_when_no_link_could_cut_alone() -> None:
    """Every r_a = 0 (a ratio 0.5 supply of 0 in the peak slot): the net surplus is split evenly."""
    need = np.array([5.0, 8.0])
    assert economics.standalone_reduction(need, 0.5, np.array([4.0, 0.0])) == 0.0
    cut, shares = economics.peak_cut_shares(need, np.array([2.0, 0.0]), [0.0, 0.0])
    assert measures.peak_values("savings_eur", 100.0, [-10.0, -30.0], cut, shares) == pytest.approx([-20.0, -20.0])  # cut 0: -(10 + 30) / 2 each
    assert [cut * w for w in shares] == pytest.approx([0.0, 0.0])


def test_shapley_three_members_by_hand() -> None:
    """Values 10, 10, 10; loads 1, 1, 1 (one slot); one option: capacity 2, fixed 6.

    v(single) = 10 - 6 = 4, v(pair) = 20 - 6 = 14, v(all) = 0 + max(0, none fits) -> 0
    (capacity 2 < 3). phi_i = (1/3)(4) + (1/6)(10) + (1/6)(10) + (1/3)(0 - 14) = 4/3 + 10/3 - 14/3 = 0.
    """
    loads = [np.array([1.0])] * 3
    phi, err = economics.shapley_shares([10.0, 10.0, 10.0], loads, [(2.0, 6.0)])
    assert phi == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)
    assert err == 0.0
    phi, _ = economics.shapley_shares([10.0, 10.0, 10.0], loads, [(2.0, 6.0), (3.0, 12.0)])
    # v(all) = 30 - 12 = 18: each gets 18 / 3 by symmetry
    assert phi == pytest.approx([6.0, 6.0, 6.0])


def test_shapley_of_a_pool_built_at_a_loss_sums_to_the_loss() -> None:
    """Values 10, 10; loads 1, 1; one option: capacity 2, fixed 30. Built for its CO2:
    surplus 20 - 30 = -10. v(single) = max(0, 10 - 30) = 0 (it could stay out), v(both) = -10
    (the pool as built), so phi_i = (1/2)(0) + (1/2)(-10 - 0) = -5: the shares sum to the loss."""
    loads = [np.array([1.0])] * 2
    phi, _ = economics.shapley_shares([10.0, 10.0], loads, [(2.0, 30.0)], surplus=-10.0)
    assert phi == pytest.approx([-5.0, -5.0])
    sampled, _ = economics.shapley_shares([10.0, 10.0], loads, [(2.0, 30.0)], samples=50, exact_up_to=0, surplus=-10.0)
    assert sum(sampled) == pytest.approx(-10.0)
    # Without the built surplus, v(N) = max(0, -10) = 0 and the loss would vanish.
    assert economics.shapley_shares([10.0, 10.0], loads, [(2.0, 30.0)])[0] == pytest.approx([0.0, 0.0])

def test_sampled_shapley_is_efficient_and_close_to_exact() -> None:
    """14 members: sampling's mean sums to v(N) exactly, and each share lies near the exact value."""
    rng = np.random.default_rng(7)
    n = 14
    values = list(rng.integers(5, 50, n).astype(float))
    loads = [rng.integers(0, 5, 6).astype(float) for _ in range(n)]
    options = [(20.0, 60.0), (35.0, 120.0), (60.0, 200.0)]
    exact, _ = economics.shapley_shares(values, loads, options, exact_up_to=14)
    sampled, err = economics.shapley_shares(values, loads, options, samples=3000, seed=1, exact_up_to=12)
    v_all = economics.coalition_worth(values, loads, options, list(range(n)))
    assert sum(exact) == pytest.approx(v_all)
    assert sum(sampled) == pytest.approx(v_all)
    assert 0 < err < 5
    for e, s in zip(exact, sampled):
        assert abs(e - s) <= 5 * err + 1e-9
    again, _ = economics.shapley_shares(values, loads, options, samples=3000, seed=1, exact_up_to=12)
    assert again == sampled  # seeded: repeatable
