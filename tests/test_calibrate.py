"""``crmsim calibrate``: recovery of known parameters, resumption, outputs and bad configs.

The recovery test goes through the whole pipeline: targets are measured
with ``crmsim validate`` on a small Bass-limit organisation with known
rates (p = 0.01, q = 0.05 a week), turned into bands of +-8 % around the
measured means, and ``crmsim calibrate`` must find p and q again within a
stated tolerance (35 %) from ranges three to fifteen times wider.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_cli import _one_line_error  # one error line, exit 2, no traceback

from crmsim.calibration import judgement_calls
from crmsim.params import PARAMS
from crmsim.scenario import load

TRUE_P, TRUE_Q = 0.01, 0.05
TOLERANCE = 0.35
"""Largest relative error of a recovered rate: two means within +-8 % bands leave a ridge of
(p, q) pairs that fit them all (a faster start trades against slower imitation)."""

SMALL_BASS = """[scenario]
inherits = "bass_limit"
[org]
employees = 300
[run]
weeks = 80
"""

MEASURES = (("w25", "weeks_to_25"), ("w90", "weeks_to_90"))


def _targets(bands: dict[str, tuple[float, float]]) -> str:
    return "".join(
        f'[[target]]\nid = "{tid}"\npattern = "mean {expr}"\nkind = "mean"\nexpr = "{expr}"\n'
        f"band = [{bands[tid][0]!r}, {bands[tid][1]!r}]\n"
        for tid, expr in MEASURES
    )


def _config(budget: int, batch: int = 6, **extra: object) -> str:
    lines = [
        '[calibrate]\nscenario = "small_bass.toml"\ntargets = "targets.toml"',
        "seeds = 8",
        f"budget = {budget}",
        f"batch = {batch}",
        "seed = 7",
    ]
    lines += [f"{k} = {v}" for k, v in {"startup": 12, **extra}.items()]
    lines += ['[parameters]\n"diffusion.p" = [0.002, 0.03]\n"diffusion.q" = [0.01, 0.15]']
    return "\n".join(lines) + "\n"  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A small Bass-limit scenario and targets measured on it at the true rates."""
    from click.testing import CliRunner

    from crmsim.cli import main

    d = tmp_path_factory.mktemp("recovery")
    (d / "small_bass.toml").write_text(SMALL_BASS)
    (d / "probe.toml").write_text(_targets({tid: (0.0, 1000.0) for tid, _ in MEASURES}))
    result = CliRunner().invoke(
        main, ["validate", str(d / "small_bass.toml"), "--targets", str(d / "probe.toml"),
               "--seeds", "8", "-j", "1", "--out", str(d / "probe"), "--json",
               str(d / "probe.json")], catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads((d / "probe.json").read_text())["subjects"][0]["rows"]
    measured = {r["id"]: r["value"] for r in rows}
    (d / "targets.toml").write_text(
        _targets({tid: (v * 0.92, v * 1.08) for tid, v in measured.items()})
    )
    return d


def _calibrate(cli, folder: Path, name: str, budget: int, out: Path, **extra: object):
    (folder / f"{name}.toml").write_text(_config(budget, **extra))
    return cli("calibrate", folder / f"{name}.toml", "-j", 1, "--out", out)


@pytest.mark.slow
def test_recovers_known_bass_rates_within_tolerance(cli, folder) -> None:
    assert load(str(folder / "small_bass.toml")).params["diffusion.p"] == TRUE_P
    out = folder / "fit"
    result = _calibrate(cli, folder, "fit", 60, out)
    assert result.exit_code == 0, result.output  # some trial has every target in its band
    chosen = load(str(out / "calibrated.toml")).params
    assert abs(chosen["diffusion.p"] / TRUE_P - 1) <= TOLERANCE, chosen["diffusion.p"]
    assert abs(chosen["diffusion.q"] / TRUE_Q - 1) <= TOLERANCE, chosen["diffusion.q"]
    for name in ("trials.csv", "accepted.csv", "pareto.csv", "marginals.png", "study.journal"):
        assert (out / name).stat().st_size > 0, name
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 60 and trials["accepted"].any()
    assert {"value:w25", "distance:w90", "verdict:w90"} <= set(trials.columns)


@pytest.mark.slow
def test_interrupted_and_resumed_equals_uninterrupted(cli, folder) -> None:
    straight = folder / "straight"
    assert _calibrate(cli, folder, "c12", 12, straight, batch=4).exit_code in (0, 1)
    resumed = folder / "resumed"
    assert _calibrate(cli, folder, "c6", 6, resumed, batch=4).exit_code in (0, 1)
    assert len(pd.read_csv(resumed / "trials.csv")) == 6
    assert _calibrate(cli, folder, "c12", 12, resumed, batch=4).exit_code in (0, 1)
    a, b = pd.read_csv(straight / "trials.csv"), pd.read_csv(resumed / "trials.csv")
    pd.testing.assert_frame_equal(a, b)
    assert (straight / "calibrated.toml").read_text().split("[scenario]")[1] == (
        resumed / "calibrated.toml"
    ).read_text().split("[scenario]")[1]


def test_calibrated_scenario_inherits_the_base_and_is_loadable(cli, folder) -> None:
    out = folder / "tiny"
    result = _calibrate(cli, folder, "tiny", 2, out, batch=2, startup=2)
    assert result.exit_code in (0, 1)
    text = (out / "calibrated.toml").read_text()
    assert 'inherits = "' in text and "# Generated by crmsim calibrate" in text
    scenario = load(str(out / "calibrated.toml"))
    trials = pd.read_csv(out / "trials.csv")
    assert scenario.params["diffusion.p"] in set(trials["diffusion.p"])
    assert scenario.params["org.employees"] == 300  # from the base, through inheritance
    record = json.loads((out / "calibration.json").read_text())
    assert record["config"]["seed"] == 7 and record["versions"]["crmsim"]


def test_default_free_parameters_are_the_judgement_calls() -> None:
    names = judgement_calls()
    assert names and all("judgement call" in PARAMS[n].source for n in names)
    assert not any(n.split(".")[0] in ("run", "org", "outcome") for n in names)


# ---------------------------------------------------------------- bad configs


GOOD = _config(4)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('"diffusion.q"', '"diffusion.qq"'), "unknown parameter 'diffusion.qq'"),
        (GOOD.replace("[0.002, 0.03]", "[0.03, 0.002]"), "needs low < high"),
        (GOOD.replace("[0.01, 0.15]", "[0.01, 5.0]"), "leaves the declared range"),
        (GOOD.replace("budget = 4", "budget = 0"), "calibrate.budget must be a whole number"),
        (GOOD.replace("seeds = 8", "seedz = 8"), "unknown key calibrate.seedz"),
        (GOOD.replace('"targets.toml"', '"missing.toml"'), "not found"),
        (GOOD.replace("[calibrate]", "[calibrate"), "malformed TOML"),
        (GOOD + "[other]\nx = 1\n", "unknown table [other]"),
        (GOOD.replace("budget = 4", 'budget = 4\nonly = ["nope"]'), "calibrate.only names 'nope'"),
        (GOOD.replace("budget = 4", 'budget = 4\nonly = "w25"'), "must be a list of target ids"),
    ],
)
def test_bad_config_is_one_line_exit_2(cli, folder, text, expected) -> None:
    (folder / "bad.toml").write_text(text)
    line = _one_line_error(cli("calibrate", folder / "bad.toml", "--out", folder / "never"))
    assert expected in line, line
    assert not (folder / "never").exists()


def test_only_fits_the_named_targets_and_is_part_of_the_identity(folder) -> None:
    from crmsim.calibration import load_config

    (folder / "only.toml").write_text(GOOD.replace("budget = 4", 'budget = 4\nonly = ["w25"]'))
    config = load_config(folder / "only.toml")
    assert config.only == ("w25",)
    assert config.identity()["only"] == ["w25"]
    (folder / "all.toml").write_text(GOOD)
    assert "only" not in load_config(folder / "all.toml").identity()


def test_bad_targets_named_by_a_config_is_exit_2(cli, folder) -> None:
    (folder / "bad_targets.toml").write_text(_targets({"w25": (2.0, 1.0), "w90": (0.0, 1.0)}))
    (folder / "badt.toml").write_text(GOOD.replace('"targets.toml"', '"bad_targets.toml"'))
    assert "low > high" in _one_line_error(cli("calibrate", folder / "badt.toml"))


def test_resuming_with_another_config_is_refused(cli, folder) -> None:
    out = folder / "other"
    assert _calibrate(cli, folder, "o1", 2, out, batch=2, startup=2).exit_code in (0, 1)
    line = _one_line_error(_calibrate(cli, folder, "o2", 2, out, batch=2, startup=1))
    assert "another config" in line
