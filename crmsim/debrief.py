"""The debrief of a workshop game: strategy or luck?

For every team that finished a game (``crmsim play``, one folder per team in
the game folder) the debrief shows:

- the **timeline** of its decisions against the key events of its run
  (go-live, the sponsor wavering, the bottom of the profit dip, the tipping
  point, milestones, budget cut and cancellation);
- its **decision sequence replayed** over many other seeds (200 by default):
  the same decisions in the same rounds, facing other organisations and other
  chances drawn from the same game. Where the team's actual score falls in
  that distribution separates strategy from luck: a team that beat 90 % of its
  own replays was lucky; a team whose replays mostly score higher was unlucky;
  the median of the replays is the score its strategy earns on average;
- the **best and worst sequences** among all teams, ranked by that median.

Replay seeds come from ``numpy.random.SeedSequence(root).spawn(n)``
(:func:`crmsim.batch.run_seeds`), the root being the game's seed unless given;
they are stored in ``debrief.json``. Every team's sequence meets the same
replay seeds (common random numbers), so teams are compared on equal chances.

One page per team (PDF or HTML) is laid out by :mod:`crmsim.report`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from crmsim.errors import CrmsimError
from crmsim.game import (
    MONEY,
    STATE_FILE,
    Game,
    TeamGame,
    game_of_state,
    read_state,
    replay,
    resume,
)
from crmsim.report import pct, tipping_week, wavering_week, week_text

DEFAULT_REPLAYS = 200
"""Seeds each team's decision sequence is replayed over."""

DEBRIEF_DIR = "debrief"
DEBRIEF_FILE = "debrief.json"
LUCKY, UNLUCKY = 0.8, 0.2
"""A team whose actual score beats more than 80 % of its own replays was lucky,
less than 20 % unlucky (the middle 60 % is what its decisions usually give)."""

EVENT_WORDS: dict[str, str] = {
    "go_live": "go-live",
    "budget_cut": "the sponsor cuts the budget",
    "budget_restored": "budget restored",
    "cancelled": "the project is cancelled",
    "milestone_met": "milestone met",
    "milestone_missed": "milestone missed",
}


def event_text(event: Mapping[str, Any]) -> str | None:
    """A model event in plain words (None for the game's own intervention records)."""
    kind = event.get("event", "")
    if kind == "go_live":
        return f"go-live: {event['users']} users in {event['units']} teams"
    if kind in ("milestone_met", "milestone_missed"):
        return (
            f"{EVENT_WORDS[kind]} (plan {pct(event['plan'])}, actual {pct(event['actual'])} using)"
        )
    return EVENT_WORDS.get(kind)


# ---------------------------------------------------------------- replays


@functools.lru_cache(maxsize=8)
def _game(path: str, overrides: tuple[tuple[str, Any], ...], seed: int) -> Game:
    from crmsim.game import load_game

    return load_game(path, overrides=dict(overrides), seed=seed)


def _replay_scores(
    path: str,
    overrides: tuple[tuple[str, Any], ...],
    seed: int,
    sequence: tuple[tuple[str, ...], ...],
    seeds: tuple[int, ...],
) -> list[float]:
    """Final scores of one decision sequence over ``seeds`` (runs in a worker process too)."""
    game = _game(path, overrides, seed)
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
        return "lucky: the same decisions usually score lower"
    if share < UNLUCKY:
        return "unlucky: the same decisions usually score higher"
    return "about what these decisions usually give"


# ---------------------------------------------------------------- one team


@dataclass
class TeamDebrief:
    """One team's debrief.

    Attributes:
        team: The team's name.
        game: Its finished game, replayed from the saved state.
        score: Its actual score.
        points: Points per measure.
        replays: Its decision sequence's scores over the replay seeds.
        share_beaten: Share of its replays its actual score beat.
        rank_actual: Rank among the teams by actual score (1 = best).
        rank_strategy: Rank by the median of the replays (1 = best).
    """

    team: str
    game: TeamGame
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
            f"r{r.number}: {', '.join(str(d) for d in r.decisions)}"
            for r in self.game.rounds
            if r.decisions
        ]
        return "; ".join(rounds) or "no actions at all"

    def started(self) -> list[tuple[int, int, dict[str, Any]]]:
        """Actions in the order they started to work: ``(number, first week, record)``."""
        starts = [a for a in self.game.applied if a["what"] == "start"]
        return [(n, a["week"] + 1, a) for n, a in enumerate(starts, start=1)]

    def timeline(self) -> list[tuple[float, str, str]]:
        """Decisions and key events, by week: ``(sort key, when, what)``."""
        tg = self.game
        result = tg.result()
        ts, s = result.timeseries, result.summary
        rows: list[tuple[float, str, str]] = []
        numbers = {(a["round"], a["action"]): (n, week) for n, week, a in self.started()}
        for r in tg.rounds:
            if not r.decisions:
                continue
            parts = []
            for d in r.decisions:
                label = tg.game.actions[d.action].label + (f" ({d.target})" if d.target else "")
                if (r.number, d.action) in numbers:
                    n, week = numbers[(r.number, d.action)]
                    parts.append(f"[{n}] {label}, from week {week}")
                else:
                    parts.append(f"{label} (the game ended before it worked)")
            rows.append((r.start_week + 0.5, f"round {r.number}", "; ".join(parts)))
        events = result.events
        go = [e for e in events if e["event"] == "go_live"]
        if go:
            text = f"go-live: first {go[0]['users']} users"
            if len(go) > 1:
                text += f"; all {len(go)} waves live by {week_text(go[-1]['week'])}"
            rows.append((go[0]["week"], week_text(go[0]["week"]), text))
        retreat = tg.model.params["sponsor.retreat_threshold"]
        w = wavering_week(ts["confidence_sponsor"], retreat)
        if w is not None:
            rows.append((w, week_text(w), f"sponsor wavering: confidence below {pct(retreat)}"))
        if s["dip_bottom_week"] is not None:
            b = s["dip_bottom_week"]
            rows.append(
                (b, week_text(b), f"profit dip at its bottom ({pct(s['profit_dip_depth'], 1)})")
            )
        t = tipping_week(ts["adoption"])
        if t is not None:
            rows.append((t, week_text(t), "tipping point: adoption grows fastest"))
        if s["weeks_to_50"] is not None:
            rows.append((s["weeks_to_50"], week_text(s["weeks_to_50"]), "half the users use CRM"))
        reviews = [e for e in events if e["event"] in ("milestone_met", "milestone_missed")]
        if reviews:
            met = [str(e["week"]) for e in reviews if e["event"] == "milestone_met"]
            missed = [str(e["week"]) for e in reviews if e["event"] == "milestone_missed"]
            text = "milestone reviews: " + "; ".join(
                part
                for part in (
                    f"met in week {', '.join(met)}" if met else "",
                    f"missed in week {', '.join(missed)}" if missed else "",
                )
                if part
            )
            rows.append((reviews[0]["week"], week_text(reviews[0]["week"]), text))
        for e in events:
            if e["event"] in ("budget_cut", "budget_restored", "cancelled"):
                rows.append((e["week"], week_text(e["week"]), EVENT_WORDS[e["event"]]))
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
        """A JSON-ready record (written as ``debrief.json``)."""
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
                    "decisions": t.game.sequence(),
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
        raise CrmsimError(f"{root} is not a directory; give the game folder of crmsim play")
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
            f"{root} holds no team's game; play one with crmsim play GAME --team NAME --out {root}"
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

    states, skipped = finished_teams(game_dir)
    if not states:
        raise CrmsimError(
            f"no team in {game_dir} has finished its game yet ({', '.join(skipped)}); "
            "finish with crmsim play --resume"
        )
    prints = {s["game"]["fingerprint"] for s in states}
    if len(prints) > 1:
        teams = ", ".join(f"{s['team']} (seed {s['game']['seed']})" for s in states)
        raise CrmsimError(
            f"the teams in {game_dir} played different games or settings: {teams}; "
            "debrief each game's folder on its own"
        )
    game = game_of_state(states[0], game_ref)
    games = [resume(game, s) for s in states]
    root = game.seed if root_seed is None else int(root_seed)
    seeds = run_seeds(root, replays)
    scores = replay_scores(game, {tg.team: tg.sequence() for tg in games}, seeds, workers, progress)
    teams = []
    for tg in games:
        standing = tg.standing()
        td = TeamDebrief(
            team=tg.team,
            game=tg,
            score=standing["score"],
            points=standing["points"],
            replays=scores[tg.team],
        )
        td.share_beaten = percentile_of(td.score, td.replays)
        teams.append(td)
    for rank, t in enumerate(sorted(teams, key=lambda t: -t.score), start=1):
        t.rank_actual = rank
    for rank, t in enumerate(sorted(teams, key=lambda t: (-t.median, -t.score)), start=1):
        t.rank_strategy = rank
    teams.sort(key=lambda t: t.rank_actual)
    return Debrief(Path(game_dir), game, teams, root, seeds, skipped)


# ---------------------------------------------------------------- pages


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=(9.0, 4.0), layout="constrained").add_subplot()


def plot_decisions(team: TeamDebrief, ax: Axes | None = None) -> Axes:
    """Adoption and confidence week by week, with the team's actions marked.

    Each action is marked by its number (as in the timeline) where it starts
    to work; rounds are shaded alternately.
    """
    from crmsim.plotting import plot_adoption

    ax = _axes(ax)
    tg = team.game
    result = tg.result()
    plot_adoption(result.timeseries, result.events, ax=ax)
    per = tg.game.weeks_per_round
    for r in range(0, tg.game.rounds, 2):
        ax.axvspan(r * per, (r + 1) * per, color="#f0f0f0", zorder=0, linewidth=0)
    last_on_level: list[float] = []  # markers closer than 6 weeks stack upwards
    for n, week, _ in team.started():
        level = next((i for i, x in enumerate(last_on_level) if week - x >= 6), None)
        if level is None:
            level = len(last_on_level)
            last_on_level.append(week)
        last_on_level[level] = week
        y = 0.03 + 0.05 * level
        ax.plot(week, y, marker="^", color="#08519c", markersize=4, zorder=5)
        ax.text(week + 0.8, y, str(n), fontsize=6.5, color="#08519c", va="center", ha="left")
    ax.set_title(f"Team {team.team}: adoption, confidence and its actions (▲ numbered)", loc="left")
    return ax


def plot_luck(team: TeamDebrief, others: Sequence[TeamDebrief] = (), ax: Axes | None = None):
    """The team's decisions replayed over other seeds, and where its actual score falls.

    Args:
        team: The team.
        others: Other teams, whose replay medians are marked for comparison.
        ax: Axes to draw on; a new figure is made when None.
    """
    ax = _axes(ax)
    best = team.game.game.scoring.maximum
    bins = np.linspace(0.0, best, 41)
    ax.hist(team.replays, bins=bins, color="#9ecae1", edgecolor="white",
            label=f"same decisions, {team.replays.size} other seeds")  # fmt: skip
    ax.axvline(team.median, color="#08519c", linestyle="--", linewidth=1.4,
               label=f"their median {team.median:.1f}")  # fmt: skip
    ax.axvline(team.score, color="#d73027", linewidth=2.2,
               label=f"actual score {team.score:.1f}")  # fmt: skip
    for other in others:
        if other.team == team.team:
            continue
        ax.plot(other.median, 0, marker="|", color="#555555", markersize=10, clip_on=False)
        ax.annotate(other.team, (other.median, 0), xytext=(0, 7), textcoords="offset points",
                    fontsize=6, ha="center", color="#555555")  # fmt: skip
    ax.set_xlim(0.0, best)
    ax.set_xlabel(f"score (best {best:g}); | other teams' medians")
    ax.set_ylabel("replays")
    ax.set_title("Strategy or luck", loc="left", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=6.5, frameon=False)
    return ax


def key_figures(d: Debrief, team: TeamDebrief) -> list[list[str]]:
    """The team's key figures: rows of (what, value)."""
    tg = team.game
    game = tg.game
    s = tg.result().summary
    n = len(d.teams)
    lo, hi = team.band()
    if s["cancelled"]:
        project = f"cancelled in week {s['cancel_week']}"
    elif s["cut_week"] is not None:
        project = f"budget cut in week {s['cut_week']}"
    else:
        project = "never cut or cancelled"
    return [
        ["Score", f"{team.score:.1f} of {game.scoring.maximum:g}, rank {team.rank_actual} of {n}"],
        ["Points", ", ".join(f"{k} {v:.1f}" for k, v in team.points.items())],
        ["Using CRM at the end", f"{pct(s['final_adoption'])} of CRM users"],
        ["Success", "yes" if s["success"] else "no"],
        ["Spent on actions", f"{tg.spent:,.0f} of {game.budget:,.0f} {MONEY}"],
        ["Project", project],
        ["Same decisions, other seeds", f"median {team.median:.1f}; 90 % within {lo:.1f}-{hi:.1f}"],
        [
            "Actual score beats",
            f"{pct(team.share_beaten)} of them: {luck_words(team.share_beaten)}",
        ],
        ["Rank by strategy", f"{team.rank_strategy} of {n} (by the median of the replays)"],
    ]


def _sequence_rows(team: TeamDebrief) -> list[str]:
    rows = [
        f"round {r.number}: {', '.join(str(x) for x in r.decisions)}"
        for r in team.game.rounds
        if r.decisions
    ]
    return rows or ["no actions at all"]


def render_page(d: Debrief, team: TeamDebrief, max_rows: int = 24):
    """The team's debrief as one A4 page (a matplotlib figure, saved as PDF).

    Laid out in the style of :mod:`crmsim.report`'s handouts.
    """
    import textwrap

    from matplotlib.figure import Figure

    from crmsim.report import A4

    tg = team.game
    game = tg.game
    fig = Figure(figsize=A4)

    def text(x: float, y: float, words: str, width: int, size: float = 8, **kw) -> float:
        wrapped = "\n".join(textwrap.wrap(words, width)) or " "
        fig.text(x, y, wrapped, va="top", fontsize=size, **kw)
        return y - 0.0125 * (size / 8) * (wrapped.count("\n") + 1) - 0.003

    fig.text(0.06, 0.965, "CRM roll-out workshop: debrief", fontsize=9, color="#666666")
    fig.text(0.06, 0.945, f"Team {tg.team} · {game.title}", fontsize=16, fontweight="bold",
             va="top")  # fmt: skip
    y = 0.912
    y = text(0.06, y, game.description, 118, 8)
    setting = "; ".join(f"{k} = {v}" for k, v in game.overrides.items())
    y = text(
        0.06,
        y,
        f"{game.rounds} rounds of {game.weeks_per_round} weeks, "
        f"{game.scenario.params['org.employees']:,} employees, seed {game.seed}"
        + (f" ({setting})" if setting else "")
        + f", budget {game.budget:,.0f} {MONEY}. Scoring: {game.scoring.rule_text()}.",
        118,
        8,
        color="#333333",
    )
    top = y - 0.01
    ax1 = fig.add_axes((0.08, top - 0.22, 0.60, 0.20))
    plot_decisions(team, ax=ax1)
    ax1.set_xlabel("week", fontsize=8)
    ax2 = fig.add_axes((0.08, top - 0.43, 0.40, 0.15))
    plot_luck(team, d.teams, ax=ax2)
    for ax in (ax1, ax2):
        ax.title.set_fontsize(9.5)
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_fontsize(7.5)
        ax.yaxis.label.set_fontsize(7.5)
    legend = ax1.get_legend()
    if legend is not None:
        for t in legend.get_texts():
            t.set_fontsize(6.5)

    # Right of the luck chart: the key figures.
    yk = top - 0.26
    fig.text(0.55, yk, "Key figures", fontsize=11, fontweight="bold", va="top")
    yk -= 0.022
    for what, value in key_figures(d, team):
        yk = text(0.55, yk, f"{what}: {value}", 60, 7.5)

    # Below: the timeline (left) and the best and worst decisions (right).
    y = min(yk, top - 0.48) - 0.01
    fig.text(0.06, y, "What happened when", fontsize=11, fontweight="bold", va="top")
    fig.text(0.60, y, "Best and worst decisions", fontsize=11, fontweight="bold", va="top")
    rows = team.timeline()
    if len(rows) > max_rows:
        rows = rows[: max_rows - 1] + [
            (0, "...", f"{len(rows) - max_rows + 1} more in the HTML page")
        ]
    yt = y - 0.024
    for _, when, what in rows:
        fig.text(0.06, yt, when, fontsize=7.5, fontweight="bold", va="top")
        yt = text(0.15, yt, what, 62, 7.5)
    yb = y - 0.024
    for label, other in (("Best", d.best), ("Worst", d.worst)):
        yb = text(
            0.60, yb, f"{label}: team {other.team}, median {other.median:.1f} over the replays "
            f"(actual {other.score:.1f})", 50, 7.5, fontweight="bold",
        )  # fmt: skip
        for line in _sequence_rows(other):
            yb = text(0.62, yb, line, 48, 7)
        yb -= 0.006
    foot = (
        f"Replays: the same decisions in the same rounds over {len(d.seeds)} seeds from "
        f"SeedSequence({d.root_seed}).spawn({len(d.seeds)}), the same seeds for every team "
        f"(listed in {DEBRIEF_FILE}). Source: {d.source / tg.team}"
    )
    fig.text(0.06, 0.02, "\n".join(textwrap.wrap(foot, 130)), fontsize=6.5, color="#777777",
             va="bottom")  # fmt: skip
    return fig


def handout(d: Debrief, team: TeamDebrief):
    """The team's page as a :class:`crmsim.report.Handout` (used for the HTML page)."""
    from crmsim.report import Handout, setting_text

    game = team.game.game
    about = [
        f"{game.title}: {game.description}",
        f"{game.rounds} rounds of {game.weeks_per_round} weeks, "
        f"{game.scenario.params['org.employees']:,} employees, seed {game.seed}, budget "
        f"{game.budget:,.0f} {MONEY}. Scoring: {game.scoring.rule_text()}.",
    ]
    notes = [
        f"Best decisions: team {d.best.team} (median {d.best.median:.1f} over the replays): "
        + "; ".join(_sequence_rows(d.best))
        + ".",
        f"Worst decisions: team {d.worst.team} (median {d.worst.median:.1f}): "
        + "; ".join(_sequence_rows(d.worst))
        + ".",
        f"Replays: the same decisions in the same rounds over {len(d.seeds)} seeds from "
        f"SeedSequence({d.root_seed}).spawn({len(d.seeds)}), the same seeds for every team "
        f"(listed in {DEBRIEF_FILE}).",
    ]
    return Handout(
        source=d.source / team.team,
        kind="run",
        title=f"Team {team.team} · {game.title} · debrief",
        about=about,
        settings=[setting_text(k, v) for k, v in game.overrides.items()],
        figures=key_figures(d, team),
        timeline=[[when, what] for _, when, what in team.timeline()],
        draw_adoption=lambda ax: plot_decisions(team, ax=ax),
        draw_profit=lambda ax: plot_luck(team, d.teams, ax=ax),
        notes=notes,
    )


def write(d: Debrief, out: str | Path | None = None, fmt: str = "pdf") -> list[Path]:
    """Write one page per team (``<team>.pdf`` or ``.html``) and ``debrief.json``.

    Args:
        d: The debrief.
        out: Folder to write into [default: ``debrief/`` inside the game folder].
        fmt: ``pdf`` or ``html``.

    Returns:
        The files written, the JSON record last.

    Raises:
        CrmsimError: for an unknown format or a folder that cannot be made.
    """
    import io

    from crmsim.output import atomic_write, write_json
    from crmsim.report import render_html

    if fmt not in ("pdf", "html"):
        raise CrmsimError(f"--format {fmt}: use pdf or html")
    folder = Path(out) if out is not None else d.source / DEBRIEF_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrmsimError(f"cannot create {folder}: {exc.strerror}; choose another --out") from None
    written = []
    for team in d.teams:
        target = folder / f"{team.team}.{fmt}"
        if fmt == "pdf":
            buf = io.BytesIO()
            render_page(d, team).savefig(buf, format="pdf")
            data = buf.getvalue()
        else:
            page = render_html(handout(d, team))
            # render_html names its second chart after the profit chart of a run
            page = page.replace(
                'alt="Profit week by week"', 'alt="Scores of the same decisions over other seeds"'
            )
            data = page.encode("utf-8")
        atomic_write(target, lambda fh, data=data: fh.write(data))
        written.append(target)
    written.append(write_json(folder / DEBRIEF_FILE, d.to_dict()))
    return written


def scoreboard(d: Debrief) -> str:
    """The debrief as a table for the terminal."""
    lines = [
        f"{d.game.title} ({d.game.name}): {len(d.teams)} teams, decisions replayed over "
        f"{len(d.seeds)} seeds",
        f"{'team':<16}{'score':>7}{'rank':>6}{'median':>8}{'90 % of replays':>18}"
        f"{'beats':>8}{'strategy':>10}  luck",
    ]
    for t in d.teams:
        lo, hi = t.band()
        lines.append(
            f"{t.team:<16}{t.score:>7.1f}{t.rank_actual:>6}{t.median:>8.1f}"
            f"{f'{lo:.1f}-{hi:.1f}':>18}{pct(t.share_beaten):>8}{t.rank_strategy:>10}  "
            f"{luck_words(t.share_beaten).split(':')[0]}"
        )
    lines.append(f"best decisions:  {d.best.team}: {d.best.sequence_text()}")
    lines.append(f"worst decisions: {d.worst.team}: {d.worst.sequence_text()}")
    for team, why in d.skipped.items():
        lines.append(f"left out: {team}, {why}")
    return "\n".join(lines)
