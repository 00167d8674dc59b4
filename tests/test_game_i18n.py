"""Games in two languages and in the firm's currency; games that fit the room.

Every text of the bundled games and scenarios is written in English and
Chinese; the old plain-string form still reads; money is shown in the
game's currency; --rounds plays a shorter game where the file allows it;
an action that cannot work is refused and marked at choice time.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from crmsim import i18n
from crmsim.errors import CrmsimError
from crmsim.game import TeamGame, bundled_games, load_game
from crmsim.game.actions import PARAM_LABELS
from crmsim.i18n import Text
from crmsim.params import PARAMS
from crmsim.scenario import bundled, load


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def game_texts(name: str) -> dict[str, object]:
    g = load_game(name)
    texts: dict[str, object] = {
        "title": g.title,
        "description": g.description,
        "scoring.description": g.scoring.description,
    }
    for action_name, a in g.actions.items():
        texts[f"actions.{action_name}.label"] = a.label
        texts[f"actions.{action_name}.description"] = a.description
    if g.case:
        for i, t in enumerate(g.case.texts()):
            texts[f"case[{i}]"] = t
    return texts


@pytest.mark.parametrize("name", bundled_games())
def test_every_text_of_a_bundled_game_is_in_english_and_chinese(name: str) -> None:
    missing = [
        key
        for key, t in game_texts(name).items()
        if not (isinstance(t, Text) and not t.plain and all(t.texts.get(c) for c in i18n.LANGUAGES))
    ]
    assert not missing, f"{name}: write these as {{ en = ..., zh = ... }}: {missing}"


@pytest.mark.parametrize("name", bundled())
def test_every_bundled_scenario_describes_itself_in_english_and_chinese(name: str) -> None:
    scenario = load(name)
    money = scenario.money
    texts = [scenario.description, money.unit]
    if money.currency != "USD":  # a converted currency says where its rate and level come from
        texts += [money.per_usd_source, money.cost_level_source]
    for t in texts:
        assert isinstance(t, Text) and not t.plain and t.texts.get("zh") and t.texts.get("en"), t


def test_old_plain_text_game_files_still_read_in_every_language(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text(
        '[game]\ntitle = "Old game"\nscenario = "baseline"\nbudget = 100\n'
        '[scoring]\ndescription = "adoption counts"\nadoption = 1\n'
        '[actions.talk]\nlabel = "Talk"\ndescription = "Talk to them."\nclaims = "S8"\ncost = 1\n'
        'effects = [{ param = "communication.cadence", add = 0.1 }]\n',
        encoding="utf-8",
    )
    g = load_game(path)
    assert g.title == "Old game" and i18n.localized(g.title, "zh") == "Old game"
    assert g.money.amount(g.budget) == "100 k$"  # no [money]: US dollars as before


def test_a_text_without_english_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[game]\ntitle = { zh = "只有中文" }\nscenario = "baseline"\nbudget = 100\n'
        '[scoring]\ndescription = "d"\nadoption = 1\n'
        '[actions.talk]\nlabel = "Talk"\ndescription = "d"\nclaims = "S8"\ncost = 1\n'
        'effects = [{ param = "communication.cadence", add = 0.1 }]\n',
        encoding="utf-8",
    )
    with pytest.raises(CrmsimError, match=r"^bad.toml game.title needs the English text"):
        load_game(path)


def test_effect_labels_marked_for_translation_are_the_parameters_labels() -> None:
    """crmsim.game.actions.PARAM_LABELS must follow the labels in crmsim.params."""
    used = {
        e.param
        for name in bundled_games()
        for a in load_game(name).actions.values()
        for e in a.effects
        if e.kind == "param"
    }
    assert {PARAMS[p].label for p in used} <= set(PARAM_LABELS)


def test_the_chinese_firm_is_the_baseline_in_yuan() -> None:
    """Money is rescaled, the dynamics are not: every share is the baseline's."""
    from crmsim.runner import simulate

    usd, cny = load("baseline"), load("china_firm")
    assert (cny.money.currency, usd.money.currency) == ("CNY", "USD")
    assert cny.money.per_usd_source and cny.money.cost_level_source
    a, b = simulate(usd, 3).summary, simulate(cny, 3).summary
    for key in ("final_adoption", "weeks_to_50", "success", "cut_week", "cancel_week"):
        assert a[key] == b[key], key
    assert a["profit_dip_depth"] == pytest.approx(b["profit_dip_depth"], abs=0.002)
    assert b["total_spend"] / a["total_spend"] == pytest.approx(7.05 * 0.26, rel=0.02)


def test_money_is_shown_in_the_games_currency_and_language() -> None:
    g = load_game("huaxin_short")
    assert g.money.amount(20.2) == "20.2 10k CNY"
    assert g.money.amount(20.2, lang="zh") == "20.2 万元"
    assert load_game("support_system").money.amount(1234) == "1,234 k$"


def test_rounds_can_be_chosen_within_the_games_range(cli, tmp_path) -> None:
    assert load_game("huaxin_short", rounds=6).weeks == 78
    with pytest.raises(CrmsimError, match=r"allows 6 to 8 rounds"):
        load_game("huaxin_short", rounds=12)
    result = cli("play", "huaxin_short", "--team", "a", "--rounds", "12", "--out", tmp_path)
    assert result.exit_code == 2
    assert result.output.startswith("crmsim: error: --rounds 12: huaxin_short.toml allows 6 to 8")


def test_a_short_chinese_game_plays_in_chinese_and_yuan(cli, tmp_path) -> None:
    script = tmp_path / "d.toml"
    script.write_text('[rounds]\n1 = ["training_wave", "pilot_department"]\n', encoding="utf-8")
    with warnings.catch_warnings():  # the team's chart is drawn in Chinese: no missing glyphs
        warnings.filterwarnings("error", message=r"Glyph \d+ .* missing from font")
        result = cli(
            "play", "huaxin_short", "--team", "a", "--decisions", script, "--out", tmp_path / "g",
            "--lang", "zh", "--rounds", "6",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "共 6 轮，每轮 13 周 · 预算 120.0 万元" in result.output
    assert "「一轮集中培训」 开始生效" in result.output
    assert "团队 a 的游戏结束" in result.output


def test_bad_language_is_one_line_and_exit_2(cli, tmp_path) -> None:
    result = cli("play", "huaxin_short", "--team", "a", "--lang", "fr", "--out", tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "crmsim: error: Invalid value for '--lang': 'fr' is not a language crmsim speaks; "
        "use one of en, zh"
    ]


def test_consultants_after_their_window_are_marked_and_refused_at_choice_time() -> None:
    from crmsim.commands.play_text import menu

    g = load_game("huaxin_short")
    tg = TeamGame(g, "late", keep_scores=False)
    for _round in range(5):  # weeks 1-65: the window ends 52 weeks after go-live (week 17)
        tg.play_round([])
    blocked = tg.blocked("hire_consultants")
    assert blocked is not None and blocked.kind == "consultants"
    assert "consultants help only until week 68" in str(blocked)
    assert "[too late: consultants help only in the first year after go-live]" in menu(tg)
    i18n.set_language("zh")
    assert "[太晚了：顾问只在上线后第一年起作用]" in menu(tg)
    with pytest.raises(CrmsimError, match="「聘请顾问」 要到第 70 周才开始"):
        tg.check(["hire_consultants"])
    assert tg.blocked("sponsor_speech") is None
