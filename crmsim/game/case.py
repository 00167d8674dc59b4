"""The case participants read: the firm, its people and the situation (a game's ``[case]``).

A game file may describe its case for the participant pack (``crmsim
handouts``)::

    [case]
    firm = { en = "Huaxin Instruments, ...", zh = "华信仪器……" }
    situation = { en = "...", zh = "..." }

    [[case.people]]
    role = "sponsor"        # sponsor, cio, sales_head, hr or frontline
    name = { en = "Chen Wei", zh = "陈伟" }
    title = { en = "General manager", zh = "总经理" }
    view = { en = "What this person wants and fears.", zh = "……" }

Every text is a plain string (every language reads it) or a table with one
text per language (:class:`crmsim.i18n.Text`). :func:`text` reads one such
text anywhere in a game file, with a one-line error naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crmsim.errors import CrmsimError
from crmsim.i18n import LANGUAGES, N_, Text, _

ROLES: dict[str, str] = {
    "sponsor": N_("Sponsor"),
    "cio": N_("CIO"),
    "sales_head": N_("Head of sales"),
    "hr": N_("Head of HR"),
    "frontline": N_("Frontline representative"),
}
"""The roles of the role cards, with their names (translate with ``_(ROLES[role])``)."""

DEPARTMENTS: dict[str, str] = {
    "sales": N_("sales"),
    "marketing": N_("marketing"),
    "customer_service": N_("customer service"),
    "field_support": N_("field support"),
    "product": N_("product"),
    "production": N_("production"),
    "rnd": N_("R&D"),
    "finance": N_("finance"),
    "purchasing": N_("purchasing"),
}
"""The organisation's functions (:data:`crmsim.organisation.FUNCTIONS`) in plain words
(translate with ``_()``): department pickers, the organisation chart."""


def text(value: Any, where: str) -> Text:
    """One text of a game file: a string, or ``{ en = "...", zh = "..." }``.

    Raises:
        CrmsimError: neither, a table without English or with another language.
    """
    try:
        return Text(value)
    except (TypeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else _("should be text")
        raise CrmsimError(
            _('{where} {message} (write "..." or {{ {choices} = ... }})').format(
                where=where, message=message, choices=" = ..., ".join(LANGUAGES)
            )
        ) from None


@dataclass(frozen=True)
class Person:
    """A named stakeholder of the case.

    Attributes:
        role: One of :data:`ROLES`.
        name: The person's name.
        title: Their job title.
        view: What they want and fear, in their words.
    """

    role: str
    name: Text
    title: Text
    view: Text


@dataclass(frozen=True)
class Case:
    """The case: the firm, the situation, the people.

    Attributes:
        firm: The firm in a few sentences.
        situation: Where the roll-out stands when the game begins.
        people: The named stakeholders, one per role at most.
    """

    firm: Text
    situation: Text
    people: tuple[Person, ...] = ()

    def person(self, role: str) -> Person | None:
        """The stakeholder in ``role``, if the case names one."""
        return next((p for p in self.people if p.role == role), None)

    def texts(self) -> list[Text]:
        """Every text of the case (the language checker reads them)."""
        out = [self.firm, self.situation]
        for p in self.people:
            out += [p.name, p.title, p.view]
        return out


def _keys(where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise CrmsimError(
                _("{where}: unknown key {key!r}; allowed: {choices}").format(
                    where=where, key=key, choices=", ".join(allowed)
                )
            )
    for key in allowed:
        if key not in table:
            raise CrmsimError(_("{where}: {key} is missing").format(where=where, key=key))


def parse_case(raw: Any, where: str) -> Case | None:
    """The ``[case]`` table of a game file (None when absent).

    Raises:
        CrmsimError: an unknown or missing key, an unknown or repeated role,
            a text that is not one.
    """
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise CrmsimError(
            _("{where} must be a table with firm, situation and [[case.people]]").format(
                where=where
            )
        )
    _keys(where, {k: v for k, v in raw.items() if k != "people"}, ("firm", "situation"))
    people = raw.get("people", [])
    if not isinstance(people, list):
        raise CrmsimError(
            _("{where}: people must be a list of [[case.people]] tables").format(where=where)
        )
    out: list[Person] = []
    for i, p in enumerate(people):
        at = f"{where} people[{i}]"
        if not isinstance(p, Mapping):
            raise CrmsimError(_("{at} must be a table with role, name, title, view").format(at=at))
        _keys(at, p, ("role", "name", "title", "view"))
        if p["role"] not in ROLES:
            raise CrmsimError(
                _("{at}: role {role!r} is not one of {choices}").format(
                    at=at, role=p["role"], choices=", ".join(ROLES)
                )
            )
        if any(q.role == p["role"] for q in out):
            raise CrmsimError(
                _("{at}: role {role} is given twice; one person per role").format(
                    at=at, role=p["role"]
                )
            )
        out.append(
            Person(
                role=p["role"],
                name=text(p["name"], f"{at}.name"),
                title=text(p["title"], f"{at}.title"),
                view=text(p["view"], f"{at}.view"),
            )
        )
    return Case(
        firm=text(raw["firm"], f"{where}.firm"),
        situation=text(raw["situation"], f"{where}.situation"),
        people=tuple(out),
    )
