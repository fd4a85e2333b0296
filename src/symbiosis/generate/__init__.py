"""Synthetic business parks: N companies from a seed, in the scenario format of DESIGN.md §3.

``generate_park(n, seed)`` returns a ``Scenario``; ``write_park(path, n, seed)`` writes
the scenario folder (``scenario.yaml`` and CSV tables) atomically. The same N, seed
and switches give byte-identical files. Everything here is **synthetic**: the sector
mix, firm sizes, streams and prices imitate the Haasrode parks (Leuven) as described
in ``shared/data/haasrode.md``, with prices and emission factors from
``shared/data/factors.csv`` (keys in ``FACTORS``); no row describes a real firm.
``docs/generate.md`` has the long form of this page.

Modules, in the order a park is drawn:

- ``factors``: factors.csv values, derived prices, resources and settings;
- ``profiles``: the heat and parking shapes;
- ``archetypes``: the kinds of firm, read from the package's ``archetypes.csv`` and
  ``archetype_streams.csv`` (the tables are the archetypes: no code per archetype);
- ``geography``: parks, positions, archetype counts and firm sizes;
- ``streams``: the rules that turn a firm and its archetype into stream rows;
- ``facilities``: candidate shared facilities and their size options;
- ``park``: the tables, the switches, the scenario and the folder.
"""

from __future__ import annotations

from symbiosis.generate.archetypes import (
    ARCHETYPE_BY_KEY,
    ARCHETYPES,
    SECTOR_SHARES,
    Archetype,
)
from symbiosis.generate.factors import CRF, FACTORS
from symbiosis.generate.geography import CENTRE, COMPANIES_PER_HA
from symbiosis.generate.park import (
    COLUMNS,
    GENERATED_FILES,
    GENERATOR_VERSION,
    PROVENANCE_PREFIX,
    GeneratedPark,
    generate_park,
    generate_tables,
    is_generated_folder,
    write_park,
)

__all__ = [
    "ARCHETYPES",
    "ARCHETYPE_BY_KEY",
    "CENTRE",
    "COLUMNS",
    "COMPANIES_PER_HA",
    "CRF",
    "FACTORS",
    "GENERATED_FILES",
    "GENERATOR_VERSION",
    "PROVENANCE_PREFIX",
    "SECTOR_SHARES",
    "Archetype",
    "GeneratedPark",
    "generate_park",
    "generate_tables",
    "is_generated_folder",
    "write_park",
]
