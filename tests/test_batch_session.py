"""The batch session: one life cycle (create or resume, fingerprint, manifest status, signals)
for every command that runs a plan into a run directory (batch, sensitivity, levers).
"""

from __future__ import annotations

import json
import os
import signal

import pytest

import crmsim.batch.running as running
from crmsim.batch import cli_settings, make_plan
from crmsim.batch.session import BatchSession
from crmsim.errors import CrmsimError

TINY = ["org.employees=100", "run.weeks=20"]


def _plan(seed: int = 1, replicates: int = 2):
    return make_plan(["baseline"], cli_settings(sets=TINY, replicates=replicates, seed=seed))


def _manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _new(tmp_path, plan=None, **kwargs) -> BatchSession:
    plan = plan or _plan()
    return BatchSession.create(
        tmp_path / "b", plan, kind="crmsim test", command=["crmsim", "test"], **kwargs
    )


def test_a_new_session_writes_the_manifest_with_provenance_plan_and_the_commands_fields(
    tmp_path,
) -> None:
    session = _new(tmp_path, extra={"mine": 1}, packages=("click",))
    session.close()
    m = _manifest(tmp_path / "b")
    assert (m["kind"], m["command"], m["mine"], m["status"], m["sessions"]) == (
        "crmsim test", ["crmsim", "test"], 1, "running", [],
    )  # fmt: skip
    assert m["root_seed"] == 1 and "click" in m["versions"] and m["created_utc"]


def test_a_run_records_the_session_and_ends_complete(tmp_path) -> None:
    said: list[str] = []
    session = _new(tmp_path)
    outcome = session.run(
        ["crmsim", "test"], workers=1, scheduler=None, label="test", log=said.append
    )
    assert outcome.complete and outcome.ok == 2
    m = _manifest(tmp_path / "b")
    assert (m["status"], m["runs_ok"], m["runs_failed"]) == ("complete", 2, 0)
    (record,) = m["sessions"]
    assert (record["command"], record["resumed"], record["workers"], record["computed"]) == (
        ["crmsim", "test"], False, 1, 2,
    )  # fmt: skip
    assert said == [
        f"crmsim test: 2 runs (1 points) on 1 worker(s), root seed 1, results in {tmp_path / 'b'}"
    ]


def test_resume_rebuilds_the_plan_and_adds_a_second_session(tmp_path) -> None:
    _new(tmp_path).run(["first"], workers=1, scheduler=None, label="test")
    session = BatchSession.resume(tmp_path / "b", kind="crmsim test")
    assert session.resumed and session.plan.fingerprint() == _plan().fingerprint()
    outcome = session.run(["second"], workers=1, scheduler=None, label="test")
    assert (outcome.computed, outcome.skipped) == (0, 2)
    sessions = _manifest(tmp_path / "b")["sessions"]
    assert [(s["command"], s["resumed"]) for s in sessions] == [
        (["first"], False), (["second"], True),
    ]  # fmt: skip


def test_resume_refuses_another_kind_and_releases_the_directory(tmp_path) -> None:
    _new(tmp_path).close()
    with pytest.raises(CrmsimError, match="holds no levers run; give its run directory"):
        BatchSession.resume(tmp_path / "b", kind="crmsim levers", noun="levers run")
    BatchSession.resume(tmp_path / "b").close()  # the lock was released


def test_a_different_plan_is_refused_naming_how_to_resume(tmp_path) -> None:
    _new(tmp_path).close()
    session = BatchSession.resume(tmp_path / "b")
    with pytest.raises(CrmsimError, match=r"plan a different batch .* --resume --out"):
        session.check_same(_plan(seed=2))
    BatchSession.resume(tmp_path / "b").check_same(_plan())  # the same plan passes


def test_an_escaping_error_marks_the_manifest_failed(tmp_path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(running, "run_batch", broken)
    session = _new(tmp_path)
    with pytest.raises(OSError, match="disk full"):
        session.run(["crmsim", "test"], workers=1, scheduler=None, label="test")
    assert _manifest(tmp_path / "b")["status"] == "failed"
    BatchSession.resume(tmp_path / "b").close()  # the lock was released


def test_sigterm_stops_the_run_like_ctrl_c_and_keeps_what_finished(tmp_path, monkeypatch) -> None:
    def terminated(plan, store, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the batch runs
        raise AssertionError("SIGTERM should have stopped the batch")  # pragma: no cover

    def run_batch(plan, store, **kwargs):
        outcome = running.BatchOutcome(total=len(plan.runs))
        try:
            terminated(plan, store)
        except KeyboardInterrupt:
            outcome.interrupted = True
        return outcome

    monkeypatch.setattr(running, "run_batch", run_batch)
    before = signal.getsignal(signal.SIGTERM)
    session = _new(tmp_path)
    outcome = session.run(["crmsim", "test"], workers=1, scheduler=None, label="test")
    assert outcome.interrupted
    assert _manifest(tmp_path / "b")["status"] == "interrupted"
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is restored
    assert session.interrupted_text(outcome, "test") == (
        f"crmsim test: interrupted; 0 of 2 runs kept in {tmp_path / 'b'}. "
        f"Finish with: crmsim test --resume --out {tmp_path / 'b'}"
    )


def test_create_or_resume_creates_then_resumes_the_same_plan_and_refuses_another(tmp_path) -> None:
    def open_(plan):
        return BatchSession.create_or_resume(
            tmp_path / "b", plan, kind="crmsim test", command=["crmsim", "test"]
        )

    first = open_(_plan())
    assert not first.resumed
    first.run(["crmsim", "test"], workers=1, scheduler=None, label="test")
    again = open_(_plan())
    assert again.resumed
    again.close()
    with pytest.raises(CrmsimError, match="plan a different batch"):
        open_(_plan(seed=5))


def test_a_session_runs_outside_the_main_thread_without_touching_signals(tmp_path) -> None:
    import threading

    outcomes = []
    session = _new(tmp_path)
    worker = threading.Thread(
        target=lambda: outcomes.append(
            session.run(["crmsim", "test"], workers=1, scheduler=None, label="test")
        )
    )
    worker.start()
    worker.join()
    assert outcomes and outcomes[0].complete
    assert _manifest(tmp_path / "b")["status"] == "complete"
