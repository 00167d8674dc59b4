"""The bundled example of crmsim fit is what scripts/make_fit_example.py makes today.

The example's data come from one run of scenarios/fit/example.toml with
unknowns at fixed quantiles of their priors; the truth is derived here from
the script, never written down. When the model's defaults change, the
example goes stale and these tests say how to remake it.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REMAKE = "remake it: python scripts/make_fit_example.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_fit_example",
                                                  ROOT / "scripts" / "make_fit_example.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_data_are_the_scripts_run(script) -> None:
    frame, _, _ = script.make()
    bundled = pd.read_csv(script.CSV)
    assert list(bundled.columns) == list(frame.columns), REMAKE
    assert np.allclose(bundled.to_numpy(float), frame.to_numpy(float), equal_nan=True), REMAKE


def test_the_truth_file_is_the_scripts_truth_and_inside_the_priors(script) -> None:
    from crmsim.fit.problem import choose_priors, read_fit_section

    stored = tomllib.loads(script.TRUTH.read_text())
    assert stored["truth"] == script.truth(), REMAKE
    assert stored["seed"] == script.SEED
    for prior in choose_priors([], read_fit_section(script.SCENARIO)):
        assert prior.lo < stored["truth"][prior.name] < prior.hi


def test_the_example_reads_as_a_firms_data(script) -> None:
    from crmsim.fit.run import prepare

    prep = prepare(script.CSV, script.SCENARIO)
    assert prep.obs.last_week == script.WEEKS
    assert not set(script.MISSING_WEEKS) & set(prep.obs.weeks.tolist())
    assert len(prep.priors) == 5 and len(prep.actions) >= 5
