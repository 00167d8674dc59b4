"""Fonts that render the current language in matplotlib: a CJK font for Chinese.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: Chinese text
would come out as empty boxes, with a "Glyph ... missing from font(s)"
warning. :func:`use_fonts` finds a CJK font (the setup installs Noto Sans
CJK from Debian's ``fonts-noto-cjk``; any of :data:`FAMILIES` will do, or a
file named by ``$CRMSIM_CJK_FONT``), registers it with matplotlib's
``font_manager`` when the font cache does not know it yet, and puts it first
in ``font.sans-serif``, with DejaVu Sans after it for the rest. PDFs embed
the fonts as TrueType (Type 42), subset, so their text can be copied and
searched. With no CJK font it raises one clear line saying what to install.

English needs nothing: :func:`use_fonts` leaves matplotlib's settings alone,
so English charts and PDFs are exactly as before.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from crmsim.errors import CrmsimError
from crmsim.i18n import _, get_language

FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Droid Sans Fallback",
)
"""CJK families that carry Simplified Chinese, best first."""

FILES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
"""Where the distributions (and macOS, Windows) put such fonts."""

ENV_VAR = "CRMSIM_CJK_FONT"
INSTALL_HINT = "sudo apt-get install fonts-noto-cjk (or bash scripts/setup.sh)"


def _register(path: str) -> list[str]:
    """Add a font file (and its bold sibling, if any) to matplotlib; the family names it holds."""
    from matplotlib import font_manager

    names = []
    for file in (path, path.replace("Regular", "Bold")):
        if not Path(file).is_file() or any(
            f.fname == file for f in font_manager.fontManager.ttflist
        ):
            continue
        try:
            font_manager.fontManager.addfont(file)
        except (OSError, RuntimeError, ValueError):
            continue
    for f in font_manager.fontManager.ttflist:
        if f.fname == path and f.name not in names:
            names.append(f.name)
    return names


def _has_bold(family: str) -> bool:
    from matplotlib import font_manager

    return any(
        f.name == family and f.weight in (600, 700, 800, 900, "bold", "heavy", "black")
        for f in font_manager.fontManager.ttflist
    )


@functools.cache
def cjk_family() -> str:
    """The name of a CJK font family matplotlib can use (registering its files if needed).

    Raises:
        CrmsimError: none is installed (one line: what to install).
    """
    from matplotlib import font_manager

    chosen = os.environ.get(ENV_VAR)
    if chosen:
        names = _register(chosen)
        if not names:
            raise CrmsimError(
                _("{var}={path} is not a font file matplotlib can read; point it at a "
                  ".ttc/.otf/.ttf Chinese font or unset it").format(var=ENV_VAR, path=chosen)
            )  # fmt: skip
        return next((f for f in FAMILIES if f in names), names[0])
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in FAMILIES:
        if family in known and _has_bold(family):
            return family
    for path in FILES:  # not in matplotlib's font cache yet (installed after it was made)
        names = [f for f in FAMILIES if f in _register(path)]
        if names:
            return names[0]
    for family in FAMILIES:
        if family in known:
            return family
    raise CrmsimError(
        _("no Chinese font found for the charts and handouts; install one: {hint}").format(
            hint=INSTALL_HINT
        )
    )


def use_fonts(lang: str | None = None) -> None:
    """Set matplotlib up to draw ``lang`` (default: the current language).

    Chinese: the CJK family first in ``font.sans-serif``, sans-serif fonts,
    TrueType (Type 42) embedding in PDF and PostScript. English: nothing.

    Raises:
        CrmsimError: Chinese without a CJK font installed.
    """
    if (lang or get_language()) == "en":
        return
    import matplotlib

    family = cjk_family()
    rc = matplotlib.rcParams
    fallback = [f for f in rc["font.sans-serif"] if f != family]
    rc["font.sans-serif"] = [family, *fallback]
    rc["font.family"] = ["sans-serif"]
    rc["axes.unicode_minus"] = False  # CJK fonts often lack U+2212
    rc["pdf.fonttype"] = 42
    rc["ps.fonttype"] = 42
