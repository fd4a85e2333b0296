"""Write the hostile-input corpus: one folder per broken scenario, each with ``expected.toml``.

Most cases are the BASE tiny scenario of ``tests/conftest.py`` with one thing broken.
The folders are committed, so a reviewer can open the exact bytes; this script is how
they were made. Re-run it after changing a case (it rewrites every case folder it
knows and leaves others alone):

    python tests/hostile/build_corpus.py

``expected.toml`` of a case:

    description = "what is broken"
    exit_code = 2                      # what `symbiosis validate` must exit with
    messages = [["streams.csv", "row 3", "column 'quantity'", "finite"]]
                                       # each list: fragments that must share one output line
    solve = true                       # optional: also run `solve --out` and check no output appears
    [setup]                            # optional: things git cannot hold, made by the test
    outside = true                     # write a valid copy of BASE into ../outside/
    symlinks = [["streams.csv", "../outside/streams.csv"]]   # [link name, target]
    mkdirs = ["streams.csv"]           # folders to create inside the case
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import BASE  # noqa: E402

Files = dict[str, "str | bytes"]

SUBS_YAML = "profiles: profiles.csv, substitutions: substitutions.csv}"
PAPER = "paper,material,t,volume,road,1000,,\nboard,material,t,volume,road,1000,,\n"


@dataclass
class Case:
    name: str
    description: str
    files: Files
    messages: list[list[str]]
    exit_code: int = 2
    solve: bool = False
    setup: dict[str, object] = field(default_factory=dict)
    command: str = ""  # "validate" (default), "solve" or "check" (see tests/test_hostile.py)
    args: list[str] = field(default_factory=list)  # extra command-line arguments, e.g. ["--strict"]
    target: str = ""  # the file inside the case to give the command (e.g. a workbook); default the folder


def base(**changes: str | bytes | None) -> Files:
    """BASE with some files replaced (a value of None drops the file)."""
    files: Files = dict(BASE)
    for name, text in changes.items():
        name = name.replace("__", ".")
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    return files


def rep(name: str, old: str, new: str, files: Files | None = None) -> Files:
    """BASE (or ``files``) with ``old`` replaced by ``new`` in file ``name``."""
    files = dict(files if files is not None else BASE)
    text = files[name]
    assert isinstance(text, str) and old in text, (name, old)
    files[name] = text.replace(old, new, 1)
    return files


def yaml_with(text: str) -> str:
    """scenario.yaml of BASE with ``text`` appended."""
    return str(BASE["scenario.yaml"]) + text


def with_subs(rows: str, extra_resources: str = PAPER) -> Files:
    files = rep("scenario.yaml", "profiles: profiles.csv}", SUBS_YAML)
    files["resources.csv"] = str(BASE["resources.csv"]) + extra_resources
    files["substitutions.csv"] = "supply_resource,demand_resource,ratio\n" + rows
    return files


def with_facilities(rows: str) -> Files:
    files = rep("scenario.yaml", "profiles: profiles.csv}", "profiles: profiles.csv, facilities: facilities.csv}")
    files["facilities.csv"] = "id,name,resource,lat,lon,capacity,capex_eur,opex_eur_per_year,cost_eur_per_unit,max_distance_km\n" + rows
    return files


def with_rules(rows: str) -> Files:
    files = rep("scenario.yaml", "profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")
    files["rules.csv"] = "rule,source,target\n" + rows
    return files


FAC_OK = "hub,Car park,parking,50.851,4.701,60,100000,1000,50,1\n"
NO_PROFILES_STREAMS = str(BASE["streams.csv"]).replace(",evening,", ",,").replace(",event,", ",,")
INLINE_YAML = (
    "format: 1\nname: inline\ntables:\n"
    "  companies:\n    - {id: A, name: Alpha, lat: 50.85, lon: 4.70}\n    - {id: B, name: Beta, lat: 50.855, lon: 4.70}\n"
    "  resources:\n    - {id: cardboard, family: material, unit: t, pricing: volume, transport: road, kg_per_unit: 1000}\n"
    "  streams:\n"
    "    - {id: cb_a, company: A, direction: supply, resource: cardboard, quantity: 50, price_eur_per_unit: 30}\n"
    "    - {id: cb_b, company: B, direction: demand, resource: cardboard, quantity: 40, price_eur_per_unit: 20}\n"
)


def inline(old: str, new: str) -> Files:
    assert old in INLINE_YAML, old
    return {"scenario.yaml": INLINE_YAML.replace(old, new, 1)}


CASES: list[Case] = [
    # ------------------------------------------------------------------ encoding
    Case(
        "enc_cp1252_companies",
        "companies.csv saved as Windows-1252 ('CSV' rather than 'CSV UTF-8' in Excel): an accented name",
        base(companies__csv=str(BASE["companies.csv"]).replace("Gamma", "Société Générale").encode("cp1252")),
        [["companies.csv", "row 4", "column 'name'", "not UTF-8", "0xe9", "CSV UTF-8"]],
        solve=True,
    ),
    Case(
        "enc_utf16_streams",
        "streams.csv saved as UTF-16 with a byte-order mark ('Unicode text' in Excel)",
        base(streams__csv=str(BASE["streams.csv"]).encode("utf-16")),
        [["streams.csv", "UTF-16", "CSV UTF-8"]],
        solve=True,
    ),
    Case(
        "enc_utf16le_no_bom_resources",
        "resources.csv in UTF-16 little-endian without a byte-order mark (NUL byte after every ASCII character)",
        base(resources__csv=str(BASE["resources.csv"]).encode("utf-16-le")),
        [["resources.csv", "UTF-16", "CSV UTF-8"]],
    ),
    Case(
        "enc_cp1252_yaml",
        "scenario.yaml saved as Windows-1252 with an accented scenario name on line 2",
        base(scenario__yaml=str(BASE["scenario.yaml"]).replace("name: tiny", "name: Café du parc").encode("cp1252")),
        [["scenario.yaml", "row 2", "not UTF-8", "0xe9"]],
    ),
    Case(
        "enc_utf16_yaml",
        "scenario.yaml saved as UTF-16",
        base(scenario__yaml=str(BASE["scenario.yaml"]).encode("utf-16")),
        [["scenario.yaml", "UTF-16"]],
    ),
    Case(
        "ok_utf8_bom",
        "every file starts with a UTF-8 byte-order mark (Excel 'CSV UTF-8'): accepted",
        {k: "\ufeff" + str(v) for k, v in BASE.items()},
        [["OK", "3 companies", "4 streams"]],
        exit_code=0,
        solve=True,
    ),
    Case(
        "ok_crlf",
        "Windows line endings (CRLF) everywhere, and blank lines at the end of a table: accepted",
        {k: str(v).replace("\n", "\r\n") + ("\r\n\r\n,,,,\r\n" if k == "companies.csv" else "") for k, v in BASE.items()},
        [["OK", "3 companies", "4 streams"]],
        exit_code=0,
    ),
    # ------------------------------------------------------------------ separators
    Case(
        "sep_semicolon_streams",
        "streams.csv with ';' as separator (Excel in a comma-decimal locale)",
        base(streams__csv=str(BASE["streams.csv"]).replace(",", ";")),
        [["streams.csv", "row 1", "';' as separator", "comma-separated"]],
        solve=True,
    ),
    Case(
        "sep_tab_resources",
        "resources.csv is tab-separated",
        base(resources__csv=str(BASE["resources.csv"]).replace(",", "\t")),
        [["resources.csv", "row 1", "'tab' as separator"]],
    ),
    Case(
        "sep_decimal_comma",
        "a latitude written with a decimal comma, quoted so the row still has five cells",
        rep("companies.csv", "B,Beta,plant,50.855,4.700", 'B,Beta,plant,"50,855",4.700'),
        [["companies.csv", "row 3", "column 'lat'", "expected a number, got '50,855'", "decimal point"]],
    ),
    Case(
        "sep_excel_sep_line",
        "Excel's 'sep=,' hint line above the header",
        base(companies__csv="sep=,\n" + str(BASE["companies.csv"])),
        [["companies.csv", "row 1", "sep="]],
    ),
    # ------------------------------------------------------------------ empty
    Case(
        "empty_streams_zero_bytes",
        "streams.csv is a 0-byte file",
        base(streams__csv=""),
        [["streams.csv", "is empty", "header"]],
        solve=True,
    ),
    Case(
        "empty_streams_header_only",
        "streams.csv has a header and no rows: a scenario with nothing to exchange",
        base(streams__csv=str(BASE["streams.csv"]).splitlines()[0] + "\n"),
        [["streams.csv", "has no rows"]],
        solve=True,
    ),
    Case(
        "empty_companies_blank_lines",
        "companies.csv holds only blank lines",
        base(companies__csv="\n\n  \n"),
        [["companies.csv", "is empty"]],
    ),
    Case(
        "empty_resources_commas_only",
        "resources.csv has its header and then only rows of empty cells (an emptied sheet)",
        base(resources__csv=str(BASE["resources.csv"]).splitlines()[0] + "\n,,,,,,,\n,,,,,,,\n"),
        [["resources.csv", "has no rows"]],
    ),
    Case(
        "empty_yaml",
        "scenario.yaml is a 0-byte file",
        base(scenario__yaml=""),
        [["scenario.yaml", "is empty"]],
    ),
    Case(
        "ok_optional_header_only",
        "profiles.csv and rules.csv are header-only (optional tables may be empty); no stream uses a profile: accepted",
        {
            **rep("scenario.yaml", "profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}"),
            "streams.csv": NO_PROFILES_STREAMS,
            "profiles.csv": "profile,slot,value\n",
            "rules.csv": "rule,source,target\n",
        },
        [["OK", "3 companies", "0 rules"]],
        exit_code=0,
    ),
    # ------------------------------------------------------------------ numbers
    Case("num_nan_quantity", "quantity 'nan'", rep("streams.csv", "cb_b,B,demand,cardboard,40", "cb_b,B,demand,cardboard,nan"), [["streams.csv", "row 3", "column 'quantity'", "finite number", "'nan'"]]),
    Case("num_NaN_latitude", "latitude 'NaN'", rep("companies.csv", "50.855", "NaN"), [["companies.csv", "row 3", "column 'lat'", "finite number", "'NaN'"]]),
    Case("num_inf_price", "price 'inf'", rep("streams.csv", "cb_a,A,supply,cardboard,50,30", "cb_a,A,supply,cardboard,50,inf"), [["streams.csv", "row 2", "column 'price_eur_per_unit'", "finite number", "'inf'"]], solve=True),
    Case("num_minus_inf_co2", "co2 '-inf'", rep("streams.csv", "cb_b,B,demand,cardboard,40,20,100", "cb_b,B,demand,cardboard,40,20,-inf"), [["streams.csv", "row 3", "column 'co2_kg_per_unit'", "finite number", "'-inf'"]]),
    Case("num_1e999_quantity", "quantity '1e999' (overflows to infinity when read)", rep("streams.csv", "cb_a,A,supply,cardboard,50", "cb_a,A,supply,cardboard,1e999"), [["streams.csv", "row 2", "column 'quantity'", "finite number", "'1e999'"]]),
    Case("num_infinity_profile", "profile value 'Infinity'", rep("profiles.csv", "event,night,1", "event,night,Infinity"), [["profiles.csv", "row 5", "column 'value'", "finite number"]]),
    Case(
        "num_huge_quantity",
        "quantity 1e308: finite, but sums over slots and streams overflow to infinity",
        rep("streams.csv", "cb_a,A,supply,cardboard,50", "cb_a,A,supply,cardboard,1e308"),
        [["streams.csv", "row 2", "column 'quantity'", "at most 1e+12", "1e308"]],
        solve=True,
    ),
    Case("num_huge_price", "price -1e15 EUR per unit", rep("streams.csv", "cb_b,B,demand,cardboard,40,20", "cb_b,B,demand,cardboard,40,-1e15"), [["streams.csv", "row 3", "column 'price_eur_per_unit'", "at least -1e+12"]]),
    Case("num_huge_capex", "a facility capex of 1e20 EUR", with_facilities("hub,Car park,parking,50.851,4.701,60,1e20,1000,50,1\n"), [["facilities.csv", "row 2", "column 'capex_eur'", "at most 1e+12"]]),
    Case("num_excel_error", "a '#N/A' spreadsheet error in a quantity", rep("streams.csv", "cb_b,B,demand,cardboard,40", "cb_b,B,demand,cardboard,#N/A"), [["streams.csv", "row 3", "column 'quantity'", "'#N/A'", "spreadsheet error"]]),
    Case("num_zero_quantity", "quantity 0", rep("streams.csv", "cb_b,B,demand,cardboard,40", "cb_b,B,demand,cardboard,0"), [["streams.csv", "row 3", "column 'quantity'", "greater than 0"]]),
    Case("num_text_in_capacity", "capacity 'about 60'", with_facilities("hub,Car park,parking,50.851,4.701,about 60,100000,1000,50,1\n"), [["facilities.csv", "row 2", "column 'capacity'", "expected a number, got 'about 60'"]]),
    # ------------------------------------------------------------------ headers
    Case(
        "hdr_duplicate_column",
        "streams.csv names the column 'quantity' twice",
        rep("streams.csv", "resource,quantity,price_eur_per_unit", "resource,quantity,quantity"),
        [["streams.csv", "row 1", "column 'quantity'", "duplicate column name"]],
    ),
    Case(
        "hdr_wrong_case",
        "companies.csv header says 'Lat' and 'Lon' (column names are case-sensitive)",
        rep("companies.csv", "id,name,sector,lat,lon", "id,name,sector,Lat,Lon"),
        [["companies.csv", "row 1", "column 'lat'", "required column is missing", "'Lat'"]],
    ),
    Case(
        "hdr_title_row",
        "resources.csv has a title line above the header",
        base(resources__csv="Resources of the park,,,,,,,\n" + str(BASE["resources.csv"])),
        [["resources.csv", "row 1", "header", "row 2"]],
    ),
    # ------------------------------------------------------------------ coordinates
    Case("coord_lat_91", "latitude 91", rep("companies.csv", "50.855", "91"), [["companies.csv", "row 3", "column 'lat'", "less than or equal to 90"]]),
    Case("coord_lon_minus_200", "longitude -200", rep("companies.csv", "C,Gamma,hall,50.850,4.706", "C,Gamma,hall,50.850,-200"), [["companies.csv", "row 4", "column 'lon'", "greater than or equal to -180"]]),
    Case(
        "coord_facility_lat_swapped",
        "a facility with latitude and longitude swapped beyond range (lat 450.85)",
        with_facilities("hub,Car park,parking,450.85,4.701,60,100000,1000,50,1\n"),
        [["facilities.csv", "row 2", "column 'lat'", "less than or equal to 90"]],
    ),
    # ------------------------------------------------------------------ profiles
    Case("prof_all_zero", "profile 'evening' is zero in every slot", rep("profiles.csv", "evening,night,1", "evening,night,0"), [["profiles.csv", "row 2", "column 'value'", "zero in every slot"]]),
    Case("prof_negative", "a negative profile value", rep("profiles.csv", "event,day,0.25", "event,day,-0.25"), [["profiles.csv", "row 4", "column 'value'", "greater than or equal to 0"]]),
    Case(
        "prof_duplicate_slot",
        "profile 'event' gives slot 'night' twice",
        base(profiles__csv=str(BASE["profiles.csv"]) + "event,night,2\n"),
        [["profiles.csv", "row 6", "column 'slot'", "given twice", "first at row 5"]],
    ),
    # ------------------------------------------------------------------ substitutions
    Case(
        "sub_cycle_two",
        "paper replaces board and board replaces paper",
        with_subs("paper,board,1\nboard,paper,1\n"),
        [["substitutions.csv", "row 3", "substitution cycle", "paper -> board -> paper", "rows 2, 3"]],
    ),
    Case(
        "sub_cycle_three",
        "cardboard -> paper -> board -> cardboard",
        with_subs("cardboard,paper,0.9\npaper,board,0.8\nboard,cardboard,1.1\n"),
        [["substitutions.csv", "row 4", "substitution cycle", "cardboard -> paper -> board -> cardboard", "rows 2, 3, 4"]],
    ),
    Case(
        "sub_self_ratio",
        "a resource substituting itself with ratio 2",
        with_subs("paper,paper,2\n"),
        [["substitutions.csv", "row 2", "column 'ratio'", "substitutes itself"]],
    ),
    Case(
        "sub_unknown_resource",
        "a substitution naming a resource that is not in resources.csv",
        with_subs("paper,cardbord,1\n"),
        [["substitutions.csv", "row 2", "column 'demand_resource'", "unknown resource 'cardbord'"]],
    ),
    # ------------------------------------------------------------------ YAML
    Case(
        "yaml_alias",
        "an anchor and an alias (the building block of 'billion laughs')",
        base(scenario__yaml=str(BASE["scenario.yaml"]) + "description: &d text\nprovenance: *d\n"),
        [["scenario.yaml", "row 6", "anchor"]],
    ),
    Case(
        "yaml_merge_key",
        "settings merged from an anchor with '<<: *base'",
        base(scenario__yaml="format: 1\nname: tiny\n"
             "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, profiles: profiles.csv}\n"
             "description: &defaults {x: 1}\nsettings:\n  <<: *defaults\n"),
        [["scenario.yaml", "row 4", "anchor"]],
    ),
    Case(
        "yaml_python_tag",
        "a !!python/object/apply tag that would run a command under an unsafe loader",
        base(scenario__yaml=yaml_with('description: !!python/object/apply:os.system ["echo pwned"]\n')),
        [["scenario.yaml", "row 6", "tag", "not allowed"]],
        solve=True,
    ),
    Case(
        "yaml_custom_tag",
        "a custom !include tag",
        base(scenario__yaml=yaml_with("description: !include other.yaml\n")),
        [["scenario.yaml", "row 6", "tag '!include'", "not allowed"]],
    ),
    Case(
        "yaml_standard_tag",
        "even a standard tag (!!float) is refused: the scenario format has no use for tags",
        rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "link_fixed_cost_eur_per_year: !!float 100"),
        [["scenario.yaml", "row 5", "tag", "not allowed"]],
    ),
    Case(
        "yaml_duplicate_key",
        "'settings' given twice (YAML loaders silently keep the last one)",
        base(scenario__yaml=yaml_with("settings:\n  detour_factor: 2\n")),
        [["scenario.yaml", "row 6", "'settings'", "given twice", "row 4"]],
    ),
    Case("yaml_list", "scenario.yaml is a list", base(scenario__yaml="- format: 1\n- name: tiny\n"), [["scenario.yaml", "must be a YAML mapping"]], solve=True),
    Case("yaml_scalar", "scenario.yaml is a bare string", base(scenario__yaml="just some text\n"), [["scenario.yaml", "must be a YAML mapping"]]),
    Case("yaml_syntax_error", "an unclosed flow mapping", rep("scenario.yaml", "profiles: profiles.csv}", "profiles: profiles.csv"), [["scenario.yaml", "row 4", "is not valid YAML"]]),
    Case(
        "yaml_deep_nesting",
        "5 000 nested lists (would exhaust the parser's recursion)",
        base(scenario__yaml=yaml_with("description: " + "[" * 5_000 + "]" * 5_000 + "\n")),
        [["scenario.yaml", "nested too deeply"]],
    ),
    Case("yaml_format_2", "format: 2", rep("scenario.yaml", "format: 1", "format: 2"), [["scenario.yaml", "column 'format'", "unsupported format 2"]]),
    Case("yaml_format_true", "format: true (YAML's boolean, equal to 1 in Python)", rep("scenario.yaml", "format: 1", "format: true"), [["scenario.yaml", "column 'format'", "unsupported format True"]]),
    Case("yaml_unknown_key", "a misspelt top-level key 'setting'", rep("scenario.yaml", "settings:", "setting:"), [["scenario.yaml", "column 'setting'", "unknown key", "did you mean 'settings'"]]),
    Case("yaml_missing_required_table", "tables lacks streams", rep("scenario.yaml", "streams: streams.csv, ", ""), [["scenario.yaml", "column 'tables'", "required table 'streams' is not given"]]),
    Case("yaml_unknown_table", "a table name that does not exist ('stream')", rep("scenario.yaml", "streams: streams.csv", "stream: streams.csv"), [["scenario.yaml", "column 'tables.stream'", "unknown table", "did you mean 'streams'"]]),
    Case("yaml_tables_is_list", "tables written as a list of file names", rep("scenario.yaml", "tables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, profiles: profiles.csv}", "tables: [companies.csv, resources.csv, streams.csv]"), [["scenario.yaml", "column 'tables'", "must map table names"]]),
    Case("yaml_table_path_number", "a table path that is a number", rep("scenario.yaml", "streams: streams.csv", "streams: 42"), [["scenario.yaml", "column 'tables.streams'", "must be a CSV path or a list of records"]]),
    # ------------------------------------------------------------------ settings
    Case("set_detour_text", "detour_factor: \"abc\"", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", 'detour_factor: "abc"'), [["scenario.yaml", "column 'settings.detour_factor'", "expected a number, got 'abc'"]], solve=True),
    Case("set_solver_scalar", "solver: 5", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "solver: 5"), [["scenario.yaml", "column 'settings.solver'", "must be a mapping"]]),
    Case("set_negative_max_distance", "max_distance_km: -1", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "max_distance_km: -1"), [["scenario.yaml", "column 'settings.max_distance_km'", "greater than 0"]]),
    Case("set_unknown_key", "a misspelt setting", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "link_fixed_cost: 100"), [["scenario.yaml", "column 'settings.link_fixed_cost'", "unknown field"]]),
    Case("set_nan", "carbon_price_eur_per_t: .nan", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "carbon_price_eur_per_t: .nan"), [["scenario.yaml", "column 'settings.carbon_price_eur_per_t'", "finite number"]]),
    Case("set_huge", "link_fixed_cost_eur_per_year: 1e300", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "link_fixed_cost_eur_per_year: 1.0e+300"), [["scenario.yaml", "column 'settings.link_fixed_cost_eur_per_year'", "at most 1e+12"]]),
    Case("set_threads_text", "solver.threads: many", rep("scenario.yaml", "link_fixed_cost_eur_per_year: 100", "solver: {threads: many}"), [["scenario.yaml", "column 'settings.solver.threads'", "expected a whole number, got 'many'"]]),
    Case("set_settings_list", "settings is a list", rep("scenario.yaml", "settings:\n  link_fixed_cost_eur_per_year: 100", "settings:\n  - link_fixed_cost_eur_per_year: 100"), [["scenario.yaml", "column 'settings'", "must be a mapping"]]),
    # ------------------------------------------------------------------ paths
    Case("path_parent", "a table path that climbs out of the folder", rep("scenario.yaml", "streams: streams.csv", "streams: ../streams.csv"), [["scenario.yaml", "column 'tables.streams'", "stay inside the scenario folder"]], solve=True),
    Case("path_absolute", "an absolute table path", rep("scenario.yaml", "streams: streams.csv", "streams: /etc/passwd"), [["scenario.yaml", "column 'tables.streams'", "must be relative"]]),
    Case(
        "path_symlink_outside",
        "streams.csv is a symbolic link to a file outside the scenario folder",
        base(streams__csv=None),
        [["scenario.yaml", "column 'tables.streams'", "stay inside the scenario folder"]],
        setup={"outside": True, "symlinks": [["streams.csv", "../outside/streams.csv"]]},
    ),
    Case(
        "path_symlink_loop",
        "streams.csv is a symbolic link to itself through a second link",
        base(streams__csv=None),
        [["scenario.yaml", "column 'tables.streams'", "symbolic link"]],
        setup={"symlinks": [["streams.csv", "loop.csv"], ["loop.csv", "streams.csv"]]},
    ),
    Case(
        "path_directory",
        "the path of streams names a folder",
        base(streams__csv=None),
        [["scenario.yaml", "column 'tables.streams'", "path 'streams.csv' is a folder, not a file"]],
        setup={"mkdirs": ["streams.csv"]},
    ),
    Case("path_nul_byte", "a NUL character inside a table path", rep("scenario.yaml", "streams: streams.csv", 'streams: "streams\\0.csv"'), [["scenario.yaml", "column 'tables.streams'", "control character"]]),
    Case("path_too_long", "a 300-character file name", rep("scenario.yaml", "streams: streams.csv", "streams: " + "s" * 300 + ".csv"), [["scenario.yaml", "column 'tables.streams'", "too long"]]),
    Case("path_missing_file", "a table file that does not exist", rep("scenario.yaml", "profiles: profiles.csv", "profiles: profile.csv"), [["profile.csv", "file not found", "tables.profiles"]]),
    # ------------------------------------------------------------------ CSV structure
    Case("csv_ragged_short", "a row with a cell too few", rep("companies.csv", "B,Beta,plant,50.855,4.700", "B,Beta,plant,50.855"), [["companies.csv", "row 3", "has 4 cells but the header has 5"]]),
    Case("csv_ragged_long", "a row with a cell too many (an unquoted comma in a name)", rep("companies.csv", "B,Beta,plant", "B,Beta, Inc.,plant"), [["companies.csv", "row 3", "has 6 cells but the header has 5"]]),
    Case(
        "csv_unterminated_quote",
        "a quoted name whose closing quote is missing swallows the rest of the file",
        rep("companies.csv", "B,Beta,plant", 'B,"Beta,plant'),
        [["companies.csv", "row 3", "column 'name'", "quoted cell is never closed"]],
        solve=True,
    ),
    Case(
        "csv_stray_quote",
        "text after the closing quote of a quoted cell",
        rep("companies.csv", "B,Beta,plant", 'B,"Beta" NV,plant'),
        [["companies.csv", "row 3", "not valid CSV"]],
    ),
    Case("csv_nul_byte", "a NUL byte inside a cell", rep("streams.csv", "cb_b,B,demand", "cb_b,B\x00,demand"), [["streams.csv", "row 3", "NUL"]]),
    Case(
        "csv_control_char",
        "an ANSI escape sequence in a company name (would recolour a terminal)",
        rep("companies.csv", "Beta", "\x1b[31mBeta"),
        [["companies.csv", "row 3", "column 'name'", "control character U+001B"]],
    ),
    Case(
        "csv_zero_width_space",
        "a zero-width space pasted after a company id in streams.csv",
        rep("streams.csv", "cb_b,B,", "cb_b,B\u200b,"),
        [["streams.csv", "row 3", "column 'company'", "U+200B"]],
    ),
    Case(
        "csv_whitespace_only_cell",
        "a required cell holding only spaces",
        rep("companies.csv", "B,Beta,plant", "B,   ,plant"),
        [["companies.csv", "row 3", "column 'name'", "is empty"]],
    ),
    Case(
        "csv_long_id",
        "a 300-character stream id",
        rep("streams.csv", "cb_b,B,", "b" * 300 + ",B,"),
        [["streams.csv", "row 3", "column 'id'", "at most 200 characters"]],
    ),
    Case(
        "csv_huge_cell",
        "a cell of 200 000 characters (beyond the CSV reader's field limit)",
        rep("companies.csv", "Beta", "x" * 200_000),
        [["companies.csv", "row 3", "longer than"]],
    ),
    # ------------------------------------------------------------------ enumerations
    Case("enum_family", "family 'materials'", rep("resources.csv", "cardboard,material,", "cardboard,materials,"), [["resources.csv", "row 2", "column 'family'", "'materials' is not one of"]]),
    Case("enum_pricing", "pricing 'capacity'", rep("resources.csv", "space,peak,walk", "space,capacity,walk"), [["resources.csv", "row 3", "column 'pricing'", "'capacity' is not one of"]]),
    Case("enum_transport", "transport 'truck'", rep("resources.csv", "volume,road", "volume,truck"), [["resources.csv", "row 2", "column 'transport'", "'truck' is not one of"]]),
    Case("enum_direction", "direction 'Supply' (capitalised)", rep("streams.csv", "cb_a,A,supply", "cb_a,A,Supply"), [["streams.csv", "row 2", "column 'direction'", "'Supply' is not one of"]]),
    Case("enum_rule_kind", "rule 'allow'", with_rules("allow,A,B\n"), [["rules.csv", "row 2", "column 'rule'", "'allow' is not one of"]]),
    # ------------------------------------------------------------------ rules
    Case("rule_unknown_id", "a rule naming an id that is neither company nor stream", with_rules("forbid,A,Z\n"), [["rules.csv", "row 2", "column 'target'", "'Z' is neither a company id nor a stream id"]]),
    Case(
        "rule_ambiguous_id",
        "a rule naming 'B', which is both a company id and a stream id",
        {**with_rules("forbid,A,B\n"), "streams.csv": str(BASE["streams.csv"]).replace("cb_b,B,", "B,B,")},
        [["rules.csv", "row 2", "column 'target'", "both a company id and a stream id"]],
    ),
    # ------------------------------------------------------------------ streams and resources
    Case("stream_duplicate_id", "two streams with id cb_a", rep("streams.csv", "cb_b,B,", "cb_a,B,"), [["streams.csv", "row 3", "column 'id'", "duplicate id 'cb_a' (first at row 2)"]]),
    Case("stream_negative_min_quantity", "min_quantity -5", rep("streams.csv", "cb_b,B,demand,cardboard,40,20,100,,,", "cb_b,B,demand,cardboard,40,20,100,,,-5"), [["streams.csv", "row 3", "column 'min_quantity'", "greater than or equal to 0"]]),
    Case("stream_min_quantity_on_peak", "min_quantity on a parking (peak) stream", rep("streams.csv", "pk_c,C,demand,parking,40,500,,,event,", "pk_c,C,demand,parking,40,500,,,event,10"), [["streams.csv", "row 5", "column 'min_quantity'", "volume resources only"]]),
    Case("stream_peak_supply_price", "a price on a peak supply", rep("streams.csv", "pk_a,A,supply,parking,30,0", "pk_a,A,supply,parking,30,12"), [["streams.csv", "row 4", "column 'price_eur_per_unit'", "must be 0 or empty"]]),
    Case("stream_below_absolute_zero", "temperature -300 C", rep("streams.csv", "cb_b,B,demand,cardboard,40,20,100,", "cb_b,B,demand,cardboard,40,20,100,-300"), [["streams.csv", "row 3", "column 'temperature_c'", "-273.15"]]),
    Case("stream_unknown_company", "a stream of company 'Z'", rep("streams.csv", "cb_b,B,", "cb_b,Z,"), [["streams.csv", "row 3", "column 'company'", "unknown company 'Z'"]], solve=True),
    Case("res_road_without_kg", "a road resource without kg_per_unit", rep("resources.csv", "cardboard,material,t,volume,road,1000", "cardboard,material,t,volume,road,"), [["resources.csv", "row 2", "column 'kg_per_unit'", "required for a road resource"]]),
    Case("res_pipe_without_capex", "a pipe resource without pipe_capex_eur_per_m", rep("resources.csv", "cardboard,material,t,volume,road,1000", "cardboard,material,t,volume,pipe,"), [["resources.csv", "row 2", "column 'pipe_capex_eur_per_m'", "required for a pipe resource"]]),
    Case("res_duplicate_id", "two resources with id 'parking'", rep("resources.csv", "cardboard,material", "parking,material"), [["resources.csv", "row 3", "column 'id'", "duplicate id 'parking'"]]),
    # ------------------------------------------------------------------ facilities
    Case(
        "fac_options_disagree_location",
        "two size options of one facility at different places",
        with_facilities(FAC_OK + "hub,Car park,parking,50.852,4.701,90,150000,1500,50,1\n"),
        [["facilities.csv", "row 3", "column 'lat'", "must share lat"]],
    ),
    Case(
        "fac_options_disagree_resource",
        "two size options of one facility for different resources",
        with_facilities(FAC_OK + "hub,Car park,cardboard,50.851,4.701,90,150000,1500,50,1\n"),
        [["facilities.csv", "row 3", "column 'resource'", "must share resource"]],
    ),
    Case("fac_unknown_resource", "a facility for an unknown resource", with_facilities("hub,Car park,parkin,50.851,4.701,60,100000,1000,50,1\n"), [["facilities.csv", "row 2", "column 'resource'", "unknown resource 'parkin'"]]),
    Case("fac_capacity_zero", "a facility size option with capacity 0", with_facilities("hub,Car park,parking,50.851,4.701,0,100000,1000,50,1\n"), [["facilities.csv", "row 2", "column 'capacity'", "greater than 0"]]),
    # ------------------------------------------------------------------ inline YAML tables
    Case("ok_inline", "the tables written inline in scenario.yaml: accepted", {"scenario.yaml": INLINE_YAML}, [["OK", "2 companies", "2 streams"]], exit_code=0),
    Case("inline_numeric_id", "an inline company id written as a bare number", inline("{id: B,", "{id: 7,"), [["scenario.yaml (tables.companies)", "row 2", "column 'id'", "expected text, got the number 7", "quotes"]]),
    Case("inline_bool_quantity", "an inline quantity written as 'yes' (YAML's boolean)", inline("quantity: 40", "quantity: yes"), [["scenario.yaml (tables.streams)", "row 2", "column 'quantity'", "expected a number, got True"]]),
    Case("inline_record_not_mapping", "an inline record that is a list", inline("    - {id: B, name: Beta, lat: 50.855, lon: 4.70}", "    - [B, Beta, 50.855, 4.70]"), [["scenario.yaml", "row 2", "column 'tables.companies'", "must be a mapping"]]),
    Case("inline_empty_streams", "an inline streams table with no records", {"scenario.yaml": INLINE_YAML.split("  streams:")[0] + "  streams: []\n"}, [["scenario.yaml (tables.streams)", "has no rows"]]),
]


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=True)


def write_case(case: Case) -> None:
    folder = HERE / case.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for name, content in case.files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    lines = [
        f"description = {_toml_str(case.description)}",
        f"exit_code = {case.exit_code}",
        "messages = [",
        *[f"    [{', '.join(_toml_str(f) for f in frags)}]," for frags in case.messages],
        "]",
    ]
    if case.solve:
        lines.append("solve = true")
    if case.command:
        lines.append(f"command = {_toml_str(case.command)}")
    if case.args:
        lines.append(f"args = [{', '.join(_toml_str(a) for a in case.args)}]")
    if case.target:
        lines.append(f"target = {_toml_str(case.target)}")
    if case.setup:
        lines.append("")
        lines.append("[setup]")
        for key, value in case.setup.items():
            lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else json.dumps(value, ensure_ascii=True)}")
    (folder / "expected.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    from cases_12 import CASES_12
    from cases_20 import CASES_20

    CASES.extend(CASES_12)
    CASES.extend(CASES_20)
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for case in CASES:
        write_case(case)
    print(f"wrote {len(CASES)} cases into {HERE}")


if __name__ == "__main__":
    main()
