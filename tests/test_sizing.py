"""Plans and organisations are sized before they are built; too big is one line, exit 2.

Small available memory is faked (``available_memory`` monkeypatched), never
allocated; the refusals come before anything is expanded, drawn or written.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crmsim import memory
from crmsim.batch import sizing
from crmsim.cli import main

BILLION = "1000000000"


def refused(tmp_path, *args: str) -> str:
    """Run ``crmsim ARGS --out DIR``; assert exit 2, one line, no traceback, nothing written."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error: "), result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["batch", "baseline", "-n", BILLION], "this batch would be 1,000,000,000 runs"),
        (["batch", "baseline", "-n", "100000", "--sweep", "levers.training=0:1:11"],
         "this batch would be 1,100,000 runs"),
        (["batch", "baseline", "--sweep", "levers.training=0:1:10000000"],
         "10,000,000 steps is more than the 1,000,000 runs one plan may hold; use fewer steps"),
        (["sensitivity", "baseline", "--samples", BILLION], "analysis would be"),
        (["levers", "baseline", "-n", BILLION], "these levers would be"),
        (["levers", "baseline", "--steps", BILLION], "these levers would be 9,000,000,000 runs"),
        (["validate", "-n", BILLION], "these runs would be"),
    ],
)  # fmt: skip
def test_a_plan_past_the_limit_is_refused_at_once_with_the_estimate_and_the_fix(
    tmp_path, args, says
):
    line = refused(tmp_path, *args)
    assert says in line
    if "steps is more" not in line:
        assert "more than the 1,000,000 one plan may hold" in line
        assert "of memory" in line and "; use fewer" in line


def test_debrief_replays_past_the_limit_are_refused_before_the_games_are_read(tmp_path):
    line = refused(tmp_path, "debrief", str(tmp_path / "no-game"), "--replays", BILLION)
    assert "these replays would be 1,000,000,000 runs" in line
    assert "use fewer --replays" in line


def test_a_plan_under_the_limit_but_over_the_free_memory_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 10 * 2**20)
    line = refused(tmp_path, "batch", "baseline", "-n", "5000")
    assert line.startswith("crmsim: error: this batch (5,000 runs in 1 cells) needs about")
    assert "10.0 MB available" in line


def test_an_organisation_too_big_for_memory_is_refused_before_it_is_built(tmp_path, monkeypatch):
    monkeypatch.setattr(memory, "available_memory", lambda: 100 * 2**20)
    line = refused(tmp_path, "run", "baseline", "--set", "org.employees=1000000")
    assert "an organisation of 1,000,000 people (network.degree 10) needs about" in line
    assert "100.0 MB available" in line and "set a smaller org.employees" in line


def test_a_batch_with_an_organisation_too_big_is_refused_before_its_folder_is_made(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(memory, "available_memory", lambda: 100 * 2**20)
    sweep = "org.employees=1000,2000000"
    line = refused(tmp_path, "batch", "baseline", "-n", "2", "--sweep", sweep)
    assert line.startswith("crmsim: error: baseline, cell 1: an organisation of 2,000,000 people")


def test_small_organisations_and_plans_pass(monkeypatch):
    from crmsim.organisation import check_size
    from crmsim.scenario import load

    monkeypatch.setattr(memory, "available_memory", lambda: 100 * 2**20)
    check_size(load("baseline").params)  # 1000 people: not even measured
    sizing.check_plan(1000, 10)


def test_available_memory_respects_an_address_space_limit(monkeypatch):
    free = memory.available_memory()
    assert free is not None and free > 0
    limit = memory._mapped_bytes() + 5 * 2**20
    monkeypatch.setattr(memory.resource, "getrlimit", lambda what: (limit, limit))
    assert memory.available_memory() <= 5 * 2**20


@pytest.mark.parametrize(
    "section",
    [
        'sweep = ["levers.training=0,1", "levers.training=0.5"]',
        '[batch.sweep]\n"levers.training" = [0, 1]\nlevers.training = [0.5]',
        '[batch.set]\n"levers.training" = 0.2\nlevers.training = 0.5',
    ],
)
def test_a_parameter_given_twice_in_a_batch_section_is_refused(tmp_path, write_toml, section):
    header = "[batch]\n" if not section.startswith("[") else ""
    path = write_toml("twice", f'[scenario]\ninherits = "baseline"\n{header}{section}\n')
    line = refused(tmp_path, "batch", str(path))
    assert "twice.toml: batch." in line and "gives levers.training twice; give it once" in line
