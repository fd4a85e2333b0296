"""Hostile and broken scenarios (``tests/hostile/``) through the real CLI.

Every case folder holds a scenario with one thing wrong and ``expected.toml`` with the
exit code and the fragments of the message (file, row, column, what is wrong) that
must appear together on one line. No case may print a traceback or an internal error;
cases marked ``solve = true`` also go through ``solve --out`` and must leave no output.
See ``tests/hostile/build_corpus.py`` for how the corpus is made.

A case may name another ``command`` (``solve``, ``sweep``, ``pareto``, ``alternatives``,
``check`` or ``report``), extra ``args`` (``--strict``) and a ``target`` file inside the
case (a workbook). ``[setup]`` for those: ``out`` (the --out path, relative to the
temporary folder), ``out_files`` (files put there first, which must be left untouched
unless the case succeeds), ``earlier_result`` (solve into ``out`` first), ``earlier``
(another command run into ``out`` first, e.g. ``["sweep", "--samples", "2"]``),
``files`` (files made beside the case), ``damage`` (``[file, "cut" | "delete" | "write"
| "symlink", argument]`` applied to the earlier folder, or for ``check`` and ``report``
to a fresh result folder) and ``absent`` (text that must not appear in the output,
such as the content of a file that a link points to). A refused command must leave
the folder it was pointed at byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BASE, write_scenario
from symbiosis.cli import app

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASE_DIRS = sorted(p for p in HOSTILE.iterdir() if (p / "expected.toml").is_file())

runner = CliRunner()


def _expected(case: Path) -> dict[str, Any]:
    with (case / "expected.toml").open("rb") as fh:
        return tomllib.load(fh)


def _materialise(case: Path, tmp_path: Path) -> Path:
    """Copy a case into ``tmp_path`` and make what git cannot hold (links, folders)."""
    folder = tmp_path / case.name
    shutil.copytree(case, folder, symlinks=True, ignore=shutil.ignore_patterns("expected.toml"))
    setup = _expected(case).get("setup", {})
    if setup.get("outside"):
        write_scenario(tmp_path / "outside", BASE)
    for name, target in setup.get("symlinks", []):
        os.symlink(target, folder / name)
    for name in setup.get("mkdirs", []):
        (folder / name).mkdir()
    return folder


def _assert_output(text: str, exit_code: int, expected: dict[str, Any]) -> None:
    assert exit_code == expected["exit_code"], text
    assert "Traceback" not in text, text
    assert "Internal error" not in text, text
    lines = text.splitlines()
    for fragments in expected["messages"]:
        assert any(all(f in line for f in fragments) for line in lines), f"no line holds all of {fragments}:\n{text}"


def test_corpus_is_large_enough() -> None:
    broken = [c for c in CASE_DIRS if _expected(c)["exit_code"] == 2]
    assert len(broken) >= 40, len(broken)
    assert any(_expected(c)["exit_code"] == 0 for c in CASE_DIRS), "the corpus also holds inputs that must be accepted"


def _listing(folder: Path) -> dict[str, bytes] | None:
    """Every entry below a folder (relative path) and its bytes, a link's target and a folder's name alike
    (None when it is not a folder, or cannot be named)."""
    try:
        if not folder.is_dir():
            return None
        out = {}
        for p in sorted(folder.rglob("*")):
            key = p.relative_to(folder).as_posix()
            out[key] = os.readlink(p).encode() if p.is_symlink() else (b"<folder>" if p.is_dir() else p.read_bytes())
        return out
    except OSError:
        return None


VALIDATE_CASES = [c for c in CASE_DIRS if _expected(c).get("command", "validate") == "validate"]


@pytest.mark.parametrize("case", VALIDATE_CASES, ids=[c.name for c in VALIDATE_CASES])
def test_validate(case: Path, tmp_path: Path) -> None:
    """`symbiosis validate CASE` exits as expected and names file, row, column and what is wrong."""
    folder = _materialise(case, tmp_path)
    expected = _expected(case)
    result = runner.invoke(app, ["validate", str(folder / expected.get("target", "")), *expected.get("args", [])])
    _assert_output(result.output, result.exit_code, expected)


COMMAND_CASES = [c for c in CASE_DIRS if _expected(c).get("command", "validate") != "validate"]
# What each command is given besides the case's own args: short runs on the tiny scenario.
COMMAND_ARGS = {
    "solve": ["--set", "solver.time_limit_s=5"],
    "sweep": ["--set", "solver.time_limit_s=5"],
    "pareto": ["--set", "solver.time_limit_s=5"],
    "alternatives": ["--set", "solver.time_limit_s=5"],
}


def _damage(folder: Path, damage: list[list[str]]) -> None:
    """Damage a result folder: ``[file, "cut" | "delete" | "write" | "symlink", argument]``."""
    for name, how, arg in damage:
        path = folder / name
        if how == "cut":
            path.write_bytes(path.read_bytes()[: -int(arg)])
        elif how == "delete":
            path.unlink()
        elif how == "symlink":
            path.unlink()
            os.symlink(arg, path)
        else:
            path.write_text(arg, encoding="utf-8")


@pytest.mark.parametrize("case", COMMAND_CASES, ids=[c.name for c in COMMAND_CASES])
def test_command(case: Path, tmp_path: Path) -> None:
    """Commands at output paths that must be refused (the earlier folder's bytes untouched), damaged result
    folders (``check``, ``report``), and refusals before a run starts (``sweep``, ``pareto``, ``alternatives``)."""
    folder = _materialise(case, tmp_path)
    expected = _expected(case)
    setup = expected.get("setup", {})
    command = expected["command"]
    for name, text in setup.get("files", []):
        (tmp_path / name).write_text(text, encoding="utf-8")
    solve = ["solve", str(folder), *COMMAND_ARGS["solve"]]
    if command in ("check", "report"):
        out = tmp_path / "result"
        first = runner.invoke(app, [*solve, "--out", str(out)])
        assert first.exit_code == 0, first.output
        _damage(out, setup.get("damage", []))
        before = _listing(out)
        args = ["check", str(folder), str(out)] if command == "check" else ["report", str(out)]
        result = runner.invoke(app, [*args, *expected.get("args", [])])
        _assert_output(result.output, result.exit_code, expected)
        _assert_absent(result.output, setup)
        if expected["exit_code"] != 0:
            assert _listing(out) == before, f"{case.name}: the result folder was changed"
        return
    out = tmp_path / setup["out"]
    if setup.get("earlier_result"):
        first = runner.invoke(app, [*solve, "--out", str(out)])
        assert first.exit_code == 0, first.output
    if setup.get("earlier"):
        kind, *more = setup["earlier"]
        first = runner.invoke(app, [kind, str(folder), "--out", str(out), *COMMAND_ARGS.get(kind, []), *more])
        assert first.exit_code == 0, first.output
    for name, text in setup.get("out_files", []):
        out.mkdir(exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    if setup.get("damage"):
        _damage(out, setup["damage"])
    before = _listing(out)
    result = runner.invoke(app, [command, str(folder), "--out", str(out), *COMMAND_ARGS.get(command, []), *expected.get("args", [])])
    _assert_output(result.output, result.exit_code, expected)
    _assert_absent(result.output, setup)
    if expected["exit_code"] != 0:
        after = _listing(out)
        assert after == before, f"{case.name}: the output folder was changed"
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert not leftovers, leftovers


def _assert_absent(text: str, setup: dict[str, Any]) -> None:
    for fragment in setup.get("absent", []):
        assert fragment not in text, f"the output shows {fragment!r}:\n{text}"


SOLVE_CASES = [c for c in CASE_DIRS if _expected(c).get("solve")]


@pytest.mark.parametrize("case", SOLVE_CASES, ids=[c.name for c in SOLVE_CASES])
def test_solve(case: Path, tmp_path: Path) -> None:
    """`symbiosis solve CASE --out OUT` gives the same message, and writes no output for a broken case."""
    folder = _materialise(case, tmp_path)
    out = tmp_path / "result"
    expected = _expected(case)
    result = runner.invoke(app, ["solve", str(folder / expected.get("target", "")), "--out", str(out), "--set", "solver.time_limit_s=5", *expected.get("args", [])])
    if expected["exit_code"] == 0:
        assert result.exit_code == 0, result.output
        assert (out / "summary.json").is_file()
        return
    _assert_output(result.output, result.exit_code, expected)
    assert not out.exists(), f"{case.name}: solve wrote {out} for a broken scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([case.name] + (["outside"] if (tmp_path / "outside").exists() else []))


def test_single_yaml_file_with_inline_tables(tmp_path: Path) -> None:
    """A scenario given as one YAML file (not a folder) goes through the same checks."""
    src = (HOSTILE / "inline_numeric_id" / "scenario.yaml").read_text(encoding="utf-8")
    path = tmp_path / "park.yaml"
    path.write_text(src, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "park.yaml (tables.companies): row 2, column 'id': expected text, got the number 7" in result.output


def test_yaml_loader_never_constructs_python_objects(tmp_path: Path) -> None:
    """The python/object tag is refused before anything is constructed (no side effect)."""
    marker = tmp_path / "pwned"
    files = dict(BASE)
    files["scenario.yaml"] = str(BASE["scenario.yaml"]) + f'description: !!python/object/apply:os.system ["touch {marker}"]\n'
    result = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "s", files))])
    assert result.exit_code == 2
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    """Nested aliases are refused at the first alias, long before any expansion."""
    lol = ['a0: &a0 ["lol"]'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    files = dict(BASE)
    files["scenario.yaml"] = str(BASE["scenario.yaml"]) + "description:\n" + "".join(f"  {line}\n" for line in lol)
    result = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "s", files))])
    assert result.exit_code == 2
    assert "scenario.yaml: row 7: " in result.output and "anchor" in result.output


# The CLI prints cell text and setting keys verbatim: no Rich emoji codes or markup.


def test_cell_text_is_printed_verbatim(tmp_path: Path) -> None:
    files = dict(BASE)
    files["streams.csv"] = str(BASE["streams.csv"]).replace("cb_b,B,", "cb_b,:warning:,")
    result = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "s", files))])
    assert result.exit_code == 2
    assert "unknown company ':warning:'" in result.output


def test_setting_key_with_markup_is_printed_verbatim(tmp_path: Path) -> None:
    folder = write_scenario(tmp_path / "s", dict(BASE))
    result = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "o"), "--set", "[/x]=1"])
    assert result.exit_code == 2
    assert "setting '[/x]'" in result.output
