"""Make the README's dashboard screenshot with the real tool in a real browser.

Starts ``crmsim workshop``, opens it in Debian's headless Chromium (through
Playwright, no browser download), switches on side-by-side mode with the
right side's top-management support at 0 ("with and without a sponsor"),
plays to week 60 and saves the page as a PNG.

    .venv/bin/python scripts/screenshot-dashboard.py [docs/img/dashboard.png]

Needs the workshop extra, playwright and /usr/bin/chromium
(``bash scripts/setup-browser.sh``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]  # fmt: skip
WEEK = 60


def main(out: Path) -> None:
    crmsim = Path(sys.executable).with_name("crmsim")
    log = out.with_suffix(".log")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w+", encoding="utf-8") as fh:
        proc = subprocess.Popen(
            [str(crmsim), "workshop", "baseline", "--port", "0"],
            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        try:
            url = None
            for _ in range(600):
                found = re.search(r"at (http://127\.0\.0\.1:\d+)", log.read_text())
                if found:
                    url = found.group(1)
                    break
                time.sleep(0.1)
            if url is None:
                raise SystemExit(f"crmsim workshop did not start:\n{log.read_text()}")
            shoot(url, out)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
    log.unlink()


def week(page) -> int:
    """The week the dashboard shows ("Time: N")."""
    return int(float(page.get_by_text(re.compile(r"^Time: ")).first.inner_text()[6:]))


def shoot(url: str, out: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(120_000)
        for _ in range(100):
            try:
                page.goto(url)
                break
            except Exception:  # the server is still starting
                time.sleep(0.3)
        page.get_by_role("button", name="Step").wait_for()
        page.get_by_text("Side by side").click()
        page.get_by_role("button", name="right").click()
        lever = page.get_by_role("slider", name="Top-management support")
        lever.focus()
        lever.press("Home")
        page.wait_for_function("document.querySelectorAll('.vue-grid-item img').length >= 7")
        # Play to a few weeks short of WEEK (polling can overshoot by a week or
        # two), then step one week at a time to land on it exactly.
        page.get_by_role("button", name="▶").click()
        while week(page) < WEEK - 4:
            time.sleep(0.5)
        page.get_by_role("button", name="❚❚").click()
        page.get_by_role("button", name="Step").wait_for(state="visible")
        time.sleep(2)
        if week(page) > WEEK:
            raise SystemExit(f"played past week {WEEK}; run again")
        while (now := week(page)) < WEEK:
            page.get_by_role("button", name="Step").click()
            for _ in range(240):
                if week(page) > now:
                    break
                time.sleep(0.25)
        time.sleep(3)  # let the last pictures arrive
        page.screenshot(path=str(out))
        browser.close()
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img" / "dashboard.png")
