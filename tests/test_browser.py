"""The workshop dashboard in a real browser: ``crmsim workshop`` driven by Chromium.

Starts ``crmsim workshop`` as a subprocess on a free localhost port, opens
it in Debian's headless Chromium (``/usr/bin/chromium``, through Python
Playwright; no browser download), moves a lever, steps and plays, and checks
that the charts and the network change and that no error is shown. It saves
a screenshot under the test's temporary directory. It waits by polling the
page, with generous time limits, and never asserts on speed.

A headless Solara render (``tests/test_dashboard.py``) cannot catch a blank
page (front-end assets missing offline, mismatched ipyvue/ipyvuetify); this
test can. Marked ``browser``: ``pytest -m "not browser"`` leaves it out.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browserlib import chromium, serving, wait_for

pytestmark = pytest.mark.browser

ACTION_TIMEOUT_MS = 90_000  # for the page to show what an action should bring
# A small organisation that goes live in week 1, so a few weeks change the picture.
WORKSHOP_ARGS = ["baseline", "--seed", "3", "--set", "org.employees=300",
                 "--set", "rollout.implementation_weeks=0"]  # fmt: skip


def _workshop_command() -> list[str]:
    script = Path(sys.executable).with_name("crmsim")
    if script.exists():
        return [str(script), "workshop"]
    found = shutil.which("crmsim")
    return [found, "workshop"] if found else [sys.executable, "-m", "crmsim.cli", "workshop"]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> Iterator[str]:
    """``crmsim workshop`` on a free port of 127.0.0.1; yields its address. Always stopped."""
    log_path = tmp_path_factory.mktemp("workshop") / "workshop.log"
    command = [*_workshop_command(), *WORKSHOP_ARGS, "--port", "0", "--host", "127.0.0.1"]
    with serving(command, log_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def week_shown(page) -> float:
    text = page.get_by_text(re.compile(r"^Time: ")).first.inner_text()
    return float(text.removeprefix("Time: "))


def pictures(page, attempts: int = 10) -> list[bytes]:
    """Pixels of every picture in the dashboard's grid (network first, then the charts).

    A picture being redrawn is replaced in the page; capturing it then fails
    ("not attached to the DOM"), so the capture is tried again after a pause.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(attempts):
        imgs = page.locator(".vue-grid-item img")
        try:
            return [imgs.nth(i).screenshot() for i in range(imgs.count())]
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)
    raise AssertionError("unreachable")


def test_workshop_in_chromium_moves_a_lever_steps_plays_and_redraws(workshop, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        page.goto(workshop)
        # The page arrives over a websocket: wait for Mesa's controls and the six pictures.
        page.get_by_role("button", name="Step").wait_for()
        wait_for(lambda: page.locator(".vue-grid-item img").count() >= 6, 90, "six pictures")
        wait_for(lambda: page.get_by_text("The organisation · week 0").count(), 90, "the network")
        assert week_shown(page) == 0.0
        before = pictures(page)

        # Move a lever (top-management support to 0); at week 0 it applies at once.
        lever = page.get_by_role("slider", name="Top-management support")
        lever.focus()
        lever.press("Home")
        wait_for(lambda: lever.get_attribute("aria-valuenow") == "0", 30, "the lever to move")

        # Step twice, then play and pause.
        for week in (1.0, 2.0):
            page.get_by_role("button", name="Step").click()
            wait_for(lambda w=week: week_shown(page) >= w, 90, f"week {week:.0f}")
        page.get_by_role("button", name="▶").click()
        wait_for(lambda: week_shown(page) >= 5.0, 120, "play to reach week 5")
        page.get_by_role("button", name="❚❚").click()
        wait_for(lambda: page.get_by_role("button", name="Step").is_enabled(), 60, "pause")
        shown = week_shown(page)
        wait_for(lambda: page.get_by_text(f"· week {shown:.0f}").count(), 90, "the last redraw")

        after = pictures(page)
        assert len(after) == len(before) == 6
        assert after[0] != before[0], "the network did not change"
        changed = sum(a != b for a, b in zip(before[1:5], after[1:5], strict=True))
        assert changed >= 3, f"only {changed} of the 4 time charts changed"

        # No error anywhere: no Solara/Mesa error box, no traceback, no script error.
        assert page.locator(".v-alert.error").count() == 0
        assert page.get_by_text("Traceback").count() == 0
        assert page_errors == []
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_a_second_browser_session_starts_from_week_0(workshop, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        page.goto(workshop)
        page.get_by_role("button", name="Step").wait_for()
        assert week_shown(page) == 0.0  # the first test's session played on; this one did not
    finally:
        page.close()
