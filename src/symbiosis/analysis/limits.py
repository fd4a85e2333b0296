"""Limits on runs that an option makes grow: each run's size is estimated before it starts.

A sweep solves its base and every sample at every grid point; a front up to four
models per point asked for; a set of alternatives two per alternative. Above
``MAX_SOLVES`` solves a run is refused before anything is solved, with the estimate
and the flag that allows it (``--max-solves``). What cannot exist is refused whatever
the flag: more points than a front traced to 1/10,000 of the range of its x measure can tell apart.
(A set of alternatives stops by itself where no further network exists.)
"""

from __future__ import annotations

from symbiosis.errors import SettingsError

MAX_SOLVES = 10_000  # about 12 h at Haasrode's 4.5 s a sample on one worker
FRONT_STEP = 1e-4  # the front's refinement step, a share of the range of its x measure (analysis.pareto)
MAX_FRONT_POINTS = round(1 / FRONT_STEP) + 1


def check_solves(what: str, estimate: int, how: str, max_solves: int | None) -> None:
    """Refuse a run of ``estimate`` solves above the limit; ``how`` says how the estimate is made."""
    limit = MAX_SOLVES if max_solves is None else max_solves
    if estimate > limit:
        raise SettingsError(
            f"{what}: {how} = {estimate:,} solves, above the limit of {limit:,}; "
            f"ask for less, or allow it with --max-solves {estimate}"
        )


def sweep_solves(samples: int, grid_sizes: list[int], max_solves: int | None) -> int:
    """The solves of a sweep, (samples + 1) x grid points, refused above the limit; returns the estimate."""
    points = 1
    for n in grid_sizes:
        points *= max(n, 1)
    estimate = points * (samples + 1)
    shown = " x ".join(f"{n:,}" for n in grid_sizes) if grid_sizes else "1"
    check_solves(
        f"--samples {samples:,}" + (f" over a grid of {shown} = {points:,} points" if grid_sizes else ""),
        estimate,
        f"(samples + the base) x grid points = {samples + 1:,} x {points:,}",
        max_solves,
    )
    return estimate


def front_solves(points: int, extra: int, max_solves: int | None, x: str = "co2_t") -> int:
    """The most solves of a front of ``points`` floors and ``extra`` refinements (refused above the limit,
    or beyond what a front along measure ``x`` can tell apart): 2 models a point, and one more for the right end."""
    if points > MAX_FRONT_POINTS:
        raise SettingsError(
            f"--points {points:,}: a front is traced to 1/{round(1 / FRONT_STEP):,} of the range of its x measure ({x}), so it tells apart "
            f"at most {MAX_FRONT_POINTS:,} points; ask for {MAX_FRONT_POINTS:,} or fewer"
        )
    estimate = 2 * (points + max(extra, 0)) + 1
    check_solves(f"--points {points:,}", estimate, f"at most 2 models x ({points:,} points + {max(extra, 0):,} refinements) + 1", max_solves)
    return estimate


def alternatives_solves(k: int, max_solves: int | None) -> int:
    """The most solves of ``k`` alternatives (the search stops early where no further network exists)."""
    estimate = 2 * k + 1
    check_solves(f"--k {k:,}", estimate, f"the optimum + 2 models x {k:,} alternatives", max_solves)
    return estimate
