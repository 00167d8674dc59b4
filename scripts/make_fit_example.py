"""Make the bundled example of ``crmsim fit``: a firm's first 26 weeks, from a known truth.

    python scripts/make_fit_example.py            # writes scenarios/fit/example.csv
                                                  # and scenarios/fit/example_truth.toml

The firm is ``scenarios/fit/example.toml``; its unknowns take the values at
fixed quantiles of their priors (:data:`TRUTH_QUANTILES`), so the truth
follows the model's declared ranges and defaults and nothing here repeats a
default. One run (seed :data:`SEED`) is recorded as a firm's usage export
would be: three series, rounded to three decimals, weeks
:data:`MISSING_WEEKS` not measured and one profit figure missing. Run it again
whenever the model's defaults change (tests/test_fit_example.py says when).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout: use its crmsim
    sys.path.insert(0, str(ROOT))

SCENARIO = ROOT / "scenarios" / "fit" / "example.toml"
CSV = ROOT / "scenarios" / "fit" / "example.csv"
TRUTH = ROOT / "scenarios" / "fit" / "example_truth.toml"
SEED = 2026
WEEKS = 26
MISSING_WEEKS = (9, 15, 22)
MISSING_PROFIT_WEEK = 13
TRUTH_QUANTILES = {
    "sponsor.commitment": 0.65,
    "effects.fit_base": 0.40,
    "frontline.confidence": 0.50,
    "diffusion.p": 0.85,
    "diffusion.q": 0.80,
}
"""Where in each unknown's prior the example firm's true value lies."""


def truth() -> dict[str, float]:
    """The example firm's true unknowns (4 significant digits)."""
    from crmsim.fit.problem import choose_priors, read_fit_section

    priors = choose_priors([], read_fit_section(SCENARIO))
    return {p.name: float(f"{p.draw(TRUTH_QUANTILES[p.name]):.4g}") for p in priors}


def make() -> tuple[object, dict[str, float], object]:
    """The example: (the data table, the truth, the true run's full weekly record)."""
    import numpy as np
    import pandas as pd

    from crmsim.runner import simulate
    from crmsim.scenario import load

    values = truth()
    run = simulate(load(SCENARIO).with_updates(values), seed=SEED)
    ts = run.timeseries
    weeks = [w for w in range(1, WEEKS + 1) if w not in MISSING_WEEKS]
    rows = ts.set_index("week").loc[weeks]
    frame = pd.DataFrame({
        "week": weeks,
        "active_share": rows["engaged"].round(3).to_numpy(),
        "rejecting_share": rows["rejecting"].round(3).to_numpy(),
        "profit_index": (1.0 + rows["profit_rel"]).round(3).to_numpy(),
    })  # fmt: skip
    frame.loc[frame["week"] == MISSING_PROFIT_WEEK, "profit_index"] = np.nan
    return frame, values, ts


def truth_toml(values: dict[str, float]) -> str:
    """The truth file's text."""
    lines = ["# The example firm's true unknowns and seed: written by scripts/make_fit_example.py",
             f"seed = {SEED}", "", "[truth]"]  # fmt: skip
    lines += [f'"{k}" = {v!r}' for k, v in values.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the example's data file and truth file."""
    frame, values, _ = make()
    CSV.write_text(frame.to_csv(index=False), encoding="utf-8")
    TRUTH.write_text(truth_toml(values), encoding="utf-8")
    print(f"wrote {CSV.relative_to(ROOT)} ({len(frame)} weeks) and {TRUTH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
