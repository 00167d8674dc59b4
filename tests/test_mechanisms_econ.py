"""Knock-out tests of issue 13's economic mechanisms (#4, #5, #6, #10).

Each test runs the ``baseline`` scenario (Model 2.0: every economic mechanism on) and
the same scenario with ONE mechanism switched off by its parameter, over the
same 60 seeds (common random numbers; 200 employees), and checks the change
the mechanism predicts in an emergent outcome: payback, success, the week of
the dip's bottom, managers' resistance, adoption, the sponsor's low point.
Paired differences are judged with the Wilcoxon signed-rank test at p < 0.01
in the predicted direction; shares of runs with McNemar's exact test
(a binomial test on the discordant pairs) at p < 0.01.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import stats

from crmsim.runner import simulate
from crmsim.scenario import load

pytestmark = pytest.mark.slow

SEEDS = range(60)
SMALL = {"org.employees": 200}


@cache
def arm(off: tuple[tuple[str, object], ...] = ()) -> dict[str, np.ndarray]:
    """Per-seed outcomes of baseline with the ``off`` values set."""
    sc = load("baseline").with_updates({**SMALL, **dict(off)})
    rows = []
    for seed in SEEDS:
        r = simulate(sc, seed)
        s = r.summary
        first_live = next(e["week"] for e in r.events if e["event"] == "go_live")
        rows.append(
            {
                "cum_profit_delta": s["cum_profit_delta"],
                "success": s["success"],
                "final_adoption": s["final_adoption"],
                "final_manager_resistance": s["final_manager_resistance"],
                "dips": s["dip_weeks"] > 0,
                "bottom_after_go_live": (s["dip_bottom_week"] or 0) > first_live,
                "min_sponsor_confidence": s["min_sponsor_confidence"],
                "late_learning_loss": float(r.timeseries["learning_loss"].iloc[-26:].mean()),
            }
        )
    return {k: np.array([row[k] for row in rows], dtype=float) for k in rows[0]}


def greater(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided Wilcoxon signed-rank p-value that ``a`` exceeds ``b`` (paired by seed)."""
    return float(stats.wilcoxon(a, b, alternative="greater").pvalue)


def more_often(a: np.ndarray, b: np.ndarray) -> float:
    """McNemar's exact one-sided p-value that event ``a`` happens more often than ``b``."""
    gained = int(np.sum((a == 1) & (b == 0)))
    lost = int(np.sum((a == 0) & (b == 1)))
    return float(stats.binomtest(gained, gained + lost, 0.5, alternative="greater").pvalue)


ON = ()


def test_amortised_services_put_the_dip_bottom_after_go_live() -> None:
    """#5 (S7; CAL-3.1, 3.2; ACC-1): with implementation services charged from go-live,
    the deepest week is where learning and running costs meet, after go-live; expensed as
    paid, it is the last implementation week, before anyone uses the system."""
    on, off = arm(ON), arm((("economics.amortisation_weeks", 0),))
    assert on["dips"].all() and off["dips"].all()
    assert on["bottom_after_go_live"].mean() >= 0.8
    assert off["bottom_after_go_live"].mean() <= 0.3
    assert more_often(on["bottom_after_go_live"], off["bottom_after_go_live"]) < 0.01


def test_proficiency_ends_the_learning_loss_and_raises_payback() -> None:
    """#5 (CAL-8.3, 8.4): a user who reaches proficiency stops losing output and earns the
    whole benefit; without it (proficient only at full skill) the learning loss lingers in
    year three and cumulative profit is lower."""
    on, off = arm(ON), arm((("economics.proficient_skill", 1.0),))
    assert greater(off["late_learning_loss"], on["late_learning_loss"]) < 0.01
    assert greater(on["cum_profit_delta"], off["cum_profit_delta"]) < 0.01


def test_lagged_benefit_delays_payback() -> None:
    """#5 (S7): the money follows use with a lag; without the lag the same use pays
    earlier, so cumulative profit at week 156 is higher."""
    on, off = arm(ON), arm((("economics.benefit_lag_weeks", 0.0),))
    assert greater(off["cum_profit_delta"], on["cum_profit_delta"]) < 0.01


def test_restructuring_that_fades_leaves_less_resistance_and_more_success() -> None:
    """#4 (S5): restructuring as an event that fades lets managers' resistance fall back, so
    more roll-outs succeed and more money is kept than with a depth that never ends."""
    on, off = arm(ON), arm((("restructuring.half_life_weeks", 0.0),))
    assert greater(off["final_manager_resistance"], on["final_manager_resistance"]) < 0.01
    assert more_often(on["success"], off["success"]) < 0.01
    assert greater(on["cum_profit_delta"], off["cum_profit_delta"]) < 0.01


def test_poor_data_costs_benefit() -> None:
    """#6 (S6, S9; CAL-10.4): the firm's benefit hangs on its data quality, which starts poor
    (CAL-10.2, 10.3) and is built only by use; ignoring it overstates the return."""
    on, off = arm(ON), arm((("data.benefit_weight", 0.0),))
    assert greater(off["cum_profit_delta"], on["cum_profit_delta"]) < 0.01


def test_staff_turnover_holds_adoption_down() -> None:
    """#10 (S9; CAL-8.5): leavers are replaced by untrained newcomers who must adopt anew, so
    fewer users are using at the end and fewer roll-outs succeed."""
    on, off = arm(ON), arm((("turnover.staff_annual", 0.0),))
    assert greater(off["final_adoption"], on["final_adoption"]) < 0.01
    assert more_often(off["success"], on["success"]) < 0.01


def test_onboarded_newcomers_keep_adoption_up() -> None:
    """#10 (S9; CAL-8.2, 8.3): a newcomer joining a live unit is trained and handed the
    system with the job; left to be won over by peers like the first users, newcomers pile
    up as non-users and fewer users are using at the end."""
    on, off = arm(ON), arm((("turnover.onboarding", False),))
    assert greater(on["final_adoption"], off["final_adoption"]) < 0.01


def test_a_new_sponsor_starts_without_the_old_ones_conviction() -> None:
    """#10 (S4, S9; CAL-9.1): a successor's commitment is drawn afresh and has not lived
    through the project's results, so the sponsor's confidence sinks lower at some point
    than when the sponsor stays (a high rate, so most firms see a change)."""
    on = arm((("turnover.sponsor_annual", 0.6),))
    off = arm((("turnover.sponsor_annual", 0.0),))
    assert greater(off["min_sponsor_confidence"], on["min_sponsor_confidence"]) < 0.01
