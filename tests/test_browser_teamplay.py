"""Team play in a real browser, in Chinese: teams on their own devices, the projector.

Starts ``crmsim play GAME --dashboard`` in Chinese as a subprocess on a free
localhost port and drives Debian's headless Chromium through Playwright
(as ``tests/test_browser.py`` does). The facilitator's page adds two teams;
each team joins from its own browser context (its own device) with its
join code and submits; the round is played when the second team submits,
and the facilitator's scoreboard shows it. At 1280x720 every text of the
chart is measured in the page (the SVG text's font size times its scale on
screen) and must be at least ``MIN_TEXT_PX`` pixels; a screenshot is saved.
It waits by polling, with generous limits, and never asserts on speed.
Marked ``browser``: ``pytest -m "not browser"`` leaves it out.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserlib import chromium, serving, wait_for

from crmsim.dashboard.teamcharts import MIN_TEXT_PX

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000
GAME_ARGS = ["support_system", "--dashboard", "--lang", "zh", "--set", "org.employees=150"]
# The smallest on-screen size of the chart's text, as the browser draws it.
MEASURE_JS = """() => Array.from(document.querySelectorAll('svg.crm-chart text')).map(
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


def _play_command() -> list[str]:
    """``crmsim play`` of the checkout under test (run from its root: ``-m`` imports it)."""
    return [sys.executable, "-m", "crmsim", "play"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The team-play server in Chinese on a free port of 127.0.0.1; yields its address."""
    folder = tmp_path_factory.mktemp("teamplay")
    command = [*_play_command(), *GAME_ARGS, "--out", str(folder / "game"), "--port", "0"]
    with serving(command, folder / "server.log", cwd=Path(__file__).resolve().parents[1]) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _join_and_submit(browser, url: str, code: str, team: str, errors: list[str]):
    """A team's own device: join with ``code``, tick the first action, submit round 1."""
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/team")
    page.get_by_label("加入码").fill(code)
    page.get_by_role("button", name="加入").click()
    page.get_by_text(f"{team} 组").first.wait_for()
    page.locator(".v-input--checkbox").first.click()
    page.get_by_role("button", name="提交第 1 轮").click()
    return context, page


def test_two_teams_join_submit_and_the_round_runs_in_chinese(server, browser, tmp_path):
    errors: list[str] = []
    room = browser.new_page(viewport={"width": 1280, "height": 720})
    room.set_default_timeout(TIMEOUT_MS)
    room.on("pageerror", lambda exc: errors.append(str(exc)))
    room.goto(server)
    room.get_by_text("第一步做什么").wait_for()  # the first screen says what to do first
    for team in ("red", "blue"):
        room.get_by_label("小组名称").fill(team)
        room.get_by_role("button", name="添加小组").click()
        room.locator(".crm-team-card", has_text=team).wait_for()
    codes = room.locator(".crm-code").all_inner_texts()
    assert len(codes) == 2 and all(re.fullmatch(r"[A-Z0-9]{4}", c) for c in codes)

    red, red_page = _join_and_submit(browser, server, codes[0], "red", errors)
    red_page.get_by_text("已提交。正在等待：blue").wait_for()
    wait_for(lambda: room.get_by_text("✔ 已提交").count() == 1, 60, "red shown as submitted")
    blue, blue_page = _join_and_submit(browser, server, codes[1], "blue", errors)

    # The second submission plays the round: both pages move on, the scoreboard follows.
    room.get_by_text("第 2 轮（共 12 轮）").first.wait_for()
    blue_page.get_by_role("button", name="提交第 2 轮").wait_for()
    red_page.get_by_role("button", name="提交第 2 轮").wait_for()
    rows = room.locator("table.crm-scoreboard tr")
    wait_for(lambda: rows.count() == 3, 60, "two teams on the scoreboard")
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in (1, 2)] == ["1", "1"]

    room.screenshot(path=str(tmp_path / "teamplay-top.png"))
    red_page.screenshot(path=str(tmp_path / "team-red.png"), full_page=True)

    # Projector mode: at 1280x720 the chart's smallest text is still large.
    room.locator("svg.crm-chart").first.scroll_into_view_if_needed()
    sizes = room.evaluate(MEASURE_JS)
    assert len(sizes) > 10
    assert min(sizes) >= MIN_TEXT_PX, f"chart text of {min(sizes):.1f} px at 1280x720"
    shot = tmp_path / "teamplay-1280x720.png"
    room.screenshot(path=str(shot))
    print(f"chart text at 1280x720: {min(sizes):.1f}-{max(sizes):.1f} px; screenshot {shot}")
    assert room.locator(".v-alert.error").count() == 0
    assert room.get_by_text("Traceback").count() == 0
    assert errors == []
    red.close()
    blue.close()
