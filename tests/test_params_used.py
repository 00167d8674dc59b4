"""Every declared parameter is used: moving it to an end of its range changes a run.

A parameter that can be set but acts on nothing would be a stub. Most act in
an ordinary run; the rest act only in situations an ordinary run may not
reach (a sponsor who retreats and comes back, overloaded support, users who
return from rejection, a budget overrun), so each parameter is tried in a few
contexts built to reach them, and must change the weekly record or the final
state in at least one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_reference import parameter_set

from crmsim.model import CrmModel
from crmsim.params import PARAMS, ParamSet
from crmsim.runner import simulate
from crmsim.scenario import load

SMALL = {"org.employees": 150, "run.weeks": 104}
CONTEXTS: dict[str, dict[str, Any]] = {
    # every mechanism of an ordinary roll-out, with milestones, a pilot and some mixing
    "rich": {
        "milestones.interval_weeks": 13,
        "levers.pilot_first": 0.5,
        "sponsor.commitment": 0.55,
        "network.mixing": 0.2,
    },
    # a big bang with little support: learners overload the helpers
    "overloaded": {
        "levers.phased_rollout": 0.0,
        "levers.expert_help": 0.2,
        "levers.staffing": 0.2,
        "diffusion.p": 0.05,
    },
    # many reject and some come back; a shaken sponsor cuts the budget and restores
    # it; spending runs far over a small budget (the reference test's sets)
    **{name: parameter_set(name) for name in ("high_rejection", "sponsor_wavers", "tight_budget")},
    # the 0.2 model: every Model 2.0 mechanism off
    "model_0_2": parameter_set("model_0_2"),
    # Model 2.0, people: every mechanism on, a mandate and incentives
    "model2_mandate": parameter_set("model2_mandate"),
    # both halves: compliance-only use under a mandate erodes data the benefit hangs on
    "model2_both": {
        **parameter_set("baseline"),
        **{k: v for k, v in parameter_set("model2_mandate").items() if k.startswith("mandate.")},
    },
}

# Read only by the summary (success is judged on the finished run), not by the weekly rules.
SUMMARY_ONLY = {"outcome.success_adoption"}
AWAITING: set[str] = set()  # parameters no context can reach yet (none)


def fingerprint(params: dict[str, Any]) -> np.ndarray:
    model = CrmModel(ParamSet({**params, **SMALL}), rng=3, create_agents=False)
    model.run()
    record = np.nan_to_num(model._rec[: model._row]).ravel()
    return np.concatenate([record, model.z, model.skill, model.state.astype(float)])


@pytest.fixture(scope="module")
def references() -> dict[str, np.ndarray]:
    return {name: fingerprint(ctx) for name, ctx in CONTEXTS.items()}


@pytest.mark.parametrize(
    "name", [n for n in PARAMS if n not in SUMMARY_ONLY | AWAITING and n not in SMALL]
)
def test_moving_the_parameter_changes_a_run(name: str, references) -> None:
    p = PARAMS[name]
    for ctx_name, ctx in CONTEXTS.items():
        current = ctx.get(name, p.default)
        for value in (p.lo, p.hi) if p.kind is not bool else (not current,):
            if value == current:
                continue
            out = fingerprint({**ctx, name: value})
            ref = references[ctx_name]
            if out.shape != ref.shape or not np.array_equal(out, ref):
                return
    pytest.fail(f"{name} changed nothing in any context ({', '.join(CONTEXTS)})")


def test_the_success_threshold_decides_success() -> None:
    scenario = load("baseline").with_updates(SMALL)
    final = simulate(scenario, 3).summary["final_adoption"]
    assert final is not None
    above = simulate(scenario.with_updates({"outcome.success_adoption": final}), 3)
    below = simulate(scenario.with_updates({"outcome.success_adoption": min(1.0, final + 0.01)}), 3)
    assert above.summary["success"] is True and below.summary["success"] is False
