"""The network of matches as a graph: companies and facilities built as nodes, matches as edges."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from symbiosis.schema import Scenario


def build_network(scenario: Scenario, matches: pd.DataFrame) -> nx.MultiDiGraph:
    """Companies and facilities built as nodes (with coordinates); matches as edges (with their attributes)."""
    g = nx.MultiDiGraph(name=scenario.name)
    for c in sorted(scenario.companies, key=lambda c: c.id):
        g.add_node(c.id, kind="company", name=c.name, sector=c.sector, lat=c.lat, lon=c.lon)
    sites = {f.id: f for f in reversed(scenario.facilities)}
    for fid in sorted(set(matches.loc[matches["kind"] == "pool", "source"])):
        f = sites[fid]
        g.add_node(fid, kind="facility", name=f.name, sector="", lat=f.lat, lon=f.lon)
    for row in matches.to_dict(orient="records"):
        key = f"{row['supply_stream'] or row['source']}->{row['demand_stream']}"
        g.add_edge(row["source"], row["target"], key=key, **{k: v for k, v in row.items() if k not in ("source", "target")})
    return g
