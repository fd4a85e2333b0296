"""The network as GeoJSON (RFC 7946), for QGIS, ArcGIS, geojson.io and the like.

Companies and the facilities built are Point features; every match (exchange or pool
membership) is a LineString from its source to its target carrying the columns of
``matches.csv``. Coordinates are [longitude, latitude] in WGS84 degrees, as GeoJSON
requires (the reverse of the lat/lon order of the input tables).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

NODE_PROPERTIES = ("id", "kind", "name", "sector")


def _position(g: nx.MultiDiGraph, node: str) -> list[float]:
    data = g.nodes[node]
    return [float(data["lon"]), float(data["lat"])]


def network_geojson(network: nx.MultiDiGraph, matches: pd.DataFrame) -> dict[str, Any]:
    """A FeatureCollection: one Point per node of ``network``, one LineString per row of ``matches``."""
    features: list[dict[str, Any]] = []
    for node, data in network.nodes(data=True):
        props = {"id": str(node), "kind": data.get("kind", ""), "name": data.get("name", ""), "sector": data.get("sector", "")}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": _position(network, node)}, "properties": props})
    for row in matches.to_dict(orient="records"):
        source, target = row["source"], row["target"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [_position(network, source), _position(network, target)]},
                "properties": {str(k): v for k, v in row.items()},
            }
        )
    return {"type": "FeatureCollection", "name": network.graph.get("name", ""), "features": features}
