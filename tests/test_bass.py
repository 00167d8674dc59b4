"""Validation against theory: the ``bass_limit`` scenario follows the closed-form Bass curve.

With hierarchy, resistance and feedbacks switched off and the population fully
mixed, every user's weekly adoption hazard is ``p + q * F(t)``, so the share
of adopters must follow Bass (1969):

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)).

Tolerance: 0.025 absolute at every week (the issue's bar). The error has two
parts: time discretisation (with 4 sub-steps a week, at most 0.005 for these
rates, checked deterministically below) and sampling noise of about
sqrt(F (1 - F) / N) <= 0.005 for ~11,000 users, amplified in the take-off
phase; the seeds are fixed so the test is repeatable.
"""

from __future__ import annotations

import numpy as np
import pytest

from crmsim.runner import simulate
from crmsim.scenario import load

RATES = [(0.01, 0.05), (0.02, 0.04), (0.03, 0.03), (0.015, 0.05)]


def bass_curve(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Closed-form Bass adoption share."""
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def test_bass_limit_scenario_is_large_and_fully_mixed() -> None:
    s = load("bass_limit")
    assert s.params["org.employees"] >= 10_000
    assert s.params["network.mixing"] == 1.0
    assert s.params["frontline.confidence_weight"] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize(("p", "q"), RATES)
def test_bass_limit_matches_closed_form(p: float, q: float) -> None:
    s = load("bass_limit").with_updates({"diffusion.p": p, "diffusion.q": q})
    assert q <= 0.05
    ts = simulate(s, seed=2024).timeseries
    expected = bass_curve(ts["week"].to_numpy(dtype=float), p, q)
    err = np.abs(ts["adoption"].to_numpy() - expected)
    assert err.max() <= 0.025, f"max deviation {err.max():.4f} at week {err.argmax()}"
    # and the curve really moved: the check is not passed by a flat line
    assert ts["adoption"].iloc[-1] > 0.5


@pytest.mark.parametrize(("p", "q"), RATES)
def test_substep_discretisation_error_is_small(p: float, q: float) -> None:
    """The deterministic mean-field of the weekly update with 4 sub-steps."""
    k = 4
    f, out = 0.0, [0.0]
    for _ in range(156):
        for _ in range(k):
            f += (1.0 - np.exp(-(p + q * f) / k)) * (1.0 - f)
        out.append(f)
    t = np.arange(157, dtype=float)
    assert np.abs(np.array(out) - bass_curve(t, p, q)).max() < 0.005


def test_leaving_the_bass_limit_changes_the_curve() -> None:
    """Switching the confidence feedback back on moves the curve away from Bass."""
    base = load("bass_limit").with_updates({"org.employees": 3000, "run.weeks": 80})
    on = base.with_updates({"frontline.confidence_weight": 8.0, "frontline.confidence": 0.3})
    a = simulate(base, 1).timeseries["adoption"].to_numpy()
    b = simulate(on, 1).timeseries["adoption"].to_numpy()
    assert np.abs(a - b).max() > 0.05
