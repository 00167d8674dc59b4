"""Team play on the dashboard: the room of teams, and the page without a browser.

The room is plain Python; the page is rendered with Solara's test renderer
(as ``tests/test_dashboard.py`` does). Games use 150 employees.
"""

from __future__ import annotations

import json
import os

import pytest

from crmsim.dashboard.teams import ENV_GAME, ENV_OUT, ENV_SET, Room
from crmsim.errors import CrmsimError
from crmsim.game import load_game, read_state, replay

SMALL = {"org.employees": 150}


@pytest.fixture(scope="module")
def game():
    return load_game("support_system", SMALL)


def test_every_team_plays_its_own_organisation_from_the_same_seed(game, tmp_path) -> None:
    room = Room(game, tmp_path)
    for team in ("red", "blue"):
        room.add_team(team)
    room.choose("red", ["sponsor_speech", "pilot_department"])
    assert room.play_round() == {}
    red, blue = room.teams["red"], room.teams["blue"]
    assert red.model is not blue.model
    assert red.model.org.n == blue.model.org.n  # same organisation drawn from the seed
    alone = replay(game, [["sponsor_speech", "pilot_department"]])
    assert red.snapshot() == alone.rounds[0].after
    assert read_state(tmp_path / "red")["rounds_played"] == 1  # saved after the round


def test_a_round_is_played_for_no_team_while_one_team_is_refused(game, tmp_path) -> None:
    room = Room(game, tmp_path)
    room.add_team("red")
    room.add_team("blue")
    room.choose("red", ["sponsor_speech"])
    room.choose("blue", ["sponsor_speach"])
    refused = room.play_round()
    assert refused == {"blue": "unknown action 'sponsor_speach'; did you mean sponsor_speech?"}
    assert all(tg.week == 0 and not tg.rounds for tg in room.teams.values())
    room.choose("blue", [])
    assert room.play_round() == {}
    assert [tg.week for tg in room.teams.values()] == [13, 13]


def test_teams_join_before_the_first_round_with_valid_unique_names(game, tmp_path) -> None:
    room = Room(game, tmp_path)
    room.add_team("red")
    with pytest.raises(CrmsimError, match="already a team red"):
        room.add_team("red")
    with pytest.raises(CrmsimError, match="not allowed"):
        room.add_team("red team!")
    room.play_round()
    with pytest.raises(CrmsimError, match="join before the first round"):
        room.add_team("late")


def test_a_reopened_room_resumes_every_team_from_its_files(game, tmp_path) -> None:
    room = Room(game, tmp_path)
    room.add_team("red")
    room.choose("red", ["top_team_offsite"])
    room.play_round()
    again = Room(game, tmp_path)
    assert again.teams["red"].snapshot() == room.teams["red"].snapshot()
    assert again.scoreboard() == room.scoreboard()


# ---------------------------------------------------------------- the page


def _stack():
    """Solara and ipyvuetify; CI installs the workshop extra, so there a missing one fails."""
    if os.environ.get("CI"):
        import ipyvuetify
        import solara
    else:
        solara = pytest.importorskip("solara", reason="the workshop extra is not installed")
        ipyvuetify = pytest.importorskip("ipyvuetify")
    return solara, ipyvuetify


@pytest.fixture
def v():
    return _stack()[1]


@pytest.fixture
def env(monkeypatch, tmp_path):
    _stack()
    monkeypatch.setenv(ENV_GAME, "support_system")
    monkeypatch.setenv(ENV_OUT, str(tmp_path))
    monkeypatch.setenv(ENV_SET, json.dumps(SMALL))
    return tmp_path


@pytest.fixture
def page(env):
    solara, _ = _stack()
    from crmsim.dashboard import teamplay

    box, rc = solara.render(solara.AppLayout(children=[teamplay.Page()]), handle_error=False)
    return rc


def team_page(v, code: str):
    """A team's own page, joined with ``code``."""
    solara, _ = _stack()
    from crmsim.dashboard import teampage

    box, rc = solara.render(teampage.TeamPage(), handle_error=False)
    rc.find(v.TextField, label="Join code").widget.v_model = code
    rc.find(v.Btn, children=["Join"]).widget.click()
    return rc


def wait_until(check, timeout: float = 30.0) -> None:
    """Poll ``check`` (a page follows the hub from another thread, every half second)."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the page did not follow the hub"
        time.sleep(0.1)


def add_team(rc, v, name: str) -> None:
    rc.find(v.TextField, label="Team name").widget.v_model = name
    rc.find(v.Btn, children=["Add team"]).widget.click()


def texts(rc, v) -> str:
    """All the text of the page's HTML pieces."""
    from solara.widgets import HTML

    return " ".join(w.unsafe_innerHTML for w in rc.find(HTML).widgets)


def test_the_first_screen_says_what_to_do_first(page, v) -> None:
    assert "What to do first" in texts(page, v)
    add_team(page, v, "red")
    assert "What to do first" not in texts(page, v)


def test_the_facilitator_chooses_for_a_team_sees_costs_and_plays_the_round(page, v, env) -> None:
    add_team(page, v, "red")
    add_team(page, v, "blue")
    label = "Round 1: actions (chosen by the facilitator)"
    selects = page.find(v.Select, label=label).widgets
    assert len(selects) == 2
    speech = next(i for i in selects[0].items if i.startswith("The sponsor's speech"))
    assert " k$ · works " in speech  # cost and lead time in the picker
    assert any(i.startswith("Restructure a department (sales) · ") for i in selects[0].items)
    selects[0].v_model = [speech]
    page.find(
        v.Btn, children=["Play round 1 now (teams not submitted take no action)"]
    ).widget.click()
    assert len(page.find(v.Select, label=label.replace("1", "2")).widgets) == 2
    assert read_state(env / "red")["rounds"][0]["decisions"] == ["sponsor_speech"]
    assert sorted(os.listdir(env)) == ["blue", "join_codes.json", "red"]


def test_the_page_shows_a_refusal_on_the_team_card_and_blocks_the_round(page, v) -> None:
    add_team(page, v, "red")
    select = page.find(v.Select, label="Round 1: actions (chosen by the facilitator)").widget
    select.v_model = select.items[:4]
    alerts = page.find(v.Alert, type="error").widgets
    assert alerts and "allows at most 3 actions; 4 chosen" in str(alerts[0].children)
    play = page.find(v.Btn, children=["Play round 1 now (teams not submitted take no action)"])
    assert play.widget.disabled


def test_a_team_joins_with_its_code_submits_and_the_facilitator_sees_it(page, v) -> None:
    from crmsim.dashboard.teampage import startup_hub

    add_team(page, v, "red")
    add_team(page, v, "blue")
    hub = startup_hub()
    red = team_page(v, hub.codes["red"])
    assert "Team red" in texts(red, v)
    boxes = red.find(v.Checkbox).widgets
    assert any("works at once" in b.label for b in boxes)
    for box in boxes[:4]:
        box.v_model = True
    assert "allows at most 3 actions" in str(red.find(v.Alert).widget.children)  # at once
    boxes[3].v_model = False
    red.find(v.Btn, children=["Submit round 1"]).widget.click()
    assert hub.submitted == {"red"} and len(hub.room.pending["red"]) == 3
    assert "Waiting for: blue" in str(red.find(v.Alert).widget.children)
    wait_until(lambda: "✔ submitted" in texts(page, v))  # the facilitator's page follows
    blue = team_page(v, hub.codes["blue"])
    blue.find(v.Btn, children=["Submit round 1"]).widget.click()  # no action: the last one in
    assert [tg.round for tg in hub.room.teams.values()] == [2, 2]
    blue.find(v.Btn, children=["Submit round 2"]).assert_single()  # its page moved on


def test_at_the_end_the_facilitator_makes_the_class_debrief(v, tmp_path, monkeypatch) -> None:
    solara, _ = _stack()
    from solara.widgets import HTML

    from crmsim.dashboard.classview import ClassDebriefPanel
    from crmsim.dashboard.hub import Hub

    monkeypatch.setattr("crmsim.executors.default_workers", lambda: 1)
    hub = Hub(load_game("huaxin_short", SMALL, rounds=6), tmp_path)
    for team in ("red", "blue"):
        hub.add_team(team)
    while not hub.room.finished:
        hub.submit("red", [])
        hub.submit(
            "blue", [next(iter(hub.game.actions))] if hub.room.teams["blue"].round == 1 else []
        )
    box, rc = solara.render(ClassDebriefPanel(hub, replays=3), handle_error=False)
    rc.find(v.Btn, children=["Make the class debrief (PDF and slides)"]).widget.click()
    wait_until(lambda: sum("crm-slide" in w.unsafe_innerHTML for w in rc.find(HTML).widgets) == 5)
    assert not rc.find(v.Alert, type="error").widgets
    written = sorted(p.name for p in (tmp_path / "debrief").iterdir())
    assert "class-debrief.pdf" in written and "class-debrief-5.png" in written
