"""Benchmark of a whole workshop: five teams play the short game, then the class debrief.

Not a test: it times, it does not assert. For each language (English, then
Chinese) five scripted teams play the bundled short game (``huaxin_short``,
8 rounds) through the team server's hub, exactly as their pages submit
(:class:`crmsim.dashboard.hub.Hub`: the round is played when the fifth team
submits, every team is saved after every round), then the class debrief
replays every team's decisions over the same 200 other possible futures
and writes its PDF and PNG slides. It prints the compute time of each part
(the goal: under 90 s for one language, debrief included, on a 2-core
machine).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_class_game.py \
        [--game huaxin_short] [--replays 200] [--workers 2] [--employees N]

Each team's strategy is fixed (team ``i`` prefers every fifth action of the
menu, from the ``i``-th; ``green`` takes none), so the run is repeatable.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

TEAMS = ("red", "blue", "green", "orange", "purple")


def scripted_decisions(hub, team: str, index: int) -> list[str]:
    """A fixed strategy: the team's preferred actions that it may still take, within the
    round's limit and its budget (``green`` takes none)."""
    if team == "green":
        return []
    tg = hub.room.teams[team]
    names = list(hub.game.actions)
    preferred = names[index::5] + names[:index]
    chosen: list[str] = []
    for name in preferred:
        action = hub.game.actions[name]
        decision = f"{name}:sales" if action.target else name
        try:
            tg.check([*chosen, decision])
        except Exception:  # noqa: BLE001 - not allowed now: try the next one
            continue
        chosen.append(decision)
        if len(chosen) == hub.game.max_actions:
            break
    return chosen


def play_class(game, folder: Path) -> None:
    """Five teams join and submit every round until the game is over."""
    from crmsim.dashboard.hub import Hub

    hub = Hub(game, folder)
    for team in TEAMS:
        hub.add_team(team)
    while not hub.room.finished:
        for i, team in enumerate(TEAMS):
            refused = hub.submit(team, scripted_decisions(hub, team, i))
            assert refused == "", refused


def cpu_seconds() -> float:
    """CPU time of this process (with ``--workers 1`` the whole compute; worker processes
    of a pool are the forkserver's children, not counted here)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--game", default="huaxin_short")
    parser.add_argument("--replays", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--employees", type=int, default=None)
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    from crmsim.debrief.classroom import class_debrief
    from crmsim.game import load_game
    from crmsim.i18n import language

    overrides = {"org.employees": args.employees} if args.employees else {}
    for lang in ("en", "zh"):
        with language(lang), tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), cpu_seconds()
            game = load_game(args.game, overrides)
            play_class(game, Path(tmp) / "game")
            t1 = time.perf_counter()
            d, files = class_debrief(Path(tmp) / "game", replays=args.replays,
                                     workers=args.workers)  # fmt: skip
            t2, c2 = time.perf_counter(), cpu_seconds()
            print(
                f"{lang}: {args.game}, {len(TEAMS)} teams x {game.rounds} rounds: play "
                f"{t1 - t0:.1f} s; class debrief ({args.replays} replays a team, "
                f"{args.workers} workers, {len(files) - 2} slides + PDF) {t2 - t1:.1f} s; "
                f"total {t2 - t0:.1f} s wall, {c2 - c0:.1f} s CPU in this process; best decisions: "
                f"{d.best.team}"
            )


if __name__ == "__main__":
    main()
