"""A run's parameter values in the two forms the rules read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmsim.kernels import param_record


class RunParams(dict):
    """Every parameter's value by dotted name (a plain dict: the weekly rules read it fast).

    Attributes:
        record: The same values as one typed record for the compiled kernels
            (:func:`crmsim.kernels.param_record`), passed whole.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.record = param_record(self)
