"""The Python API: load a scenario, run it, run a batch, read a batch's results.

Everything here is importable from the package itself (``crmsim.run``,
``crmsim.run_batch`` ...), loaded on first use so that ``import crmsim``
stays fast. ``docs/api.md`` shows each function at work (its examples are
run by the tests).

The functions are the same machinery the command line uses: :func:`run` is
``crmsim run`` without writing files, :func:`run_batch` writes the run
directory ``crmsim batch`` writes (``crmsim report``, ``compare`` and
``batch --resume`` work on it), and :func:`read_batch` reads any such
directory, whichever command wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmsim.scenario import Scenario, load

if TYPE_CHECKING:
    import pandas as pd

    from crmsim.runner import RunResult

DEFAULT_SEED = 1
"""The seed :func:`run` uses when none is given (the same as ``crmsim run``)."""

ScenarioRef = str | Path | Scenario
"""A bundled scenario's name, a path to a ``.toml`` file, or a loaded :class:`Scenario`."""


def load_scenario(ref: ScenarioRef, values: Mapping[str, Any] | None = None) -> Scenario:
    """A validated scenario, by bundled name or file path, with some values changed.

    Args:
        ref: A bundled name (``crmsim scenarios`` lists them), a path to a
            ``.toml`` file, or a scenario already loaded.
        values: Parameter values by dotted name (``{"levers.training": 0.8}``),
            validated against their declarations like ``--set``.

    Raises:
        CrmsimError: for an unknown scenario or parameter (with the closest
            valid name), a malformed file or a value out of its range.
    """
    scenario = ref if isinstance(ref, Scenario) else load(ref)
    return scenario.with_updates(dict(values or {}))


def run(
    scenario: ScenarioRef,
    seed: int = DEFAULT_SEED,
    weeks: int | None = None,
    values: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run one scenario once: the run ``crmsim run SCENARIO --seed SEED`` makes.

    Args:
        scenario: A bundled name, a ``.toml`` path or a loaded scenario.
        seed: Seed of the model's generator; the same seed gives the same run.
        weeks: Weeks to simulate (default: the scenario's ``run.weeks``).
        values: Parameter values to change first, by dotted name.

    Returns:
        A :class:`~crmsim.runner.RunResult`: ``timeseries`` (a DataFrame, one
        row per week), ``summary`` (a dict of the summary figures), ``events``
        and ``seed``.
    """
    from crmsim.runner import simulate

    return simulate(load_scenario(scenario, values), seed=seed, weeks=weeks)


@dataclass(frozen=True)
class BatchResults:
    """A batch's run directory, read.

    Attributes:
        path: The run directory.
        manifest: Its ``manifest.json``: the command, seeds, scenarios with
            their parameters, grid cells, status and run counts.
        summary: One row per stored run: run id, scenario, cell, replicate,
            seed, swept values, status and every summary figure.
    """

    path: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame

    def weekly(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every run's weekly series (only ``columns`` besides ``run_id``, if given)."""
        from crmsim.storage import opened

        with opened(self.path) as store:
            return store.weekly(columns)


def read_batch(path: str | Path) -> BatchResults:
    """Read a run directory written by ``crmsim batch`` (or sensitivity, levers, run_batch).

    Raises:
        CrmsimError: when ``path`` holds no batch.
    """
    from crmsim.storage import opened

    with opened(path) as store:
        return BatchResults(Path(path), dict(store.manifest), store.summary())


def run_batch(
    scenarios: ScenarioRef | Sequence[ScenarioRef],
    out: str | Path,
    replicates: int | None = None,
    seed: int | None = None,
    sweep: Mapping[str, Any] | None = None,
    values: Mapping[str, Any] | None = None,
    common_seeds: bool | None = None,
    workers: int = 1,
) -> BatchResults:
    """Run scenarios × sweep grid × replicates and store every run in ``out``.

    The batch is planned, seeded and stored exactly as ``crmsim batch``
    does it: each run's seed is spawned from the root seed, every finished
    run is kept, and an interrupted batch is finished by calling again with
    the same arguments (or ``crmsim batch --resume --out OUT``).

    Args:
        scenarios: One scenario or several (names, paths or loaded scenarios).
        out: The run directory (new, or an unfinished batch of the same plan).
        replicates: Runs per scenario and grid cell (default: the file's
            ``[batch]`` section, else 10).
        seed: Root seed (default: the file's, else a fresh one, recorded).
        sweep: Values to sweep by dotted name: a list, or ``"lo:hi:steps"``.
        values: Parameter values fixed for every run, by dotted name.
        common_seeds: Replicate *r* gets the same seed in every cell.
        workers: Local worker processes (1 runs in this process).

    Returns:
        The finished batch, read back (:func:`read_batch`).

    Raises:
        CrmsimError: for a bad scenario, sweep or value, or when ``out``
            holds a different batch; KeyboardInterrupt keeps finished runs.
    """
    from crmsim.batch import BatchSession, Settings, make_plan, sweep_values
    from crmsim.params import lookup

    given = [scenarios] if isinstance(scenarios, str | Path | Scenario) else list(scenarios)
    loaded = {s.name: s for s in given if isinstance(s, Scenario)}
    refs = [s.name if isinstance(s, Scenario) else str(s) for s in given]
    settings = Settings(
        replicates=replicates,
        seed=seed,
        workers=workers,
        sweep=dict(sweep_values(n, v, "sweep") for n, v in (sweep or {}).items()),
        set={n: lookup(n).coerce(v) for n, v in (values or {}).items()},
        common_seeds=common_seeds,
    )
    out = Path(out)
    session = BatchSession.resume(out) if (out / "manifest.json").is_file() else None
    stored_seed = session.plan.root_seed if session else None
    try:
        plan = make_plan(refs, settings, stored_seed, lambda r: loaded.get(r) or load(r))
    except BaseException:
        if session:
            session.close()
        raise
    call = (
        f"crmsim.run_batch({refs!r}, out={str(out)!r}, replicates={replicates!r}, "
        f"seed={plan.root_seed}, sweep={dict(settings.sweep)!r}, values={dict(settings.set)!r}, "
        f"common_seeds={common_seeds!r}, workers={workers})"
    )
    if session is None:
        grid = {e.name: {k: list(v) for k, v in e.sweep.items()} for e in plan.scenarios}
        session = BatchSession.create(
            out, plan, kind="crmsim batch", command=[call], extra={"grid": grid}
        )  # the command: the Python call, its root seed spelled out
    elif session.plan.fingerprint() != plan.fingerprint():
        raise session.refuse(
            f"{out} holds a different batch; give another out, or the same arguments"
        )
    outcome = session.run([call], workers=workers, scheduler=None, label="batch")
    if outcome.interrupted:
        raise KeyboardInterrupt  # the finished runs are stored; call again to finish
    return read_batch(out)
