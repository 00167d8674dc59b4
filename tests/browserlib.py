"""Shared by the browser tests: a crmsim server in a subprocess, Debian's Chromium.

``tests/test_browser.py`` (the workshop dashboard) and
``tests/test_browser_teamplay.py`` (team play) start a crmsim command that
serves pages on a free localhost port (:func:`serving`) and drive Debian's
headless Chromium (``/usr/bin/chromium``) through Python Playwright
(:func:`chromium`; no browser download). They wait by polling
(:func:`wait_for`), with generous limits, and never assert on speed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 90.0  # seconds for the server to answer (about 4 s when the machine is idle)
ADDRESS = re.compile(r"(http://127\.0\.0\.1:\d+)")


def wait_for(check: Callable[[], object], timeout: float, what: str, every: float = 0.25):
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@contextlib.contextmanager
def serving(command: list[str], log_path: Path, cwd: Path | None = None) -> Iterator[str]:
    """Run ``command`` (it prints its localhost address); yield the address once it answers.

    The process gets its own process group and is always stopped, as a whole.
    """
    log = open(log_path, "w+", encoding="utf-8")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        cwd=cwd,
        start_new_session=True,  # its own process group: stopped as a whole
    )
    try:

        def address() -> str | None:
            if proc.poll() is not None:
                pytest.fail(f"{command[-1]} exited with {proc.returncode}:\n{log_path.read_text()}")
            found = ADDRESS.search(log_path.read_text())
            return found.group(1) if found else None

        url = wait_for(address, START_TIMEOUT, f"{' '.join(command[:3])} to print its address")

        def answers() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(answers, START_TIMEOUT, f"the page at {url} to answer")
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        log.close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium through Playwright (skipped when either is missing,
    except on CI, which installs both)."""
    if os.environ.get("CI"):  # CI installs both: a missing one must fail, not skip
        import playwright.sync_api as sync_api

        assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found; run scripts/setup-browser.sh"
    else:
        sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
        if not Path(CHROMIUM).exists():
            pytest.skip(f"{CHROMIUM} not found; run scripts/setup-browser.sh")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
