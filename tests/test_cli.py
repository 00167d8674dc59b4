"""The command line, in-process through click's CliRunner: run, scenarios, describe, errors."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.model import CrmModel
from crmsim.params import PARAMS
from crmsim.provenance import PACKAGES
from crmsim.runner import SUMMARY_FIELDS, simulate
from crmsim.scenario import bundled, load

SMALL = ("--set", "org.employees=200", "--weeks", "60")
"""A small, short run keeps every CLI test fast."""

FILES = ("timeseries.parquet", "summary.json", "events.json", "manifest.json", "adoption.png")


def _run(out: Path, *extra: str, scenario: str = "baseline", seed: int = 1) -> Path:
    result = CliRunner().invoke(
        main,
        ["run", scenario, "--seed", str(seed), *SMALL, *extra, "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small baseline run, seed 7, shared by the read-only checks below."""
    return _run(tmp_path_factory.mktemp("cli") / "run", seed=7)


# ---------------------------------------------------------------- crmsim run


def test_run_writes_all_five_files_and_nothing_else(run_dir: Path) -> None:
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(FILES)
    assert all((run_dir / name).stat().st_size > 0 for name in FILES)


def test_run_prints_a_short_summary_naming_the_output_dir(cli, tmp_path: Path) -> None:
    out = tmp_path / "printed"
    result = cli("run", "baseline", *SMALL, "--out", out)
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert 3 <= len(lines) <= 8
    text = result.stdout
    for words in ("adoption", "50 %", "80 %", "profit", "success", str(out)):
        assert words in text
    assert result.stderr == ""


def test_timeseries_parquet_holds_one_row_per_week_with_every_column(run_dir: Path) -> None:
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert list(ts.columns) == list(CrmModel.COLUMNS)
    assert list(ts["week"]) == list(range(61))


def test_timeseries_is_zstd_compressed(run_dir: Path) -> None:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(run_dir / "timeseries.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_summary_and_events_match_a_direct_simulation(run_dir: Path) -> None:
    scenario = load("baseline").with_updates({"org.employees": 200, "run.weeks": 60})
    direct = simulate(scenario, seed=7)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert list(summary) == list(SUMMARY_FIELDS)
    assert summary == json.loads(json.dumps(direct.summary))
    assert json.loads((run_dir / "events.json").read_text()) == json.loads(
        json.dumps(direct.events)
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(run_dir / "timeseries.parquet"), direct.timeseries, check_exact=True
    )


def test_manifest_records_scenario_every_parameter_seed_weeks_and_versions(run_dir: Path) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    baseline = load("baseline")
    assert manifest["scenario"]["name"] == "baseline"
    assert manifest["scenario"]["description"] == baseline.description
    assert Path(manifest["scenario"]["path"]) == baseline.path.resolve()
    assert manifest["scenario"]["inherits"] == list(baseline.chain)
    assert list(manifest["params"]) == list(PARAMS)
    assert manifest["params"] == {
        **baseline.params.to_dict(),
        "org.employees": 200,
        "run.weeks": 60,
    }
    assert manifest["seed"] == 7 and manifest["weeks"] == 60
    assert set(PACKAGES) | {"python"} <= set(manifest["versions"])
    for package in ("python", "crmsim", "mesa", "numpy", "pandas"):
        assert manifest["versions"][package], package
    assert manifest["created_utc"]


def test_manifest_command_line_repeats_the_run(run_dir: Path, tmp_path: Path) -> None:
    manifest = json.loads((run_dir / "manifest.json").read_text())
    argv = shlex.split(manifest["command"])
    assert argv[:3] == ["crmsim", "run", "baseline"]
    assert "--seed" in argv and "org.employees=200" in argv
    out_at = argv.index("--out") + 1
    argv[out_at] = str(tmp_path / "again")
    result = CliRunner().invoke(main, argv[1:], catch_exceptions=False)
    assert result.exit_code == 0
    assert (tmp_path / "again" / "summary.json").read_text() == (
        run_dir / "summary.json"
    ).read_text()


def test_adoption_png_is_a_png_image(run_dir: Path) -> None:
    assert (run_dir / "adoption.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_same_seed_gives_identical_timeseries_and_summary(tmp_path: Path) -> None:
    first = _run(tmp_path / "first", seed=3)
    second = _run(tmp_path / "second", seed=3)
    for name in ("timeseries.parquet", "summary.json", "events.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(first / "timeseries.parquet"),
        pd.read_parquet(second / "timeseries.parquet"),
        check_exact=True,
    )


def test_different_seeds_give_different_runs(tmp_path: Path) -> None:
    a = pd.read_parquet(_run(tmp_path / "a", seed=1) / "timeseries.parquet")
    b = pd.read_parquet(_run(tmp_path / "b", seed=2) / "timeseries.parquet")
    assert not a.equals(b)


def test_default_output_dir_is_runs_scenario_seed_utc_time(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("run", "baseline", "--seed", 5, *SMALL)
    assert result.exit_code == 0
    (made,) = (tmp_path / "runs").iterdir()
    assert re.fullmatch(r"baseline-seed5-\d{8}T\d{6}Z", made.name)
    assert sorted(p.name for p in made.iterdir()) == sorted(FILES)
    assert str(Path("runs") / made.name) in result.stdout


def test_the_default_seed_is_1(cli, tmp_path: Path) -> None:
    assert cli("run", "baseline", *SMALL, "--out", tmp_path / "d").exit_code == 0
    assert json.loads((tmp_path / "d" / "manifest.json").read_text())["seed"] == 1


def test_repeated_set_options_all_apply(cli, tmp_path: Path) -> None:
    out = tmp_path / "set"
    result = cli(
        "run",
        "baseline",
        *SMALL,
        "--set",
        "levers.training=0.9",
        "--set",
        "levers.staffing=0.1",
        "--out",
        out,
    )
    assert result.exit_code == 0
    params = json.loads((out / "manifest.json").read_text())["params"]
    assert (params["levers.training"], params["levers.staffing"]) == (0.9, 0.1)


def test_run_accepts_a_toml_path_and_records_its_inheritance(cli, write_toml, tmp_path) -> None:
    path = write_toml(
        "mine",
        '[scenario]\ninherits = "baseline"\ndescription = "mine"\n[levers]\ntraining = 0.9\n',
    )
    out = tmp_path / "mine-run"
    assert cli("run", path, *SMALL, "--out", out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["name"] == "mine"
    assert manifest["scenario"]["inherits"] == ["baseline"]
    assert manifest["scenario"]["path"] == str(path.resolve())
    assert manifest["params"]["levers.training"] == 0.9


def test_run_into_an_existing_directory_replaces_the_files(cli, tmp_path: Path) -> None:
    out = tmp_path / "again"
    assert cli("run", "baseline", *SMALL, "--seed", 1, "--out", out).exit_code == 0
    assert cli("run", "baseline", *SMALL, "--seed", 2, "--out", out).exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temp files left


# ---------------------------------------------------------------- crmsim scenarios


def test_scenarios_lists_one_line_per_bundled_scenario(cli) -> None:
    result = cli("scenarios")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(bundled())
    for line, name in zip(lines, bundled(), strict=True):
        assert line.split()[0] == name
        assert line.endswith(load(name).description)


# ---------------------------------------------------------------- crmsim describe


def test_describe_shows_every_parameter_with_range_unit_meaning_source(cli) -> None:
    result = cli("describe")
    assert result.exit_code == 0
    text = result.stdout
    flat = " ".join(text.split())  # meanings and sources are wrapped over lines
    for p in PARAMS.values():
        assert re.search(rf"^  {re.escape(p.name)}\s", text, re.MULTILINE), p.name
        assert p.range_text() in text
        assert " ".join(p.meaning.split()) in flat
        assert " ".join(f"Source: {p.source}".split()) in flat
    for group in {p.group for p in PARAMS.values()}:
        assert f"[{group}]" in text


def test_describe_fits_a_100_column_terminal(cli) -> None:
    for name in bundled():
        lines = cli("describe", name).stdout.splitlines()
        assert max(len(line) for line in lines) <= 100, name


def test_describe_marks_values_that_differ_from_the_default(cli) -> None:
    scenario = load("visible_wins")
    changed = scenario.params.changed()
    assert changed, "visible_wins should change something"
    text = cli("describe", "visible_wins").stdout
    for p in PARAMS.values():
        (line,) = [ln for ln in text.splitlines() if ln.startswith(f"  {p.name} ")]
        assert ("*" in line) == (p.name in changed), line
    assert "inherits" in text.splitlines()[0] + text.splitlines()[1]


def test_describe_csv_has_one_row_per_parameter(cli) -> None:
    result = cli("describe", "visible_wins", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == list(PARAMS)
    changed = load("visible_wins").params.changed()
    for r in rows:
        p = PARAMS[r["name"]]
        assert (r["differs"] == "true") == (p.name in changed)
        assert p.coerce(r["value"]) == load("visible_wins").params[p.name]
        assert r["meaning"] == p.meaning and r["source"] == p.source and r["unit"] == p.unit


def test_describe_narrows_to_groups_and_to_changed_values(cli) -> None:
    text = cli("describe", "visible_wins", "--group", "levers", "--group", "effects").stdout
    shown = re.findall(r"^  (\S+)\s", text, re.MULTILINE)
    assert shown == [n for n, p in PARAMS.items() if p.group in ("levers", "effects")]
    assert "[run]" not in text and "[levers]" in text and "[effects]" in text
    changed = load("visible_wins").params.changed()
    rows = list(csv.DictReader(io.StringIO(
        cli("describe", "visible_wins", "--changed", "--format", "csv").stdout)))  # fmt: skip
    assert [r["name"] for r in rows] == list(changed)
    table = cli("describe", "visible_wins", "--changed", "--format", "markdown").stdout
    assert len(table.strip().splitlines()) == len(changed) + 2


def test_describe_unknown_group_is_one_line_with_a_suggestion(cli) -> None:
    result = cli("describe", "--group", "levrs")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "crmsim: error: unknown parameter group 'levrs'; did you mean levers?"
    )


def test_describe_markdown_is_one_table(cli) -> None:
    lines = cli("describe", "--format", "markdown").stdout.strip().splitlines()
    assert len(lines) == len(PARAMS) + 2
    columns = lines[0].count("|")
    for line in lines:
        assert line.startswith("| ") and line.endswith(" |")
        assert line.replace("\\|", "").count("|") == columns
    assert "`levers.training`" in "\n".join(lines)


# ---------------------------------------------------------------- bad input


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("crmsim: error: ")
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("run", "baseline", "--set", "levers.trainig=0.5"), "did you mean levers.training?"),
        (("run", "baseline", "--set", "levers.training=2"), "out of range; use a value in [0, 1]"),
        (("run", "baseline", "--set", "org.employees=many"), "must be a whole number"),
        (("run", "baseline", "--set", "org.employees=200.5"), "must be a whole number"),
        (("run", "baseline", "--set", "levers.training"), "expects name=value"),
        (("run", "baselin"), "did you mean baseline?"),
        (("run", "no/such/file.toml"), "not found"),
        (("run", "baseline", "--sed", "3"), "--seed"),
        (("run", "baseline", "--weeks", "0"), "--weeks"),
        (("run", "baseline", "--seed", "-1"), "--seed"),
        (("run",), "Missing argument"),
        (("describe", "baselin"), "did you mean baseline?"),
        (("describe", "--format", "xml"), "--format"),
        (("rnu", "baseline"), "did you mean run?"),
    ],
)
def test_bad_input_gives_one_line_and_exit_code_2(cli, args, expected, tmp_path) -> None:
    line = _one_line_error(cli(*args, *(["--out", tmp_path / "x"] if args[0] == "run" else [])))
    assert expected in line
    assert not (tmp_path / "x").exists()


def test_malformed_toml_gives_one_line_naming_the_line(cli, write_toml) -> None:
    path = write_toml("broken", "[levers]\ntraining = 0.5\nstaffing = \n")
    line = _one_line_error(cli("run", path))
    assert "malformed TOML" in line and "line 3" in line


def test_unknown_parameter_in_a_file_gives_one_line_with_a_suggestion(cli, write_toml) -> None:
    line = _one_line_error(cli("run", write_toml("typo", "[levers]\ntrainig = 0.5\n")))
    assert "did you mean levers.training?" in line


def test_out_of_range_in_a_file_gives_one_line(cli, write_toml) -> None:
    line = _one_line_error(cli("describe", write_toml("range", "[levers]\ntraining = 5\n")))
    assert "out of range" in line


def test_output_dir_that_is_a_file_gives_one_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _one_line_error(cli("run", "baseline", *SMALL, "--out", blocker))


def test_output_dir_under_a_file_gives_one_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = _one_line_error(cli("run", "baseline", *SMALL, "--out", blocker / "sub"))
    assert "cannot create output directory" in line


# ---------------------------------------------------------------- --set, the same in every command

SET_COMMANDS = ("run", "batch", "sensitivity", "levers", "workshop", "play")
"""Every command that takes ``--set`` (one option type, crmsim.commands.options.set_option)."""


@pytest.mark.parametrize("command", SET_COMMANDS)
def test_a_name_set_twice_is_refused_by_every_command(cli, command: str) -> None:
    # the scenario does not exist: had --set let the pair through, the error would name it
    args = (command, "no_such_scenario", "--set", "levers.training=0.5",
            "--set", "levers.training=0.6")  # fmt: skip
    line = _one_line_error(cli(*args))
    assert line == "crmsim: error: --set levers.training given twice; give it once"


@pytest.mark.parametrize("command", SET_COMMANDS)
def test_a_bad_set_value_is_one_line_in_every_command(cli, command: str) -> None:
    line = _one_line_error(cli(command, "no_such_scenario", "--set", "levers.training=2"))
    assert "out of range; use a value in [0, 1]" in line


def test_the_replay_command_keeps_each_set_as_typed(cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert (
        cli("run", "baseline", *SMALL, "--set", "levers.training=.8", "--out", out).exit_code == 0
    )
    command = json.loads((out / "manifest.json").read_text())["command"]
    assert "--set levers.training=.8" in command


# ---------------------------------------------------------------- start-up

HEAVY = ("numpy", "pandas", "mesa", "numba", "matplotlib", "scipy", "crmsim.model")
"""Libraries no command may import just to show its help (start-up time)."""


@pytest.mark.parametrize("args", [("--help",), ("run", "--help"), ("batch", "--help")])
def test_help_imports_no_engine_and_no_data_library(args: tuple[str, ...]) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]  # this checkout's crmsim, not an installed one
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crmsim", *args],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "crmsim.cli" in imported
    assert [name for name in HEAVY if name in imported] == []
