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
