"""Small findings of the QA review of main, each pinned by a test that failed before its fix.

1. ``pareto --x land_freed_m2 --points 100000`` explained its refusal by "its CO2 range".
2. Floors and ceilings on savings (and CO2) printed by their summary.json key, other measures by name.
3. A ceiling below anything a never-negative measure can be (``--ceiling truck_km=-5``) was taken.
4. Printed commands were not shell-quoted (an id starting with '-' or holding a space broke them).
5. A row short of trailing cells of extra columns was refused.
6. A SIGTERM just after the result was written exited 143 though the result was complete.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from typer.testing import CliRunner

from conftest import BASE, CASES, write_scenario
from symbiosis.cli import app
from symbiosis.cli.base import copyable
from test_safety import run_cli

runner = CliRunner()
ROAD = CASES / "measure_road_exchange"


def test_a_front_too_fine_names_its_x_measure() -> None:
    res = runner.invoke(app, ["pareto", str(ROAD), "--x", "land_freed_m2", "--points", "100000", "--out", "/nonexistent/front"])
    assert res.exit_code == 2, res.output
    assert "range of its x measure (land_freed_m2)" in res.output and "CO2" not in res.output


def test_floors_and_ceilings_print_by_measure_name(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["solve", str(ROAD), "--out", str(tmp_path / "o"), "--maximise", "material_reused_t", "--floor", "savings_eur=100", "--floor", "co2_t=-1000",
              "--ceiling", "truck_km=100"],
    )
    assert res.exit_code == 0, res.output
    assert "floor: savings_eur >= 100" in res.output and "floor: co2_t >= -1,000" in res.output and "ceiling: truck_km <= 100" in res.output
    assert "net_savings_eur_per_year >=" not in res.output and "co2_avoided_t_per_year >=" not in res.output


def test_a_ceiling_below_what_a_measure_can_be_is_bad_input(tmp_path: Path) -> None:
    """truck_km, material_reused_t and heat_recovered_mwh are never negative: a ceiling below 0 is exit 2 saying why;
    land_freed_m2 can be negative (a pool that builds more than it frees), so a negative ceiling on it is taken."""
    for name in ("truck_km", "material_reused_t", "heat_recovered_mwh"):
        res = runner.invoke(app, ["solve", str(ROAD), "--out", str(tmp_path / name), "--ceiling", f"{name}=-5"])
        assert res.exit_code == 2, res.output
        assert "never negative" in res.output and f"{name} <= -5" in res.output
    res = runner.invoke(app, ["solve", str(ROAD), "--out", str(tmp_path / "land"), "--ceiling", "land_freed_m2=-5"])
    assert res.exit_code != 2, res.output


def test_copyable_commands_are_quoted_and_keep_dashes_apart() -> None:
    """Each printed command, split the way a POSIX shell does, gives back the words meant."""
    cmd = copyable(["symbiosis", "merge"], options=[("--out", "NEW")], args=["my park", "-brew.xlsx"])
    assert shlex.split(cmd) == ["symbiosis", "merge", "--out", "NEW", "--", "my park", "-brew.xlsx"]
    cmd = copyable(["symbiosis", "intake"], options=[("--company", "-brew"), ("--out", "-brew.xlsx")], args=["park"])
    assert shlex.split(cmd) == ["symbiosis", "intake", "park", "--company=-brew", "--out=-brew.xlsx"]
    assert copyable(["symbiosis", "validate"], args=["park.xlsx"]) == "symbiosis validate park.xlsx"


def test_the_printed_merge_command_runs_as_printed(tmp_path: Path, monkeypatch) -> None:
    """intake --out -brew.xlsx (a file name starting with '-') in a scenario folder with a space: the printed merge
    command, split by shlex and run with NEW replaced, merges the workbook."""
    folder = write_scenario(tmp_path / "my park", dict(BASE))
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["intake", str(folder), "--company", "A", "--out=-brew.xlsx"])
    assert res.exit_code == 0, res.output
    printed = res.output.split("take it back with: ", 1)[1].strip()
    words = shlex.split(printed)
    assert words[:2] == ["symbiosis", "merge"] and "--" in words
    words[words.index("NEW")] = str(tmp_path / "merged")
    again = runner.invoke(app, words[1:])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "merged" / "streams.csv").is_file()


def test_a_row_short_of_trailing_extra_cells_reads_them_as_empty(tmp_path: Path) -> None:
    """rules.csv with an extra column 'note': a row without its note cell is taken (the note empty) with a
    warning naming the file and row; a row short of a required cell is still refused, naming the column."""
    files = dict(BASE)
    files["scenario.yaml"] = BASE["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, rules: rules.csv}")
    files["rules.csv"] = "rule,source,target,note\nforbid,A,B,agreed in June\nforbid,B,A\n"
    res = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "ok", files))])
    assert res.exit_code == 0, res.output
    assert "rules.csv: row 3" in res.output and "has 3 cells but the header has 4: note read as empty" in res.output
    files["rules.csv"] = "rule,source,target,note\nforbid,A\n"
    res = runner.invoke(app, ["validate", str(write_scenario(tmp_path / "bad", files))])
    assert res.exit_code == 2, res.output
    assert "rules.csv: row 2, column 'target'" in res.output


def test_a_late_sigterm_after_the_result_is_written_exits_0(tmp_path: Path) -> None:
    """SIGTERM while the summary is printed, after the folder was swapped in: the result is complete, so the
    run says so and exits 0 (not 143), and the folder checks."""
    folder = write_scenario(tmp_path / "s", dict(BASE))
    out = tmp_path / "result"
    patch = (
        "import os, signal, time, symbiosis.cli.solve as m\n"
        "def late(*a, **k):\n    os.kill(os.getpid(), signal.SIGTERM); time.sleep(5)\n"
        "m._print_summary = late\n"
    )
    proc = run_cli("solve", str(folder), "--out", str(out), patch=patch)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "after the result was complete" in proc.stderr and "Traceback" not in proc.stderr
    assert runner.invoke(app, ["check", str(folder), str(out)]).exit_code == 0
