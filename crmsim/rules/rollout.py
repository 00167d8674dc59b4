"""Phase 2, roll-out (S3, S4): units go live on their planned week; their users get training."""

from __future__ import annotations

import numpy as np

from crmsim.codes import CANCELLED, FIT_MAX, NEVER
from crmsim.rules import Params
from crmsim.rules.learning import skill_after
from crmsim.rules.support import consultants_on
from crmsim.state import State


def queue_training(s: State, p: Params, trained: int) -> None:
    """Pay for ``trained`` people's training in equal parts over ``economics.training_weeks``
    from this week on (go-live users, and newcomers onboarded into live units)."""
    queue, weeks, week = s.project.training_queue, p["economics.training_weeks"], s.project.week
    share = trained / weeks
    for w in range(week, week + weeks):
        queue[w] = queue.get(w, 0.0) + share


def next_go_live(s: State) -> int:
    """The first planned go-live week of a unit not yet live (``NEVER``: none is planned).

    Kept in ``s.memo`` with the plan (:class:`~crmsim.effects.Derived`, new after an
    intervention) and the live flags it was read from; :func:`rollout` forgets it
    when it puts units live.
    """
    d, live = s.d, s.units.unit_live
    week = s.recall("go_live", d, live)
    if week is None:
        waiting = d.go_live[~live]
        week = s.keep("go_live", int(waiting.min()) if waiting.size else NEVER, d, live)
    return week


def rollout(s: State, p: Params) -> None:
    """Put the units due this week live; train their users; queue the training's cost."""
    pr = s.project
    week = pr.week
    if pr.status == CANCELLED or week < next_go_live(s):
        return
    units, people, d = s.units, s.people, s.d
    going = (d.go_live <= week) & ~units.unit_live
    s.forget("go_live")
    live_units = np.flatnonzero(going)
    units.unit_live[live_units] = True
    # Units after the pilot learn from it (S3 "a local pilot first").
    after_pilot = d.pilot_scheduled and week > d.first_live
    if after_pilot:
        units.unit_fit[live_units] = min(FIT_MAX, pr.firm_fit + d.pilot_fit_bonus)
    idx = s.layout.users[going[s.layout.user_unit]]  # the users of the units going live
    people.live[idx] = True
    bonus = d.training_skill + (d.pilot_skill_bonus if after_pilot else 0.0)
    coaching = p["effects.expert_skill"]
    if coaching > 0.0 and consultants_on(s, p):  # consultants coach the first users (S10)
        bonus += coaching * p["levers.expert_help"]
    people.skill[idx] = skill_after(people.skill[idx], bonus)
    queue_training(s, p, idx.size)
    pr.events.append(
        {"week": week, "event": "go_live", "units": int(live_units.size), "users": int(idx.size)}
    )
