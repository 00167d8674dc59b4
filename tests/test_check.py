"""``crmsim check RUN_DIR``: the state of a batch or a run, and what ``--resume`` would do.

Exit code 0 when complete and sound, 1 when runs are missing or a chunk is
damaged, 2 for a folder crmsim did not write. Checking changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_completeness import invoke, made_batch, made_run, set_status, tree_hash

from crmsim.store_parts import lock_dir

BATCH = ["batch", "baseline", "big_bang", "-n", "3", "--seed", "8", "--set", "org.employees=120",
         "--set", "run.weeks=12", "--chunk-runs", "2", "--workers", "1"]  # fmt: skip


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """A finished batch: 6 runs (3 baseline, 3 big_bang) in chunks of 2."""
    return made_batch(tmp_path_factory, BATCH)


@pytest.fixture
def copy(whole, tmp_path) -> Path:
    to = tmp_path / "b"
    shutil.copytree(whole, to)
    return to


def check(root: Path):
    before = tree_hash(root) if root.is_dir() else None
    result = invoke("check", root)
    assert "Traceback" not in result.output
    if before is not None:
        assert tree_hash(root) == before  # checking changes nothing
    return result


def test_a_finished_batch_is_complete_and_sound(whole):
    result = check(whole)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{whole}: crmsim batch, manifest status 'complete'; complete and sound"
    assert lines[1] == "planned 6, done 6, failed 0, missing 0 (complete)"
    assert "  baseline: planned 3, done 3, failed 0, missing 0" in lines


def test_an_interrupted_batch_says_what_is_missing_and_what_resume_would_do(copy):
    for path in sorted((copy / "summary").glob("part-*.parquet"))[-2:]:
        path.unlink()  # the last two chunks never written: runs 2-5
    set_status(copy, "running")
    result = check(copy)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"{copy}: crmsim batch, manifest status 'running'; interrupted (no process holds its lock)"
    )
    assert lines[1] == "planned 6, done 2, failed 0, missing 4"
    assert "  big_bang: planned 3, done 0, failed 0, missing 3" in lines
    assert lines[-2:] == ["--resume would: run 4 missing run(s).",
                          f"  crmsim batch --resume --out {copy}"]  # fmt: skip


def test_a_batch_being_written_is_reported_as_running(copy):
    (copy / "summary" / "part-000003.parquet").unlink()
    set_status(copy, "running")
    held = lock_dir(copy)
    try:
        result = check(copy)
    finally:
        held.close()
    assert result.exit_code == 1
    assert "running now (a process holds its lock)" in result.stdout
    assert "--resume: wait for the running batch to finish" in result.stdout


def test_a_damaged_chunk_is_named_and_resume_would_set_it_aside(copy):
    part = copy / "summary" / "part-000002.parquet"
    part.write_bytes(part.read_bytes()[:200])
    result = check(copy)
    assert result.exit_code == 1
    assert "damaged chunk 2: summary/part-000002.parquet unreadable (cut short or not Parquet)" in (
        result.stdout
    )
    assert "planned 6, done 4, failed 0, missing 2" in result.stdout
    assert f"--resume would: set aside 1 damaged chunk(s) in {copy / 'damaged'}, run 2 missing" in (
        result.stdout
    )


def test_damage_inside_the_data_is_found_by_reading_every_row(copy):
    from test_batch_resume import _zeroed

    _zeroed(copy / "weekly" / "part-000001.parquet")  # footer intact, a data page zeroed
    result = check(copy)
    assert result.exit_code == 1
    assert "damaged chunk 1: weekly/part-000001.parquet unreadable" in result.stdout


def test_journalled_runs_are_counted_as_what_resume_commits(copy, whole):
    from crmsim.batch import plan_from_store
    from crmsim.executors import Task, run_one
    from crmsim.journal import run_row, write_journal
    from crmsim.storage import RunStore

    (copy / "summary" / "part-000003.parquet").unlink()
    (copy / "weekly" / "part-000003.parquet").unlink()
    set_status(copy, "running")
    store = RunStore.open(whole)
    plan = plan_from_store(store.manifest, store.plan())
    spec = plan.runs[4]
    params = tuple(plan.cells[spec.cell].params.to_dict().items())
    outcome = run_one(Task(spec.run_id, spec.scenario, params, spec.seed))
    with open(copy / "pending" / f"run-{spec.run_id:08d}.run", "wb") as fh:
        write_journal(fh, run_row(spec, outcome, []), outcome["weekly"])
    result = check(copy)
    assert result.exit_code == 1
    assert "1 finished run(s) in the journal, not yet in a chunk" in result.stdout
    assert "--resume would: commit 1 journalled run(s), run 1 missing run(s)." in result.stdout


def test_a_single_run_folder_is_checked_file_by_file(tmp_path):
    run = made_run(tmp_path / "r")
    result = check(run)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{run}: a single run (crmsim run); its files are whole."
    ts = run / "timeseries.parquet"
    ts.write_bytes(ts.read_bytes()[:100])
    result = check(run)
    assert result.exit_code == 1
    assert "with damaged files" in result.stdout and "timeseries.parquet" in result.stdout


@pytest.mark.parametrize("make", ["missing", "empty", "other files", "a file"])
def test_a_folder_crmsim_did_not_write_is_one_line_and_exit_2(tmp_path, make):
    target = tmp_path / "x"
    if make == "empty":
        target.mkdir()
    elif make == "other files":
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    elif make == "a file":
        target.write_text("not a folder")
    result = check(target)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error:") and str(target) in lines[0]
