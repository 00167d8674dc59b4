"""The words of ``crmsim play``: status line, menu, action sheet, round and final reports.

Plain functions of a :class:`crmsim.game.TeamGame` returning text; the
command (:mod:`crmsim.commands.play`) prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from crmsim.errors import CrmsimError
from crmsim.game import MONEY, Decision

if TYPE_CHECKING:
    from crmsim.game import Game, TeamGame


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _weeks(n: int) -> str:
    return _plural(n, "week")


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f} %"


def status_line(tg: TeamGame) -> str:
    """Where the team's organisation stands now, in one line."""
    a = tg.snapshot()
    status = ("active", "budget cut", "cancelled")[int(a["status"])]
    return (
        f"week {int(a['week'])}: using {_pct(a['adoption'])}, trying {_pct(a['trying'])}, "
        f"rejecting {_pct(a['rejecting'])} | confidence: sponsor {_pct(a['confidence_sponsor'])}, "
        f"managers {_pct(a['confidence_manager'])}, staff {_pct(a['confidence_frontline'])} | "
        f"managers resisting {_pct(a['managers_resisting'])} | profit "
        f"{100 * a['profit_rel']:+.1f} % vs before | project {status}"
    )


def menu(tg: TeamGame, long: bool = False) -> str:
    """The action menu: number, name, cost, lead time, availability (and what each does)."""
    lines = []
    for number, (name, a) in enumerate(tg.game.actions.items(), start=1):
        again = tg.available_from(name)
        if again is None:
            note = "  [taken: once a game]"
        elif again > tg.round:
            note = f"  [cooldown until round {again}]"
        elif a.before_go_live and tg.week + a.lead_weeks + 1 > tg.first_go_live():
            note = "  [too late: before go-live only]"
        else:
            note = ""
        target = ":DEPT" if a.target else ""
        lines.append(
            f"{number:>3}  {name + target:<28}{a.cost:>6,.0f} {MONEY}  lead {a.lead_weeks:>2} wk  "
            f"{a.label}{note}"
        )
        if long:
            lines.append(click.wrap_text(a.description, 96, "       ", "       "))
            lines.append(
                "       effects: " + "; ".join(e.describe() for e in a.effects) + f" ({a.claims})"
            )
    return "\n".join(lines)


def action_info(game: Game, name: str) -> str:
    """One action in full."""
    a = game.actions[name]
    rules = [f"cost {a.cost:,.0f} {MONEY}", f"starts to work {_weeks(a.lead_weeks)} into the round"]
    if a.once:
        rules.append("once a game")
    elif a.cooldown_rounds:
        rules.append(f"cooldown {_plural(a.cooldown_rounds, 'round')}")
    if a.before_go_live:
        rules.append("must work before the first go-live")
    if a.target:
        rules.append("aimed at one department: " + name + ":sales, :marketing, ...")
    return "\n".join(
        [
            f"{name}: {a.label} ({a.claims})",
            click.wrap_text(a.description, 96, "  ", "  "),
            "  " + "; ".join(rules),
            "  effects: " + "; ".join(e.describe() for e in a.effects),
        ]
    )


def resolve_numbers(tg: TeamGame, decisions: list[Decision]) -> list[Decision]:
    """Menu numbers to action names (``3`` or ``10:sales``)."""
    names = list(tg.game.actions)
    out = []
    for d in decisions:
        if d.action.isdigit():
            number = int(d.action)
            if not 1 <= number <= len(names):
                raise CrmsimError(
                    f"there is no action number {number}; the menu has 1-{len(names)}"
                )
            d = Decision(names[number - 1], d.target)
        out.append(d)
    return out


def round_report(tg: TeamGame) -> str:
    """What happened in the round just played."""
    from crmsim.debrief import event_text

    r = tg.rounds[-1]
    end = r.start_week + tg.game.weeks_per_round
    happened: list[tuple[int, str]] = []
    for a in tg.applied:
        if r.start_week <= a["week"] < end:  # applied after week w: works from week w + 1
            what = "starts to work" if a["what"] == "start" else "ends"
            target = f":{a['target']}" if a["target"] else ""
            happened.append((a["week"] + 1, f"{a['action']}{target} {what}"))
    for e in r.events:
        text = event_text(e)
        if text:
            happened.append((e["week"], text))
    lines = [f"Round {r.number} done (weeks {r.start_week + 1}-{end})."]
    lines += [f"  week {week}: {text}" for week, text in sorted(happened, key=lambda h: h[0])]
    lines.append("  " + status_line(tg))
    lines.append(
        f"  spent {tg.spent:,.0f} of {tg.game.budget:,.0f} {MONEY}; "
        f"score if the game ended now: {r.score:.1f} of {tg.game.scoring.maximum:g}"
    )
    return "\n".join(lines)


def final_report(tg: TeamGame, out: Path) -> str:
    """The team's final score and where its files are."""
    st = tg.standing()
    s = tg.result().summary
    parts = ", ".join(f"{k} {v:.1f}" for k, v in st["points"].items())
    return "\n".join(
        [
            f"Game over for team {tg.team}: score {st['score']:.1f} of "
            f"{tg.game.scoring.maximum:g} ({parts}).",
            f"  using CRM at the end {_pct(s['final_adoption'])}; success "
            f"{'yes' if s['success'] else 'no'}; spent {tg.spent:,.0f} {MONEY}.",
            f"  files in {out}; debrief all teams with: crmsim debrief {out.parent}",
        ]
    )
