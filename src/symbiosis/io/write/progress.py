"""A programme's progress (DESIGN.md section 4g): the savings of the matches at each stage against the network's.

Read from a result's ``matches.csv`` (its ``stage`` column) by the report, the CLI and
the roadmap page alike. A network whose matches are all ``proposed`` (no progress.csv)
has no progress to show.
"""

from __future__ import annotations

import pandas as pd

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
        f"{stage} {int(t.loc[stage, 'n_matches'])} match(es), {t.loc[stage, 'savings_eur_per_year']:,.0f} EUR/yr ({t.loc[stage, 'share_of_network']:.0%})"
        for stage in ("realised", "agreed")
    ]
    return f"progress: {'; '.join(done)} of the network's {total:,.0f} EUR/yr"


def progress_html(matches: pd.DataFrame, esc: object) -> str | None:
    """The report's progress section body: a table of the stages; None without progress. ``esc`` escapes text for HTML."""
    if not has_progress(matches):
        return None
    quote = esc if callable(esc) else str
    t = stage_totals(matches)
    total = float(matches["savings_eur_per_year"].astype(float).sum())
    rows = "".join(
        f'<tr id="progress-{quote(r.stage)}"><td>{quote(r.stage)}</td><td class="num">{r.n_matches}</td>'
        f'<td class="num">{r.savings_eur_per_year:,.0f}</td><td class="num">{r.share_of_network:.1%}</td></tr>'
        for r in t.itertuples(index=False)
    )
    return (
        f'<p class="meta">The network saves {total:,.0f} EUR/yr; the stage of each match comes from progress.csv '
        "(agreed and realised matches are held in every network, rejected ones are no candidates).</p>"
        '<table id="progress-table"><thead><tr><th>stage</th><th>matches</th><th>savings, EUR/yr</th><th>share of the network</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
