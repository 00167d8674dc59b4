"""Each team's page speaks its own language: one team in Chinese, one in English, same room.

Starts ``crmsim play GAME --dashboard --lang zh`` (the facilitator's screen in
Chinese) and drives Debian's headless Chromium through Playwright, as
``tests/test_browser_teamplay.py`` does. Team red opens ``/team?lang=en``,
team blue the plain ``/team`` (the room's Chinese); then each presses the
switch to the other language. Each page shows its own language throughout,
and the facilitator's screen stays Chinese. Marked ``browser``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browserlib import chromium, serving, wait_for

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    import sys

    folder = tmp_path_factory.mktemp("teamlang")
    command = [sys.executable, "-m", "crmsim", "play", "support_system", "--dashboard",
               "--lang", "zh", "--set", "org.employees=150", "--out", str(folder / "game"),
               "--port", "0"]  # fmt: skip
    with serving(command, folder / "server.log", cwd=ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _team_page(browser, url: str, errors: list[str]):
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    return context, page


def test_each_team_page_switches_language_by_itself(server, browser):
    errors: list[str] = []
    room = browser.new_page(viewport={"width": 1280, "height": 720})
    room.set_default_timeout(TIMEOUT_MS)
    room.on("pageerror", lambda exc: errors.append(str(exc)))
    room.goto(server)
    for team in ("red", "blue"):
        room.get_by_label("小组名称").fill(team)
        room.get_by_role("button", name="添加小组").click()
        room.locator(".crm-team-card", has_text=team).wait_for()
    red_code, blue_code = room.locator(".crm-code").all_inner_texts()

    red, red_page = _team_page(browser, f"{server}/team?lang=en", errors)  # asks for English
    red_page.get_by_label("Join code").fill(red_code)
    red_page.get_by_role("button", name="Join").click()
    red_page.get_by_role("button", name="Submit round 1").wait_for()

    blue, blue_page = _team_page(browser, f"{server}/team", errors)  # the room's Chinese
    blue_page.get_by_label("加入码").fill(blue_code)
    blue_page.get_by_role("button", name="加入").click()
    blue_page.get_by_role("button", name="提交第 1 轮").wait_for()
    assert red_page.get_by_role("button", name="Submit round 1").is_visible()

    red_page.get_by_role("button", name="中文").click()  # red switches to Chinese ...
    red_page.get_by_role("button", name="提交第 1 轮").wait_for()
    assert red_page.get_by_text("red 组").first.is_visible()  # ... still joined as red
    assert blue_page.get_by_role("button", name="提交第 1 轮").is_visible()  # blue unmoved

    blue_page.get_by_role("button", name="English").click()  # blue switches to English
    blue_page.get_by_role("button", name="Submit round 1").wait_for()
    assert blue_page.get_by_text("Team blue").first.is_visible()
    wait_for(lambda: red_page.get_by_role("button", name="提交第 1 轮").is_visible(), 10,
             "red still in Chinese")  # fmt: skip
    assert red_page.get_by_role("button", name="Submit round 1").count() == 0

    # The facilitator's screen kept the room's language through both switches.
    assert room.get_by_role("button", name="添加小组").is_visible()
    assert room.get_by_role("button", name="Add team").count() == 0
    assert errors == []
    red.close()
    blue.close()
