"""A whole fit: check everything, search, forecast, try the actions, write the folder.

:func:`prepare` reads and checks the scenario, the data and the unknowns
and writes nothing, so bad input leaves nothing behind; :func:`execute`
claims the output folder (new, empty, or an earlier fit of the same data,
scenario, unknowns and seed, which is continued), runs the search and writes
every output with :func:`crmsim.files.atomic_write`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.fit.data import Observations, read_observations
from crmsim.fit.infer import DB_NAME, Settings
from crmsim.fit.problem import FitSection, Prior, choose_actions, choose_priors, read_fit_section
from crmsim.scenario import Scenario

KIND = "crmsim fit"
"""The folder kind in ``manifest.json`` (:func:`crmsim.files.folder_kind`)."""

FORMAT = 1
"""Version of the fit folder's layout."""

FILES = ("manifest.json", DB_NAME, "posterior.csv", "posterior_summary.csv",
         "forecast_bands.csv", "actions.csv", "outlook.json", "pairs.png", "fan.png",
         "report.html")  # fmt: skip
"""What a finished fit folder holds."""


@dataclass(frozen=True)
class Prepared:
    """A fit, checked and ready to run.

    Attributes:
        scenario: The firm's scenario.
        section: Its ``[fit]`` section.
        priors: The unknowns.
        obs: The observed weeks.
        actions: The actions to try.
        horizon: The forecast's last week (``run.weeks``).
        settings: Search settings.
        draws: Forecast draws.
        data_sha256: The data file's hash.
    """

    scenario: Scenario
    section: FitSection
    priors: list[Prior]
    obs: Observations
    actions: list[str]
    horizon: int
    settings: Settings
    draws: int
    data_sha256: str

    def identity(self) -> dict[str, Any]:
        """What must match for a folder to be continued (not the budget or generations)."""
        return {
            "data_sha256": self.data_sha256,
            "params": self.scenario.params.to_dict(),
            "priors": [[p.name, p.lo, p.hi, p.log] for p in self.priors],
            "particles": self.settings.particles,
            "seed": self.settings.seed,
        }


def _n_users(scenario: Scenario, section: FitSection) -> int | None:
    from crmsim.params import lookup

    p = scenario.params
    known = ("org.employees" in section.fixed
             or p["org.employees"] != lookup("org.employees").default)  # fmt: skip
    if not known:
        return None
    from crmsim.engine import Engine

    return int(Engine(p.with_updates({"run.weeks": 1}), rng=0).world.layout.n_users)


def prepare(
    data: str | Path,
    scenario_ref: str | Path,
    unknowns: Sequence[str] = (),
    settings: Settings | None = None,
    draws: int = 200,
) -> Prepared:
    """Read and check a fit's inputs; write nothing.

    Raises:
        CrmsimError: one line for any bad input (scenario, data, unknowns, actions).
    """
    from crmsim.files import read_bytes
    from crmsim.scenario import load

    scenario = load(scenario_ref)
    section = read_fit_section(scenario.path)
    priors = choose_priors(unknowns, section)
    horizon = int(scenario.params["run.weeks"])
    obs = read_observations(data, _n_users(scenario, section), horizon)
    actions = choose_actions(section, scenario.params, [p.name for p in priors])
    sha = hashlib.sha256(read_bytes(data, "data file")).hexdigest()
    return Prepared(scenario, section, priors, obs, actions, horizon,
                    settings or Settings(), draws, sha)  # fmt: skip


def _manifest(prep: Prepared, argv: list[str]) -> dict[str, Any]:
    from crmsim.provenance import environment

    env = environment()
    try:
        import importlib.metadata

        env["versions"]["pyabc"] = importlib.metadata.version("pyabc")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        env["versions"]["pyabc"] = None
    return {
        "kind": KIND, "format": FORMAT, "command": argv, "identity": prep.identity(),
        "scenario": prep.scenario.name,
        "scenario_path": str(prep.scenario.path) if prep.scenario.path else None,
        "data": str(prep.obs.path), "unknowns": [p.name for p in prep.priors],
        "priors": {p.name: p.text() for p in prep.priors}, "actions": prep.actions,
        "step": prep.section.step, "horizon": prep.horizon,
        "settings": {"particles": prep.settings.particles, "budget": prep.settings.budget,
                     "generations": prep.settings.generations,
                     "min_acceptance": prep.settings.min_acceptance, "draws": prep.draws},
        "seed": prep.settings.seed, "versions": env["versions"], "platform": env["platform"],
        "created_utc": env["created_utc"],
    }  # fmt: skip


def claim(prep: Prepared, out: Path, argv: list[str]) -> None:
    """Make ``out`` the fit's folder: new, or an earlier run of the same fit (continued).

    Raises:
        CrmsimError: when ``out`` holds anything else, or a different fit.
    """
    from crmsim.files import claim_output_dir, read_json, write_json

    claim_output_dir(out, KIND)
    path = out / "manifest.json"
    if path.exists():
        old = read_json(path, "fit manifest")
        if old.get("identity") != prep.identity():
            raise CrmsimError(
                f"{out} holds a fit of other data, scenario, unknowns, particles or seed; "
                "choose another --out (only --budget and --generations may change)"
            )
    write_json(path, _manifest(prep, argv))


def execute(
    prep: Prepared,
    out: Path,
    argv: list[str],
    workers: int = 1,
    scheduler: str | None = None,
    report: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the fit into ``out`` and write every output; return the outlook.

    The search is continued if ``out`` holds an unfinished one of the same fit.
    """
    import matplotlib

    matplotlib.use("Agg")
    from crmsim.fit import forecast as fc
    from crmsim.fit.infer import generations, posterior, run_abc
    from crmsim.fit.outputs import write_outputs

    claim(prep, out, argv)
    p = prep.scenario.params
    history = run_abc(p, prep.priors, prep.obs, out / DB_NAME, prep.settings,
                      workers, scheduler, report)  # fmt: skip
    post = posterior(history, [q.name for q in prep.priors])
    report(f"forecast: {prep.draws} posterior draws x {len(prep.actions) + 1} arms "
           f"to week {prep.horizon}")  # fmt: skip
    arms = fc.make_arms(p, prep.actions, prep.section.step)
    pred = fc.predict(p, post, arms, prep.obs.last_week, prep.horizon, prep.draws,
                      prep.settings.seed, workers if scheduler is None else 1)  # fmt: skip
    gens = generations(history)
    return write_outputs(prep, out, post, pred, gens)
