"""Sweeps: uncertainty.csv, draws, both modes, dask workers, outputs (values worked out by hand)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import BASE, CASES, ROOT, write_scenario
from symbiosis import api
from symbiosis.analysis.optimise import optimise
from symbiosis.cli import app
from symbiosis.errors import ScenarioError, SettingsError
from symbiosis.io.read import load_scenario
from symbiosis.schema import Uncertainty

runner = CliRunner()
ONE_PRICE = ROOT / "tests" / "sweep_cases" / "one_price"
SWEEP_FILES = {"sweep.json", "samples.csv", "match_robustness.csv", "company_robustness.csv", "drivers.csv", "report.html"}


def _zero_width(case: str) -> object:
    """A case with a zero-width range (low = high = own value) on every stream's price and quantity."""
    sc = load_scenario(CASES / case)
    rows = []
    for s in sc.streams:
        rows.append(Uncertainty(stream=s.id, field="quantity", low=s.quantity, high=s.quantity, distribution="triangular"))
        if not (s.direction.value == "supply" and sc.resource_by_id[s.resource].pricing.value == "peak"):
            rows.append(Uncertainty(stream=s.id, field="price_eur_per_unit", low=s.price_eur_per_unit, high=s.price_eur_per_unit))
    return sc.replaced(uncertainty=tuple(rows))


@pytest.mark.parametrize("case", ["pool_excludes_exchanges", "road_transport", "volume_profiles"])
@pytest.mark.parametrize("mode", ["reoptimise", "evaluate"])
def test_zero_width_ranges_give_the_deterministic_optimum(case: str, mode: str) -> None:
    sc = _zero_width(case)
    base = optimise(sc)
    net = base.summary.net_savings_eur_per_year
    assert net is not None and base.summary.n_exchanges + base.summary.n_pools > 0
    res = api.sweep(sc, 4, seed=3, mode=mode, workers=0)
    tol = 0.0 if mode == "reoptimise" else 1e-7 * max(1.0, abs(net))  # evaluate solves the fixed network's LP: same value up to rounding
    for got in res.samples["net_savings_eur_per_year"]:
        assert abs(got - net) <= tol
    assert (res.samples["status"] == "optimal").all()
    # Every base match is chosen in every sample, with its deterministic savings.
    assert len(res.match_robustness) == len(base.matches)
    assert (res.match_robustness["share_chosen"] == 1.0).all() or mode == "evaluate"
    for m in res.match_robustness.itertuples(index=False):
        row = base.matches[(base.matches["supply_stream"].fillna("") == m.supply_stream) & (base.matches["demand_stream"] == m.demand_stream)]
        sav = float(row["savings_eur_per_year"].iloc[0])
        for q in (m.savings_p10, m.savings_p50, m.savings_p90):
            assert abs(q - sav) <= tol + 1e-9
    # A constant input drives nothing.
    assert (res.drivers["index"] == 0).all()


@pytest.mark.parametrize("mode", ["reoptimise", "evaluate"])
def test_one_match_pays_in_a_known_share_of_a_uniform_price_range(mode: str) -> None:
    """tests/sweep_cases/one_price/README.md: the match pays when p_d > 10 on U[0, 40]: share 0.75."""
    n = 200
    res = api.sweep(ONE_PRICE, n, seed=11, mode=mode, workers=0)
    sd = math.sqrt(0.75 * 0.25 / n)
    (share,) = res.match_robustness["share_chosen"]
    assert abs(share - 0.75) <= 4 * sd
    # The share is that of the drawn prices above 10, sample by sample.
    prices = res.samples["b_pallets:price_eur_per_unit"]
    assert share == pytest.approx(float((prices > 10).mean()))
    assert prices.between(0, 40).all()
    companies = res.company_robustness.set_index("company")
    if mode == "evaluate":
        # Each company gets (100 p_d - 1000) / 2: below zero when p_d < 10 (share 0.25); median about 500.
        assert abs(companies.loc["a", "share_below_zero"] - 0.25) <= 4 * sd
        assert companies.loc["a", "savings_p50"] == pytest.approx((100 * prices.median() - 1000) / 2, rel=1e-6)
    else:
        assert (companies["share_below_zero"] == 0).all()  # dropping the match is always feasible
    assert res.drivers.iloc[0]["stream"] == "b_pallets" and res.drivers.iloc[0]["index"] > 0.9


def test_sample_draws_depend_on_seed_and_index_only() -> None:
    a = api.sweep(ONE_PRICE, 6, seed=5, workers=0).samples
    b = api.sweep(ONE_PRICE, 3, seed=5, workers=0).samples
    assert a.head(3).equals(b)
    c = api.sweep(ONE_PRICE, 3, seed=6, workers=0).samples
    assert not c["b_pallets:price_eur_per_unit"].equals(b["b_pallets:price_eur_per_unit"])


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_outputs_identical_in_this_process_and_on_a_local_cluster_of_2(tmp_path: Path) -> None:
    """The embedded LocalCluster of 2 worker processes, and an existing cluster of 2 reached by its
    scheduler's address (as --scheduler does): the files are byte for byte those of an in-process run."""
    from distributed import LocalCluster

    local = api.sweep(ONE_PRICE, 8, seed=2, workers=0)
    done: list[int] = []
    embedded = api.sweep(ONE_PRICE, 8, seed=2, workers=2, progress=lambda d, t: done.append(d))
    assert done[-1] == 8
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        remote = api.sweep(ONE_PRICE, 8, seed=2, scheduler=cluster.scheduler_address)
    for name, res in (("in_process", local), ("embedded", embedded), ("scheduler", remote)):
        res.write(tmp_path / name, report=False)  # the pictures and page are drawn from these tables alone
    a = _folder_bytes(tmp_path / "in_process")
    assert set(a) >= SWEEP_FILES - {"report.html"}
    assert a == _folder_bytes(tmp_path / "embedded") == _folder_bytes(tmp_path / "scheduler")


def test_the_sweep_folder_is_byte_stable(tmp_path: Path) -> None:
    res = api.sweep(ONE_PRICE, 6, seed=4, mode="evaluate", workers=0)
    res.write(tmp_path / "a")
    res.write(tmp_path / "b")
    a = _folder_bytes(tmp_path / "a")
    assert set(a) >= SWEEP_FILES | {f"{k}.{e}" for k in ("sweep_savings", "sweep_matches", "sweep_drivers") for e in ("png", "svg")}
    assert a == _folder_bytes(tmp_path / "b")
    assert "collect these data first" in a["report.html"].decode().lower()


def test_a_scheduler_address_that_is_not_one_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["sweep", str(ONE_PRICE), "--out", str(tmp_path / "o"), "-n", "2", "--scheduler", "localhost:8786"])
    assert r.exit_code == 2 and "--scheduler 'localhost:8786'" in r.output


def test_cli_sweep_with_a_grid_writes_every_point(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    r = runner.invoke(app, ["sweep", str(ONE_PRICE), "--out", str(out), "-n", "8", "--workers", "0", "--grid", "link_fixed_cost_eur_per_year=500,3000", "--no-report"])
    assert r.exit_code == 0, r.output
    assert "collect these data first" in r.output and "b_pallets:price_eur_per_unit" in r.output
    grid = (out / "grid.csv").read_text().splitlines()
    assert len(grid) == 3 and grid[0].startswith("point,link_fixed_cost_eur_per_year,")
    # Base optima by hand: 100 x 20 - F = 1500 with F = 500; with F = 3000 the link would lose 1000, so none: 0.
    assert grid[1].split(",")[2] == "1500" and grid[2].split(",")[2] == "0"
    assert (out / "point-01" / "samples.csv").is_file() and (out / "point-02" / "drivers.csv").is_file()


@pytest.mark.parametrize(
    ("grid", "fragments"),
    [
        ("carbon_price_eur_per_t=0,abc", ["--grid carbon_price_eur_per_t=abc", "expected a number"]),
        ("no_such_setting=1", ["--grid no_such_setting=1"]),
        ("carbon_price_eur_per_t", ["--grid 'carbon_price_eur_per_t'", "KEY=V1,V2"]),
        ("solver.time_limit_s=10,,20", ["empty value"]),
    ],
)
def test_bad_grid_values_exit_2_naming_key_and_value(tmp_path: Path, grid: str, fragments: list[str]) -> None:
    out = tmp_path / "never"
    r = runner.invoke(app, ["sweep", str(ONE_PRICE), "--out", str(out), "-n", "2", "--workers", "0", "--grid", grid])
    assert r.exit_code == 2, r.output
    for f in fragments:
        assert f in r.output
    assert not out.exists()


BAD_UNCERTAINTY = (
    "stream,field,low,high,distribution\n"
    "cb_a,price_eur_per_unit,10,40,uniform\n"  # row 2: fine
    "nope,quantity,1,2,uniform\n"  # row 3: unknown stream
    "cb_b,colour,1,2,uniform\n"  # row 4: unknown field
    "cb_b,price_eur_per_unit,30,10,uniform\n"  # row 5: low > high
    "cb_b,quantity,50,60,triangular\n"  # row 6: mode 40 outside [50, 60]
    "cb_a,price_eur_per_unit,0,50,uniform\n"  # row 7: duplicate of row 2
    "cb_a,quantity,0,60,uniform\n"  # row 8: quantity reaching 0
    "pk_a,price_eur_per_unit,0,5,uniform\n"  # row 9: price of a peak supply
    "cb_b,co2_kg_per_unit,1,2,normal\n"  # row 10: unknown distribution
)
EXPECTED = [
    ("row 4", "column 'field'", ""),
    ("row 5", "column 'high'", "below low"),
    ("row 7", "column 'field'", "given twice (first at row 2)"),
    ("row 8", "column 'low'", "above 0"),
    ("row 10", "column 'distribution'", ""),
]
# Rows that no longer fit their stream (turn 3): a warning for a solve, an error for a sweep.
STALE = [
    ("row 3", "column 'stream'", "unknown stream 'nope'"),
    ("row 6", "column 'low'", "outside [50, 60]"),
    ("row 9", "column 'field'", "peak resource"),
]


def test_bad_uncertainty_rows_name_file_row_and_column(tmp_path: Path) -> None:
    files = dict(BASE)
    files["scenario.yaml"] = files["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, uncertainty: uncertainty.csv}")
    files["uncertainty.csv"] = BAD_UNCERTAINTY
    folder = write_scenario(tmp_path, files)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(folder)
    text = [str(p) for p in exc.value.problems]
    assert len(text) == len(EXPECTED), text
    for row, col, what in EXPECTED:
        assert any("uncertainty.csv" in t and row + "," in t + "," and col in t and what in t for t in text), (row, col, what, text)
    r = runner.invoke(app, ["sweep", str(folder), "--out", str(tmp_path / "out"), "-n", "2", "--workers", "0"])
    assert r.exit_code == 2 and "uncertainty.csv" in r.output


def test_stale_uncertainty_rows_warn_a_solve_and_stop_a_sweep(tmp_path: Path) -> None:
    """Rows that no longer fit their stream (an unknown stream, a triangular mode outside its range, a price
    range on a peak supply): a solve warns and goes on (it ignores ranges); a sweep refuses, naming each."""
    files = dict(BASE)
    files["scenario.yaml"] = files["scenario.yaml"].replace("profiles: profiles.csv}", "profiles: profiles.csv, uncertainty: uncertainty.csv}")
    keep = [line for i, line in enumerate(BAD_UNCERTAINTY.splitlines(), start=1) if i in (1, 2, 3, 6, 9)]
    files["uncertainty.csv"] = "\n".join(keep) + "\n"
    folder = write_scenario(tmp_path, files)
    sc = load_scenario(folder)
    warned = [str(w) for w in sc.warnings]
    for row, (_, col, what) in zip(("row 3", "row 4", "row 5"), STALE):  # the kept rows, numbered again
        assert any("uncertainty.csv" in t and row + "," in t + "," and col in t and what in t and "a sweep refuses it" in t for t in warned), (row, warned)
    r = runner.invoke(app, ["solve", str(folder), "--out", str(tmp_path / "solved")])
    assert r.exit_code == 0, r.output
    assert "outside [50, 60]" in r.output
    with pytest.raises(ScenarioError) as exc:
        api.sweep(sc, 2, workers=0)
    text = [str(p) for p in exc.value.problems]
    assert len(text) == len(STALE), text
    r = runner.invoke(app, ["sweep", str(folder), "--out", str(tmp_path / "out"), "-n", "2", "--workers", "0"])
    assert r.exit_code == 2 and "outside [50, 60]" in r.output and "unknown stream 'nope'" in r.output
    assert not (tmp_path / "out").exists()


def test_a_deterministic_solve_ignores_the_ranges() -> None:
    sc = load_scenario(ONE_PRICE)
    plain = sc.replaced(uncertainty=())
    a, b = optimise(sc), optimise(plain)
    assert a.summary.net_savings_eur_per_year == b.summary.net_savings_eur_per_year == 1000.0
    assert sc.fingerprint() == plain.fingerprint()


def test_interrupted_sweep_writes_nothing(tmp_path: Path) -> None:
    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.sweep(ONE_PRICE, 5, workers=0, progress=stop).write(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_sweep_arguments() -> None:
    for kwargs in ({"mode": "guess"}, {"seed": -1}, {"samples": 0}):
        with pytest.raises(SettingsError):
            api.sweep(ONE_PRICE, **({"samples": 2} | kwargs), workers=0)  # type: ignore[arg-type]
