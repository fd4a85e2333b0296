"""Sources of the generated parks: factors.csv values, the prices derived from them, the
resources, substitutions and settings every generated scenario shares.

``FACTORS`` holds values of ``shared/data/factors.csv`` (column ``value``) by key;
``tests/test_generate.py`` checks them against that file. ``NAMED`` is what a price or
CO2 cell of the archetype tables may name instead of a number: a factors.csv key
(lower case, e.g. ``rent_warehouse``) or a derived value below (upper case, e.g.
``INCINERATION``).
"""

from __future__ import annotations

import math
from typing import Any

from symbiosis.economics import crf

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
CRF = crf(RATE, YEARS)  # 0.0963, the annualisation of every generated scenario


def round_to(x: float, step: float) -> float:
    """Round to a multiple of ``step`` (half away from zero), as a clean float."""
    return float(round(math.floor(abs(x) / step + 0.5) * step * (1 if x >= 0 else -1), 6))


# Derived prices (see haasrode README "Prices and factors used").
HEAT_PRICE = round(FACTORS["gas_price_industrial"] / FACTORS["boiler_efficiency_gas"], 2)  # 54.35 EUR/MWh
HEAT_CO2 = round(FACTORS["ef_natural_gas_direct"] * 1000 / FACTORS["boiler_efficiency_gas"], 1)  # 222.8 kg/MWh
LAND_PER_SPACE = FACTORS["parking_surface_area"] * FACTORS["land_value"]  # 7,500 EUR
PARK_PRICE = round_to(CRF * (FACTORS["parking_surface_capex"] + LAND_PER_SPACE) + FACTORS["parking_surface_opex"], 10)  # 1,260
DECK_PRICE = round_to(CRF * FACTORS["parking_garage_capex"] + FACTORS["parking_garage_opex"], 10)  # 1,850
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

# What a price or CO2 cell of archetypes.csv / archetype_streams.csv may name.
NAMED: dict[str, float] = {
    **FACTORS,
    "HEAT_PRICE": HEAT_PRICE,
    "HEAT_CO2": HEAT_CO2,
    "PALLET_CO2": PALLET_CO2,
    "CARDBOARD_CO2": CARDBOARD_CO2,
    "FILM_CO2": FILM_CO2,
    "PLASTICS_CO2": PLASTICS_CO2,
    "INCINERATION": INCINERATION,
    "RESIDUAL": RESIDUAL,
    "CARDBOARD_BUY": CARDBOARD_BUY,
    "FILM_BUY": FILM_BUY,
    "SCRAP_BUY": SCRAP_BUY,
    "REGRIND_BUY": REGRIND_BUY,
    "VIRGIN_PP_PRICE": VIRGIN_PP_PRICE,
    "BWOOD_FEE": BWOOD_FEE,
    "FOOD_FEE": FOOD_FEE,
    "CODIGESTION_VALUE": CODIGESTION_VALUE,
    "CODIGESTION_CO2": CODIGESTION_CO2,
}

# --------------------------------------------------------------------------- scenario tables and settings

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
