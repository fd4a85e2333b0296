"""Fuzzing the loader through the CLI: mutated scenarios never crash.

Hypothesis takes a valid scenario (the BASE tiny scenario or one of the hand-computed
cases), applies one to three random mutations of the kind spreadsheets produce
(cells, rows and columns deleted, duplicated, swapped or replaced by odd text and
numbers; files truncated, re-encoded, bit-flipped, emptied or dropped; keys and values
of scenario.yaml changed), and runs ``validate`` and ``solve`` on the result.

Whatever the input, the CLI must exit with 0 (valid), 2 (bad input, with at least one
``FILE: ...`` line naming a file of the scenario) or 3 (infeasible); never 1, never a
traceback, never "Internal error", and a failed solve writes no output folder.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import BASE, CASES
from symbiosis.cli import app

runner = CliRunner()

Files = dict[str, bytes]


def _case(name: str) -> dict[str, str]:
    folder = CASES / name
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".csv", ".yaml")}


SEEDS: dict[str, dict[str, str]] = {
    "tiny": {k: str(v) for k, v in BASE.items()},
    "pool_parking": _case("pool_parking"),
    "substitution_ratio": _case("substitution_ratio"),
    "forbid": _case("forbid"),
    "temperature_heat_pump": _case("temperature_heat_pump"),
}

ODD_CELLS = [
    "", " ", "   ", "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e308", "-1e308", "1e12", "1e13", "-1e13",
    "0", "-0", "-1", "1", "0.5", "1e-320", "#N/A", "#DIV/0!", "50,5", "1.000,5", "5%", "TRUE", "yes", "0x10", "1_000",
    "\u200b", "A\u200b", "\u00a0A", "\ufeff", "Ä", "日本", "\u202eevil", "\x1b[31m", "\x07", "\t", '"', '""', ",", "\n", "\r", "'",
    "supply", "demand", "peak", "volume", "road", "pipe", "walk", "none", "material", "energy", "parking", "space",
    "forbid", "require", "x" * 250, "-273.15", "-300", "91", "-181", "[bold]x[/]", ":warning:",
]


def _cells(files: Files) -> list[str]:
    """Every cell of the scenario's CSV files: re-using them makes valid-looking references."""
    out: list[str] = []
    for name, data in files.items():
        if name.endswith(".csv"):
            rows = _rows(data)
            if rows:
                out += [c for r in rows for c in r]
    return out or ["A"]


def _rows(data: bytes) -> list[list[str]] | None:
    try:
        text = data.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None


def _write_rows(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def _cell_value(data: st.DataObject, files: Files) -> str:
    return data.draw(
        st.one_of(
            st.sampled_from(ODD_CELLS),
            st.sampled_from(_cells(files)),
            st.text(max_size=12),
            st.floats(allow_nan=True, allow_infinity=True).map(repr),
            st.integers(-(10**15), 10**15).map(str),
        ),
        label="cell",
    )


# --------------------------------------------------------------------------- CSV mutations


def _csv_file(data: st.DataObject, files: Files) -> tuple[str, list[list[str]]] | None:
    names = sorted(n for n in files if n.endswith(".csv"))
    if not names:
        return None
    name = data.draw(st.sampled_from(names), label="file")
    rows = _rows(files[name])
    return (name, rows) if rows else None


def mutate_cell(data: st.DataObject, files: Files) -> None:
    picked = _csv_file(data, files)
    if picked is None:
        return
    name, rows = picked
    r = data.draw(st.integers(0, len(rows) - 1), label="row")
    if not rows[r]:
        return
    c = data.draw(st.integers(0, len(rows[r]) - 1), label="column")
    rows[r][c] = _cell_value(data, files)
    files[name] = _write_rows(rows)


def mutate_number(data: st.DataObject, files: Files) -> None:
    """A number replaced by another plausible one: mostly still valid, so solve runs on odd values."""
    picked = _csv_file(data, files)
    if picked is None:
        return
    name, rows = picked
    spots = [(r, c) for r in range(1, len(rows)) for c in range(len(rows[r])) if _is_number(rows[r][c])]
    if not spots:
        return
    r, c = data.draw(st.sampled_from(spots), label="number cell")
    old = float(rows[r][c])
    new = data.draw(
        st.one_of(
            st.sampled_from([0.0, -old, old * 1e6, old / 1e6, old + 1e-9, 1e-300, 1e12, -1e12]),
            st.floats(-1e4, 1e4, allow_nan=False),
        ),
        label="number",
    )
    rows[r][c] = repr(new)
    files[name] = _write_rows(rows)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def mutate_row(data: st.DataObject, files: Files) -> None:
    picked = _csv_file(data, files)
    if picked is None:
        return
    name, rows = picked
    r = data.draw(st.integers(0, len(rows) - 1), label="row")
    op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "drop_last_cell", "add_cell", "blank"]), label="row op")
    if op == "delete":
        del rows[r]
    elif op == "duplicate":
        rows.insert(r, list(rows[r]))
    elif op == "swap":
        s = data.draw(st.integers(0, len(rows) - 1), label="other row")
        rows[r], rows[s] = rows[s], rows[r]
    elif op == "drop_last_cell" and rows[r]:
        rows[r].pop()
    elif op == "add_cell":
        rows[r].append(_cell_value(data, files))
    else:
        rows[r] = [""] * len(rows[r])
    files[name] = _write_rows(rows)


def mutate_column(data: st.DataObject, files: Files) -> None:
    picked = _csv_file(data, files)
    if picked is None or not rows_ok(picked[1]):
        return
    name, rows = picked
    width = len(rows[0])
    c = data.draw(st.integers(0, width - 1), label="column")
    op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "rename"]), label="column op")
    for row in rows:
        if c >= len(row):
            continue
        if op == "delete":
            del row[c]
        elif op == "duplicate":
            row.insert(c, row[c])
    if op == "swap":
        d = data.draw(st.integers(0, width - 1), label="other column")
        rows[0][c], rows[0][d] = rows[0][d], rows[0][c]  # the header only: columns change meaning
    elif op == "rename":
        rows[0][c] = _cell_value(data, files)
    files[name] = _write_rows(rows)


def rows_ok(rows: list[list[str]]) -> bool:
    return bool(rows) and bool(rows[0])


# --------------------------------------------------------------------------- byte mutations


def mutate_bytes(data: st.DataObject, files: Files) -> None:
    name = data.draw(st.sampled_from(sorted(files)), label="file")
    raw = files[name]
    op = data.draw(
        st.sampled_from(["truncate", "flip", "insert", "empty", "drop", "utf16", "cp1252", "semicolons", "tabs", "bom", "crlf", "nul"]),
        label="byte op",
    )
    pos = data.draw(st.integers(0, max(len(raw) - 1, 0)), label="position")
    if op == "truncate":
        files[name] = raw[:pos]
    elif op == "flip" and raw:
        bit = data.draw(st.integers(0, 7), label="bit")
        files[name] = raw[:pos] + bytes([raw[pos] ^ (1 << bit)]) + raw[pos + 1 :]
    elif op == "insert":
        files[name] = raw[:pos] + data.draw(st.binary(min_size=1, max_size=8), label="bytes") + raw[pos:]
    elif op == "empty":
        files[name] = b""
    elif op == "drop":
        del files[name]
    elif op == "utf16":
        files[name] = raw.decode("utf-8", errors="replace").encode("utf-16")
    elif op == "cp1252":
        files[name] = raw.decode("utf-8", errors="replace").replace("a", "é").encode("cp1252", errors="replace")
    elif op == "semicolons":
        files[name] = raw.replace(b",", b";")
    elif op == "tabs":
        files[name] = raw.replace(b",", b"\t")
    elif op == "bom":
        files[name] = b"\xef\xbb\xbf" + raw
    elif op == "crlf":
        files[name] = raw.replace(b"\n", b"\r\n")
    else:
        files[name] = raw[:pos] + b"\x00" + raw[pos:]


# --------------------------------------------------------------------------- scenario.yaml mutations

YAML_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 300),
        st.sampled_from([0.0, -1.0, 0.5, 1e12, 1e13, -1e300, float("nan"), float("inf")]),
        st.text(max_size=10),
        st.sampled_from(["companies.csv", "streams.csv", "../streams.csv", "/etc/passwd", ".", "", "nope.csv", "shapley", "proportional"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)
SETTING_KEYS = [
    "annualisation", "annualisation.rate", "annualisation.years", "link_fixed_cost_eur_per_year", "road_cost_eur_per_tkm",
    "road_co2_kg_per_tkm", "detour_factor", "max_distance_km", "heat_approach_c", "carbon_price_eur_per_t", "solver",
    "solver.mip_rel_gap", "solver.threads", "solver.seed", "heat_pump", "heat_pump.max_lift_c", "heat_pump.carnot_fraction",
    "allocation", "shapley_samples", "nonsense",
]


def mutate_yaml(data: st.DataObject, files: Files) -> None:
    if "scenario.yaml" not in files:
        return
    try:
        doc = yaml.safe_load(files["scenario.yaml"].decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return
    if not isinstance(doc, dict):
        return
    op = data.draw(st.sampled_from(["delete_key", "set_key", "set_setting", "set_table", "add_table", "drop_table"]), label="yaml op")
    if op == "delete_key" and doc:
        doc.pop(data.draw(st.sampled_from(sorted(doc, key=str)), label="key"))
    elif op == "set_key":
        key = data.draw(st.sampled_from(["format", "name", "tables", "settings", "description", "other"]), label="key")
        doc[key] = data.draw(YAML_VALUES, label="value")
    elif op == "set_setting":
        node = doc.setdefault("settings", {})
        if not isinstance(node, dict):
            return
        *groups, last = data.draw(st.sampled_from(SETTING_KEYS), label="setting").split(".")
        for g in groups:
            if not isinstance(node.get(g), dict):
                node[g] = {}
            node = node[g]
        node[last] = data.draw(YAML_VALUES, label="value")
    elif isinstance(doc.get("tables"), dict):
        tables = doc["tables"]
        if op == "set_table":
            key = data.draw(st.sampled_from(["companies", "resources", "streams", "profiles", "substitutions", "rules", "facilities", "other"]), label="table")
            tables[key] = data.draw(YAML_VALUES, label="value")
        elif op == "add_table":
            csvs = sorted(n for n in files if n.endswith(".csv"))
            if csvs:
                key = data.draw(st.sampled_from(["profiles", "substitutions", "rules", "facilities"]), label="table")
                tables[key] = data.draw(st.sampled_from(csvs), label="path")
        elif tables:
            tables.pop(data.draw(st.sampled_from(sorted(tables, key=str)), label="table"))
    files["scenario.yaml"] = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode("utf-8")


MUTATIONS: list[Callable[[st.DataObject, Files], None]] = [
    mutate_number, mutate_number, mutate_cell, mutate_cell, mutate_row, mutate_column, mutate_bytes, mutate_yaml,
]


# --------------------------------------------------------------------------- the property


def _named_files(files: Files) -> set[str]:
    """Names a message may start with: the files, and every path scenario.yaml gives."""
    names = set(files) | {"scenario.yaml"}
    try:
        doc = yaml.safe_load(files.get("scenario.yaml", b"").decode("utf-8-sig"))
    except Exception:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("tables"), dict):
        names |= {v for v in doc["tables"].values() if isinstance(v, str)}
    return names


def _check(result: Any, files: Files, folder: Path, what: str) -> None:
    text = result.output.replace(f"{folder}/", "")  # a missing scenario.yaml is named by its full path
    event(f"{what} exit {result.exit_code}")
    assert result.exit_code in (0, 2, 3), f"{what}: exit {result.exit_code}\n{text}"
    assert "Traceback" not in text and "Internal error" not in text, f"{what}:\n{text}"
    if result.exit_code == 2:
        names = _named_files(files)
        lines = [ln.strip() for ln in text.splitlines()]
        assert any(ln.startswith(f"{n}:") or ln.startswith(f"{n} (") for ln in lines for n in names), f"{what}: no line names a file of {sorted(names)}:\n{text}"


# SYMBIOSIS_FUZZ_EXAMPLES=5000 for a longer campaign; 150 keeps the suite under a minute.
@settings(max_examples=int(os.environ.get("SYMBIOSIS_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], print_blob=True)
@given(data=st.data())
def test_mutated_scenarios_never_crash(data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(sorted(SEEDS)), label="seed scenario")
    files: Files = {k: v.encode("utf-8") for k, v in SEEDS[seed].items()}
    for _ in range(data.draw(st.integers(1, 3), label="number of mutations")):
        data.draw(st.sampled_from(MUTATIONS), label="mutation")(data, files)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scenario"
        folder.mkdir()
        for name, raw in files.items():
            (folder / name).write_bytes(raw)
        _check(runner.invoke(app, ["validate", str(folder)]), files, folder, "validate")
        out = Path(tmp) / "result"
        result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--set", "solver.time_limit_s=5"])
        _check(result, files, folder, "solve")
        if result.exit_code == 2:
            assert not out.exists(), "solve wrote a result for a broken scenario"


def test_named_file_pattern() -> None:
    """The check above recognises the message style it relies on."""
    assert re.match(r"^\S+\.csv: row \d+", "streams.csv: row 3, column 'company': unknown company 'Z'")
