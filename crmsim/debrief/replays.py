"""Replays: one decision sequence over many seeds, and what its place among them says.

:func:`replay_scores` plays each team's decisions in the same rounds with
other seeds (in worker processes when asked; the worker function
:func:`_replay_scores` and its per-process game cache live here so they pickle
by this module's path). :func:`percentile_of` places a team's actual score
among its own replays and :func:`luck_words` says what that place means.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from crmsim.game import Game, replay
from crmsim.i18n import _

DEFAULT_REPLAYS = 200
"""Seeds each team's decision sequence is replayed over."""

LUCKY, UNLUCKY = 0.8, 0.2
"""A team whose actual score beats more than 80 % of its own replays was lucky,
less than 20 % unlucky (the middle 60 % is what its decisions usually give)."""


@functools.lru_cache(maxsize=8)
def _game(path: str, overrides: tuple[tuple[str, Any], ...], seed: int, rounds: int) -> Game:
    from crmsim.game import load_game

    return load_game(path, overrides=dict(overrides), seed=seed, rounds=rounds)


def _replay_scores(
    path: str,
    overrides: tuple[tuple[str, Any], ...],
    seed: int,
    rounds: int,
    sequence: tuple[tuple[str, ...], ...],
    seeds: tuple[int, ...],
) -> list[float]:
    """Final scores of one decision sequence over ``seeds`` (runs in a worker process too)."""
    game = _game(path, overrides, seed, rounds)
    out = []
    for s in seeds:
        tg = replay(game.with_seed(s), sequence)
        out.append(tg.standing()["score"])
    return out


def replay_scores(
    game: Game,
    sequences: Mapping[str, Sequence[Sequence[str]]],
    seeds: Sequence[int],
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Each named decision sequence's final score over every seed.

    Args:
        game: The game (its seed is replaced by each replay seed).
        sequences: Decision sequences by team name.
        seeds: The replay seeds (the same for every team).
        workers: Processes to use; 1 runs here.
        progress: Called with (team, replays done, replays planned).

    Returns:
        Scores per team, in the order of ``seeds``.
    """
    key = (
        str(game.path),
        tuple(sorted(game.overrides.items())),
        game.seed,
        game.rounds,
    )
    frozen = {team: tuple(tuple(str(d) for d in r) for r in seq) for team, seq in sequences.items()}
    seeds = tuple(int(s) for s in seeds)
    out: dict[str, np.ndarray] = {}
    if workers <= 1:
        for team, seq in frozen.items():
            scores: list[float] = []
            for chunk in _chunks(seeds, 20):
                scores += _replay_scores(*key, seq, chunk)
                if progress:
                    progress(team, len(scores), len(seeds))
            out[team] = np.array(scores)
        return out
    import multiprocessing

    ctx = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for team, seq in frozen.items():
            chunks = _chunks(seeds, max(1, -(-len(seeds) // (4 * workers))))
            futures = [pool.submit(_replay_scores, *key, seq, c) for c in chunks]
            scores = []
            for f in futures:  # in order: scores stay aligned with seeds
                scores += f.result()
                if progress:
                    progress(team, len(scores), len(seeds))
            out[team] = np.array(scores)
    return out


def _chunks(items: tuple[int, ...], size: int) -> list[tuple[int, ...]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def percentile_of(value: float, sample: np.ndarray) -> float:
    """Share of ``sample`` below ``value`` (ties count half): 0.9 beats 90 % of it."""
    if sample.size == 0:
        return math.nan
    below = np.sum(sample < value - 1e-9)
    ties = np.sum(np.abs(sample - value) <= 1e-9)
    return float((below + 0.5 * ties) / sample.size)


def luck_words(share: float) -> str:
    """What a team's place among its own replays says, in plain words."""
    if share > LUCKY:
        return _("lucky: the same decisions usually score lower")
    if share < UNLUCKY:
        return _("unlucky: the same decisions usually score higher")
    return _("about what these decisions usually give")
