"""Money in the firm's currency: the one formatter for every figure on screen and paper.

A scenario declares its currency in a ``[money]`` table (the bundled
``scenarios/china_firm.toml`` has one; every other scenario inherits the
default, US dollars shown in thousands, "k$", as before)::

    [money]
    currency = "CNY"                  # ISO 4217 code
    symbol = "¥"
    scale = 10000                     # figures are shown in units of 10,000 yuan ...
    unit = { en = "10k CNY", zh = "万元" }   # ... named so
    per_usd = 7.1                     # yuan per US dollar, at market rates
    per_usd_source = "..."            # where the rate comes from, and its date
    per_usd_date = "2023"
    cost_level = 0.35                 # the firm's costs against US costs at per_usd
    cost_level_source = "..."

The model's money parameters (``economics.*``) are in the currency's base
unit (yuan, dollars); a game's budget and its actions' costs are in the
display unit (``scale`` base units). :meth:`Money.amount` formats a
display-unit figure, :meth:`Money.base` a base-unit one; nothing else in
crmsim writes a currency. ``per_usd`` and ``cost_level`` are recorded (and
printed in the handouts and the facilitator guide) so that a figure can be
traced back to dollars: a dollar figure of the US-calibrated model becomes
``usd x per_usd x cost_level`` in the firm's currency (:meth:`Money.from_usd`).

Kept light: the standard library and :mod:`crmsim.i18n` only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.i18n import Text, localized

_KEYS = {
    "currency", "symbol", "scale", "unit", "per_usd", "per_usd_source", "per_usd_date",
    "cost_level", "cost_level_source", "digits",
}  # fmt: skip


@dataclass(frozen=True)
class Money:
    """A scenario's currency and the unit its figures are shown in.

    Attributes:
        currency: ISO 4217 code (``USD``, ``CNY``).
        symbol: The currency's sign (``$``, ``¥``).
        scale: Base units per display unit (1000: thousands).
        unit: The display unit's name in each language (``k$``, ``万元``).
        per_usd: Units of the currency per US dollar (market rate).
        per_usd_source: Where ``per_usd`` comes from.
        per_usd_date: When it held.
        cost_level: The firm's costs against US costs converted at ``per_usd``.
        cost_level_source: Where ``cost_level`` comes from.
        digits: Decimals shown for a display-unit figure.
    """

    currency: str = "USD"
    symbol: str = "$"
    scale: float = 1000.0
    unit: Text = field(default_factory=lambda: Text({"en": "k$", "zh": "千美元"}))
    per_usd: float = 1.0
    per_usd_source: Text = field(default_factory=lambda: Text(""))
    per_usd_date: str = ""
    cost_level: float = 1.0
    cost_level_source: Text = field(default_factory=lambda: Text(""))
    digits: int = 0

    def unit_name(self, lang: str | None = None) -> str:
        """The display unit in the current (or given) language: ``k$``, ``万元``."""
        return localized(self.unit, lang)

    def number(self, value: float, digits: int | None = None) -> str:
        """A display-unit figure without its unit: ``1,234``."""
        d = self.digits if digits is None else digits
        return f"{value:,.{d}f}"

    def amount(self, value: float, digits: int | None = None, lang: str | None = None) -> str:
        """A display-unit figure with its unit: ``900 k$``, ``60 万元``."""
        return f"{self.number(value, digits)} {self.unit_name(lang)}"

    def base(self, value: float, lang: str | None = None) -> str:
        """A base-unit figure (``economics.*``, a run's spend) in display units."""
        return self.amount(value / self.scale, lang=lang)

    def from_usd(self, usd: float) -> float:
        """A US-dollar figure of the US-calibrated model as this firm's base units."""
        return usd * self.per_usd * self.cost_level

    def to_dict(self) -> dict[str, Any]:
        """The table as written in a scenario file."""
        return {
            "currency": self.currency,
            "symbol": self.symbol,
            "scale": self.scale,
            "unit": dict(self.unit.texts),
            "per_usd": self.per_usd,
            "per_usd_source": dict(self.per_usd_source.texts),
            "per_usd_date": self.per_usd_date,
            "cost_level": self.cost_level,
            "cost_level_source": dict(self.cost_level_source.texts),
            "digits": self.digits,
        }


USD = Money()
"""The default: US dollars, shown in thousands (k$), as crmsim always did."""


def common_money(monies: Iterable[Money]) -> Money | None:
    """The one currency and unit of several scenarios (a batch's), or None when they differ.

    No scenario at all: :data:`USD`. Two scenarios count as one money when
    they show figures in the same currency and display unit (their sources may differ).
    """
    found = {(m.currency, m.scale, m.unit.texts.get("en")): m for m in monies}
    if not found:
        return USD
    return next(iter(found.values())) if len(found) == 1 else None


def _positive(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CrmsimError(f"{where} must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise CrmsimError(f"{where} = {value!r} must be above 0")
    return float(value)


def parse_money(raw: Any, where: str, parent: Money = USD) -> Money:
    """A ``[money]`` table read from a scenario file (missing keys: the parent's).

    Raises:
        CrmsimError: for an unknown key (with the allowed ones), a text where
            a number belongs, or a rate or scale that is not positive.
    """
    if not isinstance(raw, Mapping):
        raise CrmsimError(f'{where}: [money] must be a table, e.g. currency = "CNY"')
    for key in raw:
        if key not in _KEYS:
            raise CrmsimError(
                f"{where} [money]: unknown key {key!r}; allowed: {', '.join(sorted(_KEYS))}"
            )
    values = parent.to_dict()
    values.update(raw)
    for key in ("currency", "symbol", "per_usd_date"):
        if not isinstance(values[key], str):
            raise CrmsimError(f'{where} [money]: {key} must be text in quotes, e.g. {key} = "..."')
    texts = {}
    for key in ("unit", "per_usd_source", "cost_level_source"):
        try:
            texts[key] = Text(values[key])
        except (TypeError, ValueError) as exc:
            raise CrmsimError(
                f'{where} [money]: {key} {exc} (write "..." or {{ en = "...", zh = "..." }})'
            ) from None
    digits = values["digits"]
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 3:
        raise CrmsimError(f"{where} [money]: digits must be a whole number from 0 to 3")
    return Money(
        currency=values["currency"].upper(),
        symbol=values["symbol"],
        scale=_positive(f"{where} money.scale", values["scale"]),
        unit=texts["unit"],
        per_usd=_positive(f"{where} money.per_usd", values["per_usd"]),
        per_usd_source=texts["per_usd_source"],
        per_usd_date=values["per_usd_date"],
        cost_level=_positive(f"{where} money.cost_level", values["cost_level"]),
        cost_level_source=texts["cost_level_source"],
        digits=digits,
    )
