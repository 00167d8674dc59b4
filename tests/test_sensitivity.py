"""Sensitivity analysis: SALib through the batch engine's plan and storage, and the CLI.

* SALib's analytic Ishigami function goes through the same pipeline as the
  model — sample from the declared ranges, a points plan, the run store,
  replicate means, SALib's analysis — with only the simulation replaced by
  the documented stand-in hook of :func:`crmsim.sensitivity.evaluate`, and
  recovers its analytic Sobol' indices within SALib's own regression
  tolerances (``atol=0.05, rtol=0.1`` in SALib's ``tests/test_regression.py``).
* The replicate-noise floor reported next to the indices is what a
  parameter without effect actually gets.
* The lever ranking on a small organisation is stable across two root seeds.
* Bad flags give one line and exit code 2.

Every seed is fixed, so each test gives the same numbers on every run.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose
from SALib.analyze import morris as salib_morris
from SALib.test_functions import Ishigami
from scipy.stats import spearmanr

from crmsim import sensitivity as sa
from crmsim.batch import make_points_plan, plan_frame, run_seeds
from crmsim.cli import main
from crmsim.params import LEVERS, ParamSet, parse_assignment
from crmsim.scenario import load
from crmsim.storage import RunStore

# SALib's regression tolerances for the Ishigami indices.
ATOL, RTOL = 0.05, 0.1

# Ishigami's three inputs are carried by three declared [0, 1] parameters (the
# plan validates names against the declarations); the stand-in maps each to
# [-pi, pi]. Sobol' indices do not change under an affine map of an input.
ISHIGAMI_FACTORS = ("levers.training", "levers.staffing", "levers.pilot_first")
ISHIGAMI_OUTPUT = "cum_profit_delta"  # a stored float figure of any sign


def ishigami_standin(params: ParamSet, seed: int) -> dict[str, float]:
    """The stand-in model: Ishigami(A=7, B=0.1) of the three factors, rescaled to [-pi, pi]."""
    u = np.array([[params[name] for name in ISHIGAMI_FACTORS]])
    return {ISHIGAMI_OUTPUT: float(Ishigami.evaluate(-math.pi + 2 * math.pi * u)[0])}


def ishigami_truth(a: float = 7.0, b: float = 0.1) -> dict[str, list[float]]:
    """Analytic Sobol' indices of the Ishigami function (Saltelli et al. 2008, the Primer)."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {
        "S1": [v1 / total, v2 / total, 0.0],
        "ST": [(v1 + v13) / total, v2 / total, v13 / total],
        "S2": [0.0, v13 / total, 0.0],  # pairs (1,2), (1,3), (2,3)
    }


def run_standin(design: sa.Design, tmp_path, chunk_runs: int = 5000):
    """Sample, plan, store and read back through the run store, with the stand-in model."""
    x = sa.sample(design)
    plan = sa.plan_points(design, x)
    store = RunStore.create(tmp_path / "run", plan.manifest(), plan_frame(plan), chunk_runs)
    outcome = sa.evaluate(plan, store, model=ishigami_standin)
    store.close()
    assert outcome.complete and outcome.failed == 0
    summary = RunStore.open(tmp_path / "run").summary()
    return x, plan, sa.point_outputs(summary, plan, ISHIGAMI_OUTPUT)


def ishigami_design(method: str, samples: int, root_seed: int) -> sa.Design:
    factors = tuple(sa.Factor(name, 0.0, 1.0) for name in ISHIGAMI_FACTORS)
    return sa.Design("baseline", method, samples, 1, root_seed, factors)


# --------------------------------------------------------------------------- Ishigami
def test_ishigami_through_the_pipeline_recovers_its_analytic_sobol_indices(tmp_path):
    # N = 1024 (8,192 points): SALib's tolerances hold at this size for all of 40
    # sample seeds we tried (worst error 0.6 of the tolerance); at N = 512, 7 of 40 fail.
    design = ishigami_design("sobol", 1024, root_seed=20240611)
    x, plan, table = run_standin(design, tmp_path)
    assert len(plan.runs) == 8192 and (table["n"] == 1).all()
    analysis = sa.analyse(design, x, table, ISHIGAMI_OUTPUT)
    got = analysis.indices.set_index("parameter").loc[list(ISHIGAMI_FACTORS)]
    truth = ishigami_truth()
    assert_allclose(got["S1"], truth["S1"], atol=ATOL, rtol=RTOL)
    assert_allclose(got["ST"], truth["ST"], atol=ATOL, rtol=RTOL)
    pairs = analysis.second_order.set_index(["parameter", "other"])["S2"]
    a, b, c = ISHIGAMI_FACTORS
    assert_allclose(
        [pairs[(a, b)], pairs[(a, c)], pairs[(b, c)]], truth["S2"], atol=ATOL, rtol=RTOL
    )
    assert list(analysis.indices["parameter"]) == [a, b, c]  # ranked by ST: 0.56, 0.44, 0.24


def test_morris_through_the_pipeline_equals_salib_on_the_same_sample(tmp_path):
    design = ishigami_design("morris", 50, root_seed=7)
    x, _, table = run_standin(design, tmp_path)
    analysis = sa.analyse(design, x, table, ISHIGAMI_OUTPUT)
    direct = salib_morris.analyze(
        design.problem(), x, Ishigami.evaluate(-math.pi + 2 * math.pi * x),
        num_levels=design.levels, seed=design.seed("analysis"),
    )  # fmt: skip
    got = analysis.indices.set_index("parameter").loc[list(ISHIGAMI_FACTORS)]
    for key in ("mu", "mu_star", "sigma", "mu_star_conf"):
        assert_allclose(got[key], direct[key], rtol=1e-12, err_msg=key)


# --------------------------------------------------------------------------- noise
def noisy_ishigami(method: str, samples: int, sigma: float = 3.0, replicates: int = 4):
    """Ishigami plus Gaussian replicate noise, with a fourth factor that has no effect."""
    names = (*ISHIGAMI_FACTORS, "levers.phased_rollout")
    design = sa.Design(
        "baseline", method, samples, replicates, 11, tuple(sa.Factor(n, 0.0, 1.0) for n in names)
    )
    x = sa.sample(design)
    clean = Ishigami.evaluate(-math.pi + 2 * math.pi * x[:, :3])
    runs = clean[:, None] + np.random.default_rng(11).normal(0, sigma, (len(x), replicates))
    table = pd.DataFrame({"point": range(len(x)), "n": replicates, "failed": 0,
                          "mean": runs.mean(axis=1), "sd": runs.std(axis=1, ddof=1),
                          "censored": 0.0})  # fmt: skip
    table["se"] = table["sd"] / math.sqrt(replicates)
    analysis = sa.analyse(design, x, table, "y")
    return analysis, analysis.indices.set_index("parameter")


def test_a_parameter_without_effect_gets_the_sobol_noise_floor():
    # Noise sd 3 over 4 replicates: se^2 = 2.25 against Ishigami's variance 13.8,
    # so about 14 % of the variance between point means is noise.
    analysis, idx = noisy_ishigami("sobol", 1024)
    eta = analysis.noise["noise_share"]
    assert 0.10 < eta < 0.18
    dummy = idx.loc["levers.phased_rollout"]
    # Within its own 95 % interval of the floor (8 noise seeds gave |z| <= 1.04).
    assert abs(dummy["ST"] - analysis.noise["noise_floor"]) <= dummy["ST_conf"]
    assert not dummy["clear_of_noise"]
    # S1 is a share of a variance that includes the noise: S1 / (1 - eta) is the clean S1.
    truth = ishigami_truth()["S1"]
    clean_s1 = idx.loc[list(ISHIGAMI_FACTORS), "S1"] / (1 - eta)
    assert_allclose(clean_s1, truth, atol=ATOL, rtol=RTOL)


def test_a_parameter_without_effect_gets_the_morris_noise_floor():
    analysis, idx = noisy_ishigami("morris", 500)
    dummy = idx.loc["levers.phased_rollout"]
    # 2 se / (sqrt(pi) * delta) = 2 * 1.5 / (1.772 * 2/3) = 2.54; 8 seeds gave |z| <= 1.32.
    assert analysis.noise["noise_floor"] == pytest.approx(2.54, abs=0.05)
    assert abs(dummy["mu_star"] - analysis.noise["noise_floor"]) <= dummy["mu_star_conf"]
    assert idx.loc[list(ISHIGAMI_FACTORS[:2]), "clear_of_noise"].all()


# --------------------------------------------------------------------------- pieces
def test_default_factors_are_the_nine_levers_over_their_declared_ranges():
    factors, sets = sa.choose_factors(load("baseline"), None, {"org.employees": 150})
    assert [f.name for f in factors] == list(LEVERS)
    assert all((f.lo, f.hi, f.origin) == (0.0, 1.0, "declared") for f in factors)
    assert sets == {"org.employees": 150}


def test_batch_sweep_narrows_and_adds_factors_and_batch_set_fixes_them(write_toml):
    path = write_toml(
        "firm",
        '[scenario]\ninherits = "baseline"\n[batch]\n'
        'sweep = { "levers.training" = [0.2, 0.5, 0.8], "diffusion.q" = "0.05:0.15:3" }\n'
        "[batch.set]\n'levers.pilot_first' = 0.0\n",
    )
    factors, sets = sa.choose_factors(load(path), None, {})
    by_name = {f.name: f for f in factors}
    assert (by_name["levers.training"].lo, by_name["levers.training"].hi) == (0.2, 0.8)
    assert by_name["levers.training"].origin == "[batch] sweep"
    assert (by_name["diffusion.q"].lo, by_name["diffusion.q"].hi) == (0.05, 0.15)
    assert "levers.pilot_first" not in by_name and sets == {"levers.pilot_first": 0.0}
    # --params wins over the file: its own range, and a name the file fixes is varied.
    factors, sets = sa.choose_factors(
        load(path), "levers.training=0.1:0.3,levers.pilot_first,org.employees=100:300", {}
    )
    assert [(f.name, f.lo, f.hi) for f in factors] == [
        ("levers.training", 0.1, 0.3),
        ("levers.pilot_first", 0.0, 1.0),
        ("org.employees", 100.0, 300.0),
    ]
    assert sets == {}


def test_points_plan_seeds_runs_like_any_batch_and_reruns_each_cell():
    points = [{"levers.training": 0.25, "org.employees": 150}, {"levers.training": 1.0}]
    plan = make_points_plan("baseline", points, 3, 99, sets={"run.weeks": 40})
    assert [r.seed for r in plan.runs] == run_seeds(99, 6)
    assert [(r.cell, r.replicate) for r in plan.runs] == [(c, k) for c in (0, 1) for k in range(3)]
    assert plan.cells[0].swept == (("levers.training", 0.25), ("org.employees", 150))
    for run in plan.runs:
        words = run.rerun.split()
        sets = dict(parse_assignment(w) for w in words[words.index("--seed") + 3 :: 2])
        assert load("baseline").params.with_updates(sets) == plan.cells[run.cell].params


def test_whole_number_factors_are_rounded_before_running():
    factors = (sa.Factor("org.employees", 100.0, 300.0), sa.Factor("levers.training", 0.0, 1.0))
    design = sa.Design("baseline", "morris", 4, 1, 5, factors)
    values = sa.points(design, sa.sample(design))
    assert all(isinstance(p["org.employees"], int) for p in values)
    assert all(isinstance(p["levers.training"], float) for p in values)


def test_the_sample_repeats_from_the_root_seed_and_differs_between_seeds():
    factors = tuple(sa.Factor(n, 0.0, 1.0) for n in LEVERS[:3])
    one, again, other = (sa.Design("baseline", "sobol", 8, 1, s, factors) for s in (1, 1, 2))
    assert np.array_equal(sa.sample(one), sa.sample(again))
    assert not np.array_equal(sa.sample(one), sa.sample(other))


def test_missing_weeks_count_as_after_the_run_unless_never_needed():
    summary = pd.DataFrame(
        {
            "payback_week": pd.array([30, None, None], dtype="Int64"),
            "cum_profit_delta": [5.0, -1.0, 2.0],  # the third never went negative
            "recovery_week": pd.array([None, 40, None], dtype="Int64"),
            "dip_bottom_week": pd.array([10, 20, None], dtype="Int64"),  # the third: no dip
            "success": pd.array([True, False, True], dtype="boolean"),
        }
    )
    horizon = pd.Series([100, 100, 100])
    payback = sa.output_values(summary, "payback_week", horizon)
    assert list(payback["value"]) == [30.0, 101.0, 0.0]
    assert list(payback["censored"]) == [False, True, False]
    recovery = sa.output_values(summary, "recovery_week", horizon)
    assert list(recovery["value"]) == [101.0, 40.0, 0.0]
    assert list(sa.output_values(summary, "success", horizon)["value"]) == [1.0, 0.0, 1.0]


# --------------------------------------------------------------------------- CLI
def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


SMALL = ["--set", "org.employees=150", "--set", "run.weeks=104"]


@pytest.mark.slow
def test_lever_ranking_is_stable_across_two_root_seeds(tmp_path):
    # 150 employees over two years (104 weeks; at 60-80 weeks top-management support
    # and training are too close to separate with a test-sized sample), Morris with
    # 8 trajectories x 3 replicates = 240 runs per seed, final adoption.
    # "Stable" = the same top lever with root seeds 1 and 2, and a Spearman rank
    # correlation >= 0.7 between the two rankings, where the levers not clear of the
    # replicate noise share one tied rank (their order is noise by construction).
    # Seeds 1-4 gave the same top lever in every pair and correlations 0.75-1.0.
    tables = []
    for seed in (1, 2):
        out = tmp_path / f"seed{seed}"
        result = invoke("sensitivity", "baseline", "--method", "morris", "--samples", 8,
                        "-n", 3, *SMALL, "--seed", seed, "-j", 2, "--out", out)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        assert "Morris elementary effects of final_adoption" in result.stdout
        for name in ("indices-final_adoption.csv", "points-final_adoption.csv",
                     "tornado-final_adoption.png", "morris-final_adoption.png"):  # fmt: skip
            assert (out / name).is_file(), name
        tables.append(pd.read_csv(out / "indices-final_adoption.csv"))
    first, second = tables
    assert first["parameter"].iloc[0] == second["parameter"].iloc[0]
    ranks_1 = sa.noise_tied_ranks(first)
    ranks_2 = sa.noise_tied_ranks(second).reindex(ranks_1.index)
    assert spearmanr(ranks_1, ranks_2).statistic >= 0.7
    assert first["clear_of_noise"].iloc[0] and second["clear_of_noise"].iloc[0]

    # Another output of the same runs: analysis only, nothing recomputed.
    out = tmp_path / "seed1"
    result = invoke("sensitivity", "--resume", "--out", out, "--output", "success")
    assert result.exit_code == 0, result.stderr
    assert (out / "indices-success.csv").is_file()
    manifest = RunStore.open(out).manifest
    assert manifest["sessions"][-1]["computed"] == 0
    assert manifest["analyses"]["success"]["replicates"] == 3


def test_sobol_command_writes_indices_interactions_and_both_charts(tmp_path):
    out = tmp_path / "sobol"
    result = invoke("sensitivity", "baseline", "--method", "sobol", "--samples", 4,
                    "--params", "levers.top_management_support,levers.training=0.2:0.8",
                    "-n", 2, "--set", "org.employees=60", "--set", "run.weeks=60",
                    "--seed", 5, "-j", 1, "--format", "svg", "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    indices = pd.read_csv(out / "indices-final_adoption.csv")
    assert set(indices["parameter"]) == {"levers.top_management_support", "levers.training"}
    assert {"S1", "S1_conf", "ST", "ST_conf", "noise_share", "noise_floor"} <= set(indices)
    assert len(pd.read_csv(out / "second_order-final_adoption.csv")) == 1
    assert (out / "tornado-final_adoption.svg").is_file()
    assert (out / "sobol-final_adoption.svg").is_file()
    points = pd.read_csv(out / "points-final_adoption.csv")
    assert len(points) == 4 * (2 * 2 + 2) and (points["n"] == 2).all()
    command = RunStore.open(out).manifest["command"]
    assert "levers.training=0.2:0.8" in " ".join(command) and "--seed" in command


def test_levers_command_moves_each_lever_with_bands(tmp_path):
    out = tmp_path / "levers"
    result = invoke("levers", "baseline", "--steps", 2, "-n", 2, "--set", "org.employees=60",
                    "--set", "run.weeks=30", "--seed", 3, "-j", 1, "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(out / "levers.csv")
    assert len(table) == 9 * 2 and set(table["lever"]) == set(LEVERS)
    assert (table["success_lo"] <= table["success_rate"]).all()
    assert (table["success_rate"] <= table["success_hi"]).all()
    assert (table["adoption_q05"] <= table["adoption_median"]).all()
    assert (table["adoption_median"] <= table["adoption_q95"]).all()
    assert len(pd.read_csv(out / "swings.csv")) == 9
    assert (out / "levers.png").is_file()
    assert "One lever at a time" in result.stdout


def test_levers_with_common_seeds_pair_every_lever_value(tmp_path):
    out = tmp_path / "crn"
    result = invoke("levers", "baseline", "--steps", 2, "-n", 3, "--set", "org.employees=60",
                    "--set", "run.weeks=30", "--seed", 3, "-j", 1, "--common-seeds",
                    "--out", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    plan = pd.read_parquet(out / "plan.parquet")
    seeds = plan.groupby("cell")["seed"].apply(tuple)
    assert seeds.nunique() == 1 and len(seeds.iloc[0]) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["common_seeds"] is True and "--common-seeds" in manifest["command"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["sensitivity", "baseline", "--method", "sobol", "--samples", "100"], "power of two"),
        (["sensitivity", "baseline", "--method", "morris", "--samples", "1"], "at least 2"),
        (["sensitivity", "baseline", "--method", "anova"], "'anova' is not one of"),
        (["sensitivity", "baseline", "--params", "levers.trainin"], "did you mean levers.training"),
        (["sensitivity", "baseline", "--params", "levers.training=0.8:0.2"], "give lo < hi"),
        (["sensitivity", "baseline", "--params", "levers.training=0:2"], "out of range"),
        (["sensitivity", "baseline", "--params", "levers.training=a:b"], "lo:hi"),
        (["sensitivity", "baseline", "--params", "levers.training,"], "empty entry"),
        (["sensitivity", "baseline", "--output", "final_adoptin"], "did you mean final_adoption"),
        (
            [
                "sensitivity",
                "baseline",
                "--params",
                "levers.training",
                "--set",
                "levers.training=0.5",
            ],
            "both fixed",
        ),  # fmt: skip
        (["sensitivity", "baseline", "-j", "2", "--scheduler", "tcp://h:1"], "exclude each other"),
        (["sensitivity", "baseline", "--format", "gif"], "'gif' is not one of"),
        (["sensitivity", "nosuch"], "unknown scenario"),
        (["sensitivity"], "give a scenario"),
        (["sensitivity", "--resume"], "--resume needs --out"),
        (["levers", "baseline", "--steps", "1"], "--steps"),
        (["levers", "baseline", "--set", "levers.training=2"], "out of range"),
        (["levers"], "give a scenario"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(args, fragment, tmp_path):
    out = [] if "--resume" in args else ["--out", tmp_path / "never"]
    result = invoke(*args, *out)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error:"), result.stderr
    assert fragment in lines[0]
    assert not (tmp_path / "never").exists()


def test_resume_of_a_directory_without_an_analysis_is_refused(tmp_path):
    result = invoke("sensitivity", "--resume", "--out", tmp_path)
    assert result.exit_code == 2 and "holds no batch" in result.stderr
