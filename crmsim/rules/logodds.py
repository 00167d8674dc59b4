"""Confidence held as log-odds: ``confidence = 1 / (1 + exp(-z))``."""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function, confidence from log-odds."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_into(z: np.ndarray, out: np.ndarray) -> None:
    """``out[:] = sigmoid(z)`` without temporaries (``out`` may not be ``z``)."""
    np.negative(z, out=out)
    sigmoid_of_negated(out)


def sigmoid_of_negated(x: np.ndarray) -> None:
    """``x[:] = 1 / (1 + exp(x))`` in place: the sigmoid of ``-x``, for the compiled rules
    that leave ``-z`` where confidence goes (numpy's ``exp``, as in :func:`sigmoid`)."""
    np.exp(x, out=x)
    x += 1.0
    np.divide(1.0, x, out=x)


def logit(c: np.ndarray | float) -> np.ndarray | float:
    """Log-odds from confidence (clipped away from 0 and 1)."""
    c = np.clip(c, 1e-4, 1 - 1e-4)
    return np.log(c / (1.0 - c))
