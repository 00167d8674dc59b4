"""The same batch on a real Dask cluster gives exactly the serial results.

The test starts ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 with free ports, and always tears them down.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.storage import RunStore

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

ARGS = ["baseline", "no_sponsor", "--sweep", "levers.training=0.2,0.8", "-n", "3",
        "--seed", "77", "--set", "org.employees=150", "--set", "run.weeks=40"]  # fmt: skip
START_DEADLINE = 300.0  # seconds; only guards against a hang, never a timing check


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dask(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "dask", *args]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything left of its group (nanny children)
    proc.wait()


@pytest.fixture
def dask_cluster(tmp_path):
    """``tcp://127.0.0.1:PORT`` of a scheduler with two single-threaded workers."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "dask.log", "wb")  # noqa: SIM115 - closed in finally
    procs: list[subprocess.Popen] = []

    def start(*args: str) -> None:
        procs.append(
            subprocess.Popen(
                _dask(*args),
                cwd=tmp_path,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        for i in range(2):
            start("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                  "--host", "127.0.0.1", "--name", f"w{i}",
                  "--local-directory", str(tmp_path / f"w{i}"))  # fmt: skip
        client = None
        deadline = time.monotonic() + START_DEADLINE
        while client is None:
            try:
                client = distributed.Client(address, timeout=5, set_as_default=False)
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    pytest.fail(
                        "Dask scheduler did not start:\n" + (tmp_path / "dask.log").read_text()
                    )
                time.sleep(0.2)
        try:
            client.wait_for_workers(2, timeout=START_DEADLINE)
        finally:
            client.close()
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        log.close()


def test_dask_cluster_serial_and_two_workers_give_identical_results(dask_cluster, tmp_path):
    runner = CliRunner()
    outs = {}
    for label, how in {
        "serial": ["--workers", "1"],
        "pool": ["--workers", "2"],
        "dask": ["--scheduler", dask_cluster],
    }.items():
        outs[label] = tmp_path / label
        result = runner.invoke(main, ["batch", *ARGS, *how, "--out", str(outs[label])])
        assert result.exit_code == 0, (label, result.stderr)

    def load(label):
        store = RunStore.open(outs[label])
        return store.summary().drop(columns=["traceback"]), store.weekly()

    serial_summary, serial_weekly = load("serial")
    assert len(serial_summary) == 2 * 2 * 3 and (serial_summary.status == "ok").all()
    for label in ("pool", "dask"):
        summary, weekly = load(label)
        pd.testing.assert_frame_equal(summary, serial_summary)
        pd.testing.assert_frame_equal(weekly, serial_weekly)
    manifest = RunStore.open(outs["dask"]).manifest
    assert manifest["sessions"][0]["scheduler"] == dask_cluster
