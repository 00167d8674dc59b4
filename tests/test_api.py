"""The Python API is the command line's machinery: same runs, same run directories."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import crmsim
from crmsim.storage import opened

SMALL = {"org.employees": 200}


def test_run_is_the_run_crmsim_run_makes() -> None:
    from crmsim.runner import simulate
    from crmsim.scenario import load

    result = crmsim.run("big_bang", seed=7, values=SMALL)
    expected = simulate(load("big_bang").with_updates(SMALL), seed=7)
    pd.testing.assert_frame_equal(result.timeseries, expected.timeseries)
    assert result.summary == expected.summary and result.seed == 7


def test_run_batch_stores_what_crmsim_batch_stores(cli, tmp_path: Path) -> None:
    api = crmsim.run_batch(
        ["baseline", "no_sponsor"], tmp_path / "api", replicates=2, seed=5,
        sweep={"levers.training": "0:1:2"}, values=SMALL,
    )  # fmt: skip
    result = cli(
        "batch", "baseline", "no_sponsor", "-n", 2, "--seed", 5, "--workers", 1,
        "--sweep", "levers.training=0:1:2", "--set", "org.employees=200",
        "--out", tmp_path / "cli",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with opened(tmp_path / "cli") as store:
        from_cli = store.summary()
        assert api.manifest["fingerprint"] == store.manifest["fingerprint"]
    assert len(api.summary) == 8 and api.manifest["status"] == "complete"
    pd.testing.assert_frame_equal(api.summary, from_cli)
    assert crmsim.read_batch(tmp_path / "api").summary.equals(api.summary)


def test_run_batch_takes_scenarios_built_in_code_and_finishes_a_stored_batch(
    tmp_path: Path,
) -> None:
    mine = crmsim.load_scenario("baseline", SMALL)
    first = crmsim.run_batch(mine, tmp_path / "b", replicates=2, seed=3)
    again = crmsim.run_batch(mine, tmp_path / "b", replicates=2, seed=3)  # nothing to compute
    assert again.summary.equals(first.summary)
    with pytest.raises(crmsim.CrmsimError, match="holds a different batch"):
        crmsim.run_batch(mine, tmp_path / "b", replicates=3, seed=3)


def test_bad_input_names_the_problem() -> None:
    with pytest.raises(crmsim.CrmsimError, match="did you mean levers.training"):
        crmsim.load_scenario("baseline", {"levers.trainig": 1.0})
    with pytest.raises(crmsim.CrmsimError, match="unknown scenario"):
        crmsim.run("basline")
    with pytest.raises(crmsim.CrmsimError, match="holds no batch"):
        crmsim.read_batch("no/such/folder")
