"""The file layers (crmsim.files): every damaged file is one line, every write is whole.

Reading: for each kind of file crmsim reads, generated damage (bytes that
are not UTF-8, nesting too deep, empty, truncated, the wrong shape, a newer
format) gives one :class:`CrmsimError` line naming the file; a UTF-8
byte-order mark is read as nothing. Writing: :func:`atomic_write` replaces
only plain files, leaves no temporary file and the old content on failure,
and concurrent writers each leave a whole file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmsim import files
from crmsim.cli import main
from crmsim.errors import CrmsimError
from crmsim.files import Shape

DEEP = 5000
"""Nesting far past Python's recursion limit."""


def one_line(exc: pytest.ExceptionInfo[CrmsimError], path: Path) -> str:
    """The error's message, checked to be one line naming the file."""
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    assert str(path) in text or path.name in text, text
    return text


# ---------------------------------------------------------------- damaged text files

TEXT_DAMAGE: dict[str, Callable[[str], bytes]] = {
    "not utf-8": lambda good: good.encode() + b"\nx = '\xff\xfe'\n",
    "latin-1": lambda good: good.encode() + "\n# café\n".encode("latin-1"),
    "empty": lambda good: b"",
    "truncated": lambda good: good.encode()[: good.index('"') + 2],
    "nul bytes": lambda good: b"\x00" * 64,
}
DEEP_TOML = ("x = " + "[" * DEEP + "]" * DEEP + "\n").encode()
DEEP_JSON = ("[" * DEEP + "]" * DEEP).encode()


@pytest.mark.parametrize("damage", sorted(TEXT_DAMAGE))
def test_damaged_toml_is_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(TEXT_DAMAGE[damage]('[scenario]\nname = "x"\n[levers]\ntraining = 0.5'))
    if damage == "empty":  # an empty TOML file is a valid, empty table
        assert files.read_toml(path) == {}
        return
    with pytest.raises(CrmsimError) as exc:
        files.read_toml(path, "scenario file", shape=Shape(required={"scenario": dict}))
    one_line(exc, path)


@pytest.mark.parametrize("damage", sorted(TEXT_DAMAGE))
def test_damaged_json_is_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(TEXT_DAMAGE[damage]('{"format": 1, "params": {"a": 1}}'))
    with pytest.raises(CrmsimError) as exc:
        files.read_json(path, "manifest")
    one_line(exc, path)


@pytest.mark.parametrize(
    ("reader", "data"), [(files.read_toml, DEEP_TOML), (files.read_json, DEEP_JSON)]
)
def test_deep_nesting_is_refused_without_recursion_error(tmp_path: Path, reader, data) -> None:
    path = tmp_path / "deep.txt"
    path.write_bytes(data)
    with pytest.raises(CrmsimError, match="nested more than") as exc:
        reader(path)
    one_line(exc, path)


def test_moderate_nesting_past_the_bound_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 40 + "]" * 40)
    with pytest.raises(CrmsimError, match="nested more than"):
        files.read_json(path)


def test_a_byte_order_mark_is_read_as_nothing(tmp_path: Path) -> None:
    toml, js = tmp_path / "s.toml", tmp_path / "m.json"
    toml.write_bytes(b"\xef\xbb\xbf" + b'[scenario]\nname = "x"\n')
    js.write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
    assert files.read_toml(toml) == {"scenario": {"name": "x"}}
    assert files.read_json(js) == {"a": 1}


def test_a_missing_file_a_folder_and_a_too_big_file_are_one_line(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.json", tmp_path):
        with pytest.raises(CrmsimError) as exc:
            files.read_json(path, "manifest")
        one_line(exc, path)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(CrmsimError, match="more than the 1,000") as exc:
        files.read_text(big, max_bytes=1000)
    one_line(exc, big)


SHAPE = Shape(required={"format": int, "params": dict}, optional={"seed": int, "kind": str})
WRONG_SHAPES = [
    [1, 2, 3],
    "text",
    {"params": {}},
    {"format": "1", "params": {}},
    {"format": True, "params": {}},
    {"format": 1, "params": []},
    {"format": 1, "params": {}, "seed": 1.5},
    {"format": 1, "params": {}, "kind": ["run"]},
]


@pytest.mark.parametrize("data", WRONG_SHAPES, ids=range(len(WRONG_SHAPES)))
def test_a_document_of_the_wrong_shape_is_one_line(tmp_path: Path, data) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CrmsimError) as exc:
        files.read_json(path, "manifest", shape=SHAPE)
    one_line(exc, path)


def test_the_right_shape_passes_with_floats_accepting_whole_numbers(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"format": 1, "params": {}, "seed": null, "x": [1]}')
    assert files.read_json(path, shape=SHAPE)["format"] == 1
    assert files.read_json(path, shape=Shape(required={"format": float}))["format"] == 1


def test_a_newer_format_asks_for_an_upgrade() -> None:
    assert files.check_format({"format": 1}, "format", 1, "m.json") == 1
    with pytest.raises(CrmsimError, match=r"newer crmsim.*upgrade"):
        files.check_format({"format": 99}, "format", 1, "m.json")
    with pytest.raises(CrmsimError, match="whole number"):
        files.check_format({"format": "1"}, "format", 1, "m.json")


# ---------------------------------------------------------------- damaged tables


def _good_parquet(path: Path) -> bytes:
    pd.DataFrame({"week": range(50), "adoption": [0.1] * 50}).to_parquet(path)
    return path.read_bytes()


PARQUET_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda good: b"",
    "truncated": lambda good: good[: len(good) // 2],
    "footer cut": lambda good: good[:-5],
    "header only": lambda good: good[:4],
    "flipped": lambda good: good[:40] + bytes(b ^ 0xFF for b in good[40:80]) + good[80:],
    "text": lambda good: b"week,adoption\n1,0.1\n",
}


@pytest.mark.parametrize("damage", sorted(PARQUET_DAMAGE))
def test_damaged_parquet_is_one_line(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "part-000001.parquet"
    path.write_bytes(PARQUET_DAMAGE[damage](_good_parquet(path)))
    try:
        table = files.read_parquet(path, "summary part")
    except CrmsimError as exc:
        text = str(exc)
        assert "\n" not in text and str(path) in text
    else:  # a flip inside a page's values can still decode: then it is a whole table
        assert damage == "flipped" and table.num_rows == 50


def test_missing_parquet_and_missing_columns_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(CrmsimError, match="not found") as exc:
        files.read_parquet(tmp_path / "plan.parquet", "batch plan")
    one_line(exc, tmp_path / "plan.parquet")
    path = tmp_path / "t.parquet"
    _good_parquet(path)
    with pytest.raises(CrmsimError) as exc:
        files.read_parquet(path, columns=["nope"])
    one_line(exc, path)


@pytest.mark.parametrize(
    "content", [b"", b"  \n", b"\xff\xfe\xfa", b'a,b\n1,2\n"open'], ids=range(4)
)
def test_damaged_csv_is_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(CrmsimError) as exc:
        files.read_csv(path)
    one_line(exc, path)


def test_csv_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert files.read_csv(path).to_dict("list") == {"a": [1], "b": [2]}


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_refuses_a_symlink_and_leaves_its_target(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    with pytest.raises(CrmsimError, match="symbolic link") as exc:
        files.atomic_write(link, b"new")
    one_line(exc, link)
    assert link.is_symlink() and target.read_text() == "keep"


def test_atomic_write_refuses_a_folder_and_a_pipe(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    with pytest.raises(CrmsimError, match="is a folder"):
        files.atomic_write(folder, b"x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(CrmsimError, match="device, pipe or socket"):
        files.atomic_write(fifo, b"x")
    assert folder.is_dir() and fifo.exists() and not fifo.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "pipe"]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_atomic_write_refuses_a_device() -> None:
    with pytest.raises(CrmsimError, match="device"):
        files.atomic_write(Path("/dev/null"), b"x")
    assert not Path("/dev/null").is_file()


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "permission")],
)
def test_an_os_error_while_writing_is_one_line_and_keeps_the_old_file(
    tmp_path: Path, code: int, words: str
) -> None:
    path = tmp_path / "weekly.csv"
    path.write_text("old")

    def fail(fh) -> None:
        fh.write(b"half")
        raise OSError(code, os.strerror(code))

    with pytest.raises(CrmsimError, match=words) as exc:
        files.atomic_write(path, fail)
    one_line(exc, path)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["weekly.csv"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(CrmsimError, match="permission denied") as exc:
            files.atomic_write(folder / "x.json", b"{}")
        one_line(exc, folder / "x.json")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    ("code", "words"), [(errno.EROFS, "read-only"), (errno.EACCES, "permission denied")]
)
def test_a_folder_that_refuses_new_files_is_one_line(
    tmp_path: Path, monkeypatch, code: int, words: str
) -> None:
    """What a read-only folder does (simulated: as root, chmod does not stop writes)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(CrmsimError, match=words) as exc:
        files.atomic_write(tmp_path / "x.json", b"{}")
    assert "choose" in one_line(exc, tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_concurrent_writers_in_threads_each_leave_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "weekly.csv"
    bodies = [bytes([65 + i]) * 200_000 for i in range(6)]

    def writer(body: bytes) -> None:
        for _ in range(10):
            files.atomic_write(path, lambda fh: [fh.write(body[i : i + 4096])
                                           for i in range(0, len(body), 4096)])  # fmt: skip

    threads = [threading.Thread(target=writer, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert path.read_bytes() in bodies
    assert [p.name for p in tmp_path.iterdir()] == ["weekly.csv"]


def test_concurrent_writers_in_processes_each_leave_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "summary.csv"
    code = (
        "import sys; from crmsim.files import atomic_write\n"
        "body = sys.argv[2].encode() * 300_000\n"
        "for _ in range(5): atomic_write(sys.argv[1], body)\n"
    )
    root = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path), letter], cwd=root)
        for letter in "abc"
    ]
    assert [p.wait() for p in procs] == [0, 0, 0]
    assert path.read_bytes() in [letter.encode() * 300_000 for letter in "abc"]
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]


def test_write_json_turns_non_finite_into_null_unless_kept(tmp_path: Path) -> None:
    data = {"x": float("nan"), "p": Path("a/b")}
    assert json.loads(files.write_json(tmp_path / "a.json", data).read_text()) == {
        "x": None,
        "p": "a/b",
    }
    text = files.write_json(tmp_path / "b.json", {"x": float("nan")}, keep_nan=True).read_text()
    assert "NaN" in text


# ---------------------------------------------------------------- output folders


def test_a_folder_is_claimed_only_when_new_empty_or_of_the_same_kind(tmp_path: Path) -> None:
    assert files.claim_output_dir(tmp_path / "new", "crmsim run").is_dir()
    assert files.claim_output_dir(tmp_path / "new", "crmsim run").is_dir()  # empty
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text('{"format": 1, "kind": "crmsim run", "params": {}}')
    assert files.folder_kind(run) == "crmsim run"
    assert files.claim_output_dir(run, "crmsim run") == run
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "manifest.json").write_text('{"format_version": 1, "scenarios": [], "cells": []}')
    assert files.folder_kind(batch) == "crmsim batch"
    with pytest.raises(CrmsimError, match="holds the output of crmsim batch"):
        files.claim_output_dir(batch, "crmsim run")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(CrmsimError, match="did not write"):
        files.claim_output_dir(mine, "crmsim debrief")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CrmsimError, match="is a file"):
        files.claim_output_dir(tmp_path / "file", "crmsim run")


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def tiny_batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "b"
    result = CliRunner().invoke(main, ["batch", "baseline", "-n", "2", "--workers", "1",
                                       "--set", "org.employees=120", "--set", "run.weeks=12",
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_run_into_an_existing_batch_exits_2_and_leaves_the_batch_unchanged(tiny_batch) -> None:
    before = _tree_hash(tiny_batch)
    manifest = (tiny_batch / "manifest.json").read_bytes()
    result = CliRunner().invoke(main, ["run", "baseline", "--weeks", "5", "--out", str(tiny_batch)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error:") and "batch" in lines[0]
    assert (tiny_batch / "manifest.json").read_bytes() == manifest
    assert _tree_hash(tiny_batch) == before


@pytest.mark.parametrize("damage", ["empty", "not json", "list", "future", "not utf-8"])
def test_analyses_of_a_batch_with_a_damaged_manifest_are_one_line(
    tiny_batch, tmp_path: Path, damage: str
) -> None:
    import shutil

    copy = tmp_path / "b"
    shutil.copytree(tiny_batch, copy)
    text = (copy / "manifest.json").read_text()
    content = {
        "empty": b"",
        "not json": text[: len(text) // 2].encode(),
        "list": b"[1, 2]",
        "future": json.dumps({**json.loads(text), "format_version": 99}).encode(),
        "not utf-8": b"\xff" + text.encode(),
    }[damage]
    (copy / "manifest.json").write_bytes(content)
    before = _tree_hash(copy)
    for args in (["compare", copy], ["export", copy, "--csv", tmp_path / "csv"]):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 2, (args, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "manifest.json" in lines[0], lines
    if damage == "future":
        assert "upgrade" in result.stderr
    assert _tree_hash(copy) == before


def test_analyses_of_a_batch_with_a_damaged_part_are_one_line(tiny_batch, tmp_path) -> None:
    import shutil

    copy = tmp_path / "b"
    shutil.copytree(tiny_batch, copy)
    part = next((copy / "summary").glob("part-*.parquet"))
    part.write_bytes(part.read_bytes()[:100])
    result = CliRunner().invoke(main, ["compare", str(copy)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and part.name in lines[0] and "damaged" in lines[0]


# ---------------------------------------------------------------- fuzz

VALID = {
    "toml": b'[scenario]\nname = "x"\n[levers]\ntraining = 0.5\nlist = [1, [2, 3]]\n',
    "json": b'{"format": 1, "params": {"a": [1, 2.5, null]}, "kind": "crmsim run"}',
}
READERS = {"toml": files.read_toml, "json": files.read_json}


@st.composite
def damaged(draw, kind: str) -> bytes:
    """A valid file cut, spliced with random bytes, or both."""
    good = VALID[kind]
    cut = draw(st.integers(0, len(good)))
    junk = draw(st.binary(max_size=12))
    where = draw(st.integers(0, cut))
    return good[:where] + junk + good[where:cut]


@pytest.mark.parametrize("kind", sorted(VALID))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_damage_to_a_text_file_is_read_or_one_line(tmp_path: Path, kind: str, data) -> None:
    content = data.draw(damaged(kind))
    path = tmp_path / f"f.{kind}"
    path.write_bytes(content)
    try:
        READERS[kind](path, shape=Shape(required={}))
    except CrmsimError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, 2000), flip=st.integers(0, 2000))
def test_any_damage_to_a_parquet_file_is_read_or_one_line(tmp_path: Path, cut, flip) -> None:
    path = tmp_path / "t.parquet"
    good = _good_parquet(path)
    bad = bytearray(good[: min(cut, len(good))] if cut < len(good) else good)
    if flip < len(bad):
        bad[flip] ^= 0xFF
    path.write_bytes(bytes(bad))
    try:
        files.read_parquet_frame(path, "weekly part")
    except CrmsimError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)


def test_a_writers_temporary_files_do_not_make_a_folder_foreign(tmp_path: Path) -> None:
    (tmp_path / ".summary.csv.x1y2.tmp").write_text("half")
    assert files.folder_kind(tmp_path) == ""
    (tmp_path / "summary.csv").write_text("a\n1\n")
    assert files.folder_kind(tmp_path) == "crmsim export"
