"""One team's debrief (its timeline of decisions and key events) and the whole game's.

:class:`TeamDebrief` is one finished team: its score, its replays and its
timeline; :class:`Debrief` is all finished teams of a game, ranked by actual
score and by strategy; :func:`debrief` reads the game folder, replays every
team's decisions (:mod:`crmsim.debrief.replays`) and builds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from crmsim.debrief.records import TeamRecord, team_record
from crmsim.debrief.replays import DEFAULT_REPLAYS, luck_words, percentile_of, replay_scores
from crmsim.errors import CrmsimError
from crmsim.game import STATE_FILE, Game, game_of_state, read_state, resume
from crmsim.i18n import N_, _
from crmsim.results import key_moments, pct, week_text

EVENT_WORDS: dict[str, str] = {
    "go_live": N_("go-live"),
    "budget_cut": N_("the sponsor cuts the budget"),
    "budget_restored": N_("budget restored"),
    "cancelled": N_("the project is cancelled"),
    "milestone_met": N_("milestone met"),
    "milestone_missed": N_("milestone missed"),
}
"""Model events in words (translate with ``_()``); the sponsor's moves as in
:data:`crmsim.results.CHANGE_WORDS`."""


def event_text(event: Mapping[str, Any]) -> str | None:
    """A model event in plain words, in the current language (None for the game's own
    intervention records)."""
    kind = event.get("event", "")
    if kind == "go_live":
        return _("go-live: {users} users in {units} teams").format(
            users=event["users"], units=event["units"]
        )
    if kind in ("milestone_met", "milestone_missed"):
        return _("{what} (plan {plan}, actual {actual} using)").format(
            what=_(EVENT_WORDS[kind]), plan=pct(event["plan"]), actual=pct(event["actual"])
        )
    return _(EVENT_WORDS[kind]) if kind in EVENT_WORDS else None


@dataclass
class TeamDebrief:
    """One team's debrief.

    Attributes:
        team: The team's name.
        record: Its finished game's record (replayed from the saved state).
        score: Its actual score.
        points: Points per measure.
        replays: Its decision sequence's scores over the replay seeds.
        share_beaten: Share of its replays its actual score beat.
        rank_actual: Rank among the teams by actual score (1 = best).
        rank_strategy: Rank by the median of the replays (1 = best).
    """

    team: str
    record: TeamRecord
    score: float
    points: dict[str, float]
    replays: np.ndarray
    share_beaten: float = math.nan
    rank_actual: int = 0
    rank_strategy: int = 0

    @property
    def median(self) -> float:
        """The median replay score: what the decisions earn on average."""
        return float(np.median(self.replays))

    def band(self, lo: float = 0.05, hi: float = 0.95) -> tuple[float, float]:
        """The range holding the middle 90 % of the replay scores."""
        return float(np.quantile(self.replays, lo)), float(np.quantile(self.replays, hi))

    def sequence_text(self) -> str:
        """The decisions, round by round, in one line."""
        rounds = [
            _("round {n}: {what}").format(n=r.number, what=", ".join(r.labels))
            for r in self.record.rounds
            if r.decisions
        ]
        return "; ".join(rounds) or _("no actions at all")

    def started(self) -> list[tuple[int, int, dict[str, Any]]]:
        """Actions in the order they started to work: ``(number, first week, record)``."""
        starts = [a for a in self.record.applied if a["what"] == "start"]
        return [(n, a["week"] + 1, a) for n, a in enumerate(starts, start=1)]

    def timeline(self) -> list[tuple[float, str, str]]:
        """Decisions and key events, by week: ``(sort key, when, what)``."""
        result = self.record.result
        ts, s = result.timeseries, result.summary
        rows: list[tuple[float, str, str]] = []
        numbers = {(a["round"], a["action"]): (n, week) for n, week, a in self.started()}
        for r in self.record.rounds:
            if not r.decisions:
                continue
            parts = []
            for action, label in zip(r.actions, r.labels, strict=True):
                if (r.number, action) in numbers:
                    n, week = numbers[(r.number, action)]
                    parts.append(_("[{n}] {label}, from week {week}").format(
                        n=n, label=label, week=week))  # fmt: skip
                else:
                    parts.append(_("{label} (the game ended before it worked)").format(label=label))
            rows.append((r.start_week + 0.5, _("round {n}").format(n=r.number), "; ".join(parts)))
        events = result.events
        rows += key_moments(ts, s, events, self.record.retreat)
        reviews = [e for e in events if e["event"] in ("milestone_met", "milestone_missed")]
        if reviews:
            met = [str(e["week"]) for e in reviews if e["event"] == "milestone_met"]
            missed = [str(e["week"]) for e in reviews if e["event"] == "milestone_missed"]
            text = _("milestone reviews: ") + "; ".join(
                part
                for part in (
                    _("met in week {weeks}").format(weeks=", ".join(met)) if met else "",
                    _("missed in week {weeks}").format(weeks=", ".join(missed)) if missed else "",
                )
                if part
            )
            rows.append((reviews[0]["week"], week_text(reviews[0]["week"]), text))
        rows.sort(key=lambda row: row[0])
        return rows


@dataclass
class Debrief:
    """The debrief of all finished teams of one game.

    Attributes:
        source: The game folder.
        game: The game definition all teams played.
        teams: One debrief per finished team, best actual score first.
        root_seed: Root of the replay seeds.
        seeds: The replay seeds.
        skipped: Teams left out, with the reason.
    """

    source: Path
    game: Game
    teams: list[TeamDebrief]
    root_seed: int
    seeds: list[int]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def best(self) -> TeamDebrief:
        """The team whose decisions score best over the replays (highest median)."""
        return min(self.teams, key=lambda t: t.rank_strategy)

    @property
    def worst(self) -> TeamDebrief:
        """The team whose decisions score worst over the replays (lowest median)."""
        return max(self.teams, key=lambda t: t.rank_strategy)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (written as ``debrief.json``; its words in English)."""
        from crmsim.i18n import language

        with language("en"):
            return self._record()

    def _record(self) -> dict[str, Any]:
        return {
            "game": self.game.name,
            "game_fingerprint": self.game.fingerprint(),
            "game_seed": self.game.seed,
            "root_seed": self.root_seed,
            "replays": len(self.seeds),
            "seeds": self.seeds,
            "best_sequence": self.best.team,
            "worst_sequence": self.worst.team,
            "skipped": self.skipped,
            "teams": {
                t.team: {
                    "score": t.score,
                    "points": t.points,
                    "decisions": t.record.sequence(),
                    "replay_median": t.median,
                    "replay_mean": float(np.mean(t.replays)),
                    "replay_band_90": list(t.band()),
                    "share_of_replays_beaten": t.share_beaten,
                    "luck": luck_words(t.share_beaten),
                    "rank_actual": t.rank_actual,
                    "rank_strategy": t.rank_strategy,
                    "replay_scores": t.replays.tolist(),
                }
                for t in self.teams
            },
        }


def finished_teams(game_dir: str | Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The saved states of the teams that finished, and the others with the reason.

    Raises:
        CrmsimError: when the folder holds no team's game at all.
    """
    root = Path(game_dir)
    if not root.is_dir():
        raise CrmsimError(
            _("{root} is not a directory; give the game folder of crmsim play").format(root=root)
        )
    states, skipped = [], {}
    for path in sorted(root.glob(f"*/{STATE_FILE}")):
        state = read_state(path.parent)
        if state.get("finished"):
            states.append(state)
        else:
            skipped[state["team"]] = (
                f"unfinished ({state['rounds_played']} rounds played); "
                f"finish it with crmsim play --resume"
            )
    if not states and not skipped:
        raise CrmsimError(
            _(
                "{root} holds no team's game; play one with crmsim play GAME --team NAME --out {root}"
            ).format(root=root)
        )
    return states, skipped


def debrief(
    game_dir: str | Path,
    replays: int = DEFAULT_REPLAYS,
    root_seed: int | None = None,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
    game_ref: str | Path | None = None,
) -> Debrief:
    """Debrief every finished team of the game in ``game_dir``.

    Args:
        game_dir: The folder ``crmsim play --out`` wrote (one sub-folder per team).
        replays: Seeds to replay each team's decisions over.
        root_seed: Root of the replay seeds [default: the game's seed].
        workers: Processes for the replays.
        progress: Called with (team, replays done, replays planned).
        game_ref: The game file, when it has moved since the game was played
            [default: the file recorded in the teams' states].

    Raises:
        CrmsimError: when no team has finished, the teams played different
            games (other rules, settings or seed), or a saved game no longer
            replays to its saved state.
    """
    from crmsim.batch import run_seeds
    from crmsim.batch.sizing import check_plan

    check_plan(replays, 1, "these replays", "use fewer --replays", bytes_per_run=64)
    states, skipped = finished_teams(game_dir)
    if not states:
        raise CrmsimError(
            _(
                "no team in {game_dir} has finished its game yet ({choices}); finish with crmsim play --resume"
            ).format(game_dir=game_dir, choices=", ".join(skipped))
        )
    prints = {s["game"]["fingerprint"] for s in states}
    if len(prints) > 1:
        teams = ", ".join(f"{s['team']} (seed {s['game']['seed']})" for s in states)
        raise CrmsimError(
            _(
                "the teams in {game_dir} played different games or settings: {teams}; debrief each game's folder on its own"
            ).format(game_dir=game_dir, teams=teams)
        )
    game = game_of_state(states[0], game_ref)
    records = [team_record(resume(game, s)) for s in states]
    root = game.seed if root_seed is None else int(root_seed)
    seeds = run_seeds(root, replays)
    sequences = {r.team: r.sequence() for r in records}
    scores = replay_scores(game, sequences, seeds, workers, progress)
    teams = []
    for rec in records:
        td = TeamDebrief(
            team=rec.team,
            record=rec,
            score=rec.score,
            points=rec.points,
            replays=scores[rec.team],
        )
        td.share_beaten = percentile_of(td.score, td.replays)
        teams.append(td)
    for rank, t in enumerate(sorted(teams, key=lambda t: -t.score), start=1):
        t.rank_actual = rank
    for rank, t in enumerate(sorted(teams, key=lambda t: (-t.median, -t.score)), start=1):
        t.rank_strategy = rank
    teams.sort(key=lambda t: t.rank_actual)
    return Debrief(Path(game_dir), game, teams, root, seeds, skipped)
