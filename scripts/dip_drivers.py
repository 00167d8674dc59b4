"""What sets the length of the dip among successful firms (docs/model.md section 10).

Run:  PYTHONPATH=. .venv/bin/python scripts/dip_drivers.py [--seeds 200] [--people 20]

Two tables in markdown:

1. One judgement call at a time, changed from its default on seeds 0..N-1 of
   the baseline (common seeds): the failure rate, the median weeks below the
   pre-project profit among successful runs, the share of firms whose
   cumulative profit change is at least zero by week 156, and the share ending
   with more than 90 % of users routinely using CRM. The economics' values move
   the dip little; how fast users become skilled routine users moves it, and
   moves payback and use with it.
2. Where a user's time goes (baseline, seeds 0..P-1): the weeks from the user's
   go-live to the first week trying the system, from then to the skill of
   routine use (``frontline.skill_to_use``) and to proficiency
   (``economics.proficient_skill``), as quartiles over every user who got there
   (``never`` when fewer than the quartile did).
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

import numpy as np

from crmsim.codes import TRYING
from crmsim.engine import Engine
from crmsim.runner import simulate
from crmsim.scenario import load

CHANGES: tuple[tuple[str, Any], ...] = (
    ("economics.benefit_lag_weeks", 0),
    ("economics.network_value", 0.25),
    ("data.build_rate", 0.1),
    ("data.initial_quality", 0.6),
    ("frontline.learning_loss", 0.1),
    ("economics.proficient_skill", 0.6),
    ("frontline.learn_rate", 0.09),
    ("frontline.skill_to_use", 0.4),
)


def outcomes(updates: dict[str, Any], n: int) -> dict[str, float]:
    """Failure, median dip of successes, payback and > 90 % use over seeds 0..n-1."""
    base = load("baseline")
    sc = dataclasses.replace(base, params=base.params.with_updates(updates)) if updates else base
    summaries = [simulate(sc, seed).summary for seed in range(n)]
    ok = np.array([s["success"] for s in summaries])
    dips = np.array([s["dip_weeks"] for s in summaries], dtype=float)
    return {
        "failure": 1.0 - ok.mean(),
        "dip": float(np.median(dips[ok])) if ok.any() else float("nan"),
        "payback": np.mean([s["cum_profit_delta"] >= 0 for s in summaries]),
        "over90": np.mean([s["final_adoption"] > 0.9 for s in summaries]),
    }


def user_weeks(n: int) -> dict[str, list[float]]:
    """Quartiles of a user's weeks: go-live to trying, trying to routine skill and to proficiency."""
    params = load("baseline").params
    stu, prof = params["frontline.skill_to_use"], params["economics.proficient_skill"]
    gaps: dict[str, list[float]] = {"try": [], "routine": [], "proficient": []}
    never = float("inf")
    for seed in range(n):
        e = Engine(params, rng=seed)
        ppl = e.world.people
        first = {k: np.full(ppl.skill.size, -1) for k in ("live", "try", "routine", "proficient")}
        for week in range(1, params["run.weeks"] + 1):
            e.step()
            for key, now in (("live", ppl.live), ("try", ppl.state == TRYING)):
                first[key][now & (first[key] < 0)] = week
            began = first["try"] >= 0
            for key, level in (("routine", stu), ("proficient", prof)):
                first[key][began & (first[key] < 0) & (ppl.skill >= level)] = week
        live = first["live"] >= 0
        tried = first["try"] >= 0
        gaps["try"] += list(np.where(tried[live], first["try"][live] - first["live"][live], never))
        for key in ("routine", "proficient"):
            got = first[key][tried]
            gaps[key] += list(np.where(got >= 0, got - first["try"][tried], never))
    return {k: list(np.percentile(v, [25, 50, 75])) for k, v in gaps.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="runs per row (seeds 0..N-1)")
    ap.add_argument("--people", type=int, default=20, help="runs followed user by user")
    args = ap.parse_args()
    print(
        "| changed from the default | failure | median dip weeks, successes | paid back "
        "by week 156 | > 90 % using |"
    )
    print("| --- | --- | --- | --- | --- |")
    for name, value in ((None, None), *CHANGES):
        o = outcomes({name: value} if name else {}, args.seeds)
        label = f"`{name}` = {value}" if name else "none (baseline)"
        print(
            f"| {label} | {o['failure']:.1%} | {o['dip']:.0f} | {o['payback']:.1%} "
            f"| {o['over90']:.1%} |"
        )
    print()
    names = {
        "try": "go-live to first trying",
        "routine": "trying to routine skill",
        "proficient": "trying to proficiency",
    }
    print("| a user's weeks | 25 % | median | 75 % |")
    print("| --- | --- | --- | --- |")
    for key, q in user_weeks(args.people).items():
        cells = " | ".join("never" if not np.isfinite(x) else f"{x:.0f}" for x in q)
        print(f"| {names[key]} | {cells} |")


if __name__ == "__main__":
    main()
