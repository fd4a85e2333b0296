"""Sweeps solve again only the parts a sample changes (``solver.reuse``; values worked out by hand)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import HAASRODE, ROOT
from symbiosis import api
from symbiosis.analysis.optimise import optimise, optimise_reusing
from symbiosis.analysis.sampling import draw, sample_scenario
from symbiosis.candidates import build_candidates, split_components
from symbiosis.io.read import load_scenario
from symbiosis.solver.reuse import part_key
from symbiosis.types import WEIGHTED, Objective

THREE_PARTS = ROOT / "tests" / "sweep_cases" / "three_parts"


def _streams(part: object) -> set[str]:
    c = part.candidates  # type: ignore[attr-defined]
    return set(c.arcs["supply_stream"]) | set(c.arcs["demand_stream"]) | set(c.memberships["demand_stream"]) | set(c.options["facility"])


def test_a_sweep_that_changes_one_part_gives_the_samples_of_solving_everything(tmp_path: Path) -> None:
    """tests/sweep_cases/three_parts/README.md: net savings 2400 + max(0, 100 p - 1000); one part of three solved per sample."""
    n = 40
    reused = api.sweep(THREE_PARTS, n, seed=5, workers=0)
    full = api.sweep(THREE_PARTS, n, seed=5, workers=0, reuse=False)
    assert reused.sample_parts == ((1, 2),) * n  # the pallets part solved, cardboard and scrap kept
    assert full.sample_parts == ((3, 0),) * n
    p = reused.samples["b_pallets:price_eur_per_unit"].to_numpy(dtype=float)
    assert (p <= 10).any() and (p > 10).any()  # both sides of the break-even are drawn
    expected = 2400 + np.maximum(0.0, 100 * p - 1000)
    assert np.abs(reused.samples["net_savings_eur_per_year"].to_numpy(dtype=float) - expected).max() <= 1e-9 * expected.max()
    assert (reused.samples["counted"] == "yes").all()
    # The same files, byte for byte.
    a, b = reused.write(tmp_path / "reused", report=False), full.write(tmp_path / "full", report=False)
    for name in ("samples.csv", "match_robustness.csv", "company_robustness.csv", "drivers.csv", "sweep.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_the_base_solutions_reach_dask_workers() -> None:
    """On a worker the same part is kept as in this process, and the samples are the same."""
    here = api.sweep(THREE_PARTS, 6, seed=2, workers=0)
    there = api.sweep(THREE_PARTS, 6, seed=2, workers=1)
    assert there.sample_parts == ((1, 2),) * 6
    assert there.samples.to_csv(index=False) == here.samples.to_csv(index=False)


def test_a_part_is_kept_only_when_it_holds_no_drawn_stream() -> None:
    """Haasrode: a sample changes exactly the parts that hold a stream named in uncertainty.csv (the others are built identically)."""
    sc = load_scenario(HAASRODE)
    start = sc.replaced(uncertainty=())
    drawn = {u.stream for u in sc.uncertainty}
    base = {part_key(p.candidates, sc.settings, WEIGHTED) for p in split_components(build_candidates(sc))}
    values = draw(sc, 0, range(3))
    for i in range(3):
        parts = split_components(build_candidates(sample_scenario(start, values[i].tolist(), sc.uncertainty)))
        for part in parts:
            kept = part_key(part.candidates, sc.settings, WEIGHTED) in base
            assert kept == (not (_streams(part) & drawn)), sorted(_streams(part))[:3]
        assert sum(not (_streams(p) & drawn) for p in parts) == 7  # parking, office space, wood, hall space and the three pools


def test_a_setting_that_every_part_uses_changes_every_key() -> None:
    sc = load_scenario(THREE_PARTS)
    parts = split_components(build_candidates(sc))
    keys = [part_key(p.candidates, sc.settings, WEIGHTED) for p in parts]
    assert len(set(keys)) == 3
    # Built again from a copy of the scenario: the same keys.
    again = split_components(build_candidates(sc.replaced(streams=tuple(sc.streams))))
    assert [part_key(p.candidates, sc.settings, WEIGHTED) for p in again] == keys
    for changed in (sc.with_settings(link_fixed_cost_eur_per_year=999), sc.with_settings(**{"solver.mip_rel_gap": 1e-6})):
        other = [part_key(p.candidates, changed.settings, WEIGHTED) for p in split_components(build_candidates(changed))]
        assert not set(other) & set(keys)
    # A floor couples the parts: nothing is keyed, so nothing is reused.
    assert part_key(parts[0].candidates, sc.settings, Objective(floors=(("savings_eur", 0.0),))) is None


def test_a_solve_that_reuses_gives_the_result_of_a_full_solve() -> None:
    """Everything after the parts (assignment, settled flows, the result's figures) runs as in a full solve."""
    sc = load_scenario(THREE_PARTS)
    base = optimise_reusing(sc)
    assert len(base.known) == 3 and base.parts_solved == 3
    sample = sc.replaced(streams=tuple(s.replaced(price_eur_per_unit=12.5) if s.id == "b_pallets" else s for s in sc.streams))
    again = optimise_reusing(sample, base.known, remember=False)
    assert (again.parts_solved, again.parts_reused) == (1, 2)
    full = optimise(sample)
    assert again.result.summary.net_savings_eur_per_year == full.summary.net_savings_eur_per_year == pytest.approx(2400 + 250)
    assert again.result.matches.to_csv(index=False) == full.matches.to_csv(index=False)
    assert again.result.companies.to_csv(index=False) == full.companies.to_csv(index=False)
