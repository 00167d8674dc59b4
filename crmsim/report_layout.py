"""The handout's layout: one A4 page (a matplotlib figure, saved as PDF) or an HTML page.

:func:`render_figure` and :func:`render_html` lay out a
:class:`crmsim.report.Handout`; :mod:`crmsim.report` loads the handout and
writes the file. Both are re-exported there.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from crmsim.handouts.layout import wrap
from crmsim.i18n import _, get_language

if TYPE_CHECKING:
    from crmsim.report import Handout

A4 = (8.27, 11.69)


def _wrap(text: str, width: int) -> str:
    return "\n".join(wrap(text, width)).strip("\n") or " "


def render_figure(handout: Handout) -> Figure:
    """The handout as one A4 page (a matplotlib figure, saved as PDF)."""
    fig = Figure(figsize=A4)
    fig.text(0.06, 0.965, _("CRM roll-out: what happened"), fontsize=9, color="#666666")
    title = _wrap(handout.title, 52)  # an interrupted batch's title is long
    fig.text(0.06, 0.945, title, fontsize=16, fontweight="bold", va="top")
    y = 0.915 - 0.022 * title.count("\n")
    for line in handout.about:
        y = _text(fig, 0.06, y, line, 105, fontsize=8.5)
    if handout.settings:
        shown = handout.settings[:8]
        more = len(handout.settings) - len(shown)
        text = (
            _("Set differently: ")
            + "; ".join(shown)
            + (_("; and {n} more").format(n=more) if more else "")
        )
        y = _text(fig, 0.06, y, text, 110, fontsize=8, color="#333333")
    batch = bool(handout.columns)
    height = 0.17 if batch else 0.20
    top = min(y - 0.015, 0.86)
    ax1 = fig.add_axes((0.09, top - height - 0.01, 0.62, height))
    handout.draw_adoption(ax1)
    ax1.set_xlabel("")
    ax2 = fig.add_axes((0.09, top - 2 * height - 0.06, 0.62, height))
    handout.draw_profit(ax2)
    for ax in (ax1, ax2):
        ax.title.set_fontsize(10)
        ax.tick_params(labelsize=8)
        legend = ax.get_legend()
        if legend is not None:
            for t in legend.get_texts():
                t.set_fontsize(7)
    y = top - 2 * height - 0.115
    if batch:
        header = ["", *handout.columns]
        fig.text(0.06, y, _("Key figures"), fontsize=11, fontweight="bold", va="top")
        y = _table(fig, 0.06, 0.94, y - 0.022, header, handout.figures)
        fig.text(0.06, y - 0.008, _("What happened when"), fontsize=11, fontweight="bold", va="top")
        _table(fig, 0.06, 0.94, y - 0.030, header, handout.timeline)
    else:
        fig.text(0.06, y, _("Key figures"), fontsize=11, fontweight="bold", va="top")
        fig.text(0.52, y, _("What happened when"), fontsize=11, fontweight="bold", va="top")
        yy = y - 0.022
        for what, value in handout.figures[:16]:
            yy = _text(fig, 0.06, yy, f"{what}: {value}", 58, fontsize=8)
        _table(fig, 0.52, 0.94, y - 0.022, None, handout.timeline[:18], first=0.2)
    foot = " ".join(handout.notes + [_("Source: {path}").format(path=handout.source)])
    fig.text(0.06, 0.025, _wrap(foot, 120), fontsize=6.5, color="#777777", va="bottom")
    return fig


LINE = 0.0125  # height of a line of 8-point text, as a share of the page


def _text(fig: Figure, x: float, y: float, text: str, width: int, **kwargs) -> float:
    """Wrapped text at ``(x, y)`` (top); returns the y below it."""
    wrapped = _wrap(text, width)
    fig.text(x, y, wrapped, va="top", **kwargs)
    return y - LINE * (wrapped.count("\n") + 1) - 0.004


def _table(
    fig: Figure,
    x0: float,
    x1: float,
    y: float,
    header: list[str] | None,
    rows: list[list[str]],
    first: float = 0.34,
) -> float:
    """A table of 8-point text between ``x0`` and ``x1`` (page shares) from ``y`` down.

    The first column takes ``first`` of the width, the others share the rest.
    Returns the y below the table.
    """
    n = len(rows[0]) if rows else len(header or [])
    width = x1 - x0
    xs = [x0] + [x0 + width * (first + (1 - first) * i / max(n - 1, 1)) for i in range(n - 1)]
    widths = [first * width] + [(1 - first) * width / max(n - 1, 1)] * (n - 1)
    chars = [max(8, int(w * A4[0] * 72 / (8 * 0.55))) for w in widths]
    for i, row in enumerate(([header] if header else []) + rows):
        lines = 1
        for j, cell in enumerate(row):
            wrapped = _wrap(str(cell), chars[j])
            bold = (header is not None and i == 0) or (header is None and j == 0)
            fig.text(xs[j], y, wrapped, fontsize=8, va="top",
                     fontweight="bold" if bold else "normal")  # fmt: skip
            lines = max(lines, wrapped.count("\n") + 1)
        y -= LINE * lines + 0.003
    return y


def _chart_png(draw: Callable[[Axes], Any]) -> str:
    fig = Figure(figsize=(8.0, 3.0), layout="constrained")
    draw(fig.add_subplot())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_html(handout: Handout) -> str:
    """The handout as one self-contained HTML page (charts inlined), printable on A4."""
    e = html.escape

    def table(rows: list[list[str]]) -> str:
        head = ""
        if handout.columns:
            head = "<tr><th></th>" + "".join(f"<th>{e(c)}</th>" for c in handout.columns) + "</tr>"
        body = "".join(
            "<tr>" + f"<th>{e(r[0])}</th>" + "".join(f"<td>{e(c)}</td>" for c in r[1:]) + "</tr>"
            for r in rows
        )
        return f"<table>{head}{body}</table>"

    settings = ""
    if handout.settings:
        settings = f"<p class=small><b>{e(_('Set differently: '))}</b>" + e(
            "; ".join(handout.settings)
        )
    notes = "".join(f"<p class=small>{e(n)}</p>" for n in handout.notes)
    about = "".join(f"<p>{e(a)}</p>" for a in handout.about)
    lang = "zh-Hans" if get_language() == "zh" else "en"
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{e(handout.title)}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: "DejaVu Sans", Arial, "Noto Sans CJK SC", sans-serif; font-size: 10pt; max-width: 190mm;
  margin: 0 auto; color: #222; }}
h1 {{ font-size: 16pt; margin: 0 0 4pt; }} h2 {{ font-size: 11pt; margin: 8pt 0 3pt; }}
p {{ margin: 2pt 0; }} .small {{ font-size: 8.5pt; color: #444; }}
img {{ width: 100%; }} .cols {{ display: flex; gap: 8mm; }} .cols > div {{ flex: 1; }}
table {{ border-collapse: collapse; font-size: 9pt; }}
th, td {{ text-align: left; vertical-align: top; padding: 1pt 8pt 1pt 0; }}
th {{ font-weight: 600; }} .when th {{ white-space: nowrap; }}
.rows > div {{ margin-bottom: 4pt; }}
</style></head><body>
<p class=small>{e(_("CRM roll-out: what happened"))}</p>
<h1>{e(handout.title)}</h1>
{about}
{settings}
<img alt="{e(_("Adoption week by week"))}" src="data:image/png;base64,{_chart_png(handout.draw_adoption)}">
<img alt="{e(_("Profit week by week"))}" src="data:image/png;base64,{_chart_png(handout.draw_profit)}">
<div class="{"rows" if handout.columns else "cols"}">
<div><h2>{e(_("Key figures"))}</h2>{table(handout.figures)}</div>
<div class="when"><h2>{e(_("What happened when"))}</h2>{table(handout.timeline)}</div>
</div>
{notes}
<p class=small>{e(_("Source: {path}").format(path=handout.source))}</p>
</body></html>
"""
