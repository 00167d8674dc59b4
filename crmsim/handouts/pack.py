"""The participant pack of a game: case, action cards, decision sheets, role cards.

:func:`build` draws the pack of a :class:`~crmsim.game.Game` in the current
language on A4 pages (:class:`~crmsim.handouts.layout.Pages`):

1. the case: the firm, its named stakeholders and the situation (the game's
   ``[case]``, else its description), the rules of play, the scoring and
   where the money figures come from;
2. one card per action, in plain words: what it does, its cost in the
   game's currency, when it starts to work, how often it can be taken;
3. a decision sheet per round (two to a page): the actions with their cost
   to tick, the budget left, the reasons;
4. role cards: sponsor, CIO, head of sales, head of HR, frontline
   representative (the case's people in those roles, when named).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmsim.game.case import ROLES
from crmsim.handouts.layout import MARGIN, Pages
from crmsim.i18n import N_, _, localized, ngettext

if TYPE_CHECKING:
    from crmsim.game import Game

ROLE_BRIEFS: dict[str, str] = {
    "sponsor": N_(
        "You launched the project and answer for it to the board. You care about results you "
        "can show and about what it costs. In each round, say whether you still back the project "
        "and what you need to keep backing it."
    ),
    "cio": N_(
        "You own the system and the go-live plan. You care about how well the system fits the "
        "way people work, about data quality and about not overloading support. Push for the "
        "preparation that makes the system fit."
    ),
    "sales_head": N_(
        "Your people are the largest group of users and among the first to go live. You care "
        "about selling time and about your team's figures being seen by everyone. Say what will "
        "make your people use the system, and what will make them resist."
    ),
    "hr": N_(
        "You own training, staffing and incentives. You care about people's skills and workload. "
        "Ask what people are measured and paid on, and push for the support that lets them learn."
    ),
    "frontline": N_(
        "You will enter the data every day. You care about your time, your customers and being "
        "heard. In each round, say how the last decisions feel from the front line."
    ),
}
"""What each role cares about and does in the discussion (translate with ``_()``)."""


def _lead(weeks: int) -> str:
    if weeks == 0:
        return _("works at once")
    return ngettext(
        "works {n} week into the round", "works {n} weeks into the round", weeks
    ).format(n=weeks)


def _repeat(action) -> str:
    if action.once:
        return _("once a game")
    if action.cooldown_rounds:
        return ngettext(
            "again after {n} round", "again after {n} rounds", action.cooldown_rounds
        ).format(n=action.cooldown_rounds)
    return _("every round if you wish")


def _case(pages: Pages, game: Game, go_live: int) -> None:
    money = game.money
    pages.text(_("Participant pack"), size=10, color="#666666")
    pages.text(localized(game.title), size=20, bold=True)
    case = game.case
    pages.heading(_("The firm"))
    pages.text(localized(case.firm if case else game.description))
    if case:
        pages.heading(_("The situation"))
        pages.text(localized(case.situation))
    if case and case.people:
        pages.heading(_("The people"))
        for p in case.people:
            pages.text(
                _("{name}, {title} ({role})").format(
                    name=localized(p.name), title=localized(p.title), role=_(ROLES[p.role])
                ),
                bold=True,
            )
            pages.text(f"“{localized(p.view)}”", indent=0.03)
            pages.space(4)
    pages.heading(_("How the game is played"))
    for line in (
        _("{rounds} rounds; each round is {weeks} weeks (a quarter) of the firm's life.").format(
            rounds=game.rounds, weeks=game.weeks_per_round
        ),
        _(
            "Each round your team chooses up to {most} actions from the menu (the action cards), "
            "then the simulation runs the round."
        ).format(most=game.max_actions),  # fmt: skip
        _(
            "The change budget for the whole game is {budget}; each action's cost is taken from it "
            "when chosen."
        ).format(budget=money.amount(game.budget)),  # fmt: skip
        _("The first departments go live in week {week}.").format(week=go_live),
        _("Scoring: {rule}").format(rule=localized(game.scoring.description)),
        game.scoring.rule_text(),
    ):
        pages.text("• " + line, indent=0.0)
    if money.currency != "USD" or money.per_usd != 1.0:
        pages.heading(_("Where the money figures come from"), size=12)
        pages.text(
            _("Figures are in {unit}. 1 US dollar = {rate:g} {code} ({date}); costs at {level:g} "
              "times US cost levels.").format(
                unit=money.unit_name(), rate=money.per_usd, code=money.currency,
                date=money.per_usd_date, level=money.cost_level,
            ),
            size=8.5,
        )  # fmt: skip
        pages.text(localized(money.per_usd_source), size=7.5, color="#666666")
        pages.text(localized(money.cost_level_source), size=7.5, color="#666666")


def _grid(pages: Pages, items: list, per_row: int, rows: int, draw) -> None:
    """Cards in a grid, ``per_row`` x ``rows`` to a page, each drawn by ``draw(x, y, w, h, item)``."""
    gap = 0.015
    w = (1 - 2 * MARGIN - (per_row - 1) * gap) / per_row
    top = 1 - MARGIN - 0.04
    h = (top - MARGIN - 0.01 - (rows - 1) * gap) / rows
    for i, item in enumerate(items):
        slot = i % (per_row * rows)
        if slot == 0 and i:
            pages.new_page()
        col, row = slot % per_row, slot // per_row
        draw(MARGIN + col * (w + gap), top - row * (h + gap), w, h, item)


def _action_cards(pages: Pages, game: Game) -> None:
    pages.new_page()
    pages.text(_("Action cards"), size=15, bold=True)

    def draw(x, y, w, h, name):
        a = game.actions[name]
        rules = [
            _("Cost: {cost}").format(cost=game.money.amount(a.cost)),
            _lead(a.lead_weeks),
            _repeat(a),
        ]
        if a.before_go_live:
            rules.append(_("only before the first go-live"))
        if a.target:
            rules.append(_("aimed at one department of your choice"))
        pages.card(
            x, y, w, h, localized(a.label),
            [(" · ".join(rules), 9, True), (localized(a.description), 9, False)],
        )  # fmt: skip

    _grid(pages, list(game.actions), 2, 4, draw)


def _decision_sheets(pages: Pages, game: Game) -> None:
    pages.new_page()
    pages.text(_("Decision sheets"), size=15, bold=True)
    menu = "\n".join(
        f"□ {localized(a.label)} ({game.money.amount(a.cost)})" for a in game.actions.values()
    )

    def draw(x, y, w, h, number):
        first = (number - 1) * game.weeks_per_round + 1
        pages.card(
            x, y, w, h,
            _("Round {n} of {rounds} · weeks {first}-{last}").format(
                n=number, rounds=game.rounds, first=first, last=first + game.weeks_per_round - 1
            ),
            [
                (_("Team: ________   Budget left at the start: ________   Choose up to {most}:")
                 .format(most=game.max_actions), 9, False),
                (menu, 8.5, False),
                (_("Why these actions? What do you expect to see next round?"), 9, True),
            ],
        )  # fmt: skip

    _grid(pages, list(range(1, game.rounds + 1)), 1, 2, draw)


def _role_cards(pages: Pages, game: Game) -> None:
    pages.new_page()
    pages.text(_("Role cards"), size=15, bold=True)

    def draw(x, y, w, h, role):
        person = game.case.person(role) if game.case else None
        lines = []
        if person:
            lines.append(
                (
                    _("{name}, {title}").format(
                        name=localized(person.name), title=localized(person.title)
                    ),
                    10,
                    True,
                )
            )
            lines.append((f"“{localized(person.view)}”", 9.5, False))
        lines.append((_(ROLE_BRIEFS[role]), 9.5, False))
        pages.card(x, y, w, h, _(ROLES[role]), lines)

    _grid(pages, list(ROLES), 2, 3, draw)


def build(game: Game) -> Pages:
    """The participant pack of ``game`` in the current language."""
    from crmsim.game import TeamGame

    go_live = TeamGame(game, "pack", keep_scores=False).first_go_live()
    pages = Pages(footer=f"crmsim · {localized(game.title)}")
    _case(pages, game, go_live)
    _action_cards(pages, game)
    _decision_sheets(pages, game)
    _role_cards(pages, game)
    return pages
