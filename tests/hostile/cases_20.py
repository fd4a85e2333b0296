"""The cases of issue 20 (safe to open, safe to share, safe to run): one or more per class.

Imported by ``build_corpus.py``. Classes: look-alike and invisible ids (``ids_``),
console markup (``markup_``), ``--set`` values (``set_``), folder kinds (``kind_``),
symbolic links in folders symbiosis wrote (``symlink_``), limits on runaway runs
(``limit_``), suspect but legal input (``warn_``) and one file named for two tables.
The classes that need more than a command line (formulas in outputs, anonymised
links, a full disk, SIGTERM and SIGKILL) are in ``tests/test_safety.py``.

``[setup]`` keys added here (see ``tests/test_hostile.py``): ``earlier`` (a command
run into ``out`` first, e.g. a sweep), ``damage`` for ``solve`` and ``report`` too,
with ``symlink`` (the file replaced by a link to the argument), and ``absent``
(text that must appear nowhere in the output: what a link points to).
"""

from __future__ import annotations

from build_corpus import Case, base, rep
from cases_12 import workbook

from conftest import BASE

LINKS_YAML = "profiles: profiles.csv, links: links.csv}"
LINKS_HEADER = "source,target,resource,distance_km,cost_eur_per_unit,co2_kg_per_unit,fixed_cost_eur_per_year\n"
SECRET = "root:x:0:0:TOPSECRET-LINE"


def with_links(rows: str) -> dict[str, str | bytes]:
    files = rep("scenario.yaml", "profiles: profiles.csv}", LINKS_YAML)
    files["links.csv"] = LINKS_HEADER + rows
    return files


def with_ranges(rows: str) -> dict[str, str | bytes]:
    files = rep("scenario.yaml", "profiles: profiles.csv}", "profiles: profiles.csv, uncertainty: uncertainty.csv}")
    files["uncertainty.csv"] = "stream,field,low,high,distribution\n" + rows
    return files


def with_company(line: str) -> dict[str, str | bytes]:
    return base(companies__csv=str(BASE["companies.csv"]) + line)


def renamed_companies(a: str, b: str) -> dict[str, str | bytes]:
    """BASE with companies A and B renamed (ids, and the streams naming them)."""
    files = rep("companies.csv", "\nA,", f"\n{a},")
    files = rep("companies.csv", "\nB,", f"\n{b},", files)
    for old, new in ((",A,supply,cardboard", f",{a},supply,cardboard"), (",B,demand", f",{b},demand"), (",A,supply,parking", f",{a},supply,parking")):
        files = rep("streams.csv", old, new, files)
    return files


def billion_laughs() -> str:
    """A YAML value of nine nested aliases: 9**9 'lol's if it were expanded."""
    parts = ["&a0 [lol]"] + [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "[" + ", ".join(parts) + "]"


SWEEP = ["--samples", "2", "--workers", "0", "--no-report"]
SECRET_FILE = {"files": [["secret.txt", SECRET + "\n"]], "absent": ["TOPSECRET"]}

CASES_20: list[Case] = [
    # ------------------------------------------------------------------ ids: NFC, NFKC, invisible characters
    Case(
        "ids_fullwidth_twin",
        "company ids 'A' and fullwidth 'Ａ' (U+FF21): equal once NFKC-normalised",
        with_company("\uff21,Alef,office,50.85,4.70\n"),
        [["companies.csv", "row 5", "column 'id'", "'\uff21' (row 5) and 'A' (row 2)", "same id once normalised"]],
        solve=True,
    ),
    Case(
        "ids_composed_and_decomposed",
        "company ids 'Société' composed (NFC) and decomposed (NFD): one id once read as NFC",
        with_company("Soci\u00e9t\u00e9,S1,office,50.85,4.70\nSocie\u0301te\u0301,S2,office,50.85,4.70\n"),
        [["companies.csv", "row 6", "column 'id'", "duplicate id 'Soci\u00e9t\u00e9' (first at row 5)"]],
        solve=True,
    ),
    Case(
        "ok_ids_decomposed_reference",
        "a company typed composed in companies.csv and decomposed in streams.csv: the same company (read as NFC)",
        renamed_companies("Soci\u00e9t\u00e9", "B") | {"streams.csv": str(renamed_companies("Soci\u00e9t\u00e9", "B")["streams.csv"]).replace(",Soci\u00e9t\u00e9,supply,cardboard", ",Socie\u0301te\u0301,supply,cardboard")},
        [["OK", "3 companies", "4 streams"]],
        exit_code=0,
    ),
    Case(
        "ids_hangul_filler",
        "a company id of 'A' and the blank-looking Hangul filler U+3164",
        with_company("A\u3164,Ghost,office,50.85,4.70\n"),
        [["companies.csv", "row 5", "column 'id'", "invisible character U+3164 (HANGUL FILLER)", "retype the id"]],
        solve=True,
    ),
    Case(
        "ids_choseong_filler",
        "a stream id ending in the Hangul choseong filler U+115F",
        rep("streams.csv", "cb_b,B,", "cb_b\u115f,B,"),
        [["streams.csv", "row 3", "column 'id'", "invisible character U+115F"]],
    ),
    Case(
        "ids_direction_override",
        "a stream id holding a right-to-left override U+202E",
        rep("streams.csv", "cb_b,B,", "cb\u202e_b,B,"),
        [["streams.csv", "row 3", "column 'id'", "direction-control character U+202E (RIGHT-TO-LEFT OVERRIDE)"]],
    ),
    Case(
        "warn_name_direction_override",
        "a company name holding a right-to-left override U+202E: kept, with a warning",
        rep("companies.csv", "Gamma", "\u202eammaG"),
        [["warning", "companies.csv", "row 4", "column 'name'", "direction-control character U+202E", "reorders the text"]],
        exit_code=0,
        solve=True,
    ),
    Case(
        "warn_name_direction_override_strict",
        "a company name holding a right-to-left override, under --strict",
        rep("companies.csv", "Gamma", "\u202eammaG"),
        [["companies.csv", "row 4", "column 'name'", "direction-control character U+202E", "an error under --strict"]],
        args=["--strict"],
    ),
    Case(
        "warn_name_filler",
        "a company name that is only the Hangul filler U+3164 (looks empty)",
        rep("companies.csv", "Gamma", "\u3164"),
        [["warning", "companies.csv", "row 4", "column 'name'", "invisible character U+3164", "shows as nothing"]],
        exit_code=0,
    ),
    # ------------------------------------------------------------------ console markup in ids
    Case(
        "markup_ids_printed_as_written",
        "company ids '[red]A' and 'B[/]' (console markup): the summary prints them as written",
        renamed_companies("[red]A", "B[/]"),
        [["[red]A", "B[/]", "cardboard"]],
        exit_code=0,
        command="solve",
        setup={"out": "result"},
    ),
    # ------------------------------------------------------------------ --set values
    Case(
        "set_billion_laughs",
        "--set with nine nested YAML aliases (a billion laughs): refused at the first anchor",
        base(),
        [["--set carbon_price_eur_per_t", "anchor '&a0' is not allowed"]],
        command="solve",
        args=["--set", f"carbon_price_eur_per_t={billion_laughs()}"],
        setup={"out": "result"},
    ),
    Case(
        "set_python_tag",
        "--set with a !!python/object tag",
        base(),
        [["--set carbon_price_eur_per_t", "tag '!!python/object/apply:os.system' is not allowed"]],
        command="solve",
        args=["--set", "carbon_price_eur_per_t=!!python/object/apply:os.system [true]"],
        setup={"out": "result"},
    ),
    Case(
        "set_mapping",
        "--set with a mapping value",
        base(),
        [["--set heat_pump", "is a mapping", "heat_pump.max_lift_c=50"]],
        command="solve",
        args=["--set", "heat_pump={carnot_fraction: 0.5}"],
        setup={"out": "result"},
    ),
    # ------------------------------------------------------------------ folder kinds: nothing replaced by another kind
    Case(
        "kind_sweep_over_result",
        "sweep --out at an earlier solve result: refused, the result untouched",
        base(),
        [["output folder", "holds a symbiosis result (symbiosis solve)", "a sweep does not replace it"]],
        command="sweep",
        args=SWEEP,
        setup={"out": "result", "earlier_result": True},
    ),
    Case(
        "kind_solve_over_sweep",
        "solve --out at an earlier sweep: refused, the sweep untouched",
        base(),
        [["output folder", "holds a symbiosis sweep (symbiosis sweep)", "a result does not replace it"]],
        command="solve",
        setup={"out": "swept", "earlier": ["sweep", *SWEEP]},
    ),
    Case(
        "kind_alternatives_over_front",
        "alternatives --out at an earlier Pareto front: refused, the front untouched",
        base(),
        [["output folder", "holds a symbiosis front (symbiosis pareto)", "a set of alternatives does not replace it"]],
        command="alternatives",
        args=["--k", "1"],
        setup={"out": "front", "earlier": ["pareto", "--points", "2"]},
    ),
    Case(
        "ok_kind_sweep_over_sweep",
        "sweep --out at an earlier intact sweep: replaced",
        base(),
        [["results written to"]],
        exit_code=0,
        command="sweep",
        args=SWEEP,
        setup={"out": "swept", "earlier": ["sweep", *SWEEP]},
    ),
    # ------------------------------------------------------------------ symbolic links in folders symbiosis wrote
    Case(
        "symlink_report_matches",
        "report on a result folder whose matches.csv is a link to a file outside: refused, the file not shown",
        base(),
        [["matches.csv", "is a symbolic link", "not what a link points to"]],
        command="report",
        setup={"damage": [["matches.csv", "symlink", "../secret.txt"]], **SECRET_FILE},
    ),
    Case(
        "symlink_check_summary",
        "check on a result folder whose summary.json is a link to a file outside",
        base(),
        [["summary.json", "is a symbolic link"]],
        command="check",
        setup={"damage": [["summary.json", "symlink", "../secret.txt"]], **SECRET_FILE},
    ),
    Case(
        "symlink_out_result",
        "solve --out at an earlier result whose flows.csv is a link to a file outside: refused, nothing followed",
        base(),
        [["output folder", "not a symbiosis result", "flows.csv"]],
        command="solve",
        setup={"out": "result", "earlier_result": True, "damage": [["flows.csv", "symlink", "../secret.txt"]], **SECRET_FILE},
    ),
    # ------------------------------------------------------------------ limits on runaway runs
    Case(
        "limit_sweep_samples",
        "sweep --samples 1000000000: refused before anything is drawn",
        base(),
        [["--samples 1,000,000,000", "1,000,000,001 solves", "limit of 10,000", "--max-solves 1000000001"]],
        command="sweep",
        args=["--samples", "1000000000", "--workers", "0"],
        setup={"out": "swept"},
    ),
    Case(
        "limit_sweep_grid",
        "a grid of 50 x 50 x 50 = 125,000 points of 100 samples",
        base(),
        [["grid of 50 x 50 x 50 = 125,000 points", "101 x 125,000 = 12,625,000 solves", "--max-solves 12625000"]],
        command="sweep",
        args=[
            "--workers", "0", "--samples", "100",
            "--grid", "carbon_price_eur_per_t=" + ",".join(str(i) for i in range(50)),
            "--grid", "road_cost_eur_per_tkm=" + ",".join(str(i / 100) for i in range(50)),
            "--grid", "link_fixed_cost_eur_per_year=" + ",".join(str(i * 10) for i in range(50)),
        ],
        setup={"out": "swept"},
    ),
    Case(
        "limit_pareto_points",
        "pareto --points 100000: more than a front can tell apart",
        base(),
        [["--points 100,000", "at most 10,001 points", "ask for 10,001 or fewer"]],
        command="pareto",
        args=["--points", "100000"],
        setup={"out": "front"},
    ),
    Case(
        "limit_pareto_solves",
        "pareto --points 5000: 20,001 solves",
        base(),
        [["--points 5,000", "20,001 solves", "limit of 10,000", "--max-solves 20001"]],
        command="pareto",
        args=["--points", "5000"],
        setup={"out": "front"},
    ),
    Case(
        "limit_alternatives_k",
        "alternatives --k 100000",
        base(),
        [["--k 100,000", "200,001 solves", "--max-solves 200001"]],
        command="alternatives",
        args=["--k", "100000"],
        setup={"out": "alts"},
    ),
    Case(
        "limit_scheduler_port",
        "sweep --scheduler tcp://127.0.0.1:abc (a port that is not a number)",
        base(),
        [["--scheduler 'tcp://127.0.0.1:abc'", "not an address", "tcp://HOST:8786"]],
        command="sweep",
        args=["--scheduler", "tcp://127.0.0.1:abc", "--samples", "2"],
        setup={"out": "swept"},
    ),
    Case(
        "limit_scheduler_port_solve",
        "solve --scheduler tcp://127.0.0.1:abc",
        base(),
        [["--scheduler 'tcp://127.0.0.1:abc'", "not an address"]],
        command="solve",
        args=["--scheduler", "tcp://127.0.0.1:abc"],
        setup={"out": "result"},
    ),
    Case(
        "ok_limit_workers",
        "sweep --workers 1000: at most the cores are started, with a note",
        base(),
        [["note: --workers 1000", "this machine has", "core(s)"], ["results written to"]],
        exit_code=0,
        command="sweep",
        args=["--workers", "1000", "--samples", "2", "--no-report"],
        setup={"out": "swept"},
    ),
    # ------------------------------------------------------------------ suspect but legal: links.csv
    Case(
        "warn_link_self",
        "links.csv row from company A to itself",
        with_links("A,A,,0.5,,,\n"),
        [["warning", "links.csv", "row 2", "column 'target'", "links 'A' to itself", "never applies"]],
        exit_code=0,
        solve=True,
    ),
    Case(
        "warn_link_self_strict",
        "links.csv row from company A to itself, under --strict",
        with_links("A,A,,0.5,,,\n"),
        [["links.csv", "row 2", "column 'target'", "links 'A' to itself", "an error under --strict"]],
        args=["--strict"],
    ),
    Case(
        "warn_link_metres_as_km",
        "links.csv distance 556 km between companies 0.556 km apart (metres typed as km)",
        with_links("A,B,,556,,,\n"),
        [["warning", "links.csv", "row 2", "column 'distance_km'", "1,000 times the straight line between 'A' and 'B'", "metres typed as km?"]],
        exit_code=0,
    ),
    Case(
        "warn_link_shorter_than_straight_line",
        "links.csv distance 0.3 km between companies 0.556 km apart",
        with_links("cb_a,cb_b,,0.3,,,\n"),
        [["warning", "links.csv", "row 2", "column 'distance_km'", "shorter than the straight line", "0.556 km"]],
        exit_code=0,
    ),
    Case(
        "warn_link_cost_on_parking",
        "links.csv cost per unit on a parking exchange (ignored: a peak exchange is valued by the peak it cuts)",
        with_links("pk_a,pk_c,,,5,,\n"),
        [["warning", "links.csv", "row 2", "column 'cost_eur_per_unit'", "is ignored", "peak-priced resource 'parking'", "fixed_cost_eur_per_year"]],
        exit_code=0,
    ),
    Case(
        "warn_link_never_applies",
        "links.csv row from a cardboard supply to a company that demands no cardboard",
        with_links("cb_a,C,,,,,\n"),
        [["warning", "links.csv", "row 2", "column 'target'", "never applies", "no supply of 'cb_a'", "demand of 'C'"]],
        exit_code=0,
    ),
    Case(
        "warn_link_beyond_reach",
        "links.csv distance 5 km on a parking exchange whose resource reaches 2 km",
        with_links("pk_a,pk_c,,5,,,\n"),
        [["warning", "links.csv", "row 2", "column 'distance_km'", "never applies", "beyond the distance limit", "2 km"]],
        exit_code=0,
    ),
    # ------------------------------------------------------------------ suspect but legal: uncertainty.csv
    Case(
        "warn_range_leaves_out_own_value",
        "a uniform quantity range [60, 80] for a stream of quantity 50",
        with_ranges("cb_a,quantity,60,80,uniform\n"),
        [["warning", "uncertainty.csv", "row 2", "column 'low'", "[60, 80] leaves out the stream's own quantity 50"]],
        exit_code=0,
    ),
    Case(
        "warn_range_unit_slip",
        "a quantity range reaching 60,000 for a stream of quantity 40 (kg typed for t)",
        with_ranges("cb_b,quantity,30,60000,uniform\n"),
        [["warning", "uncertainty.csv", "row 2", "column 'high'", "reaches 60,000, 1,500 times the stream's own quantity 40"]],
        exit_code=0,
    ),
    # ------------------------------------------------------------------ suspect but legal: hidden sheets
    Case(
        "warn_xlsx_hidden_sheet",
        "a workbook whose streams sheet is hidden",
        {"park.xlsx": workbook(states={"streams": "hidden"})},
        [["warning", "park.xlsx, sheet 'streams'", "is hidden", "read as the streams table"]],
        exit_code=0,
        target="park.xlsx",
    ),
    Case(
        "warn_xlsx_very_hidden_sheet",
        "a workbook whose profiles sheet is very hidden (shown only in the VBA editor)",
        {"park.xlsx": workbook(states={"profiles": "veryHidden"})},
        [["warning", "park.xlsx, sheet 'profiles'", "is very hidden", "VBA editor", "read as the profiles table"]],
        exit_code=0,
        target="park.xlsx",
    ),
    # ------------------------------------------------------------------ one file named for two tables
    Case(
        "yaml_one_file_two_tables",
        "scenario.yaml names companies.csv for companies and for resources",
        rep("scenario.yaml", "resources: resources.csv", "resources: companies.csv"),
        [["companies.csv (read as table 'resources')", "row 1", "column 'family'", "required column is missing"]],
        solve=True,
    ),
]
