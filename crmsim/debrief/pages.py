"""The debrief's pages: charts, the one-page PDF, the HTML handout, the files, the scoreboard.

One page per team (PDF or HTML) is laid out by :mod:`crmsim.report`;
:func:`write` writes the pages and ``debrief.json``; :func:`scoreboard` is
the debrief as a table for the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from crmsim.debrief.replays import luck_words
from crmsim.debrief.teams import Debrief, TeamDebrief
from crmsim.errors import CrmsimError
from crmsim.game import MONEY, Game
from crmsim.results import outcome_text, pct

DEBRIEF_DIR = "debrief"
DEBRIEF_FILE = "debrief.json"
KIND = "crmsim debrief"
"""What a debrief folder holds (see :func:`crmsim.files.folder_kind`)."""


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(figsize=(9.0, 4.0), layout="constrained").add_subplot()


def plot_decisions(team: TeamDebrief, game: Game, ax: Axes | None = None) -> Axes:
    """Adoption and confidence week by week, with the team's actions marked.

    Each action is marked by its number (as in the timeline) where it starts
    to work; rounds are shaded alternately.
    """
    from crmsim.plotting import plot_adoption

    ax = _axes(ax)
    result = team.record.result
    plot_adoption(result.timeseries, result.events, ax=ax)
    per = game.weeks_per_round
    for r in range(0, game.rounds, 2):
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


def plot_luck(
    team: TeamDebrief, best: float, others: Sequence[TeamDebrief] = (), ax: Axes | None = None
):
    """The team's decisions replayed over other seeds, and where its actual score falls.

    Args:
        team: The team.
        best: The best score possible (the game's scoring maximum).
        others: Other teams, whose replay medians are marked for comparison.
        ax: Axes to draw on; a new figure is made when None.
    """
    ax = _axes(ax)
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
    game = d.game
    s = team.record.result.summary
    n = len(d.teams)
    lo, hi = team.band()
    return [
        ["Score", f"{team.score:.1f} of {game.scoring.maximum:g}, rank {team.rank_actual} of {n}"],
        ["Points", ", ".join(f"{k} {v:.1f}" for k, v in team.points.items())],
        ["Using CRM at the end", f"{pct(s['final_adoption'])} of CRM users"],
        ["Success", "yes" if s["success"] else "no"],
        ["Spent on actions", f"{team.record.spent:,.0f} of {game.budget:,.0f} {MONEY}"],
        ["Project", outcome_text(s)],
        ["Same decisions, other seeds", f"median {team.median:.1f}; 90 % within {lo:.1f}-{hi:.1f}"],
        [
            "Actual score beats",
            f"{pct(team.share_beaten)} of them: {luck_words(team.share_beaten)}",
        ],
        ["Rank by strategy", f"{team.rank_strategy} of {n} (by the median of the replays)"],
    ]


def _sequence_rows(team: TeamDebrief) -> list[str]:
    rows = [
        f"round {r.number}: {', '.join(r.decisions)}" for r in team.record.rounds if r.decisions
    ]
    return rows or ["no actions at all"]


def render_page(d: Debrief, team: TeamDebrief, max_rows: int = 24):
    """The team's debrief as one A4 page (a matplotlib figure, saved as PDF).

    Laid out in the style of :mod:`crmsim.report`'s handouts.
    """
    import textwrap

    from matplotlib.figure import Figure

    from crmsim.report import A4

    game = d.game
    fig = Figure(figsize=A4)

    def text(x: float, y: float, words: str, width: int, size: float = 8, **kw) -> float:
        wrapped = "\n".join(textwrap.wrap(words, width)) or " "
        fig.text(x, y, wrapped, va="top", fontsize=size, **kw)
        return y - 0.0125 * (size / 8) * (wrapped.count("\n") + 1) - 0.003

    fig.text(0.06, 0.965, "CRM roll-out workshop: debrief", fontsize=9, color="#666666")
    fig.text(0.06, 0.945, f"Team {team.team} · {game.title}", fontsize=16, fontweight="bold",
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
    plot_decisions(team, game, ax=ax1)
    ax1.set_xlabel("week", fontsize=8)
    ax2 = fig.add_axes((0.08, top - 0.43, 0.40, 0.15))
    plot_luck(team, game.scoring.maximum, d.teams, ax=ax2)
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
        f"(listed in {DEBRIEF_FILE}). Source: {d.source / team.team}"
    )
    fig.text(0.06, 0.02, "\n".join(textwrap.wrap(foot, 130)), fontsize=6.5, color="#777777",
             va="bottom")  # fmt: skip
    return fig


def handout(d: Debrief, team: TeamDebrief):
    """The team's page as a :class:`crmsim.report.Handout` (used for the HTML page)."""
    from crmsim.report import Handout, setting_text

    game = d.game
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
        draw_adoption=lambda ax: plot_decisions(team, game, ax=ax),
        draw_profit=lambda ax: plot_luck(team, game.scoring.maximum, d.teams, ax=ax),
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

    from crmsim.files import atomic_write, claim_output_dir, write_json
    from crmsim.report import render_html

    if fmt not in ("pdf", "html"):
        raise CrmsimError(f"--format {fmt}: use pdf or html")
    folder = claim_output_dir(Path(out) if out is not None else d.source / DEBRIEF_DIR, KIND)
    record = write_json(folder / DEBRIEF_FILE, d.to_dict())  # first: it marks the folder's kind
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
        atomic_write(target, data)
        written.append(target)
    written.append(record)
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
