"""ABC-SMC with pyabc: the unknowns' posterior given a firm's observed weeks.

The model simulates the firm (its scenario, the unknowns drawn from their
priors) up to its last observed week; the summary statistics are the
simulated values at exactly the observed weeks and columns (one statistic
per observed cell). The distance is pyabc's adaptive weighted Euclidean
distance (Prangle 2017): each statistic is divided by its median absolute
deviation across the generation's simulations (refitted every generation),
so shares, profit and milestones count on one footing; the scale is never
below :data:`SCALE_FLOOR`, so a week whose value barely varies (the weeks
around go-live, a profit figure rounded to three decimals) does not swamp
the rest. Each particle also carries the seed of its simulation
(weight 0 in the distance), so the forecast continues the very path that
was accepted.

Generations run one at a time (:func:`run_abc`): each is seeded from
``SeedSequence([seed, t])``, progress is printed after each, and everything
is stored in pyabc's SQLite database; calling again on the same database
continues from the last finished generation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from crmsim.fit.data import BY_NAME, Observations
from crmsim.fit.problem import Prior
from crmsim.params import ParamSet

if TYPE_CHECKING:
    import pandas as pd

DB_NAME = "fit.db"
"""pyabc's database in the fit folder."""

SEED_KEY = "seed"
"""The statistic holding a particle's simulation seed (weight 0)."""

SCALE_FLOOR = 0.02
"""No statistic's scale counts as smaller than this (two points of a share): the
model is a stylised firm, so a week it matches to a hair is not evidence worth
more than one it misses by a point or two."""


def floored_mad(*, samples: np.ndarray, **_: Any) -> np.ndarray:
    """The scale of each statistic: its median absolute deviation, at least SCALE_FLOOR."""
    mad = np.median(np.abs(samples - np.median(samples, axis=0)), axis=0)
    return np.maximum(mad, SCALE_FLOOR)


def key(name: str) -> str:
    """A parameter name as pyabc stores it (dots are not safe in its tables)."""
    return name.replace(".", "__")


def stat_key(column: str, week: int) -> str:
    """The statistic of one observed cell, e.g. ``active_share@12``."""
    return f"{column}@{week}"


def sim_value(column: str, ts: Any, week: int) -> float:
    """A data column's simulated value in week ``week`` of a weekly record."""
    v = float(ts[BY_NAME[column].record][week])
    return 1.0 + v if column == "profit_index" else v


class Simulator:
    """The model pyabc calls: unknowns in, the simulated observed cells out (picklable).

    Args:
        params: The scenario's parameter values.
        priors: The unknowns.
        cells: The observed cells, ``(column, week)``.
    """

    def __init__(self, params: ParamSet, priors: Sequence[Prior],
                 cells: Sequence[tuple[str, int]]) -> None:  # fmt: skip
        self.weeks = max(w for _, w in cells)
        self.params = params.with_updates({"run.weeks": self.weeks})
        self.names = [p.name for p in priors]
        self.cells = list(cells)

    def run(self, theta: dict[str, float], seed: int) -> dict[str, np.ndarray]:
        """The weekly record, by column, of one simulation."""
        from crmsim.engine import Engine

        engine = Engine(self.params.with_updates(theta), rng=seed)
        engine.run()
        ts = engine.timeseries()
        return {c: ts[c].to_numpy() for c in ("engaged", "trying", "rejecting", "profit_rel",
                                               "milestone")}  # fmt: skip

    def __call__(self, particle: dict[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))  # pyabc's generator, seeded per generation
        theta = {n: float(particle[key(n)]) for n in self.names}
        ts = self.run(theta, seed)
        out = {stat_key(c, w): sim_value(c, ts, w) for c, w in self.cells}
        out[SEED_KEY] = float(seed)
        return out


def observed_stats(obs: Observations) -> dict[str, float]:
    """The observed cells as pyabc's observed summary statistics."""
    out = {stat_key(c, w): v for c, w, v in obs.pairs()}
    out[SEED_KEY] = 0.0
    return out


@dataclass(frozen=True)
class Settings:
    """How long and how wide the search runs.

    Attributes:
        particles: Particles per generation.
        budget: Simulations in all (the search stops at the first generation
            ending at or past it).
        min_acceptance: A generation that needs more than ``particles /
            min_acceptance`` simulations is abandoned and the search stops
            (local samplers; Dask's sampler does not bound a generation).
        generations: Most generations.
        seed: Root seed.
    """

    particles: int = 300
    budget: int = 20_000
    generations: int = 12
    min_acceptance: float = 0.05
    seed: int = 1


@dataclass(frozen=True)
class Generation:
    """One finished generation, for progress lines."""

    t: int
    epsilon: float
    particles: int
    samples: int
    total: int

    @property
    def acceptance(self) -> float:
        """Accepted share of the generation's simulations."""
        return self.particles / self.samples if self.samples else 0.0

    def line(self) -> str:
        """One progress line."""
        total = f", {self.total} simulations in all" if self.total >= 0 else ""
        return (f"generation {self.t}: epsilon {self.epsilon:.4g}, {self.particles} particles "
                f"accepted of {self.samples} ({self.acceptance:.1%}){total}")  # fmt: skip


def _sampler(workers: int, scheduler: str | None) -> Any:
    import pyabc

    if scheduler is not None:
        from distributed import Client

        return pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler), batch_size=20)
    # check_max_eval: a generation stops at particles / min_acceptance simulations
    if workers <= 1:
        return pyabc.sampler.SingleCoreSampler(check_max_eval=True)
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers, check_max_eval=True)


class _Progress(logging.Handler):
    """Turns pyabc's log lines into one progress line per generation."""

    def __init__(self, report: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report
        self.eps = float("nan")

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if m := re.match(r"t: (-?\d+), eps: (\S+)\.$", text):
            self.t, self.eps = int(m.group(1)), float(m.group(2))
        elif m := re.match(r"Accepted: (\d+) / (\d+) ", text):
            accepted, samples = int(m.group(1)), int(m.group(2))
            self.report(Generation(self.t, self.eps, accepted, samples, -1).line())
        elif text.startswith("Stopping: sample not ok"):
            self.report(f"generation {self.t} abandoned: it would accept under the minimum "
                        "share of its simulations; the search stops at the last one")  # fmt: skip


@contextmanager
def _logging_to(report: Callable[[str], None]) -> Iterator[None]:
    """pyabc's log, shown as progress lines and nothing else, while the block runs."""
    log = logging.getLogger("ABC")
    saved = (log.handlers[:], log.level, log.propagate)
    log.handlers, log.propagate = [_Progress(report)], False
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.handlers, log.level, log.propagate = saved[0], saved[1], saved[2]


def generations(history: Any) -> list[Generation]:
    """The finished generations stored in a history."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    total = int(history.total_nr_simulations)
    return [
        Generation(int(r.t), float(r.epsilon), int(r.particles), int(r.samples), total)
        for r in pops.itertuples()
    ]


def run_abc(
    params: ParamSet,
    priors: Sequence[Prior],
    obs: Observations,
    db: Path,
    settings: Settings,
    workers: int = 1,
    scheduler: str | None = None,
    report: Callable[[str], None] = lambda _: None,
) -> Any:
    """Run (or continue) the ABC-SMC search; return pyabc's ``History``.

    Args:
        params: The scenario's parameter values.
        priors: The unknowns and their priors.
        obs: The observed weeks.
        db: pyabc's SQLite database; an existing one is continued from its
            last finished generation.
        settings: Particles, budget, generations, seed.
        workers: Local processes (1: this one, reproducible from the seed).
        scheduler: A Dask scheduler's address (then ``workers`` is ignored).
        report: Called with one line per finished generation.
    """
    import pyabc

    cells = [(c, w) for c, w, _ in obs.pairs()]
    observed = observed_stats(obs)
    weights = {k: 1.0 for k in observed}
    weights[SEED_KEY] = 0.0
    distance = pyabc.AdaptivePNormDistance(p=2, fixed_weights=weights,
                                           scale_function=floored_mad)  # fmt: skip
    prior = pyabc.Distribution(**{key(p.name): p.rv() for p in priors})
    with _logging_to(report):
        sampler = _sampler(workers, scheduler)
        try:
            abc = pyabc.ABCSMC(Simulator(params, priors, cells), prior, distance,
                               population_size=settings.particles, sampler=sampler)  # fmt: skip
            url = f"sqlite:///{db}"
            history = abc.load(url, 1) if db.exists() else abc.new(url, observed)
            done = generations(history)
            for g in done:
                report(g.line() + " (stored)")
            if _finished(done, settings):
                return history
            t = done[-1].t + 1 if done else 0
            np.random.seed(np.random.SeedSequence([settings.seed, t]).generate_state(1)[0])
            return abc.run(
                max_nr_populations=settings.generations - len(done),
                max_total_nr_simulations=settings.budget,
                min_acceptance_rate=settings.min_acceptance,
            )
        finally:
            if scheduler is not None:
                sampler.client.close()  # the cluster stays; this process's connection goes


def _finished(done: list[Generation], s: Settings) -> bool:
    if not done:
        return False
    last = done[-1]
    return (len(done) >= s.generations or last.total >= s.budget
            or last.acceptance < s.min_acceptance)  # fmt: skip


@dataclass(frozen=True)
class Posterior:
    """The last generation's particles.

    Attributes:
        names: The unknowns, in order.
        values: One row per particle, one column per unknown.
        weights: The particles' weights (summing to 1).
        seeds: Each particle's simulation seed.
        generation: The generation they come from.
    """

    names: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    seeds: np.ndarray
    generation: int

    def frame(self) -> pd.DataFrame:
        """The particles as a table: unknowns, weight and seed."""
        import pandas as pd

        df = pd.DataFrame(self.values, columns=list(self.names))
        df["weight"] = self.weights
        df["seed"] = self.seeds
        return df


def posterior(history: Any, names: Sequence[str]) -> Posterior:
    """The particles of the last finished generation, with their seeds."""
    t = history.max_t
    pop = history.get_population(t)
    particles = pop.particles
    values = np.array([[float(p.parameter[key(n)]) for n in names] for p in particles])
    weights = np.array([p.weight for p in particles], dtype=float)
    seeds = np.array([int(p.sum_stat[SEED_KEY]) for p in particles], dtype=np.int64)
    return Posterior(tuple(names), values, weights / weights.sum(), seeds, int(t))
