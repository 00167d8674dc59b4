"""The run store: every finished run kept exactly once, whatever moment the process dies.

A crash is imitated in-process by abandoning a store without ``close()``
and dropping its directory lock, as the operating system does when the
process dies; the real SIGKILL test is in ``test_batch_resume.py``.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from crmsim.batch import cli_settings, make_plan, plan_frame
from crmsim.errors import CrmsimError
from crmsim.executors import Task, outcomes, run_one
from crmsim.storage import RunStore

TINY = ["org.employees=150", "run.weeks=20"]


@pytest.fixture(scope="module")
def plan():
    return make_plan(["baseline"], cli_settings(sets=TINY, replicates=6, seed=1))


@pytest.fixture(scope="module")
def results(plan):
    """Outcomes of every planned run, computed once."""
    params = tuple(plan.cells[0].params.to_dict().items())
    return {r.run_id: run_one(Task(r.run_id, r.scenario, params, r.seed)) for r in plan.runs}


def _new_store(tmp_path, plan, chunk_runs=100):
    return RunStore.create(tmp_path / "b", plan.manifest(), plan_frame(plan), chunk_runs=chunk_runs)


def _die(store: RunStore) -> None:
    """Abandon the store as a killed process would: buffered state lost, lock released."""
    store._lock_fh.close()
    store._lock_fh = None


def test_runs_are_committed_in_chunks_and_journal_is_emptied(tmp_path, plan, results):
    store = _new_store(tmp_path, plan, chunk_runs=4)
    for r in plan.runs:
        store.add(r, results[r.run_id])
    assert len(list((store.root / "summary").glob("part-*.parquet"))) == 1  # 4 of 6 committed
    assert len(list((store.root / "pending").glob("*.run"))) == 2
    store.close()
    assert len(list((store.root / "summary").glob("part-*.parquet"))) == 2
    assert not list((store.root / "pending").iterdir())
    summary = RunStore.open(store.root).summary()
    assert summary["run_id"].tolist() == list(range(6))
    weekly = RunStore.open(store.root).weekly()
    assert len(weekly) == 6 * 21 and weekly.groupby("run_id").size().eq(21).all()


def test_journalled_runs_survive_a_crash_before_their_chunk(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    for r in plan.runs[:3]:
        store.add(r, results[r.run_id])
    _die(store)  # nothing committed yet: only the journal holds the runs
    reopened = RunStore.open(store.root, writable=True)
    assert reopened.done_run_ids() == {0, 1, 2}
    assert not list((store.root / "pending").iterdir())
    reopened.close()
    summary = RunStore.open(store.root).summary()
    expected = results[1]["summary"]["final_adoption"]
    assert summary.loc[summary.run_id == 1, "final_adoption"].item() == expected


def test_crash_between_chunk_and_journal_cleanup_duplicates_nothing(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    for r in plan.runs[:2]:
        store.add(r, results[r.run_id])
    saved = tmp_path / "saved"
    shutil.copytree(store.root / "pending", saved)
    store.flush()
    shutil.copytree(saved, store.root / "pending", dirs_exist_ok=True)  # cleanup never happened
    _die(store)
    RunStore.open(store.root, writable=True).close()
    reader = RunStore.open(store.root)
    assert reader.summary()["run_id"].tolist() == [0, 1]
    assert len(reader.weekly()) == 2 * 21


@pytest.mark.parametrize("interrupted", ["weekly", "summary"])
def test_interrupt_inside_a_flush_commits_nothing_twice(
    tmp_path, plan, results, monkeypatch, interrupted
):
    """Ctrl-C landing just after a chunk is written: close() must not write the runs again."""
    import crmsim.storage as storage

    store = _new_store(tmp_path, plan)
    for r in plan.runs[:3]:
        store.add(r, results[r.run_id])
    real = storage.atomic_write

    def write_then_interrupt(path, *args, **kwargs):
        done = real(path, *args, **kwargs)
        if path.parent.name == interrupted:
            raise KeyboardInterrupt
        return done

    monkeypatch.setattr(storage, "atomic_write", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        store.flush()
    monkeypatch.setattr(storage, "atomic_write", real)
    store.close()  # what the batch does on its way out
    RunStore.open(store.root, writable=True).close()  # what --resume does first
    reader = RunStore.open(store.root)
    assert reader.summary()["run_id"].tolist() == [0, 1, 2]
    weekly = reader.weekly()
    assert weekly.groupby("run_id").size().eq(21).all() and len(weekly) == 3 * 21


def test_weekly_chunk_without_its_summary_chunk_is_dropped(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    store.add(plan.runs[0], results[0])
    store.flush()
    part = next((store.root / "weekly").glob("part-*.parquet"))
    shutil.copy(part, store.root / "weekly" / "part-000007.parquet")  # died before its summary
    (store.root / "weekly" / ".part-000008.parquet.tmp").write_bytes(b"half")
    _die(store)
    RunStore.open(store.root, writable=True).close()
    assert sorted(p.name for p in (store.root / "weekly").iterdir()) == [part.name]
    assert len(RunStore.open(store.root).weekly()) == 21


def test_torn_journal_entry_is_discarded_and_recomputed(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    store.add(plan.runs[0], results[0])
    (store.root / "pending" / "run-00000003.run").write_bytes(b"CRMSIM-RUN-1\n torn")
    _die(store)
    reopened = RunStore.open(store.root, writable=True)
    assert reopened.done_run_ids() == {0}
    reopened.close()


def test_journal_entry_cut_short_by_a_crash_is_discarded(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    store.add(plan.runs[0], results[0])
    store.add(plan.runs[1], results[1])
    entry = store.root / "pending" / "run-00000001.run"
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    _die(store)
    reopened = RunStore.open(store.root, writable=True)
    assert reopened.done_run_ids() == {0}
    reopened.close()
    weekly = RunStore.open(store.root).weekly()
    assert weekly["run_id"].unique().tolist() == [0] and len(weekly) == 21


def test_a_second_writer_is_refused(tmp_path, plan):
    store = _new_store(tmp_path, plan)
    with pytest.raises(CrmsimError, match="another crmsim batch is writing"):
        RunStore.open(store.root, writable=True)
    store.close()
    RunStore.open(store.root, writable=True).close()


def test_creating_over_an_existing_batch_is_refused(tmp_path, plan):
    _new_store(tmp_path, plan).close()
    with pytest.raises(CrmsimError, match="--resume"):
        _new_store(tmp_path, plan)


def test_retried_run_replaces_its_failed_row(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    store.add(plan.runs[0], {**results[0], "status": "failed", "error": "Boom: x",
                             "summary": None, "weekly": None})  # fmt: skip
    store.flush()
    assert store.done_run_ids(include_failed=False) == set()
    store.add(plan.runs[0], results[0])
    store.close()
    reader = RunStore.open(store.root)
    summary = reader.summary()
    assert summary["run_id"].tolist() == [0] and summary["status"].tolist() == ["ok"]
    assert reader.counts() == {"ok": 1, "failed": 0}


def test_outcomes_record_a_failing_run_from_a_worker_process():
    good = Task(0, "baseline", (("org.employees", 150), ("run.weeks", 10)), 1)
    bad = Task(1, "baseline", (("org.employees", -5),), 2)  # rejected inside the worker
    got = {o["run_id"]: o for o in outcomes([good, bad], workers=2)}
    assert got[0]["status"] == "ok" and len(got[0]["weekly"]["week"]) == 11
    assert got[1]["status"] == "failed"
    assert got[1]["error"].startswith("CrmsimError: org.employees")
    assert "Traceback" in got[1]["traceback"]


def test_weekly_columns_keep_their_types(tmp_path, plan, results):
    store = _new_store(tmp_path, plan)
    store.add(plan.runs[0], results[0])
    store.close()
    weekly = RunStore.open(store.root).weekly()
    assert str(weekly["week"].dtype) == "Int64"
    assert weekly["adoption"].dtype == np.float64
