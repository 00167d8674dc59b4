"""docs/api.md tells the truth: its Python blocks run, in order, in an empty folder."""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def test_the_page_has_an_example_for_every_exported_function() -> None:
    text = DOC.read_text(encoding="utf-8")
    code = "\n".join(BLOCK.findall(text))
    for name in ("load_scenario", "run", "run_batch", "read_batch"):
        assert f"crmsim.{name}(" in code, name


def test_every_python_block_of_docs_api_md_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each block runs in one shared namespace, like the cells of a notebook."""
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    before = multiprocessing.get_start_method(allow_none=True)
    namespace: dict[str, object] = {"__name__": "docs_api"}
    try:
        for number, block in enumerate(blocks, 1):
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(block, f"docs/api.md block {number}", "exec"), namespace)
                except Exception as exc:
                    raise AssertionError(f"docs/api.md block {number} failed:\n{block}") from exc
    finally:  # mesa.batch_run forces the 'spawn' start method process-wide
        multiprocessing.set_start_method(before, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_firm.toml", "runs"]


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = DOC.parent.parent / "README.md"
    (block,) = BLOCK.findall(readme.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
    assert (tmp_path / "runs" / "b" / "manifest.json").is_file()


def test_import_crmsim_loads_no_heavy_library_until_a_name_is_used() -> None:
    code = (
        "import sys, crmsim\n"
        "heavy = ('mesa', 'numba', 'pandas', 'matplotlib')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "crmsim.load_scenario('baseline')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "print(sorted(set(crmsim.__all__) - set(dir(crmsim))))\n"
        "print([n for n in crmsim.__all__ if getattr(crmsim, n, None) is None])\n"
    )
    root = DOC.parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "[]", "[]", "[]"]
