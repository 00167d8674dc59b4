"""The fuzz corpus's named cases: bad input the generated damages do not reach.

Events with a week that is not a number, decisions given twice under two
spellings, a duplicated parameter in a scenario, ``describe`` and the
dashboards' arguments (a host that does not resolve, a port in use): each
one line, exit code 2, and nothing that existed before changed.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from fuzzlib import assert_promise, assert_unchanged, hashes, invoke

TINY = ["--set", "org.employees=24"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "r"
    assert invoke("run", "baseline", "--weeks", 30, *TINY, "--out", out).exit_code == 0
    return out


def _refused(tmp: Path, *args: object) -> str:
    before = hashes(tmp)
    line = assert_promise(invoke(*[str(a).replace("{tmp}", str(tmp)) for a in args]), (2,))
    assert_unchanged(before, tmp)
    return line


BAD_EVENTS = {
    "text": [{"event": "go_live", "week": "x"}],
    "numeric text": [{"event": "go_live", "week": "12"}],
    "a list": [{"event": "go_live", "week": [3]}],
    "null": [{"event": "go_live", "week": None}],
    "huge": [{"event": "go_live", "week": 1e300}],
    "event a list": [{"event": ["go_live"], "week": 3}],
    "no event": [{"week": 3}],
    "a table": {"go_live": 3},
    "a number": [3],
}


@pytest.mark.parametrize(
    "events",
    [pytest.param(v, id=k) for k, v in BAD_EVENTS.items()]
    + [pytest.param([{"event": "go_live", "week": -5}], id="negative")],
)
def test_events_with_a_bad_week_are_one_line(run_dir: Path, tmp_path: Path, events) -> None:
    copy = tmp_path / "r"
    shutil.copytree(run_dir, copy)
    (copy / "events.json").write_text(json.dumps(events))
    _refused(tmp_path, "report", copy, "--out", tmp_path / "h.html")


@pytest.mark.parametrize(
    "text",
    ['[rounds]\n"01" = ["sponsor_speech"]\n"1" = ["training_wave"]\n',
     '[rounds]\n"1" = ["sponsor_speech"]\n" 1" = ["training_wave"]\n',
     '[rounds]\n"+1" = ["sponsor_speech"]\n"1" = ["training_wave"]\n',
     '[rounds]\n"one" = ["sponsor_speech"]\n',
     '[rounds]\n"0" = ["sponsor_speech"]\n',
     '[rounds]\n"1e3" = ["sponsor_speech"]\n',
     '[rounds]\n1 = "sponsor_speech"\n',
     '[rounds]\n1 = [["sponsor_speech"]]\n',
     '[rounds]\n1 = ["no_such_action"]\n'],
    ids=["01 and 1", "space 1 and 1", "+1 and 1", "a word", "round 0", "1e3", "text for a list",
         "nested list", "unknown action"],
)  # fmt: skip
def test_bad_decisions_are_one_line(tmp_path: Path, text: str) -> None:
    (tmp_path / "d.toml").write_text(text)
    _refused(tmp_path, "play", "support_system", "--team", "t", "--decisions", "{tmp}/d.toml",
             *TINY, "--out", "{tmp}/g")  # fmt: skip


@pytest.mark.parametrize(
    "text",
    ['[scenario]\ninherits = "baseline"\n"levers.training" = 0.5\n[levers]\ntraining = 0.3\n',
     '[scenario]\ninherits = "baseline"\n[levers]\ntraining = nan\n',
     '[scenario]\ninherits = "baseline"\n[levers]\ntraining = inf\n',
     '[scenario]\ninherits = "baseline"\n[levers]\ntraining = [0.5]\n',
     '[scenario]\ninherits = ["baseline"]\n',
     '[scenario]\ninherits = "no_such_scenario"\n',
     "[scenario]\ninherits = \"baseline\"\n[org]\nemployees = 1e400\n",
     "# nothing but a comment\n"],
    ids=["a parameter twice", "nan", "inf", "a list for a number",
         "inherits a list", "inherits nothing", "huge", "only a comment"],
)  # fmt: skip
def test_odd_scenarios_are_one_line_in_describe_and_run(tmp_path: Path, text: str) -> None:
    (tmp_path / "s.toml").write_text(text)
    _refused(tmp_path, "describe", "{tmp}/s.toml")
    _refused(tmp_path, "run", "{tmp}/s.toml", "--weeks", 2, "--out", "{tmp}/out")


@pytest.mark.parametrize(
    "args",
    [("describe", "{tmp}"), ("describe", ""), ("describe", "{tmp}/missing.toml"),
     ("describe", "/dev/null"), ("describe", "baseline", "--group", "nope"),
     ("describe", "baseline", "--format", "yaml"), ("describe", "{tmp}/notes.txt"),
     ("describe", "{tmp}/folder.toml"), ("scenarios", "extra")],
    ids=["a folder", "empty name", "missing file", "a device", "unknown group", "unknown format",
         "not toml", "a folder named .toml", "scenarios with an argument"],
)  # fmt: skip
def test_describe_with_odd_input_is_one_line(tmp_path: Path, args) -> None:
    (tmp_path / "notes.txt").write_text("just some notes\n")
    (tmp_path / "folder.toml").mkdir()
    _refused(tmp_path, *args)


@pytest.fixture
def no_server(monkeypatch):
    """Fail the test instead of serving, should the arguments get past the checks."""
    import crmsim.commands.workshop as workshop

    def serve(*args, **kwargs):
        raise AssertionError("the dashboard would have started")

    monkeypatch.setattr(workshop, "serve", serve)


@pytest.mark.parametrize(
    "command", [("workshop",), ("play", "support_system", "--dashboard", "--out", "{tmp}/g")]
)
@pytest.mark.parametrize(
    "host", ["no.such.host.invalid", "a b", "999.1.1.1", "x" * 300, "203.0.113.7"],
    ids=["unresolvable", "a space", "no such address", "too long", "not this computer's"],
)  # fmt: skip
def test_dashboards_with_a_bad_host_are_one_line(tmp_path, no_server, command, host) -> None:
    line = _refused(tmp_path, *command, "--port", 0, "--host", host)
    assert "--host" in line


@pytest.mark.parametrize(
    "command", [("workshop",), ("play", "support_system", "--dashboard", "--out", "{tmp}/g")]
)
def test_dashboards_on_a_port_in_use_are_one_line(tmp_path, no_server, command) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _refused(tmp_path, *command, "--port", port)
    assert "in use" in line
