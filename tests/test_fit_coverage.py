"""The fit is calibrated on synthetic firms (small simulation-based calibration).

Firms drawn from the prior, each fitted on its first 26 weeks: the 90 %
credible intervals must hold the true unknowns in most (firm, unknown) pairs,
the 90 % forecast band most held-out weeks, and the posterior must have
learned from the data (an interval as wide as the prior covers trivially).
The fits are tiny (40 particles, 2 generations), so the bounds are loose;
benchmarks/bench_fit.py runs the real check (docs/fit.md has its figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNKNOWNS = ("sponsor.commitment", "effects.fit_base", "frontline.confidence", "diffusion.p",
            "diffusion.q")  # fmt: skip


@pytest.fixture(scope="module")
def coverage():
    from crmsim.fit.coverage import run_coverage
    from crmsim.fit.infer import Settings
    from crmsim.fit.problem import FitSection, choose_priors
    from crmsim.scenario import load

    params = load(ROOT / "scenarios" / "fit" / "example.toml").params
    params = params.with_updates({"org.employees": 120})
    priors = choose_priors(list(UNKNOWNS), FitSection())
    settings = Settings(particles=40, budget=3_000, generations=3, seed=7)
    return run_coverage(params, priors, firms=4, settings=settings, draws=20)


@pytest.mark.slow
def test_credible_intervals_hold_most_true_unknowns(coverage) -> None:
    assert len(coverage.unknowns) == 20
    assert 0.6 <= coverage.interval_coverage <= 1.0


@pytest.mark.slow
def test_the_forecast_band_holds_most_held_out_weeks(coverage) -> None:
    assert coverage.forecast["weeks"].eq(156 - 26).all()
    assert 0.6 <= coverage.band_coverage <= 1.0


@pytest.mark.slow
def test_the_posterior_learned_from_the_data(coverage) -> None:
    """Staff confidence drives early use directly: its interval must shrink."""
    ratios = coverage.unknowns.groupby("unknown")["width_ratio"].median()
    assert ratios["frontline.confidence"] < 0.6


def _checked(firms_inside: list[float], covered: list[list[bool]]):
    """A coverage check's tables by hand: per firm, profit band holding and covered unknowns."""
    import pandas as pd

    from crmsim.fit.coverage import Coverage

    unknowns = pd.DataFrame([{"firm": i, "unknown": UNKNOWNS[j], "covered": c}
                             for i, row in enumerate(covered) for j, c in enumerate(row)])  # fmt: skip
    forecast = pd.DataFrame([{"firm": i, "series": s, "weeks": 130,
                              "inside": x if s == "profit_index" else 1.0}
                             for i, x in enumerate(firms_inside)
                             for s in ("active_share", "profit_index")])  # fmt: skip
    return Coverage(unknowns, forecast)


def test_each_coverage_figure_has_a_bootstrap_interval_over_firms() -> None:
    """Firms are the units: 3 of 4 firms held, so profit coverage 0.75 with a wide interval."""
    cov = _checked([1.0, 1.0, 1.0, 0.0], [[True] * 5] * 3 + [[False] * 5])
    fig = cov.figures().set_index("figure")
    assert fig.loc["profit_index", "value"] == 0.75
    assert fig.loc["profit_index", "lo"] <= 0.5 and fig.loc["profit_index", "hi"] == 1.0
    assert fig.loc["intervals", "value"] == 0.75 == cov.interval_coverage
    assert fig.loc["intervals", "lo"] <= 0.5  # a firm's five unknowns are resampled together
    assert fig.loc["band", "value"] == cov.band_coverage
    assert (fig["firms"] == 4).all()
    assert cov.figures().equals(cov.figures())  # the same seed, the same intervals


def test_firms_that_agree_leave_no_room_in_the_interval() -> None:
    fig = _checked([0.9] * 5, [[True] * 5] * 5).figures().set_index("figure")
    assert fig.loc["profit_index", ["value", "lo", "hi"]].tolist() == pytest.approx([0.9] * 3)
    assert fig.loc["active_share", ["lo", "hi"]].tolist() == [1.0, 1.0]
