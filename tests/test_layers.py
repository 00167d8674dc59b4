"""The layers point one way: an AST check of every import in crmsim/.

- The engine (engine, model, rules, kernels, state, record, codes, effects,
  organisation, agents, params, scenario) imports none of the front ends:
  batch, plots, dashboard, game, commands, reports, output, storage, debrief
  (it may use the leaf layers: errors, codes, results, the file layer).
- Results, reports, plots, output and the file layers load without the
  engine: importing them (module-level imports, followed transitively, with
  the packages around them) reaches neither the model, its kernels and
  rules, nor mesa or numba. Imports inside functions are allowed: they run
  only when that function does.
- Nothing imports ``crmsim.commands`` but ``crmsim.cli`` (and the commands
  themselves).

Module names are found on disk, so modules added later (``crmsim/rules/``,
``state.py``, ``record.py``) fall under the rules by their names.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crmsim"

ENGINE = re.compile(
    r"^crmsim\.(model|engine|rules(\..+)?|kernels\w*|state|record|codes|effects|organisation|agents"
    r"|params|scenario)$"
)
"""The engine's modules, by name (existing or to come)."""
FRONT_ENDS = re.compile(
    r"^crmsim\.(batch(\..+)?|batch_plots|plotting|sensitivity_plots|sensitivity(\..+)?"
    r"|dashboard(\..+)?|game(\..+)?|commands(\..+)?|cli|report|output|storage|analysis"
    r"|debrief(\..+)?|executors|runner)$"
)
"""What the engine must not import."""
LIGHT = re.compile(
    r"^crmsim\.(results|report|output|plotting|batch_plots|sensitivity_plots|analysis|storage"
    r"|report_layout|csv_export|journal|files(\..+)?)$"
)
"""Modules that must load without the engine."""
HEAVY = re.compile(
    r"^(mesa|numba)(\..+)?$|^crmsim\.(model|engine|rules(\..+)?|kernels\w*|runner|reference|agents"
    r"|organisation|effects|state|record)$"
)
"""The engine proper and its libraries (codes and params are plain declarations)."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of crmsim, by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        here = module.split(".") if is_package else module.split(".")[:-1]
        here = here[: len(here) - (node.level - 1)]
        base = ".".join([*here, base] if base else here)
    out = [base]
    for alias in node.names:  # from pkg import submodule
        if f"{base}.{alias.name}" in modules():
            out.append(f"{base}.{alias.name}")
    return out


@cache
def imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(module-level imports, imports inside functions)`` of one crmsim module.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run.
    """
    path = modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top: set[str] = set()
    inner: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit_one(sub, in_function)
                continue
            visit_one(child, in_function)

    def visit_one(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = _targets(node, module, path.name == "__init__.py")
            (inner if in_function else top).update(names)
            return
        fn = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        visit(node, in_function or fn)

    visit(tree, False)
    return frozenset(top), frozenset(inner)


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def loaded_by(module: str) -> set[str]:
    """Everything ``import module`` loads: module-level imports, transitively, with packages."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        for full in _with_parents(name):
            if full in seen:
                continue
            seen.add(full)
            if full in modules():
                todo.extend(imports(full)[0])
    return seen


def test_the_rules_see_the_modules() -> None:
    names = set(modules())
    assert {"crmsim.model", "crmsim.report", "crmsim.cli", "crmsim.results"} <= names
    assert any(ENGINE.match(n) for n in names) and any(LIGHT.match(n) for n in names)


@pytest.mark.parametrize("module", sorted(n for n in modules() if ENGINE.match(n)))
def test_the_engine_imports_no_front_end(module: str) -> None:
    top, inner = imports(module)
    bad = sorted(t for t in top | inner if FRONT_ENDS.match(t))
    assert not bad, f"{module} imports {bad}"


@pytest.mark.parametrize("module", sorted(n for n in modules() if LIGHT.match(n)))
def test_results_reports_plots_and_output_load_without_the_engine(module: str) -> None:
    heavy = sorted(n for n in loaded_by(module) if HEAVY.match(n))
    assert not heavy, f"import {module} loads {heavy}"


def test_only_the_cli_imports_the_commands() -> None:
    offenders = []
    for module in modules():
        if module == "crmsim.cli" or module.startswith("crmsim.commands"):
            continue
        top, inner = imports(module)
        offenders += [(module, t) for t in top | inner if re.match(r"^crmsim\.commands\b", t)]
    assert not offenders


def test_the_checker_follows_function_level_and_relative_imports(tmp_path: Path) -> None:
    source = "import os\n\ndef f():\n    from crmsim import commands\n"
    tree = ast.parse(source)
    fn = tree.body[1]
    assert isinstance(fn, ast.FunctionDef)
    assert _targets(fn.body[0], "crmsim.x", False) == ["crmsim", "crmsim.commands"]
    rel = ast.parse("from .read import read_json").body[0]
    assert _targets(rel, "crmsim.files", True) == ["crmsim.files.read"]
    assert "crmsim.files.write" in loaded_by("crmsim.files")
    assert "crmsim.engine" in loaded_by("crmsim.runner")  # the closure does reach the engine


def test_a_run_needs_no_mesa() -> None:
    """``simulate`` (``crmsim run``, batches, validation) drives the engine without Mesa;
    only the Mesa shell (:mod:`crmsim.model`, the agents) imports it."""
    assert not [n for n in loaded_by("crmsim.runner") if re.match(r"^mesa\b|^crmsim\.model$", n)]
    assert "mesa" in loaded_by("crmsim.model")


def test_writing_a_handout_loads_neither_mesa_nor_numba(tmp_path: Path) -> None:
    from crmsim.output import write_run
    from crmsim.runner import simulate
    from crmsim.scenario import load

    scenario = load("baseline").with_updates({"org.employees": 150, "run.weeks": 20})
    run = write_run(tmp_path / "run", scenario, simulate(scenario, 1), "crmsim run baseline")
    code = (
        "import sys, matplotlib; matplotlib.use('Agg')\n"
        "import crmsim.report as r\n"
        f"r.write({str(run)!r}, {str(tmp_path / 'h.pdf')!r})\n"
        f"r.write({str(run)!r}, {str(tmp_path / 'h.html')!r})\n"
        "print(sorted(m for m in ('mesa', 'numba', 'crmsim.model') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "h.pdf").stat().st_size > 1000
