"""Synthetic business parks: N companies from a seed, in the scenario format of DESIGN.md §3.

``generate_tables(n, seed)`` draws the tables (a ``GeneratedPark``), ``generate_park``
validates them into a ``Scenario`` and ``write_park(path, n, seed)`` writes the scenario
folder (``scenario.yaml`` and CSV tables) atomically. The same N, seed and switches
give byte-identical files.

Switches: ``profiles`` (monthly heat shapes, 48 hourly parking slots; without them
every stream is flat and a parking supply keeps only the spaces free in every hour),
``pools`` (candidate facilities: parking hubs about one per 100 companies, waste hubs
and canteens about one per 150, a heat loop in some parks with a moulding or
electronics plant), ``heat_pumps`` (the ``settings.heat_pump`` block), and
``substitutions`` (regrind replaces virgin PP at 0.9). A switch removes only its
feature: companies and streams are drawn from the same random numbers either way.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from symbiosis.errors import OutputError
from symbiosis.generate.facilities import facilities as facility_options
from symbiosis.generate.facilities import facility_sites
from symbiosis.generate.factors import (
    HEAT_PUMP,
    RESOURCE_COLUMNS,
    RESOURCES,
    SETTINGS_BASE,
    SOLVER,
    SUBSTITUTIONS,
)
from symbiosis.generate.geography import firms as draw_firms
from symbiosis.generate.profiles import HEAT_SHAPES, HOURS, MONTHS
from symbiosis.generate.streams import flatten
from symbiosis.generate.streams import streams as draw_streams
from symbiosis.io.write.folders import write_whole_folder
from symbiosis.schema import Scenario

GENERATOR_VERSION = 1
PROVENANCE_PREFIX = "synthetic: symbiosis generate"


@dataclass
class GeneratedPark:
    """The generated tables (lists of records), ready for ``to_scenario`` or ``write``."""

    name: str
    description: str
    provenance: str
    companies: list[dict[str, Any]]
    resources: list[dict[str, Any]]
    streams: list[dict[str, Any]]
    profiles: list[dict[str, Any]] = field(default_factory=list)
    substitutions: list[dict[str, Any]] = field(default_factory=list)
    facilities: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """The non-empty tables by name (the optional ones only when present)."""
        out = {"companies": self.companies, "resources": self.resources, "streams": self.streams}
        for name in ("profiles", "substitutions", "facilities"):
            rows = getattr(self, name)
            if rows:
                out[name] = rows
        return out

    def to_scenario(self) -> Scenario:
        """Validate the tables into a ``Scenario`` (in memory, no files)."""
        return Scenario.from_tables(**self.tables(), settings=self.settings, name=self.name)

    def yaml_text(self) -> str:
        doc: dict[str, Any] = {
            "format": 1,
            "name": self.name,
            "description": self.description,
            "provenance": self.provenance,
            "tables": {t: f"{t}.csv" for t in self.tables()},
            "settings": self.settings,
        }
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)

    def write(self, path: str | Path) -> Path:
        """Write the scenario folder atomically (see ``write_park``)."""
        return _write_folder(self, Path(path))


COLUMNS = {
    "companies": ["id", "name", "sector", "lat", "lon", "archetype", "fte", "students", "park"],
    "resources": RESOURCE_COLUMNS,
    "streams": ["id", "company", "direction", "resource", "quantity", "price_eur_per_unit", "co2_kg_per_unit", "temperature_c", "profile", "min_quantity"],
    "profiles": ["profile", "slot", "value"],
    "substitutions": ["supply_resource", "demand_resource", "ratio"],
    "facilities": ["id", "name", "resource", "lat", "lon", "capacity", "capex_eur", "opex_eur_per_year", "cost_eur_per_unit", "max_distance_km"],
}
GENERATED_FILES = frozenset({"scenario.yaml"} | {f"{t}.csv" for t in COLUMNS})


def _fmt(v: Any) -> str:
    """A cell as written: integers without a decimal point, other numbers with 10 significant digits."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if x == int(x) and abs(x) < 1e15:
            return str(int(x))
        return format(x, ".10g")
    return str(v)


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_fmt(r.get(c)) for c in columns])
    return buf.getvalue()


# --------------------------------------------------------------------------- public API


def generate_tables(
    n_companies: int,
    seed: int = 0,
    *,
    profiles: bool = True,
    pools: bool = True,
    heat_pumps: bool = True,
    substitutions: bool = True,
) -> GeneratedPark:
    """Generate the tables of a synthetic park of ``n_companies`` companies (>= 2)."""
    if isinstance(n_companies, bool) or not isinstance(n_companies, (int, np.integer)) or n_companies < 2:
        raise ValueError(f"n_companies must be an integer >= 2, got {n_companies!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    n, seed = int(n_companies), int(seed)
    rng = np.random.default_rng(seed)
    firms = draw_firms(n, rng)
    built = draw_streams(firms, rng)
    sites = facility_sites(firms, built.rows, rng)  # the last draws: switches change nothing above

    streams = [{**s, "_profile": s["profile"]} for s in built.rows]
    if not profiles:
        streams = flatten(streams, built.shapes)
    used = sorted({s["profile"] for s in streams if s["profile"] is not None})
    profile_rows: list[dict[str, Any]] = []
    for prof in used:
        slots = MONTHS if prof in HEAT_SHAPES else HOURS
        profile_rows += [{"profile": prof, "slot": sl, "value": v} for sl, v in zip(slots, built.shapes[prof])]
    facilities = facility_options(firms, streams, built.shapes, sites) if pools else []
    streams = sorted(({k: v for k, v in s.items() if k != "_profile"} for s in streams), key=lambda s: s["id"])

    settings: dict[str, Any] = dict(SETTINGS_BASE)
    if heat_pumps:
        settings["heat_pump"] = dict(HEAT_PUMP)
    settings["solver"] = dict(SOLVER)

    off = [name for name, on in (("profiles", profiles), ("pools", pools), ("heat pumps", heat_pumps), ("substitutions", substitutions)) if not on]
    n_parks = len({f.park for f in firms})
    name = f"Generated park: {n} companies" + (f" in {n_parks} parks" if n_parks > 1 else "") + f", seed {seed}"
    if off:
        name += " (no " + ", no ".join(off) + ")"
    flags = " ".join(f"--no-{x.replace(' ', '-')}" for x in off)
    provenance = f"{PROVENANCE_PREFIX} --companies {n} --seed {seed}" + (f" {flags}" if flags else "") + f" (generator version {GENERATOR_VERSION})"
    description = (
        "Synthetic business park(s) in the style of Haasrode (Leuven): sector mix of haasrode.md section 2, "
        "streams and magnitudes of section 3, prices and CO2 factors of factors.csv. No row describes a real firm. "
        "See docs/generate.md."
    )
    companies = [
        {
            "id": f.id,
            "name": f"{f.archetype.label} {f.id}",
            "sector": f.archetype.sector,
            "lat": f.lat,
            "lon": f.lon,
            "archetype": f.archetype.key,
            "fte": f.fte,
            "students": f.students or None,
            "park": f.park,
        }
        for f in firms
    ]
    return GeneratedPark(
        name=name,
        description=description,
        provenance=provenance,
        companies=companies,
        resources=[dict(r) for r in RESOURCES],
        streams=streams,
        profiles=profile_rows,
        substitutions=[dict(s) for s in SUBSTITUTIONS] if substitutions else [],
        facilities=facilities,
        settings=settings,
    )


def generate_park(
    n_companies: int,
    seed: int = 0,
    *,
    profiles: bool = True,
    pools: bool = True,
    heat_pumps: bool = True,
    substitutions: bool = True,
) -> Scenario:
    """A synthetic park of ``n_companies`` companies as a validated ``Scenario``."""
    return generate_tables(
        n_companies, seed, profiles=profiles, pools=pools, heat_pumps=heat_pumps, substitutions=substitutions
    ).to_scenario()


def write_park(
    path: str | Path,
    n_companies: int,
    seed: int = 0,
    *,
    profiles: bool = True,
    pools: bool = True,
    heat_pumps: bool = True,
    substitutions: bool = True,
) -> Path:
    """Generate a park and write its scenario folder; return the folder.

    The folder is written whole or not at all (a temporary folder beside it, then a
    rename). An existing folder is replaced only when it is empty or holds an earlier
    generated scenario (its ``scenario.yaml`` says ``provenance: synthetic: symbiosis
    generate ...`` and it holds no other files); anything else raises ``OutputError``.
    """
    park = generate_tables(n_companies, seed, profiles=profiles, pools=pools, heat_pumps=heat_pumps, substitutions=substitutions)
    return park.write(path)


def is_generated_folder(folder: Path) -> bool:
    """True when ``folder`` holds only the files of a scenario written by ``write_park``."""
    entries = {p.name for p in folder.iterdir()}
    if "scenario.yaml" not in entries or not entries <= GENERATED_FILES:
        return False
    try:
        doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(doc, dict) and str(doc.get("provenance", "")).startswith(PROVENANCE_PREFIX)


def _write_folder(park: GeneratedPark, out_dir: Path) -> Path:
    target = out_dir.resolve()
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"'{out_dir}' exists and is not a folder")
        if any(target.iterdir()) and not is_generated_folder(target):
            raise OutputError(
                f"'{out_dir}' exists and holds files that are not a generated scenario; choose a new or empty folder"
            )

    def fill(folder: Path) -> None:
        (folder / "scenario.yaml").write_text(park.yaml_text(), encoding="utf-8")
        for tname, rows in park.tables().items():
            (folder / f"{tname}.csv").write_text(_csv_text(COLUMNS[tname], rows), encoding="utf-8")

    # The one folder writer, without a marker: a generated scenario is an input, recognised by its provenance.
    return write_whole_folder(target, None, fill)
