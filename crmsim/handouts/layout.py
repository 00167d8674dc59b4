"""Printable A4 pages drawn with matplotlib: wrapped text, headings, boxes, cards.

A :class:`Pages` writes text top-down on A4 portrait figures, wrapping it
(by words in English, by characters in Chinese, where a character is twice
as wide) and starting a new page when one is full; :meth:`Pages.card` draws
a framed box of text at a given place (action cards, role cards, decision
sheets). :meth:`Pages.pdf` gives the PDF bytes, fonts embedded as TrueType
(Type 42) so that the text can be searched and copied.
"""

from __future__ import annotations

import io
import re
from typing import Any

A4 = (8.27, 11.69)  # inches
MARGIN = 0.07  # of the page width / height
INK = "#222222"
GREY = "#666666"
LINE = 1.35  # line height in font sizes
PT_PER_INCH = 72.0


def is_wide(ch: str) -> bool:
    """Whether a character takes two columns (CJK ideographs, punctuation, full-width forms)."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


_CLOSING = set("。，、；：？！）」』”’》〉…,.;:?!)]")
_TOKENS = re.compile(
    r"[\u2e80-\u9fff\uf900-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\uffef\u3000-\u303f]+|\s+"
)


def wrap(text: str, columns: int) -> list[str]:
    """``text`` as lines of at most ``columns`` columns (a CJK character counts two).

    Breaks between words and between CJK characters, never inside a Latin
    word, and never puts closing punctuation at the start of a line.
    """
    out: list[str] = []
    for para in str(text).split("\n"):
        line, width = "", 0
        for token in _TOKENS.findall(para):
            w = sum(2 if is_wide(ch) else 1 for ch in token)
            if token.isspace():
                if line:
                    line, width = line + " ", width + 1
                continue
            if width + w > columns and line.strip() and token not in _CLOSING:
                out.append(line.rstrip())
                line, width = "", 0
            line += token
            width += w
        out.append(line.rstrip())
    return out


def columns_for(width_in: float, size: float, bold: bool = False) -> int:
    """How many columns of ``size``-point text fit in ``width_in`` inches (a column: 0.58 em,
    two for a CJK character; bold a tenth wider)."""
    return max(8, int(width_in * PT_PER_INCH / (0.58 * size * (1.1 if bold else 1.0))))


class Pages:
    """A4 pages of text, written top-down.

    Args:
        footer: A line printed at the foot of every page (with the page number).
    """

    def __init__(self, footer: str = "") -> None:
        self.footer = footer
        self.figures: list[Any] = []
        self.y = 0.0
        self.new_page()

    # -- pages ---------------------------------------------------------------
    def new_page(self) -> None:
        """Start a new page; writing continues at its top."""
        import matplotlib.figure

        fig = matplotlib.figure.Figure(figsize=A4)
        self.figures.append(fig)
        self.y = 1.0 - MARGIN
        if self.footer:
            fig.text(MARGIN, MARGIN / 2, self.footer, fontsize=7, color=GREY, va="bottom")
        fig.text(1 - MARGIN, MARGIN / 2, str(len(self.figures)), fontsize=7, color=GREY, ha="right")

    @property
    def fig(self) -> Any:
        """The page being written."""
        return self.figures[-1]

    def _step(self, size: float) -> float:
        return size * LINE / (A4[1] * PT_PER_INCH)

    def room(self, lines: int, size: float) -> None:
        """Start a new page unless ``lines`` lines of ``size`` points still fit."""
        if self.y - lines * self._step(size) < MARGIN + 0.02:
            self.new_page()

    # -- text ----------------------------------------------------------------
    def text(
        self, text: str, size: float = 10, bold: bool = False, color: str = INK, indent: float = 0
    ) -> None:
        """A paragraph, wrapped to the page width (``indent``: share of the page width)."""
        width = A4[0] * (1 - 2 * MARGIN - indent)
        for line in wrap(text, columns_for(width, size, bold)):
            self.room(1, size)
            self.fig.text(
                MARGIN + indent,
                self.y,
                line,
                fontsize=size,
                weight="bold" if bold else "normal",
                color=color,
                va="top",
            )
            self.y -= self._step(size)

    def heading(self, text: str, size: float = 15) -> None:
        """A heading, kept with at least three lines after it."""
        self.room(4, size)
        self.space(0.4 * size)
        self.text(text, size=size, bold=True)
        self.space(0.2 * size)

    def space(self, points: float) -> None:
        """Vertical space of ``points``."""
        self.y -= points / (A4[1] * PT_PER_INCH)

    # -- boxes ---------------------------------------------------------------
    def card(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        title: str,
        lines: list[tuple[str, float, bool]],
    ) -> None:
        """A framed card at (x, y) (top left, page fractions) of size w x h.

        ``lines``: (text, size, bold) paragraphs after the title, wrapped to
        the card; what does not fit is cut with an ellipsis.
        """
        from matplotlib.patches import FancyBboxPatch

        fig = self.fig
        fig.add_artist(
            FancyBboxPatch(
                (x, y - h), w, h, boxstyle="round,pad=0,rounding_size=0.008",
                transform=fig.transFigure, fill=False, edgecolor=GREY, linewidth=0.8,
            )
        )  # fmt: skip
        pad = 0.012
        cy = y - pad
        width_in = A4[0] * (w - 2 * pad)
        for text, size, bold in [(title, 11.5, True), *lines]:
            for line in wrap(text, columns_for(width_in, size, bold)) if text else [""]:
                step = self._step(size)
                if cy - step < y - h + pad:
                    fig.text(x + pad, cy, "…", fontsize=size, va="top", color=GREY)
                    return
                fig.text(
                    x + pad, cy, line, fontsize=size, va="top", color=INK,
                    weight="bold" if bold else "normal",
                )  # fmt: skip
                cy -= step
            cy -= self._step(size) * 0.35

    def pdf(self, metadata: dict[str, str]) -> bytes:
        """All pages as one PDF (fonts embedded as TrueType, so the text is searchable)."""
        import matplotlib
        from matplotlib.backends.backend_pdf import PdfPages

        buf = io.BytesIO()
        with (
            matplotlib.rc_context({"pdf.fonttype": 42}),
            PdfPages(buf, metadata=metadata) as pdf,
        ):
            for fig in self.figures:
                pdf.savefig(fig)
        return buf.getvalue()
