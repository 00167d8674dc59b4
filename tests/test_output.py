"""Run directories (crmsim.output) and the charts (crmsim.plotting)."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from crmsim import output
from crmsim.errors import CrmsimError
from crmsim.files.write import _umask
from crmsim.params import PARAMS
from crmsim.plotting import (
    CONFIDENCE_LINES,
    STATE_LINES,
    mark_events,
    plot_adoption,
    plot_profit,
    plot_run,
)
from crmsim.runner import RunResult, simulate
from crmsim.scenario import load

COMMAND = ["crmsim", "run", "baseline", "--seed", "4"]


@pytest.fixture(scope="module")
def small_run() -> tuple:
    """A 200-employee, 40-week baseline run, seed 4 (the scenario as run, and its result)."""
    scenario = load("baseline").with_updates({"org.employees": 200, "run.weeks": 40})
    return scenario, simulate(scenario, seed=4)


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")
    output.atomic_write(target, lambda fh: fh.write(b"new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_a_failed_write_keeps_the_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")

    def half_then_fail(fh) -> None:
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        output.atomic_write(target, half_then_fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    path = output.write_json(tmp_path / "x.json", {})
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()  # not mkstemp's 0600


def test_json_gets_plain_values_and_null_for_non_finite(tmp_path: Path) -> None:
    data = {
        "a": np.float64(0.5),
        "b": np.int64(3),
        "c": math.nan,
        "d": [math.inf, np.bool_(True)],
        "e": Path("x/y"),
    }
    path = output.write_json(tmp_path / "x.json", data)
    assert json.loads(path.read_text()) == {
        "a": 0.5,
        "b": 3,
        "c": None,
        "d": [None, True],
        "e": "x/y",
    }


# ---------------------------------------------------------------- directories


def test_default_out_dir_is_scenario_seed_and_utc_stamp() -> None:
    when = dt.datetime(2024, 3, 5, 14, 7, 9, tzinfo=dt.UTC)
    assert output.default_out_dir("baseline", 3, now=when) == Path(
        "runs/baseline-seed3-20240305T140709Z"
    )
    local = when.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert output.default_out_dir("b", 1, base="x", now=local) == Path("x/b-seed1-20240305T140709Z")


def test_a_fresh_directory_never_reuses_an_existing_one(tmp_path: Path, small_run) -> None:
    scenario, result = small_run
    first = output.write_run(tmp_path / "r", scenario, result, COMMAND, fresh=True)
    second = output.write_run(tmp_path / "r", scenario, result, COMMAND, fresh=True)
    assert (first.name, second.name) == ("r", "r-2")


def test_write_run_refuses_a_directory_that_cannot_be_made(tmp_path: Path, small_run) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CrmsimError, match="cannot create output directory"):
        output.write_run(tmp_path / "file" / "run", *small_run, COMMAND)


# ---------------------------------------------------------------- write and read back


def test_a_run_directory_reads_back_as_the_same_result(tmp_path: Path, small_run) -> None:
    scenario, result = small_run
    out = output.write_run(tmp_path / "run", scenario, result, COMMAND)
    assert sorted(p.name for p in out.iterdir()) == sorted(output.FILES)
    back = output.read_run(out)
    pd.testing.assert_frame_equal(back.timeseries, result.timeseries, check_exact=True)
    assert back.summary == json.loads(json.dumps(result.summary))
    assert back.events == json.loads(json.dumps(result.events))
    assert back.seed == 4


def test_manifest_holds_provenance(tmp_path: Path, small_run) -> None:
    scenario, result = small_run
    manifest = output.read_manifest(output.write_run(tmp_path / "run", scenario, result, COMMAND))
    assert manifest["format"] == output.MANIFEST_FORMAT
    assert manifest["params"] == scenario.params.to_dict()
    assert list(manifest["params"]) == list(PARAMS)
    assert manifest["changed_from_defaults"] == scenario.params.changed()
    assert manifest["seed"] == 4 and manifest["weeks"] == 40
    assert manifest["command"] == "crmsim run baseline --seed 4"
    assert manifest["versions"]["numpy"] == np.__version__
    assert manifest["versions"]["numba"]  # the compiled kernels shape the numbers too
    assert len(manifest["scenario"]["file_sha256"]) == 64
    assert manifest["files"] == list(output.FILES)


def test_manifest_weeks_follow_the_run_when_simulate_overrode_them(tmp_path: Path) -> None:
    scenario = load("baseline").with_updates({"org.employees": 200})
    result = simulate(scenario, seed=1, weeks=12)
    manifest = output.manifest(scenario, result, "crmsim run baseline --weeks 12")
    assert manifest["weeks"] == 12 and manifest["params"]["run.weeks"] == 12


def test_reading_a_missing_run_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(CrmsimError, match="summary.json not found"):
        output.read_summary(tmp_path)
    with pytest.raises(CrmsimError, match="timeseries.parquet not found"):
        output.read_timeseries(tmp_path)


def test_reading_broken_json_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "events.json").write_text('[\n{"week": 1,\n')
    with pytest.raises(CrmsimError, match="line"):
        output.read_events(tmp_path)


# ---------------------------------------------------------------- the terminal summary


def _result(**changes) -> RunResult:
    summary = {
        "final_adoption": 0.812,
        "final_rejecting": 0.05,
        "weeks_to_50": 40,
        "weeks_to_80": None,
        "profit_dip_depth": 0.123,
        "dip_bottom_week": 20,
        "dip_weeks": 30,
        "payback_week": 90,
        "cancelled": False,
        "cancel_week": None,
        "cut_week": None,
        "success": True,
    }
    summary.update(changes)
    return RunResult(timeseries=pd.DataFrame({"week": range(101)}), summary=summary, seed=2)


def test_summary_text_gives_adoption_milestones_dip_payback_and_verdict() -> None:
    text = output.format_summary(load("baseline"), _result(), Path("runs/x"))
    assert "81.2 %" in text and "50 % reached in week 40" in text and "80 % not reached" in text
    assert "12.3 %" in text and "30 weeks" in text and "payback week 90" in text
    assert "never cut or cancelled" in text and "success: yes" in text and "runs/x" in text
    assert len(text.splitlines()) == 5


def test_summary_text_reports_cancellation_and_no_dip() -> None:
    text = output.format_summary(
        load("baseline"),
        _result(cancelled=True, cancel_week=33, cut_week=20, success=False, profit_dip_depth=0.0),
    )
    assert "cancelled in week 33" in text and "success: no" in text
    assert "never below" in text


# ---------------------------------------------------------------- plotting


def test_plot_adoption_draws_states_and_role_confidence_on_new_axes(small_run) -> None:
    _, result = small_run
    ax = plot_adoption(result.timeseries)
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    labels = {line.get_label() for line in ax.get_lines()}
    assert {label for _, label, _ in STATE_LINES} <= labels
    assert {f"confidence: {label}" for _, label, _ in CONFIDENCE_LINES} <= labels
    assert ax.get_ylim() == (0.0, 1.0)


def test_plot_functions_draw_on_the_axes_given(small_run) -> None:
    _, result = small_run
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plot_adoption(result.timeseries, ax=left) is left
    assert plot_profit(result.timeseries, ax=right) is right


def test_plot_profit_is_in_per_cent_with_a_zero_line(small_run) -> None:
    _, result = small_run
    ax = plot_profit(result.timeseries)
    (curve,) = [line for line in ax.get_lines() if line.get_label() == "profit vs pre-project"]
    np.testing.assert_allclose(curve.get_ydata(), result.timeseries["profit_rel"] * 100)
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.get_lines())


def test_budget_cut_and_cancellation_are_marked() -> None:
    fig = Figure()
    ax = fig.add_subplot()
    events = [
        {"week": 5, "event": "budget_cut"},
        {"week": 9, "event": "cancelled"},
        {"week": 7, "event": "milestone_missed"},
    ]
    mark_events(ax, events)
    assert [t.get_text().strip() for t in ax.texts] == ["budget cut", "cancelled"]
    assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [5, 9]


def test_plot_run_is_a_two_panel_figure(small_run) -> None:
    _, result = small_run
    fig = plot_run(result.timeseries, result.events, title="baseline, seed 4")
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    assert fig.get_suptitle() == "baseline, seed 4"


def test_importing_the_library_sets_no_backend_and_loads_no_pyplot() -> None:
    code = (
        "import sys, crmsim.output, crmsim.plotting, crmsim.cli\n"
        "import matplotlib\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert matplotlib.rcParams._get_backend_or_none() is None, matplotlib.rcParams['backend']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})  # no MPLBACKEND
