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
from crmsim.game import Game
from crmsim.i18n import N_, _, localized
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
    for n, week, _record in team.started():
        level = next((i for i, x in enumerate(last_on_level) if week - x >= 6), None)
        if level is None:
            level = len(last_on_level)
            last_on_level.append(week)
        last_on_level[level] = week
        y = 0.03 + 0.05 * level
        ax.plot(week, y, marker="^", color="#08519c", markersize=4, zorder=5)
        ax.text(week + 0.8, y, str(n), fontsize=6.5, color="#08519c", va="center", ha="left")
    ax.set_title(
        _("Team {team}: adoption, confidence and its actions (▲ numbered)").format(team=team.team),
        loc="left",
    )
    return ax


def plot_luck(
    team: TeamDebrief, best: float, others: Sequence[TeamDebrief] = (), ax: Axes | None = None
):
    """The team's decisions replayed in other possible futures, and where its actual score falls.

    Args:
        team: The team.
        best: The best score possible (the game's scoring maximum).
        others: Other teams, whose replay medians are marked for comparison.
        ax: Axes to draw on; a new figure is made when None.
    """
    ax = _axes(ax)
    bins = np.linspace(0.0, best, 41)
    ax.hist(team.replays, bins=bins, color="#9ecae1", edgecolor="white",
            label=_("same decisions, {n} other possible futures").format(n=team.replays.size))  # fmt: skip
    ax.axvline(team.median, color="#08519c", linestyle="--", linewidth=1.4,
               label=_("what they usually score: {x:.1f}").format(x=team.median))  # fmt: skip
    ax.axvline(team.score, color="#d73027", linewidth=2.2,
               label=_("actual score {x:.1f}").format(x=team.score))  # fmt: skip
    for other in others:
        if other.team == team.team:
            continue
        ax.plot(other.median, 0, marker="|", color="#555555", markersize=10, clip_on=False)
        ax.annotate(other.team, (other.median, 0), xytext=(0, 7), textcoords="offset points",
                    fontsize=6, ha="center", color="#555555")  # fmt: skip
    ax.set_xlim(0.0, best)
    ax.set_xlabel(_("score (best {best:g}); | what other teams' decisions usually score")
                  .format(best=best))  # fmt: skip
    ax.set_ylabel(_("replays"))
    ax.set_title(_("Strategy or luck"), loc="left", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=6.5, frameon=False)
    return ax


MEASURE_WORDS: dict[str, str] = {
    "adoption": N_("using CRM"),
    "speed": N_("speed"),
    "sponsor": N_("sponsor"),
    "profit": N_("profit"),
    "budget_left": N_("budget left"),
    "success": N_("success"),
}
"""The scoring measures in words (translate with ``_()``)."""


def key_figures(d: Debrief, team: TeamDebrief) -> list[list[str]]:
    """The team's key figures: rows of (what, value)."""
    game = d.game
    s = team.record.result.summary
    n = len(d.teams)
    lo, hi = team.band()
    points = ", ".join(f"{_(MEASURE_WORDS.get(k, k))} {v:.1f}" for k, v in team.points.items())
    return [
        [_("Score"), _("{x:.1f} of {best:g}, rank {rank} of {n}").format(
            x=team.score, best=game.scoring.maximum, rank=team.rank_actual, n=n)],
        [_("Points"), points],
        [_("Using CRM at the end"), _("{x} of CRM users").format(x=pct(s["final_adoption"]))],
        [_("Success"), _("yes") if s["success"] else _("no")],
        [_("Spent on actions"), _("{spent} of {budget}").format(
            spent=game.money.amount(team.record.spent), budget=game.money.amount(game.budget))],
        [_("Project"), outcome_text(s)],
        [_("Same decisions, other possible futures"),
         _("usually {x:.1f}; 9 in 10 within {lo:.1f}-{hi:.1f}").format(
             x=team.median, lo=lo, hi=hi)],
        [_("Actual score beats"), _("{share} of them: {words}").format(
            share=pct(team.share_beaten), words=luck_words(team.share_beaten))],
        [_("Rank by strategy"), _("{rank} of {n} (by what the decisions usually score)").format(
            rank=team.rank_strategy, n=n)],
    ]  # fmt: skip


def _sequence_rows(team: TeamDebrief) -> list[str]:
    rows = [
        _("round {n}: {what}").format(n=r.number, what=", ".join(r.labels))
        for r in team.record.rounds
        if r.decisions
    ]
    return rows or [_("no actions at all")]


def _about(game: Game) -> str:
    """The game in one line: rounds, the organisation, the budget, the scoring."""
    return _(
        "{rounds} rounds of {weeks} weeks, {people} employees, budget {budget}. Scoring: {rule}"
    ).format(
        rounds=game.rounds,
        weeks=game.weeks_per_round,
        people=f"{game.scenario.params['org.employees']:,}",
        budget=game.money.amount(game.budget),
        rule=localized(game.scoring.description),
    )


def _replays_note(d: Debrief) -> str:
    return _(
        "Replays: the same decisions in the same rounds, played in {n} other possible futures "
        "of the same firm; every team's decisions meet the same ones (listed in {file})."
    ).format(n=len(d.seeds), file=DEBRIEF_FILE)


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

    fig.text(0.06, 0.965, _("CRM roll-out workshop: debrief"), fontsize=9, color="#666666")
    fig.text(0.06, 0.945, _("Team {team}").format(team=team.team) + f" · "
             f"{localized(game.title)}", fontsize=16, fontweight="bold", va="top")  # fmt: skip
    y = 0.912
    y = text(0.06, y, localized(game.description), 118, 8)
    y = text(0.06, y, _about(game), 118, 8, color="#333333")
    top = y - 0.01
    ax1 = fig.add_axes((0.08, top - 0.22, 0.60, 0.20))
    plot_decisions(team, game, ax=ax1)
    ax1.set_xlabel(_("week"), fontsize=8)
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
    fig.text(0.55, yk, _("Key figures"), fontsize=11, fontweight="bold", va="top")
    yk -= 0.022
    for what, value in key_figures(d, team):
        yk = text(0.55, yk, f"{what}: {value}", 60, 7.5)

    # Below: the timeline (left) and the best and worst decisions (right).
    y = min(yk, top - 0.48) - 0.01
    fig.text(0.06, y, _("What happened when"), fontsize=11, fontweight="bold", va="top")
    fig.text(0.60, y, _("Best and worst decisions"), fontsize=11, fontweight="bold", va="top")
    rows = team.timeline()
    if len(rows) > max_rows:
        rows = rows[: max_rows - 1] + [
            (0, "...", _("{n} more in the HTML page").format(n=len(rows) - max_rows + 1))
        ]
    yt = y - 0.024
    for _key, when, what in rows:
        fig.text(0.06, yt, when, fontsize=7.5, fontweight="bold", va="top")
        yt = text(0.15, yt, what, 62, 7.5)
    yb = y - 0.024
    for label, other in ((_("Best"), d.best), (_("Worst"), d.worst)):
        yb = text(
            0.60, yb, _("{label}: team {team}, usually {x:.1f} over the replays (actual "
                        "{actual:.1f})").format(label=label, team=other.team, x=other.median,
                                                actual=other.score), 50, 7.5, fontweight="bold",
        )  # fmt: skip
        for line in _sequence_rows(other):
            yb = text(0.62, yb, line, 48, 7)
        yb -= 0.006
    foot = _replays_note(d) + " " + _("Source: {path}").format(path=d.source / team.team)
    fig.text(0.06, 0.02, "\n".join(textwrap.wrap(foot, 130)), fontsize=6.5, color="#777777",
             va="bottom")  # fmt: skip
    return fig


def handout(d: Debrief, team: TeamDebrief):
    """The team's page as a :class:`crmsim.report.Handout` (used for the HTML page)."""
    from crmsim.report import Handout, setting_text

    game = d.game
    about = [f"{localized(game.title)}: {localized(game.description)}", _about(game)]
    notes = [
        _("Best decisions: team {team} (usually {x:.1f} over the replays): {rounds}.").format(
            team=d.best.team, x=d.best.median, rounds="; ".join(_sequence_rows(d.best))
        ),
        _("Worst decisions: team {team} (usually {x:.1f}): {rounds}.").format(
            team=d.worst.team, x=d.worst.median, rounds="; ".join(_sequence_rows(d.worst))
        ),
        _replays_note(d),
    ]
    return Handout(
        source=d.source / team.team,
        kind="run",
        title=_("Team {team}").format(team=team.team)
        + f" · {localized(game.title)} · "
        + _("debrief"),
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
    from crmsim.fonts import use_fonts
    from crmsim.report import render_html

    if fmt not in ("pdf", "html"):
        raise CrmsimError(_("--format {fmt}: use pdf or html").format(fmt=fmt))
    folder = claim_output_dir(Path(out) if out is not None else d.source / DEBRIEF_DIR, KIND)
    use_fonts()
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
                'alt="Profit week by week"',
                'alt="Scores of the same decisions in other possible futures"',
            )
            data = page.encode("utf-8")
        atomic_write(target, data)
        written.append(target)
    written.append(record)
    return written


def scoreboard(d: Debrief) -> str:
    """The debrief as a table for the terminal."""
    lines = [
        _("{title} ({name}): {n} teams, decisions replayed in {k} other possible futures").format(
            title=localized(d.game.title), name=d.game.name, n=len(d.teams), k=len(d.seeds)
        ),
        f"{_('team'):<16}{_('score'):>7}{_('rank'):>6}{_('usually'):>8}"
        f"{_('9 in 10 replays'):>18}{_('beats'):>8}{_('strategy'):>10}  {_('luck')}",
    ]
    for t in d.teams:
        lo, hi = t.band()
        lines.append(
            f"{t.team:<16}{t.score:>7.1f}{t.rank_actual:>6}{t.median:>8.1f}"
            f"{f'{lo:.1f}-{hi:.1f}':>18}{pct(t.share_beaten):>8}{t.rank_strategy:>10}  "
            f"{luck_words(t.share_beaten).split(':')[0].split('：')[0]}"
        )
    lines.append(_("best decisions:  {team}: {what}").format(
        team=d.best.team, what=d.best.sequence_text()))  # fmt: skip
    lines.append(_("worst decisions: {team}: {what}").format(
        team=d.worst.team, what=d.worst.sequence_text()))  # fmt: skip
    for team, why in d.skipped.items():
        lines.append(_("left out: {team}, {why}").format(team=team, why=why))
    return "\n".join(lines)
