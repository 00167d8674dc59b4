"""The fuzz corpus: every file crmsim reads, damaged in every class, through the commands.

For each reader (scenario, game, decisions, saved game, a run's manifest,
summary, events and weekly series, a batch's manifest, plan and Parquet
parts, validation targets and a calibration config) a good file is made
once, then damaged by each byte damage and each document damage of
:mod:`fuzzlib` (generated from the file's own key paths), and every command
that reads it is run on the damaged copy. Each case must keep the README's
promise: exit code 2 (0 where the damage leaves a usable file, 1 where
validate or calibrate document a failed target), one ``crmsim: error:``
line and no traceback, and every file that existed before byte for byte the
same after.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fuzzlib import (
    BYTE_DAMAGES,
    PARQUET_DAMAGES,
    assert_promise,
    assert_unchanged,
    doc_damages,
    dump,
    hashes,
    invoke,
    write_damaged,
)

TINY = ["--set", "org.employees=24"]
SCENARIO = '[scenario]\nname = "tiny"\ninherits = "baseline"\n[org]\nemployees = 24\n' \
    "[run]\nweeks = 4\n[levers]\ntraining = 0.5\n"  # fmt: skip
DECISIONS = '[rounds]\n1 = ["sponsor_speech"]\n2 = ["training_wave", "pilot_department"]\n'
TARGETS = (
    'title = "tiny"\n[[target]]\nid = "adoption"\npattern = "some adopt"\nkind = "mean"\n'
    'expr = "final_adoption"\nband = [0.0, 1.0]\nsources = ["S1"]\nfirmness = "judgement"\n'
)
CONFIG = (
    '[calibrate]\nscenario = "tiny.toml"\ntargets = "targets.toml"\nseeds = 2\nbudget = 1\n'
    'batch = 1\nseed = 7\nstartup = 1\n[parameters]\n"diffusion.p" = [0.002, 0.03]\n'
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """A folder with one good file of every kind crmsim reads, made once."""
    w = tmp_path_factory.mktemp("world")
    (w / "tiny.toml").write_text(SCENARIO)
    (w / "d.toml").write_text(DECISIONS)
    (w / "targets.toml").write_text(TARGETS)
    (w / "fit.toml").write_text(CONFIG)
    from crmsim.game import bundled_games, resolve_game

    shutil.copy(resolve_game(bundled_games()[0]), w / "game.toml")
    steps = [
        ("batch", "baseline", "-n", 2, "-j", 1, "--seed", 1, *TINY, "--set", "run.weeks=6",
         "--out", w / "b"),
        ("run", "baseline", "--weeks", 6, *TINY, "--out", w / "r"),
        ("play", "support_system", "--team", "red", "--decisions", w / "d.toml", *TINY,
         "--out", w / "g"),
        ("play", "support_system", "--team", "red", "--decisions", w / "d.toml", *TINY,
         "--stop-after", 1, "--out", w / "g1"),
    ]  # fmt: skip
    for args in steps:
        result = invoke(*args)
        assert result.exit_code == 0, result.output
    return w


@dataclass(frozen=True)
class Reader:
    """One kind of file: where it lives in the world and the commands that read it.

    Attributes:
        file: The file's path inside the world.
        fmt: ``toml``, ``json`` or ``parquet``.
        commands: Each command's arguments; ``{w}`` is the world's copy.
        ok: Exit codes of a command on a file that is still usable.
        written_by_user: A person writes this file: any wrong type, NaN,
            unknown key or wrong top level must be refused (exit 2). Files
            crmsim wrote may tolerate what they do not need.
        depth: How deep document damages go.
    """

    file: str
    fmt: str
    commands: tuple[tuple[str, ...], ...]
    ok: tuple[int, ...] = (0,)
    written_by_user: bool = True
    depth: int = 3
    format_key: str | None = None
    skip: Callable[[tuple], bool] = field(default=lambda path: False)
    doc_commands: tuple[int, ...] | None = None  # those run for document damages (all if None)
    keep: frozenset[tuple] = frozenset()  # keys not deleted: their defaults make long runs


_PLAY = ("play", "{w}/game.toml", "--team", "t", "--decisions", "{w}/d.toml", "--stop-after",
         "1", *TINY, "--out", "{w}/out/g")  # fmt: skip
_REPORT_RUN = ("report", "{w}/r", "--out", "{w}/out/h.html")
_BATCH_READERS = (
    ("compare", "{w}/b"),
    ("export", "{w}/b", "--csv", "{w}/out/csv"),
    ("plot", "{w}/b", "--out", "{w}/out/p.png"),
    ("report", "{w}/b", "--out", "{w}/out/h.html"),
    ("batch", "--resume", "--out", "{w}/b", "-j", "1"),
)

READERS: dict[str, Reader] = {
    "scenario": Reader(
        "tiny.toml",
        "toml",
        (
            ("run", "{w}/tiny.toml", "--weeks", "2", *TINY, "--out", "{w}/out/r"),
            ("describe", "{w}/tiny.toml"),
        ),
    ),
    "game": Reader(
        "game.toml",
        "toml",
        (_PLAY,),
        depth=3,
        skip=lambda p: p[0] == "actions" and p[1:2] not in ((), ("sponsor_speech",)),
    ),
    "decisions": Reader(
        "d.toml",
        "toml",
        (
            (
                "play",
                "support_system",
                "--team",
                "t",
                "--decisions",
                "{w}/d.toml",
                "--stop-after",
                "2",
                *TINY,
                "--out",
                "{w}/out/g",
            ),
        ),
    ),
    "saved game": Reader(
        "g1/red/state.json",
        "json",
        (
            (
                "play",
                "support_system",
                "--team",
                "red",
                "--resume",
                "--decisions",
                "{w}/d.toml",
                "--stop-after",
                "2",
                "--out",
                "{w}/g1",
            ),
        ),
        written_by_user=False,
        format_key="format",
        depth=2,
    ),
    "finished game": Reader(
        "g/red/state.json",
        "json",
        (
            (
                "debrief",
                "{w}/g",
                "--replays",
                "2",
                "-j",
                "1",
                "--format",
                "html",
                "--out",
                "{w}/out/d",
            ),
        ),
        written_by_user=False,
        format_key="format",
        depth=2,
    ),
    "run manifest": Reader(
        "r/manifest.json",
        "json",
        (_REPORT_RUN,),
        written_by_user=False,
        format_key="format",
        depth=2,
    ),
    "summary": Reader("r/summary.json", "json", (_REPORT_RUN,), written_by_user=False),
    "events": Reader("r/events.json", "json", (_REPORT_RUN,), written_by_user=False),
    "weekly series": Reader("r/timeseries.parquet", "parquet", (_REPORT_RUN,)),
    "batch manifest": Reader(
        "b/manifest.json",
        "json",
        _BATCH_READERS,
        written_by_user=False,
        format_key="format_version",
        depth=2,
        doc_commands=(0, 3, 4),  # the manifest reader is shared: compare, report and resume
    ),
    "plan": Reader("b/plan.parquet", "parquet", (_BATCH_READERS[4],)),
    "summary part": Reader("b/summary/part-000001.parquet", "parquet", _BATCH_READERS[:2]),
    "weekly part": Reader("b/weekly/part-000001.parquet", "parquet", _BATCH_READERS[1:3]),
    "targets": Reader(
        "targets.toml",
        "toml",
        (
            (
                "validate",
                "{w}/tiny.toml",
                "--targets",
                "{w}/targets.toml",
                "-n",
                "2",
                "-j",
                "1",
                "--out",
                "{w}/out/v",
            ),
        ),
        ok=(0, 1),
    ),
    "calibration config": Reader(
        "fit.toml",
        "toml",
        (("calibrate", "{w}/fit.toml", "-j", "1", "--out", "{w}/out/c"),),
        ok=(0, 1),
        keep=frozenset(
            {
                ("calibrate",),
                ("parameters",),
                *(
                    ("calibrate", k)
                    for k in ("scenario", "targets", "seeds", "budget", "batch", "startup")
                ),
            }
        ),
    ),
}


def _copy_world(world: Path, tmp_path: Path) -> Path:
    w = tmp_path / "w"
    shutil.copytree(world, w, symlinks=True)
    return w


def _drive(
    w: Path, reader: Reader, codes: tuple[int, ...], which: tuple[int, ...] | None = None
) -> None:
    """Run the commands of ``reader`` (all, or those numbered ``which``) on the world ``w``.

    Each must keep the promise: an exit code in ``codes``, one error line, and
    no file that existed before changed (a successful ``--resume`` may write
    its own files).
    """
    before = hashes(w)
    for i, command in enumerate(reader.commands):
        if which is not None and i not in which:
            continue
        args = [a.replace("{w}", str(w)) for a in command]
        result = invoke(*args)
        assert_promise(result, codes)
        if result.exit_code != 0 or "--resume" not in args:  # a resume may write its own files
            assert_unchanged(before, w)


# ---------------------------------------------------------------- byte damages

BYTE_CASES = [
    pytest.param(name, damage, id=f"{name}: {damage}")
    for name, reader in READERS.items()
    for damage in [*(PARQUET_DAMAGES if reader.fmt == "parquet" else BYTE_DAMAGES), "huge"]
]


@pytest.mark.parametrize(("name", "damage"), BYTE_CASES)
def test_damaged_bytes_are_refused_in_one_line(world, tmp_path, name, damage) -> None:
    reader = READERS[name]
    w = _copy_world(world, tmp_path)
    path = w / reader.file
    write_damaged(path, path.read_bytes(), damage, reader.fmt)
    _drive(w, reader, (2,))


@pytest.mark.parametrize("name", [n for n, r in READERS.items() if r.fmt != "parquet"])
def test_a_byte_order_mark_is_read_like_the_file_without_it(world, tmp_path, name) -> None:
    reader = READERS[name]
    w = _copy_world(world, tmp_path)
    path = w / reader.file
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    _drive(w, reader, reader.ok)


# ---------------------------------------------------------------- document damages


XFAIL: dict[str, str] = {}
"""Known failures, by case id, with what fixes them (none today; a strict xfail each)."""


def _doc_cases() -> list:
    cases = []
    for name, reader in READERS.items():
        if reader.fmt == "parquet":
            continue
        good = _good_document(reader)
        for damage in doc_damages(good, reader.depth, reader.skip, reader.format_key):
            if damage.cls == "missing" and damage.path in reader.keep:
                continue
            case_id = f"{name}: {damage.name}"
            marks = (
                [pytest.mark.xfail(strict=True, reason=XFAIL[case_id])] if case_id in XFAIL else []
            )
            cases.append(pytest.param(name, damage, id=case_id, marks=marks))
    return cases


def _good_document(reader: Reader) -> object:
    """The good document of ``reader``, parsed (the world's files are made the same each time)."""
    import tomllib

    texts = {"tiny.toml": SCENARIO, "d.toml": DECISIONS, "targets.toml": TARGETS,
             "fit.toml": CONFIG}  # fmt: skip
    if reader.file in texts:
        return tomllib.loads(texts[reader.file])
    if reader.file == "game.toml":
        from crmsim.game import bundled_games, resolve_game

        return tomllib.loads(resolve_game(bundled_games()[0]).read_text(encoding="utf-8"))
    return _MACHINE_DOCS[reader.file]


_MACHINE_DOCS: dict[str, object] = {}


def _machine_docs() -> None:
    """Parse the files crmsim writes from a small world made at import (needed for test ids)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        w = Path(tmp)
        (w / "d.toml").write_text(DECISIONS)
        assert invoke("run", "baseline", "--weeks", 6, *TINY, "--out", w / "r").exit_code == 0
        for game, stop in (("g", []), ("g1", ["--stop-after", 1])):
            assert invoke("play", "support_system", "--team", "red", "--decisions", w / "d.toml",
                          *TINY, *stop, "--out", w / game).exit_code == 0  # fmt: skip
        assert invoke("batch", "baseline", "-n", 1, "-j", 1, "--seed", 1, *TINY, "--set",
                      "run.weeks=4", "--out", w / "b").exit_code == 0  # fmt: skip
        for reader in READERS.values():
            if reader.fmt == "json":
                _MACHINE_DOCS[reader.file] = json.loads((w / reader.file).read_text())


_machine_docs()

# Damages a file crmsim wrote may tolerate: what crmsim does not read back.
MUST_REFUSE_ANYWAY = {"top", "format"}


def _codes(reader: Reader, cls: str) -> tuple[int, ...]:
    if cls == "missing":  # an optional key may go
        return (*reader.ok, 2)
    if reader.written_by_user or cls in MUST_REFUSE_ANYWAY:
        return (2,)
    return (*reader.ok, 2)


@pytest.mark.parametrize(("name", "damage"), _doc_cases())
def test_damaged_documents_are_refused_in_one_line(world, tmp_path, name, damage) -> None:
    reader = READERS[name]
    w = _copy_world(world, tmp_path)
    (w / reader.file).write_bytes(dump(damage.data, reader.fmt))
    _drive(w, reader, _codes(reader, damage.cls), reader.doc_commands)
