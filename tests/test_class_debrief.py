"""The class debrief: a five-team short game end to end, in English and in Chinese.

Five scripted teams play the bundled short game through the team server's
hub (as their pages submit), then the class debrief replays their
decisions over the same other possible futures and writes the PDF and the
PNG slides. 150 employees and 20 replays keep it quick; the full-size timing
is ``benchmarks/bench_class_game.py``'s. Nothing here depends on the model's
outcome numbers: the checks are about what is compared with what, and what
the pages say.
"""

from __future__ import annotations

import re
import struct
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text

from crmsim.debrief.classroom import (
    CLASS_PDF,
    class_debrief,
    class_slides,
    paired_wins,
)
from crmsim.i18n import language

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_class_game import TEAMS, play_class  # noqa: E402

SMALL = {"org.employees": 150}
REPLAYS = 20


def _class_game(tmp: Path, lang: str):
    from crmsim.game import load_game

    with language(lang):
        play_class(load_game("huaxin_short", SMALL), tmp / "game")
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # a missing glyph fails
            return class_debrief(tmp / "game", replays=REPLAYS)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return _class_game(tmp_path_factory.mktemp("class-en"), "en")


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    return _class_game(tmp_path_factory.mktemp("class-zh"), "zh")


def _png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_every_team_finishes_and_is_compared_on_the_same_luck(english) -> None:
    d, _files = english
    assert sorted(t.team for t in d.teams) == sorted(TEAMS)
    assert all(t.replays.size == REPLAYS for t in d.teams)
    names, wins = paired_wins(d)
    assert names == [t.team for t in d.teams]
    assert np.isnan(np.diag(wins)).all()
    off = ~np.eye(len(names), dtype=bool)
    assert np.allclose((wins + wins.T)[off], 1.0)  # A beats B as often as B loses to A
    a, b = d.teams[0], d.teams[1]  # replay k of both met the same luck
    expected = np.mean(
        np.where(a.replays > b.replays, 1.0, np.where(a.replays == b.replays, 0.5, 0))
    )
    assert wins[0, 1] == pytest.approx(expected)


def test_the_pdf_and_one_1280x720_png_a_slide(english) -> None:
    _d, files = english
    pdf, *slides, record = files
    assert pdf.name == CLASS_PDF and record.name == "debrief.json"
    assert len(slides) == 5
    assert all(_png_size(s) == (1280, 720) for s in slides)
    text = _pdf_text(pdf)
    for words in ("Every team's game", "Strategy or luck?", "The same luck, different decisions",
                  "Luck versus strategy", "Glossary"):  # fmt: skip
        assert words in text


def test_no_internal_words_on_the_slides(english) -> None:
    d, _files = english
    with language("en"):
        text = " ".join(t.get_text() for fig in class_slides(d) for t in fig.findobj(Text))
    assert not re.search(r"\bseeds?\b|SeedSequence", text, re.IGNORECASE)
    assert not [name for name in d.game.actions if name in text]  # raw action names
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", text)  # raw parameter names
    for team in TEAMS:
        assert f"Team {team} scored" in text


def test_the_chinese_class_debrief_pdf_holds_chinese_text(chinese) -> None:
    d, files = chinese
    text = _pdf_text(files[0])
    for words in ("各小组的对局", "策略还是运气", "相同的运气，不同的决策", "运气与策略", "术语表"):
        assert words in text
    assert "华信仪器" in text  # the game's own title, in Chinese
    assert sorted(t.team for t in d.teams) == sorted(TEAMS)
