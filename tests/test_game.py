"""Team play (``crmsim play``): game files, rules, saving and resuming, refusals.

Games here use a 150-person organisation (``org.employees=150``) so that a
whole 12-round game takes a few hundredths of a second.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmsim.errors import CrmsimError
from crmsim.game import (
    DECISIONS_FILE,
    STATE_FILE,
    Decision,
    GameModel,
    TeamGame,
    bundled_games,
    load_game,
    read_state,
    replay,
    resume,
    save,
)
from crmsim.model import CrmModel

SMALL = {"org.employees": 150}
SET_SMALL = ("--set", "org.employees=150")

# Three teams' scripts: a broad support system, the sponsor alone, and the
# "hard" levers without the people side.
SCRIPTS = {
    "red": """[rounds]
1 = ["pilot_department", "announce_milestone", "sponsor_speech"]
2 = ["training_wave", "top_team_offsite"]
3 = ["manager_workshop", "restructure_department:sales"]
5 = ["sponsor_speech"]
7 = ["make_results_visible", "manager_workshop"]
""",
    "blue": """[rounds]
1 = ["top_team_offsite", "sponsor_speech"]
3 = ["sponsor_speech"]
6 = ["top_team_offsite", "sponsor_speech"]
""",
    "green": """[rounds]
1 = ["process_analysis", "evaluate_vendor", "phase_rollout"]
2 = ["hire_consultants", "project_team"]
4 = ["restructure_department:marketing", "bring_customers_in"]
""",
}


@pytest.fixture(scope="module")
def game():
    return load_game("support_system", SMALL)


@pytest.fixture
def scripts(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for team, text in SCRIPTS.items():
        out[team] = tmp_path / f"{team}.toml"
        out[team].write_text(text, encoding="utf-8")
    return out


def state_of(folder: Path) -> dict:
    return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))


def comparable(state: dict) -> dict:
    """A saved state without the wall-clock time and versions."""
    return {k: v for k, v in state.items() if k not in ("saved_utc", "versions")}


def fingerprint_of(tg: TeamGame) -> tuple:
    """Everything a refused decision must leave untouched."""
    m = tg.model
    return (
        tg.round,
        tg.spent,
        json.dumps(comparable(tg.to_json()), sort_keys=True),
        m.week,
        json.dumps(m.rng.bit_generator.state, sort_keys=True, default=str),
        m.params,
        m.z.tobytes(),
        m.resistance.tobytes(),
        len(m.events),
        len(tg._schedule),
    )


# ---------------------------------------------------------------- the game file


def test_the_bundled_game_covers_the_articles_support_system(game) -> None:
    assert "support_system" in bundled_games()
    needed = {
        "sponsor_speech",
        "training_wave",
        "pilot_department",
        "hire_consultants",
        "announce_milestone",
        "manager_workshop",
        "restructure_department",
        "make_results_visible",
        "bring_customers_in",
        "evaluate_vendor",
    }
    assert needed <= set(game.actions)
    for action in game.actions.values():
        assert action.description and action.label and action.effects
        assert action.claims.startswith("S"), action.name  # every action cites the article
        assert action.cost > 0
    assert (game.rounds, game.weeks_per_round, game.weeks) == (12, 13, 156)
    assert game.scoring.description and game.scoring.maximum == 100
    assert game.scenario.params["org.employees"] == 150
    assert game.scenario.params["run.weeks"] == 156


def game_file(tmp_path: Path, actions: str, scoring: str = "adoption = 1") -> Path:
    path = tmp_path / "g.toml"
    path.write_text(
        f"""[game]
title = "t"
scenario = "baseline"
budget = 100
[scoring]
description = "adoption counts"
{scoring}
{actions}""",
        encoding="utf-8",
    )
    return path


GOOD = """[actions.talk]
label = "Talk"
description = "d"
claims = "S8"
cost = 1
effects = [{ param = "communication.cadence", add = 0.1 }]
"""


@pytest.mark.parametrize(
    ("actions", "scoring", "message"),
    [
        (
            GOOD.replace("cost = 1", "cots = 1"),
            "adoption = 1",
            "unknown key 'cots'; did you mean cost?",
        ),
        (
            GOOD.replace("communication.cadence", "communication.cadance"),
            "adoption = 1",
            "did you mean communication.cadence",
        ),
        (
            GOOD.replace("communication.cadence", "sponsor.commitment"),
            "adoption = 1",
            "sponsor.commitment shapes the starting state",
        ),
        (GOOD, "adoptoin = 1", "unknown measure 'adoptoin'; did you mean adoption?"),
        (
            GOOD.replace('param = "communication.cadence", add = 0.1', "restructure = 0.2"),
            "adoption = 1",
            'restructure needs target = "department"',
        ),
        (GOOD.replace("add = 0.1", "set = 0.1, weeks = 4"), "adoption = 1", "weeks works with add"),
        (
            GOOD.replace(
                'param = "communication.cadence", add = 0.1', 'confidence = 1, people = "managrs"'
            ),
            "adoption = 1",
            "did you mean managers",
        ),
    ],
)
def test_a_bad_game_file_is_refused_with_the_closest_valid_name(
    tmp_path, actions, scoring, message
) -> None:
    with pytest.raises(CrmsimError, match=message.replace("(", r"\(").replace("?", r"\?")):
        load_game(game_file(tmp_path, actions, scoring))


def test_an_unknown_game_suggests_the_closest(cli) -> None:
    result = CliRunnerError(cli, "play", "support_sytem", "--team", "red")
    assert "did you mean support_system?" in result


def CliRunnerError(cli, *args) -> str:
    """Run a command that must fail with exit code 2; return its message."""
    from click.testing import CliRunner

    from crmsim.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


# ---------------------------------------------------------------- playing


def test_a_scripted_game_of_three_teams_plays_to_the_end(cli, tmp_path, scripts) -> None:
    out = tmp_path / "game"
    for team, script in scripts.items():
        result = cli("play", "support_system", "--team", team, "--out", out,
                     "--decisions", script, *SET_SMALL)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert f"Game over for team {team}: score" in result.output
    scores = {}
    for team in scripts:
        folder = out / team
        state = state_of(folder)
        assert state["finished"] and state["rounds_played"] == 12
        assert len(state["rounds"]) == 12
        assert state["final"]["score"] == pytest.approx(sum(state["final"]["points"].values()))
        assert 0 <= state["final"]["score"] <= 100
        # a standard run folder: crmsim report works on it
        for name in ("timeseries.parquet", "summary.json", "events.json", "manifest.json"):
            assert (folder / name).is_file()
        ts = pd.read_parquet(folder / "timeseries.parquet")
        assert ts["week"].iloc[-1] == 156
        scores[team] = state["final"]["score"]
    assert len(set(scores.values())) == 3  # different decisions, different results


def test_the_same_decisions_and_seed_give_the_same_scores(cli, tmp_path, scripts) -> None:
    out = tmp_path / "game"
    for team in ("one", "two"):
        result = cli("play", "support_system", "--team", team, "--out", out,
                     "--decisions", scripts["red"], *SET_SMALL)  # fmt: skip
        assert result.exit_code == 0, result.output
    one, two = state_of(out / "one"), state_of(out / "two")
    assert one["final"] == two["final"]
    assert [r["after"] for r in one["rounds"]] == [r["after"] for r in two["rounds"]]
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "one" / "timeseries.parquet"),
        pd.read_parquet(out / "two" / "timeseries.parquet"),
    )


def test_another_seed_gives_another_result_for_the_same_decisions(game) -> None:
    sequence = [["sponsor_speech", "top_team_offsite"], ["training_wave"]]
    a = replay(game, sequence).standing()["score"]
    assert replay(game, sequence).standing()["score"] == a
    assert replay(game.with_seed(game.seed + 1), sequence).standing()["score"] != a


def test_a_game_interrupted_after_round_5_resumes_to_the_same_end_state(
    cli, tmp_path, scripts
) -> None:
    out = tmp_path / "game"
    whole = cli("play", "support_system", "--team", "whole", "--out", out,
                "--decisions", scripts["red"], *SET_SMALL)  # fmt: skip
    assert whole.exit_code == 0
    first = cli("play", "support_system", "--team", "cut", "--out", out,
                "--decisions", scripts["red"], "--stop-after", 5, *SET_SMALL)  # fmt: skip
    assert first.exit_code == 0 and "saved after round 5" in first.output
    saved = state_of(out / "cut")
    assert saved["rounds_played"] == 5 and not saved["finished"]
    again = cli("play", "support_system", "--team", "cut", "--out", out,
                "--decisions", scripts["red"], "--resume")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "resumed after round 5" in again.output
    a, b = comparable(state_of(out / "whole")), comparable(state_of(out / "cut"))
    a.pop("team"), b.pop("team")
    assert a == b
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "whole" / "timeseries.parquet"),
        pd.read_parquet(out / "cut" / "timeseries.parquet"),
    )


def test_a_crash_in_round_6_loses_only_that_round(game, tmp_path, monkeypatch) -> None:
    sequence = [["pilot_department", "sponsor_speech"], ["training_wave"], [], ["manager_workshop"],
                [], ["sponsor_speech"], ["make_results_visible"]]  # fmt: skip
    whole = replay(game, sequence)
    tg = TeamGame(game, "crash")
    for number in range(1, 6):
        tg.play_round(sequence[number - 1])
        save(tg, tmp_path / "crash")
    real_advance = GameModel.advance

    def crashing_advance(self, draws):
        if self.week >= 70:
            raise KeyboardInterrupt  # the laptop is closed in round 6
        real_advance(self, draws)

    monkeypatch.setattr(GameModel, "advance", crashing_advance)
    with pytest.raises(KeyboardInterrupt):
        tg.play_round(sequence[5])
    monkeypatch.undo()
    state = read_state(tmp_path / "crash")
    assert state["rounds_played"] == 5
    resumed = resume(game, state)
    for number in range(6, 13):
        resumed.play_round(sequence[number - 1] if number <= len(sequence) else ())
    assert resumed.standing() == whole.standing()
    pd.testing.assert_frame_equal(resumed.result().timeseries, whole.result().timeseries)


def test_state_is_saved_atomically_after_every_round(game, tmp_path) -> None:
    tg = TeamGame(game, "red")
    folder = tmp_path / "red"
    for number in range(1, 4):
        tg.play_round(["sponsor_speech"] if number % 2 else [])
        save(tg, folder)
        state = read_state(folder)
        assert state["rounds_played"] == number
        assert [r["decisions"] for r in state["rounds"]][-1] == tg.sequence()[-1]
    assert sorted(p.name for p in folder.iterdir()) == [DECISIONS_FILE, STATE_FILE]
    # the decisions file is a script that replays the game
    from crmsim.game import read_decisions

    script = read_decisions(folder / DECISIONS_FILE, game)
    assert [[str(d) for d in script.get(n, [])] for n in (1, 2, 3)] == tg.sequence()


def test_resuming_with_changed_rules_is_refused(game, tmp_path) -> None:
    tg = TeamGame(game, "red")
    tg.play_round(["sponsor_speech"])
    save(tg, tmp_path / "red")
    state = read_state(tmp_path / "red")
    other = load_game("support_system", {"org.employees": 160})
    with pytest.raises(CrmsimError, match="other rules or settings"):
        resume(other, state)
    with pytest.raises(CrmsimError, match="other rules or settings"):
        resume(game.with_seed(9), state)


def test_resuming_refuses_a_state_that_no_longer_replays(game, tmp_path) -> None:
    tg = TeamGame(game, "red")
    tg.play_round(["sponsor_speech"])
    save(tg, tmp_path / "red")
    state = read_state(tmp_path / "red")
    state["rounds"][0]["after"]["adoption"] += 0.5
    with pytest.raises(CrmsimError, match="does not replay to its saved state"):
        resume(game, state)


def test_playing_again_without_resume_is_refused(cli, tmp_path, scripts) -> None:
    out = tmp_path / "game"
    cli("play", "support_system", "--team", "red", "--out", out, "--decisions", scripts["blue"],
        "--stop-after", 2, *SET_SMALL)  # fmt: skip
    message = CliRunnerError(cli, "play", "support_system", "--team", "red", "--out", out,
                             "--decisions", scripts["blue"], *SET_SMALL)  # fmt: skip
    assert "already has a game" in message and "--resume" in message
    message = CliRunnerError(cli, "play", "support_system", "--team", "blue", "--out", out,
                             "--resume", *SET_SMALL)  # fmt: skip
    assert "no saved game for team blue" in message


# ---------------------------------------------------------------- refusals


def late_game(game) -> TeamGame:
    """A game in round 4: training in cooldown, the pilot taken, go-live passed."""
    tg = TeamGame(game, "red")
    tg.play_round(["pilot_department", "announce_milestone"])
    tg.play_round([])
    tg.play_round(["training_wave", "top_team_offsite"])
    return tg


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        (["sponsor_speach"], "unknown action 'sponsor_speach'; did you mean sponsor_speech?"),
        (
            ["training_wave"],
            "training_wave is in cooldown until round 6 (taken in round 3, cooldown 2 rounds)",
        ),  # fmt: skip
        (
            ["pilot_department"],
            "pilot_department can be taken once a game and was taken in round 1",
        ),
        (["phase_rollout"], "phase_rollout must work before the first go-live (week 17)"),
        (["sponsor_speech", "sponsor_speech"], "sponsor_speech is chosen twice in round 4"),
        (
            ["sponsor_speech", "manager_workshop", "process_analysis", "hire_consultants"],
            "round 4 allows at most 3 actions; 4 chosen",
        ),  # fmt: skip
        (
            ["restructure_department"],
            "restructure_department needs a department, e.g. restructure_department:sales",
        ),  # fmt: skip
        (
            ["restructure_department:sails"],
            "unknown department 'sails' for restructure_department; did you mean sales?",
        ),  # fmt: skip
        (["sponsor_speech:sales"], "sponsor_speech is not aimed at a department"),
    ],
)
def test_bad_decisions_are_refused_with_a_clear_message_and_change_nothing(
    game, decisions, message
) -> None:
    tg = late_game(game)
    before = fingerprint_of(tg)
    with pytest.raises(CrmsimError) as err:
        tg.play_round(decisions)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert fingerprint_of(tg) == before
    tg.play_round(["sponsor_speech"])  # the game goes on
    assert tg.round == 5


def test_over_budget_is_refused_and_changes_nothing(game) -> None:
    tg = TeamGame(game, "rich")
    tg.play_round(["process_analysis", "hire_consultants", "training_wave"])  # 320
    tg.play_round(["project_team", "evaluate_vendor", "top_team_offsite"])  # 190 -> 510
    tg.play_round(["bring_customers_in", "make_results_visible", "manager_workshop"])  # -> 630
    tg.play_round(["hire_consultants", "training_wave"])  # 230 -> 860
    before = fingerprint_of(tg)
    with pytest.raises(CrmsimError) as err:
        tg.play_round(["manager_workshop", "sponsor_speech"])
    assert str(err.value) == (
        "over budget: manager_workshop + sponsor_speech cost 50 k$, 40 k$ left; drop an action"
    )
    assert fingerprint_of(tg) == before
    tg.play_round(["manager_workshop"])
    assert tg.budget_left == 5


def test_the_game_is_over_after_its_last_round(game) -> None:
    tg = replay(game, [])
    with pytest.raises(CrmsimError, match=r"the game is over \(12 rounds played\)"):
        tg.play_round([])


def test_a_refused_scripted_round_exits_2_and_keeps_the_saved_game(cli, tmp_path) -> None:
    script = tmp_path / "bad.toml"
    script.write_text('[rounds]\n1 = ["training_wave"]\n2 = ["training_wave"]\n', encoding="utf-8")
    out = tmp_path / "game"
    message = CliRunnerError(cli, "play", "support_system", "--team", "red", "--out", out,
                             "--decisions", script, *SET_SMALL)  # fmt: skip
    assert message.strip().splitlines()[-1] == (
        "crmsim: error: round 2: training_wave is in cooldown until round 4 "
        "(taken in round 1, cooldown 2 rounds)"
    )
    state = state_of(out / "red")
    assert state["rounds_played"] == 1 and state["spent"] == 110


def test_interactive_play_reprompts_after_a_refusal_and_saves_on_quit(cli, tmp_path) -> None:
    from click.testing import CliRunner

    from crmsim.cli import main

    out = tmp_path / "game"
    keys = "help pilot_department\nspeach\n1, 4\n\ny\nquit\n"
    result = CliRunner().invoke(
        main,
        ["play", "support_system", "--team", "red", "--out", str(out), *SET_SMALL],
        input=keys,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Pilot in one department" in result.output  # help NAME
    assert "refused: unknown action 'speach'; did you mean sponsor_speech?" in result.output
    assert "chosen: sponsor_speech, pilot_department for 45 k$ (855 k$ left)" in result.output
    assert "saved after round 2" in result.output
    state = state_of(out / "red")
    assert [r["decisions"] for r in state["rounds"]] == [
        ["sponsor_speech", "pilot_department"],
        [],
    ]


# ---------------------------------------------------------------- effects


def test_a_speech_lifts_staff_only_as_far_as_the_sponsor_believes(game) -> None:
    """S8: the sponsor's message is weighted by the sponsor's own conviction."""
    shifts = {}
    for commitment in (0.9, 0.1):
        g = load_game("support_system", {**SMALL, "sponsor.commitment": commitment,
                                         "sponsor.commitment_spread": 0.0})  # fmt: skip
        tg = TeamGame(g, "t")
        staff = tg.model.people_of("frontline")
        before = tg.model.z[staff].copy()
        tg.model.shift_confidence("frontline", 0.6, via_sponsor=True)
        shifts[commitment] = float(np.mean(tg.model.z[staff] - before))
    assert shifts[0.9] > 0.2
    assert shifts[0.1] < -0.2  # a doubting sponsor's speech backfires


def test_a_temporary_campaign_is_taken_back_after_its_weeks(game) -> None:
    tg = TeamGame(game, "t")
    cadence = tg.model.params["communication.cadence"]
    tg.play_round(["sponsor_speech"])  # cadence +0.3 in weeks 1-13
    assert tg.model.params["communication.cadence"] == pytest.approx(cadence + 0.3)
    tg.play_round([])
    assert tg.model.params["communication.cadence"] == pytest.approx(cadence)
    ended = [a for a in tg.applied if a["what"] == "end"]
    assert len(ended) == 1 and ended[0]["week"] == 13  # taken back after week 13
    assert ended[0]["changes"]["communication.cadence"] == pytest.approx(cadence)


def test_restructuring_a_department_touches_only_its_units_and_survives_interventions() -> None:
    """With constant restructuring (half-life 0, the 0.2 rule) the department's added depth
    stays; as a fading event it begins anew from the present depth (tests/test_rules_econ.py)."""
    game = load_game("support_system", {**SMALL, "restructuring.half_life_weeks": 0.0})
    tg = TeamGame(game, "t")
    model = tg.model
    sales = model.units_of("sales")
    others = np.setdiff1d(np.arange(model.org.n_units), sales)
    depth = model.restructuring.copy()
    tg.play_round(["restructure_department:sales"])
    deeper = np.minimum(depth[sales] + 0.3, 1.0)
    assert np.allclose(model.restructuring[sales], deeper)
    assert np.allclose(model.restructuring[others], depth[others])
    assert np.allclose(model.fit_adjustment[sales], 0.2) and not model.fit_adjustment[others].any()
    tg.play_round(["process_analysis"])  # a later parameter change keeps the department's depth
    assert np.allclose(model.restructuring[sales], deeper)
    assert model.resistance[sales].mean() > model.resistance[others].mean()


def test_a_pilot_decided_in_round_1_puts_sales_live_first(game) -> None:
    tg = TeamGame(game, "t")
    tg.play_round(["pilot_department"])
    tg.play_round([])
    go = [e for e in tg.model.events if e["event"] == "go_live"]
    sales = tg.model.units_of("sales")
    assert go[0]["week"] == 17 and go[0]["units"] == sales.size


def test_decisions_are_written_name_colon_department() -> None:
    d = Decision.parse(" restructure_department : sales ")
    assert (d.action, d.target, str(d)) == (
        "restructure_department",
        "sales",
        "restructure_department:sales",
    )


def test_a_restructured_departments_fit_bonus_raises_its_benefits() -> None:
    """The bonus acts where fit is read: the week's benefits (the accounts' effective fit)."""
    # the bundled game starts with thin support: without a stronger top team nobody uses CRM
    strong = {"levers.top_management_support": 0.8, "levers.training": 0.6}
    game = load_game("support_system", {**SMALL, **strong})
    plain = TeamGame(game, "plain")
    bonus = TeamGame(game, "bonus")
    for tg in (plain, bonus):
        for _ in range(8):
            tg.play_round([])
    assert plain.snapshot()["adoption"] > 0.1  # people use CRM, so fit matters
    bonus.model.fit_adjustment[bonus.model.units_of("sales")] += 0.2
    fit_before = bonus.model.unit_fit.copy()
    plain.model.step()
    bonus.model.step()
    benefit = {tg.team: tg.result().timeseries["benefit"].iloc[-1] for tg in (plain, bonus)}
    assert benefit["bonus"] > benefit["plain"]
    np.testing.assert_array_equal(bonus.model.unit_fit, fit_before)  # the model's own fit is kept


def test_docs_list_every_action_of_the_bundled_game_with_its_cost(game) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "game.md").read_text(encoding="utf-8")
    for name, action in game.actions.items():
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{name}")), None)
        assert row is not None, name
        assert f"| {action.cost:g} | {action.lead_weeks} |" in row, name


def test_play_needs_a_team_unless_it_serves_the_dashboard(cli) -> None:
    message = CliRunnerError(cli, "play", "support_system")
    assert "--team NAME is required (or --dashboard for all teams)" in message


def test_reserved_and_malformed_team_names_are_refused(cli) -> None:
    for name in ("debrief", "red team", "../up", "", "_x", "红 队", "a/b"):
        message = CliRunnerError(cli, "play", "support_system", "--team", name)
        assert "team name" in message


def test_a_chinese_class_can_name_its_teams_in_chinese(tmp_path) -> None:
    from crmsim.game import check_team_name
    from crmsim.game.saving import team_dir

    assert check_team_name("红队") == "红队"
    assert check_team_name("team-2_b") == "team-2_b"
    # one name typed two ways (composed or not) is one team and one folder
    assert check_team_name("cafe\u0301") == check_team_name("caf\u00e9")
    assert team_dir(tmp_path, "蓝队") == tmp_path / "蓝队"


def test_flags_in_a_game_file_must_be_true_or_false(tmp_path) -> None:
    with pytest.raises(CrmsimError, match=r"actions.talk.once must be true or false, got 'yes'"):
        load_game(game_file(tmp_path, GOOD.replace("cost = 1", 'cost = 1\nonce = "yes"')))


def test_words_in_the_game_file_can_change_without_stopping_a_resume(tmp_path) -> None:
    first = load_game(game_file(tmp_path, GOOD))
    worded = load_game(game_file(tmp_path, GOOD.replace('description = "d"', 'description = "e"')))
    dearer = load_game(game_file(tmp_path, GOOD.replace("cost = 1", "cost = 2")))
    assert worded.fingerprint() == first.fingerprint()
    assert dearer.fingerprint() != first.fingerprint()


def test_a_game_may_change_every_parameter_the_model_may_change_mid_run(tmp_path) -> None:
    # frontline.confidence_weight starts like frontline.confidence (a starting
    # condition) but is a behavioural weight: Param.mid_run decides, not the prefix
    from crmsim.params import PARAMS

    assert PARAMS["frontline.confidence_weight"].mid_run
    assert not PARAMS["frontline.confidence"].mid_run
    actions = GOOD.replace("communication.cadence", "frontline.confidence_weight")
    game = load_game(game_file(tmp_path, actions, "adoption = 1"))
    (effect,) = game.actions["talk"].effects
    assert effect.param == "frontline.confidence_weight"


def test_the_game_acts_through_the_models_public_interface_only() -> None:
    private = [
        name
        for name in vars(GameModel)
        if name.startswith("_") and not name.startswith("__") and hasattr(CrmModel, name)
    ]
    assert private == []  # no private method of the model is overridden


def test_restructuring_two_departments_adds_each_depth_once() -> None:
    model = GameModel({"org.employees": 400}, rng=3)
    sales, service = model.units_of("sales"), model.units_of("marketing")
    depth = model.restructuring.copy()
    model.restructure("sales", 0.2, 0.1)
    model.restructure("marketing", 0.1, 0.0)
    assert np.allclose(model.restructuring[sales], depth[sales] + 0.2)
    assert np.allclose(model.restructuring[service], depth[service] + 0.1)
    model.intervene({"communication.cadence": 0.5})  # kept through a parameter change
    assert np.allclose(model.restructuring[sales], depth[sales] + 0.2)
    assert np.allclose(model.fit_adjustment[sales], 0.1)
