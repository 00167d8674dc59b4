"""The class debrief: one page for the whole class, as PDF and as PNG slides.

Made from a :class:`~crmsim.debrief.teams.Debrief` (every finished team's
decisions replayed over the same set of other chances), it shows:

- every team's curves on one chart (CRM use, the sponsor's confidence,
  profit), each team in its colour;
- strategy or luck: each team's actual score against what its decisions
  usually score;
- the paired comparison (:func:`paired_wins`): how often team A's decisions
  beat team B's when both meet exactly the same luck (the same replay);
- luck versus strategy in plain words, one sentence per team;
- a glossary.

No internal words: participants read "the same luck", "replays", "the
firm's other possible futures", never the model's seeds or parameter names.
Texts go through :mod:`crmsim.i18n`. The slides are 16:9 figures
(:data:`SLIDE`); written at :data:`SLIDE_DPI` they are 1280x720 pixels, with
text of at least 16 points (21 pixels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from crmsim.debrief.replays import DEFAULT_REPLAYS, luck_words
from crmsim.debrief.teams import Debrief, TeamDebrief
from crmsim.i18n import N_, _, localized

SLIDE = (1280 / 96, 720 / 96)
"""Slide size in inches (16:9)."""
SLIDE_DPI = 96
"""PNG slides at this resolution are 1280x720 pixels."""
TEXT = {"title": 30, "body": 19, "small": 16}
"""Slide font sizes in points (at 96 dpi: 40, 25 and 21 pixels)."""

CLASS_PDF = "class-debrief.pdf"
CLASS_PNG = "class-debrief-{n}.png"

GLOSSARY: tuple[tuple[str, str], ...] = (
    (N_("Score"), N_("Points for the result at the end of the game, by the game's rule.")),
    (
        N_("Replay"),
        N_(
            "The team's decisions played again, round by round, in another possible future "
            "of the same firm: the same people and rules, other chances."
        ),
    ),
    (
        N_("The same luck"),
        N_(
            "Every team's decisions are replayed in the same set of possible futures, so two "
            "teams are compared future by future, on equal chances."
        ),
    ),
    (
        N_("What the decisions usually score"),
        N_("The middle of the replays' scores: half of them score more, half less."),
    ),
    (
        N_("Lucky, unlucky"),
        N_(
            "A team whose actual score beats more than 8 in 10 of its own replays was "
            "lucky; one beating fewer than 2 in 10 was unlucky."
        ),
    ),
    (
        N_("Using CRM"),
        N_("The share of the people meant to use CRM who use it as a matter of routine."),
    ),
    (
        N_("The sponsor's confidence"),
        N_("How sure the executive sponsoring the project is that CRM will work."),
    ),
    (
        N_("Profit against before"),
        N_("Profit compared with before the project: most roll-outs dip before they gain."),
    ),
)
"""The glossary's terms and meanings (translated when drawn)."""


def paired_wins(d: Debrief) -> tuple[list[str], np.ndarray]:
    """How often each team's decisions beat each other team's on the same luck.

    Every team's decisions were replayed over the same chances, so replay
    ``k`` of team A and replay ``k`` of team B met the same luck.

    Returns:
        The teams (best actual score first) and a matrix whose entry
        ``[i, j]`` is the share of replays in which team ``i``'s score beat
        team ``j``'s (a tie counts half); the diagonal is NaN.
    """
    names = [t.team for t in d.teams]
    n = len(names)
    out = np.full((n, n), np.nan)
    for i, a in enumerate(d.teams):
        for j, b in enumerate(d.teams):
            if i != j:
                diff = a.replays - b.replays
                out[i, j] = float(np.mean((diff > 1e-9) + 0.5 * (np.abs(diff) <= 1e-9)))
    return names, out


def luck_sentence(team: TeamDebrief) -> str:
    """Where the team's actual score falls among its own replays, in plain words."""
    lo, hi = team.band()
    return _(
        "Team {team} scored {score:.1f}; its decisions usually score {median:.1f} "
        "(9 replays in 10 between {lo:.1f} and {hi:.1f}). It was {verdict}."
    ).format(
        team=team.team, score=team.score, median=team.median, lo=lo, hi=hi,
        verdict=luck_words(team.share_beaten),
    )  # fmt: skip


def strategy_sentence(d: Debrief) -> str:
    """The best decisions against the best luck, in one or two sentences."""
    names, wins = paired_wins(d)
    best, top = d.best, d.teams[0]
    if len(names) < 2:
        return _("With one team there is nobody to compare with.")
    i = names.index(best.team)
    others = [w for j, w in enumerate(wins[i]) if j != i]
    low, high = round(100 * min(others)), round(100 * max(others))
    if low == high:
        text = _(
            "The best decisions were team {team}'s: on the same luck they beat each of the "
            "other teams' decisions {n} times in 100."
        ).format(team=best.team, n=high)
    else:
        text = _(
            "The best decisions were team {team}'s: on the same luck they beat the other "
            "teams' decisions {low} to {high} times in 100."
        ).format(team=best.team, low=low, high=high)
    if top.team != best.team:
        text += " " + _(
            "Team {top} finished first, but its decisions usually score less than team "
            "{best}'s: part of its lead was luck."
        ).format(top=top.team, best=best.team)
    else:
        text += " " + _("The winner also made the best decisions: its lead was not only luck.")
    return text


def _slide(title: str) -> Figure:
    fig = Figure(figsize=SLIDE)
    fig.text(0.04, 0.93, title, fontsize=TEXT["title"], fontweight="bold", va="bottom")
    return fig


def _lines(fig: Figure, lines: Sequence[str], top: float, x: float = 0.05, width: int = 82):
    """Wrapped paragraphs down the slide, from ``top``; the y below the last."""
    import textwrap

    from crmsim.i18n import get_language

    width = int(width * 0.7) if get_language() == "zh" else width  # a Chinese character is wide
    y = top
    for line in lines:
        wrapped = "\n".join(textwrap.wrap(line, width)) or " "
        fig.text(x, y, wrapped, fontsize=TEXT["body"], va="top")
        y -= 0.05 * (wrapped.count("\n") + 1) + 0.025
    return y


def curves_slide(d: Debrief, colours: dict[str, str]) -> Figure:
    """Every team's CRM use, sponsor's confidence and profit, week by week, on one slide."""
    fig = _slide(_("Every team's game") + f" · {localized(d.game.title)}")
    axes = fig.subplots(1, 3, gridspec_kw={"left": 0.05, "right": 0.98, "bottom": 0.2, "top": 0.82})
    panels = (
        ("adoption", _("Using CRM")),
        ("confidence_sponsor", _("The sponsor's confidence")),
        ("profit_rel", _("Profit against before")),
    )
    for ax, (column, title) in zip(axes, panels, strict=True):
        for t in d.teams:
            ts = t.record.result.timeseries
            ax.plot(ts["week"], ts[column], color=colours[t.team], linewidth=2.6, label=t.team)
        ax.set_title(title, loc="left", fontsize=TEXT["body"])
        ax.set_xlim(0, d.game.weeks)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.tick_params(labelsize=TEXT["small"])
        ax.set_xlabel(_("week"), fontsize=TEXT["small"])
        ax.grid(True, alpha=0.3)
    axes[2].axhline(0.0, color="black", linewidth=1.0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6),
               fontsize=TEXT["body"], frameon=False)  # fmt: skip
    return fig


def luck_slide(d: Debrief, colours: dict[str, str]) -> Figure:
    """Each team's actual score against what its decisions usually score."""
    fig = _slide(_("Strategy or luck?"))
    ax = fig.add_axes((0.2, 0.2, 0.75, 0.66))
    teams = sorted(d.teams, key=lambda t: t.rank_strategy, reverse=True)
    for y, t in enumerate(teams):
        lo, hi = t.band()
        ax.plot([lo, hi], [y, y], color=colours[t.team], linewidth=10, alpha=0.35,
                solid_capstyle="butt")  # fmt: skip
        ax.plot(t.median, y, marker="|", markersize=30, color=colours[t.team], mew=3)
        ax.plot(t.score, y, marker="o", markersize=14, color=colours[t.team])
    ax.set_yticks(range(len(teams)), [t.team for t in teams], fontsize=TEXT["body"])
    ax.set_xlim(0, d.game.scoring.maximum)
    ax.set_ylim(-0.7, len(teams) - 0.3)
    ax.tick_params(axis="x", labelsize=TEXT["small"])
    ax.set_xlabel(_("score"), fontsize=TEXT["small"])
    ax.grid(True, axis="x", alpha=0.3)
    from matplotlib.lines import Line2D

    grey = "#555555"
    handles = [
        Line2D([], [], marker="o", markersize=12, linestyle="", color=grey,
               label=_("actual score")),
        Line2D([], [], marker="|", markersize=22, mew=3, linestyle="", color=grey,
               label=_("what the decisions usually score")),
        Line2D([], [], linewidth=10, alpha=0.35, color=grey,
               label=_("9 replays in 10 (the same decisions, other possible futures)")),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.03, 0.0), ncol=3,
               fontsize=TEXT["small"], frameon=False)  # fmt: skip
    return fig


def paired_slide(d: Debrief) -> Figure:
    """The paired same-luck comparison as a table of percentages."""
    fig = _slide(_("The same luck, different decisions"))
    names, wins = paired_wins(d)
    ax = fig.add_axes((0.2, 0.16, 0.5, 0.66))
    ax.imshow(np.nan_to_num(wins, nan=0.5), cmap="RdYlGn", vmin=0.0, vmax=1.0)
    for i in range(len(names)):
        for j in range(len(names)):
            text = "—" if i == j else f"{100 * wins[i, j]:.0f} %"
            ax.text(j, i, text, ha="center", va="center", fontsize=TEXT["body"])
    ax.set_xticks(range(len(names)), names, fontsize=TEXT["body"])
    ax.set_yticks(range(len(names)), names, fontsize=TEXT["body"])
    ax.xaxis.tick_top()
    _lines(fig, [_("Read a row: how often that team's decisions beat the column team's "
                   "when both meet exactly the same luck.")], 0.8, x=0.72, width=26)  # fmt: skip
    return fig


def words_slide(d: Debrief) -> Figure:
    """Luck versus strategy in plain words: one sentence per team, and the lesson."""
    fig = _slide(_("Luck versus strategy"))
    lines = [luck_sentence(t) for t in d.teams] + [strategy_sentence(d)]
    _lines(fig, lines, 0.86)
    return fig


def glossary_slide() -> Figure:
    """The words of the debrief, explained."""
    fig = _slide(_("Glossary"))
    _lines(fig, [f"{_(term)}: {_(meaning)}" for term, meaning in GLOSSARY], 0.87)
    return fig


def class_slides(d: Debrief) -> list[Figure]:
    """The class debrief's slides, in order (16:9 figures)."""
    from crmsim.dashboard.teams import team_colours

    colours = team_colours([t.team for t in d.teams])
    return [
        curves_slide(d, colours),
        luck_slide(d, colours),
        paired_slide(d),
        words_slide(d),
        glossary_slide(),
    ]


def write_class(d: Debrief, folder: str | Path) -> list[Path]:
    """Write the class debrief as one PDF (a slide a page) and one PNG per slide.

    Returns:
        The PDF, then the PNG slides.
    """
    import io

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from crmsim.files import make_dirs, write_bytes
    from crmsim.fonts import use_fonts

    folder = make_dirs(folder)
    use_fonts()
    slides = class_slides(d)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf) as pdf:
        for fig in slides:
            pdf.savefig(fig)
    written = [write_bytes(folder / CLASS_PDF, buf.getvalue())]
    for n, fig in enumerate(slides, start=1):
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=SLIDE_DPI)
        written.append(write_bytes(folder / CLASS_PNG.format(n=n), png.getvalue()))
    return written


def class_debrief(
    game_dir: str | Path,
    out: str | Path | None = None,
    replays: int = DEFAULT_REPLAYS,
    workers: int = 1,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Debrief, list[Path]]:
    """Debrief every finished team of the game in ``game_dir`` and write the class debrief.

    Writes ``debrief.json`` (the record :func:`crmsim.debrief.write` writes too),
    the PDF and the PNG slides into ``out`` [default: ``debrief/`` in the game folder].

    Returns:
        The debrief and the files written (the PDF, the slides, the record).

    Raises:
        CrmsimError: as :func:`crmsim.debrief.debrief`, or for a folder that
            holds other output.
    """
    from crmsim.debrief.pages import DEBRIEF_DIR, DEBRIEF_FILE, KIND
    from crmsim.debrief.teams import debrief
    from crmsim.files import claim_output_dir, write_json

    d = debrief(game_dir, replays, None, workers, progress)
    folder = claim_output_dir(Path(out) if out is not None else d.source / DEBRIEF_DIR, KIND)
    record = write_json(folder / DEBRIEF_FILE, d.to_dict())
    return d, [*write_class(d, folder), record]
