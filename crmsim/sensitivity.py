"""Which parameters matter: global sensitivity analysis with SALib, run as a batch.

One function per step, shared by ``crmsim sensitivity``, ``crmsim levers``
and the tests:

1. :func:`choose_factors` — the parameters varied and their ranges. A range
   is the parameter's declared ``[lo, hi]`` (:mod:`crmsim.params`), narrowed
   by the scenario file's ``[batch]`` sweep (the smallest and largest swept
   value) and, above that, by ``--params name=lo:hi``. Parameters fixed by
   ``[batch] set`` or ``--set`` are held at their value.
2. :func:`sample` — SALib's Morris trajectories or Sobol' (Saltelli) sample,
   its seed derived from the batch's root seed.
3. :func:`plan_points` — the sample as a batch plan
   (:func:`crmsim.batch.make_points_plan`): one cell per point, ``R``
   replicates each, every run seeded from the root seed.
4. :func:`evaluate` — the runs, through the batch engine (parallel,
   resumable, stored); or, for analytic test functions, a stand-in model
   written through the same storage path.
5. :func:`point_outputs` — per point, the replicate mean of the chosen
   output, its standard deviation and standard error; missing values
   handled by :func:`output_values`.
6. :func:`analyse` — SALib's Morris or Sobol' analysis of the point means,
   with bootstrap confidence intervals, and the replicate noise next to
   the indices (:func:`noise_report`).

**Missing outputs.** The week fields (``payback_week``, ``weeks_to_80``,
``cancel_week``, ...) are ``None`` when the event did not happen within the
run. Such a run counts as ``run.weeks + 1``: the event comes later, if ever
(a censored value, so effects on these outputs are understated). Two
exceptions where the run never needed the event: ``recovery_week`` is 0
when there was no dip, and ``payback_week`` is 0 when the cumulative profit
change never went below zero. The share of runs so counted is reported. A
missing value of any other output refuses the analysis.

**Replicate noise.** The model is stochastic, so each point's output is a
mean over ``R`` replicates with standard error ``se``. The indices are
computed on those means; the noise in them is reported as its share of
the variance between point means, ``noise_share = mean(se²) / var(means)``.
What that does to the indices: for Sobol', a parameter with no effect still
gets ``ST ≈ noise_share`` (Jansen's estimator adds the noise variance of
two independent means) while ``S1`` is unbiased; for Morris, a parameter
with no effect gets ``mu* ≈ 2·se/(√π·Δ)`` (the mean absolute value of a
difference of two noisy means divided by the step ``Δ``). Both are given as
``noise_floor``: an index below it cannot be told from replicate noise.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.params import LEVERS, PARAMS, ParamSet, lookup, suggest
from crmsim.runner import SUMMARY_FIELDS

if TYPE_CHECKING:
    from crmsim.batch import BatchOutcome, Plan
    from crmsim.progress import Progress
    from crmsim.scenario import Scenario
    from crmsim.storage import RunStore

METHODS = ("morris", "sobol")
"""Sensitivity methods: Morris elementary effects (screening) and Sobol' indices."""

DEFAULT_SAMPLES = {"morris": 20, "sobol": 64}
"""Morris trajectories, or the Sobol' base sample ``N``, when ``--samples`` is not given."""

DEFAULT_REPLICATES = 4
"""Runs per sample point. Not the ``[batch]`` replicates, which are sized for
comparing a few cells (50 in the baseline) and would multiply a sample of
hundreds of points; four is the fewest that give a usable standard error."""

MORRIS_LEVELS = 4
"""Levels of the Morris grid (SALib's default; the step is ``Δ = 4/6`` of a range)."""

CONF_LEVEL = 0.95
"""Confidence level of SALib's bootstrap intervals."""

RESAMPLES = 100
"""Bootstrap resamples for the intervals (SALib's default)."""

OUTPUTS: tuple[str, ...] = tuple(SUMMARY_FIELDS)
"""Outputs that can be analysed: every per-run summary figure."""

WEEK_OUTPUTS = frozenset(
    {"weeks_to_50", "weeks_to_80", "dip_bottom_week", "recovery_week", "payback_week"}
    | {"cancel_week", "cut_week"}
)
"""Outputs that are the first week something happened, ``None`` if it did not."""

_SEED_SALT = 0x53454E53  # "SENS": keys the derived seeds apart from the run seeds


# --------------------------------------------------------------------------- factors
@dataclass(frozen=True)
class Factor:
    """One parameter varied by the analysis.

    Attributes:
        name: Declared parameter name.
        lo: Lower end of the range sampled.
        hi: Upper end of the range sampled.
        origin: Where the range comes from: ``declared``, ``[batch] sweep``
            or ``--params``.
    """

    name: str
    lo: float
    hi: float
    origin: str = "declared"

    @property
    def whole(self) -> bool:
        """A whole-number parameter: sampled values are rounded before running."""
        return PARAMS[self.name].kind is int

    @property
    def label(self) -> str:
        """Plain-words label for charts."""
        return PARAMS[self.name].label or self.name


def parse_params(text: str) -> list[tuple[str, float | None, float | None]]:
    """Parse ``--params name,name=lo:hi,...`` into names and optional ranges.

    Raises:
        CrmsimError: for an empty entry, a bad range or a name given twice.
    """
    entries: list[tuple[str, float | None, float | None]] = []
    seen: set[str] = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise CrmsimError(
                f"--params {text!r}: empty entry; write name,name=lo:hi,... "
                "e.g. --params levers.training,visibility.level=0.1:0.6"
            )
        name, _, spec = part.partition("=")
        name = name.strip()
        if name in seen:
            raise CrmsimError(f"--params names {name} twice; give each parameter once")
        seen.add(name)
        if not spec:
            entries.append((name, None, None))
            continue
        ends = spec.split(":")
        try:
            lo, hi = (float(e) for e in ends) if len(ends) == 2 else (None, None)
        except ValueError:
            lo = hi = None
        if lo is None or hi is None:
            raise CrmsimError(f"--params {part}: write the range as {name}=lo:hi, e.g. {name}=0:1")
        entries.append((name, lo, hi))
    return entries


def _factor(name: str, lo: float | None, hi: float | None, origin: str, where: str) -> Factor:
    try:
        param = lookup(name)
    except CrmsimError as exc:
        raise CrmsimError(f"{where}: {exc}") from None
    if param.kind is bool:
        raise CrmsimError(f"{where}: {name} is true/false; sensitivity needs a numeric range")
    lo = float(param.lo) if lo is None else lo
    hi = float(param.hi) if hi is None else hi
    for end in (lo, hi):
        try:
            param.coerce(end)
        except CrmsimError as exc:
            raise CrmsimError(f"{where}: {exc}") from None
    if not lo < hi:
        raise CrmsimError(f"{where}: {name} range [{lo:g}, {hi:g}] is empty; give lo < hi")
    return Factor(name, float(lo), float(hi), origin)


def choose_factors(
    scenario: Scenario,
    params_text: str | None = None,
    cli_sets: Mapping[str, Any] | None = None,
) -> tuple[tuple[Factor, ...], dict[str, Any]]:
    """The parameters to vary, their ranges, and the parameters held fixed.

    Factors are those named by ``--params``; without it, the nine survey
    levers and any other parameter the file's ``[batch]`` sweep names, less
    the ones fixed by ``[batch] set`` or ``--set``. Ranges: ``--params
    name=lo:hi`` first, then the ``[batch]`` sweep's smallest and largest
    value, then the declaration. (A ``[sensitivity]`` table is not possible:
    scenario files accept only parameter groups, ``[scenario]`` and
    ``[batch]``, and ``crmsim batch`` reads the same ``[batch]`` section.)

    Args:
        scenario: The loaded scenario (its ``[batch]`` section is validated here).
        params_text: The ``--params`` text, or None.
        cli_sets: ``--set`` values (already validated).

    Returns:
        The factors, in order, and every fixed parameter (file and command
        line; the command line wins name by name).

    Raises:
        CrmsimError: for a bad ``[batch]`` section or ``--params``, an
            unknown or true/false parameter, an empty range, or a parameter
            both fixed with ``--set`` and varied.
    """
    from crmsim.batch import file_settings

    cli_sets = dict(cli_sets or {})
    file = file_settings(scenario)
    where_file = f"{scenario.path.name if scenario.path else scenario.name}: batch.sweep"
    swept_range = {n: (min(v), max(v)) for n, v in file.sweep.items()}
    if params_text is not None:
        requested = parse_params(params_text)
        named = {n for n, _, _ in requested}
    else:
        names = list(LEVERS) + [n for n in file.sweep if n not in LEVERS]
        requested = [(n, None, None) for n in names if n not in file.set and n not in cli_sets]
        named = set()
    sets = {k: v for k, v in file.set.items() if k not in named}
    sets.update(cli_sets)
    factors = []
    for name, lo, hi in requested:
        if name in cli_sets:
            raise CrmsimError(f"{name} is both fixed (--set) and varied (--params); keep one")
        if lo is not None:
            factors.append(_factor(name, lo, hi, "--params", "--params"))
        elif name in swept_range:
            lo_s, hi_s = swept_range[name]
            factors.append(_factor(name, lo_s, hi_s, "[batch] sweep", where_file))
        else:
            factors.append(_factor(name, None, None, "declared", "--params"))
    if not factors:
        raise CrmsimError("nothing to vary: every lever is fixed; name parameters with --params")
    return tuple(factors), sets


# --------------------------------------------------------------------------- design
@dataclass(frozen=True)
class Design:
    """A whole sensitivity analysis, decided before anything runs.

    Attributes:
        scenario: Scenario name or file path.
        method: ``morris`` or ``sobol``.
        samples: Morris trajectories, or the Sobol' base sample ``N``.
        replicates: Runs per sample point.
        root_seed: Root seed: run seeds, the sample and the bootstrap derive from it.
        factors: The parameters varied, with their ranges.
        sets: Parameters fixed for every run.
        levels: Levels of the Morris grid.
    """

    scenario: str
    method: str
    samples: int
    replicates: int
    root_seed: int
    factors: tuple[Factor, ...]
    sets: Mapping[str, Any] = field(default_factory=dict)
    levels: int = MORRIS_LEVELS

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise CrmsimError(f"unknown method {self.method!r}; use morris or sobol")
        if self.replicates < 1:
            raise CrmsimError(f"--replicates must be >= 1, got {self.replicates}")
        if self.method == "morris" and self.samples < 2:
            raise CrmsimError(f"--samples {self.samples}: Morris needs at least 2 trajectories")
        if self.method == "sobol" and (self.samples < 4 or self.samples & (self.samples - 1)):
            up = 1 << max(2, (self.samples - 1).bit_length())
            raise CrmsimError(
                f"--samples {self.samples}: Sobol' needs a power of two (its sequence is "
                f"balanced only then); use {up}"
            )
        names = [f.name for f in self.factors]
        if len(set(names)) != len(names) or not names:
            raise CrmsimError("give each varied parameter once")

    @property
    def names(self) -> list[str]:
        """The factors' names, in order."""
        return [f.name for f in self.factors]

    @property
    def n_points(self) -> int:
        """Sample points: ``N(D+1)`` for Morris, ``N(2D+2)`` for Sobol' with second order."""
        d = len(self.factors)
        return self.samples * (d + 1 if self.method == "morris" else 2 * d + 2)

    @property
    def n_runs(self) -> int:
        """Runs: points × replicates."""
        return self.n_points * self.replicates

    @property
    def morris_step(self) -> float:
        """The Morris step ``Δ`` as a share of each range (SALib's ``levels / (2(levels-1))``)."""
        return self.levels / (2 * (self.levels - 1))

    def problem(self) -> dict[str, Any]:
        """The SALib problem dictionary."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": [[f.lo, f.hi] for f in self.factors],
        }

    def seed(self, purpose: str) -> int:
        """The seed of the sample (``"sample"``) or of the bootstrap (``"analysis"``).

        Derived from the root seed with a two-word spawn key, which no run
        seed (one-word keys ``(i,)`` from ``SeedSequence(root).spawn``) can share.
        """
        key = {"sample": 1, "analysis": 2}[purpose]
        ss = np.random.SeedSequence(self.root_seed, spawn_key=(_SEED_SALT, key))
        return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record for the manifest."""
        return {
            "scenario": self.scenario,
            "method": self.method,
            "samples": self.samples,
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "levels": self.levels,
            "factors": [
                {"name": f.name, "lo": f.lo, "hi": f.hi, "origin": f.origin} for f in self.factors
            ],
            "set": dict(self.sets),
            "points": self.n_points,
            "runs": self.n_runs,
            "sample_seed": self.seed("sample"),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Design:
        """Rebuild a design from :meth:`to_dict`'s record."""
        factors = tuple(
            Factor(f["name"], float(f["lo"]), float(f["hi"]), f.get("origin", "declared"))
            for f in data["factors"]
        )
        return cls(
            scenario=data["scenario"],
            method=data["method"],
            samples=int(data["samples"]),
            replicates=int(data["replicates"]),
            root_seed=int(data["root_seed"]),
            factors=factors,
            sets=dict(data.get("set", {})),
            levels=int(data.get("levels", MORRIS_LEVELS)),
        )


def fresh_seed() -> int:
    """A new root seed from the operating system (recorded, so the analysis repeats)."""
    return secrets.randbelow(2**31 - 1) + 1


def sample(design: Design) -> np.ndarray:
    """SALib's sample for the design: one row per point, one column per factor.

    Morris: ``samples`` trajectories on a ``levels``-level grid. Sobol':
    Saltelli's scheme on a scrambled Sobol' sequence with second order.
    Values are clipped into the ranges (scaling can overshoot by a rounding
    error).
    """
    problem = design.problem()
    seed = design.seed("sample")
    if design.method == "morris":
        from SALib.sample import morris as morris_sampler

        x = morris_sampler.sample(problem, design.samples, num_levels=design.levels, seed=seed)
    else:
        from SALib.sample import sobol as sobol_sampler

        x = sobol_sampler.sample(problem, design.samples, calc_second_order=True, seed=seed)
    lo = np.array([f.lo for f in design.factors])
    hi = np.array([f.hi for f in design.factors])
    return np.clip(np.asarray(x, dtype=float), lo, hi)


def points(design: Design, x: np.ndarray) -> list[dict[str, Any]]:
    """The sample as parameter values per point (whole-number parameters rounded)."""
    out = []
    for row in x:
        point: dict[str, Any] = {}
        for f, value in zip(design.factors, row, strict=True):
            point[f.name] = int(round(value)) if f.whole else float(value)
        out.append(point)
    return out


def plan_points(
    design: Design,
    x: np.ndarray,
    workers: int | None = None,
    scheduler: str | None = None,
    load_scenario: Callable[[str], Scenario] | None = None,
) -> Plan:
    """The design's sample as a batch plan: point ``i`` is cell ``i``."""
    from crmsim.batch import make_points_plan
    from crmsim.scenario import load

    return make_points_plan(
        design.scenario, points(design, x), design.replicates, design.root_seed,
        sets=design.sets, workers=workers, scheduler=scheduler,
        load_scenario=load_scenario or load,
    )  # fmt: skip


# --------------------------------------------------------------------------- evaluation
StandIn = Callable[[ParamSet, int], Mapping[str, Any]]
"""A stand-in model: ``(params, seed) -> summary figures`` (missing ones are None)."""


def evaluate(
    plan: Plan,
    store: RunStore,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    model: StandIn | None = None,
) -> BatchOutcome:
    """Compute the plan's runs not yet in ``store`` and store each one.

    Args:
        plan: The plan of :func:`plan_points` (or any plan).
        store: An open, writable run store.
        workers: Local worker processes (1: this process).
        scheduler: A Dask scheduler address (overrides ``workers``).
        progress: Optional progress display.
        model: A stand-in for the simulation, for checking the pipeline
            against analytic test functions (SALib's Ishigami): it is called
            in this process with each cell's parameters and the run's seed,
            and its figures are stored exactly as a simulated run's summary
            (same :class:`~crmsim.batch.RunSpec`, same ``store.add``; no
            weekly series). ``None`` runs the model through
            :func:`crmsim.batch.run_batch`.

    Returns:
        What is stored and what happened (as :func:`crmsim.batch.run_batch`).
    """
    from crmsim.batch import BatchOutcome, run_batch

    if model is None:
        return run_batch(plan, store, workers=workers, scheduler=scheduler, progress=progress)
    done = store.done_run_ids()
    cells = {c.index: c for c in plan.cells}
    result = BatchOutcome(total=len(plan.runs), skipped=len(done))
    for spec in plan.runs:
        if spec.run_id in done:
            continue
        figures = dict(model(cells[spec.cell].params, spec.seed))
        outcome = {"run_id": spec.run_id, "status": "ok", "error": None, "traceback": None,
                   "summary": figures, "weekly": None}  # fmt: skip
        store.add(spec, outcome)
        result.computed += 1
    store.flush()
    counts = store.counts()
    result.ok, result.failed = counts["ok"], counts["failed"]
    return result


# --------------------------------------------------------------------------- outputs
def resolve_output(name: str) -> str:
    """Check an output name against the summary figures.

    Raises:
        CrmsimError: for an unknown name, suggesting the closest one.
    """
    if name in OUTPUTS:
        return name
    hint = suggest(name, list(OUTPUTS)) or f"; choose from {', '.join(OUTPUTS)}"
    raise CrmsimError(f"--output: unknown output {name!r}{hint}")


def output_values(summary: pd.DataFrame, output: str, horizon: pd.Series) -> pd.DataFrame:
    """One number per run for ``output``, with missing values handled.

    Args:
        summary: Rows of finished runs (``RunStore.summary`` of ok runs).
        output: A summary figure (:data:`OUTPUTS`).
        horizon: Each row's ``run.weeks`` (same index as ``summary``).

    Returns:
        Columns ``value`` (float) and ``censored`` (True where a missing
        week counted as ``run.weeks + 1``).

    Raises:
        CrmsimError: when a figure other than a week is missing.
    """
    raw = summary[output]
    missing = raw.isna()
    values = pd.to_numeric(raw.astype("Float64"), errors="coerce").astype(float)
    censored = pd.Series(False, index=summary.index)
    if output in WEEK_OUTPUTS:
        not_needed = pd.Series(False, index=summary.index)
        if output == "recovery_week":
            not_needed = summary["dip_bottom_week"].isna()
        elif output == "payback_week":
            not_needed = summary["cum_profit_delta"].astype(float) >= 0
        values = values.where(~(missing & not_needed), 0.0)
        censored = missing & ~not_needed
        values = values.where(~censored, horizon.astype(float) + 1.0)
    elif missing.any():
        raise CrmsimError(
            f"--output {output}: missing in {int(missing.sum())} of {len(raw)} runs; "
            "choose another output"
        )
    return pd.DataFrame({"value": values.astype(float), "censored": censored.astype(bool)})


def point_outputs(summary: pd.DataFrame, plan: Plan, output: str) -> pd.DataFrame:
    """Per sample point: replicate mean, standard deviation and standard error.

    Args:
        summary: ``RunStore.summary()`` (failed runs are counted, not used).
        plan: The plan whose cells are the points.
        output: The summary figure analysed.

    Returns:
        One row per point (``point`` = cell index, in plan order): ``n``
        finished runs, ``failed``, ``mean``, ``sd`` (ddof 1; NaN under two
        runs), ``se`` = sd/√n, ``censored`` share.
    """
    weeks = pd.Series({c.index: c.params["run.weeks"] for c in plan.cells})
    ok = summary[summary["status"] == "ok"]
    per_run = output_values(ok, output, ok["cell"].map(weeks))
    per_run["point"] = ok["cell"].astype(int).to_numpy()
    grouped = per_run.groupby("point")
    table = pd.DataFrame(
        {
            "n": grouped["value"].count(),
            "mean": grouped["value"].mean(),
            "sd": grouped["value"].std(ddof=1),
            "censored": grouped["censored"].mean(),
        }
    )
    index = pd.RangeIndex(len(plan.cells), name="point")
    table = table.reindex(index)
    table["n"] = table["n"].fillna(0).astype(int)
    failed = summary[summary["status"] != "ok"].groupby("cell").size()
    table["failed"] = failed.reindex(index, fill_value=0).astype(int).to_numpy()
    table["se"] = table["sd"] / np.sqrt(table["n"].where(table["n"] > 0))
    return table.reset_index()[["point", "n", "failed", "mean", "sd", "se", "censored"]]


# --------------------------------------------------------------------------- analysis
class ConstantOutput(CrmsimError):
    """The output is the same at every sample point: no index can be computed."""


@dataclass
class Analysis:
    """The indices of one output and the noise behind them.

    Attributes:
        output: The summary figure analysed.
        method: ``morris`` or ``sobol``.
        indices: One row per factor, ranked (see :func:`analyse`).
        second_order: Sobol' pairs (``parameter``, ``other``, ``S2``,
            ``S2_conf``); None for Morris.
        points: The table of :func:`point_outputs`.
        noise: The figures of :func:`noise_report`.
    """

    output: str
    method: str
    indices: pd.DataFrame
    second_order: pd.DataFrame | None
    points: pd.DataFrame
    noise: dict[str, Any]


def noise_report(table: pd.DataFrame, method: str, morris_step: float) -> dict[str, Any]:
    """How much of the spread between point means is replicate noise.

    Args:
        table: :func:`point_outputs`' table.
        method: ``morris`` or ``sobol`` (which noise floor to give).
        morris_step: The Morris step ``Δ`` as a share of each range.

    Returns:
        ``replicates`` (median finished runs per point), ``se_rms`` (root
        mean square standard error of a point mean), ``sd_means`` (standard
        deviation between point means), ``noise_share`` (``se_rms² /
        sd_means²``), ``noise_floor`` (Sobol': ``ST`` of a parameter without
        effect ≈ ``noise_share``; Morris: ``mu*`` of one ≈ ``2·se_rms/(√π·Δ)``)
        and ``censored`` (share of runs whose missing week was counted as
        ``run.weeks + 1``). Noise figures are NaN with one replicate.
    """
    se = table["se"].to_numpy(dtype=float)
    means = table["mean"].to_numpy(dtype=float)
    se_rms = float(np.sqrt(np.nanmean(se**2))) if np.isfinite(se).any() else math.nan
    sd_means = float(np.std(means, ddof=1)) if len(means) > 1 else math.nan
    var = sd_means**2
    share = se_rms**2 / var if var > 0 else (0.0 if se_rms == 0 else math.nan)
    # Sobol': the noise adds to every ST; Morris: E|N(0, 2 se²)| / Δ = 2 se / (√π Δ)
    morris_floor = 2.0 * se_rms / (math.sqrt(math.pi) * morris_step)
    floor = share if method == "sobol" else morris_floor
    runs = table["n"].to_numpy(dtype=float)
    censored = float(np.nansum(table["censored"] * runs) / runs.sum()) if runs.sum() else 0.0
    return {
        "replicates": int(np.median(runs)) if len(runs) else 0,
        "se_rms": se_rms,
        "sd_means": sd_means,
        "noise_share": share,
        "noise_floor": floor,
        "censored": censored,
    }


def analyse(
    design: Design,
    x: np.ndarray,
    table: pd.DataFrame,
    output: str,
    resamples: int = RESAMPLES,
) -> Analysis:
    """SALib's analysis of the point means, with the replicate noise beside it.

    Args:
        design: The design the sample came from.
        x: The sample (:func:`sample`), row ``i`` = point ``i``.
        table: :func:`point_outputs`' table for ``output``.
        output: The summary figure analysed.
        resamples: Bootstrap resamples for the confidence intervals.

    Returns:
        The indices, ranked: Morris ``mu``, ``mu_star`` (± ``mu_star_conf``,
        the half-width of the 95 % bootstrap interval) and ``sigma``, in
        output units per full range of the parameter; Sobol' ``S1`` and
        ``ST`` with their half-widths, and second-order pairs. Every row
        also carries ``noise_share``, ``noise_floor`` and ``clear_of_noise``
        (the lower end of its 95 % interval is above the noise floor).

    Raises:
        CrmsimError: when a point has no finished run (its runs all failed).
        ConstantOutput: when the output is the same at every point.
    """
    empty = table.index[table["n"] == 0]
    if len(empty):
        raise CrmsimError(
            f"{len(empty)} of {len(table)} sample points have no finished run (all failed); "
            "the indices need every point: rerun with --resume after fixing the cause"
        )
    y = table["mean"].to_numpy(dtype=float)
    if np.ptp(y) == 0:
        raise ConstantOutput(
            f"{output} is {y[0]:g} at every sample point; there is no variation to apportion"
        )
    problem = design.problem()
    seed = design.seed("analysis")
    noise = noise_report(table, design.method, design.morris_step)
    base = pd.DataFrame(
        {
            "parameter": design.names,
            "label": [f.label for f in design.factors],
            "lo": [f.lo for f in design.factors],
            "hi": [f.hi for f in design.factors],
        }
    )
    second = None
    if design.method == "morris":
        from SALib.analyze import morris as morris_analysis

        si = morris_analysis.analyze(
            problem, x, y, num_resamples=resamples, conf_level=CONF_LEVEL,
            num_levels=design.levels, seed=seed,
        )  # fmt: skip
        for key in ("mu", "mu_star", "mu_star_conf", "sigma"):
            base[key] = np.asarray(si[key], dtype=float)
        rank_by = "mu_star"
    else:
        from SALib.analyze import sobol as sobol_analysis

        si = sobol_analysis.analyze(
            problem, y, calc_second_order=True, num_resamples=resamples,
            conf_level=CONF_LEVEL, seed=seed,
        )  # fmt: skip
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            base[key] = np.asarray(si[key], dtype=float)
        rank_by = "ST"
        pairs = []
        for i, j in zip(*np.triu_indices(len(design.factors), k=1), strict=True):
            pairs.append(
                {
                    "parameter": design.names[i],
                    "other": design.names[j],
                    "S2": float(si["S2"][i, j]),
                    "S2_conf": float(si["S2_conf"][i, j]),
                }
            )
        second = pd.DataFrame(pairs, columns=["parameter", "other", "S2", "S2_conf"])
        second = second.sort_values("S2", ascending=False, kind="stable").reset_index(drop=True)
    base["noise_share"] = noise["noise_share"]
    base["noise_floor"] = noise["noise_floor"]
    floor = noise["noise_floor"] if math.isfinite(noise["noise_floor"]) else 0.0
    base["clear_of_noise"] = (base[rank_by] - base[f"{rank_by}_conf"]) > floor
    base["rank"] = base[rank_by].rank(ascending=False, method="first").astype(int)
    base.insert(0, "output", output)
    base.insert(1, "method", design.method)
    indices = base.sort_values("rank", kind="stable").reset_index(drop=True)
    return Analysis(output, design.method, indices, second, table, noise)


def ranking(analysis: Analysis) -> list[str]:
    """The factors from most to least influential (by ``mu*`` or ``ST``)."""
    return list(analysis.indices["parameter"])


def noise_tied_ranks(indices: pd.DataFrame) -> pd.Series:
    """Ranks by parameter, the parameters not clear of the noise sharing one tied rank.

    A parameter is *clear of the noise* when the lower end of its index's
    95 % interval (``mu* - mu*_conf`` or ``ST - ST_conf``) is above the
    noise floor. The order among the others is replicate noise, so they
    share the mean of the ranks left (Spearman's convention for ties).

    Args:
        indices: ``Analysis.indices``, or the ``indices-OUTPUT.csv`` written from it.
    """
    ranks = indices["rank"].astype(float).copy()
    within = ~indices["clear_of_noise"].astype(bool)
    if within.any():
        ranks[within] = ranks[within].mean()
    return pd.Series(ranks.to_numpy(), index=indices["parameter"], name="rank")


# --------------------------------------------------------------------------- text
def _range_text(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g}]"


def _percent(share: float) -> str:
    pct = 100 * share
    return f"{pct:.0f} %" if pct >= 10 or pct == 0 else f"{pct:.2g} %"


def format_indices(analysis: Analysis, design: Design) -> str:
    """The indices as a terminal table, with the noise and censoring beneath.

    The last column says whether each index stands clear of the replicate
    noise (``clear``) or could be noise (``within``).
    """
    t = analysis.indices
    noise = analysis.noise
    width = max(len("parameter"), *(len(n) for n in t["parameter"]))
    verdict = ["clear" if c else "within" for c in t["clear_of_noise"]]
    head = f"{'rank':>4}  {'parameter':<{width}}  {'range':<14}"
    lines = []
    if analysis.method == "morris":
        lines.append(
            f"Morris elementary effects of {analysis.output} ({design.n_points} points x "
            f"{design.replicates} replicates; per move across each parameter's range)"
        )
        lines.append(f"{head} {'mu*':>8} {'+-95%':>7} {'mu':>8} {'sigma':>8}  noise")
        for r, v in zip(t.itertuples(), verdict, strict=True):
            lines.append(
                f"{r.rank:>4}  {r.parameter:<{width}}  {_range_text(r.lo, r.hi):<14} "
                f"{r.mu_star:>8.3g} {r.mu_star_conf:>7.2g} {r.mu:>8.3g} {r.sigma:>8.3g}  {v}"
            )
        floor_text = f"a mu* below {noise['noise_floor']:.3g}"
    else:
        lines.append(
            f"Sobol' indices of {analysis.output} ({design.n_points} points x "
            f"{design.replicates} replicates; +- = half-width of the 95 % bootstrap interval)"
        )
        lines.append(f"{head} {'S1':>7} {'+-95%':>6} {'ST':>7} {'+-95%':>6}  noise")
        for r, v in zip(t.itertuples(), verdict, strict=True):
            lines.append(
                f"{r.rank:>4}  {r.parameter:<{width}}  {_range_text(r.lo, r.hi):<14} "
                f"{r.S1:>7.3f} {r.S1_conf:>6.3f} {r.ST:>7.3f} {r.ST_conf:>6.3f}  {v}"
            )
        if analysis.second_order is not None and len(analysis.second_order):
            top = analysis.second_order.head(3)
            pairs = "; ".join(
                f"{p.parameter} x {p.other} {p.S2:.3f} +- {p.S2_conf:.3f}" for p in top.itertuples()
            )
            lines.append(f"largest interactions (S2): {pairs}")
        floor_text = f"an ST below {noise['noise_floor']:.3f}"
    if math.isnan(noise["se_rms"]):
        lines.append("replicate noise: not estimated with one replicate per point")
    else:
        lines.append(
            f"replicate noise: a point's mean has standard error {noise['se_rms']:.3g} "
            f"(rms, {noise['replicates']} runs), {_percent(noise['noise_share'])} of the "
            f"variance between points (sd {noise['sd_means']:.3g}); "
            f"{floor_text} cannot be told from noise"
        )
    if noise["censored"] > 0:
        lines.append(
            f"{analysis.output}: {_percent(noise['censored'])} of runs never got there within "
            "the run and count as run.weeks + 1 (their effects are understated)"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- one at a time
def lever_points(steps: int) -> list[dict[str, float]]:
    """One-at-a-time points: each of the nine levers at ``steps`` values from 0 to 1.

    Raises:
        CrmsimError: for fewer than two steps.
    """
    if steps < 2:
        raise CrmsimError(f"--steps {steps}: need at least 2 values from 0 to 1")
    values = [float(f"{v:.12g}") for v in np.linspace(0.0, 1.0, steps)]
    return [{lever: v} for lever in LEVERS for v in values]


def lever_table(summary: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Success rate and final adoption per lever and value (one lever moved at a time).

    Args:
        summary: ``RunStore.summary()`` of a :func:`lever_points` batch.
        plan: Its plan (cell ``i`` moves one lever to one value).

    Returns:
        One row per lever and value: ``lever``, ``label``, ``value``,
        ``scenario_value`` (the lever's value in the scenario), ``n``,
        ``failed``, ``success_rate`` with its 95 % Wilson interval
        (``success_lo``, ``success_hi``), and final adoption's median with
        its 50 % and 90 % bands (``adoption_q05`` ... ``adoption_q95``).
    """
    from crmsim.analysis import wilson_interval

    base = plan.scenarios[0].params
    rows = []
    for cell in plan.cells:
        ((lever, value),) = cell.swept
        runs = summary[summary["cell"] == cell.index]
        ok = runs[runs["status"] == "ok"]
        n = len(ok)
        wins = int(ok["success"].astype(bool).sum()) if n else 0
        lo, hi = wilson_interval(wins, n)
        adoption = ok["final_adoption"].astype(float)
        q = adoption.quantile([0.05, 0.25, 0.5, 0.75, 0.95]) if n else pd.Series([math.nan] * 5)
        rows.append(
            {
                "lever": lever,
                "label": PARAMS[lever].label,
                "value": float(value),
                "scenario_value": float(base[lever]),
                "n": n,
                "failed": len(runs) - n,
                "success_rate": wins / n if n else math.nan,
                "success_lo": lo,
                "success_hi": hi,
                "adoption_median": float(q.iloc[2]),
                "adoption_q05": float(q.iloc[0]),
                "adoption_q25": float(q.iloc[1]),
                "adoption_q75": float(q.iloc[3]),
                "adoption_q95": float(q.iloc[4]),
            }
        )
    return pd.DataFrame(rows)


def lever_swings(table: pd.DataFrame) -> pd.DataFrame:
    """Per lever: success rate and median adoption at 0 and at 1, ranked by the success swing."""
    rows = []
    for lever, g in table.groupby("lever", sort=False):
        g = g.sort_values("value")
        first, last = g.iloc[0], g.iloc[-1]
        rows.append(
            {
                "lever": lever,
                "success_at_0": first["success_rate"],
                "success_at_1": last["success_rate"],
                "success_swing": last["success_rate"] - first["success_rate"],
                "adoption_at_0": first["adoption_median"],
                "adoption_at_1": last["adoption_median"],
                "adoption_swing": last["adoption_median"] - first["adoption_median"],
            }
        )
    out = pd.DataFrame(rows)
    order = out["success_swing"].abs().add(1e-9 * out["adoption_swing"].abs())
    return out.loc[order.sort_values(ascending=False).index].reset_index(drop=True)


def format_swings(swings: pd.DataFrame, runs_per_point: int) -> str:
    """The lever swings as a terminal table."""
    width = max(len("lever"), *(len(n) for n in swings["lever"]))
    lines = [
        f"One lever at a time, 0 -> 1, others at the scenario's values ({runs_per_point} runs "
        "per point)",
        f"{'lever':<{width}}  {'success 0 -> 1':>16} {'swing':>7}  {'adoption 0 -> 1':>16} "
        f"{'swing':>7}",
    ]
    for r in swings.itertuples():
        lines.append(
            f"{r.lever:<{width}}  {r.success_at_0:>7.0%} -> {r.success_at_1:<5.0%} "
            f"{r.success_swing:>+7.0%}  {r.adoption_at_0:>7.2f} -> {r.adoption_at_1:<5.2f} "
            f"{r.adoption_swing:>+7.2f}"
        )
    return "\n".join(lines)
