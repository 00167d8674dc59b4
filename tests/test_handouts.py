"""The participant pack (crmsim handouts): Chinese text that renders and can be extracted."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pypdf import PdfReader

from crmsim import fonts, i18n
from crmsim.errors import CrmsimError

MISSING_GLYPH = r"Glyph \d+ .* missing from font"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def zh_pack(tmp_path_factory) -> tuple[Path, str]:
    """The short game's pack in Chinese, drawn with missing glyphs as errors."""
    from click.testing import CliRunner

    from crmsim.cli import main

    out = tmp_path_factory.mktemp("pack") / "pack.pdf"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)  # a box instead of a character
        result = CliRunner().invoke(
            main, ["handouts", "huaxin_short", "--lang", "zh", "--out", str(out)],
            catch_exceptions=False,
        )  # fmt: skip
    i18n.set_language("en")
    return out, result.output


def test_chinese_pack_renders_every_glyph_and_its_text_can_be_extracted(zh_pack) -> None:
    out, output = zh_pack
    assert "学员资料包已写入" in output
    text = pdf_text(out)
    for expected in (
        "华信仪器",  # the firm
        "陈伟",  # a named stakeholder
        "当前形势",  # the situation
        "行动卡",  # action cards ...
        "一轮集中培训",
        "20.2 万元",  # ... with their cost in the game's currency
        "本轮开始后 4 周生效",  # lead time
        "轮后可再选",  # cooldown
        "第 8 轮（共 8 轮）",  # a decision sheet per round
        "角色卡",  # role cards
        "一线员工代表",
    ):
        assert expected in text, expected


def test_chinese_without_a_cjk_font_would_draw_boxes(tmp_path) -> None:
    """The check above can fail: matplotlib's default font has no Chinese glyphs."""
    import matplotlib.figure

    fig = matplotlib.figure.Figure()
    fig.text(0.1, 0.5, "华信仪器", family="DejaVu Sans")
    with pytest.warns(UserWarning, match=MISSING_GLYPH):
        fig.savefig(tmp_path / "boxes.pdf")


def test_english_pack_in_dollars_and_rounds_as_asked(cli, tmp_path) -> None:
    out = tmp_path / "pack.pdf"
    result = cli("handouts", "support_system", "--lang", "en", "--rounds", "8", "--out", out)
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    for expected in ("Action cards", "Training wave", "110 k$", "Round 8 of 8", "Role cards"):
        assert expected in text, expected
    assert "Round 9" not in text
    assert "seed" not in text.lower() and "training_wave" not in text  # no internal words


def test_pack_never_replaces_a_file_it_did_not_make(cli, tmp_path, zh_pack) -> None:
    out = tmp_path / "notes.pdf"
    out.write_bytes(b"%PDF-1.4 someone's notes")
    result = cli("handouts", "huaxin_short", "--out", out)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"crmsim: error: {out} exists and was not made by crmsim handouts; choose another --out "
        "(crmsim replaces only its own packs)"
    ]
    assert out.read_bytes() == b"%PDF-1.4 someone's notes"
    ours = zh_pack[0]
    assert cli("handouts", "huaxin_short", "--out", ours).exit_code == 0  # its own: replaced
    assert "Participant pack" in pdf_text(ours)


def test_missing_cjk_font_is_one_clear_line(monkeypatch) -> None:
    monkeypatch.setattr(fonts, "FAMILIES", ("No Such Font SC",))
    monkeypatch.setattr(fonts, "FILES", ())
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    fonts.cjk_family.cache_clear()
    try:
        with pytest.raises(CrmsimError, match=r"^no Chinese font found .* fonts-noto-cjk"):
            fonts.use_fonts("zh")
        fonts.use_fonts("en")  # English needs no font: nothing happens
    finally:
        fonts.cjk_family.cache_clear()
