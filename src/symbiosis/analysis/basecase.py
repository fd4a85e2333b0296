"""Where the base case lies among a sweep's samples, and why (DESIGN.md section 4c, turn 3).

The mean net savings of the samples differs from the base case's for three reasons,
measured apart here (EUR/yr), which add up to the whole difference:

1. **ranges**: the ranges are not centred on the base values (a triangular range whose
   mode, the base value, sits near one end has its mean away from it). Measured as
   V_net(means) - V_base: the base network, its flows re-optimised (an LP), with every
   uncertain input at its range's mean, against the base case.
2. **flows**: within the base network, the flows follow each sample. The best flows'
   value is convex in the prices, so its mean over the samples exceeds its value at the
   mean inputs (Jensen's inequality): mean_i V_net(sample i) - V_net(means).
3. **network** (``reoptimise`` only): each sample takes its own best network, worth at
   least the base network there: mean_i V_reopt(sample i) - mean_i V_net(sample i) >= 0,
   the expectation of maxima against the maximum of expectations.

Where the base case lies below P10 or above P90, ``BaseCase.sentence`` says so, with
the three parts and the inputs whose ranges are furthest from centred.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.analysis.fixed import Network, evaluate_network
from symbiosis.analysis.sampling import range_mean, sample_scenario
from symbiosis.results import Result
from symbiosis.schema import Scenario, Uncertainty

OFF_CENTRE = 0.01  # a range whose mean is more than 1 % of its width from the base value is not centred
SHOWN = 3  # off-centre inputs named in the sentence


@dataclass(frozen=True)
class BaseCase:
    """The base case against the counted samples: position, and the three parts of the difference of means."""

    base: float
    p10: float
    p90: float
    mean: float
    ranges: float | None  # V_net(means) - V_base
    flows: float | None  # mean V_net(sample) - V_net(means)
    network: float | None  # mean V_reopt - mean V_net(sample); None in evaluate mode
    off_centre: tuple[tuple[str, float, float], ...]  # (input, base value, range mean), furthest first

    @property
    def position(self) -> str:
        if self.base < self.p10:
            return "below P10"
        if self.base > self.p90:
            return "above P90"
        return "within P10-P90"

    @property
    def sentence(self) -> str | None:
        """What an analyst reads where the base case lies outside P10-P90; None inside."""
        if self.position == "within P10-P90":
            return None
        edge = self.p10 if self.base < self.p10 else self.p90
        text = (
            f"The base case ({_m(self.base)} EUR/yr) lies {self.position} ({_m(edge)}) of the samples; "
            f"their mean is {_m(self.mean)}, {_signed(self.mean - self.base)} from the base. Why: "
        )
        parts = []
        if self.ranges is not None:
            why = f"{_signed(self.ranges)} because the ranges are not centred on the base values"
            if self.off_centre:
                named = ", ".join(f"{n} (base {own:,.4g}, range mean {mean:,.4g})" for n, own, mean in self.off_centre[:SHOWN])
                more = f" and {len(self.off_centre) - SHOWN} more" if len(self.off_centre) > SHOWN else ""
                why += f": {named}{more}"
            parts.append(why)
        if self.flows is not None:
            parts.append(f"{_signed(self.flows)} from the base network's flows following each sample (the mean of the best flows exceeds the best flows at the mean)")
        if self.network is not None:
            parts.append(f"{_signed(self.network)} from re-optimising the network in every sample (each sample's best network beats the base network there)")
        return text + "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position, "base": self.base, "p10": self.p10, "p90": self.p90, "mean": self.mean,
            "from_ranges_not_centred": self.ranges, "from_flows_following_samples": self.flows, "from_reoptimising_the_network": self.network,
            "inputs_not_centred": [{"input": n, "base": own, "range_mean": mean} for n, own, mean in self.off_centre],
            "sentence": self.sentence,
        }


def _m(x: float) -> str:
    return f"{x / 1e6:,.2f} M" if abs(x) >= 1e6 else f"{x:,.0f}"


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "-") + _m(abs(x))


def off_centre(scenario: Scenario, rows: Sequence[Uncertainty], names: Sequence[str]) -> tuple[tuple[str, float, float], ...]:
    """The inputs whose range's mean lies away from the base value, furthest (relative to the width) first."""
    streams = scenario.stream_by_id
    found = []
    for r, name in zip(rows, names):
        s = streams.get(r.stream)
        width = r.high - r.low
        if s is None or width <= 0:
            continue
        own = float(getattr(s, r.field))
        mean = range_mean(r, own)
        if abs(mean - own) > OFF_CENTRE * width:
            found.append((abs(mean - own) / width, name, own, mean))
    found.sort(key=lambda t: (-t[0], t[1]))
    return tuple((n, own, mean) for _, n, own, mean in found)


def base_case(
    base: Result, network: Network, fixed: Scenario | None, samples: pd.DataFrame, mode: str, rows: Sequence[Uncertainty], names: Sequence[str]
) -> BaseCase | None:
    """The base case against the counted samples (None without a base value or a counted sample)."""
    value = base.summary.net_savings_eur_per_year
    counted = samples[samples["counted"] == "yes"]
    y = counted["net_savings_eur_per_year"].to_numpy(dtype=float)
    if value is None or not len(y) or fixed is None:
        return None
    p10, p90 = (float(q) for q in np.percentile(y, [10, 90]))
    streams = base.scenario.stream_by_id
    means = [range_mean(r, float(getattr(streams[r.stream], r.field))) if r.stream in streams else 0.0 for r in rows]
    at_means = evaluate_network(sample_scenario(fixed, means, rows), network).summary.net_savings_eur_per_year
    ranges = None if at_means is None else at_means - value
    if mode == "evaluate":
        flows = None if at_means is None else float(y.mean()) - at_means
        reopt = None
    else:
        both = counted["base_network_net_savings_eur_per_year"].notna().to_numpy()
        net = counted["base_network_net_savings_eur_per_year"].to_numpy(dtype=float)
        flows = None if at_means is None or not both.all() else float(net.mean()) - at_means
        reopt = float((y[both] - net[both]).mean()) if both.all() else None
    return BaseCase(value, p10, p90, float(y.mean()), ranges, flows, reopt, off_centre(base.scenario, rows, names))
