"""Benchmark of ``crmsim fit`` (not a test: it measures; docs/fit.md holds its numbers).

Its parts:

* **speed**: the bundled example (500 employees, 26 weeks observed, 23 of
  them measured) with its five unknowns, the command's default settings, the
  whole command (search, forecast, actions, files) on ``--workers`` local
  processes (default 2); wall time.
* **recovery**: the same fit's posterior against the example's truth
  (``scenarios/fit/example_truth.toml``): does each 90 % interval hold the
  true value, and does the 90 % forecast band hold the true run's weeks 27
  to 156 (``scripts/make_fit_example.py`` rebuilds that run)?
* **coverage**: simulation-based calibration, ``--firms`` synthetic firms
  drawn from the prior (:mod:`crmsim.fit.coverage`), each fitted on its first
  26 weeks: how often 90 % intervals hold the true unknowns, how often the
  90 % band holds the held-out weeks, each with a 95 % bootstrap interval
  over firms. ``--part figures --from DIR`` recomputes these figures from a
  finished (or stopped) check's ``unknowns.csv`` and ``forecast.csv``.
* **own-runs**: is the example's true run a tail path of its own true
  parameters? ``--seeds`` runs of the true unknowns to week 156; those whose
  first 26 weeks lie as close to the data as 90 % of the fit's accepted
  particles (the fit's distance, scaled by those particles' spread) are the
  runs the data allow; how they end
  (cancelled, kept without success, success) and how much of their weeks 27
  to 156 the fit's 90 % band (``--fit DIR``, a fit folder of the example)
  holds, beside the posterior predictive's mix.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_fit.py [--part all|speed|coverage]
        [--workers 2] [--firms 20] [--employees 300] [--out runs/bench_fit]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_fit.py --part figures --from DIR
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_fit.py --part own-runs --fit DIR [--seeds 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "fit"


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system).

    On a shared machine the wall time says more about the neighbours than
    about the fit; CPU time / workers is the wall time on a quiet machine.
    """
    import resource

    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def speed_and_recovery(workers: int, out: Path) -> dict:
    """Run the command on the example; time it; check the truth against it."""
    import numpy as np
    from click.testing import CliRunner

    from crmsim.cli import main
    from crmsim.codes import CANCELLED

    sys.path.insert(0, str(ROOT / "scripts"))
    import make_fit_example

    folder = out / f"example-{time.strftime('%Y%m%d-%H%M%S')}"  # new: a timing, not a resume
    args = ["fit", str(EXAMPLE / "example.csv"), "--scenario", str(EXAMPLE / "example.toml"),
            "--workers", str(workers), "--out", str(folder)]  # fmt: skip
    t0, c0 = time.perf_counter(), cpu_seconds()
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    assert result.exit_code == 0, result.output
    import pandas as pd

    truth = tomllib.loads((EXAMPLE / "example_truth.toml").read_text())["truth"]
    table = pd.read_csv(folder / "posterior_summary.csv")
    table["truth"] = table["unknown"].map(truth)
    table["covered"] = (table["lo90"] <= table["truth"]) & (table["truth"] <= table["hi90"])
    bands = pd.read_csv(folder / "forecast_bands.csv")
    _, _, ts = make_fit_example.make()
    later = {}
    for name, col in (("active_share", "engaged"), ("adoption", "adoption"),
                      ("rejecting_share", "rejecting"), ("profit_index", "profit_rel")):  # fmt: skip
        b = bands[(bands["series"] == name) & (bands["week"] > 26)].set_index("week")
        true = ts.set_index("week")[col].loc[b.index] + (1.0 if name == "profit_index" else 0.0)
        later[name] = float(np.mean((true >= b["q05"]) & (true <= b["q95"])))
    outlook = json.loads((folder / "outlook.json").read_text())
    pictures(folder, truth, ts, out)
    return {
        "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "workers": workers,
        "load_average_after": os.getloadavg(),
        "simulations": outlook["simulations"], "generations": outlook["generation"] + 1,
        "posterior": table[["unknown", "truth", "median", "lo90", "hi90", "covered",
                            "learned"]].to_dict("records"),
        "band_holds_later_weeks": later, "p_success": outlook["p_success"],
        "true_final_adoption": float(ts["adoption"].iloc[-1]),
        "true_success": bool(ts["adoption"].iloc[-1] >= outlook["success_adoption"]
                             and ts["status"].iloc[-1] != CANCELLED),
        "top_actions": outlook["actions"][:3],
    }  # fmt: skip


def pictures(folder: Path, truth: dict, ts, out: Path) -> None:
    """docs/img's fit_pairs.png and fit_fan.png: the example's pictures with the truth drawn in."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    import pandas as pd

    from crmsim.batch_plots import save_figure
    from crmsim.fit.infer import Posterior
    from crmsim.fit.plots import fan_chart, pair_plot
    from crmsim.fit.run import prepare

    prep = prepare(EXAMPLE / "example.csv", EXAMPLE / "example.toml")
    names = [p.name for p in prep.priors]
    df = pd.read_csv(folder / "posterior.csv")
    w = df["weight"].to_numpy()
    post = Posterior(tuple(names), df[names].to_numpy(), w / w.sum(), df["seed"].to_numpy(), 0)
    save_figure(pair_plot(post, prep.priors, truth), out / "fit_pairs.png")
    true = pd.DataFrame({"week": ts["week"], "active_share": ts["engaged"],
                         "adoption": ts["adoption"], "rejecting_share": ts["rejecting"],
                         "profit_index": 1.0 + ts["profit_rel"]})  # fmt: skip
    bands = pd.read_csv(folder / "forecast_bands.csv")
    success = float(np.asarray(prep.scenario.params["outcome.success_adoption"]))
    save_figure(fan_chart(bands, prep.obs, success, truth=true), out / "fit_fan.png")


def coverage(firms: int, employees: int, workers: int, out: Path) -> dict:
    """Simulation-based calibration on synthetic firms like the example's."""
    from crmsim.fit.coverage import run_coverage
    from crmsim.fit.infer import Settings
    from crmsim.fit.problem import choose_priors, read_fit_section
    from crmsim.scenario import load

    scenario = load(EXAMPLE / "example.toml")
    params = scenario.params.with_updates({"org.employees": employees})
    priors = choose_priors([], read_fit_section(scenario.path))  # the example's five
    settings = Settings(particles=200, budget=15_000, generations=8, seed=11)
    t0, c0 = time.perf_counter(), cpu_seconds()
    cov = run_coverage(params, priors, firms, settings, draws=100, workers=workers,
                       report=lambda s: print(s, flush=True), keep=out)  # fmt: skip
    figures = cov.figures().round(3)
    by_unknown = cov.unknowns.groupby("unknown")["covered"].mean().round(3).to_dict()
    by_series = cov.forecast.groupby("series")["inside"].mean().round(3).to_dict()
    learned = cov.unknowns.groupby("unknown")["width_ratio"].median().round(3).to_dict()
    return {
        "firms": firms, "employees": employees, "pairs": len(cov.unknowns),
        "interval_coverage": round(cov.interval_coverage, 3),
        "band_coverage": round(cov.band_coverage, 3), "by_unknown": by_unknown,
        "band_by_series": by_series, "median_width_ratio": learned,
        "bootstrap_95_over_firms": figures.to_dict("records"),
        "settings": {"particles": 200, "budget": 15_000, "generations": 8, "draws": 100},
        "seconds": round(time.perf_counter() - t0, 1),
        "cpu_seconds": round(cpu_seconds() - c0, 1),
    }  # fmt: skip


def stored_figures(folder: Path) -> dict:
    """A coverage check's figures, with bootstrap intervals, from its stored tables."""
    import pandas as pd

    from crmsim.fit.coverage import Coverage

    cov = Coverage(pd.read_csv(folder / "unknowns.csv"), pd.read_csv(folder / "forecast.csv"))
    return {
        "from": str(folder),
        "bootstrap_95_over_firms": cov.figures().round(3).to_dict("records"),
    }


def outcome(ts, success_adoption: float) -> str:
    """How a run ends by its last week: cancelled, success, or kept (neither)."""
    from crmsim.codes import CANCELLED

    if int(ts["status"].iloc[-1]) == CANCELLED:
        return "cancelled"
    return "success" if float(ts["adoption"].iloc[-1]) >= success_adoption else "kept"


def own_runs(fit: Path, seeds: int) -> dict:
    """The example's true unknowns over ``seeds`` runs: outcomes and the fit's band over them."""
    import numpy as np
    import pandas as pd
    import pyabc

    from crmsim.engine import Engine
    from crmsim.fit.forecast import SERIES
    from crmsim.fit.infer import SEED_KEY, floored_mad
    from crmsim.fit.run import prepare

    prep = prepare(EXAMPLE / "example.csv", EXAMPLE / "example.toml")
    params = prep.scenario.params
    truth_file = tomllib.loads((EXAMPLE / "example_truth.toml").read_text())
    truth, seed = truth_file["truth"], int(truth_file["seed"])
    success = float(params["outcome.success_adoption"])
    history = pyabc.History(f"sqlite:///{fit / 'fit.db'}", _id=1)
    _, stats = history.get_weighted_sum_stats(t=history.max_t)
    keys = [k for k in stats[0] if k != SEED_KEY]
    row = {"active_share": 0, "rejecting_share": 2, "profit_index": 3}  # rows of SERIES
    cells = [(row[k.split("@")[0]], int(k.split("@")[1])) for k in keys]
    observed = {f"{c}@{w}": v for c, w, v in prep.obs.pairs()}
    obs = np.array([observed[k] for k in keys])
    accepted = np.array([[s[k] for k in keys] for s in stats])
    scale = floored_mad(samples=accepted, s_ids=keys)  # the fit's distance, last generation

    def distance(x: np.ndarray) -> np.ndarray:
        return np.sqrt((((x - obs) / scale) ** 2).sum(axis=-1))

    eps = float(np.quantile(distance(accepted), 0.9))
    bands = pd.read_csv(fit / "forecast_bands.csv")
    later = np.arange(prep.obs.last_week + 1, prep.horizon + 1)
    lo, hi = (np.stack([bands[bands["series"] == n].set_index("week")[q].loc[later]
                        for n, _ in SERIES]) for q in ("q05", "q95"))  # fmt: skip
    run_seeds = [seed, *(int(s) for s in np.random.SeedSequence([seed, 7]).generate_state(seeds))]
    rows = []
    for s in run_seeds:
        engine = Engine(params.with_updates(truth), rng=s)
        engine.run()
        ts = engine.timeseries()
        x = np.vstack([ts[c].to_numpy() + (1.0 if n == "profit_index" else 0.0) for n, c in SERIES])
        inside = ((x[:, later] >= lo - 1e-12) & (x[:, later] <= hi + 1e-12)).mean(axis=1)
        rows.append({"seed": s, "kind": outcome(ts, success),
                     "distance": float(distance(np.array([x[r, w] for r, w in cells]))),
                     **{n: float(v) for (n, _), v in zip(SERIES, inside, strict=True)}})  # fmt: skip
    df = pd.DataFrame(rows)
    example, runs = df.iloc[0], df.iloc[1:]
    near = runs[runs["distance"] <= eps]
    post = pd.read_csv(fit / "posterior.csv")
    manifest = json.loads((fit / "manifest.json").read_text())
    rng = np.random.default_rng(np.random.SeedSequence([manifest["seed"], 1]))  # as predict()
    draws = manifest["settings"]["draws"]
    drawn = rng.choice(len(post), size=draws, p=post["weight"] / post["weight"].sum())
    kinds = []
    for i in drawn:
        theta = {n: float(post[n].iloc[i]) for n in truth}
        engine = Engine(params.with_updates(theta), rng=int(post["seed"].iloc[i]))
        engine.run()
        kinds.append(outcome(engine.timeseries(), success))
    names = [n for n, _ in SERIES]
    return {
        "fit": str(fit), "seeds": seeds, "epsilon_q90_of_accepted": round(eps, 3),
        "example_run": {"kind": example["kind"], "distance": round(float(example["distance"]), 3),
                        "band_holds": {n: round(float(example[n]), 3) for n in names}},
        "all_runs": {"kinds": runs["kind"].value_counts(normalize=True).round(3).to_dict(),
                     "band_holds": {n: round(float(runs[n].mean()), 3) for n in names}},
        "runs_near_the_data": {
            "runs": len(near),
            "kinds": near["kind"].value_counts(normalize=True).round(3).to_dict(),
            "band_holds": {n: round(float(near[n].mean()), 3) for n in names},
            "band_holds_by_kind": near.groupby("kind")[names].mean().round(3).to_dict("index"),
            "share_holding_no_more_than_the_example": {
                n: round(float((near[n] <= example[n] + 1e-12).mean()), 4) for n in names},
        },
        "posterior_predictive_kinds": pd.Series(kinds).value_counts(normalize=True).round(3).to_dict(),
        "posterior_predictive_distinct_particles": int(len(set(drawn))),
    }  # fmt: skip


def main() -> None:
    """Run the chosen parts; print and store the results as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("all", "speed", "coverage", "figures", "own-runs"),
                    default="all")  # fmt: skip
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--firms", type=int, default=20)
    ap.add_argument("--employees", type=int, default=300)
    ap.add_argument("--out", type=Path, default=Path("runs") / "bench_fit")
    ap.add_argument("--from", dest="source", type=Path, help="figures: a coverage check's folder")
    ap.add_argument("--fit", type=Path, help="own-runs: a fit folder of the example")
    ap.add_argument("--seeds", type=int, default=2000, help="own-runs: runs of the truth")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    res: dict = {"machine": f"{platform.processor() or platform.machine()}, "
                            f"{os.cpu_count()} cores"}  # fmt: skip
    if a.part in ("all", "speed"):
        res["speed_and_recovery"] = speed_and_recovery(a.workers, a.out)
        print(json.dumps(res["speed_and_recovery"], indent=1, default=str), flush=True)
    if a.part == "figures":
        res["figures"] = stored_figures(a.source or a.out)
        print(json.dumps(res["figures"], indent=1), flush=True)
    if a.part == "own-runs":
        if a.fit is None:
            ap.error("--part own-runs needs --fit DIR (a fit folder of the example)")
        res["own_runs"] = own_runs(a.fit, a.seeds)
        print(json.dumps(res["own_runs"], indent=1), flush=True)
    if a.part in ("all", "coverage"):
        res["coverage"] = coverage(a.firms, a.employees, a.workers, a.out)
        print(json.dumps(res["coverage"], indent=1), flush=True)
    (a.out / f"results-{a.part}.json").write_text(json.dumps(res, indent=1, default=str))


if __name__ == "__main__":
    main()
