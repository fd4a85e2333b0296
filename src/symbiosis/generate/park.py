"""Synthetic business parks: N companies from a seed, in the scenario format of DESIGN.md §3.

``generate_park(n, seed)`` returns a ``Scenario``; ``write_park(path, n, seed)`` writes
the scenario folder (``scenario.yaml`` and CSV tables) atomically. The same N, seed
and switches give byte-identical files. Everything here is **synthetic**: the sector
mix, firm sizes, streams and prices imitate the Haasrode parks (Leuven) as described
in ``shared/data/haasrode.md``, with prices and emission factors from
``shared/data/factors.csv`` (keys in ``FACTORS`` below); no row describes a real firm.
``docs/generate.md`` has the long form of this page.

Geography (haasrode.md §1: ~300 companies on ~190 ha, i.e. ~1.6 companies/ha):
up to 300 companies form one park around (50.85 N, 4.71 E), on a disc whose area
grows with N at that density, with a research zone and a craft zone (Researchpark and
Ambachtenzone). Beyond 300 companies the generator builds a region: round(N/200)
parks of 100-300 companies, in clusters of up to five parks 2.5-6 km apart (like the
parks around Leuven), with cluster centres at least 12 km apart within 30 km of the
first. Road materials travel up to 15 km, so a firm trades with its own cluster.

Sector archetypes (haasrode.md §2 shares of 300 firms and FTE; §3 streams). Per
archetype: firms per 300, mean FTE (log-normal, sigma 0.5-1.1, heavy-tailed), and the
streams it adds on top of the common ones (cardboard, residual waste, meals, canteen
food waste, parking deficit and spare, space heat of 60 MWh/yr or more, floor space):

| sector (§2 firms/FTE) | archetype | /300 | FTE | typical extra streams (§3) |
| --- | --- | --- | --- | --- |
| rd_ict (110 / 4,000) | rd_office | 80 | 33 | server-room heat 30 °C in a quarter of those with 20+ FTE |
| | ict_server | 20 | 45 | server heat 28-30 °C, 6.5 MWh/FTE, flat |
| | lab | 10 | 45 | space heat at 60 °C, 10 MWh/FTE |
| manufacturing (30 / 2,800) | moulding | 8 | 150 | cooling water 30 °C (17 MWh/FTE), compressor heat 60-70 °C, regrind, film, pallets, blowdown; buys virgin PP and make-up water |
| | mechatronics | 12 | 70 | ferrous scrap 1 t/FTE, crates (B-wood), compressor heat; buys new pallets |
| | electronics | 10 | 75 | chiller heat 35 °C, one-way pallets, film; buys make-up water |
| business_services (50 / 1,300) | service_office | 45 | 26 | offices only |
| | catering | 5 | 25 | food waste 0.3 t/FTE, cold-room heat 32 °C, catering parking shape |
| craft_trades (60 / 900) | joinery | 10 | 14 | B-wood 0.9 t/FTE; buys pallets |
| | metalwork | 10 | 17 | metal scrap 1.5 t/FTE |
| | construction | 26 | 16 | scrap, B-wood, wheel-wash water; buys pallets |
| | food_producer | 6 | 13 | oven heat 110 °C, cold-room heat 32 °C, food waste |
| | landscaping | 6 | 11 | buys food waste for composting (gate fee) |
| | pallet_repair | 2 | 15 | repaired pallets; takes B-wood (gate fee) |
| wholesale_logistics (35 / 700) | distribution | 20 | 21 | surplus pallets 40/FTE, film, 1-2.5 t/FTE cardboard, cold-store heat 32 °C; buys pallets |
| | garage | 12 | 17 | scrap; car-wash water |
| | recycler | 3 | 25 | buys cardboard, regrind, film, scrap (at least one per park of 10+) |
| education_public (15 / 300 + 3,500 students) | public_office | 11 | 12 | offices, childcare food waste |
| | campus | 2 | 60 | ~1,750 students: heat (min 300 MWh), parking 0.3/student, water, food waste |
| | event_hall | 1 | 30 | parking peak ~1,500 cars evenings and weekends, own lot 60 % |
| | wwtp | 1 | 10 | effluent heat 15 °C, treated effluent water; takes food waste (co-digestion) |

Magnitudes and prices (EST unless the factors.csv key says sourced): heat demand
6 MWh/FTE (``energy_per_office_job`` 12 split 50/50) at 54.35 EUR/MWh
(``gas_price_industrial`` / ``boiler_efficiency_gas``) and 222.8 kg/MWh
(``ef_natural_gas_direct`` / efficiency); heat pipes 600 EUR/m (``dh_pipe_cost_lowtemp``)
up to 2 km; parking 0.75 cars/FTE at peak (``car_commute_share_haasrode`` x 0.85
presence) against an own lot of 0.7-1.25 times that, as a deficit (demand) and the
spare lot (supply: whole in the off-hours, only a structural surplus in the busy
hours), 1,260 EUR/space/yr (CRF x (``parking_surface_capex`` + 25 m2 x
``land_value``) + ``parking_surface_opex``), 1,850 where the plot is full
(``parking_garage_capex``/``_opex``); rents ``rent_office_haasrode``,
``rent_semi_industrial``, ``rent_warehouse``; pallets ``euro_pallet_value``,
``euro_pallet_mass``, CO2 from ``co2_primary_wood``; cardboard ``cardboard_OCC_price``
(recycler pays 80), film ``ldpe_film_price`` (250), scrap ``ferrous_scrap_price``
(160), residual waste ``residual_waste_container_allin`` and
``incineration_cost_business_waste``, B-wood ``bwood_gate_fee``, food waste
``organic_to_AD_gate_fee``; road 0.08 EUR/tkm (``freight_cost_per_tkm``) and
0.1016 kg/tkm (``ef_hgv_avg_laden``); heat pumps ``hp_carnot_fraction``,
``electricity_price_industrial_MV``, ``ef_electricity_BE``.

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
import functools
import io
import math
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml

from symbiosis.economics import haversine_km
from symbiosis.errors import OutputError
from symbiosis.io.write.files import replace_folder
from symbiosis.schema import Scenario



GENERATOR_VERSION = 1
PROVENANCE_PREFIX = "synthetic: symbiosis generate"

# --------------------------------------------------------------------------- sources

# Values taken from shared/data/factors.csv (column `value`), by key.
FACTORS: dict[str, float] = {
    "gas_price_industrial": 50.0,  # EUR/MWh, EST
    "boiler_efficiency_gas": 0.92,  # EST
    "ef_natural_gas_direct": 0.205,  # tCO2/MWh, sourced
    "electricity_price_industrial_MV": 170.0,  # EUR/MWh, EST
    "ef_electricity_BE": 0.165,  # tCO2/MWh, sourced
    "ef_hgv_avg_laden": 0.1016,  # kgCO2e/tkm, sourced
    "freight_cost_per_tkm": 0.08,  # EUR/tkm, EST
    "incineration_cost_business_waste": 130.0,  # EUR/t, EST
    "residual_waste_container_allin": 180.0,  # EUR/t, EST
    "cardboard_OCC_price": 100.0,  # EUR/t, sourced
    "ldpe_film_price": 375.0,  # EUR/t, sourced
    "ferrous_scrap_price": 200.0,  # EUR/t, sourced
    "euro_pallet_value": 10.0,  # EUR/pallet, EST
    "euro_pallet_mass": 22.0,  # kg, sourced
    "bwood_gate_fee": 40.0,  # EUR/t, EST
    "organic_to_AD_gate_fee": 40.0,  # EUR/t, EST
    "co2_primary_cardboard": 1199.7,  # kgCO2e/t, sourced (closed-loop 1098.1)
    "co2_primary_plastic_film": 2916.5,  # kgCO2e/t, sourced (closed-loop 1103.6)
    "co2_primary_wood": 269.5,  # kgCO2e/t, sourced (re-used 38.5)
    "dh_pipe_cost_lowtemp": 600.0,  # EUR/m, EST
    "hp_carnot_fraction": 0.5,  # rule of thumb
    "parking_surface_capex": 4000.0,  # EUR/space, EST
    "parking_surface_opex": 150.0,  # EUR/space/yr, EST
    "parking_surface_area": 25.0,  # m2/space, EST
    "parking_garage_capex": 15000.0,  # EUR/space, EST
    "parking_garage_opex": 400.0,  # EUR/space/yr, EST
    "land_value": 300.0,  # EUR/m2, sourced (proxy)
    "rent_office_haasrode": 140.0,  # EUR/m2/yr, EST
    "rent_semi_industrial": 60.0,  # EUR/m2/yr, EST
    "rent_warehouse": 55.0,  # EUR/m2/yr, EST
    "energy_per_office_job": 12.0,  # MWh/job/yr, sourced
    "car_commute_share_haasrode": 0.9,  # sourced
}

RATE, YEARS = 0.05, 15
CRF = RATE * (1 + RATE) ** YEARS / ((1 + RATE) ** YEARS - 1)  # 0.0963


def _r(x: float, step: float) -> float:
    """Round to a multiple of ``step`` (half away from zero), as a clean float."""
    return float(round(math.floor(abs(x) / step + 0.5) * step * (1 if x >= 0 else -1), 6))


# Derived prices (see haasrode README "Prices and factors used").
HEAT_PRICE = round(FACTORS["gas_price_industrial"] / FACTORS["boiler_efficiency_gas"], 2)  # 54.35 EUR/MWh
HEAT_CO2 = round(FACTORS["ef_natural_gas_direct"] * 1000 / FACTORS["boiler_efficiency_gas"], 1)  # 222.8 kg/MWh
LAND_PER_SPACE = FACTORS["parking_surface_area"] * FACTORS["land_value"]  # 7,500 EUR
PARK_PRICE = _r(CRF * (FACTORS["parking_surface_capex"] + LAND_PER_SPACE) + FACTORS["parking_surface_opex"], 10)  # 1,260
DECK_PRICE = _r(CRF * FACTORS["parking_garage_capex"] + FACTORS["parking_garage_opex"], 10)  # 1,850
CARS_PER_FTE = 0.75  # car share 0.9 (sourced) x 0.85 presence (EST), haasrode.md §3
PALLET_CO2 = round(FACTORS["euro_pallet_mass"] * (FACTORS["co2_primary_wood"] - 38.5) / 1000, 2)  # 5.08 kg/pallet
CARDBOARD_CO2 = round(FACTORS["co2_primary_cardboard"] - 1098.1, 1)  # 101.6 kg/t, where incinerated today
FILM_CO2 = round(FACTORS["co2_primary_plastic_film"] - 1103.6, 1)  # 1,812.9 kg/t
PLASTICS_CO2 = 1597.1  # kg/t, DEFRA 2025 average plastics primary minus closed-loop (haasrode README)
INCINERATION = FACTORS["incineration_cost_business_waste"]  # 130 EUR/t
RESIDUAL = FACTORS["residual_waste_container_allin"]  # 180 EUR/t
CARDBOARD_BUY = FACTORS["cardboard_OCC_price"] - 20  # broker pays market minus handling
FILM_BUY = 250.0  # loose film, market 375 minus baling (EST)
SCRAP_BUY = FACTORS["ferrous_scrap_price"] - 40  # 160
REGRIND_BUY = 250.0  # EST
VIRGIN_PP_PRICE = 1300.0  # EST
BWOOD_FEE = FACTORS["bwood_gate_fee"]
FOOD_FEE = FACTORS["organic_to_AD_gate_fee"] + 30  # plus small-lot collection
CODIGESTION_VALUE, CODIGESTION_CO2 = 20.0, 245.0  # haasrode README (derived from biogas_yield_food_waste)

# --------------------------------------------------------------------------- geography

CENTRE = (50.85, 4.71)  # Haasrode, south of Leuven
COMPANIES_PER_HA = 300 / 190  # haasrode.md §1
SINGLE_PARK_MAX = 300
PARK_MEAN = 200
PARK_MIN, PARK_MAX = 100, 300
PARKS_PER_CLUSTER = 5
CLUSTER_RADIUS_KM = 6.0
MIN_PARK_SEPARATION_KM = 2.5
REGION_RADIUS_KM = 30.0
MIN_CLUSTER_SEPARATION_KM = 12.0
KM_PER_DEG_LAT = 111.32

# --------------------------------------------------------------------------- archetypes


@dataclass(frozen=True)
class Archetype:
    """A kind of firm: its sector, how common it is, and its size distribution."""

    key: str
    sector: str
    label: str
    per_300: float  # firms per 300 (haasrode.md §2)
    fte_mean: float
    fte_sigma: float  # of the log-normal
    fte_max: int = 2000


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype("rd_office", "rd_ict", "R&D / engineering office", 80, 33, 1.1),
    Archetype("ict_server", "rd_ict", "ICT company with server room", 20, 45, 1.0),
    Archetype("lab", "rd_ict", "Life-sciences / test laboratory", 10, 45, 0.9),
    Archetype("moulding", "manufacturing", "Medtech / plastics injection-moulding plant", 8, 150, 1.0),
    Archetype("mechatronics", "manufacturing", "Mechatronics / drive-systems assembly", 12, 70, 1.0),
    Archetype("electronics", "manufacturing", "Electronics and instruments plant", 10, 75, 1.0),
    Archetype("service_office", "business_services", "Business-services office", 45, 26, 1.0),
    Archetype("catering", "business_services", "Catering and canteen operator", 5, 25, 0.7),
    Archetype("joinery", "craft_trades", "Joinery / carpentry workshop", 10, 14, 0.7),
    Archetype("metalwork", "craft_trades", "Metalworking / welding workshop", 10, 17, 0.7),
    Archetype("construction", "craft_trades", "Construction / installation firm", 26, 16, 0.8),
    Archetype("food_producer", "craft_trades", "Bakery / small food producer", 6, 13, 0.7),
    Archetype("landscaping", "craft_trades", "Landscaping and composting", 6, 11, 0.6),
    Archetype("pallet_repair", "craft_trades", "Pallet repair and wood recycling", 2, 15, 0.5),
    Archetype("distribution", "wholesale_logistics", "Wholesale / distribution centre", 20, 21, 0.9),
    Archetype("garage", "wholesale_logistics", "Car dealer / garage", 12, 17, 0.6),
    Archetype("recycler", "wholesale_logistics", "Recycling yard and waste broker", 3, 25, 0.5),
    Archetype("public_office", "education_public", "Public services / childcare / non-profit", 11, 12, 0.7),
    Archetype("campus", "education_public", "University-college campus", 2, 60, 0.5, 400),
    Archetype("event_hall", "education_public", "Event and exhibition hall", 1, 30, 0.4, 200),
    Archetype("wwtp", "education_public", "Wastewater treatment plant", 1, 10, 0.3, 50),
)
ARCHETYPE_BY_KEY = {a.key: a for a in ARCHETYPES}
SECTOR_SHARES = {  # haasrode.md §2, share of firms
    "rd_ict": 110 / 300,
    "manufacturing": 30 / 300,
    "business_services": 50 / 300,
    "craft_trades": 60 / 300,
    "wholesale_logistics": 35 / 300,
    "education_public": 15 / 300,
}
CRAFT_ZONE = {"craft_trades", "wholesale_logistics"}
OFFICE_LIKE = {"rd_office", "ict_server", "lab", "service_office", "public_office", "catering"}
MANUFACTURING = {"moulding", "mechatronics", "electronics"}
STUDENTS_MEAN, STUDENTS_SIGMA = 1750, 0.4  # 3,500 students on two campuses (haasrode.md §1)

# --------------------------------------------------------------------------- resources

RESOURCE_COLUMNS = ["id", "family", "unit", "pricing", "transport", "kg_per_unit", "pipe_capex_eur_per_m", "max_distance_km", "description"]
RESOURCES: tuple[dict[str, Any], ...] = (
    {"id": "pallet", "family": "material", "unit": "pallet", "pricing": "volume", "transport": "road", "kg_per_unit": FACTORS["euro_pallet_mass"], "description": "Used wooden euro pallets"},
    {"id": "cardboard", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "Corrugated cardboard and paper packaging (OCC)"},
    {"id": "pp_regrind", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "Clean PP/PE regrind and sprues from moulding"},
    {"id": "virgin_pp", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "Virgin PP granulate (demand only; regrind substitutes it)"},
    {"id": "ldpe_film", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "LDPE stretch and packaging film"},
    {"id": "metal_scrap", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "Ferrous swarf, offcuts and scrap"},
    {"id": "food_waste", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "max_distance_km": 10, "description": "Canteen and catering food waste"},
    {"id": "bwood", "family": "material", "unit": "t", "pricing": "volume", "transport": "road", "kg_per_unit": 1000, "description": "B-wood: treated or painted waste wood, crates"},
    {"id": "heat", "family": "energy", "unit": "MWh", "pricing": "volume", "transport": "pipe", "pipe_capex_eur_per_m": FACTORS["dh_pipe_cost_lowtemp"], "max_distance_km": 2.0, "description": "Low-temperature heat (hot water)"},
    {"id": "process_water", "family": "water", "unit": "m3", "pricing": "volume", "transport": "pipe", "pipe_capex_eur_per_m": 150, "max_distance_km": 2.0, "description": "Non-potable process water"},
    {"id": "office_space", "family": "space", "unit": "m2", "pricing": "peak", "transport": "none", "max_distance_km": 5.0, "description": "Office and lab floor space"},
    {"id": "hall_space", "family": "space", "unit": "m2", "pricing": "peak", "transport": "none", "max_distance_km": 5.0, "description": "Warehouse and workshop floor space"},
    {"id": "parking", "family": "parking", "unit": "space", "pricing": "peak", "transport": "walk", "max_distance_km": 0.8, "description": "Car-parking spaces"},
    {"id": "waste_collection", "family": "service", "unit": "t", "pricing": "volume", "transport": "none", "description": "Collection of residual business waste"},
    {"id": "meals", "family": "service", "unit": "meal", "pricing": "volume", "transport": "none", "description": "Staff lunches (canteen or catering)"},
)
SUBSTITUTIONS = ({"supply_resource": "pp_regrind", "demand_resource": "virgin_pp", "ratio": 0.9},)

SETTINGS_BASE: dict[str, Any] = {
    "annualisation": {"rate": RATE, "years": YEARS},
    "link_fixed_cost_eur_per_year": 1000,
    "road_cost_eur_per_tkm": FACTORS["freight_cost_per_tkm"],
    "road_co2_kg_per_tkm": FACTORS["ef_hgv_avg_laden"],
    "detour_factor": 1.3,
    "max_distance_km": 15,
    "heat_approach_c": 5,
    "carbon_price_eur_per_t": 0,
}
HEAT_PUMP = {
    "carnot_fraction": FACTORS["hp_carnot_fraction"],
    "max_lift_c": 60,
    "electricity_price_eur_per_mwh": FACTORS["electricity_price_industrial_MV"],
    "electricity_co2_kg_per_mwh": FACTORS["ef_electricity_BE"] * 1000,
    "cost_eur_per_mwh": 8,
}
SOLVER = {"time_limit_s": 60, "mip_rel_gap": 0.0001, "threads": 1, "seed": 0}

# --------------------------------------------------------------------------- profiles

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
HOURS = tuple(f"wd{h:02d}" for h in range(24)) + tuple(f"we{h:02d}" for h in range(24))

# Monthly heat shapes and hourly parking-need shapes of scenarios/haasrode/profiles.csv.
HEAT_SHAPES: dict[str, tuple[float, ...]] = {
    "heat_space_office": (16.14, 14.29, 12.43, 8.72, 5.01, 2.23, 1.3, 1.3, 3.15, 7.79, 12.43, 15.21),
    "heat_space_campus": (16.14, 14.29, 12.43, 8.72, 5.01, 2.23, 0.71, 0.71, 3.15, 7.79, 12.43, 15.21),
    "heat_process_demand": (12.67, 11.64, 10.61, 8.55, 6.49, 4.94, 4.42, 4.42, 5.46, 8.03, 10.61, 12.16),
    "heat_process_supply": (1, 1, 1, 1, 1, 1, 0.95, 0.75, 1, 1, 1, 0.9),
    "heat_wwtp": (1.05, 1.05, 1, 1, 0.95, 0.95, 0.95, 0.95, 0.95, 1, 1.05, 1.1),
    "heat_coldstore": (0.75, 0.75, 0.85, 0.95, 1.05, 1.2, 1.3, 1.3, 1.1, 0.95, 0.8, 0.75),
}
_ZERO6 = (0.0,) * 6
NEED_SHAPES: dict[str, tuple[float, ...]] = {
    "office": (0.02,) * 5 + (0.03, 0.08, 0.3, 0.7, 0.95, 1, 1, 0.9, 0.95, 1, 0.95, 0.8, 0.55, 0.25, 0.1, 0.05, 0.03, 0.02, 0.02)
    + (0.02,) * 7 + (0.04, 0.06) + (0.08,) * 6 + (0.06, 0.05, 0.04, 0.03) + (0.02,) * 5,
    "shift": (0.35,) * 6 + (0.6, 0.85, 0.95, 1, 1, 1, 0.95, 0.95, 1, 0.65, 0.6, 0.55, 0.5, 0.5, 0.5, 0.5, 0.55, 0.35)
    + (0.3,) * 6 + (0.4,) + (0.35,) * 15 + (0.4, 0.3),
    "campus": _ZERO6 + (0.02, 0.2, 0.7, 1, 1, 0.95, 0.9, 1, 1, 0.9, 0.7, 0.5, 0.45, 0.45, 0.4, 0.3, 0.05, 0)
    + _ZERO6 + (0, 0, 0.15, 0.2, 0.2, 0.2, 0.15, 0.1, 0.05, 0.03) + (0.0,) * 8,
    "event": (0.0,) * 8 + (0.05,) * 9 + (0.15, 0.45, 0.9, 1, 1, 0.7, 0.3)
    + (0.0,) * 8 + (0.2, 0.6, 0.9, 1, 1, 1, 1, 1, 1, 0.9, 0.8, 0.9, 0.9, 0.9, 0.6, 0.2),
    "catering": _ZERO6 + (0.5, 0.8, 0.9, 0.9, 1, 1, 1, 0.9, 0.6, 0.4, 0.2, 0.05) + _ZERO6
    + (0.0,) * 10 + (0.2,) * 4 + (0.0,) * 10,
}
# Own lot / peak need: how many firms have a lot smaller (deficit) or larger than
# their peak (EST; haasrode README: most plots are sized at the peak, some are full).
LOT_RATIOS = (0.7, 0.85, 1.0, 1.1, 1.25)
LOT_PROBS = (0.1, 0.2, 0.3, 0.25, 0.15)
MIN_SPACES = 5  # fewer spaces are not worth a sharing contract (~1 space pays the link cost)
SPARE_BUFFER = 0.1
OFF_HOURS_NEED = 0.3


@functools.cache
def _lot_profiles(base: str, u: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Deficit (need beyond the own lot) and spare (lot beyond the need) shapes, per slot.

    Both are fractions of the peak need. A lot is offered whole, less the owner's
    need, in the off-hours (when that need is at most ``OFF_HOURS_NEED`` of its
    peak). In the other hours only a structural surplus is offered: what the lot
    holds beyond the peak need plus a buffer of ``SPARE_BUFFER`` for visitors and
    late arrivals (EST). Offering a handful of spaces in hours when the own lot is
    nearly full would not be a credible contract.
    """
    need = NEED_SHAPES[base]
    deficit = tuple(round(max(0.0, n - u), 3) for n in need)
    always = max(0.0, u - max(need) - SPARE_BUFFER)
    spare = tuple(round(u - n if n <= OFF_HOURS_NEED + 1e-9 else always, 3) for n in need)
    return deficit, spare


# --------------------------------------------------------------------------- the tables


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

# --------------------------------------------------------------------------- helpers


def _apportion(total: int, weights: Sequence[float], rng: np.random.Generator) -> list[int]:
    """Split ``total`` in proportion to ``weights``: floors, then the rest drawn by remainder."""
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(int)
    rest = total - int(counts.sum())
    if rest > 0:
        rem = exact - counts
        pick = rng.choice(len(w), size=rest, replace=False, p=rem / rem.sum())
        counts[pick] += 1
    return [int(c) for c in counts]


def _fmt(v: Any) -> str:
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


def _km_to_deg(lat0: float, dx_km: np.ndarray, dy_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return dy_km / KM_PER_DEG_LAT, dx_km / (KM_PER_DEG_LAT * math.cos(math.radians(lat0)))


def _dist_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Haversine x detour factor, as the candidate generator measures it."""
    return haversine_km(lat0, lon0, lat, lon) * SETTINGS_BASE["detour_factor"]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- generation


@dataclass
class _Firm:
    id: str
    archetype: Archetype
    park: int
    lat: float
    lon: float
    fte: int
    students: int = 0


def _scatter(k: int, radius: float, min_sep: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``k`` points (km) in a disc, the first at its centre, at least ``min_sep`` apart when possible."""
    pts: list[tuple[float, float]] = [(0.0, 0.0)]
    tries = 0
    while len(pts) < k:
        rr, th = radius * math.sqrt(rng.random()), 2 * math.pi * rng.random()
        x, y = rr * math.cos(th), rr * math.sin(th)
        tries += 1
        if tries > 2000 or all(math.hypot(x - a, y - b) >= min_sep for a, b in pts):
            pts.append((x, y))
    return pts


def _layout(n: int, rng: np.random.Generator) -> tuple[list[int], list[tuple[float, float]]]:
    """Park sizes and centres: one park up to 300 companies, else clusters of parks.

    Beyond 300 companies: round(N/200) parks of 100-300 companies, grouped in
    clusters of up to five (parks 2.5-6 km apart, like the parks around Leuven),
    whose centres lie at least 12 km apart within 30 km of the first.
    """
    if n <= SINGLE_PARK_MAX:
        return [n], [CENTRE]
    k = max(2, round(n / PARK_MEAN))
    sizes = _apportion(n, rng.uniform(0.5, 1.5, size=k), rng)
    # Keep every park within 100-300 firms (N/k lies between 150 and 300).
    sizes = [min(PARK_MAX, max(PARK_MIN, x)) for x in sizes]
    i = 0
    while sum(sizes) != n:
        step = 1 if sum(sizes) < n else -1
        if PARK_MIN <= sizes[i % k] + step <= PARK_MAX:
            sizes[i % k] += step
        i += 1
    m = math.ceil(k / PARKS_PER_CLUSTER)
    clusters = _scatter(m, REGION_RADIUS_KM, MIN_CLUSTER_SEPARATION_KM, rng)
    per_cluster = _apportion(k, [1.0] * m, rng)
    centres_km: list[tuple[float, float]] = []
    for (cx, cy), kc in zip(clusters, per_cluster):
        centres_km += [(cx + x, cy + y) for x, y in _scatter(kc, CLUSTER_RADIUS_KM, MIN_PARK_SEPARATION_KM, rng)]
    lat0, lon0 = CENTRE
    centres = []
    for x, y in centres_km:
        dlat, dlon = _km_to_deg(lat0, np.array(x), np.array(y))
        centres.append((round(lat0 + float(dlat), 6), round(lon0 + float(dlon), 6)))
    return sizes, centres


def _archetype_counts(n: int, rng: np.random.Generator) -> list[int]:
    counts = _apportion(n, [a.per_300 for a in ARCHETYPES], rng)
    # Every park of 10+ firms has a waste broker: recyclables always have a buyer
    # within trucking distance (the Haasrode recycling yard, haasrode.md §3).
    keys = [a.key for a in ARCHETYPES]
    rec = keys.index("recycler")
    if n >= 10 and counts[rec] == 0:
        big = int(np.argmax(counts))
        counts[big] -= 1
        counts[rec] += 1
    return counts


def _firms(n: int, rng: np.random.Generator) -> list[_Firm]:
    sizes, centres = _layout(n, rng)
    width = max(4, len(str(n)))
    firms: list[_Firm] = []
    for p, (size, (clat, clon)) in enumerate(zip(sizes, centres), start=1):
        counts = _archetype_counts(size, rng)
        kinds = [a for a, c in zip(ARCHETYPES, counts) for _ in range(c)]
        kinds = [kinds[i] for i in rng.permutation(len(kinds))]
        # Positions: uniform on a disc of the park's area; the craft zone takes the
        # positions at one end of a random axis (Researchpark vs Ambachtenzone).
        radius_km = math.sqrt(size / COMPANIES_PER_HA / 100 / math.pi)
        rho = radius_km * np.sqrt(rng.random(size))
        theta = 2 * math.pi * rng.random(size)
        x, y = rho * np.cos(theta), rho * np.sin(theta)
        axis = 2 * math.pi * rng.random()
        proj = x * math.cos(axis) + y * math.sin(axis)
        order = np.argsort(proj, kind="stable")
        n_craft = sum(1 for a in kinds if a.sector in CRAFT_ZONE)
        craft_pos, other_pos = list(order[:n_craft]), list(order[n_craft:])
        dlat, dlon = _km_to_deg(clat, x, y)
        for a in kinds:
            pos = craft_pos.pop(0) if a.sector in CRAFT_ZONE else other_pos.pop(0)
            mu = math.log(a.fte_mean) - a.fte_sigma**2 / 2
            fte = int(min(a.fte_max, max(1, round(float(rng.lognormal(mu, a.fte_sigma))))))
            students = 0
            if a.key == "campus":
                students = int(round(float(rng.lognormal(math.log(STUDENTS_MEAN) - STUDENTS_SIGMA**2 / 2, STUDENTS_SIGMA)), -1))
            firms.append(
                _Firm(
                    id=f"c{len(firms) + 1:0{width}d}",
                    archetype=a,
                    park=p,
                    lat=round(clat + float(dlat[pos]), 6),
                    lon=round(clon + float(dlon[pos]), 6),
                    fte=fte,
                    students=students,
                )
            )
    return firms


class _Streams:
    """Collects stream rows and the profile shapes they use."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.shapes: dict[str, tuple[float, ...]] = {}

    def add(
        self,
        firm: _Firm,
        suffix: str,
        direction: str,
        resource: str,
        quantity: float,
        price: float,
        co2: float | None = None,
        temperature: float | None = None,
        profile: str | None = None,
        min_quantity: float | None = None,
    ) -> None:
        if quantity <= 0:
            return
        self.rows.append(
            {
                "id": f"{firm.id}_{suffix}",
                "company": firm.id,
                "direction": direction,
                "resource": resource,
                "quantity": quantity,
                "price_eur_per_unit": price,
                "co2_kg_per_unit": co2 or None,
                "temperature_c": temperature,
                "profile": profile,
                "min_quantity": min_quantity,
            }
        )
        if profile is not None and profile not in self.shapes:
            self.shapes[profile] = HEAT_SHAPES[profile] if profile in HEAT_SHAPES else _parking_shape(profile)


def _parking_shape(profile: str) -> tuple[float, ...]:
    # park_<base>_<deficit|spare>_<u x 100>
    _, base, kind, u = profile.split("_")
    deficit, spare = _lot_profiles(base, int(u) / 100)
    return deficit if kind == "deficit" else spare


CARDBOARD_T_PER_FTE = {
    "rd_office": (0.05, 0.15), "ict_server": (0.05, 0.15), "lab": (0.05, 0.15), "service_office": (0.05, 0.15),
    "public_office": (0.05, 0.15), "catering": (0.2, 0.4), "moulding": (0.3, 0.7), "mechatronics": (0.2, 0.4),
    "electronics": (0.1, 0.3), "joinery": (0.05, 0.2), "metalwork": (0.05, 0.2), "construction": (0.05, 0.2),
    "food_producer": (0.2, 0.4), "distribution": (1.0, 2.5), "garage": (0.1, 0.3), "event_hall": (0.5, 1.0),
}  # haasrode.md §3: offices 0.05-0.15 t/FTE; medtech 200-500 t; logistics 20-200 t
RESIDUAL_T_PER_FTE = {"lab": 0.2, "public_office": 0.2, "recycler": 0.25, "distribution": 0.25, "garage": 0.25}
HEAT_MWH_PER_FTE = {  # space heat: 12 MWh/job x 50 % for offices (energy_per_office_job), EST otherwise
    "rd_office": 6, "ict_server": 6, "lab": 10, "service_office": 6, "public_office": 6, "catering": 8,
    "moulding": 7, "mechatronics": 6, "electronics": 6, "joinery": 4, "metalwork": 4, "construction": 3,
    "food_producer": 4, "landscaping": 2, "pallet_repair": 3, "distribution": 4, "garage": 5, "recycler": 2,
}
HEAT_MIN_MWH = 60  # ~10 office FTE; smaller heat demands are left out (EST)
PARKING_MIN_FTE = 8  # smaller firms share a lot with their landlord or neighbours (EST)


def _streams(firms: list[_Firm], rng: np.random.Generator) -> _Streams:
    out = _Streams()
    U, chance = rng.uniform, lambda p: bool(rng.random() < p)

    def pick(values: Sequence[Any], probs: Sequence[float] | None = None) -> Any:
        if probs is None:
            return values[int(rng.integers(len(values)))]
        x, acc = rng.random(), 0.0
        for v, q in zip(values, probs):
            acc += q
            if x < acc:
                return v
        return values[-1]

    for f in firms:
        a, n = f.archetype.key, f.fte
        sector = f.archetype.sector
        # ---- cardboard: everyone but brokers and public utilities
        if a == "campus":
            cb = _r(0.1 * n + 0.005 * f.students, 0.1)
        elif a in CARDBOARD_T_PER_FTE:
            lo, hi = CARDBOARD_T_PER_FTE[a]
            cb = _r(n * U(lo, hi), 0.1)
        else:
            cb = 0.0
        if cb >= 1:
            if cb >= 20:
                out.add(f, "cardboard_s", "supply", "cardboard", cb, -float(pick((60, 65, 70))))
            elif chance(0.2):  # in the residual waste today (incinerated)
                out.add(f, "cardboard_s", "supply", "cardboard", cb, INCINERATION, CARDBOARD_CO2)
            else:  # paper container, collected free
                out.add(f, "cardboard_s", "supply", "cardboard", cb, 0.0)
        # ---- residual waste (pool resource: a shared waste hub)
        if a == "campus":
            res = 0.15 * n + 0.02 * f.students
        elif a == "event_hall":
            res = 150 * U(0.7, 1.3)
        else:
            rate = RESIDUAL_T_PER_FTE.get(a, 0.15 if a in OFFICE_LIKE else 0.3)
            res = rate * n * U(0.8, 1.2)
        res = _r(res, 1)
        if res >= 2:
            out.add(f, "waste_d", "demand", "waste_collection", res, 160.0 if res >= 50 else RESIDUAL)
        # ---- meals (pool resource: a shared canteen), firms without their own canteen
        if (a in OFFICE_LIKE - {"catering"} or a in MANUFACTURING) and 10 <= n < 150:
            out.add(f, "meals_d", "demand", "meals", _r(0.5 * n * 220 * U(0.8, 1.2), 100), 9.0)
        # ---- canteen food waste of large sites
        if n >= 100 and a not in ("campus", "event_hall", "catering", "food_producer"):
            food = _r(0.035 * n * U(0.7, 1.3), 1)
            if food >= 3:
                out.add(f, "food_s", "supply", "food_waste", food, FOOD_FEE)
        # ---- parking: deficit (need beyond the own lot) and spare (lot beyond the need)
        if n >= PARKING_MIN_FTE or a in ("campus", "event_hall"):
            if a == "campus":
                base, need, u = "campus", CARS_PER_FTE * n + 0.3 * f.students, 0.75
            elif a == "event_hall":
                base, need, u = "event", 1500 * U(0.6, 1.4), 0.6
            else:
                base = "shift" if a in ("moulding", "mechatronics") else "catering" if a == "catering" else "office"
                need, u = CARS_PER_FTE * n, float(pick(LOT_RATIOS, LOT_PROBS))
            deficit, spare = _lot_profiles(base, u)
            tag = f"{round(u * 100):03d}"
            d_q, s_q = _r(need * max(deficit), 1), _r(need * max(spare), 1)
            price = DECK_PRICE if chance(0.3) else PARK_PRICE
            if d_q >= MIN_SPACES:
                out.add(f, "parking_d", "demand", "parking", d_q, price, profile=f"park_{base}_deficit_{tag}")
            if s_q >= MIN_SPACES:
                out.add(f, "parking_s", "supply", "parking", s_q, 0.0, profile=f"park_{base}_spare_{tag}")
        # ---- space heat
        if a == "campus":
            e, temp, prof = 6 * n + 0.4 * f.students, 55.0, "heat_space_campus"
        elif a == "event_hall":
            e, temp, prof = 1200 * U(0.7, 1.3), 50.0, "heat_space_office"
        elif a in HEAT_MWH_PER_FTE:
            e = HEAT_MWH_PER_FTE[a] * n * U(0.8, 1.2)
            temp = 60.0 if a == "lab" else float(pick((45, 55), (0.4, 0.6)))
            prof = "heat_space_office" if a in OFFICE_LIKE else "heat_process_demand"
        else:
            e = 0.0
        e = _r(e, 10)
        on_gas = chance(0.8)  # the others already heat with heat pumps or electricity (EST)
        if e >= HEAT_MIN_MWH and (on_gas or a in ("campus", "event_hall")):
            out.add(f, "heat_d", "demand", "heat", e, HEAT_PRICE, HEAT_CO2, temp, prof, 300.0 if a == "campus" else None)
        # ---- floor space: vacancies and growth (haasrode README: 10.7 % vacancy)
        if a in OFFICE_LIKE and n >= 10:
            floor = 22 * n  # 20-25 m2 per FTE (haasrode.md §3)
            if chance(0.08):
                out.add(f, "office_s", "supply", "office_space", _r(floor * U(0.1, 0.35), 10), 0.0)
            elif a in ("rd_office", "ict_server", "lab", "service_office") and chance(0.08):
                rent = 150.0 if a == "lab" else float(pick((120, 130, 140, 150)))
                out.add(f, "office_d", "demand", "office_space", _r(floor * U(0.1, 0.4), 10), rent)
        if a in ("mechatronics", "distribution", "electronics") and chance(0.12):
            out.add(f, "hall_s", "supply", "hall_space", _r(U(300, 2000), 50), 0.0)
        elif (sector in CRAFT_ZONE or a == "moulding") and a != "recycler" and chance(0.12):
            rent = FACTORS["rent_warehouse"] if a in ("distribution", "moulding") else FACTORS["rent_semi_industrial"]
            out.add(f, "hall_d", "demand", "hall_space", _r(U(200, 1000), 50), rent)

        # ---- archetype-specific streams (haasrode.md §3)
        if a == "moulding":
            out.add(f, "heat_cw_s", "supply", "heat", _r(17 * n * U(0.7, 1.3), 10), 3.0, None, 30.0, "heat_process_supply")
            out.add(f, "heat_comp_s", "supply", "heat", _r(3.5 * n * U(0.7, 1.3), 10), 0.0, None, float(pick((60, 65, 70))), "heat_process_supply")
            regrind = _r(0.7 * n * U(0.6, 1.4), 1)
            kind = pick(("sold", "cheap", "burnt"), (0.6, 0.2, 0.2))
            if kind == "burnt":
                out.add(f, "regrind_s", "supply", "pp_regrind", regrind, INCINERATION, PLASTICS_CO2)
            else:
                out.add(f, "regrind_s", "supply", "pp_regrind", regrind, -100.0 if kind == "sold" else -50.0)
            out.add(f, "film_s", "supply", "ldpe_film", _r(0.09 * n * U(0.6, 1.4), 0.1), -150.0)
            out.add(f, "pallet_s", "supply", "pallet", _r(17 * n * U(0.6, 1.4), 10), -2.0)
            pp = _r(3 * n * U(0.5, 1.5), 1)
            out.add(f, "virgin_pp_d", "demand", "virgin_pp", pp, VIRGIN_PP_PRICE, PLASTICS_CO2, min_quantity=float(pick((20, 50))))
            if chance(0.6):
                out.add(f, "water_s", "supply", "process_water", _r(11 * n * U(0.7, 1.3), 100), 1.5)
            if chance(0.6):
                w = _r(57 * n * U(0.7, 1.3), 100)
                out.add(f, "water_d", "demand", "process_water", w, 3.0, min_quantity=_r(w / 4, 100) if w >= 20000 else None)
        elif a == "mechatronics":
            out.add(f, "scrap_s", "supply", "metal_scrap", _r(1.0 * n * U(0.6, 1.4), 1), -float(pick((60, 80, 100))))
            out.add(f, "bwood_s", "supply", "bwood", _r(0.3 * n * U(0.6, 1.4), 1), BWOOD_FEE)
            out.add(f, "pallet_d", "demand", "pallet", _r(16 * n * U(0.6, 1.4), 10), 12.0, PALLET_CO2)
            if chance(0.7):
                out.add(f, "heat_comp_s", "supply", "heat", _r(2.4 * n * U(0.7, 1.3), 10), 0.0, None, float(pick((60, 65, 70))), "heat_process_supply")
        elif a == "electronics":
            if chance(0.6):
                out.add(f, "heat_chiller_s", "supply", "heat", _r(10 * n * U(0.7, 1.3), 10), 2.0, None, 35.0, "heat_process_supply")
            out.add(f, "pallet_s", "supply", "pallet", _r(8 * n * U(0.6, 1.4), 10), 1.0)
            out.add(f, "scrap_s", "supply", "metal_scrap", _r(0.05 * n * U(0.6, 1.4), 1), -60.0)
            out.add(f, "film_s", "supply", "ldpe_film", _r(0.02 * n * U(0.6, 1.4), 0.1), INCINERATION, FILM_CO2)
            if chance(0.5):
                out.add(f, "water_d", "demand", "process_water", _r(50 * n * U(0.7, 1.3), 100), 3.0)
        elif a == "ict_server":
            if chance(0.8):
                out.add(f, "heat_server_s", "supply", "heat", _r(6.5 * n * U(0.7, 1.3), 10), 0.0, None, float(pick((28, 30))))
        elif a == "rd_office":
            if n >= 20 and chance(0.25):
                out.add(f, "heat_server_s", "supply", "heat", _r(1.75 * n * U(0.7, 1.3), 10), 0.0, None, 30.0)
        elif a == "catering":
            out.add(f, "food_s", "supply", "food_waste", _r(0.3 * n * U(0.7, 1.3), 1), FOOD_FEE)
            if chance(0.5):  # cold rooms: refrigeration condenser heat
                out.add(f, "heat_cold_s", "supply", "heat", _r(3 * n * U(0.7, 1.3), 10), 0.0, None, 32.0, "heat_coldstore")
        elif a == "joinery":
            b = _r(0.9 * n * U(0.6, 1.4), 1)
            out.add(f, "bwood_s", "supply", "bwood", b, BWOOD_FEE if b >= 50 else 55.0)
            out.add(f, "pallet_d", "demand", "pallet", _r(5 * n * U(0.6, 1.4), 10), 12.0, PALLET_CO2)
        elif a == "metalwork":
            out.add(f, "scrap_s", "supply", "metal_scrap", _r(1.5 * n * U(0.6, 1.4), 1), -float(pick((60, 80))))
        elif a == "construction":
            out.add(f, "scrap_s", "supply", "metal_scrap", _r(0.6 * n * U(0.6, 1.4), 1), -float(pick((60, 80))))
            b = _r(1.0 * n * U(0.6, 1.4), 1)
            out.add(f, "bwood_s", "supply", "bwood", b, BWOOD_FEE if b >= 50 else 55.0)
            out.add(f, "pallet_d", "demand", "pallet", _r(4 * n * U(0.6, 1.4), 10), 12.0, PALLET_CO2)
            if chance(0.3):
                out.add(f, "water_d", "demand", "process_water", _r(25 * n * U(0.7, 1.3), 100), 2.5)
        elif a == "food_producer":
            if chance(0.5):
                out.add(f, "heat_oven_s", "supply", "heat", _r(2.5 * n * U(0.7, 1.3), 10), 0.0, None, 110.0, "heat_process_supply")
            out.add(f, "food_s", "supply", "food_waste", _r(0.3 * n * U(0.7, 1.3), 1), 60.0)
            if chance(0.5):  # cold rooms: refrigeration condenser heat
                out.add(f, "heat_cold_s", "supply", "heat", _r(3 * n * U(0.7, 1.3), 10), 0.0, None, 32.0, "heat_coldstore")
        elif a == "landscaping":
            out.add(f, "food_d", "demand", "food_waste", _r(1.0 * n * U(0.6, 1.4), 1), -30.0)
        elif a == "pallet_repair":
            out.add(f, "pallet_s", "supply", "pallet", _r(270 * n * U(0.6, 1.4), 10), -8.0)
            out.add(f, "bwood_d", "demand", "bwood", _r(500 * U(0.5, 1.5), 10), -15.0)
        elif a == "distribution":
            out.add(f, "pallet_s", "supply", "pallet", _r(40 * n * U(0.5, 1.5), 10), -float(pick((3, 4))))
            if chance(0.6):
                out.add(f, "film_s", "supply", "ldpe_film", _r(0.2 * n * U(0.6, 1.4), 0.1), INCINERATION, FILM_CO2)
            else:
                out.add(f, "film_s", "supply", "ldpe_film", _r(0.2 * n * U(0.6, 1.4), 0.1), -150.0)
            if chance(0.3):
                used = chance(0.5)
                q = _r(35 * n * U(0.6, 1.4), 10)
                if used:  # buys used pallets, in lots worth a truck
                    out.add(f, "pallet_d", "demand", "pallet", q, 8.0, None, min_quantity=_r(q / 6, 10) or None)
                else:
                    out.add(f, "pallet_d", "demand", "pallet", q, 10.0, PALLET_CO2)
            if chance(0.25):
                out.add(f, "heat_cold_s", "supply", "heat", _r(19 * n * U(0.7, 1.3), 10), 0.0, None, 32.0, "heat_coldstore")
        elif a == "garage":
            out.add(f, "scrap_s", "supply", "metal_scrap", _r(0.4 * n * U(0.6, 1.4), 1), -60.0)
            if chance(0.5):
                out.add(f, "water_d", "demand", "process_water", _r(20 * n * U(0.7, 1.3), 100), 3.0)
        elif a == "recycler":
            out.add(f, "cardboard_d", "demand", "cardboard", _r(1500 * U(0.5, 1.5), 10), CARDBOARD_BUY)
            out.add(f, "regrind_d", "demand", "pp_regrind", _r(300 * U(0.5, 1.5), 10), REGRIND_BUY)
            out.add(f, "film_d", "demand", "ldpe_film", _r(200 * U(0.5, 1.5), 10), FILM_BUY)
            out.add(f, "scrap_d", "demand", "metal_scrap", _r(1500 * U(0.5, 1.5), 10), SCRAP_BUY)
        elif a == "public_office":
            if chance(0.3):
                out.add(f, "food_s", "supply", "food_waste", _r(0.1 * n * U(0.7, 1.3), 1), FOOD_FEE)
        elif a == "campus":
            out.add(f, "food_s", "supply", "food_waste", _r(0.013 * f.students * U(0.7, 1.3), 1), FOOD_FEE)
            out.add(f, "water_d", "demand", "process_water", _r(1.7 * f.students * U(0.7, 1.3), 100), 3.5)
            if chance(0.5):
                out.add(f, "office_d", "demand", "office_space", _r(U(300, 900), 10), 120.0)
        elif a == "event_hall":
            out.add(f, "food_s", "supply", "food_waste", _r(20 * U(0.6, 1.4), 1), FOOD_FEE)
            out.add(f, "water_d", "demand", "process_water", _r(1500 * U(0.6, 1.4), 100), 3.5)
        elif a == "wwtp":
            out.add(f, "heat_effluent_s", "supply", "heat", _r(20000 * U(0.5, 1.5), 100), 0.0, None, 15.0, "heat_wwtp")
            out.add(f, "water_s", "supply", "process_water", _r(200000 * U(0.5, 1.5), 1000), 0.0)
            out.add(f, "food_d", "demand", "food_waste", _r(120 * U(0.6, 1.4), 10), CODIGESTION_VALUE, CODIGESTION_CO2)
    return out


# --------------------------------------------------------------------------- switches


def _flatten(streams: list[dict[str, Any]], shapes: dict[str, tuple[float, ...]]) -> list[dict[str, Any]]:
    """Without profiles: drop the profile; a parking supply keeps the spaces free in every slot.

    Volume streams keep their yearly quantity (one slot, the year). A peak demand
    keeps its peak. A peak supply (spare parking) keeps only what is spare in every
    slot, quantity x min/max of its shape, so that a flat scenario never offers
    spaces that are taken at some hour; where that is nothing, the stream is dropped.
    """
    out = []
    for s in streams:
        s = {**s, "profile": None}
        prof = s.get("_profile")
        if s["resource"] == "parking" and s["direction"] == "supply" and prof is not None:
            shape = shapes[prof]
            q = _r(s["quantity"] * min(shape) / max(shape), 1)
            if q < MIN_SPACES:
                continue
            s["quantity"] = q
        out.append(s)
    return out


def _slot_loads(stream: dict[str, Any], shapes: dict[str, tuple[float, ...]], peak: bool, n_slots: int) -> np.ndarray:
    """Per-slot quantity of a stream (contract section 3), over ``n_slots`` slots."""
    prof = stream.get("profile")
    if prof is None:
        return np.full(n_slots, stream["quantity"] if peak else stream["quantity"] / n_slots)
    shape = np.array(shapes[prof], dtype=float)
    return stream["quantity"] * shape / (shape.max() if peak else shape.sum())  # type: ignore[no-any-return]


def _facilities(
    firms: list[_Firm], streams: list[dict[str, Any]], shapes: dict[str, tuple[float, ...]], sites: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Size options of every candidate facility, from the demand within its reach."""
    pos = {f.id: (f.lat, f.lon) for f in firms}
    by_res: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in streams:
        if s["direction"] == "demand":
            by_res[s["resource"]].append(s)
    coords = {
        r: (np.array([pos[s["company"]][0] for s in ss]), np.array([pos[s["company"]][1] for s in ss]), np.array([s["price_eur_per_unit"] for s in ss]))
        for r, ss in by_res.items()
    }
    rows: list[dict[str, Any]] = []
    for site in sites:
        cands = by_res.get(site["resource"], [])
        if not cands:
            continue
        lat, lon, price = coords[site["resource"]]
        near = (_dist_km(lat, lon, site["lat"], site["lon"]) <= site["max_distance_km"]) & (price > site["cost_eur_per_unit"])
        members = [cands[i] for i in np.flatnonzero(near)]
        if not members:
            continue
        peak = site["resource"] == "parking"
        n_slots = max((len(shapes[s["profile"]]) for s in members if s.get("profile")), default=1)
        load = float(np.max(sum(_slot_loads(s, shapes, peak, n_slots) for s in members)))  # peak of the summed need
        annual = float(sum(s["quantity"] for s in members))
        base = {k: site[k] for k in ("id", "name", "resource", "lat", "lon", "cost_eur_per_unit", "max_distance_km")}
        seen: set[float] = set()
        for opt in site["options"]:
            cap = max(site["step"], _r(opt.fraction * load, site["step"]))
            if cap in seen:
                continue
            seen.add(cap)
            if opt.ref is None:  # cost per unit of capacity
                capex, opex = opt.capex * cap, opt.opex * cap
            else:  # economies of scale on the yearly amount served when full
                scale = opt.fraction * annual / opt.ref
                capex, opex = opt.capex * scale**opt.capex_exp, opt.opex * scale**opt.opex_exp
            rows.append({**base, "capacity": cap, "capex_eur": _r(capex, 1000), "opex_eur_per_year": _r(opex, 100)})
    return rows


class _Option(NamedTuple):
    """A size option: a fraction of the catchment's peak per-slot load, and its cost.

    With ``ref`` None, ``capex`` and ``opex`` are per unit of capacity; otherwise they
    are those of a reference facility serving ``ref`` units a year, scaled by
    (served / ref) ** exponent.
    """

    fraction: float
    capex: float
    opex: float
    ref: float | None = None
    capex_exp: float = 1.0
    opex_exp: float = 1.0


def _facility_sites(firms: list[_Firm], streams: list[dict[str, Any]], rng: np.random.Generator) -> list[dict[str, Any]]:
    """Where candidate facilities go: parking hubs ~1 per 100 firms, waste hubs and canteens ~1 per 150."""
    has = defaultdict(set)
    for s in streams:
        has[s["resource"], s["direction"]].add(s["company"])
    by_park: dict[int, list[_Firm]] = defaultdict(list)
    for f in firms:
        by_park[f.park].append(f)
    width = max(2, len(str(len(by_park))))
    sites: list[dict[str, Any]] = []
    surface = FACTORS["parking_surface_capex"] + LAND_PER_SPACE  # 11,500 EUR/space
    deck = FACTORS["parking_garage_capex"] + LAND_PER_SPACE / 4  # 16,875 EUR/space, 4 levels
    for p in sorted(by_park):
        park = by_park[p]

        def spread(pool: list[_Firm], k: int) -> list[_Firm]:
            """k sites among ``pool``: a random first, then farthest-point sampling."""
            if not pool:
                return []
            chosen = [pool[int(rng.integers(len(pool)))]]
            lat = np.array([f.lat for f in pool])
            lon = np.array([f.lon for f in pool])
            dmin = _dist_km(lat, lon, chosen[0].lat, chosen[0].lon)
            while len(chosen) < min(k, len(pool)):
                j = int(np.argmax(dmin))
                chosen.append(pool[j])
                dmin = np.minimum(dmin, _dist_km(lat, lon, pool[j].lat, pool[j].lon))
            return chosen

        tag = f"p{p:0{width}d}"
        parkers = [f for f in park if f.id in has["parking", "demand"]]
        for k, f in enumerate(spread(parkers, max(1, round(len(park) / 100))), start=1):
            sites.append(
                {
                    "id": f"parking_hub_{tag}_{k}", "name": f"Mobility hub {k} of park {p}", "resource": "parking",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 25.0, "max_distance_km": 0.8, "step": 25,
                    # two surface lots and a multi-storey hub
                    "options": [
                        _Option(0.35, surface, FACTORS["parking_surface_opex"]),
                        _Option(0.7, surface, FACTORS["parking_surface_opex"]),
                        _Option(1.0, deck, FACTORS["parking_garage_opex"]),
                    ],
                }
            )
        recyclers = [f for f in park if f.archetype.key == "recycler"] or park
        wasters = [f for f in park if f.id in has["waste_collection", "demand"]]
        n_hubs = max(1, round(len(park) / 150))
        hubs = recyclers[:n_hubs] if len(recyclers) >= n_hubs else spread(wasters, n_hubs)
        for k, f in enumerate(hubs, start=1):
            sites.append(
                {
                    "id": f"waste_hub_{tag}_{k}", "name": f"Shared residual-waste hub {k} of park {p}", "resource": "waste_collection",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 145.0, "max_distance_km": 3.0, "step": 50,
                    # haasrode facilities.csv: 1,200 t/yr for 80 kEUR + 22 kEUR/yr, 2,400 t for 120 + 30
                    "options": [_Option(x, 80000, 22000, 1200, 0.585, 0.45) for x in (0.5, 1.0)],
                }
            )
        diners = [f for f in park if f.id in has["meals", "demand"]]
        for k, f in enumerate(spread(diners, max(1, round(len(park) / 150))), start=1):
            sites.append(
                {
                    "id": f"canteen_{tag}_{k}", "name": f"Shared company restaurant {k} of park {p}", "resource": "meals",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 6.0, "max_distance_km": 0.7, "step": 1000,
                    # haasrode facilities.csv: 110,000 meals/yr for 1.71 MEUR + 60 kEUR/yr, 220,000 for 3.06 + 100
                    "options": [_Option(x, 1710000, 60000, 110000, 0.84, 0.74) for x in (0.5, 1.0)],
                }
            )
        sources = [f for f in park if f.archetype.key in ("moulding", "electronics") and (f.id in has["heat", "supply"])]
        if sources and rng.random() < 0.35:
            f = sources[int(rng.integers(len(sources)))]
            sites.append(
                {
                    "id": f"heat_loop_{tag}", "name": f"Low-temperature loop with central heat pump, park {p}", "resource": "heat",
                    "lat": f.lat, "lon": f.lon, "cost_eur_per_unit": 46.0, "max_distance_km": 1.0, "step": 10,
                    # haasrode facilities.csv: 1,000 MWh in the peak month (~6,200 MWh/yr) for
                    # 2.5 MEUR + 50 kEUR/yr, twice that for 4.7 MEUR + 94 kEUR/yr
                    "options": [_Option(x, 2500000, 50000, 6200, 0.91, 0.91) for x in (0.5, 1.0)],
                }
            )
    return sites


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
    firms = _firms(n, rng)
    built = _streams(firms, rng)
    sites = _facility_sites(firms, built.rows, rng)  # the last draws: switches change nothing above

    streams = [{**s, "_profile": s["profile"]} for s in built.rows]
    if not profiles:
        streams = _flatten(streams, built.shapes)
    used = sorted({s["profile"] for s in streams if s["profile"] is not None})
    profile_rows: list[dict[str, Any]] = []
    for prof in used:
        slots = MONTHS if prof in HEAT_SHAPES else HOURS
        profile_rows += [{"profile": prof, "slot": sl, "value": v} for sl, v in zip(slots, built.shapes[prof])]
    facilities = _facilities(firms, streams, built.shapes, sites) if pools else []
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
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        (tmp / "scenario.yaml").write_text(park.yaml_text(), encoding="utf-8")
        for tname, rows in park.tables().items():
            (tmp / f"{tname}.csv").write_text(_csv_text(COLUMNS[tname], rows), encoding="utf-8")
        replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
