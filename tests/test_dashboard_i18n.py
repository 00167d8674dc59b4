"""The dashboard, reports and plots in Chinese: words marked for the catalogue, CJK that renders."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from crmsim import i18n
from crmsim.analysis import METRIC_LABELS
from crmsim.batch_plots import METRIC_WORDS
from crmsim.dashboard.controls import CONTROLLED, PARAM_WORDS, slider_spec
from crmsim.game.case import DEPARTMENTS
from crmsim.organisation import FUNCTIONS
from crmsim.params import PARAMS


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def test_words_marked_for_translation_follow_their_sources() -> None:
    """Labels and meanings declared elsewhere, copied with N_() so the catalogue has them."""
    for name in CONTROLLED:
        assert PARAMS[name].label in PARAM_WORDS, name
        assert PARAMS[name].meaning in PARAM_WORDS, name
    assert set(METRIC_LABELS.values()) <= set(METRIC_WORDS)
    assert set(DEPARTMENTS) == set(FUNCTIONS)


def test_sidebar_speaks_chinese() -> None:
    i18n.set_language("zh")
    spec = slider_spec("levers.training")
    assert (spec.label, spec.help) == ("培训", "每位用户的培训：起点技能更高、学得更快、挫败更少。")


def test_a_chinese_run_handout_renders_and_reads_in_chinese(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from crmsim.output import write_run
    from crmsim.report import write
    from crmsim.runner import simulate
    from crmsim.scenario import load

    scenario = load("china_firm").with_updates(
        {"org.employees": 150, "run.weeks": 60, "rollout.implementation_weeks": 4}
    )
    run = write_run(tmp_path / "run", scenario, simulate(scenario, seed=2), command="crmsim run")
    i18n.set_language("zh")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
        pdf = write(run, tmp_path / "handout.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    for expected in ("CRM 推行：发生了什么", "关键数字", "期末在用 CRM", "一家中等规模的中国企业"):
        assert expected in text, expected
    assert "seed" not in text.lower()


def test_the_workshop_page_in_chinese_draws_every_glyph(monkeypatch) -> None:
    """`crmsim workshop --lang zh`: sidebar in Chinese; the charts draw no missing-glyph boxes."""
    solara = pytest.importorskip("solara")
    v = pytest.importorskip("ipyvuetify")
    from crmsim.dashboard import app
    from crmsim.dashboard.controls import ENV_SCENARIO, ENV_SEED, ENV_SET

    monkeypatch.setenv(ENV_SCENARIO, "china_firm")
    monkeypatch.setenv(ENV_SEED, "3")
    monkeypatch.setenv(ENV_SET, '{"org.employees": 150}')
    monkeypatch.setenv(i18n.ENV_VAR, "zh")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
        _box, rc = solara.render(solara.AppLayout(children=[app.Page()]), handle_error=False)
    labels = {w.label for w in rc.find(v.Slider).widgets}
    assert {"培训", "高层支持", "先行试点"} <= labels
    assert rc.find(v.Switch, label="并排：比较两种设置").widgets
