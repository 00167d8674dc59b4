"""``crmsim batch`` end to end, and the commands that read its results.

Batches here are tiny (150 employees, 40 weeks, a few replicates) so the
whole file runs in seconds; results are compared exactly, never within a
tolerance, because a run's numbers depend only on its parameters and seed.
"""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from crmsim.analysis import band_table, compare_table, paired_difference, wilson_interval
from crmsim.batch_plots import plot_band_panels, plot_bands
from crmsim.cli import main
from crmsim.progress import Progress
from crmsim.storage import RunStore

TINY = ["--set", "org.employees=150", "--set", "run.weeks=40"]
GRID = ["baseline", "big_bang", "--sweep", "levers.training=0,1", "-n", "3", "--seed", "2024"]


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def stored(run_dir) -> tuple[pd.DataFrame, pd.DataFrame]:
    store = RunStore.open(run_dir)
    return store.summary().drop(columns=["traceback"]), store.weekly()


@pytest.fixture(scope="module")
def serial_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "b"
    result = invoke("batch", *GRID, *TINY, "--workers", "1", "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def test_serial_and_two_workers_store_identical_results(serial_batch, tmp_path):
    out = tmp_path / "b"
    result = invoke("batch", *GRID, *TINY, "--workers", "2", "--out", out)
    assert result.exit_code == 0, result.stderr
    s1, w1 = stored(serial_batch)
    s2, w2 = stored(out)
    pd.testing.assert_frame_equal(s1, s2)
    pd.testing.assert_frame_equal(w1, w2)
    assert len(s1) == 2 * 2 * 3 and s1["run_id"].is_unique
    assert (s1["status"] == "ok").all()


def test_manifest_records_command_scenarios_grid_seed_and_versions(serial_batch):
    manifest = json.loads((serial_batch / "manifest.json").read_text())
    assert manifest["root_seed"] == 2024
    command = manifest["command"]
    assert command[:4] == ["crmsim", "batch", "baseline", "big_bang"]
    assert command[command.index("--seed") + 1] == "2024"
    assert "levers.training=0.0,1.0" in command and "org.employees=150" in command
    assert manifest["grid"] == {"baseline": {"levers.training": [0.0, 1.0]},
                                "big_bang": {"levers.training": [0.0, 1.0]}}  # fmt: skip
    assert manifest["status"] == "complete" and manifest["runs_ok"] == 12
    params = manifest["scenarios"][1]["params"]
    assert params["org.employees"] == 150 and params["levers.pilot_first"] == 0.0
    assert len(params) > 50  # every parameter, not only the changed ones
    assert manifest["versions"]["numpy"] and manifest["versions"]["crmsim"]
    assert manifest["sessions"][0]["workers"] == 1


def test_any_run_is_reproduced_alone_by_its_rerun_command(serial_batch, tmp_path):
    import shlex

    from crmsim.output import read_summary

    summary, _ = stored(serial_batch)
    row = summary.iloc[7]
    argv = shlex.split(row["rerun"])
    assert argv[:2] == ["crmsim", "run"]
    result = invoke(*argv[1:], "--out", tmp_path / "one")
    assert result.exit_code == 0, result.stderr
    alone = read_summary(tmp_path / "one")
    for key in ("final_adoption", "cum_profit_delta", "profit_dip_depth", "min_sponsor_confidence"):
        assert alone[key] == row[key], key


def test_non_terminal_progress_is_plain_lines(serial_batch, tmp_path):
    result = invoke("batch", "baseline", "-n", "2", "--seed", "1", *TINY, "--workers", "1",
                    "--out", tmp_path / "b")  # fmt: skip
    assert "\r" not in result.stderr
    assert "2/2 runs (100%)" in result.stderr and "runs/s" in result.stderr
    assert "ETA" in result.stderr


def test_terminal_progress_is_a_bar_with_count_rate_and_eta():
    buf = io.StringIO()
    bar = Progress(buf, tty=True)
    bar.start(4)
    for ok in (True, False, True, True):
        bar.update(ok)
    bar.close()
    text = buf.getvalue()
    assert "\r[" in text and "4/4 runs (100%)" in text and "runs/s" in text
    assert "ETA" in text and "1 failed" in text and text.endswith("\n")


def test_failing_run_is_recorded_and_the_batch_carries_on(monkeypatch, tmp_path):
    from crmsim import runner

    real = runner.simulate
    victims = set()

    def flaky(scenario, seed, *args, **kwargs):
        if not victims:
            victims.add(seed)  # the first run computed fails
        if seed in victims:
            raise RuntimeError("simulated breakdown")
        return real(scenario, seed, *args, **kwargs)

    monkeypatch.setattr(runner, "simulate", flaky)
    out = tmp_path / "b"
    result = invoke("batch", "baseline", "-n", "4", "--seed", "5", *TINY, "--workers", "1",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 1
    assert "1 of 4 runs failed" in result.stderr
    summary = RunStore.open(out).summary()
    bad = summary[summary.status == "failed"]
    assert len(bad) == 1 and bad["error"].item() == "RuntimeError: simulated breakdown"
    assert "Traceback" in bad["traceback"].item()
    assert (summary.status == "ok").sum() == 3
    table = compare_table(summary, ["scenario"])
    assert table.loc[0, "failed"] == 1 and table.loc[0, "runs"] == 3

    # a plain resume leaves the failure alone; --retry-failed runs it again
    again = invoke("batch", "--resume", "--out", out)
    assert again.exit_code == 1
    monkeypatch.setattr(runner, "simulate", real)
    again = invoke("batch", "--resume", "--retry-failed", "--out", out)
    assert again.exit_code == 0, again.stderr
    summary = RunStore.open(out).summary()
    assert summary["run_id"].tolist() == [0, 1, 2, 3] and (summary.status == "ok").all()
    assert RunStore.open(out).weekly().groupby("run_id").size().eq(41).all()


def test_existing_run_directory_needs_resume(serial_batch):
    result = invoke("batch", *GRID, *TINY, "--out", serial_batch)
    assert result.exit_code == 2 and "add --resume" in result.stderr


def test_resume_with_a_different_plan_is_refused(serial_batch):
    result = invoke("batch", "baseline", "-n", "3", *TINY, "--resume", "--out", serial_batch)
    assert result.exit_code == 2 and "different batch" in result.stderr


def test_resume_with_the_original_command_line_finishes_nothing_new(serial_batch):
    result = invoke("batch", *GRID, *TINY, "--workers", "1", "--resume", "--out", serial_batch)
    assert result.exit_code == 0, result.stderr
    assert "12 of 12 runs already stored" in result.stderr
    manifest = json.loads((serial_batch / "manifest.json").read_text())
    assert manifest["sessions"][-1]["computed"] == 0 and manifest["sessions"][-1]["resumed"]


def test_common_seeds_pair_the_cells_and_survive_resume(serial_batch, tmp_path):
    out = tmp_path / "crn"
    result = invoke("batch", *GRID, *TINY, "--common-seeds", "--workers", "1", "--out", out)
    assert result.exit_code == 0, result.stderr
    summary, _ = stored(out)
    seeds = summary.groupby("cell")["seed"].apply(lambda s: tuple(sorted(s)))
    assert seeds.nunique() == 1 and len(seeds.iloc[0]) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["common_seeds"] is True and "--common-seeds" in manifest["command"]
    # the same cells as the independent batch, only the seeds differ
    plain, _ = stored(serial_batch)
    assert set(plain["cell"]) == set(summary["cell"]) and set(plain["seed"]) != set(summary["seed"])
    # a resume rebuilds the paired plan from the store; the flag alone is not a new plan
    again = invoke("batch", "--resume", "--out", out)
    assert again.exit_code == 0 and "12 of 12 runs already stored" in again.stderr
    refused = invoke("batch", *GRID, *TINY, "--resume", "--out", out)
    assert refused.exit_code == 2 and "different batch" in refused.stderr

    # compare pairs the cells run by run: differences from the first cell, same seeds
    table = compare_table(summary, ["scenario", "levers.training"])
    first = summary[summary["cell"] == 0].set_index("seed")
    for cell, row in zip(sorted(summary["cell"].unique()), table.itertuples(), strict=True):
        runs = summary[summary["cell"] == cell].set_index("seed")
        gap = (runs["final_adoption"] - first.loc[runs.index, "final_adoption"]).mean()
        assert row.pairs == 3 and row.adoption_diff == pytest.approx(gap)
    assert table.loc[0, "adoption_diff"] == 0 and table.loc[0, "success_diff_lo"] == 0
    text = invoke("compare", out).stdout
    assert "Paired with baseline" in text and "same seeds" in text
    assert "Paired" not in invoke("compare", serial_batch).stdout  # independent seeds


# --------------------------------------------------------------------- compare / plot / export
def test_paired_difference_is_a_t_interval_on_the_differences():
    mean, lo, hi = paired_difference(np.array([0.1, 0.3, 0.2, 0.4]))
    assert mean == pytest.approx(0.25)
    # sd 0.129099, t(0.975, 3) = 3.182446: half width 0.205426
    assert (lo, hi) == pytest.approx((0.25 - 0.205426, 0.25 + 0.205426), abs=1e-6)
    assert paired_difference(np.array([0.2, 0.2])) == (0.2, 0.2, 0.2)
    assert all(math.isnan(x) for x in paired_difference(np.array([])))


def test_wilson_interval_matches_published_values():
    # Brown, Cai & DasGupta (2001) / Newcombe (1998) examples, 4 decimals
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


def test_compare_prints_a_table_and_writes_csv(serial_batch, tmp_path):
    result = invoke("compare", serial_batch, "--csv", tmp_path / "cmp.csv")
    assert result.exit_code == 0, result.stderr
    assert "success [95% CI]" in result.output and "big_bang" in result.output
    table = pd.read_csv(tmp_path / "cmp.csv")
    assert list(table.columns[:3]) == ["scenario", "levers.training", "runs"]
    assert len(table) == 4 and (table["runs"] == 3).all()
    assert (
        (table.success_lo <= table.success_rate) & (table.success_rate <= table.success_hi)
    ).all()
    by_scenario = invoke("compare", serial_batch, "--by", "scenario")
    assert by_scenario.exit_code == 0 and "levers.training" not in by_scenario.output


def test_compare_median_and_iqr_follow_the_stored_runs(serial_batch):
    summary, _ = stored(serial_batch)
    table = compare_table(summary, ["scenario"])
    base = summary[summary.scenario == "baseline"]["final_adoption"].astype(float)
    row = table[table.scenario == "baseline"].iloc[0]
    assert row.adoption_median == base.median()
    assert row.adoption_q25 == base.quantile(0.25) and row.adoption_q75 == base.quantile(0.75)


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_plot_writes_the_format_of_the_extension(serial_batch, tmp_path, ext):
    out = tmp_path / f"fig{ext}"
    result = invoke("plot", serial_batch, "--metric", "confidence", "--by", "levers.training",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    head = out.read_bytes()[:8]
    assert {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[ext] in head


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--metric", "adopton"], "did you mean adoption"),
        (["--by", "levers.trainig"], "did you mean levers.training"),
        (["--out", "fig.jpg"], "use a .png, .svg or .pdf"),
    ],
)
def test_plot_bad_options_give_one_line_and_exit_2(serial_batch, tmp_path, args, fragment):
    result = invoke("plot", serial_batch, *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and fragment in result.stderr


def test_reading_commands_refuse_a_directory_without_a_batch(tmp_path):
    for cmd in (["plot"], ["compare"], ["export", "--csv", tmp_path / "x"]):
        result = invoke(cmd[0], tmp_path, *cmd[1:])
        assert result.exit_code == 2 and "holds no batch" in result.stderr


def test_export_writes_summary_weekly_and_cells(serial_batch, tmp_path):
    result = invoke("export", serial_batch, "--csv", tmp_path / "csv")
    assert result.exit_code == 0, result.stderr
    summary = pd.read_csv(tmp_path / "csv" / "summary.csv")
    weekly = pd.read_csv(tmp_path / "csv" / "weekly.csv")
    cells = pd.read_csv(tmp_path / "csv" / "cells.csv")
    assert len(summary) == 12 and len(weekly) == 12 * 41 and len(cells) == 4
    assert summary["seed"].dtype == "int64"  # exact integers, not floats
    assert (cells["org.employees"] == 150).all()
    assert sorted(cells["levers.training"].unique()) == [0.0, 1.0]


def test_band_table_gives_quantiles_across_replicates():
    summary = pd.DataFrame({"run_id": [0, 1, 2, 3, 4], "scenario": ["a"] * 5})
    weekly = pd.DataFrame(
        {
            "run_id": [0, 1, 2, 3, 4] * 2,
            "week": [0] * 5 + [1] * 5,
            "adoption": [0.0, 0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4, 5],
        }  # fmt: skip
    )
    table = band_table([weekly.iloc[:4], weekly.iloc[4:]], summary, "adoption", ["scenario"])
    week1 = table[table.week == 1].iloc[0]
    assert week1["n"] == 5 and week1["q50"] == 3.0
    assert week1["q25"] == 2.0 and week1["q75"] == 4.0
    assert week1["q05"] == pytest.approx(1.2) and week1["q95"] == pytest.approx(4.8)


def test_band_plots_take_tables_and_return_axes_or_figures(serial_batch):
    from matplotlib.figure import Figure

    store = RunStore.open(serial_batch)
    summary = store.summary()
    table = band_table(store.iter_weekly(["week", "adoption"]), summary, "adoption",
                       ["scenario", "levers.training"])  # fmt: skip
    ax = Figure().add_subplot()
    assert (
        plot_bands(table[table.scenario == "baseline"], ["levers.training"], "adoption", ax=ax)
        is ax
    )
    assert len(ax.get_lines()) == 2
    fig = plot_band_panels(table, ["levers.training"], ["scenario"], "adoption")
    assert len([a for a in fig.axes if a.get_visible()]) == 2
