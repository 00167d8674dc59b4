"""The command line in both languages: help pages and game-file errors follow --lang.

``crmsim --lang zh CMD --help`` (or ``CRMSIM_LANG=zh``, or a Chinese locale)
shows the workshop commands' help, their options and click's own words in
Chinese, and the top-level command list too; without them everything stays
English. A bad game file is refused in one line in the chosen language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crmsim import i18n
from crmsim.cli import COMMANDS, SUMMARIES, language_in, main
from crmsim.clihelp import width, wrap_wide
from crmsim.game.loading import GAME_DIR

WORKSHOP = {  # command -> the Chinese start of its help
    "workshop": "为情景 SCENARIO [默认：baseline] 启动工作坊仪表盘",
    "play": "以小组 TEAM 的身份逐轮进行游戏 GAME",
    "handouts": "把游戏 GAME（内置游戏名或 .toml 文件）的学员资料包写成 PDF。",
    "debrief": "复盘 GAME_DIR（由 crmsim play 写入）中每个完成游戏的小组。",
    "report": "为 RUN_DIR（来自 crmsim run 或 crmsim batch）写一页讲义。",
}
NO_LANGUAGE = {"CRMSIM_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def invoke(*args: str, **env: str):
    return CliRunner().invoke(main, list(args), prog_name="crmsim", env={**NO_LANGUAGE, **env})


@pytest.mark.parametrize("name", sorted(WORKSHOP))
def test_workshop_commands_help_in_chinese(name: str) -> None:
    result = invoke("--lang", "zh", name, "--help")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"用法：crmsim {name} [OPTIONS]")
    assert WORKSHOP[name] in text
    assert "选项：" in text and "显示本帮助并退出。" in text
    assert "界面语言：zh（简体中文）" in text  # the --lang option's own help
    assert "Options:" not in text and "Show this message" not in text
    assert all(width(line) <= 80 for line in text.splitlines()), text  # wrapped by columns


def test_the_same_page_in_english_without_a_language() -> None:
    text = invoke("workshop", "--help").output
    assert text.startswith("Usage: crmsim workshop [OPTIONS] [SCENARIO]")
    assert "Start the workshop dashboard for SCENARIO [default: baseline]" in text
    assert "Port to serve on; 0 picks a free one.  [default: 8765;" in text
    assert "Options:" in text and "-h, --help            Show this message and exit." in text


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["play", "--help", "--lang", "zh"], {}),  # --lang after --help
        (["play", "--help"], {"CRMSIM_LANG": "zh"}),
        (["play", "--help"], {"LANG": "zh_CN.UTF-8"}),
        (["--lang", "zh", "play", "--help"], {"CRMSIM_LANG": "en"}),  # the flag wins
    ],
)
def test_help_follows_flag_then_variable_then_locale(args: list[str], env: dict) -> None:
    assert WORKSHOP["play"] in invoke(*args, **env).output


def test_the_command_list_in_chinese_names_every_command() -> None:
    text = invoke("--lang", "zh", "--help").output
    assert "命令：" in text and "crmsim：模拟企业推行 CRM 时遇到的变革阻力。" in text
    assert "  workshop     启动工作坊仪表盘并显示其地址。" in text
    assert "  handouts     把游戏的学员资料包写成 PDF。" in text
    assert set(SUMMARIES) == set(COMMANDS)
    english = invoke("--help").output
    assert "  workshop     Start the workshop dashboard and print its address." in english


def test_a_command_under_crmsim_lang_speaks_it() -> None:
    """``crmsim --lang zh CMD``: the command's own --lang, not given, follows the group's."""
    result = invoke("--lang", "zh", "handouts", "no_such_game")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "crmsim: error: 未知的游戏 'no_such_game'；内置游戏：huaxin_short, support_system\n"
    )


def test_language_on_the_command_line_is_found_before_parsing() -> None:
    assert language_in(["play", "--lang=zh", "--help"]) == "zh"
    assert language_in(["--lang", "en", "play"]) == "en"
    assert language_in(["play", "--", "--lang", "zh"]) == "en"  # after --: an argument
    assert language_in(["--lang", "fr"]) == "en"  # the option itself refuses it later


def test_chinese_wraps_by_display_columns() -> None:
    lines = wrap_wide("开始时修改一个参数，例如 --set levers.training=0.8（可重复使用）。", 20)
    assert all(width(line) <= 20 for line in lines)
    assert not any(line[0] in "，。）" for line in lines)


# ------------------------------------------------------------- game-file errors


def _bad_game(tmp_path: Path, old: str, new: str) -> Path:
    text = (GAME_DIR / "support_system.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad_game.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "english", "chinese"),
    [
        ("seed = 1\n", "seed = 1\nrounds_per_year = 4\n",
         "unknown key 'rounds_per_year'", "未知的键 'rounds_per_year'"),
        ("seed = 1\n", 'seed = "one"\n', "game.seed must be a number, got 'one'",
         "game.seed 必须是数字，实际为 'one'"),
        ("min_rounds = 6 ", "min_rounds = 0 ", "game.min_rounds = 0 is out of range",
         "game.min_rounds = 0 超出范围"),
    ],
)  # fmt: skip
def test_a_bad_game_file_is_one_line_in_the_chosen_language(
    tmp_path: Path, old: str, new: str, english: str, chinese: str
) -> None:
    bad = str(_bad_game(tmp_path, old, new))
    for args, expected in ((["handouts", bad], english),
                           (["handouts", bad, "--lang", "zh"], chinese),
                           (["--lang", "zh", "play", bad, "--team", "red"], chinese)):  # fmt: skip
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("crmsim: error: bad_game.toml")
        assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_a_bad_decisions_file_is_refused_in_chinese(tmp_path: Path) -> None:
    script = tmp_path / "decisions.toml"
    script.write_text('[rounds]\n99 = ["sponsor_speech"]\n', encoding="utf-8")
    result = invoke("play", "support_system", "--team", "red", "--decisions", str(script),
                    "--out", str(tmp_path / "game"), "--lang", "zh")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == "crmsim: error: decisions.toml：第 99 轮超出了 1-12 的范围"


def test_commands_without_lang_speak_english_as_before() -> None:
    """Only the workshop commands take --lang; the others stay wholly English (no mixed page)."""
    text = invoke("--lang", "zh", "describe", "--help").output
    assert text.startswith("Usage: crmsim describe") and "Options:" in text
    result = invoke("scenarios", CRMSIM_LANG="zh")
    assert result.exit_code == 0 and "china_firm" in result.output
    assert not any("\u4e00" <= c <= "\u9fff" for c in result.output)


@pytest.mark.parametrize("args", [("--lang", "zh", "--help"), ("--lang", "zh", "play", "--help")])
def test_chinese_help_imports_no_data_library(args: tuple[str, ...]) -> None:
    """Translating help costs no start-up time: still no numpy, pandas, matplotlib."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]  # this checkout's crmsim
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "crmsim", *args],
                          cwd=root, capture_output=True, text=True, check=True)  # fmt: skip
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "crmsim.clihelp" in imported
    assert {"numpy", "pandas", "matplotlib", "mesa", "numba"}.isdisjoint(imported)


def test_the_workshop_commands_own_errors_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "game"
    result = invoke("play", "support_system", "--team", "red", "--resume", "--out", str(folder),
                    "--lang", "zh")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("crmsim: error: ")
    assert "中没有小组 red 保存的游戏；请不加 --resume 开始新游戏" in result.stderr
    result = invoke("report", str(tmp_path / "nowhere.txt"), "--lang", "zh")
    assert result.exit_code == 2 and "不是目录" in result.stderr, result.stderr
    result = invoke("report", str(tmp_path / "nowhere.txt"))
    assert "is not a directory" in result.stderr


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (["play"], "Missing argument 'GAME'.", "缺少参数 'GAME'。"),
        (["play", "huaxin_short", "--tem", "red"], "No such option", "没有这个选项：--tem。"),
        (["handouts", "huaxin_short", "--rounds", "x"], "Invalid value for '--rounds'",
         "'--rounds' 的值无效："),
    ],
)  # fmt: skip
def test_click_usage_errors_are_one_line_in_the_chosen_language(
    args: list[str], english: str, chinese: str
) -> None:
    """A facilitator who mistypes a workshop command reads why in the room's language."""
    for lang_args, expected in (([], english), (["--lang", "zh"], chinese)):
        result = invoke(*lang_args, *args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("crmsim: error: "), lines
        assert expected in lines[0], lines[0]


def test_a_malformed_or_missing_game_file_is_refused_in_chinese(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[game]\nname = "x"\n[[actions]\nbad', encoding="utf-8")
    result = invoke("--lang", "zh", "play", str(broken), "--team", "red")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "TOML 格式有误" in line and line.endswith("请修正文件的语法"), line
    result = invoke("play", str(broken), "--team", "red")
    assert "malformed TOML in" in result.stderr and "fix the file's syntax" in result.stderr
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "Café"\n'.encode("latin-1"))
    line = invoke("--lang", "zh", "handouts", str(latin1)).stderr.strip()
    assert "游戏文件" in line and "不是 UTF-8 文本" in line, line
