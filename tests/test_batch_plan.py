"""Batch plans: sweep syntax, [batch] sections, seeds, and one-line errors for bad input."""

from __future__ import annotations

import math
import shlex

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from crmsim.batch import (
    SEED_BITS,
    cli_settings,
    format_value,
    make_plan,
    parse_sweep,
    run_seeds,
)
from crmsim.cli import main
from crmsim.errors import CrmsimError
from crmsim.params import PARAMS

TINY = ("org.employees=150", "run.weeks=40")


def _invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line_error(result, *fragments: str) -> str:
    """Exit 2 and exactly one line ``crmsim: error: ...`` on stderr containing the fragments."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("crmsim: error: "), lines[0]
    for frag in fragments:
        assert frag in lines[0], (frag, lines[0])
    return lines[0]


# --------------------------------------------------------------------- sweep syntax
def test_sweep_list_is_coerced_to_the_declared_type_in_order():
    assert parse_sweep("levers.training=1,0,0.5") == ("levers.training", (1.0, 0.0, 0.5))
    assert parse_sweep("org.employees=200,100") == ("org.employees", (200, 100))
    assert parse_sweep("sponsor.retreat_weeks=8") == ("sponsor.retreat_weeks", (8,))


def test_sweep_range_gives_even_steps_with_exact_ends():
    name, values = parse_sweep("levers.training=0:1:11")
    assert name == "levers.training"
    assert values[0] == 0.0 and values[-1] == 1.0 and len(values) == 11
    assert values[3] == 0.3  # tidied: not linspace's 0.30000000000000004


def test_sweep_range_of_whole_number_parameter_gives_ints():
    assert parse_sweep("org.employees=100:300:3") == ("org.employees", (100, 200, 300))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("levers.trainin=0,1", "did you mean levers.training"),
        ("levers.training=0:2:3", "out of range"),
        ("levers.training=0,1.5", "out of range"),
        ("levers.training=0:1", "lo:hi:steps"),
        ("levers.training=0:1:1", "steps must be a whole number >= 2"),
        ("levers.training=a:1:3", "must be numbers"),
        ("levers.training=0.5,0.5", "repeated"),
        ("levers.training=0,,1", "empty value"),
        ("org.employees=100:200:4", "whole numbers"),
        ("levers.training", "expects name=v1,v2"),
        ("levers.training=abc", "must be a number"),
    ],
)
def test_bad_sweep_is_refused_with_a_clear_reason(text, fragment):
    with pytest.raises(CrmsimError, match=fragment):
        parse_sweep(text)


@given(
    lo=st.floats(0.0, 1.0, allow_nan=False),
    hi=st.floats(0.0, 1.0, allow_nan=False),
    steps=st.integers(2, 25),
)
def test_sweep_range_stays_inside_the_declared_range(lo, hi, steps):
    if format_value(lo) == format_value(hi) or f"{lo:.12g}" == f"{hi:.12g}":
        return
    name, values = parse_sweep(f"levers.training={lo!r}:{hi!r}:{steps}")
    assert all(0.0 <= v <= 1.0 for v in values)
    assert len(values) <= steps  # tidying never adds values
    assert math.isclose(values[0], lo, abs_tol=1e-11)
    assert math.isclose(values[-1], hi, abs_tol=1e-11)


@given(st.floats(0.0, 1.0, allow_nan=False))
def test_formatted_value_parses_back_bit_for_bit(x):
    assert PARAMS["levers.training"].coerce(format_value(x)) == x


# --------------------------------------------------------------------- seeds
def test_run_seeds_are_spawned_from_the_root_and_repeat_exactly():
    seeds = run_seeds(42, 500)
    assert seeds == run_seeds(42, 500)
    assert seeds != run_seeds(43, 500)
    assert len(set(seeds)) == 500
    assert all(0 <= s < 2**SEED_BITS for s in seeds)
    # the first seeds do not depend on how many runs the batch has
    assert run_seeds(42, 10) == seeds[:10]
    child = np.random.SeedSequence(42).spawn(3)[2]
    assert seeds[2] == int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))


# --------------------------------------------------------------------- plans
def test_plan_is_scenarios_times_grid_times_replicates():
    cli = cli_settings(
        sweeps=["levers.training=0,0.5,1", "levers.pilot_first=0,1"],
        sets=list(TINY),
        replicates=3,
        seed=5,
    )
    plan = make_plan(["baseline", "big_bang"], cli)
    assert len(plan.cells) == 2 * 3 * 2
    assert len(plan.runs) == 2 * 3 * 2 * 3
    assert [r.run_id for r in plan.runs] == list(range(36))
    assert plan.sweep_names == ["levers.training", "levers.pilot_first"]
    first = plan.runs[0]
    assert (first.scenario, first.replicate, dict(first.swept)) == (
        "baseline",
        0,
        {"levers.training": 0.0, "levers.pilot_first": 0.0},
    )
    cell = plan.cells[plan.runs[-1].cell]
    assert cell.params["levers.training"] == 1.0 and cell.params["org.employees"] == 150
    assert plan.runs[-1].seed == run_seeds(5, 36)[-1]
    assert make_plan(["baseline", "big_bang"], cli).fingerprint() == plan.fingerprint()


def test_rerun_command_rebuilds_the_cell_parameters_and_seed():
    from crmsim.params import parse_assignment
    from crmsim.scenario import load

    plan = make_plan(
        ["big_bang"], cli_settings(sweeps=["diffusion.q=0.05:0.15:3"], sets=list(TINY), seed=9)
    )
    for run in plan.runs:
        argv = shlex.split(run.rerun)
        assert argv[:3] == ["crmsim", "run", "big_bang"]
        assert int(argv[argv.index("--seed") + 1]) == run.seed
        sets = dict(parse_assignment(argv[i + 1]) for i, a in enumerate(argv) if a == "--set")
        assert load("big_bang").with_updates(sets).params == plan.cells[run.cell].params


def test_without_seed_a_fresh_root_is_drawn_and_recorded():
    plan = make_plan(["baseline"], cli_settings(sets=list(TINY), replicates=2))
    assert plan.manifest()["root_seed"] == plan.root_seed > 0


def test_common_seeds_give_replicate_r_the_same_seed_in_every_cell():
    cli = cli_settings(
        sweeps=["levers.training=0,1"], sets=list(TINY), replicates=3, seed=5, common_seeds=True
    )
    plan = make_plan(["baseline", "big_bang"], cli)
    assert plan.common_seeds and len(plan.cells) == 4
    by_cell = {c.index: [r.seed for r in plan.runs if r.cell == c.index] for c in plan.cells}
    assert all(seeds == run_seeds(5, 3) for seeds in by_cell.values())
    assert all(f"--seed {r.seed}" in r.rerun for r in plan.runs)
    assert plan.manifest()["common_seeds"] is True
    # independent seeds (the default) stay as they were: one spawned child per run
    plain = make_plan(["baseline", "big_bang"], cli_settings(
        sweeps=["levers.training=0,1"], sets=list(TINY), replicates=3, seed=5))  # fmt: skip
    assert [r.seed for r in plain.runs] == run_seeds(5, 12) and not plain.common_seeds
    assert plain.fingerprint() != plan.fingerprint()


def test_common_seeds_with_unequal_replicates_share_the_first_ones(write_toml):
    path = write_toml("few", '[scenario]\ninherits = "baseline"\n[batch]\nreplicates = 2\n'
                      "common_seeds = true\n")  # fmt: skip
    plan = make_plan(["baseline", str(path)], cli_settings(sets=list(TINY), seed=9))
    assert plan.common_seeds
    seeds = {e.name: [r.seed for r in plan.runs if r.scenario == e.name] for e in plan.scenarios}
    assert seeds["few"] == seeds["baseline"][:2] and len(seeds["baseline"]) > 2


def test_batch_section_supplies_replicates_sweep_and_set(write_toml):
    path = write_toml(
        "mine",
        """
[scenario]
inherits = "baseline"
[batch]
replicates = 4
seed = 11
sweep = { "levers.training" = [0.0, 1.0] }
[batch.set]
org.employees = 150
run.weeks = 40
""",
    )
    plan = make_plan([str(path)])
    assert plan.root_seed == 11
    assert len(plan.runs) == 2 * 4
    assert plan.cells[0].params["org.employees"] == 150
    # the command line wins name by name: a --set fixes what the file sweeps
    plan2 = make_plan([str(path)], cli_settings(sets=["levers.training=0.5"], replicates=2))
    assert len(plan2.cells) == 1 and plan2.cells[0].params["levers.training"] == 0.5
    assert len(plan2.runs) == 2


def test_batch_section_accepts_sweep_strings(write_toml):
    path = write_toml(
        "strings",
        '[batch]\nsweep = ["levers.training=0:1:3", "levers.pilot_first=0,1"]\n',
    )
    plan = make_plan([str(path)], cli_settings(sets=list(TINY), replicates=1, seed=1))
    assert len(plan.cells) == 6


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        ("replicate = 4", "unknown key batch.replicate; did you mean replicates?"),
        ('replicates = "ten"', "batch.replicates must be a whole number >= 1"),
        ("replicates = 0", "batch.replicates must be a whole number >= 1"),
        ("seed = -1", "batch.seed must be a whole number >= 0"),
        ('sweep = { "levers.trainng" = [0, 1] }', "did you mean levers.training"),
        ('sweep = { "levers.training" = [0, 2] }', "out of range"),
        ('sweep = { "levers.training" = "0:1" }', "lo:hi:steps"),
        ("sweep = 3", "batch.sweep must be a table"),
        ('set = { "org.employees" = "many" }', "must be a whole number"),
        (
            'sweep = { "levers.training" = [0, 1] }\nset = { "levers.training" = 0.5 }',
            "both in batch.sweep and batch.set",
        ),
        ("scheduler = 5", "batch.scheduler must be an address"),
        ('common_seeds = "yes"', "batch.common_seeds must be true or false"),
        ("common_sedes = true", "did you mean common_seeds"),
    ],
)
def test_bad_batch_section_gives_one_line_and_exit_2(write_toml, section, fragment):
    path = write_toml("bad", f'[scenario]\ninherits = "baseline"\n[batch]\n{section}\n')
    _one_line_error(_invoke("batch", path, "--set", TINY[0]), "bad.toml", fragment)


def test_files_disagreeing_on_the_root_seed_need_a_seed_flag(write_toml, tmp_path):
    a = write_toml("a", "[batch]\nseed = 1\n")
    b = write_toml("b", "[batch]\nseed = 2\n")
    _one_line_error(_invoke("batch", a, b), "disagree on batch.seed", "--seed")
    plan = make_plan([str(a), str(b)], cli_settings(seed=3, replicates=1))
    assert plan.root_seed == 3


# --------------------------------------------------------------------- CLI errors
@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--sweep", "levers.trainin=0,1"], ["did you mean levers.training"]),
        (["--sweep", "levers.training=0:2:3"], ["out of range", "[0, 1]"]),
        (["--sweep", "org.employees=100:200:4"], ["whole numbers"]),
        (["--sweep", "levers.training=0,1", "--sweep", "levers.training=0.5"], ["given twice"]),
        (["--set", "levers.training=0.5", "--sweep", "levers.training=0,1"], ["both swept"]),
        (["--set", "levers.training"], ["name=value"]),
        (["--replicates", "0"], ["--replicates"]),
        (["--workers", "0"], ["--workers"]),
        (["--seed", "-3"], ["--seed"]),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], ["exclude each other"]),
        (["--resume"], ["holds no batch"]),
        (["--retry-failed"], ["--retry-failed works with --resume"]),
        (["--bogus"], ["--bogus"]),
    ],
)
def test_bad_batch_flags_give_one_line_and_exit_2(args, fragments, tmp_path):
    _one_line_error(_invoke("batch", "baseline", *args, "--out", tmp_path / "o"), *fragments)


def test_unknown_scenario_is_suggested(tmp_path):
    _one_line_error(_invoke("batch", "baselin", "--out", tmp_path / "o"), "did you mean baseline")


def test_resume_needs_the_run_directory():
    _one_line_error(_invoke("batch", "--resume"), "--resume needs --out DIR")


def test_batch_without_scenarios_asks_for_one():
    _one_line_error(_invoke("batch"), "give at least one scenario")


def test_same_scenario_twice_is_refused(tmp_path):
    _one_line_error(_invoke("batch", "baseline", "baseline"), "given twice")
