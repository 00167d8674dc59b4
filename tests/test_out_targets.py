"""Every command's output into hostile targets: exit 2, one line, nothing changed.

Targets: a symbolic link to a precious file, a named pipe, a folder where a
file goes, an existing batch, a run's folder, a folder of someone else's
files, and a file where a folder goes. For each (command, target) pair the
command must exit with code 2 and one ``crmsim: error:`` line, and every file
that existed before must be byte for byte the same after (hash before and
after).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmsim.cli import main

TINY = ["--set", "org.employees=120", "--set", "run.weeks=12"]


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """A batch and a run, made once."""
    root = tmp_path_factory.mktemp("made")
    result = invoke("batch", "baseline", "-n", "2", "--workers", "1", *TINY, "--out", root / "b")
    assert result.exit_code == 0, result.output
    result = invoke("run", "baseline", "--weeks", "8", "--out", root / "r")
    assert result.exit_code == 0, result.output
    return {"batch": root / "b", "run": root / "r"}


def _hashes(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink() or p.is_file():
            key = str(p.relative_to(root))
            out[key] = "link" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _symlink(tmp: Path, name: str) -> Path:
    (tmp / "precious.txt").write_text("keep me")
    (tmp / name).symlink_to(tmp / "precious.txt")
    return tmp / name


def _fifo(tmp: Path, name: str) -> Path:
    os.mkfifo(tmp / name)
    return tmp / name


def _folder(tmp: Path, name: str) -> Path:
    (tmp / name).mkdir()
    (tmp / name / "inside.txt").write_text("mine")
    return tmp / name


def _file(tmp: Path, name: str) -> Path:
    (tmp / name).write_text("a file, not a folder")
    return tmp / name


FILE_TARGETS: dict[str, Callable[[Path, str], Path]] = {
    "symlink": _symlink,
    "fifo": _fifo,
    "folder": _folder,
}
DIR_TARGETS: dict[str, Callable[[Path, str], Path]] = {
    "foreign folder": _folder,
    "a file": _file,
}

# (command, arguments before the target, option, file name, source): the target goes last.
FILE_WRITERS = {
    "report": (["report"], "--out", "h.pdf", "batch"),
    "plot": (["plot"], "--out", "p.png", "batch"),
    "compare": (["compare"], "--csv", "t.csv", "batch"),
}
DIR_WRITERS = {
    "run": (["run", "baseline", "--weeks", "5"], "--out", None),
    "batch": (["batch", "baseline", "-n", "1", *TINY], "--out", None),
    "export": (["export"], "--csv", "batch"),
}


def _check(result, tmp: Path, before: dict[str, str], made: dict[str, Path], snap) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error:"), lines
    assert _hashes(tmp) == before
    assert {k: _hashes(v) for k, v in made.items()} == snap


@pytest.mark.parametrize("target", sorted(FILE_TARGETS))
@pytest.mark.parametrize("command", sorted(FILE_WRITERS))
def test_file_outputs_refuse_links_pipes_and_folders(made, tmp_path, command, target) -> None:
    words, option, name, source = FILE_WRITERS[command]
    path = FILE_TARGETS[target](tmp_path, name)
    before, snap = _hashes(tmp_path), {k: _hashes(v) for k, v in made.items()}
    result = invoke(*words, made[source], option, path)
    _check(result, tmp_path, before, made, snap)


@pytest.mark.parametrize("target", sorted(DIR_TARGETS))
@pytest.mark.parametrize("command", sorted(DIR_WRITERS))
def test_folder_outputs_refuse_files_and_foreign_folders(made, tmp_path, command, target) -> None:
    words, option, source = DIR_WRITERS[command]
    path = DIR_TARGETS[target](tmp_path, "out")
    before, snap = _hashes(tmp_path), {k: _hashes(v) for k, v in made.items()}
    args = [*words, *([made[source]] if source else []), option, path]
    _check(invoke(*args), tmp_path, before, made, snap)


@pytest.mark.parametrize(
    ("args", "into"),
    [(["run", "baseline", "--weeks", "5", "--out"], "batch"),
     (["batch", "baseline", "-n", "1", *TINY, "--out"], "run")],
    ids=["run into a batch", "batch into a run"],
)  # fmt: skip
def test_one_command_never_writes_into_another_commands_folder(made, tmp_path, args, into) -> None:
    snap = {k: _hashes(v) for k, v in made.items()}
    result = invoke(*args, made[into])
    _check(result, tmp_path, _hashes(tmp_path), made, snap)
    assert "holds the output of" in result.stderr


def test_a_run_folder_can_be_written_again_by_run(made, tmp_path) -> None:
    out = tmp_path / "again"
    assert invoke("run", "baseline", "--weeks", "5", "--out", out).exit_code == 0
    assert invoke("run", "baseline", "--weeks", "6", "--out", out).exit_code == 0


def test_an_export_folder_can_be_exported_into_again_and_a_batch_holds_its_own(
    made, tmp_path
) -> None:
    import shutil

    out = tmp_path / "csv"
    assert invoke("export", made["batch"], "--csv", out).exit_code == 0
    assert invoke("export", made["batch"], "--csv", out).exit_code == 0
    copy = tmp_path / "b"
    shutil.copytree(made["batch"], copy)
    manifest = (copy / "manifest.json").read_bytes()
    assert invoke("export", copy, "--csv", copy).exit_code == 0
    assert (copy / "summary.csv").is_file() and (copy / "manifest.json").read_bytes() == manifest


def test_concurrent_exports_into_one_folder_each_leave_whole_files(made, tmp_path) -> None:
    import subprocess
    import sys

    alone = tmp_path / "alone"
    assert invoke("export", made["batch"], "--csv", alone).exit_code == 0
    shared = tmp_path / "shared"
    root = Path(__file__).resolve().parents[1]
    argv = [sys.executable, "-m", "crmsim", "export", str(made["batch"]), "--csv", str(shared)]
    procs = [subprocess.Popen(argv, cwd=root, stdout=subprocess.DEVNULL) for _ in range(3)]
    assert [p.wait() for p in procs] == [0, 0, 0]
    for name in ("summary.csv", "weekly.csv", "cells.csv", "completeness.csv"):
        assert (shared / name).read_bytes() == (alone / name).read_bytes()
    assert sorted(p.name for p in shared.iterdir()) == [
        "cells.csv",
        "completeness.csv",
        "summary.csv",
        "weekly.csv",
    ]
