"""Calibration: fitting free parameters to the targets with optuna (``crmsim calibrate``).

:mod:`crmsim.calibration.config` reads the config (free parameters, ranges,
targets, seeds, budget), :mod:`crmsim.calibration.search` runs the stored,
resumable optuna study whose proposals are fixed by the seed, and
:mod:`crmsim.calibration.outputs` writes trials, accepted sets, the Pareto
front, marginal plots and ``calibrated.toml``. :func:`write_outputs` is the
last step of the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crmsim.calibration.config import Config, Free, judgement_calls, load_config
from crmsim.calibration.search import run_study

__all__ = ["Config", "Free", "judgement_calls", "load_config", "run_study", "write_outputs"]


def write_outputs(
    study: Any, config: Config, targets: list, out: Path, provenance: dict[str, Any]
) -> tuple[Any, list[Path]]:
    """Write trials, accepted, Pareto, marginals and calibrated.toml; return the chosen trial."""
    from crmsim.batch_plots import save_figure
    from crmsim.calibration import outputs as o
    from crmsim.files import write_text
    from crmsim.storage import write_csv

    frame = o.trials_frame(study, config)
    chosen = o.chosen_trial(frame, targets)
    files = [
        write_csv(frame, out / "trials.csv"),
        write_csv(frame[frame["accepted"]], out / "accepted.csv"),
        write_csv(o.pareto(frame), out / "pareto.csv"),
        save_figure(o.plot_marginals(frame, config, chosen), out / "marginals.png"),
    ]
    path = write_text(out / "calibrated.toml", o.calibrated_toml(config, chosen, provenance))
    return chosen, [*files, path]
