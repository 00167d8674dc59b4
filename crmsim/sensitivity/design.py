"""A whole sensitivity analysis, decided before anything runs: :class:`Design`.

The method and its defaults, the factors and fixed parameters, the root
seed, and the seeds of the sample and of the bootstrap derived from it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crmsim.errors import CrmsimError
from crmsim.sensitivity.factors import Factor

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

_SEED_SALT = 0x53454E53  # "SENS": keys the derived seeds apart from the run seeds


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
        from crmsim.batch.sizing import check_plan

        check_plan(
            self.n_runs, self.n_points, f"this {self.method} analysis",
            "use fewer --samples or --replicates, or fewer --params",
        )  # fmt: skip

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


def design_from_flags(
    ref: str,
    method: str | None = None,
    samples: int | None = None,
    params: str | None = None,
    replicates: int | None = None,
    sets: Mapping[str, Any] | None = None,
    seed: int | None = None,
) -> tuple[Design, Any]:
    """The design of ``crmsim sensitivity REF`` from its flags and the scenario's ``[batch]``.

    Args:
        ref: A bundled scenario name or a ``.toml`` path.
        method, samples, params, replicates, seed: The flags (None: not given;
            the defaults of :data:`DEFAULT_SAMPLES`, :data:`DEFAULT_REPLICATES`,
            the file's seed, else a fresh one).
        sets: ``--set`` values (validated).

    Returns:
        The :class:`Design` and the file's :class:`crmsim.batch.Settings`
        (its ``workers`` and ``scheduler`` apply when the flags give none).

    Raises:
        CrmsimError: for an unknown scenario, a bad ``--params`` or ``[batch]``.
    """
    from crmsim.batch import file_settings
    from crmsim.scenario import load
    from crmsim.sensitivity.factors import choose_factors

    scenario = load(ref)
    factors, fixed = choose_factors(scenario, params, dict(sets or {}))
    file = file_settings(scenario)
    method = method or "morris"
    root = seed if seed is not None else (file.seed if file.seed is not None else fresh_seed())
    design = Design(
        scenario=ref,
        method=method,
        samples=samples or DEFAULT_SAMPLES[method],
        replicates=replicates or DEFAULT_REPLICATES,
        root_seed=root,
        factors=factors,
        sets=fixed,
    )
    return design, file
