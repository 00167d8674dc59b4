"""Build hook: ship the top-level ``scenarios/`` folder inside the package.

All metadata lives in pyproject.toml. This file only adds one step to
``build_py``: copy ``scenarios/`` (scenarios, games, targets: the whole tree)
into the built package as ``crmsim/scenarios/``, so that a wheel, and an
install from an sdist (MANIFEST.in grafts the folder), carry the bundled files
where :mod:`crmsim.data` finds them with :mod:`importlib.resources`.

The top-level folder stays the one source of truth: nothing is copied into the
source tree, and an editable install (or a checkout run with ``python -m
crmsim``) reads ``scenarios/`` itself.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithScenarios(build_py):
    """``build_py`` that also copies ``scenarios/`` to ``<build>/crmsim/scenarios/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # editable: crmsim reads the folder itself
            return
        shutil.copytree(
            ROOT / "scenarios",
            Path(self.build_lib) / "crmsim" / "scenarios",
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
        )


setup(cmdclass={"build_py": BuildWithScenarios})
