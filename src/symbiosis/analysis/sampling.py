"""Draws of the uncertain inputs, the scenario of one sample, and grids over settings.

Sample i draws one uniform number per row of ``uncertainty.csv`` from
``numpy.random.default_rng([seed, i])``: a stream that depends on the seed and i
alone, so that a sample is the same whichever worker draws it and however many
samples there are. Each number becomes a value through the inverse distribution
function (scipy.stats ``uniform`` or ``triang`` with its mode at the stream's own
value); a zero-width range gives its one value exactly. Every grid point uses the
same draws (common random numbers), so points differ only by their settings.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from symbiosis.errors import SettingsError
from symbiosis.schema import Scenario, Uncertainty


def input_names(scenario: Scenario) -> list[str]:
    """The uncertain inputs, ``stream:field``, in the order of ``uncertainty.csv``."""
    return [f"{u.stream}:{u.field}" for u in scenario.uncertainty]


def draw(scenario: Scenario, seed: int, indices: Sequence[int]) -> np.ndarray:
    """The values of every uncertain input (columns) in the samples ``indices`` (rows)."""
    rows = scenario.uncertainty
    u = np.array([np.random.default_rng([seed, int(i)]).random(len(rows)) for i in indices], dtype=float).reshape(len(indices), len(rows))
    out = np.empty_like(u)
    for j, r in enumerate(rows):
        out[:, j] = _values(r, getattr(scenario.stream_by_id[r.stream], r.field), u[:, j])
    return out


def _values(r: Uncertainty, own: float, u: np.ndarray) -> np.ndarray:
    width = r.high - r.low
    if width <= 0:
        return np.full(len(u), r.low)
    if r.distribution == "triangular":
        values = stats.triang(c=(own - r.low) / width, loc=r.low, scale=width).ppf(u)
    else:
        values = stats.uniform(loc=r.low, scale=width).ppf(u)
    return np.clip(np.asarray(values, dtype=float), r.low, r.high)


def range_mean(r: Uncertainty, own: float) -> float:
    """The mean of a range: (low + high) / 2 uniform, (low + mode + high) / 3 triangular (mode: the stream's own value)."""
    if r.distribution == "triangular":
        return (r.low + own + r.high) / 3.0
    return (r.low + r.high) / 2.0


def sample_scenario(scenario: Scenario, values: Sequence[float], rows: Sequence[Uncertainty] | None = None) -> Scenario:
    """The scenario with the uncertain stream fields set to ``values`` (validated again).

    ``rows`` are the ranges the values belong to (default: the scenario's own); a
    range on a stream the scenario does not hold is skipped (a reduced scenario).
    """
    rows = scenario.uncertainty if rows is None else rows
    at = {s.id: i for i, s in enumerate(scenario.streams)}
    changes: dict[int, dict[str, float]] = {}
    for r, v in zip(rows, values):
        if r.stream in at:
            changes.setdefault(at[r.stream], {})[r.field] = float(v)
    if not changes:
        return scenario
    streams = list(scenario.streams)
    for i, fields in changes.items():
        streams[i] = streams[i].replaced(**fields)
    return scenario.replaced(streams=tuple(streams))


def grid_points(scenario: Scenario, grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in the order given; a bad value raises ``SettingsError``."""
    for key, values in grid.items():
        if not values:
            raise SettingsError(f"--grid {key}: give at least one value, e.g. --grid {key}=0,100")
        for v in values:
            try:
                scenario.with_settings(**{key: v})
            except SettingsError as exc:
                raise SettingsError(f"--grid {key}={v}: {exc}") from None
    keys = list(grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]
