"""The team server's hub: join codes, submissions, rounds played when every team is in.

Plain Python (no browser): the hub is what the facilitator's screen and the
teams' own pages share. Games use 150 employees.
"""

from __future__ import annotations

import pytest

from crmsim.dashboard.hub import CODE_ALPHABET, CODES_FILE, Hub, hub_for
from crmsim.dashboard.teams import team_colours
from crmsim.errors import CrmsimError
from crmsim.files import read_json
from crmsim.game import load_game, read_state

SMALL = {"org.employees": 150}


@pytest.fixture(scope="module")
def game():
    return load_game("support_system", SMALL)


@pytest.fixture
def hub(game, tmp_path):
    h = Hub(game, tmp_path)
    for team in ("red", "blue", "green"):
        h.add_team(team)
    return h


def test_every_team_gets_its_own_readable_join_code(hub) -> None:
    codes = list(hub.codes.values())
    assert len(set(codes)) == 3
    assert all(len(c) == 4 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL25SZ8B") & set(CODE_ALPHABET)  # nothing misread on a projector
    red = hub.codes["red"]
    assert hub.team_of(red) == "red"
    assert hub.team_of(f" {red[:2].lower()}-{red[2:]} ") == "red"  # typed loosely
    assert hub.team_of("????") is None


def test_the_round_is_played_when_the_last_team_submits(hub) -> None:
    assert hub.submit("red", ["sponsor_speech"]) == ""
    assert hub.submit("blue", []) == ""
    assert hub.waiting() == ["green"]
    assert all(not tg.rounds for tg in hub.room.teams.values())
    before = hub.version
    assert hub.submit("green", ["training_wave"]) == ""
    assert hub.version > before
    assert [len(tg.rounds) for tg in hub.room.teams.values()] == [1, 1, 1]
    assert hub.room.teams["red"].rounds[0].decisions[0].action == "sponsor_speech"
    assert hub.submitted == set() and hub.waiting() == ["red", "blue", "green"]
    assert read_state(hub.room.folder / "green")["rounds_played"] == 1  # saved every round


def test_a_refused_submission_is_not_taken_and_the_earlier_one_stays(hub) -> None:
    assert hub.submit("red", ["sponsor_speech"]) == ""
    refusal = hub.submit("red", ["sponsor_speach"])
    assert "did you mean sponsor_speech" in refusal
    assert [str(d) for d in hub.room.pending["red"]] == ["sponsor_speech"]
    assert "red" in hub.submitted


def test_without_auto_play_the_facilitator_plays_the_round_and_late_teams_take_no_action(
    hub,
) -> None:
    hub.set_auto_play(False)
    for team in ("red", "blue", "green"):
        hub.submit(team, ["sponsor_speech"] if team != "green" else [])
    assert all(not tg.rounds for tg in hub.room.teams.values())  # waits for the facilitator
    hub.withdraw("blue")
    assert hub.waiting() == ["blue"]
    assert hub.play_round() == {}
    red, blue = hub.room.teams["red"], hub.room.teams["blue"]
    assert len(red.rounds[0].decisions) == 1
    assert blue.rounds[0].decisions == []  # withdrawn: no action, the facilitator did not choose


def test_a_facilitator_draft_that_is_refused_blocks_the_round(hub) -> None:
    hub.choose("green", ["no_such_action"])
    refused = hub.play_round()
    assert list(refused) == ["green"]
    assert all(not tg.rounds for tg in hub.room.teams.values())


def test_the_scoreboard_can_be_hidden_or_frozen_while_the_game_goes_on(hub) -> None:
    hub.show_scoreboard(frozen=True)
    frozen = hub.scoreboard()
    assert [s.round for s in frozen] == [0, 0, 0]
    for team in ("red", "blue", "green"):
        hub.submit(team, [])
    assert [s.round for s in hub.scoreboard()] == [0, 0, 0]  # still the frozen one
    assert [s.round for s in hub.room.scoreboard()] == [1, 1, 1]
    hub.show_scoreboard(frozen=False, hidden=True)
    assert hub.scoreboard_hidden and [s.round for s in hub.scoreboard()] == [1, 1, 1]


def test_a_restarted_server_keeps_the_codes_and_the_joining_order(hub, game) -> None:
    hub.add_team("apple")  # sorts first by name, joined last
    for team in hub.room.teams:
        hub.submit(team, [])
    again = Hub(game, hub.room.folder)
    assert again.codes == hub.codes
    assert list(again.room.teams) == ["red", "blue", "green", "apple"]
    assert list(read_json(hub.room.folder / CODES_FILE)) == ["red", "blue", "green", "apple"]
    assert [tg.round for tg in again.room.teams.values()] == [2, 2, 2, 2]
    with pytest.raises(CrmsimError, match="join before the first round"):
        again.add_team("late")


def test_one_hub_per_game_and_folder_in_a_server(game, tmp_path) -> None:
    assert hub_for(game, tmp_path) is hub_for(game, tmp_path / ".")
    assert hub_for(game, tmp_path / "other") is not hub_for(game, tmp_path)


def test_teams_keep_their_colours_and_a_colour_name_is_drawn_in_that_colour() -> None:
    colours = team_colours(["red", "team-blue", "alpha", "hong", "beta"])
    assert colours["red"] == "#d62728" and colours["team-blue"] == "#1f77b4"
    assert colours["alpha"] == "#2ca02c"  # the first free colour when it joined
    assert colours["hong"] not in (colours["red"], colours["team-blue"])  # red is taken
    assert len(set(colours.values())) == 5
    assert team_colours(["red", "team-blue", "alpha"]) == {
        k: colours[k] for k in ("red", "team-blue", "alpha")
    }  # a team's colour does not change as later teams join


def test_teams_are_given_this_computers_address_only_when_serving_the_network() -> None:
    from crmsim.commands.workshop import room_address

    assert room_address("127.0.0.1", 8766) == "http://127.0.0.1:8766"  # the default: local only
    lan = room_address("0.0.0.0", 8766)
    assert lan.startswith("http://") and lan.endswith(":8766") and "0.0.0.0" not in lan
