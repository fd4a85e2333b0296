"""Folders written by symbiosis: their permissions, and reading a result folder back."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import symbiosis
from conftest import BASE, write_scenario
from symbiosis.generate import write_park
from symbiosis.io.read.results import TABLES, ResultFolderError, read_result
from symbiosis.io.write.files import replace_folder


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def result_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files")
    with umask(0o022):
        return symbiosis.solve(symbiosis.load_scenario(write_scenario(root / "tiny", BASE))).write(root / "out")


def test_a_result_folder_gets_the_permissions_of_a_new_folder(result_dir: Path) -> None:
    assert mode(result_dir) == 0o755  # written under umask 022, not the 0700 of a temporary folder
    assert all(mode(p) == 0o644 for p in result_dir.iterdir())


def test_generated_and_replaced_folders_follow_the_umask(tmp_path: Path) -> None:
    with umask(0o022):
        park = write_park(tmp_path / "park", 5, seed=1)
    assert mode(park) == 0o755 and mode(park / "companies.csv") == 0o644
    with umask(0o027):
        write_park(park, 5, seed=2)  # replaces the earlier park
    assert mode(park) == 0o750
    for mask in (0o077, 0o002):
        tmp = tmp_path / f"tmp{mask:o}"
        tmp.mkdir(mode=0o700)
        with umask(mask):
            replace_folder(tmp, tmp_path / f"out{mask:o}")
        assert mode(tmp_path / f"out{mask:o}") == 0o777 & ~mask


def test_read_result_reads_every_file(result_dir: Path) -> None:
    res = read_result(result_dir)
    assert res.summary["status"] == "optimal" and res.summary["n_exchanges"] == 2
    assert sorted(res.matches["supply_stream"]) == ["cb_a", "pk_a"]
    assert set(res.flows.columns) >= {"supply_stream", "demand_stream", "slot", "quantity"}
    assert res.flows["slot"].map(type).eq(str).all()
    assert list(res.companies["company"]) == ["A", "B", "C"]
    assert res.facilities.empty and res.facility_loads.empty  # no facility in the tiny scenario
    assert {n["id"] for n in res.network["nodes"]} == {"A", "B", "C"}
    assert list(res.nodes["id"]) == ["A", "B", "C"] and res.nodes["lat"].dtype == float
    assert res.scenario["name"] == "tiny" and set(res.scenario["tables"]) >= {"companies", "streams"}
    assert res.family("cardboard") == "material" and res.pricing("parking") == "peak"


def test_ids_that_look_like_numbers_stay_text(tmp_path: Path) -> None:
    files = dict(BASE)
    files["companies.csv"] = BASE["companies.csv"].replace("\nA,", "\n007,").replace("\nB,", "\n1e3,")
    files["streams.csv"] = BASE["streams.csv"].replace(",A,", ",007,").replace(",B,", ",1e3,")
    out = symbiosis.solve(symbiosis.load_scenario(write_scenario(tmp_path / "s", files))).write(tmp_path / "out")
    res = read_result(out)
    assert sorted(res.companies["company"]) == ["007", "1e3", "C"]
    assert set(res.matches["source"]) | set(res.matches["target"]) == {"007", "1e3", "C"}


@pytest.mark.parametrize("name", ["summary.json", "network.json", "scenario.json", *(f"{t}.csv" for t in TABLES)])
def test_a_missing_or_broken_file_is_named(result_dir: Path, tmp_path: Path, name: str) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in result_dir.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    (copy / name).unlink()
    with pytest.raises(ResultFolderError, match=f"holds no {name}") as missing:
        read_result(copy)
    assert missing.value.path == copy / name
    assert isinstance(missing.value, symbiosis.OutputError)  # the command line's exit code 2
    (copy / name).write_bytes(b"\xff\xfe not text" if name.endswith(".csv") else b"[1, 2")
    with pytest.raises(ResultFolderError, match="cannot be read") as broken:
        read_result(copy)
    assert broken.value.path == copy / name and name in str(broken.value)


def test_a_json_file_must_hold_an_object(result_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for p in result_dir.iterdir():
        (copy / p.name).write_bytes(p.read_bytes())
    (copy / "network.json").write_text(json.dumps([1, 2]))
    with pytest.raises(ResultFolderError, match=r"network\.json: holds list"):
        read_result(copy)
