"""The wheel works on its own: built, installed in a fresh venv, run from another folder.

The bundled scenarios, games and targets ship inside the package
(``crmsim/scenarios/``, copied from the top-level ``scenarios/`` by setup.py);
a wheel without them would install but fail at ``crmsim run baseline``.

The fresh venv has no pip and no dependencies of its own: the outer pip
installs the wheel into it (``pip --python``), and a ``.pth`` file lets it
import this environment's installed libraries (mesa, numpy, ...) without
downloading them again. The crmsim it imports is the wheel's, which the test
checks, and every command runs from a folder outside the checkout.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "crmsim", "scenarios")


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel from a copy of the sources and install it into a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:  # a copy: building writes build/ and *.egg-info next to the sources
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    # With setuptools here, build offline with it; otherwise pip fetches it from its index.
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("setuptools") else []
    wheels = tmp / "dist"
    pip = [sys.executable, "-m", "pip"]
    _ok(_run([*pip, "wheel", "-q", "--no-deps", *isolation, "-w", wheels, src], tmp, env))
    (wheel,) = wheels.glob("crmsim-*.whl")

    target = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    _ok(_run([*pip, "--python", python, "install", "-q", "--no-deps", wheel], tmp, env))
    site = _ok(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    tmp, env)).strip()  # fmt: skip
    # The dependencies: this environment's site-packages, after the venv's own.
    (Path(site) / "zz_crmsim_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "python": python, "bin": target / "bin", "cwd": elsewhere,
            "site": Path(site), "env": env}  # fmt: skip


def test_the_wheel_carries_every_file_of_the_scenarios_tree(installed: dict) -> None:
    bundled = {
        p.relative_to(ROOT / "scenarios").as_posix()
        for p in (ROOT / "scenarios").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    with zipfile.ZipFile(installed["wheel"]) as whl:
        shipped = {
            n.removeprefix("crmsim/scenarios/")
            for n in whl.namelist()
            if n.startswith("crmsim/scenarios/") and not n.endswith("/")
        }
    assert "baseline.toml" in bundled and "games/support_system.toml" in bundled
    assert shipped == bundled


def test_the_installed_crmsim_is_the_wheels_and_finds_its_data_inside_itself(
    installed: dict,
) -> None:
    code = (
        "import json, crmsim, crmsim.data as d, crmsim.scenario as s, crmsim.game as g;"
        "print(json.dumps([crmsim.__file__, str(d.DATA_DIR), s.bundled(),"
        " str(g.resolve_game('support_system'))]))"
    )
    out = _ok(_run([installed["python"], "-c", code], installed["cwd"], installed["env"]))
    module, data_dir, scenarios, game = json.loads(out)
    package = installed["site"] / "crmsim"
    assert Path(module) == package / "__init__.py"
    assert Path(data_dir) == package / "scenarios"
    assert "baseline" in scenarios
    assert Path(game) == package / "scenarios" / "games" / "support_system.toml"


def test_crmsim_run_baseline_works_from_another_folder(installed: dict) -> None:
    out = installed["cwd"] / "baseline-run"
    crmsim = installed["bin"] / "crmsim"
    _ok(_run([crmsim, "run", "baseline", "--out", out], installed["cwd"], installed["env"]))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "baseline"
    assert (out / "summary.json").is_file()
    assert not (installed["cwd"] / "runs").exists()  # everything went to --out


def test_the_game_commands_find_the_bundled_game_from_another_folder(installed: dict) -> None:
    crmsim = installed["bin"] / "crmsim"
    assert "Usage: crmsim play" in _ok(
        _run([crmsim, "play", "--help"], installed["cwd"], installed["env"])
    )
    wrong = _run([crmsim, "play", "support_sytem"], installed["cwd"], installed["env"])
    assert wrong.returncode == 2
    assert "did you mean support_system?" in wrong.stderr
