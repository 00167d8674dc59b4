"""Confidence held as log-odds: ``confidence = 1 / (1 + exp(-z))``."""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, confidence from log-odds."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = sigmoid(z)`` without temporaries (``out`` may not be ``z``)."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(1.0, out, out=out)


def logit(c: np.ndarray | float) -> np.ndarray | float:
    """Log-odds from confidence (clipped away from 0 and 1)."""
    c = np.clip(c, 1e-4, 1 - 1e-4)
    return np.log(c / (1.0 - c))
