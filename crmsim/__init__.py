"""crmsim: an agent-based simulator of resistance to change in a CRM roll-out.

The Python API (``docs/api.md``)::

    import crmsim

    scenario = crmsim.load_scenario("baseline", {"levers.training": 0.8})
    result = crmsim.run(scenario, seed=1)            # one run: a RunResult
    batch = crmsim.run_batch("baseline", out="runs/b", replicates=20, seed=42)
    batch = crmsim.read_batch("runs/b")               # .summary, .manifest, .weekly()

The names are loaded on first use (module ``__getattr__``), so ``import
crmsim`` imports neither mesa, numba nor pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crmsim.api import BatchResults, load_scenario, read_batch, run, run_batch
    from crmsim.errors import CrmsimError
    from crmsim.runner import RunResult, simulate
    from crmsim.scenario import Scenario

_LAZY = {
    "load_scenario": "crmsim.api",
    "run": "crmsim.api",
    "run_batch": "crmsim.api",
    "read_batch": "crmsim.api",
    "BatchResults": "crmsim.api",
    "simulate": "crmsim.runner",
    "RunResult": "crmsim.runner",
    "Scenario": "crmsim.scenario",
    "CrmsimError": "crmsim.errors",
}
"""Exported name -> the module defining it (imported when the name is first used)."""

__all__ = [
    "BatchResults",
    "CrmsimError",
    "RunResult",
    "Scenario",
    "__version__",
    "load_scenario",
    "read_batch",
    "run",
    "run_batch",
    "simulate",
]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("crmsim")
    except PackageNotFoundError:  # running from a source tree without install
        return "0.0.0+local"


def __getattr__(name: str) -> Any:
    """Load an exported name (or ``__version__``) on first use and keep it."""
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'crmsim' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
