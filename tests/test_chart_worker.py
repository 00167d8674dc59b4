"""The run command's chart worker: the same chart, drawn on the other core, or here if it fails.

``crmsim run`` forks a worker that loads matplotlib while the model runs
(:mod:`crmsim.chart_worker`). These tests run the real command in fresh
processes, where the worker is used, and compare its chart byte for byte
with the one drawn in the same process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(out: Path, **env: str) -> None:
    full = {k: v for k, v in os.environ.items() if k not in ("CRMSIM_CHART_INLINE",)}
    full.update(env)
    full["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "crmsim", "run", "baseline", "--weeks", "30", "--out", str(out)]
    done = subprocess.run(cmd, env=full, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_the_run_command_reaches_the_fork_with_no_numpy_loaded():
    """The worker is only safe to fork before numpy's thread pools exist: loading the
    scenario and its --set values must not import numpy, or the worker is never used."""
    code = (
        "import sys\n"
        "from crmsim.commands.run import scenario_with_overrides\n"
        "from crmsim.chart_worker import _can_fork\n"
        "scenario_with_overrides('baseline', {'levers.training': 0.5}, 30)\n"
        "print('numpy' in sys.modules, _can_fork())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CRMSIM_CHART_INLINE"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True"], done.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker needs os.fork")
def test_worker_chart_is_byte_identical_and_a_dead_worker_is_replaced(tmp_path):
    _run(tmp_path / "worker")
    _run(tmp_path / "inline", CRMSIM_CHART_INLINE="1")
    _run(tmp_path / "dead", CRMSIM_TEST_FAULTS="chart:die")
    chart = (tmp_path / "inline" / "adoption.png").read_bytes()
    assert chart[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "worker" / "adoption.png").read_bytes() == chart
    assert (tmp_path / "dead" / "adoption.png").read_bytes() == chart
    for name in ("worker", "dead"):
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == sorted(
            p.name for p in (tmp_path / "inline").iterdir()
        )
