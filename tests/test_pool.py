"""The local pool: a run spoils only itself, and no process outlives its batch.

Misbehaving runs are simulated with the testing hook
:data:`crmsim.executors.FAULTS_ENV` (``"RUN_ID:KIND,..."``): a run that
raises SystemExit or KeyboardInterrupt, kills its own worker, or hangs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.executors import FAULTS_ENV, MAX_ATTEMPTS

TINY = ["--set", "org.employees=150", "--set", "run.weeks=20", "--seed", "7"]
ROOT = Path(__file__).resolve().parents[1]


def batch(out: Path, runs: int, workers: int):
    args = ["batch", "baseline", "-n", str(runs), *TINY, "--workers", str(workers), "--out", out]
    return CliRunner().invoke(main, [str(a) for a in args])


def stored(out: Path) -> dict[int, tuple[str, str | None]]:
    """run_id -> (status, error) as the batch stored them."""
    from crmsim.storage import RunStore

    summary = RunStore.open(out).summary()
    return {
        int(r.run_id): (r.status, r.error if isinstance(r.error, str) else None)
        for r in summary.itertuples()
    }


@pytest.mark.parametrize("kind", ["exit", "interrupt"])
@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_raising_systemexit_or_keyboardinterrupt_is_only_that_runs_error(
    tmp_path, monkeypatch, kind, workers
):
    monkeypatch.setenv(FAULTS_ENV, f"1:{kind}")
    out = tmp_path / "b"
    result = batch(out, 3, workers)
    assert result.exit_code == 1, result.output  # 1: the batch ran, some runs failed
    runs = stored(out)
    assert [runs[i][0] for i in range(3)] == ["ok", "failed", "ok"]
    expected = "SystemExit" if kind == "exit" else "KeyboardInterrupt"
    assert runs[1][1].startswith(expected)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"


def test_a_run_that_kills_its_worker_fails_alone_after_max_attempts(tmp_path, monkeypatch):
    monkeypatch.setenv(FAULTS_ENV, "2:die")
    out = tmp_path / "b"
    result = batch(out, 6, 2)
    assert result.exit_code == 1, result.output  # 1: the batch ran, some runs failed
    runs = stored(out)
    assert sorted(runs) == list(range(6))
    failed = {rid: err for rid, (status, err) in runs.items() if status == "failed"}
    assert list(failed) == [2]  # the runs in flight beside it are innocent and finish
    assert f"{MAX_ATTEMPTS} times" in failed[2]


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group ``pgid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_a_batch_leaves_no_process_behind(tmp_path):
    out = tmp_path / "b"
    env = dict(os.environ, PYTHONPATH=str(ROOT), **{FAULTS_ENV: "0:hang,1:hang"})
    cmd = [sys.executable, "-m", "crmsim", "batch", "baseline", "-n", "4", *TINY,
           "--workers", "2", "--out", str(out)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # wait (bounded) until the forkserver and both workers are up: 5+ processes in the group
        for _ in range(600):
            if len(_group(proc.pid)) >= 5 or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the batch ended before it could be killed"
        assert len(_group(proc.pid)) >= 5
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(300):  # a wait, polled: the children notice and exit
            left = _group(proc.pid)
            if not left:
                break
            time.sleep(0.1)
        assert left == [], f"processes left after SIGKILL of the batch: {left}"
    finally:
        for pid in _group(proc.pid):
            os.kill(pid, signal.SIGKILL)


# --------------------------------------------------------------------------- scheduler addresses
@pytest.mark.parametrize(
    "address", ["not a url", "tcp://host", "http://h:8786", "tcp://h:0", "tcp://h:99999", ""]
)
def test_a_malformed_scheduler_address_is_refused_at_once_and_nothing_is_created(tmp_path, address):
    out = tmp_path / "b"
    result = CliRunner().invoke(
        main, ["batch", "baseline", "-n", "2", "--scheduler", address, "--out", str(out)]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error: --scheduler must be an address")
    assert "tcp://HOST:PORT" in lines[0]
    assert not out.exists()


def test_a_malformed_scheduler_in_a_batch_section_names_the_file(tmp_path, write_toml):
    path = write_toml("s", '[scenario]\ninherits = "baseline"\n[batch]\nscheduler = "tcp//x:1"\n')
    result = CliRunner().invoke(main, ["batch", str(path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "crmsim: error: s.toml: batch.scheduler must be an address like tcp://HOST:PORT of a "
        "Dask scheduler (e.g. tcp://10.0.0.5:8786, as `dask scheduler` prints it), got 'tcp//x:1'"
    )


def test_an_unreachable_scheduler_is_one_error_after_the_connect_timeout():
    from crmsim.errors import CrmsimError
    from crmsim.executors import connect

    with pytest.raises(
        CrmsimError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1"
    ):
        connect("tcp://127.0.0.1:1", timeout=0.5)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_real_ctrl_c_or_sigterm_in_process_still_stops_the_batch(monkeypatch, signum):
    from crmsim import runner
    from crmsim.executors import Task, outcomes

    def stopped(scenario, seed):
        os.kill(os.getpid(), signum)  # the user stops the batch while a run computes
        time.sleep(30)  # interrupted by the signal's handler at once
        raise AssertionError("the signal should have stopped the run")  # pragma: no cover

    monkeypatch.setattr(runner, "simulate", stopped)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    stream = outcomes([Task(0, "baseline", (), 1), Task(1, "baseline", (), 2)], workers=1)
    with pytest.raises(KeyboardInterrupt):
        next(stream)
    stream.close()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
