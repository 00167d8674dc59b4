"""``crmsim debrief``: timelines, replays over other seeds, best and worst sequences.

Three teams play a 150-person game (a few hundredths of a second each);
the debrief replays their decisions over 6 seeds instead of the default 200.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from crmsim.batch import run_seeds
from crmsim.debrief import (
    DEBRIEF_FILE,
    debrief,
    luck_words,
    percentile_of,
    replay_scores,
    scoreboard,
    write,
)
from crmsim.errors import CrmsimError
from crmsim.game import TeamGame, load_game, replay, save

SMALL = {"org.employees": 150}
REPLAYS = 6
SEQUENCES = {
    "red": [
        ["pilot_department", "announce_milestone", "sponsor_speech"],
        ["training_wave", "top_team_offsite"],
        ["manager_workshop", "restructure_department:sales"],
        [],
        ["sponsor_speech"],
    ],
    "blue": [["top_team_offsite", "sponsor_speech"], [], ["sponsor_speech"]],
    "green": [["process_analysis", "evaluate_vendor", "phase_rollout"], ["hire_consultants"]],
}


@pytest.fixture(scope="module")
def game():
    return load_game("support_system", SMALL)


@pytest.fixture(scope="module")
def game_dir(tmp_path_factory, game) -> Path:
    root = tmp_path_factory.mktemp("game")
    for team, sequence in SEQUENCES.items():
        tg = replay(game, sequence, team=team)
        save(tg, root / team)
    return root


@pytest.fixture(scope="module")
def done(game_dir):
    return debrief(game_dir, replays=REPLAYS, workers=1)


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_every_finished_team_is_debriefed_best_actual_score_first(done) -> None:
    assert sorted(t.team for t in done.teams) == sorted(SEQUENCES)
    scores = [t.score for t in done.teams]
    assert scores == sorted(scores, reverse=True)
    assert [t.rank_actual for t in done.teams] == [1, 2, 3]
    assert sorted(t.rank_strategy for t in done.teams) == [1, 2, 3]


def test_replay_seeds_are_spawned_from_the_game_seed_and_shared_by_all_teams(done, game) -> None:
    assert done.root_seed == game.seed
    assert done.seeds == run_seeds(game.seed, REPLAYS)
    for t in done.teams:
        assert t.replays.shape == (REPLAYS,)
        # each replay is the team's decisions played with that seed
        again = replay(game.with_seed(done.seeds[2]), t.record.sequence()).standing()["score"]
        assert t.replays[2] == pytest.approx(again)


def test_the_actual_score_is_the_decisions_played_with_the_game_seed(done, game) -> None:
    for t in done.teams:
        assert t.score == pytest.approx(replay(game, SEQUENCES[t.team]).standing()["score"])
        assert 0.0 <= t.share_beaten <= 1.0
        assert t.share_beaten == percentile_of(t.score, t.replays)


def test_best_and_worst_sequences_are_ranked_by_the_median_of_their_replays(done) -> None:
    medians = {t.team: t.median for t in done.teams}
    assert done.best.team == max(medians, key=medians.get)
    assert done.worst.team == min(medians, key=medians.get)


def test_the_debrief_repeats_exactly(game_dir, done) -> None:
    again = debrief(game_dir, replays=REPLAYS, workers=1)
    for a, b in zip(done.teams, again.teams, strict=True):
        assert a.team == b.team and a.score == b.score
        np.testing.assert_array_equal(a.replays, b.replays)


def test_parallel_replays_give_the_same_scores(game, done) -> None:
    sequences = {"red": SEQUENCES["red"]}
    seeds = done.seeds[:4]
    parallel = replay_scores(game, sequences, seeds, workers=2)
    serial = replay_scores(game, sequences, seeds, workers=1)
    np.testing.assert_array_equal(parallel["red"], serial["red"])


def test_percentile_and_luck_words() -> None:
    sample = np.array([10.0, 20.0, 30.0, 40.0])
    assert percentile_of(35.0, sample) == 0.75
    assert percentile_of(20.0, sample) == 0.375  # a tie counts half
    assert percentile_of(5.0, sample) == 0.0
    assert luck_words(0.95).startswith("lucky")
    assert luck_words(0.05).startswith("unlucky")
    assert luck_words(0.5) == "about what these decisions usually give"


def test_the_timeline_puts_decisions_and_key_events_in_week_order(done) -> None:
    red = next(t for t in done.teams if t.team == "red")
    rows = red.timeline()
    weeks = [key for key, _, _ in rows]
    assert weeks == sorted(weeks)
    texts = [what for _, _, what in rows]
    assert any("[1] Announce milestones, from week 1" in t for t in texts)
    assert any("Restructure a department (sales)" in t for t in texts)
    assert any(t.startswith("go-live: first") for t in texts)
    assert any(t.startswith("milestone reviews:") for t in texts)


def test_cli_writes_one_pdf_page_per_team_and_a_record(cli, game_dir, tmp_path) -> None:
    out = tmp_path / "pages"
    result = cli("debrief", game_dir, "--replays", REPLAYS, "-j", 1, "--out", out)
    assert result.exit_code == 0, result.output
    assert "best decisions:" in result.output and "worst decisions:" in result.output
    for team in SEQUENCES:
        assert pdf_pages(out / f"{team}.pdf") == 1
    record = json.loads((out / DEBRIEF_FILE).read_text(encoding="utf-8"))
    assert record["seeds"] == run_seeds(record["root_seed"], REPLAYS)
    assert set(record["teams"]) == set(SEQUENCES)
    assert record["teams"]["red"]["decisions"][0] == SEQUENCES["red"][0]
    assert len(record["teams"]["blue"]["replay_scores"]) == REPLAYS


def test_html_pages_are_self_contained(done, tmp_path) -> None:
    files = write(done, tmp_path / "html", fmt="html")
    page = files[0].read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "data:image/png;base64," in page
    # nothing fetched from outside (base64 image data may spell "http" by chance)
    body = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", page.split("<body>")[1])
    assert "Best decisions: team" in page and "http" not in body


def test_scoreboard_names_every_team(done) -> None:
    board = scoreboard(done)
    for team in SEQUENCES:
        assert re.search(rf"^{team}\s+\d", board, re.MULTILINE)


def test_an_unfinished_team_is_left_out_with_the_reason(game, game_dir, tmp_path) -> None:
    folder = tmp_path / "mixed"
    for team in ("red", "blue"):
        (folder / team).mkdir(parents=True)
        (folder / team / "state.json").write_bytes((game_dir / team / "state.json").read_bytes())
    late = TeamGame(game, "late")
    late.play_round(["sponsor_speech"])
    save(late, folder / "late")
    d = debrief(folder, replays=2, workers=1)
    assert [t.team for t in d.teams] != [] and "late" not in [t.team for t in d.teams]
    assert "unfinished (1 rounds played)" in d.skipped["late"]
    assert "left out: late" in scoreboard(d)


def test_a_folder_without_finished_games_or_with_mixed_games_is_refused(game, tmp_path) -> None:
    with pytest.raises(CrmsimError, match="holds no team's game"):
        debrief(tmp_path, replays=2)
    late = TeamGame(game, "late")
    late.play_round([])
    save(late, tmp_path / "late")
    with pytest.raises(CrmsimError, match="no team in .* has finished"):
        debrief(tmp_path, replays=2)
    save(replay(game, [], team="a"), tmp_path / "a")
    save(replay(game.with_seed(5), [], team="b"), tmp_path / "b")
    with pytest.raises(CrmsimError, match="played different games or settings"):
        debrief(tmp_path, replays=2)
