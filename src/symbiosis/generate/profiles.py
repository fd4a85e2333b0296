"""Profile shapes of the generated streams: monthly heat, hourly parking need, and the
parking deficit and spare shapes of a firm whose own lot is u times its peak need.

The shapes are those of ``scenarios/haasrode/profiles.csv``. Heat profiles run over the
twelve months (``jan`` .. ``dec``), parking profiles over 48 hours of a working day and
a weekend day (``wd00`` .. ``we23``).
"""

from __future__ import annotations

import functools

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
HOURS = tuple(f"wd{h:02d}" for h in range(24)) + tuple(f"we{h:02d}" for h in range(24))

HEAT_SHAPES: dict[str, tuple[float, ...]] = {
    "heat_space_office": (16.14, 14.29, 12.43, 8.72, 5.01, 2.23, 1.3, 1.3, 3.15, 7.79, 12.43, 15.21),
    "heat_space_campus": (16.14, 14.29, 12.43, 8.72, 5.01, 2.23, 0.71, 0.71, 3.15, 7.79, 12.43, 15.21),
    "heat_process_demand": (12.67, 11.64, 10.61, 8.55, 6.49, 4.94, 4.42, 4.42, 5.46, 8.03, 10.61, 12.16),
    "heat_process_supply": (1, 1, 1, 1, 1, 1, 0.95, 0.75, 1, 1, 1, 0.9),
    "heat_wwtp": (1.05, 1.05, 1, 1, 0.95, 0.95, 0.95, 0.95, 0.95, 1, 1.05, 1.1),
    "heat_coldstore": (0.75, 0.75, 0.85, 0.95, 1.05, 1.2, 1.3, 1.3, 1.1, 0.95, 0.8, 0.75),
}
_ZERO6 = (0.0,) * 6
NEED_SHAPES: dict[str, tuple[float, ...]] = {
    "office": (0.02,) * 5 + (0.03, 0.08, 0.3, 0.7, 0.95, 1, 1, 0.9, 0.95, 1, 0.95, 0.8, 0.55, 0.25, 0.1, 0.05, 0.03, 0.02, 0.02)
    + (0.02,) * 7 + (0.04, 0.06) + (0.08,) * 6 + (0.06, 0.05, 0.04, 0.03) + (0.02,) * 5,
    "shift": (0.35,) * 6 + (0.6, 0.85, 0.95, 1, 1, 1, 0.95, 0.95, 1, 0.65, 0.6, 0.55, 0.5, 0.5, 0.5, 0.5, 0.55, 0.35)
    + (0.3,) * 6 + (0.4,) + (0.35,) * 15 + (0.4, 0.3),
    "campus": _ZERO6 + (0.02, 0.2, 0.7, 1, 1, 0.95, 0.9, 1, 1, 0.9, 0.7, 0.5, 0.45, 0.45, 0.4, 0.3, 0.05, 0)
    + _ZERO6 + (0, 0, 0.15, 0.2, 0.2, 0.2, 0.15, 0.1, 0.05, 0.03) + (0.0,) * 8,
    "event": (0.0,) * 8 + (0.05,) * 9 + (0.15, 0.45, 0.9, 1, 1, 0.7, 0.3)
    + (0.0,) * 8 + (0.2, 0.6, 0.9, 1, 1, 1, 1, 1, 1, 0.9, 0.8, 0.9, 0.9, 0.9, 0.6, 0.2),
    "catering": _ZERO6 + (0.5, 0.8, 0.9, 0.9, 1, 1, 1, 0.9, 0.6, 0.4, 0.2, 0.05) + _ZERO6
    + (0.0,) * 10 + (0.2,) * 4 + (0.0,) * 10,
}
# Own lot / peak need: how many firms have a lot smaller (deficit) or larger than
# their peak (EST; haasrode README: most plots are sized at the peak, some are full).
LOT_RATIOS = (0.7, 0.85, 1.0, 1.1, 1.25)
LOT_PROBS = (0.1, 0.2, 0.3, 0.25, 0.15)
SPARE_BUFFER = 0.1
OFF_HOURS_NEED = 0.3


@functools.cache
def lot_profiles(base: str, u: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Deficit (need beyond the own lot) and spare (lot beyond the need) shapes, per slot.

    Both are fractions of the peak need. A lot is offered whole, less the owner's
    need, in the off-hours (when that need is at most ``OFF_HOURS_NEED`` of its
    peak). In the other hours only a structural surplus is offered: what the lot
    holds beyond the peak need plus a buffer of ``SPARE_BUFFER`` for visitors and
    late arrivals (EST). Offering a handful of spaces in hours when the own lot is
    nearly full would not be a credible contract.
    """
    need = NEED_SHAPES[base]
    deficit = tuple(round(max(0.0, n - u), 3) for n in need)
    always = max(0.0, u - max(need) - SPARE_BUFFER)
    spare = tuple(round(u - n if n <= OFF_HOURS_NEED + 1e-9 else always, 3) for n in need)
    return deficit, spare


def parking_profile(base: str, kind: str, u: float) -> str:
    """The name of a parking profile: ``park_<base>_<deficit|spare>_<u x 100>``."""
    return f"park_{base}_{kind}_{round(u * 100):03d}"


def shape(profile: str) -> tuple[float, ...]:
    """The values of a heat profile or of a parking profile named by ``parking_profile``."""
    if profile in HEAT_SHAPES:
        return HEAT_SHAPES[profile]
    _, base, kind, u = profile.split("_")
    deficit, spare = lot_profiles(base, int(u) / 100)
    return deficit if kind == "deficit" else spare
