"""The posterior predictive: the forecast to the horizon, and what each action would change.

Forecast draws are particles of the last generation, resampled by weight
with a generator seeded from ``SeedSequence([seed, 1])``. Each draw reruns
its particle's own simulation (same unknowns, same seed) to the horizon: the
weeks up to the last observed one are the very path ABC accepted, the weeks
after it are the forecast. The actions reuse the draw's seed too (common
random numbers): arm and baseline see the same random numbers, so their
difference is the action's effect on that draw, not noise. Every figure is
an average over the whole posterior (no single "best" parameter set), so a
recommendation never rests on an unknown the data do not pin down.

The intervals of the probabilities and of the actions' effects are those of
an estimate from the draws, and the draws are no more independent than the
particles they are drawn from: ABC-SMC's particles carry unequal weights, so
300 of them can count as a few dozen (Kish's effective sample size, ESS =
1 / sum of squared weights). The variance of a mean over the draws is the
posterior sample's, p(1 - p) / ESS, plus the resampling's, p(1 - p) / draws;
the bootstrap resamples :attr:`Prediction.effective_draws` =
1 / (1 / ESS + 1 / draws) of them so that its spread is that sum (an
m-out-of-n bootstrap). Two searches of the same data then differ by about
what their intervals say, not by several times it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from crmsim.fit.infer import Posterior
from crmsim.params import ParamSet, lookup

SERIES: tuple[tuple[str, str], ...] = (
    ("active_share", "engaged"),
    ("adoption", "adoption"),
    ("rejecting_share", "rejecting"),
    ("profit_index", "profit_rel"),
)
"""Forecast series: name, weekly record column (profit_index is 1 + profit_rel)."""

BANDS = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles drawn in the fan chart: the 90 % and 50 % bands and the median."""


@dataclass(frozen=True)
class Arm:
    """An action: raise one parameter by a step after the last observed week."""

    name: str
    value: float


def _one(params: ParamSet, theta: dict[str, float], seed: int, horizon: int,
         week: int, arm: Arm | None) -> tuple[np.ndarray, bool, bool, float]:  # fmt: skip
    from crmsim.engine import Engine
    from crmsim.results import summarise

    p = params.with_updates({**theta, "run.weeks": horizon})
    engine = Engine(p, rng=seed)
    if arm is None:
        engine.run()
    else:
        engine.run(week)
        engine.intervene({arm.name: arm.value}, label="crmsim fit action")
        engine.run(horizon - week)
    ts = engine.timeseries()
    s = summarise(ts, engine.events, p["outcome.success_adoption"])
    series = np.vstack([ts[col].to_numpy() + (1.0 if n == "profit_index" else 0.0)
                        for n, col in SERIES])  # fmt: skip
    payback = s["payback_week"] is not None and s["payback_week"] <= horizon
    return series, bool(s["success"]), bool(payback), float(s["final_adoption"])


def _draw_job(job: tuple) -> tuple:
    params, theta, seed, horizon, week, arms = job
    base = _one(params, theta, seed, horizon, week, None)
    rest = [_one(params, theta, seed, horizon, week, a)[1:] for a in arms]
    return base, rest


@dataclass(frozen=True)
class Prediction:
    """The posterior predictive of every draw, for the baseline and each action.

    Attributes:
        series: ``(draws, len(SERIES), horizon + 1)`` weekly values, baseline.
        success: ``(draws,)`` success by the horizon, baseline.
        payback: ``(draws,)`` payback by the horizon, baseline.
        final_adoption: ``(draws,)``, baseline.
        arms: The actions tried.
        arm_success: ``(draws, arms)``.
        arm_adoption: ``(draws, arms)`` final adoption.
        thetas: ``(draws, unknowns)`` the draws' unknowns.
        seeds: ``(draws,)`` the draws' simulation seeds.
        effective_particles: The posterior's effective sample size (Kish's,
            from the particles' weights); infinite when not known.
    """

    series: np.ndarray
    success: np.ndarray
    payback: np.ndarray
    final_adoption: np.ndarray
    arms: tuple[Arm, ...]
    arm_success: np.ndarray
    arm_adoption: np.ndarray
    thetas: np.ndarray
    seeds: np.ndarray
    effective_particles: float = float("inf")

    @property
    def effective_draws(self) -> float:
        """How many independent draws the draws are worth: 1 / (1 / ESS + 1 / draws)."""
        return 1.0 / (1.0 / self.effective_particles + 1.0 / len(self.success))


def effective_size(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted particles: (sum w)^2 / sum w^2."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum())


def make_arms(params: ParamSet, actions: Sequence[str], step: float) -> list[Arm]:
    """Each action raised by ``step`` from its current value, capped at its range's top."""
    return [Arm(n, min(float(params[n]) + step, float(lookup(n).hi))) for n in actions]


def predict(
    params: ParamSet,
    post: Posterior,
    arms: Sequence[Arm],
    week: int,
    horizon: int,
    draws: int,
    seed: int,
    workers: int = 1,
) -> Prediction:
    """Run the posterior predictive: ``draws`` particles, the baseline and every arm.

    Args:
        params: The scenario's values.
        post: The posterior particles.
        arms: Actions to try, each from ``week`` on.
        week: The last observed week.
        horizon: The last week forecast.
        draws: Particles drawn (by weight, with replacement).
        seed: Root seed of the draw.
        workers: Local processes.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    idx = rng.choice(len(post.weights), size=draws, p=post.weights)
    thetas = post.values[idx]
    seeds = post.seeds[idx]
    jobs = [
        (params, dict(zip(post.names, map(float, th), strict=True)), int(sd), horizon, week,
         tuple(arms))
        for th, sd in zip(thetas, seeds, strict=True)
    ]  # fmt: skip
    if workers > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            results = list(pool.map(_draw_job, jobs, chunksize=max(1, len(jobs) // (4 * workers))))
    else:
        results = [_draw_job(j) for j in jobs]
    n_arms = len(arms)
    return Prediction(
        series=np.stack([r[0][0] for r in results]),
        success=np.array([r[0][1] for r in results]),
        payback=np.array([r[0][2] for r in results]),
        final_adoption=np.array([r[0][3] for r in results]),
        arms=tuple(arms),
        arm_success=np.array([[a[0] for a in r[1]] for r in results]).reshape(draws, n_arms),
        arm_adoption=np.array([[a[2] for a in r[1]] for r in results]).reshape(draws, n_arms),
        thetas=thetas,
        seeds=seeds,
        effective_particles=effective_size(post.weights),
    )


def bands(pred: Prediction) -> Any:
    """The fan chart's table: week, series and each quantile of :data:`BANDS`."""
    import pandas as pd

    q = np.quantile(pred.series, BANDS, axis=0)  # (bands, series, weeks)
    weeks = np.arange(pred.series.shape[2])
    rows = {"week": np.tile(weeks, len(SERIES)),
            "series": np.repeat([n for n, _ in SERIES], len(weeks))}  # fmt: skip
    for i, b in enumerate(BANDS):
        rows[f"q{int(b * 100):02d}"] = q[i].reshape(-1)
    return pd.DataFrame(rows)


def _mean_interval(x: np.ndarray, rng: np.random.Generator, effective: float,
                   n: int = 2000) -> tuple[float, float]:  # fmt: skip
    """A 90 % bootstrap interval of the mean of ``x``, worth ``effective`` independent values."""
    m = max(1, min(len(x), round(effective)))
    means = x[rng.integers(0, len(x), size=(n, m))].mean(axis=1)
    return float(np.quantile(means, 0.05)), float(np.quantile(means, 0.95))


def outlook(pred: Prediction, seed: int) -> dict[str, float]:
    """P(success) and P(payback) by the horizon, with 90 % intervals of the estimate.

    Also the posterior's effective sample size (``effective_particles``) and
    what the draws are worth (``effective_draws``), which set the intervals.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    out: dict[str, float] = {"draws": len(pred.success),
                             "effective_particles": round(pred.effective_particles, 1),
                             "effective_draws": round(pred.effective_draws, 1)}  # fmt: skip
    for name, x in (("success", pred.success), ("payback", pred.payback)):
        lo, hi = _mean_interval(x.astype(float), rng, pred.effective_draws)
        out.update({f"p_{name}": float(x.mean()), f"p_{name}_lo": lo, f"p_{name}_hi": hi})
    fa = pred.final_adoption
    out.update({"final_adoption_median": float(np.median(fa)),
                "final_adoption_lo": float(np.quantile(fa, 0.05)),
                "final_adoption_hi": float(np.quantile(fa, 0.95))})  # fmt: skip
    return out


def actions_table(pred: Prediction, params: ParamSet, seed: int) -> Any:
    """What each action changes, ranked: success probability first, then final adoption.

    Columns: action, from, to, p_success (with the action), d_success (the
    change in success probability) with its 90 % interval, d_adoption (mean
    change in final adoption) with the 90 % interval of the draws' changes,
    p_helps (share of draws whose final adoption rises).
    """
    import pandas as pd

    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    rows = []
    for j, arm in enumerate(pred.arms):
        ds = pred.arm_success[:, j].astype(float) - pred.success.astype(float)
        da = pred.arm_adoption[:, j] - pred.final_adoption
        lo, hi = _mean_interval(ds, rng, pred.effective_draws)
        rows.append({
            "action": arm.name, "label": lookup(arm.name).label,
            "from": float(params[arm.name]), "to": arm.value,
            "p_success": float(pred.arm_success[:, j].mean()),
            "d_success": float(ds.mean()), "d_success_lo": lo, "d_success_hi": hi,
            "d_adoption": float(da.mean()), "d_adoption_lo": float(np.quantile(da, 0.05)),
            "d_adoption_hi": float(np.quantile(da, 0.95)), "p_helps": float((da > 0).mean()),
        })  # fmt: skip
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df = df.sort_values(["d_success", "d_adoption"], ascending=False, kind="stable")
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df.reset_index(drop=True)
