"""Writing workbooks: the empty scenario template, and what every workbook shares.

The template has one sheet per table with the contract's column names, lists of
allowed values, a settings sheet with every default and a README sheet; a filled
template is read by ``symbiosis.io.read.workbook``. Every cell of every workbook goes
through ``put`` or ``put_row`` (text stays text). The results workbook for people is
``book``.

Workbooks written here are byte-stable: the same content gives the same file (fixed
zip timestamps and document dates), and they are written whole or not at all.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from pydantic import BaseModel

from symbiosis.errors import OutputError
from symbiosis.io.read.cells import TRIGGERS
from symbiosis.io.read.workbook import README_SHEET, SCENARIO_SHEET, SETTINGS_SHEET
from symbiosis.io.write.files import tidy, write_bytes_atomic
from symbiosis.schema import RECORD_MODELS, TABLES, Settings

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FIXED_DATE = "1980-01-01T00:00:00Z"  # document dates of every workbook written, for byte-stable files
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- cells: text stays text


def as_text(cell: Cell) -> Cell:
    """Make a cell that holds text a text cell, whatever the text (contract section 5).

    openpyxl takes a string that starts with ``=`` for a formula and ``#N/A`` for an error
    value; here it stays text. Text that a spreadsheet would turn into a formula when the
    cell is edited (``=``, ``+``, ``-``, ``@``) also gets Excel's quote prefix, the
    invisible apostrophe that keeps it text.
    """
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value[:1] in TRIGGERS:
            cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell (text as text); every cell of every workbook goes through here or ``put_row``."""
    return as_text(ws.cell(row, column, value))


def put_row(ws: Worksheet, values: list[Any]) -> None:
    """Append a row (text as text)."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        as_text(cell)

# What each column means, for the template's README sheet and the header notes.
COLUMN_HELP: dict[str, dict[str, str]] = {
    "companies": {
        "id": "company id, unique",
        "name": "display name",
        "sector": "free-text sector label (optional)",
        "lat": "WGS84 latitude, degrees",
        "lon": "WGS84 longitude, degrees",
        "nace": "optional: NACE Rev. 2 code of the main activity (10.71 or C10.71); used by 'symbiosis estimate'",
        "employees": "optional: staff (persons or FTE), > 0; used by 'symbiosis estimate'",
        "floor_area_m2": "optional: floor area in m2, > 0; used by 'symbiosis estimate'",
        "disclose": "optional: yes (the default) or no: whether partners may see the company's name",
    },
    "resources": {
        "id": "resource id, unique",
        "family": "material, energy, water, space, parking or service",
        "unit": "unit label of every quantity of this resource (t, MWh, m3, m2, space, ...)",
        "pricing": "volume: price x quantity, summed over slots; peak: price x the largest per-slot need",
        "transport": "road (cost and CO2 per t-km), pipe (fixed cost per metre), walk (distance limit only) or none",
        "kg_per_unit": "mass of one unit in kg; required for road",
        "pipe_capex_eur_per_m": "pipe investment per metre; required for pipe",
        "max_distance_km": "optional; default settings max_distance_km",
    },
    "streams": {
        "id": "stream id, unique",
        "company": "company id",
        "direction": "supply or demand",
        "resource": "resource id",
        "quantity": "> 0; per year for volume resources, the peak need or spare capacity for peak resources",
        "price_eur_per_unit": "supply: what the company pays today to get rid of one unit (negative: it earns); demand: what it pays today per unit. 0 or empty for peak supplies",
        "co2_kg_per_unit": "emissions of today's route per unit, avoided when exchanged (optional, default 0)",
        "temperature_c": "optional; supply: delivered, demand: required",
        "profile": "optional profile id (flat when empty)",
        "min_quantity": "optional, volume only: smallest exchange worth making, per year",
        "ewc": "optional, material streams: the List of Waste code (15 01 01 or 150101; a trailing * marks a hazardous entry)",
        "legal_status": "optional, with ewc: waste (the default), by_product or end_of_waste",
        "source": "optional: where the figures come from: measured (the default), estimated: <coefficient id>, or your own words",
    },
    "profiles": {
        "profile": "profile id",
        "slot": "slot name (hour, month, ...)",
        "value": ">= 0; the shape of the stream over the slots",
    },
    "substitutions": {
        "supply_resource": "resource supplied",
        "demand_resource": "resource it replaces",
        "ratio": "> 0; one unit of the supply replaces ratio units of the demand",
    },
    "rules": {
        "rule": "forbid (no exchange from source to target) or require (at least one)",
        "source": "company or stream id",
        "target": "company or stream id",
    },
    "facilities": {
        "id": "facility id; rows with the same id are size options, at most one is built",
        "name": "display name",
        "resource": "resource id the facility serves",
        "lat": "WGS84 latitude, degrees",
        "lon": "WGS84 longitude, degrees",
        "capacity": "per slot, in the resource's unit",
        "capex_eur": "investment of this size option",
        "opex_eur_per_year": "yearly running cost of this size option",
        "cost_eur_per_unit": "paid per unit of member quantity served",
        "max_distance_km": "members lie within this distance of the facility",
    },
    "links": {
        "source": "supply stream, company or facility id",
        "target": "demand stream or company id",
        "resource": "optional, company-to-company rows only: applies to supplies of this resource",
        "distance_km": "replaces the computed distance (limit, road cost and CO2, pipe); empty: computed",
        "cost_eur_per_unit": "transport cost per supply unit (facility row: per unit of the member's quantity); empty: computed",
        "co2_kg_per_unit": "transport CO2 per supply unit (facility row: per unit of the member's quantity); empty: computed",
        "fixed_cost_eur_per_year": "replaces the link's fixed cost (an existing pipe: 0); facility row: yearly membership cost",
    },
    "permits": {
        "company": "company id of a receiver",
        "ewc": "a List of Waste entry its environmental permit covers (15 01 01), or a sub-chapter (15 01) or chapter (15)",
    },
    "routes": {
        "route": "route id, unique (e.g. grondstofverklaring)",
        "from_legal_status": "waste (only an exchange of waste needs a route)",
        "to_legal_status": "by_product, end_of_waste, or waste for a change of the receiver's permit",
        "one_off_eur": ">= 0, paid once per exchange (annualised by the CRF in the exchange's fixed cost)",
        "yearly_eur": ">= 0, paid every year per exchange",
        "lead_time_months": ">= 0, months before the exchange can start",
        "source": "where the figures come from, or EST with your reasoning",
    },
    "progress": {
        "source": "company or supply stream id (as in rules), or a facility id for a pool membership",
        "target": "company or demand stream id (a demand stream for a membership)",
        "stage": "proposed, studied, agreed, realised or rejected; agreed and realised hold the link, rejected forbids it",
        "since": "optional date YYYY-MM-DD",
    },
}
SETTING_HELP: dict[str, str] = {
    "annualisation.rate": "discount rate per year for annualising investments",
    "annualisation.years": "economic life in years",
    "link_fixed_cost_eur_per_year": "yearly fixed cost of every exchange link",
    "road_cost_eur_per_tkm": "road transport cost per tonne-km",
    "road_co2_kg_per_tkm": "road transport CO2 per tonne-km",
    "detour_factor": "road or pipe distance / straight-line distance",
    "max_distance_km": "default distance limit of a resource",
    "heat_approach_c": "a heat supply must be this much hotter than the demand",
    "carbon_price_eur_per_t": "value of avoided CO2 in the objective",
    "allocation": "how a pool's surplus is split: proportional or shapley",
    "shapley_samples": "random member orders for Shapley shares beyond 12 members",
    "heat_pump.carnot_fraction": "COP = this x (T_demand + 273.15) / lift; heat pumps are considered only when some heat_pump value is filled in",
    "heat_pump.max_lift_c": "largest temperature lift of a heat pump, C",
    "heat_pump.electricity_price_eur_per_mwh": "price of the heat pump's electricity",
    "heat_pump.electricity_co2_kg_per_mwh": "CO2 of the heat pump's electricity",
    "heat_pump.cost_eur_per_mwh": "heat pump cost per MWh of delivered heat",
}


def _choices(annotation: Any) -> tuple[str, ...] | None:
    """The allowed values of an enum or Literal field (None for other fields)."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, Enum):
            return tuple(str(m.value) for m in arg)
        if get_origin(arg) is Literal:  # also an optional Literal (Literal[...] | None)
            return tuple(str(a) for a in get_args(arg))
    return None


# (table, column) -> the allowed values of that column, for the template's lists.
CHOICE_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    (table, name): allowed
    for table, model in RECORD_MODELS.items()
    for name, spec in model.model_fields.items()
    if (allowed := _choices(spec.annotation))
}


# --------------------------------------------------------------------------- the template


def _setting_rows(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any, str, tuple[str, ...] | None]]:
    """(dotted key, default, help, allowed values) of every setting, in the model's order."""
    rows: list[tuple[str, Any, str, tuple[str, ...] | None]] = []
    for name, spec in model.model_fields.items():
        key = f"{prefix}{name}"
        sub = next((a for a in (spec.annotation, *get_args(spec.annotation)) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if sub is not None:
            rows += _setting_rows(sub, f"{key}.")
            continue
        default = spec.get_default(call_default_factory=True)
        allowed = _choices(spec.annotation) or (("TRUE", "FALSE") if spec.annotation is bool else None)
        rows.append((key, default, SETTING_HELP.get(key, spec.description or ""), allowed))
    return rows


def setting_help() -> dict[str, str]:
    """What each setting means, by its dotted key (the template's settings sheet and the report say the same)."""
    return {key: text for key, _, text, _ in _setting_rows(Settings)}


README_TEXT = [
    "symbiosis scenario workbook (format 1)",
    "",
    "Fill in one sheet per table: companies, resources and streams are required; profiles, substitutions, rules,",
    "facilities and links are optional (leave them empty when not used). The first row of each sheet holds the column names;",
    "keep them as they are. Extra columns are kept and ignored, so you may add your own notes beside the data.",
    "Empty cells mean 'not given'; blank rows are skipped. Lists in the cells of family, pricing, transport,",
    "direction and rule show the allowed values.",
    "",
    "The 'scenario' sheet holds the scenario's name. The 'settings' sheet lists every setting with its default:",
    "type a value to change it, leave it empty to keep the default. Heat pumps are only considered when a",
    "heat_pump value is filled in. Sheets whose name starts with '_' are ignored, for your own notes.",
    "",
    "Then:  symbiosis validate THIS.xlsx   and   symbiosis solve THIS.xlsx --out RESULTS",
    "A problem is reported with its sheet, row, column and cell, e.g.",
    "  THIS.xlsx, sheet 'streams': row 5, column 'quantity' (cell E5): expected a number, got 'lots'",
    "",
    "Units: money EUR, distance km, mass t, energy MWh; CO2 in kg per unit. Quantities are per year unless the",
    "resource is peak-priced. The full reference is the project's DESIGN.md, section 3.",
]


def template_workbook(name: str = "") -> OpenpyxlWorkbook:
    """An empty scenario workbook with headers, allowed-value lists, settings and instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    for i, line in enumerate(README_TEXT, start=1):
        put(readme, i, 1, line)
    readme["A1"].font = Font(bold=True, size=14)
    r = len(README_TEXT) + 2
    for j, head in enumerate(("sheet", "column", "required", "meaning"), start=1):
        put(readme, r, j, head).font = bold
    for table in TABLES:
        for col, spec in RECORD_MODELS[table].model_fields.items():
            r += 1
            put(readme, r, 1, table)
            put(readme, r, 2, col)
            put(readme, r, 3, "yes" if spec.is_required() else "")
            put(readme, r, 4, COLUMN_HELP.get(table, {}).get(col, spec.description or ""))
    for letter, width in (("A", 16), ("B", 24), ("C", 10), ("D", 100)):
        readme.column_dimensions[letter].width = width

    sc = wb.create_sheet(SCENARIO_SHEET)
    for j, head in enumerate(("key", "value", "meaning"), start=1):
        put(sc, 1, j, head).font = bold
        sc.cell(1, j).fill = fill
    rows = (
        ("format", 1, "workbook format; this version reads 1"),
        ("name", name or None, "the scenario's name (default: the file name)"),
        ("description", None, "free text"),
        ("provenance", None, "free text: where the data come from"),
    )
    for i, (key, value, meaning) in enumerate(rows, start=2):
        put(sc, i, 1, key)
        put(sc, i, 2, value)
        put(sc, i, 3, meaning)
    sc.freeze_panes = "A2"
    for letter, width in (("A", 14), ("B", 50), ("C", 50)):
        sc.column_dimensions[letter].width = width

    for table in TABLES:
        ws = wb.create_sheet(table)
        for j, col in enumerate(RECORD_MODELS[table].model_fields, start=1):
            cell = put(ws, 1, j, col)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(horizontal="center")
            letter = cell.column_letter
            ws.column_dimensions[letter].width = max(12, len(col) + 4)
            allowed = CHOICE_COLUMNS.get((table, col))
            if allowed:
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(allowed) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=f"{col}",
                    error=f"{col} is one of: {', '.join(allowed)}",
                    promptTitle=col,
                    prompt=", ".join(allowed),
                )
                dv.add(f"{letter}2:{letter}1048576")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"

    st = wb.create_sheet(SETTINGS_SHEET)
    for j, head in enumerate(("key", "value", "default", "meaning"), start=1):
        put(st, 1, j, head).font = bold
        st.cell(1, j).fill = fill
    for i, (key, default, meaning, allowed) in enumerate(_setting_rows(Settings), start=2):
        put(st, i, 1, key)
        put(st, i, 3, default)
        put(st, i, 4, meaning)
        if allowed:
            dv = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True, showErrorMessage=True, error=f"one of: {', '.join(allowed)}")
            dv.add(f"B{i}")
            st.add_data_validation(dv)
    st.freeze_panes = "A2"
    for letter, width in (("A", 36), ("B", 14), ("C", 14), ("D", 70)):
        st.column_dimensions[letter].width = width
    return wb


def write_template(path: str | Path, overwrite: bool = False) -> Path:
    """Write an empty scenario workbook to ``path`` (an .xlsx file); refuse to replace a file unless ``overwrite``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"'{path}': the template is an Excel workbook; give a file name ending in .xlsx")
    if path.exists() and not overwrite:
        raise OutputError(f"'{path}' exists; choose another name (or pass --force to replace it)")
    if path.is_dir():
        raise OutputError(f"'{path}' is a folder")
    save_workbook(template_workbook(), path)
    return path


# --------------------------------------------------------------------------- results


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested mappings as (dotted key, value) rows, keys sorted; a list becomes one '; '-joined value."""
    if isinstance(data, dict):
        out: list[tuple[str, Any]] = []
        for k in sorted(data, key=str):
            out += flatten(data[k], f"{prefix}{k}.")
        return out
    if isinstance(data, (list, tuple)):
        return [(prefix[:-1], "; ".join(str(x) for x in data))]
    return [(prefix[:-1], data)]


def _put_frame(wb: OpenpyxlWorkbook, title: str, frame: pd.DataFrame) -> None:
    """A sheet ``title`` holding ``frame``: a bold, frozen, filtered header, then the rows."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    put_row(ws, [str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        put_row(ws, [_cell_value(tidy(v)) for v in row])
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = ws.dimensions
    for j, col in enumerate(frame.columns, start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = max(10, min(40, len(str(col)) + 3))


def _cell_value(v: Any) -> Any:
    """A value a spreadsheet cell can hold (anything else as its text)."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def workbook_bytes(wb: OpenpyxlWorkbook) -> bytes:
    """The workbook as .xlsx bytes, with fixed dates so that equal content gives equal bytes."""
    buf = io.BytesIO()
    wb.properties.creator = "symbiosis"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)", rb"\g<1>" + FIXED_DATE.encode() + rb"\3", body)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def save_workbook(wb: OpenpyxlWorkbook, path: Path) -> None:
    """Write a workbook whole or not at all (temporary file beside it, then rename)."""
    write_bytes_atomic(path, workbook_bytes(wb))
