"""The parts table: one row per independent part solved, so that a user sees which part holds the gap.

Columns as DESIGN.md section 5 fixes them. ``objective`` and ``best_bound`` are the
solver's values for the part (the weighted objective, EUR/yr); over all parts they
sum to the summary's ``best_bound`` (and, up to rounding, its ``objective``).
``n_candidates`` counts candidate exchanges and candidate pool memberships;
``seconds`` is the part's model build plus its HiGHS time (including the LP
relaxation solved for a part the time limit stopped).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from symbiosis.candidates import Part
from symbiosis.schema import Scenario
from symbiosis.types import Solution

PART_COLUMNS = ["part", "resources", "n_streams", "n_candidates", "status", "objective", "best_bound", "mip_gap", "seconds"]


def parts_table(scenario: Scenario, solved: Sequence[tuple[Part, Solution, float]]) -> pd.DataFrame:
    """One row per part, numbered from 1 in the order the parts were split: (part, solution, build seconds)."""
    facility_resource = {f.id: f.resource for f in scenario.facilities}
    rows = []
    for number, (part, sol, build) in enumerate(solved, start=1):
        c = part.candidates
        resources = set(c.arcs["resource"].astype(str)) | {facility_resource[f] for f in c.memberships["facility"]}
        streams = set(c.arcs["supply_stream"]) | set(c.arcs["demand_stream"]) | set(c.memberships["demand_stream"])
        rows.append(
            {
                "part": number,
                "resources": ";".join(sorted(resources)),
                "n_streams": len(streams),
                "n_candidates": len(c.arcs) + len(c.memberships),
                "status": sol.status.value,
                "objective": sol.objective,
                "best_bound": sol.best_bound,
                "mip_gap": sol.mip_gap,
                "seconds": build + sol.solve_seconds,
            }
        )
    return pd.DataFrame(rows, columns=PART_COLUMNS)


def gap_holders(parts: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """The parts holding most of the absolute gap (bound minus incumbent, EUR/yr), largest first, with their share.

    A part without an incumbent counts its whole bound (its decisions are all zero).
    Only parts with a positive gap are listed.
    """
    if parts.empty:
        return parts.assign(gap_eur_per_year=[], share_of_gap=[])
    bound = pd.to_numeric(parts["best_bound"], errors="coerce")
    incumbent = pd.to_numeric(parts["objective"], errors="coerce").fillna(0.0)
    gap = (bound - incumbent).clip(lower=0.0).fillna(0.0)
    total = float(gap.sum())
    out = parts.assign(gap_eur_per_year=gap, share_of_gap=gap / total if total > 0 else 0.0)
    out = out[out["gap_eur_per_year"] > 0]
    return out.sort_values(["gap_eur_per_year", "part"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)
