"""The figures of docs/model.md section 10: what scenarios produce over many seeds.

Run:  PYTHONPATH=. .venv/bin/python scripts/baseline_figures.py [--seeds 500] [SCENARIO ...]

Simulates seeds 0..N-1 of each scenario (default: baseline and model_0_2, the
0.2 model) and prints one markdown table, a column per scenario, with the
money figures in the scenario's currency units (USD for the bundled ones).
"""

from __future__ import annotations

import argparse

import numpy as np

from crmsim.runner import simulate
from crmsim.scenario import load

ROWS = (
    ("success rate (not cancelled, final adoption >= 0.7)", "success", "pct"),
    ("cancelled", "cancelled", "pct"),
    ("budget cut at least once", "cut", "pct"),
    ("mean final adoption (routine users)", "adoption", "f3"),
    ("median final adoption", "median", "f3"),
    ("runs ending with > 90 % routine users", "over90", "pct"),
    ("mean final share rejecting", "rejecting", "f3"),
    ("mean dip depth (share of weekly pre-project profit)", "dip", "f3"),
    ("runs whose deepest week is after the first go-live", "after", "pct"),
    ("median weeks below pre-project profit, successful runs", "dip_weeks", "f0"),
    ("runs with cumulative profit change >= 0 by week 156", "paid_back", "pct"),
    ("successful runs that paid back by week 156", "paid_back_success", "pct"),
    ("median ROI (Nucleus: yearly net benefit / initial cost)", "roi", "f2"),
    ("runs with ROI >= 1/3 (the outlay recovered in three years)", "roi_third", "pct"),
    ("mean cumulative profit change (M)", "cum", "m"),
    ("mean total project spend (M)", "spend", "m"),
)


def figures(name: str, n: int) -> dict[str, float]:
    """The table's figures for ``name`` over seeds 0..n-1."""
    sc = load(name)
    runs = [simulate(sc, seed) for seed in range(n)]
    S = [r.summary for r in runs]

    def v(k: str) -> np.ndarray:
        return np.array([np.nan if s[k] is None else float(s[k]) for s in S])

    first_live = np.array(
        [next((e["week"] for e in r.events if e["event"] == "go_live"), np.nan) for r in runs]
    )
    a, ok = v("final_adoption"), v("success") == 1
    paid = v("cum_profit_delta") >= 0
    return {
        "success": ok.mean(), "cancelled": v("cancelled").mean(),
        "cut": np.isfinite(v("cut_week")).mean(), "adoption": a.mean(),
        "median": np.median(a), "over90": (a > 0.9).mean(), "rejecting": v("final_rejecting").mean(),
        "dip": v("profit_dip_depth").mean(), "after": (v("dip_bottom_week") > first_live).mean(),
        "dip_weeks": np.median(v("dip_weeks")[ok]) if ok.any() else np.nan,
        "paid_back": paid.mean(), "paid_back_success": paid[ok].mean() if ok.any() else np.nan,
        "roi": np.nanmedian(v("roi")),
        "roi_third": (v("roi") >= 1.0 / 3.0).mean(), "cum": v("cum_profit_delta").mean() / 1e6,
        "spend": v("total_spend").mean() / 1e6,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*", default=["baseline", "model_0_2"])
    ap.add_argument("--seeds", type=int, default=500)
    a = ap.parse_args()
    cols = {name: figures(name, a.seeds) for name in a.scenarios}
    print(f"| figure ({a.seeds} seeds, 0-{a.seeds - 1}) | " + " | ".join(cols) + " |")
    print("| --- |" + " --- |" * len(cols))
    fmt = {"pct": "{:.0%}", "f3": "{:.3f}", "f2": "{:.2f}", "f0": "{:.0f}", "m": "{:.2f}"}
    for label, key, kind in ROWS:
        cells = [fmt[kind].format(c[key]).replace("%", " %") for c in cols.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
