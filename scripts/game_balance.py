"""Game balance: what the strategies of docs/game.md earn in the bundled game.

Run:  PYTHONPATH=. .venv/bin/python scripts/game_balance.py [--seeds 50] [--workers 2]

Replays each strategy's decision sequence over the same seeds
(``run_seeds(0, N)``, common random numbers) with
:func:`crmsim.debrief.replay_scores` and prints, per strategy, the median
score and the range of the middle 90 %, as the table in docs/game.md.
"""

from __future__ import annotations

import argparse

import numpy as np

from crmsim.batch import run_seeds
from crmsim.debrief import replay_scores
from crmsim.game import load_game

STRATEGIES: dict[str, list[list[str]]] = {
    "no action": [],
    "milestones alone (round 1)": [["announce_milestone"]],
    "the hard levers only": [
        ["process_analysis", "evaluate_vendor", "phase_rollout"],
        ["hire_consultants", "project_team"],
        ["restructure_department:marketing", "bring_customers_in"],
    ],
    "the sponsor only": [
        ["top_team_offsite", "sponsor_speech"],
        [],
        ["sponsor_speech"],
        [],
        ["sponsor_speech"],
        ["top_team_offsite"],
        ["sponsor_speech"],
    ],
    "a broad support system": [
        ["pilot_department", "top_team_offsite", "sponsor_speech"],
        ["training_wave", "manager_workshop"],
        ["sponsor_speech", "make_results_visible"],
        ["restructure_department:sales"],
        ["training_wave", "sponsor_speech"],
        [],
        ["sponsor_speech"],
    ],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--game", default="support_system")
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    game = load_game(a.game)
    rounds = game.rounds
    seqs = {k: [*v, *[[] for _ in range(rounds - len(v))]] for k, v in STRATEGIES.items()}
    scores = replay_scores(game, seqs, run_seeds(0, a.seeds), workers=a.workers)
    print(f"| strategy | median score | middle 90 % |  ({a.seeds} seeds, game {a.game})")
    print("| --- | --- | --- |")
    for name, s in scores.items():
        lo, med, hi = np.percentile(s, [5, 50, 95])
        print(f"| {name} | {med:.1f} | {lo:.1f}–{hi:.1f} |")


if __name__ == "__main__":
    main()
