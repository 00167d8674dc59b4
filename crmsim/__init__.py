"""crmsim: an agent-based simulator of resistance to change in a CRM roll-out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("crmsim")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
