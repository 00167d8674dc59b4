"""Batch plans: scenarios × sweep grid × replicates, each run with its own seed.

A batch is planned completely in the parent process before anything runs
(Axelrod's habit): every run gets a :class:`RunSpec` with its scenario, the
swept values of its grid cell, its replicate index and an integer seed. The
seeds come from ``numpy.random.SeedSequence(root).spawn(n)``, one child per
run in plan order; each child is turned into a plain 63-bit integer with
``generate_state`` so that ``crmsim run SCENARIO --seed N --set name=value``
rebuilds exactly the same generator (``default_rng(N)``) and hence the same
numbers (with common random numbers, ``common_seeds``, replicate *r* of
every cell gets child *r* instead). Which process or machine executes a run
never changes its result.

Settings come from the command line and from a scenario file's ``[batch]``
section (``replicates``, ``seed``, ``sweep``, ``set``, ``workers``,
``scheduler``, ``common_seeds``); the command line wins, name by name. Sweeps are written
``name=v1,v2,...`` or ``name=lo:hi:steps`` and are validated against the
parameter declarations in :mod:`crmsim.params`, like every ``--set``.

Execution lives in :mod:`crmsim.executors`, storage in :mod:`crmsim.storage`;
:func:`run_batch` joins the three.

Where things live (everything is importable from ``crmsim.batch``):

- :mod:`crmsim.batch.values`: sweep syntax and value parsing/formatting
  (:func:`parse_sweep`, :func:`sweep_values`, :func:`format_value`).
- :mod:`crmsim.batch.settings`: ``[batch]`` sections and command-line
  settings (:class:`Settings`, :func:`file_settings`, :func:`cli_settings`,
  :func:`check_one_executor`).
- :mod:`crmsim.batch.seeds`: run seeds (:func:`run_seeds`, :func:`cell_seeds`).
- :mod:`crmsim.batch.plan`: the plan (:class:`Cell`, :class:`RunSpec`,
  :class:`ScenarioEntry`, :class:`Plan` with its fingerprint and manifest,
  :func:`make_plan`, :func:`make_points_plan`, :func:`rerun_command`).
- :mod:`crmsim.batch.plan_store`: the plan on disk (:func:`plan_frame`,
  :func:`plan_from_store`).
- :mod:`crmsim.batch.running`: :func:`run_batch` and :class:`BatchOutcome`.
- :mod:`crmsim.batch.session`: :class:`BatchSession`, a run directory's life
  cycle (create or resume, fingerprint check, manifest status, SIGTERM) for
  every command that runs a plan (batch, sensitivity, levers, ...).
"""

from crmsim.batch.plan import (
    Cell,
    Plan,
    RunSpec,
    ScenarioEntry,
    make_plan,
    make_points_plan,
    rerun_command,
)
from crmsim.batch.plan_store import plan_frame, plan_from_store
from crmsim.batch.running import BatchOutcome, run_batch
from crmsim.batch.seeds import SEED_BITS, cell_seeds, run_seeds
from crmsim.batch.session import BatchSession
from crmsim.batch.settings import (
    BATCH_KEYS,
    DEFAULT_REPLICATES,
    Settings,
    check_one_executor,
    cli_settings,
    file_settings,
)
from crmsim.batch.values import format_value, parse_sweep, sweep_values

__all__ = [
    "BATCH_KEYS",
    "DEFAULT_REPLICATES",
    "SEED_BITS",
    "BatchOutcome",
    "BatchSession",
    "Cell",
    "Plan",
    "RunSpec",
    "ScenarioEntry",
    "Settings",
    "cell_seeds",
    "check_one_executor",
    "cli_settings",
    "file_settings",
    "format_value",
    "make_plan",
    "make_points_plan",
    "parse_sweep",
    "plan_frame",
    "plan_from_store",
    "rerun_command",
    "run_batch",
    "run_seeds",
    "sweep_values",
]
