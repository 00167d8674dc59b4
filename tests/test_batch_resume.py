"""An interrupted batch keeps every finished run, and --resume completes it exactly.

The batch runs as a real ``crmsim`` subprocess (its own process group, so
its worker processes can be cleaned up too). It is interrupted once some
chunks are on disk, resumed, and compared with an uninterrupted batch with
the same root seed: same rows, same numbers, no run missing or repeated.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.storage import RunStore

pytestmark = pytest.mark.slow

ARGS = ["baseline", "big_bang", "-n", "60", "--seed", "99", "--set", "org.employees=150",
        "--set", "run.weeks=40", "--chunk-runs", "5"]  # fmt: skip
N_RUNS = 120
WEEKS = 41  # week 0 to week 40
DEADLINE = 300.0  # seconds; only guards against a hang, never a timing check


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The same batch, uninterrupted, in this process."""
    out = tmp_path_factory.mktemp("ref") / "b"
    result = CliRunner().invoke(main, ["batch", *ARGS, "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    store = RunStore.open(out)
    return store.summary().drop(columns=["traceback"]), store.weekly()


def _start(out, tmp_path) -> subprocess.Popen:
    log = open(tmp_path / "batch.log", "wb")  # noqa: SIM115 - inherited by the child
    cmd = [sys.executable, "-m", "crmsim.cli", "batch", *ARGS, "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    log.close()
    return proc


def _wait_for_chunks(proc, out, tmp_path, chunks: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while len(list((out / "summary").glob("part-*.parquet"))) < chunks:
        if proc.poll() is not None:
            pytest.fail(
                "batch ended before it was interrupted:\n" + (tmp_path / "batch.log").read_text()
            )
        if time.monotonic() > deadline:
            pytest.fail("no chunks appeared:\n" + (tmp_path / "batch.log").read_text())
        time.sleep(0.01)


def _kill_group(proc) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # worker processes and the fork server


def _assert_equal_to_reference(out, reference) -> None:
    store = RunStore.open(out)
    summary = store.summary().drop(columns=["traceback"])
    weekly = store.weekly()
    ref_summary, ref_weekly = reference
    assert summary["run_id"].tolist() == list(range(N_RUNS))  # none missing
    assert weekly.groupby("run_id").size().eq(WEEKS).all() and len(weekly) == N_RUNS * WEEKS
    pd.testing.assert_frame_equal(summary, ref_summary)
    pd.testing.assert_frame_equal(weekly, ref_weekly)
    # no duplicates in the raw chunks either (not only after de-duplication on reading)
    raw = pd.concat(pd.read_parquet(p) for p in (out / "summary").glob("part-*.parquet"))
    assert raw["run_id"].is_unique and len(raw) == N_RUNS
    raw_weekly = pd.concat(pd.read_parquet(p) for p in (out / "weekly").glob("part-*.parquet"))
    assert len(raw_weekly) == N_RUNS * WEEKS
    assert not list((out / "pending").iterdir())
    assert store.manifest["status"] == "complete"


def test_batch_killed_with_sigkill_and_resumed_equals_an_uninterrupted_one(tmp_path, reference):
    out = tmp_path / "b"
    proc = _start(out, tmp_path)
    try:
        _wait_for_chunks(proc, out, tmp_path, chunks=2)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        _kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    assert RunStore.open(out).manifest["status"] == "running"

    result = CliRunner().invoke(main, ["batch", "--resume", "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.stderr
    kept = int(result.stderr.split("resuming, ")[1].split(" of ")[0])
    assert 10 <= kept < N_RUNS  # at least the two committed chunks were kept
    assert RunStore.open(out).manifest["sessions"][-1]["computed"] == N_RUNS - kept
    _assert_equal_to_reference(out, reference)


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                kids.append(int(entry))
    return kids


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds worker processes through /proc")
def test_batch_survives_a_killed_worker_process(tmp_path, reference):
    out = tmp_path / "b"
    proc = _start(out, tmp_path)
    try:
        _wait_for_chunks(proc, out, tmp_path, chunks=1)
        # batch -> fork server -> worker processes
        workers = [w for child in _children(proc.pid) for w in _children(child)]
        assert workers, "no worker processes found"
        os.kill(workers[0], signal.SIGKILL)
        proc.wait(timeout=DEADLINE)
    finally:
        _kill_group(proc)
    assert proc.returncode == 0, (tmp_path / "batch.log").read_text()
    _assert_equal_to_reference(out, reference)


def test_batch_stopped_with_ctrl_c_says_how_to_resume(tmp_path, reference):
    out = tmp_path / "b"
    proc = _start(out, tmp_path)
    try:
        _wait_for_chunks(proc, out, tmp_path, chunks=1)
        os.kill(proc.pid, signal.SIGINT)
        proc.wait(timeout=DEADLINE)
    finally:
        _kill_group(proc)
    log = (tmp_path / "batch.log").read_text()
    assert proc.returncode == 130, log
    assert f"Finish with: crmsim batch --resume --out {out}" in log
    assert "Traceback" not in log
    assert RunStore.open(out).manifest["status"] == "interrupted"

    # the original command line plus --resume works as well as the short form
    args = ["batch", *ARGS, "--workers", "1", "--resume", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    _assert_equal_to_reference(out, reference)


# ---------------------------------------------------------------- damaged chunks

SMALL = ["batch", "baseline", "big_bang", "-n", "4", "--seed", "31", "--set", "org.employees=120",
         "--set", "run.weeks=16", "--chunk-runs", "2", "--workers", "1"]  # fmt: skip


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """An undamaged batch of 8 runs in 4 chunks, and its tables."""
    out = tmp_path_factory.mktemp("small") / "b"
    result = CliRunner().invoke(main, [*SMALL, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    store = RunStore.open(out)
    return out, store.summary().drop(columns=["traceback"]), store.weekly()


def _cut(path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _rows_lost(path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    pq.write_table(table.slice(0, table.num_rows - 5), path)  # still Parquet, 5 rows fewer


def _zeroed(path) -> None:
    """Zero 16 bytes inside the data of a column of random numbers; the footer stays intact."""
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata.row_group(0)
    names = [meta.column(i).path_in_schema for i in range(meta.num_columns)]
    chunk = meta.column(names.index("seed" if "seed" in names else "confidence_sponsor"))
    middle = chunk.data_page_offset + chunk.total_compressed_size // 2
    data = bytearray(path.read_bytes())
    data[middle : middle + 16] = bytes(16)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("part", "damage"),
    [("summary", _cut), ("weekly", _cut), ("weekly", _rows_lost), ("weekly", _zeroed),
     ("summary", _zeroed)],
    ids=["summary cut", "weekly cut", "weekly rows lost", "weekly zeroed", "summary zeroed"],
)  # fmt: skip
def test_resume_recomputes_a_damaged_chunk_exactly(small, tmp_path, part, damage):
    import shutil

    whole, ref_summary, ref_weekly = small
    out = tmp_path / "b"
    shutil.copytree(whole, out)
    damage(out / part / "part-000002.parquet")

    result = CliRunner().invoke(main, ["batch", "--resume", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert "resuming, 6 of 8" in result.stderr  # the damaged chunk's 2 runs are not kept
    assert "1 damaged chunk(s) set aside" in result.stderr
    store = RunStore.open(out)
    assert store.manifest["status"] == "complete"
    assert store.manifest["sessions"][-1]["computed"] == 2
    pd.testing.assert_frame_equal(store.summary().drop(columns=["traceback"]), ref_summary)
    pd.testing.assert_frame_equal(store.weekly(), ref_weekly)
    assert sorted(p.name for p in (out / "damaged").iterdir()) == [
        "summary-part-000002.parquet", "weekly-part-000002.parquet"
    ]  # fmt: skip
    check = CliRunner().invoke(main, ["check", str(out)])
    assert check.exit_code == 0, check.output
    compare = CliRunner().invoke(main, ["compare", str(out), "--require-complete"])
    assert compare.exit_code == 0, compare.stderr
