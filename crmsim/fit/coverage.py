"""Simulation-based calibration of the whole fit: synthetic firms with known unknowns.

Each synthetic firm draws its unknowns from the prior and one run of the
scenario (its own seed); its first ``weeks`` weeks are the data. The fit runs
exactly as ``crmsim fit`` runs it; then two questions are asked: does each
90 % credible interval hold the firm's true value, and does the 90 %
forecast band hold the firm's real weeks after the data? In a calibrated
method both happen about 90 % of the time (less means overconfident, more
means cautious). ``tests/test_fit_coverage.py`` runs a small version,
``benchmarks/bench_fit.py`` a larger one (its numbers are in docs/fit.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from crmsim.fit.data import Observations
from crmsim.fit.forecast import SERIES, predict
from crmsim.fit.infer import Settings, posterior, run_abc
from crmsim.fit.problem import Prior
from crmsim.fit.summary import posterior_table
from crmsim.params import ParamSet

OBSERVED = ("active_share", "rejecting_share", "profit_index")
"""What a synthetic firm's data hold, every week."""


@dataclass(frozen=True)
class Firm:
    """A synthetic firm: its true unknowns and the seed of its one run."""

    truth: dict[str, float]
    seed: int


def synthetic_firms(priors: Sequence[Prior], n: int, seed: int) -> list[Firm]:
    """``n`` firms with unknowns drawn from the priors, seeds spawned from ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 4]))
    u = rng.random((n, len(priors)))
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence([seed, 5]).spawn(n)]
    return [
        Firm({p.name: p.draw(float(u[i, j])) for j, p in enumerate(priors)}, seeds[i])
        for i in range(n)
    ]


def firm_record(params: ParamSet, firm: Firm, horizon: int) -> dict[str, np.ndarray]:
    """A firm's true weekly series to the horizon, by forecast series name."""
    from crmsim.engine import Engine

    engine = Engine(params.with_updates({**firm.truth, "run.weeks": horizon}), rng=firm.seed)
    engine.run()
    ts = engine.timeseries()
    return {name: ts[col].to_numpy() + (1.0 if name == "profit_index" else 0.0)
            for name, col in SERIES}  # fmt: skip


def observe(record: dict[str, np.ndarray], weeks: int, label: str) -> Observations:
    """The firm's first ``weeks`` weeks as data (every week, the OBSERVED columns)."""
    w = np.arange(1, weeks + 1)
    return Observations(Path(label), w, {c: record[c][w].astype(float) for c in OBSERVED})


@dataclass(frozen=True)
class Coverage:
    """What the synthetic firms showed.

    Attributes:
        unknowns: One row per firm and unknown: truth, interval, covered.
        forecast: One row per firm and series: share of held-out weeks
            inside the 90 % band.
    """

    unknowns: Any
    forecast: Any

    @property
    def interval_coverage(self) -> float:
        """Share of (firm, unknown) pairs whose 90 % interval holds the truth."""
        return float(self.unknowns["covered"].mean())

    @property
    def band_coverage(self) -> float:
        """Share of held-out (firm, series, week) values inside the 90 % band."""
        f = self.forecast
        return float((f["inside"] * f["weeks"]).sum() / f["weeks"].sum())

    def figures(self, level: float = 0.95, n: int = 10_000, seed: int = 0) -> Any:
        """Every coverage figure with a bootstrap interval over firms.

        The firms are the independent units (a firm's weeks, and its five
        unknowns, rise and fall together), so the interval resamples whole
        firms with replacement: ``n`` resamples, the central ``level`` range.

        Returns:
            A table with one row per figure (``intervals``: all (firm, unknown)
            pairs; ``band``: all held-out values; then each unknown and each
            series) and columns ``figure``, ``value``, ``lo``, ``hi``, ``firms``.
        """
        import pandas as pd

        u, f = self.unknowns, self.forecast
        firms = np.array(sorted(set(u["firm"]) | set(f["firm"])))
        pick = np.random.default_rng(seed).integers(0, len(firms), size=(n, len(firms)))
        counts = np.stack([(pick == i).sum(axis=1) for i in range(len(firms))], axis=1)

        def per_firm(df: Any, value: str, weight: str | None) -> tuple[np.ndarray, np.ndarray]:
            """Each firm's sum of weighted values and of weights (in ``firms`` order)."""
            x = df[value].astype(float)
            w = df[weight].astype(float) if weight else x * 0.0 + 1.0
            by = df["firm"]
            num = (x * w).groupby(by).sum().reindex(firms, fill_value=0.0)
            return num.to_numpy(), w.groupby(by).sum().reindex(firms, fill_value=0.0).to_numpy()

        parts = {"intervals": per_firm(u, "covered", None), "band": per_firm(f, "inside", "weeks")}
        parts |= {name: per_firm(g, "covered", None) for name, g in u.groupby("unknown")}
        parts |= {name: per_firm(g, "inside", "weeks") for name, g in f.groupby("series")}
        rows = []
        for name, (num, den) in parts.items():
            with np.errstate(invalid="ignore", divide="ignore"):
                boot = (counts @ num) / (counts @ den)
            lo, hi = np.nanquantile(boot, [(1 - level) / 2, (1 + level) / 2])
            rows.append({"figure": name, "value": float(num.sum() / den.sum()),
                         "lo": float(lo), "hi": float(hi), "firms": int((den > 0).sum())})  # fmt: skip
        return pd.DataFrame(rows)


def run_coverage(
    params: ParamSet,
    priors: Sequence[Prior],
    firms: int,
    settings: Settings,
    weeks: int = 26,
    draws: int = 100,
    workers: int = 1,
    report: Callable[[str], None] = lambda _: None,
    keep: Path | None = None,
) -> Coverage:
    """Fit ``firms`` synthetic firms on their first ``weeks`` weeks; check coverage.

    Args:
        params: The scenario the firms share (the unknowns are drawn).
        priors: The unknowns.
        firms: How many firms.
        settings: The search's settings (its seed also seeds the firms).
        weeks: Observed weeks of each firm.
        draws: Forecast draws per firm.
        workers: Local processes.
        report: Called with one line per firm.
        keep: A folder to write ``unknowns.csv`` and ``forecast.csv`` into
            after every firm (a long check stopped early keeps what it did).
    """
    import pandas as pd

    horizon = int(params["run.weeks"])
    rows, frows = [], []
    for i, firm in enumerate(synthetic_firms(priors, firms, settings.seed)):
        record = firm_record(params, firm, horizon)
        obs = observe(record, weeks, f"synthetic firm {i}")
        with tempfile.TemporaryDirectory() as tmp:
            history = run_abc(params, priors, obs, Path(tmp) / "fit.db", settings, workers)
            post = posterior(history, [p.name for p in priors])
        table = posterior_table(post, priors, firm.truth)
        table.insert(0, "firm", i)
        rows.append(table)
        pred = predict(params, post, [], weeks, horizon, draws, settings.seed + i, workers)
        lo, hi = np.quantile(pred.series, (0.05, 0.95), axis=0)
        later = slice(weeks + 1, horizon + 1)
        for k, (name, _) in enumerate(SERIES):
            truth = record[name][later]
            inside = (truth >= lo[k, later] - 1e-12) & (truth <= hi[k, later] + 1e-12)
            frows.append({"firm": i, "series": name, "weeks": len(truth),
                          "inside": float(inside.mean())})  # fmt: skip
        report(f"firm {i}: {int(table['covered'].sum())} of {len(table)} unknowns covered, "
               f"forecast band holds {np.mean([r['inside'] for r in frows[-len(SERIES):]]):.0%} "
               "of the later weeks")  # fmt: skip
        if keep is not None:
            pd.concat(rows, ignore_index=True).to_csv(keep / "unknowns.csv", index=False)
            pd.DataFrame(frows).to_csv(keep / "forecast.csv", index=False)
    return Coverage(pd.concat(rows, ignore_index=True), pd.DataFrame(frows))
