"""A team's own page (``/team``): join with the team's code, choose, submit.

Served beside the facilitator's screen (:mod:`crmsim.dashboard.teamplay`) by
the same server, so both read the same :class:`~crmsim.dashboard.hub.Hub`.
A team sees where it stands, the actions it may take this round with their
cost and lead time, a refusal as soon as a choice breaks a rule, and, once
submitted, which teams the room still waits for. The page follows the hub:
when the round has been played it shows the new round.

Each team's page has its own language: ``/team?lang=zh`` (or ``en``) opens it
in that language, and a switch on the page (中文 / English) changes it for
that page only; the facilitator's screen and the other teams keep theirs
(the page is rendered inside :func:`crmsim.i18n.language`).
"""

from __future__ import annotations

import functools
import html
import json
import os
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

import solara

from crmsim.dashboard.hub import Hub, hub_for
from crmsim.dashboard.teamcharts import money_text, option_text
from crmsim.dashboard.teams import ENV_GAME, ENV_OUT, ENV_ROUNDS, ENV_SEED, ENV_SET, Room
from crmsim.debrief import event_text
from crmsim.errors import CrmsimError
from crmsim.game import BLOCKED_NOTES, load_game
from crmsim.i18n import LANGUAGE_NAMES, LANGUAGES, _, get_language, language, localized, normalize
from crmsim.organisation import FUNCTIONS

TEAM_CSS = """
.crm-team-page { font-size: 18px; line-height: 1.35; max-width: 720px; }
.crm-team-page h1 { font-size: 28px; margin: 4px 0; }
.crm-team-page .v-input--checkbox label { font-size: 18px; }
"""


def startup_hub() -> Hub:
    """The hub of the game ``crmsim play --dashboard`` asked for (through the environment).

    Raises:
        CrmsimError: for an unknown game or parameter, or a saved team that
            belongs to another game.
    """
    seed = os.environ.get(ENV_SEED)
    rounds = os.environ.get(ENV_ROUNDS)
    game = load_game(
        os.environ[ENV_GAME],
        overrides=json.loads(os.environ.get(ENV_SET, "{}")),
        seed=int(seed) if seed else None,
        rounds=int(rounds) if rounds else None,
    )
    return hub_for(game, os.environ[ENV_OUT])


def use_hub_version(hub: Hub, every: float = 0.5) -> tuple[int, Callable[[], None]]:
    """The hub's version, followed, and a function to call after changing the hub here.

    The calling component redraws when another page (another team, the
    facilitator) changes the hub (it looks every ``every`` seconds), and at
    once when this page calls the function.
    """
    seen = solara.use_reactive(hub.version)

    def follow(cancel: threading.Event) -> None:
        while not cancel.wait(every):
            if hub.version != seen.value:
                seen.set(hub.version)

    solara.use_thread(follow, dependencies=[hub], intrusive_cancel=False)
    return max(seen.value, hub.version), lambda: seen.set(hub.version)


def locked[F: Callable[..., Any]](component: F) -> F:
    """Render a component holding its hub's lock (its first argument): a round another
    page plays meanwhile is never seen half-way."""

    @functools.wraps(component)
    def body(hub: Hub, *args: Any, **kwargs: Any) -> Any:
        with hub.lock:
            return component(hub, *args, **kwargs)

    return body  # type: ignore[return-value]


def choices(room: Room, team: str) -> dict[str, str]:
    """The team's menu this round, one entry per department for an action aimed at a
    department, each with why it cannot be taken now ("" when it can: not taken once
    already, out of cooldown, not too late to have an effect)."""
    tg = room.teams[team]
    out = {}
    for name, action in room.game.actions.items():
        blocked = tg.blocked(name)
        note = (
            ""
            if blocked is None
            else _(BLOCKED_NOTES[blocked.kind]).format(again=tg.available_from(name))
        )
        if action.target:
            out |= {f"{name}:{f}": note for f in FUNCTIONS if tg.model.units_of(f).size}
        else:
            out[name] = note
    return out


def page_language(search: str | None) -> str:
    """The language a team page is opened in: ``?lang=zh|en``, else the room's language."""
    asked = urllib.parse.parse_qs(search or "").get("lang", [])
    return (normalize(asked[-1]) if asked else None) or get_language()


@solara.component
def TeamPage():
    """One team's page: the join form, then the team's round, in the page's own language."""
    lang = solara.use_reactive(page_language(solara.use_router().search))
    TeamScreen(solara.use_memo(startup_hub, []), lang.value, lang.set)


def _language_switch(lang: str, switch: Callable[[str], None]) -> None:
    """Buttons to the page's other languages, each named in itself (中文, English)."""
    with solara.Row(justify="end", classes=["crm-lang-switch"]):
        for other in LANGUAGES:
            if other != lang:
                solara.Button(LANGUAGE_NAMES[other], on_click=lambda o=other: switch(o),
                              text=True, small=True)  # fmt: skip


@solara.component
@locked
def TeamScreen(hub: Hub, lang: str, switch: Callable[[str], None]):
    """The join form, then the team's round (rendered under the hub's lock, in ``lang``)."""
    with language(lang):
        _team_screen(hub, lang, switch)


def _team_screen(hub: Hub, lang: str, switch: Callable[[str], None]) -> None:
    version, changed = use_hub_version(hub)
    team = solara.use_reactive("")
    code = solara.use_reactive("")
    error = solara.use_reactive("")

    def join() -> None:
        found = hub.team_of(code.value)
        if found is None:
            with language(lang):
                error.set(_("No team has the code {code}; check it on the facilitator's screen.")
                          .format(code=code.value.strip()))  # fmt: skip
            return
        error.set("")
        team.set(found)

    solara.Style(TEAM_CSS)
    with solara.AppBarTitle():
        solara.Text(localized(hub.game.title))
    with solara.Column(classes=["crm-team-page"]):
        _language_switch(lang, switch)
        if not team.value:
            solara.HTML(tag="h1", unsafe_innerHTML=html.escape(localized(hub.game.title)))
            solara.InputText(_("Join code"), value=code, continuous_update=True)
            solara.Button(_("Join"), on_click=join, disabled=not code.value.strip(),
                          color="primary")  # fmt: skip
            if error.value:
                solara.Error(error.value)
            return
        TeamRound(hub, team.value, version, changed, lang).key(
            f"{team.value}-{hub.room.teams[team.value].round}"
        )


@solara.component
@locked
def TeamRound(hub: Hub, team: str, version: int, changed: Callable[[], None], lang: str):
    """The team's next round: its standing, the menu, Submit (a fresh one each round), in
    the page's language ``lang``."""
    with language(lang):
        _team_round(hub, team, changed, lang)


def _team_round(hub: Hub, team: str, changed: Callable[[], None], lang: str) -> None:
    selected = solara.use_reactive([])
    message = solara.use_reactive("")
    tg = hub.room.teams[team]
    game = hub.game
    colour = hub.room.colours()[team]
    heading = _("Team {team}").format(team=team)
    when = (
        _("Game over")
        if tg.finished
        else _("Round {n} of {total}").format(n=tg.round, total=game.rounds)
    )
    solara.HTML(
        tag="h1",
        unsafe_innerHTML=f"<span style='color:{colour}'>{html.escape(heading)}</span> · "
        + html.escape(when),
    )
    snap = tg.snapshot()
    _para(
        _("score {s:.1f} · using CRM {a:.0f} % · sponsor's confidence {c:.0f} % · {m} left").format(
            s=tg.standing()["score"], a=100 * snap["adoption"],
            c=100 * snap["confidence_sponsor"], m=money_text(game, tg.budget_left),
        )
    )  # fmt: skip
    if tg.rounds:
        last = tg.rounds[-1]
        lines = [_("week {w}: {what}").format(w=e["week"], what=t)
                 for e in last.events if (t := event_text(e))]  # fmt: skip
        if lines:
            _para("; ".join(lines), {"font-size": "0.85em", "color": "#444"})
    if tg.finished:
        return
    if team in hub.submitted:
        solara.Success(_("Submitted. Waiting for: {teams}").format(
            teams=", ".join(hub.waiting()) or "-"))  # fmt: skip
        solara.Button(_("Change our decisions"), on_click=lambda: (hub.withdraw(team), changed()))
        return

    def toggle(option: str, on: bool) -> None:
        rest = [o for o in selected.value if o != option]
        selected.set(rest + [option] if on else rest)
        message.set("")

    _para(_("Choose up to {n} actions for this round:").format(n=game.max_actions))
    for option, note in choices(hub.room, team).items():
        with solara.Column(gap="0px"):
            solara.Checkbox(
                label=option_text(game, option) + (f" · {note}" if note else ""),
                value=option in selected.value,
                on_value=lambda on, o=option: toggle(o, on),
                disabled=bool(note),
            )
            _para(localized(game.actions[option.partition(":")[0]].description),
                  {"font-size": "0.75em", "color": "#555", "margin": "-14px 0 4px 32px"})  # fmt: skip
    try:
        with hub.lock:
            tg.check(selected.value)
        refusal = ""
    except CrmsimError as exc:
        refusal = str(exc)
    if refusal or message.value:
        solara.Error(refusal or message.value)

    def submit() -> None:
        with language(lang):
            message.set(hub.submit(team, selected.value))
        changed()

    solara.Button(_("Submit round {n}").format(n=tg.round), on_click=submit,
                  disabled=bool(refusal), color="primary")  # fmt: skip


def _para(text: str, style: dict | None = None) -> None:
    """A paragraph of plain text (escaped)."""
    solara.HTML(tag="p", unsafe_innerHTML=html.escape(text), style=style or {})
