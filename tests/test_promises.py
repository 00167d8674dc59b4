"""The README's promises, read from the README and held against the command line.

The exit-code table of the README's "What crmsim promises" section is parsed,
and each code it states is produced by a representative command: what the
README says is what the CLI does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fuzzlib import assert_promise, hashes, invoke

README = Path(__file__).resolve().parents[1] / "README.md"
TINY = ["--set", "org.employees=24", "--weeks", "2"]


def _promised_codes() -> dict[int, str]:
    """The exit codes of the README's promises section, with their meaning."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## What crmsim promises", 1)[1].split("\n## ", 1)[0]
    return {
        int(code): meaning
        for code, meaning in re.findall(r"^\|\s*(\d+)\s*\|\s*(.+?)\s*\|$", section, re.M)
    }


def test_the_readme_states_the_exit_codes_once() -> None:
    codes = _promised_codes()
    assert set(codes) == {0, 1, 2, 130}
    assert "bad input" in codes[2] and "interrupted" in codes[130]
    text = README.read_text(encoding="utf-8")
    assert text.count("## What crmsim promises") == 1


def test_exit_0_is_done(tmp_path: Path) -> None:
    result = invoke("run", "baseline", *TINY, "--out", tmp_path / "r")
    assert result.exit_code == 0 and "done" in _promised_codes()[0]
    assert (tmp_path / "r" / "summary.json").is_file()


def test_exit_1_is_done_but_a_target_not_met(tmp_path: Path) -> None:
    assert "target" in _promised_codes()[1]
    (tmp_path / "t.toml").write_text(
        '[[target]]\nid = "everyone"\npattern = "all adopt"\nkind = "mean"\n'
        'expr = "final_adoption"\nband = [0.99, 1.0]\nsources = ["S1"]\nfirmness = "judgement"\n'
    )
    (tmp_path / "s.toml").write_text(
        '[scenario]\nname = "s"\ninherits = "baseline"\n[org]\nemployees = 24\n[run]\nweeks = 3\n'
    )
    result = invoke("validate", tmp_path / "s.toml", "--targets", tmp_path / "t.toml", "-n", 2,
                    "-j", 1, "--out", tmp_path / "v")  # fmt: skip
    assert_promise(result, (1,))


@pytest.mark.parametrize(
    "args",
    [("run", "baseline", "--set", "levers.trainin=0.9"),
     ("run", "no_such_scenario"),
     ("compare", "{tmp}/nothing"),
     ("describe", "{tmp}/bad.toml"),
     ("workshop", "--port", "0", "--host", "no.such.host.invalid")],
    ids=["unknown parameter", "unknown scenario", "missing folder", "damaged file", "bad host"],
)  # fmt: skip
def test_exit_2_is_bad_input_in_one_line(tmp_path: Path, args) -> None:
    (tmp_path / "bad.toml").write_bytes(b'[scenario]\nname = "\xff"\n')
    before = hashes(tmp_path)
    line = assert_promise(invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args]), (2,))
    assert line.startswith("crmsim: error: ")
    assert hashes(tmp_path) == before


def test_exit_130_is_an_interruption(tmp_path: Path, monkeypatch) -> None:
    import crmsim.runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(crmsim.runner, "simulate", interrupted)
    result = invoke("run", "baseline", *TINY, "--out", tmp_path / "r")
    assert result.exit_code == 130 and "Traceback" not in result.output
    assert not (tmp_path / "r" / "summary.json").exists()
