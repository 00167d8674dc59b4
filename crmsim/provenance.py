"""Provenance: what every output directory records about how it was made.

After msprime's ``provenance.py``: the scenario, every parameter value, the
seed(s), the command line and the versions of Python and of the packages
that shape the numbers.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata
import platform
import sys
from typing import Any

PACKAGES = (
    "crmsim",
    "mesa",
    "numpy",
    "numba",
    "llvmlite",
    "scipy",
    "pandas",
    "pyarrow",
    "networkx",
    "matplotlib",
    "click",
)


def versions() -> dict[str, str | None]:
    """Python and package versions (None for a package that is not installed)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def environment() -> dict[str, Any]:
    """Versions plus platform, the command line and the time of writing (UTC)."""
    return {
        "versions": versions(),
        "platform": platform.platform(),
        "command": sys.argv[:],
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
