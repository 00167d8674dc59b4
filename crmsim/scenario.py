"""Scenario files: TOML read once into a frozen, validated :class:`Scenario`.

A scenario file looks like::

    [scenario]
    description = "One line saying what this scenario is."
    inherits = "baseline"        # optional: start from another scenario

    [levers]
    top_management_support = 0.1

    [batch]                      # optional: settings for `crmsim batch`
    replicates = 50

Every table other than ``[scenario]`` and ``[batch]`` is a parameter group
(see :mod:`crmsim.params`); dotted keys (``levers.training = 0.5``) work too.
The file's stem is the scenario's name. Bundled scenarios live in the
repository's ``scenarios/`` folder, shipped inside the installed package
(:mod:`crmsim.data`); a path to any ``.toml`` file works too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from crmsim.data import DATA_DIR
from crmsim.errors import CrmsimError
from crmsim.i18n import N_, Text, _
from crmsim.money import USD, Money, parse_money
from crmsim.params import PARAMS, ParamSet, suggest

SCENARIO_DIR: Path = DATA_DIR
"""Where the bundled scenarios live (inside the installed package, or the checkout's folder)."""

_META_KEYS = {"description", "inherits", "name"}


@dataclass(frozen=True)
class Scenario:
    """A named, validated set of parameter values.

    Attributes:
        name: The scenario's name (file stem).
        description: One line of plain words.
        params: Every parameter's value (defaults where the file is silent).
        path: The file it was read from (None when built in code).
        batch: The file's ``[batch]`` section, unvalidated here (the batch
            engine validates it), read-only.
        chain: Names of the scenarios it inherits from, nearest first.
        money: The firm's currency (the file's ``[money]``, else the parent's,
            else US dollars; :mod:`crmsim.money`).
    """

    name: str
    description: str
    params: ParamSet
    path: Path | None = None
    batch: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    chain: tuple[str, ...] = ()
    money: Money = USD

    def __post_init__(self) -> None:
        if not isinstance(self.batch, MappingProxyType):
            object.__setattr__(self, "batch", MappingProxyType(dict(self.batch)))

    def __reduce__(self):  # picklable for process pools and Dask (the proxy is not)
        fields = (self.name, self.description, self.params, self.path, dict(self.batch))
        return (Scenario, (*fields, self.chain, self.money))

    def with_updates(self, updates: dict[str, Any]) -> Scenario:
        """A copy with some parameter values replaced (validated)."""
        if not updates:
            return self
        return Scenario(
            name=self.name,
            description=self.description,
            params=self.params.with_updates(updates),
            path=self.path,
            batch=self.batch,
            chain=self.chain,
            money=self.money,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record: name, description, source file, parameters."""
        return {
            "name": self.name,
            "description": self.description,
            "path": str(self.path) if self.path else None,
            "inherits": list(self.chain),
            "params": self.params.to_dict(),
        }


def bundled() -> list[str]:
    """Names of the bundled scenarios, sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


_NOT_FOUND = {
    "game": N_("game file not found: {path}; check the path"),
    "scenario": N_("scenario file not found: {path}; check the path"),
}
_UNKNOWN = {
    "game": N_("unknown game {name!r}{hint}"),
    "scenario": N_("unknown scenario {name!r}{hint}"),
}


def find_toml(ref: str | Path, folder: Path, kind: str, hint: Callable[[str], str]) -> Path:
    """A bundled ``folder/NAME.toml`` by name, or an existing file by path.

    Args:
        ref: A bundled name or a file path.
        folder: Where the bundled files live.
        kind: What is looked for, for messages ("scenario", "game").
        hint: Builds the end of the message for an unknown name.

    Raises:
        CrmsimError: when neither a bundled name nor an existing file.
    """
    ref_s = str(ref)
    candidate = Path(ref_s)
    if candidate.suffix == ".toml" or "/" in ref_s or candidate.exists():
        if candidate.is_file():
            return candidate
        found = _NOT_FOUND.get(kind)
        if found is None:
            raise CrmsimError(f"{kind} file not found: {ref_s}; check the path")
        raise CrmsimError(_(found).format(path=ref_s))
    path = folder / f"{ref_s}.toml"
    if path.is_file():
        return path
    unknown = _UNKNOWN.get(kind)
    if unknown is None:
        raise CrmsimError(f"unknown {kind} {ref_s!r}{hint(ref_s)}")
    raise CrmsimError(_(unknown).format(name=ref_s, hint=hint(ref_s)))


def resolve_path(ref: str | Path) -> Path:
    """Turn a scenario name or a path into an existing file path.

    Raises:
        CrmsimError: when neither a bundled name nor an existing file.
    """
    return find_toml(
        ref,
        SCENARIO_DIR,
        "scenario",
        lambda name: suggest(name, bundled()) or _("; run `crmsim scenarios` to list them"),
    )


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, Any], where: str) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, name, out, where)
        else:
            out[name] = value


def _read_toml(path: Path) -> dict[str, Any]:
    from crmsim.files import read_toml

    data = read_toml(path, N_("scenario file"))
    if not data:  # an empty file is a lost one far more often than a wish for the defaults
        raise CrmsimError(
            f'scenario file {path} holds no settings; write at least [scenario] inherits = "baseline"'
        )
    return data


def _raw_params(data: dict[str, Any], path: Path) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("scenario", "batch", "money", "fit"):  # fit: read by crmsim.fit.problem
            continue
        if not isinstance(value, dict):
            hint = suggest(key) or "; put parameters in their group's table, e.g. [levers]"
            raise CrmsimError(f"{path.name}: unknown top-level key {key!r}{hint}")
        _flatten(value, key, flat, path.name)
    for name in flat:
        if name not in PARAMS:
            hint = suggest(name) or "; run `crmsim describe` to list the parameters"
            raise CrmsimError(f"{path.name}: unknown parameter {name!r}{hint}")
    return flat


def load(ref: str | Path, _seen: tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario by bundled name or file path.

    Inheritance (``inherits = "other"``) is followed, with the child's values
    overriding the parent's; cycles are refused.

    Raises:
        CrmsimError: for a missing file, malformed TOML (with its line), an
            unknown parameter or key (with the closest valid name), a wrong
            type or an out-of-range value.
    """
    path = resolve_path(ref)
    key = str(path.resolve())
    if key in _seen:
        raise CrmsimError(
            f"{path.name}: inheritance cycle through {path.stem}; remove one inherits"
        )
    data = _read_toml(path)
    meta = data.get("scenario", {})
    if not isinstance(meta, dict):
        raise CrmsimError(f"{path.name}: [scenario] must be a table")
    from crmsim.files import check_keys  # the file layer loads numpy: not for --help

    check_keys(meta, sorted(_META_KEYS), path.name, "scenario.")
    for k in ("name", "description"):
        if not isinstance(meta.get(k, ""), str) and not (k == "description" and _texts(meta[k])):
            raise CrmsimError(f'{path.name}: scenario.{k} must be text, e.g. {k} = "..."')
    batch = data.get("batch", {})
    if not isinstance(batch, dict):
        raise CrmsimError(f"{path.name}: [batch] must be a table")

    parent: Scenario | None = None
    if "inherits" in meta:
        parent_ref = meta["inherits"]
        if not isinstance(parent_ref, str):
            raise CrmsimError(f"{path.name}: scenario.inherits must be a scenario name")
        if not ("/" in parent_ref or parent_ref.endswith(".toml")):
            local = path.parent / f"{parent_ref}.toml"
            parent_path: str | Path = local if local.is_file() else parent_ref
        else:
            parent_path = (
                (path.parent / parent_ref) if not Path(parent_ref).is_absolute() else parent_ref
            )
        parent = load(parent_path, _seen + (key,))

    raw = _raw_params(data, path)
    try:
        base = parent.params if parent else ParamSet()
        params = base.with_updates(raw)
    except CrmsimError as exc:
        raise CrmsimError(f"{path.name}: {exc}") from None

    merged_batch = dict(parent.batch) if parent else {}
    merged_batch.update(batch)
    description = meta.get("description", parent.description if parent else "")
    parent_money = parent.money if parent else USD
    return Scenario(
        name=path.stem,
        description=Text(description) if isinstance(description, dict) else str(description),
        params=params,
        path=path,
        batch=MappingProxyType(merged_batch),
        chain=((parent.name,) + parent.chain) if parent else (),
        money=parse_money(data["money"], path.name, parent_money)
        if "money" in data
        else parent_money,
    )


def _texts(value: Any) -> bool:
    """Whether ``value`` is a text per language, ``{ en = "...", zh = "..." }`` (crmsim.i18n)."""
    try:
        return isinstance(value, dict) and bool(Text(value))
    except (TypeError, ValueError):
        return False


def from_params(name: str = "custom", overrides: dict[str, Any] | None = None) -> Scenario:
    """Build a scenario in code from defaults plus ``overrides``."""
    return Scenario(name=name, description="built in code", params=ParamSet(overrides or {}))
