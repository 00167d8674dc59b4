"""The fit folder's files: tables, pictures, the outlook and the page for the firm."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmsim.fit.forecast import Prediction, actions_table, bands, outlook
from crmsim.fit.infer import Generation, Posterior
from crmsim.fit.summary import identifiability_text, posterior_table, trade_offs

if TYPE_CHECKING:
    from crmsim.fit.run import Prepared


def _csv(frame: Any, path: Path, exact: bool = False) -> Path:
    """A table as CSV: six significant digits, or every digit (``exact``)."""
    from crmsim.files import write_text

    return write_text(path, frame.to_csv(index=False, float_format=None if exact else "%.6g"))


def write_outputs(prep: Prepared, out: Path, post: Posterior, pred: Prediction,
                  gens: list[Generation]) -> dict[str, Any]:  # fmt: skip
    """Write the tables, pictures, ``outlook.json`` and ``report.html``; return the outlook."""
    from crmsim.batch_plots import save_figure
    from crmsim.files import write_json
    from crmsim.fit.plots import fan_chart, pair_plot
    from crmsim.fit.report import write_report

    seed = prep.settings.seed
    p = prep.scenario.params
    table = posterior_table(post, prep.priors)
    pairs = trade_offs(post)
    band_table = bands(pred)
    acts = actions_table(pred, p, seed)
    _csv(post.frame(), out / "posterior.csv", exact=True)
    _csv(table, out / "posterior_summary.csv")
    _csv(band_table, out / "forecast_bands.csv")
    _csv(acts, out / "actions.csv")
    save_figure(pair_plot(post, prep.priors), out / "pairs.png")
    save_figure(fan_chart(band_table, prep.obs, p["outcome.success_adoption"]), out / "fan.png")
    result = {
        "scenario": prep.scenario.name, "data": str(prep.obs.path),
        "observed_weeks": [int(w) for w in prep.obs.weeks], "last_week": prep.obs.last_week,
        "horizon": prep.horizon, "success_adoption": float(p["outcome.success_adoption"]),
        **outlook(pred, seed),
        "generation": post.generation, "particles": len(post.weights),
        "simulations": gens[-1].total if gens else 0,
        "epsilon": gens[-1].epsilon if gens else None,
        "generations": [{"t": g.t, "epsilon": g.epsilon, "particles": g.particles,
                         "samples": g.samples} for g in gens],
        "trade_offs": [list(t) for t in pairs],
        "identifiability": identifiability_text(table, pairs),
        "step": prep.section.step, "seed": seed, "actions": acts.to_dict("records"),
    }  # fmt: skip
    write_json(out / "outlook.json", result)
    write_report(out)
    return result
