"""The team-play pages: ``crmsim play GAME --dashboard`` serves them.

Two pages share one game (a :class:`~crmsim.dashboard.hub.Hub` per server):

- ``/``, the facilitator's screen, in projector mode (large type): it says
  what to do first, adds teams and shows their join codes, shows which teams
  have submitted, plays the round when all have (or when the facilitator
  says so), keeps the team cards in joining order in their teams' colours
  (profit, confidence, resistance on each), a scoreboard that can be hidden
  or frozen, every team's curves, and at the end the class debrief.
- ``/team`` (:mod:`crmsim.dashboard.teampage`): a team's own page on its own
  phone or laptop: it joins with its code and submits its decisions.

Every team is saved in the game folder after every round, as ``crmsim play``
saves it: a restarted server resumes from the files, and ``crmsim debrief``
works on the folder. The game, folder, ``--set`` values and seed come in the
environment (:data:`~crmsim.dashboard.teams.ENV_GAME` and the others).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable

import solara

from crmsim.dashboard.hub import Hub
from crmsim.dashboard.teamcharts import (
    decision_label,
    money_text,
    option_text,
    progress_figure,
    svg_markup,
)
from crmsim.dashboard.teampage import (
    TeamPage,
    choices,
    locked,
    startup_hub,
    use_hub_version,
)
from crmsim.dashboard.teams import ENV_URL, Room
from crmsim.debrief import event_text
from crmsim.game import Game
from crmsim.i18n import _, localized

SMALL = {"font-size": "0.8em", "color": "#444"}
PROJECTOR_CSS = """
.crm-projector { font-size: 20px; line-height: 1.35; }
.crm-projector h1 { font-size: 34px; margin: 4px 0 10px 0; }
.crm-projector .v-card__title { font-size: 24px; }
.crm-projector .v-card__subtitle { font-size: 19px; }
.crm-projector table { font-size: 20px; border-collapse: collapse; }
.crm-projector td, .crm-projector th { padding: 4px 16px 4px 0; }
.crm-projector .v-btn { font-size: 18px; }
.crm-first { font-size: 24px; background: #fff8e1; padding: 14px 20px; border-radius: 6px; }
"""


def options(room: Room, team: str) -> list[str]:
    """What the facilitator may choose for the team: what :func:`choices` allows this
    round, and what is chosen."""
    chosen = [str(d) for d in room.pending[team]]
    out = [option for option, note in choices(room, team).items() if not note]
    return out + [c for c in chosen if c not in out]


def scoreboard_html(hub: Hub) -> str:
    """The scoreboard as an HTML table (escaped), each team's name in its colour."""
    e = html.escape
    colours = hub.room.colours()
    heads = ("", _("team"), _("rounds"), _("score"), _("using CRM"), _("sponsor"), _("spent"))
    head = "".join(f"<th style='text-align:left'>{e(h)}</th>" for h in heads)
    body = ""
    for place, s in enumerate(hub.scoreboard(), start=1):
        name = f"<b style='color:{colours.get(s.team, '#000')}'>{e(s.team)}</b>"
        cells = (place, name, s.round, f"{s.score:.1f}", f"{100 * s.adoption:.0f} %",
                 f"{100 * s.sponsor:.0f} %", e(money_text(hub.game, s.spent)))  # fmt: skip
        body += "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    return f"<table class='crm-scoreboard'><tr>{head}</tr>{body}</table>"


def _para(text: str, style: dict | None = None) -> None:
    """A paragraph of plain text (escaped)."""
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(text), style=style or {})


def next_round(hub: Hub) -> int:
    """The round the teams play next (the first round before any is played)."""
    return min((tg.round for tg in hub.room.teams.values()), default=1)


@solara.component
def Page():
    """The facilitator's screen (projector mode): the whole room of teams."""
    Facilitator(solara.use_memo(startup_hub, []))


@solara.component
@locked
def Facilitator(hub: Hub):
    """The facilitator's screen, rendered under the hub's lock."""
    version, changed = use_hub_version(hub)
    problem = solara.use_reactive("")
    room, game = hub.room, hub.game

    def play() -> None:
        refused = hub.play_round()
        changed()
        problem.set(
            _("Nothing played: ") + "; ".join(f"{t}: {m}" for t, m in refused.items())
            if refused
            else ""
        )

    colours = room.colours()
    chart = solara.use_memo(  # drawn again only when the game changes
        lambda: svg_markup(progress_figure(room, colours)) if room.teams else "", [version]
    )
    solara.Style(PROJECTOR_CSS)
    with solara.AppBarTitle():
        solara.Text(_("Team play") + f" · {localized(game.title)}")
    with solara.Sidebar():
        TeamsCard(hub, version, changed)
        RoomSwitches(hub, version, changed)
        GameCard(game)
    with solara.Column(classes=["crm-projector"]):
        n = next_round(hub)
        heading = (
            _("Game over")
            if room.finished
            else _("Round {n} of {total}").format(n=n, total=game.rounds)
        )
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(f"{localized(game.title)} · {heading}"))
        if not room.teams:
            FirstSteps()
        if problem.value:
            solara.Error(problem.value)
        if room.teams and not room.finished:
            Waiting(hub, version)
        refused = room.refusals()
        with solara.ColumnsResponsive(default=12, medium=6, large=4):
            for team in room.teams:
                TeamCard(hub, team, colours[team], refused.get(team, ""), version, changed)
        if room.teams and not room.finished:
            waiting = hub.waiting()
            label = _("Play round {n} now").format(n=n)
            if waiting:
                label += " " + _("(teams not submitted take no action)")
            solara.Button(label, on_click=play, color="primary", disabled=bool(refused))
        if room.teams:
            Scoreboard(hub, version)
            solara.HTML(unsafe_innerHTML=chart, classes=["crm-chart-box"])
        if room.finished:
            from crmsim.dashboard.classview import ClassDebriefPanel

            ClassDebriefPanel(hub)


@solara.component
def FirstSteps():
    """What to do first, in three steps (shown until the first team joins)."""
    url = os.environ.get(ENV_URL, "") + "/team"
    steps = [
        _("Add the teams in the sidebar: one name each (letters and digits)."),
        _("Each team opens {url} on its own phone or laptop and types its join code.").format(
            url=url
        ),
        _("Teams choose their actions and submit; the round is played when every team has."),
    ]
    items = "".join(f"<li>{html.escape(s)}</li>" for s in steps)
    solara.HTML(
        unsafe_innerHTML=f"<b>{html.escape(_('What to do first'))}</b><ol>{items}</ol>",
        classes=["crm-first"],
    )


@solara.component
@locked
def Waiting(hub: Hub, version: int):
    """Who has submitted and who the room waits for."""
    colours = hub.room.colours()
    parts = []
    for team, tg in hub.room.teams.items():
        if tg.finished:
            continue
        done = team in hub.submitted
        mark = "✔ " + _("submitted") if done else "… " + _("waiting")
        parts.append(
            f"<span style='color:{colours[team]};font-weight:bold'>{html.escape(team)}</span> "
            f"<span class='crm-status-{'in' if done else 'out'}'>{html.escape(mark)}</span>"
        )
    solara.HTML(unsafe_innerHTML=" &nbsp;·&nbsp; ".join(parts), classes=["crm-waiting"])


@solara.component
@locked
def Scoreboard(hub: Hub, version: int):
    """The scoreboard, unless hidden; says when it is frozen."""
    if hub.scoreboard_hidden:
        _para(_("The scoreboard is hidden."), SMALL)
        return
    if hub.frozen is not None:
        _para(_("The scoreboard is frozen; the game goes on."), SMALL)
    solara.HTML(unsafe_innerHTML=scoreboard_html(hub))


@solara.component
def GameCard(game: Game):
    """The game's rules and menu in plain words."""
    with solara.Card(localized(game.title), subtitle=localized(game.description), margin=0):
        _para(
            _("{rounds} rounds of {weeks} weeks · budget {budget} · up to {n} actions a round")
            .format(rounds=game.rounds, weeks=game.weeks_per_round,
                    budget=money_text(game, game.budget), n=game.max_actions)
        )  # fmt: skip
        _para(_("Scoring: ") + localized(game.scoring.description), SMALL)
        with solara.Details(_("The actions")):
            for name, a in game.actions.items():
                solara.HTML(
                    unsafe_innerHTML=f"<b>{html.escape(option_text(game, name))}</b>: "
                    f"{html.escape(localized(a.description))}",
                    style=SMALL,
                )


@solara.component
@locked
def TeamsCard(hub: Hub, version: int, on_change: Callable[[], None]):
    """Add teams (before the first round) and show their join codes."""
    name = solara.use_reactive("")
    error = solara.use_reactive("")
    show_codes = solara.use_reactive(True)

    def add() -> None:
        from crmsim.errors import CrmsimError

        try:
            hub.add_team(name.value)
        except CrmsimError as exc:
            error.set(str(exc))
            return
        error.set("")
        name.set("")
        on_change()

    with solara.Card(_("Teams"), margin=0):
        if not any(tg.rounds for tg in hub.room.teams.values()):
            solara.InputText(_("Team name"), value=name, continuous_update=True)
            solara.Button(_("Add team"), on_click=add, disabled=not name.value.strip())
        if error.value:
            solara.Error(error.value, dense=True)
        solara.Switch(label=_("Show the join codes"), value=show_codes)
        if show_codes.value and hub.codes:
            rows = "".join(
                f"<tr><td style='padding-right:16px'>{html.escape(t)}</td>"
                f"<td class='crm-code'><b>{c}</b></td></tr>"
                for t, c in hub.codes.items()
            )
            solara.HTML(unsafe_innerHTML=f"<table style='font-size:20px'>{rows}</table>")
        _para(_("Saved in {folder}").format(folder=hub.room.folder), SMALL)


@solara.component
@locked
def RoomSwitches(hub: Hub, version: int, on_change: Callable[[], None]):
    """When rounds are played, and the scoreboard hidden or frozen."""
    with solara.Card(_("The room"), margin=0):
        solara.Switch(
            label=_("Play the round as soon as every team has submitted"),
            value=hub.auto_play,
            on_value=lambda on: (hub.set_auto_play(on), on_change()),
        )
        solara.Switch(
            label=_("Hide the scoreboard"),
            value=hub.scoreboard_hidden,
            on_value=lambda on: (hub.show_scoreboard(hidden=on), on_change()),
        )
        solara.Switch(
            label=_("Freeze the scoreboard"),
            value=hub.frozen is not None,
            on_value=lambda on: (hub.show_scoreboard(frozen=on), on_change()),
        )


@solara.component
@locked
def TeamCard(
    hub: Hub, team: str, colour: str, refused: str, version: int, on_change: Callable[[], None]
):
    """One team in its colour: where it stands, whether it has submitted, what happened.

    The facilitator may choose for a team without a device (its picker);
    ``version`` changes whenever the hub does.
    """
    room = hub.room
    tg = room.teams[team]
    score = tg.standing()["score"]
    snap = tg.snapshot()
    figures = [
        _("score {x:.1f}").format(x=score),
        _("profit {x:+.1f} %").format(x=100 * snap["profit_rel"]),
        _("sponsor's confidence {x:.0f} %").format(x=100 * snap["confidence_sponsor"]),
        _("managers resisting {x:.0f} %").format(x=100 * snap["managers_resisting"]),
        _("using CRM {x:.0f} %").format(x=100 * snap["adoption"]),
        _("{x} left").format(x=money_text(hub.game, tg.budget_left)),
    ]
    style = f"border-top: 10px solid {colour}; font-size: 19px"
    with solara.Card(margin=0, style=style, classes=["crm-team-card"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b style='color:{colour};font-size:28px'>{html.escape(team)}</b>",
        )
        solara.HTML(
            unsafe_innerHTML="<br>".join(html.escape(f) for f in figures),
            style={"font-size": "20px", "line-height": "1.3"},
        )
        if tg.finished:
            solara.Success(_("Game over"), dense=True)
        elif team in hub.submitted:
            solara.Success(_("Submitted"), dense=True)
        else:
            game = hub.game
            texts = {option_text(game, o): o for o in options(room, team)}
            chosen = [option_text(game, str(d)) for d in room.pending[team]]
            solara.SelectMultiple(
                _("Round {n}: actions (chosen by the facilitator)").format(n=tg.round),
                values=chosen,
                all_values=list(texts),
                on_value=lambda values: (hub.choose(team, [texts[v] for v in values]), on_change()),
                dense=True,
            )
            if refused:
                solara.Error(refused, dense=True)
        if tg.rounds:
            last = tg.rounds[-1]
            did = ", ".join(decision_label(hub.game, str(d)) for d in last.decisions)
            lines = [_("round {n}: {what}").format(n=last.number, what=did or _("no action"))]
            lines += [
                _("week {w}: {what}").format(w=e["week"], what=text)
                for e in last.events
                if (text := event_text(e))
            ]
            solara.HTML(unsafe_innerHTML="<br>".join(map(html.escape, lines)), style=SMALL)


@solara.component
def Layout(children: list | None = None):
    """Solara's app layout without the tabs it would add for the two pages (a team page
    is opened by its own address, never from the projector)."""
    solara.AppLayout(children=children or [], navigation=False)


routes = [
    solara.Route(path="/", component=Page, label="facilitator", layout=Layout),
    solara.Route(path="team", component=TeamPage, label="team"),
]
"""The server's pages: the facilitator's screen and each team's own page."""
