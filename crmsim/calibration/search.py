"""The search: an optuna study, stored in the run directory, with proposals fixed by the seed.

Trials are proposed and run in batches of ``batch`` trials: trial *n*
belongs to the batch starting at ``start = batch * (n // batch)``; its
proposal comes from a fresh :class:`optuna.samplers.TPESampler` seeded with
``seed + n`` that sees exactly the trials numbered below ``start``. A
proposal is therefore a function of (seed, trial number, earlier batches)
alone, and a study interrupted and resumed (or stopped at one budget and
continued to a larger one) holds the same trials as one run straight
through. Only finished trials enter the stored study (``study.journal``, an
optuna journal file); the runs of a batch are stored by the batch engine
under ``evals/`` and resumed from there.

Each trial is scored by :func:`crmsim.validation.distance`: how far each
target's estimate lies outside its band, in band widths; the trial's value
is the sum (0 exactly when every estimate is inside its band).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from crmsim.calibration.config import Config
from crmsim.files import make_dirs
from crmsim.validation import Row, RunDirectory, Subject, Target, distance, measure_subjects

STUDY_NAME = "crmsim-calibrate"
STUDY_FILE = "study.journal"


def _optuna() -> Any:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


def distributions(config: Config) -> dict[str, Any]:
    """The search space as optuna distributions."""
    optuna = _optuna()
    out: dict[str, Any] = {}
    for f in config.free:
        if f.integer:
            out[f.name] = optuna.distributions.IntDistribution(int(f.lo), int(f.hi))
        else:
            out[f.name] = optuna.distributions.FloatDistribution(f.lo, f.hi)
    return out


def open_study(out: Path) -> Any:
    """The stored study in ``out`` (created when new)."""
    optuna = _optuna()
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    make_dirs(out)
    storage = JournalStorage(JournalFileBackend(str(out / STUDY_FILE)))
    return optuna.create_study(
        study_name=STUDY_NAME, storage=storage, direction="minimize", load_if_exists=True
    )


def propose(config: Config, history: Sequence[Any], number: int) -> dict[str, Any]:
    """Trial ``number``'s parameter values, from the earlier batches' trials alone."""
    optuna = _optuna()
    sampler = optuna.samplers.TPESampler(
        seed=config.seed + number, n_startup_trials=config.startup, multivariate=True
    )
    scratch = optuna.create_study(direction="minimize", sampler=sampler)
    scratch.add_trials(list(history))
    return dict(scratch.ask(distributions(config)).params)


def _clean(x: float) -> float | None:
    return None if x is None or math.isnan(x) or math.isinf(x) else float(x)


def trial_record(rows: Sequence[Row]) -> tuple[float, dict[str, Any]]:
    """A trial's value (sum of distances) and its per-target details (user attributes)."""
    dist = {r.target.id: distance(r.target, r.estimate.value) for r in rows}
    attrs = {
        "value": {r.target.id: _clean(r.estimate.value) for r in rows},
        "lo": {r.target.id: _clean(r.estimate.lo) for r in rows},
        "hi": {r.target.id: _clean(r.estimate.hi) for r in rows},
        "distance": dist,
        "verdict": {r.target.id: r.verdict for r in rows},
    }
    return float(sum(dist.values())), attrs


def run_study(
    config: Config,
    targets: Sequence[Target],
    out: Path,
    command: Sequence[str],
    extra: Mapping[str, Any] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Any = None,
    report: Callable[[str], None] = lambda text: None,
) -> tuple[Any, bool]:
    """Run trials until the study holds ``config.budget`` of them.

    Each batch of trials is one validation run directory under ``out/evals``
    (kind ``crmsim calibrate evaluation``), resumed when it is already there.

    Args:
        config: The checked calibration config.
        targets: The targets every trial is measured against.
        out: The calibration directory (``study.db``, ``evals/``).
        command: The calibrate command line (recorded in each evaluation).
        extra: More manifest fields for each evaluation (e.g. the targets' hash).
        workers: Local worker processes (default: all cores).
        scheduler: A Dask scheduler address instead.
        progress: Optional progress display for the batch engine.
        report: Where a line after each batch of trials goes.

    Returns:
        The study and whether it is complete (False when interrupted).
    """
    optuna = _optuna()
    study = open_study(out)
    space = distributions(config)
    fixed = dict(config.fixed)
    while True:
        trials = study.get_trials(deepcopy=False)
        n = len(trials)
        if n >= config.budget:
            return study, True
        start = (n // config.batch) * config.batch
        end = min(start + config.batch, config.budget)
        history = [t for t in trials if t.number < start]
        points = [propose(config, history, i) for i in range(n, end)]
        subjects = [
            Subject(f"trial {i}", config.scenario, tuple(sorted({**fixed, **p}.items())))
            for i, p in zip(range(n, end), points, strict=True)
        ]
        measured = measure_subjects(
            targets, subjects, config.seeds, config.seed,
            out / "evals" / f"trials-{n:04d}-{end - 1:04d}",
            RunDirectory("crmsim calibrate evaluation", tuple(command),
                         {**(extra or {}), "trials": [n, end - 1]}, "calibration evaluation"),
            workers, scheduler, progress,
        )  # fmt: skip
        if measured.rows is None:
            return study, False
        for point, rows in zip(points, measured.rows, strict=True):
            value, attrs = trial_record(rows)
            study.add_trial(
                optuna.trial.create_trial(
                    params=point, distributions=space, value=value, user_attrs=attrs
                )
            )
        best = min(t.value for t in study.get_trials(deepcopy=False))
        report(f"trials {n}-{end - 1} of {config.budget}: best total distance so far {best:.4g}")
