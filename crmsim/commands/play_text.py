"""The words of ``crmsim play``: status line, menu, action sheet, round and final reports.

Plain functions of a :class:`crmsim.game.TeamGame` returning text in the
current language (:mod:`crmsim.i18n`), money in the game's currency
(:mod:`crmsim.money`); the command (:mod:`crmsim.commands.play`) prints them.
In English the menu shows the action names teams type; in Chinese their
titles (numbers work in both).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from crmsim.errors import CrmsimError
from crmsim.game import BLOCKED_NOTES, Decision
from crmsim.i18n import N_, _, get_language, localized, ngettext

if TYPE_CHECKING:
    from crmsim.game import Game, TeamGame

PROJECT_STATUS = (N_("active"), N_("budget cut"), N_("cancelled"))


def wrap(text: str, width: int = 96, indent: str = "") -> str:
    """``text`` wrapped to ``width`` columns; Chinese (no spaces, double-width) by characters."""
    if not any("\u2e80" <= ch <= "\u9fff" for ch in text):
        return click.wrap_text(text, width, indent, indent)
    step = max(10, (width - len(indent)) // 2)
    return "\n".join(indent + text[i : i + step] for i in range(0, len(text), step))


def names(tg: TeamGame, decisions: list[Decision] | tuple[Decision, ...]) -> str:
    """Chosen decisions as messages name them (:meth:`TeamGame.label`), comma-separated."""
    out = []
    for d in decisions:
        target = f":{d.target}" if d.target else ""
        out.append(str(d) if get_language() == "en" else tg.label(d.action) + target)
    return _(", ").join(out)


def _pct(x: float) -> str:
    return f"{100.0 * x:.0f} %"


def _weeks(n: int) -> str:
    return ngettext("{n} week", "{n} weeks", n).format(n=n)


def status_line(tg: TeamGame) -> str:
    """Where the team's organisation stands now, in one line."""
    a = tg.snapshot()
    return _(
        "week {week}: using {using}, trying {trying}, rejecting {rejecting} | confidence: "
        "sponsor {sponsor}, managers {managers}, staff {staff} | managers resisting {resisting} | "
        "profit {profit:+.1f} % vs before | project {status}"
    ).format(
        week=int(a["week"]),
        using=_pct(a["adoption"]),
        trying=_pct(a["trying"]),
        rejecting=_pct(a["rejecting"]),
        sponsor=_pct(a["confidence_sponsor"]),
        managers=_pct(a["confidence_manager"]),
        staff=_pct(a["confidence_frontline"]),
        resisting=_pct(a["managers_resisting"]),
        profit=100 * a["profit_rel"],
        status=_(PROJECT_STATUS[int(a["status"])]),
    )


def note(tg: TeamGame, name: str) -> str:
    """``""`` when action ``name`` can be taken and work this round, else a short note."""
    blocked = tg.blocked(name)
    if blocked is None:
        return ""
    return _(BLOCKED_NOTES[blocked.kind]).format(again=tg.available_from(name))


def menu(tg: TeamGame, long: bool = False) -> str:
    """The action menu: number, name, cost, lead time, availability (and what each does)."""
    money = tg.game.money
    english = get_language() == "en"
    lines = []
    for number, (name, a) in enumerate(tg.game.actions.items(), start=1):
        why = note(tg, name)
        why = f"  [{why}]" if why else ""
        label = localized(a.label)
        cost = money.amount(a.cost)
        if english:
            target = ":DEPT" if a.target else ""
            lines.append(
                f"{number:>3}  {name + target:<28}{cost:>10}  lead {a.lead_weeks:>2} wk  "
                f"{label}{why}"
            )
        else:
            lines.append(
                f"{number:>3}  {label}  ·  {cost}  ·  "
                + _("works after {weeks}").format(weeks=_weeks(a.lead_weeks))
                + why
            )
        if long:
            lines.append(wrap(localized(a.description), 96, "       "))
            lines.append(
                "       "
                + _("effects: {effects}").format(effects="; ".join(e.describe() for e in a.effects))
                + f" ({a.claims})"
            )
    return "\n".join(lines)


def rules_of(game: Game, name: str) -> list[str]:
    """An action's rules in plain words: cost, lead time, cooldown, go-live, department."""
    a = game.actions[name]
    rules = [
        _("cost {cost}").format(cost=game.money.amount(a.cost)),
        _("starts to work {weeks} into the round").format(weeks=_weeks(a.lead_weeks)),
    ]
    if a.once:
        rules.append(_("once a game"))
    elif a.cooldown_rounds:
        rules.append(
            ngettext("cooldown {n} round", "cooldown {n} rounds", a.cooldown_rounds).format(
                n=a.cooldown_rounds
            )
        )
    if a.before_go_live:
        rules.append(_("must work before the first go-live"))
    if a.target:
        rules.append(_("aimed at one department"))
    return rules


def action_info(game: Game, name: str) -> str:
    """One action in full."""
    a = game.actions[name]
    rules = rules_of(game, name)
    if a.target:
        rules[-1] += ": " + name + ":sales, :marketing, ..."
    return "\n".join(
        [
            (f"{name}: " if get_language() == "en" else "") + f"{localized(a.label)} ({a.claims})",
            wrap(localized(a.description), 96, "  "),
            "  " + "; ".join(rules),
            "  "
            + _("effects: {effects}").format(effects="; ".join(e.describe() for e in a.effects)),
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
                    _("there is no action number {n}; the menu has 1-{last}").format(
                        n=number, last=len(names)
                    )
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
            what = _("starts to work") if a["what"] == "start" else _("ends")
            target = f" ({a['target']})" if a["target"] else ""
            happened.append((a["week"] + 1, f"{tg.label(a['action'])}{target} {what}"))
    for e in r.events:
        text = event_text(e)
        if text:
            happened.append((e["week"], text))
    lines = [
        _("Round {n} done (weeks {first}-{last}).").format(
            n=r.number, first=r.start_week + 1, last=end
        )
    ]
    lines += [
        "  " + _("week {week}: {text}").format(week=week, text=text)
        for week, text in sorted(happened, key=lambda h: h[0])
    ]
    lines.append("  " + status_line(tg))
    money = tg.game.money
    lines.append(
        "  "
        + _(
            "spent {spent} of {budget}; score if the game ended now: {score:.1f} of {best:g}"
        ).format(
            spent=money.number(tg.spent),
            budget=money.amount(tg.game.budget),
            score=r.score,
            best=tg.game.scoring.maximum,
        )
    )
    return "\n".join(lines)


def final_report(tg: TeamGame, out: Path) -> str:
    """The team's final score and where its files are."""
    from crmsim.game.scoring import MEASURE_WORDS

    st = tg.standing()
    s = tg.result().summary
    parts = ", ".join(f"{_(MEASURE_WORDS[k])} {v:.1f}" for k, v in st["points"].items())
    return "\n".join(
        [
            _("Game over for team {team}: score {score:.1f} of {best:g} ({parts}).").format(
                team=tg.team, score=st["score"], best=tg.game.scoring.maximum, parts=parts
            ),
            "  "
            + _("using CRM at the end {using}; success {success}; spent {spent}.").format(
                using=_pct(s["final_adoption"]),
                success=_("yes") if s["success"] else _("no"),
                spent=tg.game.money.amount(tg.spent),
            ),
            "  "
            + _("files in {out}; debrief all teams with: crmsim debrief {folder}").format(
                out=out, folder=out.parent
            ),
        ]
    )
