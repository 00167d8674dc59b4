"""crmsim fit end to end, on a tiny firm: the folder, the forecast, the actions, resuming.

The fits here are far too short to be good fits (40 particles, 2
generations); they check the machinery. How good the fits are is checked by
tests/test_fit_coverage.py (small) and benchmarks/bench_fit.py (large).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "fit"
FAST = ["--particles", "40", "--generations", "2", "--draws", "20", "--workers", "1",
        "--seed", "3"]  # fmt: skip
UNKNOWNS = ("frontline.confidence", "diffusion.q")
ACTIONS = ("levers.training", "communication.cadence")


@pytest.fixture(scope="module")
def firm(tmp_path_factory) -> Path:
    """A 150-person version of the example firm, two unknowns, two actions."""
    folder = tmp_path_factory.mktemp("firm")
    (folder / "firm.toml").write_text(
        f'[scenario]\ninherits = "{EXAMPLE / "example.toml"}"\n[org]\nemployees = 150\n'
        f"[fit]\nunknowns = {list(UNKNOWNS)!r}\nactions = {list(ACTIONS)!r}\n".replace("'", '"')
    )
    return folder


@pytest.fixture(scope="module")
def fitted(firm: Path) -> tuple[Path, str]:
    from click.testing import CliRunner

    from crmsim.cli import main

    out = firm / "fit"
    args = ["fit", str(EXAMPLE / "example.csv"), "--scenario", str(firm / "firm.toml"),
            *FAST, "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_the_folder_holds_every_output_and_says_what_made_it(fitted) -> None:
    from crmsim.files import folder_kind
    from crmsim.fit.run import FILES

    out, _ = fitted
    assert {p.name for p in out.iterdir()} == set(FILES)
    assert folder_kind(out) == "crmsim fit"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["unknowns"] == list(UNKNOWNS) and manifest["seed"] == 3
    assert manifest["versions"]["pyabc"]
    assert manifest["command"][:2] == ["crmsim", "fit"]


def test_progress_is_shown_per_generation(fitted) -> None:
    _, output = fitted
    lines = [s for s in output.splitlines() if "generation" in s]
    assert [s.split(":")[1].strip() for s in lines] == ["generation 0", "generation 1"]
    assert all("epsilon" in s and "accepted of" in s for s in lines)


def test_the_posterior_table_has_medians_inside_90_percent_intervals_inside_the_prior(
    fitted,
) -> None:
    out, _ = fitted
    t = pd.read_csv(out / "posterior_summary.csv")
    assert t["unknown"].tolist() == list(UNKNOWNS)
    from crmsim.fit.problem import default_prior

    for row in t.itertuples():
        prior = default_prior(row.unknown)
        assert prior.lo <= row.lo90 <= row.median <= row.hi90 <= prior.hi
    assert ((t["lo90"] <= t["median"]) & (t["median"] <= t["hi90"])).all()
    particles = pd.read_csv(out / "posterior.csv")
    assert len(particles) == 40 and particles["weight"].sum() == pytest.approx(1.0)


def test_the_fan_chart_table_runs_to_the_horizon_with_ordered_bands(fitted) -> None:
    out, _ = fitted
    b = pd.read_csv(out / "forecast_bands.csv")
    for _, part in b.groupby("series"):
        assert part["week"].tolist() == list(range(157))
    q = b[["q05", "q25", "q50", "q75", "q95"]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-12).all()


def test_the_actions_are_ranked_by_the_change_in_success(fitted) -> None:
    from crmsim.scenario import load

    out, _ = fitted
    a = pd.read_csv(out / "actions.csv")
    assert sorted(a["action"]) == sorted(ACTIONS)
    assert a["rank"].tolist() == [1, 2]
    assert a["d_success"].is_monotonic_decreasing
    params = load(EXAMPLE / "example.toml").params
    for row in a.itertuples():
        assert row.to == pytest.approx(min(params[row.action] + 0.2, 1.0))
        assert row.d_success_lo <= row.d_success <= row.d_success_hi
        assert row.d_adoption_lo <= row.d_adoption_hi


def test_the_outlook_and_the_page_give_success_and_payback(fitted, cli) -> None:
    out, output = fitted
    o = json.loads((out / "outlook.json").read_text())
    for k in ("p_success", "p_payback"):
        assert 0 <= o[f"{k}_lo"] <= o[k] <= o[f"{k}_hi"] <= 1
    post = pd.read_csv(out / "posterior.csv")
    w = post["weight"].to_numpy()
    assert o["effective_particles"] == pytest.approx(w.sum() ** 2 / (w**2).sum(), abs=0.05)
    assert o["effective_draws"] < min(o["effective_particles"], o["draws"])
    assert f"P(success by week 156) = {o['p_success']:.0%}" in output
    page = (out / "report.html").read_text()
    assert "What to do now" in page and page.count("data:image/png;base64,") == 2
    (out / "report.html").unlink()
    result = cli("report", out)
    assert result.exit_code == 0 and (out / "report.html").is_file()
    assert cli("report", out, "--out", out / "x.pdf").exit_code == 2


def test_same_seed_one_worker_gives_the_same_fit(fitted, firm, cli) -> None:
    out, _ = fitted
    again = firm / "again"
    args = ["fit", EXAMPLE / "example.csv", "--scenario", firm / "firm.toml", *FAST]
    assert cli(*args, "--out", again).exit_code == 0
    for name in ("posterior.csv", "forecast_bands.csv", "actions.csv"):
        assert (again / name).read_text() == (out / name).read_text(), name


def test_a_fit_is_continued_from_its_database_and_another_is_refused(fitted, firm, cli) -> None:
    import shutil

    out, _ = fitted
    more = firm / "more"
    shutil.copytree(out, more)
    args = ["fit", EXAMPLE / "example.csv", "--scenario", firm / "firm.toml", *FAST]
    result = cli(*[a if a != "2" else "3" for a in args], "--out", more)  # 3 generations
    assert result.exit_code == 0, result.output
    lines = [s for s in result.output.splitlines() if "generation" in s]
    assert "(stored)" in lines[0] and "(stored)" in lines[1] and "(stored)" not in lines[2]
    assert json.loads((more / "outlook.json").read_text())["generation"] == 2
    other = cli(*[a if a != "3" else "4" for a in args], "--out", more)  # another seed
    assert other.exit_code == 2 and "holds a fit of other" in other.output
    elsewhere = cli(*args, "--out", EXAMPLE.parent)  # a folder crmsim did not write
    assert elsewhere.exit_code == 2 and "did not write" in elsewhere.output


def test_actions_use_common_random_numbers(fitted) -> None:
    """An action that changes nothing gives every draw exactly its baseline outcome."""
    from crmsim.fit.forecast import Arm, predict
    from crmsim.fit.infer import Posterior
    from crmsim.scenario import load

    out, _ = fitted
    params = load(EXAMPLE / "example.toml").params.with_updates({"org.employees": 150})
    post_df = pd.read_csv(out / "posterior.csv")
    w = post_df["weight"].to_numpy()
    post = Posterior(UNKNOWNS, post_df[list(UNKNOWNS)].to_numpy(), w / w.sum(),
                     post_df["seed"].to_numpy(), 1)  # fmt: skip
    same = Arm("levers.training", float(params["levers.training"]))
    more = Arm("levers.training", 1.0)
    pred = predict(params, post, [same, more], 26, 156, 12, seed=5)
    assert (pred.arm_success[:, 0] == pred.success).all()
    assert (pred.arm_adoption[:, 0] == pred.final_adoption).all()
    assert not (pred.arm_adoption[:, 1] == pred.final_adoption).all()


def test_the_forecast_continues_the_accepted_path(fitted) -> None:
    """A draw's first weeks are its particle's own simulation, number for number."""
    from crmsim.fit.forecast import _one
    from crmsim.fit.infer import Simulator
    from crmsim.fit.problem import default_prior
    from crmsim.scenario import load

    out, _ = fitted
    params = load(EXAMPLE / "example.toml").params.with_updates({"org.employees": 150})
    row = pd.read_csv(out / "posterior.csv").iloc[0]
    theta = {n: float(row[n]) for n in UNKNOWNS}
    sim = Simulator(params, [default_prior(n) for n in UNKNOWNS], [("active_share", 26)])
    short = sim.run(theta, int(row["seed"]))
    series, *_ = _one(params, theta, int(row["seed"]), 156, 26, None)
    assert np.array_equal(series[0, :27], short["engaged"])


def test_the_intervals_count_what_the_posterior_sample_is_worth() -> None:
    """Draws from 20 effective particles know P(success) less well than draws from 300.

    The variance of a mean over the draws is p(1 - p) / ESS + p(1 - p) / draws,
    so the interval from ESS 20 is about 2.6 times as wide as from ESS 300
    (sqrt((1/20 + 1/200) / (1/300 + 1/200))), whatever the number of draws.
    """
    import dataclasses

    from crmsim.fit.forecast import Arm, Prediction, actions_table, outlook
    from crmsim.scenario import load

    n = 200
    half = np.arange(n) % 2 == 0
    wide_ess = Prediction(series=np.zeros((n, 4, 3)), success=half, payback=half,
                          final_adoption=half * 0.8, arms=(Arm("levers.training", 0.8),),
                          arm_success=np.ones((n, 1), bool), arm_adoption=np.ones((n, 1)),
                          thetas=np.zeros((n, 1)), seeds=np.arange(n),
                          effective_particles=300.0)  # fmt: skip
    narrow_ess = dataclasses.replace(wide_ess, effective_particles=20.0)
    assert narrow_ess.effective_draws == pytest.approx(1 / (1 / 20 + 1 / 200))

    def width(pred: Prediction) -> float:
        o = outlook(pred, seed=1)
        assert o["p_success_lo"] <= o["p_success"] == 0.5 <= o["p_success_hi"]
        return o["p_success_hi"] - o["p_success_lo"]

    assert 2.0 < width(narrow_ess) / width(wide_ess) < 3.2
    params = load(EXAMPLE / "example.toml").params
    acts = [actions_table(p, params, seed=1).iloc[0] for p in (wide_ess, narrow_ess)]
    assert acts[1].d_success_hi - acts[1].d_success_lo > 2 * (acts[0].d_success_hi
                                                              - acts[0].d_success_lo)  # fmt: skip
