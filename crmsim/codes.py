"""Codes shared by the engine and its readers (a leaf module: imports nothing)."""

ACTIVE, CUT, CANCELLED = 0, 1, 2
"""The project's status codes, as in the weekly ``status`` column."""
STATUS_NAMES = ("active", "cut", "cancelled")
"""The status codes' names, by code."""
