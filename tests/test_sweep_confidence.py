"""Sweeps that say how sure they are (DESIGN.md section 4c, turn 3): intervals, counted samples, the base case.

References are computed here independently of ``analysis.confidence``: the Wilson
interval from its textbook formula (and literature values), the driver interval from
``scipy.stats.pearsonr`` on the ranks (Spearman's rho is Pearson's on ranks; its
Fisher-z half-width is widened by sqrt(1.06), Fieller et al. 1957), and its coverage
by simulation. The base-case parts are worked out by hand on ``one_price``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import ROOT
from symbiosis import api
from symbiosis.analysis import confidence
from symbiosis.analysis.sweep import SampleOutcome, drivers, tabulate
from symbiosis.io.read import load_scenario
from symbiosis.schema import Uncertainty

ONE_PRICE = ROOT / "tests" / "sweep_cases" / "one_price"
KEY = ("exchange", "a", "b", "a_pallets", "b_pallets", "pallets")


def wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), Wilson (1927)."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize(("k", "n"), [(8, 10), (0, 10), (10, 10), (1, 40), (37, 40), (500, 1000)])
def test_wilson_against_the_formula(k: int, n: int) -> None:
    assert confidence.wilson(k, n) == pytest.approx(wilson_by_hand(k, n), abs=1e-12)


def test_wilson_against_published_values() -> None:
    """Newcombe (1998), Statistics in Medicine 17: 857-872, table II: 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605."""
    assert confidence.wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert confidence.wilson(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert all(math.isnan(x) for x in confidence.wilson(0, 0))


def _outcome(i: int, status: str, net: float | None, gap: float | None, chosen: bool, company: float) -> SampleOutcome:
    matches = ((KEY, 1.0),) if chosen else ()
    return SampleOutcome(i, status, net, 0.0 if net is not None else None, matches, (("a", company),), 0.0, mip_gap=gap, best_bound=None if net is None else net)


def _samples(values: np.ndarray) -> list[SampleOutcome]:
    """Ten samples: the match chosen in 8 of the 9 optimal ones; company a below zero in 2; sample 9 stopped at a 5 % gap."""
    outs = []
    for i in range(9):
        outs.append(_outcome(i, "optimal", 1000.0 + 10 * i, 0.0, chosen=i != 4, company=-5.0 if i in (1, 2) else 50.0))
    outs.append(_outcome(9, "time_limit", 5000.0, 0.05, chosen=False, company=-5.0))
    return outs


def test_tables_carry_wilson_intervals_over_the_counted_samples_only() -> None:
    """A sample stopped beyond the gap tolerance is listed (mip_gap, counted = no) but left out of every share."""
    sc = load_scenario(ONE_PRICE)
    base = api.solve(sc)
    values = np.linspace(0, 40, 10).reshape(10, 1)
    t = tabulate(_samples(values), ["b_pallets:price_eur_per_unit"], values, "reoptimise", base, tolerance=1e-4)
    assert list(t.samples["counted"]) == ["yes"] * 9 + ["no"]
    assert t.samples["mip_gap"].iloc[9] == 0.05
    m = t.match_robustness.iloc[0]
    assert m["share_chosen"] == pytest.approx(8 / 9)
    assert (m["share_low"], m["share_high"]) == pytest.approx(wilson_by_hand(8, 9))
    c = t.company_robustness.set_index("company").loc["a"]
    assert c["share_below_zero"] == pytest.approx(2 / 9)
    assert (c["share_below_zero_low"], c["share_below_zero_high"]) == pytest.approx(wilson_by_hand(2, 9))
    # Asked for, the stopped sample counts: 8 of 10 chosen, 3 of 10 below zero.
    t = tabulate(_samples(values), ["b_pallets:price_eur_per_unit"], values, "reoptimise", base, tolerance=1e-4, include_stopped=True)
    m = t.match_robustness.iloc[0]
    assert (m["share_chosen"], m["share_low"], m["share_high"]) == pytest.approx((0.8, *wilson_by_hand(8, 10)))
    c = t.company_robustness.set_index("company").loc["a"]
    assert (c["share_below_zero_low"], c["share_below_zero_high"]) == pytest.approx(wilson_by_hand(3, 10))


def _fixed_samples(n: int, rho: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cov = [[1.0, rho], [rho, 1.0]]
    xy = rng.multivariate_normal([0.0, 0.0], cov, size=n)
    noise = rng.random(n)
    return pd.DataFrame({"net_savings_eur_per_year": xy[:, 1], "counted": "yes", "x:price_eur_per_unit": xy[:, 0], "z:quantity": noise})


def test_driver_interval_against_scipy_on_ranks() -> None:
    """index = scipy's Spearman rho; its interval's Fisher-z half-width is sqrt(1.06) times Pearson's on the ranks (scipy's own interval)."""
    s = _fixed_samples(40, 0.5, seed=11)
    table = drivers(s, ["x:price_eur_per_unit", "z:quantity"]).set_index("stream")
    y, x = s["net_savings_eur_per_year"].to_numpy(), s["x:price_eur_per_unit"].to_numpy()
    rho = stats.spearmanr(x, y).statistic
    ref = stats.pearsonr(stats.rankdata(x), stats.rankdata(y)).confidence_interval(confidence_level=0.95)
    assert table.loc["x", "index"] == pytest.approx(rho, abs=1e-12)
    z = math.atanh(rho)
    widen = math.sqrt(1.06)
    assert math.atanh(table.loc["x", "index_low"]) == pytest.approx(z - widen * (z - math.atanh(ref.low)), abs=1e-9)
    assert math.atanh(table.loc["x", "index_high"]) == pytest.approx(z + widen * (math.atanh(ref.high) - z), abs=1e-9)
    assert table.loc["x", "distinguishable"] == "yes"
    # The noise column: its interval holds 0, so it is reported as not distinguishable, with the samples that would tell.
    low, high = table.loc["z", "index_low"], table.loc["z", "index_high"]
    assert low < 0 < high and table.loc["z", "distinguishable"] == "no"
    r = abs(table.loc["z", "index"])
    assert table.loc["z", "samples_needed"] == math.ceil(3 + 1.06 * (1.959963984540054 / math.atanh(r)) ** 2)
    assert table.loc["z", "samples_needed"] > 40


def test_driver_interval_covers_the_true_rank_correlation_95_percent_of_the_time() -> None:
    """Bivariate normal with Pearson 0.6: Spearman's rho is (6/pi) asin(0.3). 600 sets of 40 samples: coverage within 95 % +- 2.5 %."""
    true = 6 / math.pi * math.asin(0.3)
    hits = 0
    runs = 600
    for k in range(runs):
        s = _fixed_samples(40, 0.6, seed=1000 + k)
        row = drivers(s, ["x:price_eur_per_unit"]).iloc[0]
        hits += row["index_low"] <= true <= row["index_high"]
    assert 0.925 <= hits / runs <= 0.975, hits / runs


def test_samples_to_separate_by_hand() -> None:
    """rho 0.5 and 0.3: z = 0.549306 and 0.309520, difference 0.239786; n = 3 + 2 x 1.06 x (1.959964 / 0.239786)^2 = 144.6 -> 145."""
    assert confidence.samples_to_separate(0.5, 0.3) == 145
    assert confidence.samples_to_separate(0.4, -0.4) is None  # the same size: no number of samples separates them
    assert confidence.samples_to_distinguish(0.0) is None


def _triangular(low: float, high: float) -> object:
    """one_price with the buyer's price triangular on [low, high] (mode: its own 20 EUR/t)."""
    sc = load_scenario(ONE_PRICE)
    return sc.replaced(uncertainty=(Uncertainty(stream="b_pallets", field="price_eur_per_unit", low=low, high=high, distribution="triangular"),))


@pytest.mark.parametrize("mode", ["evaluate", "reoptimise"])
def test_base_case_below_p10_because_the_range_is_not_centred(mode: str) -> None:
    """Price triangular on [20, 80], mode 20: mean (20 + 20 + 80)/3 = 40. Savings 100 p - 1000 (one link, F 1000).

    Base 100 x 20 - 1000 = 1000; every sample has p >= 20, so every sample is >= 1000 and P10 > 1000 (P10 of p is
    20 + 60 (1 - sqrt(0.9)) = 23.08, savings 1308). Ranges: the network at the mean, 100 x 40 - 1000 = 3000,
    minus the base: +2000. Network: every sample keeps the one link: 0. Flows: the rest, mean - 3000.
    """
    sw = api.sweep(_triangular(20, 80), 30, seed=4, mode=mode, workers=0)
    p = sw.points[0]
    note = p.base_case
    assert note is not None and note.position == "below P10"
    assert note.ranges == pytest.approx(2000.0, abs=1e-6)
    prices = p.samples["b_pallets:price_eur_per_unit"].to_numpy(dtype=float)
    assert note.mean == pytest.approx(float(np.mean(100 * prices - 1000)), abs=1e-6)
    assert note.flows == pytest.approx(note.mean - 3000.0, abs=1e-6)
    assert note.network == (None if mode == "evaluate" else pytest.approx(0.0, abs=1e-6))
    text = note.sentence or ""
    assert "below P10" in text and "not centred" in text and "b_pallets:price_eur_per_unit (base 20, range mean 40)" in text
    assert sw.summary()["points"][0]["base_case"]["sentence"] == text


def test_base_case_gain_from_reoptimising_by_hand() -> None:
    """Price uniform on [0, 40] (centred on 20): ranges 0. In a sample with p < 10 the base link loses 1000 - 100 p,
    which re-optimising drops: network part = mean over samples of max(0, 1000 - 100 p), from the drawn prices."""
    sw = api.sweep(ONE_PRICE, 40, seed=1, workers=0)
    note = sw.points[0].base_case
    prices = sw.samples["b_pallets:price_eur_per_unit"].to_numpy(dtype=float)
    assert note is not None
    assert note.ranges == pytest.approx(0.0, abs=1e-6)
    assert note.network == pytest.approx(float(np.mean(np.maximum(0.0, 1000 - 100 * prices))), abs=1e-6)
    assert sw.samples["base_network_net_savings_eur_per_year"].to_numpy(dtype=float) == pytest.approx(100 * prices - 1000, abs=1e-6)


def test_sweep_files_carry_the_new_columns(tmp_path: Path) -> None:
    sw = api.sweep(_triangular(20, 80), 12, seed=4, workers=0)
    sw.write(tmp_path / "out", report=True)
    head = {name: (tmp_path / "out" / f"{name}.csv").read_text().splitlines()[0].split(",") for name in ("samples", "match_robustness", "company_robustness", "drivers")}
    assert {"mip_gap", "best_bound", "counted"} <= set(head["samples"])
    assert {"share_low", "share_high"} <= set(head["match_robustness"])
    assert {"share_below_zero_low", "share_below_zero_high"} <= set(head["company_robustness"])
    assert {"index_low", "index_high", "distinguishable"} <= set(head["drivers"])
    page = (tmp_path / "out" / "report.html").read_text()
    assert "lies below P10" in page and "95 % interval" in page


def test_benjamini_hochberg_by_hand() -> None:
    """m = 5 p-values 0.01, 0.04, 0.03, 0.20, NaN (the NaN is no test: m = 4). Sorted 0.01, 0.03, 0.04, 0.20:
    m p / rank = 4 x 0.01 / 1 = 0.04, 4 x 0.03 / 2 = 0.06, 4 x 0.04 / 3 = 0.05333, 4 x 0.20 / 4 = 0.20; step-up minima
    from the top: 0.20, 0.05333, 0.05333, 0.04. So 0.01 -> 0.04, 0.04 -> 0.05333, 0.03 -> 0.05333, 0.20 -> 0.20: only
    the first is below 5 %."""
    got = confidence.benjamini_hochberg([0.01, 0.04, 0.03, 0.20, math.nan])
    assert got[:4] == pytest.approx([0.04, 4 * 0.04 / 3, 4 * 0.04 / 3, 0.20])
    assert math.isnan(got[4])
    assert confidence.benjamini_hochberg([]) == []
    assert confidence.benjamini_hochberg([0.5, 0.9]) == pytest.approx([0.9, 0.9])


def test_a_drivers_p_value_is_its_intervals_test() -> None:
    """p = 2 (1 - Phi(|artanh r| / sqrt(1.06 / (n - 3)))): below 5 % exactly when the 95 % interval excludes 0."""
    for r, n in ((0.3, 40), (0.33, 40), (0.5, 12), (-0.62, 10), (0.1, 400)):
        z = abs(math.atanh(r)) / math.sqrt(1.06 / (n - 3))
        p = 2 * (1 - stats.norm.cdf(z))
        assert confidence.spearman_p(r, n) == pytest.approx(p, rel=1e-9)
        low, high = confidence.spearman_interval(r, n)
        assert (p < 0.05) == confidence.distinguishable(low, high)


def test_distinguishable_is_decided_on_benjamini_hochberg() -> None:
    """40 samples, one real driver (Pearson 0.6 with savings) and 20 columns of pure noise: ``p_adjusted`` is the
    Benjamini-Hochberg adjustment recomputed here by hand from each column's own p-value, ``distinguishable`` is
    p_adjusted < 5 %, the real driver stays distinguishable, and no more noise columns are called so than have an
    interval without 0 on their own."""
    s = _fixed_samples(40, 0.6, seed=7)
    rng = np.random.default_rng(8)
    names = ["x:price_eur_per_unit"]
    for k in range(20):
        s[f"n{k}:quantity"] = rng.normal(size=len(s))
        names.append(f"n{k}:quantity")
    table = drivers(s, names).set_index("stream")
    y = s["net_savings_eur_per_year"].to_numpy()
    p = [confidence.spearman_p(float(stats.spearmanr(s[n].to_numpy(), y).statistic), 40) for n in names]
    order = sorted(range(len(p)), key=lambda i: p[i])
    q = [0.0] * len(p)
    running = 1.0
    for rank in range(len(p), 0, -1):
        i = order[rank - 1]
        running = min(running, len(p) * p[i] / rank)
        q[i] = running
    for n, qi in zip(names, q):
        assert table.loc[n.split(":")[0], "p_adjusted"] == pytest.approx(qi)
        assert table.loc[n.split(":")[0], "distinguishable"] == ("yes" if qi < 0.05 else "no")
    assert table.loc["x", "distinguishable"] == "yes"
    noise = table.drop(index="x")
    alone = sum(confidence.distinguishable(lo, hi) for lo, hi in zip(noise["index_low"], noise["index_high"]))
    assert (noise["distinguishable"] == "yes").sum() <= alone


def test_twenty_noise_inputs_rarely_give_a_driver() -> None:
    """Under the global null (20 noise columns, savings independent of all), Benjamini-Hochberg at 5 % calls any
    column distinguishable in about 5 % of sweeps (its FDR is then the chance of any false call); per-column intervals
    would in 1 - 0.95^20 = 64 %. 300 seeded sweeps of 40 samples: at most 9 % with BH, at least 50 % without."""
    rng = np.random.default_rng(21)
    names = [f"n{k}:quantity" for k in range(20)]
    with_bh = alone = 0
    runs = 300
    for _ in range(runs):
        s = pd.DataFrame({"net_savings_eur_per_year": rng.normal(size=40), **{n: rng.normal(size=40) for n in names}})
        t = drivers(s, names)
        with_bh += bool((t["distinguishable"] == "yes").any())
        alone += any(confidence.distinguishable(lo, hi) for lo, hi in zip(t["index_low"], t["index_high"]))
    assert with_bh / runs <= 0.09 and alone / runs >= 0.5, (with_bh, alone)


NO_PARTNER = {
    "scenario.yaml": "format: 1\nname: no_partner\ntables: {companies: companies.csv, resources: resources.csv, streams: streams.csv, uncertainty: uncertainty.csv}\n"
    "settings: {link_fixed_cost_eur_per_year: 1000}\n",
    "companies.csv": "id,name,sector,lat,lon\na,A,,50.86,4.73\nb,B,,50.861,4.731\n",
    "resources.csv": "id,family,unit,pricing,transport,kg_per_unit,pipe_capex_eur_per_m,max_distance_km\n"
    "pallets,material,t,volume,none,,,\nmeals,service,meal,volume,none,,,\n",
    "streams.csv": "id,company,direction,resource,quantity,price_eur_per_unit,co2_kg_per_unit\n"
    "a_pallets,a,supply,pallets,100,0,0\nb_pallets,b,demand,pallets,100,20,0\nb_meals,b,demand,meals,5000,6,0\n",
    "uncertainty.csv": "stream,field,low,high,distribution\nb_pallets,price_eur_per_unit,19,21,uniform\n"
    "b_meals,quantity,1000,9000,uniform\nb_meals,price_eur_per_unit,4,8,uniform\n",
}


def test_an_input_with_no_partner_cannot_drive_and_nobody_is_asked_by_chance(tmp_path: Path) -> None:
    """b_meals has no supply and no facility: no candidate, so its two inputs cannot change the network (listed
    apart, index 0, not distinguishable), whatever they correlate with by chance. With 6 samples the one real input
    (the pallets price, savings 100 p - 1000) has |rho| = 1 and p = 0: it is distinguishable and its company asked."""
    from typer.testing import CliRunner

    from conftest import write_scenario
    from symbiosis.cli import app

    folder = write_scenario(tmp_path / "s", NO_PARTNER)
    res = CliRunner().invoke(app, ["sweep", str(folder), "--out", str(tmp_path / "out"), "--samples", "6", "--workers", "0"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "out" / "drivers.csv").set_index(["stream", "field"])
    meals = table.loc["b_meals"]
    assert (meals["can_change_network"] == "no").all() and (meals["index"] == 0).all() and (meals["distinguishable"] == "no").all()
    assert table.loc[("b_pallets", "price_eur_per_unit"), "rank"] == 1
    assert table.loc[("b_pallets", "price_eur_per_unit"), "distinguishable"] == "yes"
    assert "cannot change the network (2 inputs" in res.output and "b_meals:quantity" in res.output
    assert "symbiosis intake" in res.output and "ask b" in res.output


def test_nobody_is_asked_when_no_input_stands_out_from_chance(tmp_path: Path) -> None:
    """Two prices move the one exchange's savings (100 (p_b + p_a') - 1000 with p_a' = -p_a, both drawn): with 4
    samples Spearman's rho takes the values 1 - sum d^2 / 10, so |rho| < 1 means |rho| <= 0.8, z = artanh(0.8) /
    sqrt(1.06 / 1) = 1.067 and p >= 0.286: no input stands out (checked: no |rho| is 1 at this seed), so no company
    is asked and no intake command is printed, with the sentence saying why."""
    from typer.testing import CliRunner

    from conftest import write_scenario
    from symbiosis.cli import app

    files = dict(NO_PARTNER)
    files["streams.csv"] = files["streams.csv"].replace("a_pallets,a,supply,pallets,100,0,0", "a_pallets,a,supply,pallets,100,-5,0")
    files["uncertainty.csv"] = "stream,field,low,high,distribution\nb_pallets,price_eur_per_unit,15,25,uniform\na_pallets,price_eur_per_unit,-15,5,uniform\n"
    folder = write_scenario(tmp_path / "s", files)
    res = CliRunner().invoke(app, ["sweep", str(folder), "--out", str(tmp_path / "out"), "--samples", "4", "--workers", "0", "--seed", "7"])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "out" / "drivers.csv")
    assert (table["index"].abs() < 1).all(), table
    assert (table["distinguishable"] == "no").all(), table
    assert "no input stands out more than chance predicts" in res.output
    assert "symbiosis intake" not in res.output and "ask " not in res.output
