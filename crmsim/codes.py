"""Codes and fixed numbers of the model, said once.

A leaf module (it imports nothing from crmsim): the array engine, the
compiled kernels, the per-agent reference, the lever effects, the game and
the dashboard all read the codes and limits from here. numba reads module
globals as compile-time constants, so the kernels can use them directly.
"""

from __future__ import annotations

# Adoption states of a CRM user (S6).
NOT_USING, TRYING, USING, REJECTING = 0, 1, 2, 3
STATE_NAMES = ("not_using", "trying", "using", "rejecting")

# Project status (S4).
ACTIVE, CUT, CANCELLED = 0, 1, 2
STATUS_NAMES = ("active", "cut", "cancelled")

Z_LIMIT = 10.0
"""Log-odds clip: confidence stays within [4.5e-5, 1 - 4.5e-5]."""

HOURS_PER_FTE_WEEK = 40.0
"""Hours of a full-time week."""

WEEKS_PER_YEAR = 52.0

NEVER = 2**31 - 1
"""The go-live week of a unit that never goes live (the largest int32)."""

FIT_MIN, FIT_MAX = 0.05, 1.0
"""Range of a unit's process fit (S2)."""
