"""The cases of issue 12: one or more per class of defect (data loss, workbook bombs, columns,
warnings, terminal injection, scale, output paths, damaged results, numbers, settings typos).

Imported by ``build_corpus.py``; see ``tests/test_hostile.py`` for ``command``, ``args``,
``target`` and the ``[setup]`` keys ``out``, ``out_files``, ``files`` and ``damage``.
"""

from __future__ import annotations

import io
import re
import zipfile

from build_corpus import Case, base, rep, yaml_with

from conftest import BASE

STREAMS_HEADER = "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity\n"
HEAT = "heat,energy,MWh,volume,pipe,,800,\n"


def workbook(stray: str | None = None, inflate_mb: int = 0, states: dict[str, str] | None = None) -> bytes:
    """BASE as an Excel workbook; ``stray`` puts one value in that far cell of 'companies';
    ``inflate_mb`` pads a notes sheet with that many MB of XML whitespace (it compresses ~1000:1);
    ``states`` hides sheets (``{"streams": "hidden"}``, or ``"veryHidden"``)."""
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for table in ("companies", "resources", "streams", "profiles"):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = table
        for line in str(BASE[f"{table}.csv"]).strip().splitlines():
            ws.append([_cell(v) for v in line.split(",")])
    if stray:
        wb["companies"][stray] = "x"
    for title, state in (states or {}).items():
        wb[title].sheet_state = state
    if inflate_mb:
        wb.create_sheet("_notes")["A1"] = "notes"
    buf = io.BytesIO()
    wb.save(buf)
    # Rewritten with fixed times, so that building the corpus again gives the same bytes.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet5.xml" and inflate_mb:
                data = data.replace(b"</worksheet>", b" " * (inflate_mb * 1_000_000) + b"</worksheet>")
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def _cell(v: str) -> object:
    try:
        return float(v) if v else None
    except ValueError:
        return v


def many_streams(n: int, bad_row: int | None = None) -> str:
    """A streams.csv of ``n`` cardboard supplies of A and one demand of B; a bad quantity at ``bad_row``."""
    rows = [STREAMS_HEADER, "cb_b,B,demand,cardboard,40,20,100,,,\n"]
    for i in range(n):
        quantity = "forty" if bad_row is not None and i + 3 == bad_row else "0.5"
        rows.append(f"cb_a{i:05d},A,supply,cardboard,{quantity},30,,,,\n")
    return "".join(rows)


SWAPPED = rep("companies.csv", "C,Gamma,hall,50.850,4.706", "C,Gamma,hall,4.706,50.850")
CASE_IDS = rep("streams.csv", "pk_a,A,supply,parking,30,0,,,evening,", "pk_a,A,supply,parking,30,0,,,evening,\nPK_A,A,supply,parking,30,0,,,evening,")
MISSPELT_TEMP = {
    **base(),
    "resources.csv": str(BASE["resources.csv"]) + HEAT,
    "streams.csv": STREAMS_HEADER.replace("temperature_c", "temperatur_c")
    + "h_a,A,supply,heat,100,10,,40,,\nh_b,B,demand,heat,100,50,,60,,\n",
}

CASES_12: list[Case] = [
    # 1. data loss: --out at a folder with files of output names that symbiosis did not write
    Case(
        "out_foreign_files_with_output_names",
        "--out at the analyst's folder holding their own summary.json and companies.csv (names of outputs)",
        base(),
        [["output folder", "not a symbiosis result", "companies.csv, summary.json"]],
        command="solve",
        setup={"out": "mine", "out_files": [["summary.json", '{"mine": true}\n'], ["companies.csv", "company,note\nA,keep me\n"]]},
    ),
    Case(
        "out_result_with_added_file",
        "--out at an earlier result folder in which the analyst saved notes.txt",
        base(),
        [["output folder", "not a symbiosis result", "notes.txt"]],
        command="solve",
        setup={"out": "result", "earlier_result": True, "out_files": [["notes.txt", "my notes\n"]]},
    ),
    Case(
        "out_result_with_changed_file",
        "--out at an earlier result folder whose matches.csv the analyst edited",
        base(),
        [["output folder", "not a symbiosis result", "matches.csv"]],
        command="solve",
        setup={"out": "result", "earlier_result": True, "out_files": [["matches.csv", "kind,source\nexchange,edited\n"]]},
    ),
    Case(
        "ok_out_earlier_result",
        "--out at an intact earlier result folder: replaced",
        base(),
        [["results written to"]],
        exit_code=0,
        command="solve",
        setup={"out": "result", "earlier_result": True},
    ),
    # 2. workbook bombs
    Case(
        "xlsx_stray_far_cell",
        "a workbook with one stray cell at XFD1048576 (a million by sixteen thousand cells)",
        {"park.xlsx": workbook(stray="XFD1048576")},
        [["park.xlsx, sheet 'companies'", "1,048,576 rows and 16,384 columns", "stray cells"]],
        target="park.xlsx",
    ),
    Case(
        "xlsx_inflates",
        "a small workbook whose notes sheet inflates to 210 MB",
        {"park.xlsx": workbook(inflate_mb=210)},
        [["park.xlsx", "would inflate to", "MB", "at most 200 MB"]],
        target="park.xlsx",
    ),
    Case("ok_xlsx", "the BASE scenario as a workbook: accepted", {"park.xlsx": workbook()}, [["OK", "3 companies"]], exit_code=0, target="park.xlsx"),
    # 3. misspelt, missing and unnamed columns
    Case(
        "hdr_misspelt_temperature",
        "'temperatur_c' for temperature_c: 40 C heat would go to a 60 C demand; a warning",
        MISSPELT_TEMP,
        [["warning", "streams.csv", "row 1", "column 'temperatur_c'", "unknown column", "did you mean 'temperature_c'?"], ["OK", "1 warning(s)"]],
        exit_code=0,
    ),
    Case(
        "hdr_misspelt_temperature_strict",
        "'temperatur_c' under --strict: an error",
        MISSPELT_TEMP,
        [["streams.csv", "row 1", "column 'temperatur_c'", "did you mean 'temperature_c'?", "an error under --strict"]],
        args=["--strict"],
        solve=True,
    ),
    Case(
        "hdr_missing_price",
        "streams.csv without the price column (required by the contract)",
        base(streams__csv=str(BASE["streams.csv"]).replace(",price_eur_per_unit", "").replace(",50,30,", ",50,").replace(",40,20,", ",40,").replace(",30,0,", ",30,").replace(",40,500,", ",40,")),
        [["streams.csv", "row 1", "column 'price_eur_per_unit'", "required column is missing"]],
        solve=True,
    ),
    Case(
        "hdr_misspelt_price",
        "streams.csv with 'price_eur_per_unt'",
        rep("streams.csv", "price_eur_per_unit", "price_eur_per_unt"),
        [["streams.csv", "row 1", "column 'price_eur_per_unit'", "required column is missing", "did you mean 'price_eur_per_unt'?"]],
    ),
    Case(
        "hdr_missing_sector",
        "companies.csv without the sector column (all five are required)",
        base(companies__csv="id,name,lat,lon\nA,Alpha,50.850,4.700\nB,Beta,50.855,4.700\nC,Gamma,50.850,4.706\n"),
        [["companies.csv", "row 1", "column 'sector'", "required column is missing"]],
    ),
    Case(
        "hdr_unnamed_column_with_values",
        "a column with an empty header that holds values: ignored, with a warning",
        base(companies__csv="id,name,sector,lat,lon,\nA,Alpha,office,50.850,4.700,\nB,Beta,plant,50.855,4.700,7\nC,Gamma,hall,50.850,4.706,\n"),
        [["warning", "companies.csv", "row 1", "column 6 has no name but holds values (row 3: '7')"]],
        exit_code=0,
    ),
    # 4. warnings: suspect but legal
    Case(
        "warn_lat_lon_swapped",
        "a company placed in Somalia by swapped latitude and longitude",
        SWAPPED,
        [["warning", "companies.csv", "row 4", "column 'lat'", "km from the nearest other company", "are lat and lon swapped?"]],
        exit_code=0,
    ),
    Case(
        "warn_lat_lon_swapped_strict",
        "swapped latitude and longitude under --strict",
        SWAPPED,
        [["companies.csv", "row 4", "column 'lat'", "are lat and lon swapped?", "an error under --strict"]],
        args=["--strict"],
    ),
    Case(
        "warn_null_island",
        "a company at 0,0",
        rep("companies.csv", "C,Gamma,hall,50.850,4.706", "C,Gamma,hall,0,0"),
        [["warning", "companies.csv", "row 4", "column 'lat'", "'C' is at 0,0"]],
        exit_code=0,
    ),
    Case(
        "warn_ids_differ_in_case",
        "stream ids 'pk_a' and 'PK_A' (a supply doubled)",
        CASE_IDS,
        [["warning", "streams.csv", "row 5", "column 'id'", "'PK_A' differs only in case from 'pk_a' (row 4)"]],
        exit_code=0,
    ),
    Case(
        "warn_company_ids_differ_in_case",
        "company ids 'B' and 'b'",
        rep("companies.csv", "C,Gamma,hall,50.850,4.706", "C,Gamma,hall,50.850,4.706\nb,beta,plant,50.855,4.701"),
        [["warning", "companies.csv", "row 5", "column 'id'", "'b' differs only in case from 'B' (row 3)"]],
        exit_code=0,
    ),
    Case(
        "warn_min_quantity_above_quantity",
        "a min_quantity of 60 on a supply of 50",
        rep("streams.csv", "cb_a,A,supply,cardboard,50,30,,,,", "cb_a,A,supply,cardboard,50,30,,,,60"),
        [["warning", "streams.csv", "row 2", "column 'min_quantity'", "60 is above the stream's quantity 50", "never be matched"]],
        exit_code=0,
    ),
    # 5. terminal injection through free text
    Case(
        "yaml_name_escape_sequence",
        "ESC[2J (clear screen) in the scenario name",
        rep("scenario.yaml", "name: tiny", 'name: "tiny\\e[2J"'),
        [["scenario.yaml", "column 'name'", "control character U+001B"]],
        solve=True,
    ),
    Case(
        "yaml_description_escape_sequence",
        "ESC[31m in the description",
        base(scenario__yaml=yaml_with('description: "park \\e[31mred"\n')),
        [["scenario.yaml", "column 'description'", "control character U+001B"]],
    ),
    Case(
        "hdr_escape_in_column_name",
        "ESC in a duplicated column name is printed escaped",
        rep("companies.csv", "id,name,sector,lat,lon", "id,name,sector,lat,lon,x\x1b[2J,x\x1b[2J"),
        [["companies.csv", "row 1", "x\\x1b[2J", "duplicate column name"]],
    ),
    # 6. scale: a long streams.csv refused at the right row (the 50 MB case is benchmarks/large_input.py)
    Case(
        "csv_long_error_near_end",
        "5,000 streams with a bad quantity four rows before the end",
        base(streams__csv=many_streams(5000, bad_row=4999)),
        [["streams.csv", "row 4999", "column 'quantity'", "expected a number, got 'forty'"]],
    ),
    # 7. output paths that cannot exist
    Case(
        "out_parent_is_file",
        "--out under a path whose parent is a file",
        base(),
        [["output path", "is a file, not a folder"]],
        command="solve",
        setup={"out": "afile/result", "files": [["afile", "not a folder\n"]]},
    ),
    Case(
        "out_name_too_long",
        "--out with a 300-character folder name",
        base(),
        [["output path", "300 bytes long", "at most 255"]],
        command="solve",
        setup={"out": "r" * 300},
    ),
    # 8. check on a damaged result folder
    Case(
        "check_flows_cut_short",
        "flows.csv cut in the middle of its last row",
        base(),
        [["flows.csv", "row 3", "ends in the middle of this row"]],
        command="check",
        setup={"damage": [["flows.csv", "cut", "3"]]},
    ),
    Case(
        "check_matches_missing",
        "matches.csv deleted",
        base(),
        [["holds no matches.csv"]],
        command="check",
        setup={"damage": [["matches.csv", "delete", ""]]},
    ),
    Case(
        "check_summary_not_json",
        "summary.json that is not JSON",
        base(),
        [["summary.json", "cannot be read as JSON"]],
        command="check",
        setup={"damage": [["summary.json", "write", "{not json"]]},
    ),
    Case(
        "check_flows_ragged_row",
        "flows.csv with a row of two cells",
        base(),
        [["flows.csv", "row 2", "has 2 cells but the header has 4"]],
        command="check",
        setup={"damage": [["flows.csv", "write", "supply_stream,demand_stream,slot,quantity\ncb_a,cb_b\n"]]},
    ),
    # 9. numbers: plain decimals only
    Case(
        "num_python_underscore",
        "quantity '2_000' (a Python literal)",
        rep("streams.csv", "cb_b,B,demand,cardboard,40", "cb_b,B,demand,cardboard,2_000"),
        [["streams.csv", "row 3", "column 'quantity'", "plain decimal number", "'2_000'", "2000"]],
        solve=True,
    ),
    # 10. settings typos
    Case(
        "set_typo_in_yaml",
        "settings.solver.time_limt_s in scenario.yaml",
        base(scenario__yaml=yaml_with("  solver: {time_limt_s: 10}\n")),
        [["scenario.yaml", "settings.solver.time_limt_s", "unknown field", "did you mean 'time_limit_s'?"]],
    ),
    Case(
        "set_typo_on_command_line",
        "--set solver.time_limt_s=10",
        base(),
        [["setting 'solver.time_limt_s'", "unknown field", "did you mean 'time_limit_s'?"]],
        command="solve",
        args=["--set", "solver.time_limt_s=10"],
        setup={"out": "result"},
    ),
]
