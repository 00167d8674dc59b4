"""Shared fixtures: the CLI in-process (click's CliRunner) and scratch scenario files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crmsim.cli import main

# Tests read English unless they ask for another language (crmsim.i18n), whatever
# this machine's locale; tests/test_i18n.py clears this where it tests the order.
os.environ["CRMSIM_LANG"] = "en"


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Invoke ``crmsim ARGS...`` in-process; unexpected exceptions propagate."""
    runner = CliRunner()

    def invoke(*args: object) -> Result:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write ``NAME.toml`` with the given text into a temporary folder; return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
