"""The team-play page: ``crmsim play GAME --dashboard`` serves it.

For a facilitator's screen: every team has its own organisation, all from
the game's seed; the facilitator enters each team's decisions for the round
(the menu is in the sidebar), a refused decision is shown on its team's card
at once, and *Play round* plays the round for every team only when no
decision is refused. A scoreboard and the teams' adoption and sponsor
confidence follow. Each team is saved in the game folder after every round,
as ``crmsim play`` saves it: a reloaded page resumes from the files, and
``crmsim debrief`` works on the folder.

The game, folder, ``--set`` values and seed come in the environment
(:data:`~crmsim.dashboard.teams.ENV_GAME` and the others).
"""

from __future__ import annotations

import html
import json
import os

import solara
from matplotlib.figure import Figure

from crmsim.dashboard.teams import ENV_GAME, ENV_OUT, ENV_SEED, ENV_SET, Room
from crmsim.debrief import event_text
from crmsim.game import MONEY, Game, load_game
from crmsim.organisation import FUNCTIONS

SMALL = {"font-size": "0.85em", "color": "#444"}


def startup_room() -> Room:
    """The room ``crmsim play --dashboard`` asked for (through the environment).

    Raises:
        CrmsimError: for an unknown game or parameter, or a saved team that
            belongs to another game.
    """
    seed = os.environ.get(ENV_SEED)
    game = load_game(
        os.environ[ENV_GAME],
        overrides=json.loads(os.environ.get(ENV_SET, "{}")),
        seed=int(seed) if seed else None,
    )
    return Room(game, os.environ[ENV_OUT])


def options(room: Room, team: str) -> list[str]:
    """What the team may choose this round: actions not in cooldown, one entry per
    department for an action aimed at a department."""
    tg = room.teams[team]
    out = []
    for name, action in room.game.actions.items():
        again = tg.available_from(name)
        if again is None or again > tg.round:
            continue
        if action.target:
            out += [f"{name}:{f}" for f in FUNCTIONS if tg.model.units_of(f).size]
        else:
            out.append(name)
    chosen = [str(d) for d in room.pending[team]]
    return out + [c for c in chosen if c not in out]


def progress_figure(room: Room) -> Figure:
    """Adoption and the sponsor's confidence of every team, week by week."""
    fig = Figure(figsize=(10.0, 3.4), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    for i, (team, ts) in enumerate(room.series().items()):
        colour = f"C{i % 10}"
        ax1.plot(ts["week"], ts["adoption"], color=colour, linewidth=2.0, label=team)
        ax2.plot(ts["week"], ts["confidence_sponsor"], color=colour, linewidth=1.6, label=team)
    for ax, title in ((ax1, "Routine CRM users"), (ax2, "Sponsor's confidence")):
        ax.set_ylim(0.0, 1.0)
        ax.set_xlim(0, room.game.weeks)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("week")
        ax.grid(True, alpha=0.3)
    for r in range(1, room.game.rounds):
        for ax in (ax1, ax2):
            ax.axvline(r * room.game.weeks_per_round, color="#dddddd", linewidth=0.6, zorder=0)
    if room.teams:
        ax1.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def scoreboard_html(room: Room) -> str:
    """The scoreboard as an HTML table (escaped)."""
    e = html.escape
    head = "".join(
        f"<th style='text-align:left;padding-right:14px'>{h}</th>"
        for h in ("", "team", "rounds", "score", "using CRM", "sponsor", "spent", "project")
    )
    body = ""
    for place, s in enumerate(room.scoreboard(), start=1):
        cells = (place, e(s.team), s.round, f"{s.score:.1f}", f"{100 * s.adoption:.0f} %",
                 f"{100 * s.sponsor:.0f} %", f"{s.spent:,.0f} {MONEY}", s.project)  # fmt: skip
        body += "<tr>" + "".join(f"<td style='padding-right:14px'>{c}</td>" for c in cells)
        body += "</tr>"
    return f"<table><tr>{head}</tr>{body}</table>"


def _para(text: str, style: dict | None = None) -> None:
    """A paragraph of plain text (escaped)."""
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(text), style=style or {})


@solara.component
def Page():
    """One facilitator's screen: its own room, read from the game folder."""
    room = solara.use_memo(startup_room, [])
    version = solara.use_reactive(0)  # bumped after every change of the room
    problem = solara.use_reactive("")

    def changed() -> None:
        version.set(version.value + 1)

    def play() -> None:
        refused = room.play_round()
        problem.set(
            "Nothing played: " + "; ".join(f"{t}: {m}" for t, m in refused.items())
            if refused
            else ""
        )
        changed()

    game = room.game
    with solara.AppBarTitle():
        solara.Text(f"crmsim team play · {game.name}")
    with solara.Sidebar():
        GameCard(game)
        TeamsCard(room, changed, version.value)
    next_round = min((tg.round for tg in room.teams.values()), default=1)
    solara.HTML(
        tag="h2",
        unsafe_innerHTML=html.escape(
            f"{game.title} · "
            + ("game over" if room.finished else f"round {next_round} of {game.rounds}")
        ),
    )
    if problem.value:
        solara.Error(problem.value)
    refused = room.refusals()
    with solara.ColumnsResponsive(default=12, medium=6, large=4):
        for team in room.teams:
            TeamCard(room, team, refused.get(team, ""), changed, version.value)
    solara.Button(
        f"Play round {next_round} for every team",
        on_click=play,
        disabled=not room.teams or room.finished or bool(refused),
        color="primary",
    )
    solara.HTML(unsafe_innerHTML=scoreboard_html(room))
    solara.FigureMatplotlib(progress_figure(room), format="png", dependencies=[version.value])


@solara.component
def GameCard(game: Game):
    """The game's rules and menu in plain words."""
    with solara.Card(game.title, subtitle=game.description, margin=0):
        _para(
            f"{game.rounds} rounds of {game.weeks_per_round} weeks · budget "
            f"{game.budget:,.0f} {MONEY} · up to {game.max_actions} actions a round · seed "
            f"{game.seed}"
        )
        _para(f"Scoring: {game.scoring.description} ({game.scoring.rule_text()})", SMALL)
        with solara.Details("The actions"):
            for name, a in game.actions.items():
                rules = f"{a.cost:,.0f} {MONEY}, works after {a.lead_weeks} weeks"
                if a.once:
                    rules += ", once a game"
                elif a.cooldown_rounds:
                    rules += f", cooldown {a.cooldown_rounds}"
                solara.HTML(
                    unsafe_innerHTML=f"<b>{name}</b> ({html.escape(rules)}): "
                    f"{html.escape(a.description)} <i>{html.escape(a.claims)}</i>",
                    style=SMALL,
                )


@solara.component
def TeamsCard(room: Room, on_change, version: int):
    """Add teams (before the first round); ``version`` changes with the room."""
    name = solara.use_reactive("")
    error = solara.use_reactive("")

    def add() -> None:
        from crmsim.errors import CrmsimError

        try:
            room.add_team(name.value)
        except CrmsimError as exc:
            error.set(str(exc))
            return
        error.set("")
        name.set("")
        on_change()

    with solara.Card("Teams", margin=0):
        solara.InputText("Team name", value=name, continuous_update=True)
        solara.Button("Add team", on_click=add, disabled=not name.value.strip())
        if error.value:
            solara.Error(error.value, dense=True)
        _para(f"Saved in {room.folder}", SMALL)


@solara.component
def TeamCard(room: Room, team: str, refused: str, on_change, version: int):
    """One team: where it stands, its decisions for the next round, what happened.

    ``version`` changes whenever the room does (the room itself is the same object).
    """
    tg = room.teams[team]
    standing = tg.standing()
    snap = tg.snapshot()
    subtitle = (
        f"score {standing['score']:.1f} · using {100 * snap['adoption']:.0f} % · sponsor "
        f"{100 * snap['confidence_sponsor']:.0f} % · {tg.budget_left:,.0f} {MONEY} left"
    )
    with solara.Card(f"Team {team}", subtitle=subtitle, margin=0):
        if tg.finished:
            solara.Success("Game over", dense=True)
        else:

            def choose(values: list[str]) -> None:
                room.choose(team, values)
                on_change()

            solara.SelectMultiple(
                f"Round {tg.round}: actions",
                values=[str(d) for d in room.pending[team]],
                all_values=options(room, team),
                on_value=choose,
                dense=True,
            )
            if refused:
                solara.Error(refused, dense=True)
        if tg.rounds:
            last = tg.rounds[-1]
            lines = [f"round {last.number}: {', '.join(map(str, last.decisions)) or 'no action'}"]
            lines += [f"week {e['week']}: {text}" for e in last.events if (text := event_text(e))]
            solara.HTML(unsafe_innerHTML="<br>".join(map(html.escape, lines)), style=SMALL)
