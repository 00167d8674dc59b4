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
def page(monkeypatch, tmp_path):
    solara, _ = _stack()
    monkeypatch.setenv(ENV_GAME, "support_system")
    monkeypatch.setenv(ENV_OUT, str(tmp_path))
    monkeypatch.setenv(ENV_SET, json.dumps(SMALL))
    from crmsim.dashboard import teamplay

    box, rc = solara.render(solara.AppLayout(children=[teamplay.Page()]), handle_error=False)
    return rc


def add_team(rc, v, name: str) -> None:
    rc.find(v.TextField, label="Team name").widget.v_model = name
    rc.find(v.Btn, children=["Add team"]).widget.click()


def test_the_page_adds_teams_plays_a_round_and_saves_it(page, v, tmp_path) -> None:
    add_team(page, v, "red")
    add_team(page, v, "blue")
    selects = page.find(v.Select, label="Round 1: actions").widgets
    assert len(selects) == 2
    assert "restructure_department:sales" in selects[0].items
    selects[0].v_model = ["sponsor_speech", "pilot_department"]
    page.find(v.Btn, children=["Play round 1 for every team"]).widget.click()
    assert len(page.find(v.Select, label="Round 2: actions").widgets) == 2
    assert "sponsor_speech" not in page.find(v.Select).widgets[0].items  # in cooldown
    state = read_state(tmp_path / "red")
    assert state["rounds"][0]["decisions"] == ["sponsor_speech", "pilot_department"]
    assert sorted(os.listdir(tmp_path)) == ["blue", "red"]


def test_the_page_shows_a_refusal_on_the_team_card_and_blocks_the_round(page, v) -> None:
    add_team(page, v, "red")
    page.find(v.Select, label="Round 1: actions").widget.v_model = [
        "process_analysis",
        "hire_consultants",
        "project_team",
        "training_wave",
    ]
    alerts = page.find(v.Alert, type="error").widgets
    assert alerts and "allows at most 3 actions; 4 chosen" in str(alerts[0].children)
    assert page.find(v.Btn, children=["Play round 1 for every team"]).widget.disabled
