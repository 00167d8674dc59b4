"""Every reader of crmsim, fed damaged files: one line naming the file, never a traceback.

Each kind of file crmsim reads (scenario, game, decisions, saved game, a
run's manifest and weekly series) is generated whole and then damaged in
each way the file layer guards against; the reader must raise one
:class:`CrmsimError` line naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmsim import output
from crmsim.cli import main
from crmsim.errors import CrmsimError
from crmsim.game import bundled_games, load_game, read_decisions, read_state
from crmsim.scenario import load

DEEP = 3000

SCENARIO = '[scenario]\nname = "x"\ninherits = "baseline"\n[levers]\ntraining = 0.5\n'
DECISIONS = '[rounds]\n1 = ["sponsor_speech"]\n'

TOML_DAMAGE: dict[str, Callable[[str], bytes]] = {
    "not utf-8": lambda good: good.encode() + b"# \xff\xfe\n",
    "utf-16": lambda good: good.encode("utf-16"),
    "deep": lambda good: good.encode() + ("deep = " + "[" * DEEP + "]" * DEEP).encode(),
    "cut in a string": lambda good: good.encode()[: good.index('"') + 2],
}


def _message(call: Callable[[], object], path: Path) -> str:
    with pytest.raises(CrmsimError) as exc:
        call()
    text = str(exc.value)
    assert "\n" not in text and (str(path) in text or path.name in text), text
    return text


@pytest.fixture(scope="module")
def game():
    return load_game(bundled_games()[0], overrides={"org.employees": 100})


@pytest.mark.parametrize("damage", sorted(TOML_DAMAGE))
def test_a_damaged_scenario_file_is_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(TOML_DAMAGE[damage](SCENARIO))
    _message(lambda: load(str(path)), path)


def test_a_scenario_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SCENARIO.encode())
    assert load(str(path)).params["levers.training"] == 0.5


@pytest.mark.parametrize("damage", sorted(TOML_DAMAGE))
def test_a_damaged_game_file_is_one_line(tmp_path: Path, damage: str) -> None:
    from crmsim.game import resolve_game

    good = resolve_game(bundled_games()[0]).read_text(encoding="utf-8")
    path = tmp_path / "g.toml"
    path.write_bytes(TOML_DAMAGE[damage](good))
    _message(lambda: load_game(path), path)


@pytest.mark.parametrize(
    ("old", "new"),
    [('title.en = "', 'title.en = ["'), ('scenario = "baseline"', 'scenario = {a = 1}'),
     ('param = "', 'param = ["')],
    ids=["title", "scenario", "param"],
)  # fmt: skip
def test_a_list_or_table_where_a_game_file_has_text_is_one_line(tmp_path, old, new) -> None:
    from crmsim.game import resolve_game

    good = resolve_game("support_system").read_text(encoding="utf-8")
    assert old in good
    bad = good.replace(old, new, 1)
    if new.endswith('["'):  # close the list after the string
        start = bad.index(new) + len(new)
        end = bad.index('"', start)
        bad = bad[: end + 1] + "]" + bad[end + 1 :]
    path = tmp_path / "g.toml"
    path.write_text(bad, encoding="utf-8")
    assert "should be text" in _message(lambda: load_game(path), path)


@pytest.mark.parametrize("damage", sorted(TOML_DAMAGE))
def test_a_damaged_decisions_file_is_one_line(tmp_path: Path, game, damage: str) -> None:
    path = tmp_path / "d.toml"
    path.write_bytes(TOML_DAMAGE[damage](DECISIONS))
    _message(lambda: read_decisions(path, game), path)


@pytest.mark.parametrize(
    "content",
    [b"", b"[1, 2]", b'{"rounds": ', b"\xff{}", ("[" * DEEP + "]" * DEEP).encode(),
     b'{"rounds": {"1": ["a"], "01": ["b"]}}'],
    ids=["empty", "list", "cut", "not utf-8", "deep", "round twice"],
)  # fmt: skip
def test_a_damaged_json_decisions_file_is_one_line(tmp_path: Path, game, content) -> None:
    path = tmp_path / "d.json"
    path.write_bytes(content)
    _message(lambda: read_decisions(path, game), path)


def _state() -> dict:
    return {
        "format": 1,
        "team": "red",
        "game": {"name": "g", "path": None, "fingerprint": "ab", "seed": 1, "overrides": {}},
        "rounds_played": 1,
        "finished": False,
        "rounds": [{"decisions": ["sponsor_speech"], "after": {"adoption": 0.1}}],
    }


STATE_DAMAGE: dict[str, Callable[[], object]] = {
    "empty": lambda: b"",
    "list": lambda: [1],
    "team a number": lambda: {**_state(), "team": 3},
    "no game": lambda: {k: v for k, v in _state().items() if k != "game"},
    "game a list": lambda: {**_state(), "game": ["g"]},
    "rounds a table": lambda: {**_state(), "rounds": {"1": {}}},
    "round a list": lambda: {**_state(), "rounds": [[1]]},
    "decisions numbers": lambda: {**_state(), "rounds": [{"decisions": [1], "after": {}}]},
    "after text": lambda: {**_state(), "rounds": [{"decisions": [], "after": {"a": "x"}}]},
    "future": lambda: {**_state(), "format": 7},
    "format text": lambda: {**_state(), "format": "1"},
    "deep": lambda: ("[" * DEEP + "]" * DEEP).encode(),
    "not utf-8": lambda: b"\xff" + json.dumps(_state()).encode(),
}


@pytest.mark.parametrize("damage", sorted(STATE_DAMAGE))
def test_a_damaged_saved_game_is_one_line(tmp_path: Path, damage: str) -> None:
    from crmsim.game.team import STATE_FORMAT

    assert STATE_FORMAT == 1  # _state() is written in this format
    content = STATE_DAMAGE[damage]()
    path = tmp_path / "state.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    text = _message(lambda: read_state(tmp_path), path)
    if damage == "future":
        assert "upgrade" in text


def test_a_whole_saved_game_passes_the_shape_check(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text(json.dumps(_state()))
    assert read_state(tmp_path)["team"] == "red"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    from crmsim.runner import simulate

    scenario = load("baseline").with_updates({"org.employees": 100, "run.weeks": 10})
    out = tmp_path_factory.mktemp("run") / "r"
    return output.write_run(out, scenario, simulate(scenario, 1), "crmsim run baseline")


@pytest.mark.parametrize(
    "content",
    [b"", b"[]", b'{"format": 1}', b'{"format": 2, "params": {}}', b'{"format": "1", "params": {}}',
     b"\xfe\xff"],
    ids=["empty", "list", "no params", "future", "format text", "not utf-8"],
)  # fmt: skip
def test_a_damaged_run_manifest_is_one_line(run_dir: Path, tmp_path: Path, content) -> None:
    import shutil

    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    (copy / output.MANIFEST).write_bytes(content)
    text = _message(lambda: output.read_run(copy), copy / output.MANIFEST)
    if content.startswith(b'{"format": 2'):
        assert "newer crmsim" in text


@pytest.mark.parametrize("cut", [0, 4, 100, -8], ids=["empty", "magic", "half", "no footer"])
def test_a_damaged_weekly_series_is_one_line(run_dir: Path, tmp_path: Path, cut: int) -> None:
    path = tmp_path / output.TIMESERIES
    data = (run_dir / output.TIMESERIES).read_bytes()
    path.write_bytes(data[:cut])
    assert "damaged" in _message(lambda: output.read_timeseries(tmp_path), path)


@pytest.mark.parametrize(
    ("name", "content"),
    [("events.json", b'[{"event": "go_live", "week": "x"}]'),
     ("events.json", b'{"event": "go_live"}'),
     ("events.json", b"[3]"),
     ("summary.json", b'{"final_adoption": [0.5]}'),
     ("summary.json", b'{"weeks_to_50": "never"}')],
    ids=["week text", "not a list", "event a number", "figure a list", "week text in summary"],
)  # fmt: skip
def test_run_files_of_the_wrong_shape_are_one_line(run_dir, tmp_path, name, content) -> None:
    import shutil

    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    if name == "summary.json":  # damage one field of an otherwise whole summary
        data = json.loads((copy / name).read_text())
        data.update(json.loads(content))
        content = json.dumps(data).encode()
    (copy / name).write_bytes(content)
    _message(lambda: output.read_run(copy), copy / name)
    result = CliRunner().invoke(main, ["report", str(copy), "--out", str(tmp_path / "h.html")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
