"""Scalar helpers of the reference engine (Python floats, :func:`math.exp`)."""

from __future__ import annotations

import math


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)
