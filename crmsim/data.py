"""Where the bundled files live: scenarios, games (``games/``) and targets (``targets/``).

In an installed wheel they are package data, ``crmsim/scenarios/`` (setup.py
copies the repository's top-level ``scenarios/`` folder there at build time),
found with :mod:`importlib.resources`. In a source checkout or an editable
install the package holds no copy, and the top-level ``scenarios/`` folder
beside the package is read directly: it is the one source of truth.

This module imports nothing but the standard library (``crmsim --help`` and
the scenario loader stay light).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _bundled_root() -> Path:
    """The folder of bundled files: inside the installed package, else the checkout's."""
    packaged = resources.files("crmsim") / "scenarios"
    # pip installs wheels unpacked, so the resource is a real folder on disk.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "scenarios"


DATA_DIR: Path = _bundled_root()
"""The bundled scenarios' folder; ``DATA_DIR / "games"`` and ``DATA_DIR / "targets"`` below it."""


def bundled_path(*parts: str) -> Path:
    """A path below the bundled folder, e.g. ``bundled_path("targets", "published.toml")``."""
    return DATA_DIR.joinpath(*parts)
