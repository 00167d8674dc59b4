"""The participant pack (``crmsim handouts``): a printable PDF in Chinese or English.

- :mod:`~crmsim.handouts.layout`: A4 pages of wrapped text and cards, drawn
  with matplotlib.
- :mod:`~crmsim.handouts.pack`: what the pack holds (:func:`build`).
- :func:`write`: the PDF, written atomically, never over a file that crmsim
  handouts did not make.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crmsim.errors import CrmsimError
from crmsim.i18n import _, get_language

if TYPE_CHECKING:
    from crmsim.game import Game

CREATOR = "crmsim handouts"
"""The PDF's Creator, by which a pack is recognised before it is replaced."""


def _check_ours(path: Path) -> None:
    """Refuse to replace a file that is not a pack made by crmsim handouts."""
    if not path.exists() or path.is_dir():
        return  # a folder is refused by atomic_write with its own message
    from crmsim.files import read_bytes

    if path.suffix.lower() != ".pdf" or CREATOR.encode() not in read_bytes(path, "file"):
        raise CrmsimError(
            _("{path} exists and was not made by crmsim handouts; choose another --out "
              "(crmsim replaces only its own packs)").format(path=path)
        )  # fmt: skip


def write(game: Game, out: str | Path) -> Path:
    """Draw ``game``'s participant pack in the current language and write it to ``out``.

    Raises:
        CrmsimError: ``out`` is not a .pdf name, is a file crmsim handouts did
            not write, or cannot be written; Chinese without a CJK font.
    """
    from crmsim.files import atomic_write, make_dirs
    from crmsim.fonts import use_fonts
    from crmsim.handouts.pack import build

    target = Path(out)
    if target.suffix.lower() != ".pdf":
        raise CrmsimError(_("--out {path}: give a .pdf file name").format(path=target))
    _check_ours(target)
    use_fonts()
    data = build(game).pdf(
        {"Creator": CREATOR, "Title": str(game.title), "Subject": f"{game.name} ({get_language()})"}
    )
    make_dirs(target.parent)
    return atomic_write(target, data)
