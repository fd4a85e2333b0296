"""Distances on the Earth: the sphere and the great-circle distance every stage uses.

Stage 0: imports nothing from the project, so that the readers, the generator, the
candidate generator and the report measure with the same sphere.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius

F = TypeVar("F", float, np.ndarray)


def haversine_km(lat1: F, lon1: F, lat2: F, lon2: F) -> F:
    """Great-circle distance in km between WGS84 points given in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # type: ignore[no-any-return]
