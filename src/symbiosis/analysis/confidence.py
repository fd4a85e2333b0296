"""How sure a sweep is: 95 % intervals on shares and on driver indices (DESIGN.md section 4c, turn 3).

- A share (k of n samples) gets the Wilson score interval, from
  ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``: unlike the normal
  approximation it stays inside [0, 1] and is not empty at k = 0 or k = n.
- A driver's index is Spearman's rank correlation r_s with net savings. Its interval
  is analytic: Fisher's z = artanh(r_s) is near normal with standard error
  sqrt(1.06 / (n - 3)) for Spearman's coefficient (Fieller, Hartley and Pearson 1957,
  Biometrika 44: 470-481; 1/sqrt(n - 3) is Pearson's), so the interval is
  tanh(z -+ 1.96 sqrt(1.06 / (n - 3))). It needs n >= 4.
- A driver whose interval holds 0 is not distinguishable from noise at this n. The
  samples at which it would be, were its index what it is now, are the n at which the
  half-width reaches |z|: n = 3 + 1.06 (1.96 / |z|)^2. The samples at which the two top
  drivers would separate are estimated alike from the difference of their z, with the
  variance of a difference of two independent estimates (2 x 1.06 / (n - 3)): a rough
  guide (the two share the same net savings), said so where it is printed.
- Many inputs are tested at once: at 95 % each, about 1 in 20 inputs that move nothing
  would still look like a driver. Each index gets the two-sided p-value of the same
  test as its interval (z = artanh(r_s) / sqrt(1.06 / (n - 3)); p < 0.05 exactly when the
  interval excludes 0), and ``distinguishable`` is decided on the Benjamini-Hochberg
  adjusted p-values (Benjamini and Hochberg 1995, JRSS B 57: 289-300) at a false discovery
  rate of 5 %: of the inputs called distinguishable, at most 5 % are expected to be noise.
  The per-driver intervals stay as they are (each at 95 %).
"""

from __future__ import annotations

import math

from scipy import stats

CONFIDENCE = 0.95
Z95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))  # 1.959964
SPEARMAN_VARIANCE = 1.06  # Fieller, Hartley and Pearson (1957): var(artanh r_s) = 1.06 / (n - 3)
MAX_SAMPLES = 10**9  # an index of 0 never separates: no finite n is given


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share of k in n (NaN, NaN when n is 0)."""
    if n <= 0:
        return math.nan, math.nan
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


def spearman_interval(rho: float, n: int) -> tuple[float, float]:
    """The 95 % interval of Spearman's rho over n samples (Fisher's z, Fieller's variance); NaN below 4 samples."""
    if n < 4 or math.isnan(rho):
        return math.nan, math.nan
    if abs(rho) >= 1.0:
        return rho, rho
    z = math.atanh(rho)
    half = Z95 * math.sqrt(SPEARMAN_VARIANCE / (n - 3))
    return math.tanh(z - half), math.tanh(z + half)


FALSE_DISCOVERY_RATE = 0.05


def spearman_p(rho: float, n: int) -> float:
    """Two-sided p-value of Spearman's rho against 0 from Fisher's z with Fieller's variance (the interval's test); NaN below 4 samples."""
    if n < 4 or math.isnan(rho):
        return math.nan
    if abs(rho) >= 1.0:
        return 0.0
    z = abs(math.atanh(rho)) / math.sqrt(SPEARMAN_VARIANCE / (n - 3))
    return float(2.0 * stats.norm.sf(z))


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (step-up): q_(i) = min over j >= i of m p_(j) / j, at most 1, with
    p_(1) <= ... <= p_(m) the m p-values that are not NaN (a NaN stays NaN and is not counted)."""
    known = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    m = len(known)
    out = [math.nan] * len(p_values)
    running = 1.0
    for rank in range(m, 0, -1):
        p, i = known[rank - 1]
        running = min(running, m * p / rank)
        out[i] = running
    return out


def distinguishable(low: float, high: float) -> bool:
    """An index is told apart from noise when its interval lies wholly on one side of 0."""
    return not (math.isnan(low) or math.isnan(high)) and (low > 0 or high < 0)


def samples_to_distinguish(rho: float) -> int | None:
    """About how many samples would put 0 outside the interval of an index of this size (None for 0)."""
    if math.isnan(rho) or rho == 0:
        return None
    z = abs(math.atanh(min(abs(rho), 1 - 1e-12)))
    return _samples(z, 1.0)


def samples_to_separate(rho_1: float, rho_2: float) -> int | None:
    """About how many samples would tell two indices apart (None when they are equal in size)."""
    if math.isnan(rho_1) or math.isnan(rho_2):
        return None
    z = abs(math.atanh(min(abs(rho_1), 1 - 1e-12)) - math.atanh(min(abs(rho_2), 1 - 1e-12)))
    if z == 0:
        return None
    return _samples(z, 2.0)


def _samples(z: float, copies: float) -> int | None:
    n = 3 + copies * SPEARMAN_VARIANCE * (Z95 / z) ** 2
    return None if n > MAX_SAMPLES else math.ceil(n)
