"""Statistical tests of the article's claims (S4-S8 in docs/sources.md), 50 seeds each.

Every comparison uses the same 50 seeds for both arms (common random
numbers), so differences come from the parameter change, not from luck.
Paired differences are judged with the Wilcoxon signed-rank test at
p < 0.01; success rates with Fisher's exact test at p < 0.01. With these
effect sizes the tests have a large margin (see the asserted p-values).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from scipy import stats

from crmsim.params import LEVERS
from crmsim.runner import simulate
from crmsim.scenario import load

pytestmark = pytest.mark.slow

SEEDS = range(50)
ORG = {"org.employees": 600}
TMS = "levers.top_management_support"


@cache
def runs(overrides: tuple[tuple[str, object], ...] = ()) -> tuple[dict, ...]:
    """Summaries plus a few series means of baseline + overrides over SEEDS."""
    sc = load("baseline").with_updates({**ORG, **dict(overrides)})
    out = []
    for seed in SEEDS:
        r = simulate(sc, seed)
        ts = r.timeseries
        out.append(
            {
                **r.summary,
                "profit_rel": ts["profit_rel"].to_numpy(),
                "mean_conf_frontline": float(ts["confidence_frontline"].iloc[20:].mean()),
                "mean_conf_manager": float(ts["confidence_manager"].iloc[20:].mean()),
                "mean_resistance": float(ts["manager_resistance"].iloc[20:].mean()),
            }
        )
    return tuple(out)


def col(rs: tuple[dict, ...], key: str) -> np.ndarray:
    return np.array([r[key] for r in rs], dtype=float)


def paired_greater(a: np.ndarray, b: np.ndarray) -> float:
    """One-sided Wilcoxon p-value that a > b (paired)."""
    return stats.wilcoxon(a, b, alternative="greater", zero_method="zsplit").pvalue


def test_baseline_lands_inside_published_failure_rates() -> None:
    """CAL-4.2: CRM 'failure' 18-70 % depending on definition."""
    success = col(runs(), "success").mean()
    assert 0.30 <= 1.0 - success <= 0.70


def test_top_management_support_is_the_strongest_lever() -> None:
    """S4 / CAL-5.1: weakening top-management support hurts success most.

    Each lever in turn is set from its baseline level to 0 (levers already at
    0 in the baseline cannot be weakened and are skipped).
    """
    base = load("baseline").params
    rates = {}
    for lever in LEVERS:
        if base[lever] == 0:
            continue
        rates[lever] = col(runs(((lever, 0.0),)), "success")
    tms = rates.pop("levers.top_management_support")
    worst_other = min(rates, key=lambda k: rates[k].mean())
    other = rates[worst_other]
    assert tms.mean() <= other.mean(), (tms.mean(), worst_other, other.mean())
    # Success sits at the floor without either lever; final use, paired by seed, does not.
    use = {k: col(runs(((k, 0.0),)), "final_adoption") for k in (*rates, TMS)}
    worst_use = min(rates, key=lambda k: use[k].mean())
    assert paired_greater(use[worst_use], use[TMS]) < 0.01, (worst_use, use[worst_use].mean())


def test_profit_recovers_after_the_dip() -> None:
    """S7 / J-curve: after its lowest week the median run's profit climbs back above its
    pre-project level, earned by use. (That every run dips held by the cost schedule alone and
    is no longer asserted; where the dip's bottom falls is a knock-out test in
    tests/test_mechanisms_econ.py.)"""
    profit = np.array([r["profit_rel"] for r in runs()])
    median = np.median(profit, axis=0)
    bottom = int(np.argmin(median))
    assert median[bottom:].max() > 0.0


def test_visibility_pays_where_there_are_results_to_see() -> None:
    """S6: results act through what is made visible, so making them visible pays more
    where use brings results (full training) than where little is used (no training):
    the gain in cumulative profit change from high visibility, paired by seed.

    (Replaces a test that held by construction: visible results are never negative. Final
    use is not the measure: with full training it nears its ceiling under Model 2.0.)"""

    def gain(training: float) -> np.ndarray:
        low = col(
            runs((("visibility.level", 0.1), ("levers.training", training))), "cum_profit_delta"
        )
        high = col(
            runs((("visibility.level", 0.9), ("levers.training", training))), "cum_profit_delta"
        )
        return high - low

    assert paired_greater(gain(1.0), gain(0.0)) < 0.05


def test_clearer_communication_raises_confidence() -> None:
    """S8: a firm, clear message that reaches everyone."""
    vague = col(runs((("communication.clarity", 0.1),)), "mean_conf_frontline")
    clear = col(runs((("communication.clarity", 0.9),)), "mean_conf_frontline")
    assert paired_greater(clear, vague) < 0.01


def test_met_milestones_raise_and_missed_ones_lower_confidence() -> None:
    """S8: phase goals lift confidence when met and cost it when missed."""
    none = col(runs(), "mean_conf_frontline")
    easy_rs = runs(
        (
            ("milestones.interval_weeks", 13),
            ("milestones.target", 0.3),
            ("milestones.plan_weeks", 156),
        )
    )
    hard_rs = runs(
        (
            ("milestones.interval_weeks", 13),
            ("milestones.target", 1.0),
            ("milestones.plan_weeks", 20),
        )
    )
    assert col(easy_rs, "milestones_met").mean() > col(easy_rs, "milestones_missed").mean()
    assert col(hard_rs, "milestones_missed").mean() > col(hard_rs, "milestones_met").mean()
    assert paired_greater(col(easy_rs, "mean_conf_frontline"), none) < 0.01
    assert paired_greater(none, col(hard_rs, "mean_conf_frontline")) < 0.01


def test_deeper_restructuring_lowers_use() -> None:
    """S5: restructuring hits vested interests; resisting managers hold their teams back,
    so fewer users end using (an outcome of resistance, not its equation)."""
    shallow = col(runs((("restructuring.depth", 0.2),)), "final_adoption")
    deep = col(runs((("restructuring.depth", 0.8),)), "final_adoption")
    assert paired_greater(shallow, deep) < 0.01


def test_cross_department_communication_raises_use() -> None:
    """S5: managers who talk across departments resist less, and their teams use more."""
    quiet = col(runs((("managers.xdept_communication", 0.0),)), "final_adoption")
    talk = col(runs((("managers.xdept_communication", 1.0),)), "final_adoption")
    assert paired_greater(talk, quiet) < 0.01
