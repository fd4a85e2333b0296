"""A programme's progress (DESIGN.md section 4g): the savings of the matches at each stage against the network's.

Read from a result's ``matches.csv`` (its ``stage`` column) by the report, the CLI and
the roadmap page alike. A network whose matches are all ``proposed`` (no progress.csv)
has no progress to show.
"""

from __future__ import annotations

import pandas as pd

from symbiosis.io.write.page import Col, Section, number, table
from symbiosis.io.write.page.numbers import fixed

# The stages a match of a network can have, furthest first (a rejected one is never in it).
SHOWN = ("realised", "agreed", "studied", "proposed")
PROGRESS_COLUMNS = ["stage", "n_matches", "savings_eur_per_year", "share_of_network"]


def stage_totals(matches: pd.DataFrame) -> pd.DataFrame:
    """Per stage: the number of matches, their savings (EUR/yr) and their share of the network's savings."""
    stages = matches["stage"].fillna("proposed").replace("", "proposed") if "stage" in matches else pd.Series("proposed", index=matches.index)
    savings = matches["savings_eur_per_year"].astype(float) if len(matches) else pd.Series(dtype=float)
    total = float(savings.sum()) if len(matches) else 0.0
    rows = []
    for stage in SHOWN:
        mask = stages == stage
        value = float(savings[mask].sum()) if len(matches) else 0.0
        rows.append({"stage": stage, "n_matches": int(mask.sum()), "savings_eur_per_year": value, "share_of_network": value / total if total else 0.0})
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def has_progress(matches: pd.DataFrame) -> bool:
    """True when some match has reached a stage beyond ``proposed``."""
    return "stage" in matches and bool((~matches["stage"].fillna("proposed").isin(["", "proposed"])).any())


def progress_line(matches: pd.DataFrame) -> str | None:
    """One sentence: realised and agreed savings against the network's; None without progress."""
    if not has_progress(matches):
        return None
    t = stage_totals(matches).set_index("stage")
    total = float(matches["savings_eur_per_year"].astype(float).sum())
    done = [
        f"{stage} {int(t.loc[stage, 'n_matches'])} match(es), {number(t.loc[stage, 'savings_eur_per_year'], 'money')} EUR/yr ({fixed(100 * t.loc[stage, 'share_of_network'], 0)}%)"
        for stage in ("realised", "agreed")
    ]
    return f"progress: {'; '.join(done)} of the network's {number(total, 'money')} EUR/yr"


def progress_section(matches: pd.DataFrame) -> Section | None:
    """The report's "Progress of the programme" section: matches and savings per stage against the network's; None without progress."""
    if not has_progress(matches):
        return None
    t = stage_totals(matches)
    total = float(matches["savings_eur_per_year"].astype(float).sum())
    caption = (
        f"The network saves {number(total, 'money')} EUR/yr; the stage of each match comes from progress.csv "
        "(agreed and realised matches are held in every network, rejected ones are no candidates)"
    )
    body = table(t, "progress-table", caption, ["stage", "n_matches", "savings_eur_per_year", "share_of_network"], sortable=False, fold=0)
    staged = matches[~matches["stage"].fillna("proposed").isin(["", "proposed"])].copy()
    order = {s: k for k, s in enumerate(SHOWN)}
    staged = staged.assign(_o=[order.get(str(s), 9) for s in staged["stage"]]).sort_values(["_o", "savings_eur_per_year"], ascending=[True, False], kind="stable")
    staged["streams"] = [f"{a} \u2192 {b}" if a else f"{f} \u2192 {b}" for a, f, b in zip(staged["supply_stream"], staged["source"], staged["demand_stream"])]
    cols: list[Col | str] = ["stage", "kind", "source", "target", Col("streams", "Streams (or facility \u2192 demand)", "id"), "savings_eur_per_year"]
    if "route" in staged and (staged["route"].fillna("").astype(str) != "").any():
        cols.append("route")
    body += table(staged, "staged-table", f"The {len(staged)} matches beyond proposed (every other match is proposed; matches.csv has each one's stage)", cols)
    return Section("progress-section", "Progress of the programme", body)
