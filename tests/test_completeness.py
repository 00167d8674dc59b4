"""Every analysis of a batch says whether it is complete, and never crashes on a partial one.

An interrupted batch is made deterministically: a finished batch of two
scenarios in four chunks, with its last two chunks (all of ``big_bang``)
removed and its manifest left ``running``, as a batch killed after two
chunks leaves it. ``compare``, ``plot``, ``report`` and ``export`` then
show the finished runs *as part of the plan* ("4 of 8 runs", the missing
scenario named, the command that finishes it); with ``--require-complete``
they refuse with one line and exit code 2. A damaged chunk is refused with
one line naming it and the resume command. No case changes a file that was
there before (the batch folder's hash before and after).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from test_files import _tree_hash as tree_hash

from crmsim.batch_plots import plot_band_panels
from crmsim.cli import main
from crmsim.completeness import completeness
from crmsim.storage import RunStore

BATCH = ["batch", "baseline", "big_bang", "-n", "4", "--seed", "5", "--set", "org.employees=150",
         "--set", "run.weeks=20", "--chunk-runs", "2", "--workers", "1"]  # fmt: skip
RESUME = "crmsim batch --resume --out"


def invoke(*args: object):
    """``crmsim ARGS...`` in-process (exceptions are caught: a traceback fails the test)."""
    return CliRunner().invoke(main, [str(a) for a in args])


def made_batch(tmp_path_factory, args: list[str]) -> Path:
    """A batch made with ``crmsim ARGS --out DIR`` in a fresh folder; its folder."""
    out = tmp_path_factory.mktemp("whole") / "b"
    result = invoke(*args, "--out", out)
    assert result.exit_code == 0, result.stderr
    return out


def made_run(out: Path) -> Path:
    """A small single run (``crmsim run``) in ``out``."""
    made = invoke("run", "baseline", "--set", "org.employees=100", "--set", "run.weeks=8",
                  "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.stderr
    return out


def set_status(root: Path, status: str) -> None:
    """Rewrite the manifest's status (``running``: as a killed batch leaves it)."""
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["status"] = status
    (root / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """A finished batch: 2 scenarios x 4 runs in 4 chunks of 2 (baseline first)."""
    return made_batch(tmp_path_factory, BATCH)


def interrupt(whole: Path, to: Path) -> Path:
    """A copy of ``whole`` as a batch killed after its first two chunks leaves it."""
    shutil.copytree(whole, to)
    for sub in ("summary", "weekly"):
        for n in (3, 4):
            (to / sub / f"part-{n:06d}.parquet").unlink()
    set_status(to, "running")
    return to


@pytest.fixture
def partial(whole, tmp_path) -> Path:
    return interrupt(whole, tmp_path / "partial")


@pytest.fixture
def damaged(whole, tmp_path) -> Path:
    copy = tmp_path / "damaged"
    shutil.copytree(whole, copy)
    part = copy / "weekly" / "part-000002.parquet"
    part.write_bytes(part.read_bytes()[:300])
    return copy


# ---------------------------------------------------------------- the one computation


def test_completeness_counts_planned_done_failed_missing_per_scenario(partial):
    with RunStore.open(partial) as store:
        found = completeness(store)
    assert (found.planned, found.count("done"), found.count("failed")) == (8, 4, 0)
    assert found.count("missing") == 4 and not found.complete
    assert found.why == "interrupted"  # 'running' in the manifest, no process holds it
    groups = found.groups(["scenario"]).set_index("scenario")
    assert groups.loc["baseline"].tolist() == [4, 4, 0, 0]  # planned, done, failed, missing
    assert groups.loc["big_bang"].tolist() == [4, 0, 0, 4]
    assert found.runs_text() == "4 of 8 runs (4 missing, interrupted)"
    assert found.resume == f"{RESUME} {partial}"


def test_a_finished_batch_is_complete(whole):
    with RunStore.open(whole) as store:
        found = completeness(store)
    assert found.complete and found.count("done") == 8
    assert found.headline() == "Complete: all 8 planned runs are stored."
    found.require()  # does not raise


# ---------------------------------------------------------------- analyses of a partial batch


def test_compare_shows_every_planned_group_and_what_is_missing(partial, tmp_path):
    before = tree_hash(partial)
    result = invoke("compare", partial, "--csv", tmp_path / "cmp.csv")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("big_bang") and "0 of 4" in line for line in lines)
    assert f"Incomplete batch: 4 of 8 runs (4 missing, interrupted). Finish with: {RESUME}" in (
        result.stdout
    )
    assert "  big_bang: 0 of 4 runs (4 missing)" in lines
    table = pd.read_csv(tmp_path / "cmp.csv").set_index("scenario")
    assert table.loc["big_bang", ["runs", "planned", "missing"]].tolist() == [0, 4, 4]
    assert table.loc["baseline", ["runs", "planned", "missing"]].tolist() == [4, 4, 0]
    assert tree_hash(partial) == before


def test_plot_captions_the_figure_with_the_missing_runs(partial, tmp_path):
    before = tree_hash(partial)
    result = invoke("plot", partial, "--out", tmp_path / "a.png")
    assert result.exit_code == 0, result.stderr
    assert "Incomplete batch: 4 of 8 runs" in result.stderr and "Traceback" not in result.output
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert tree_hash(partial) == before


def test_the_caption_names_the_missing_groups_and_the_fix(partial):
    with RunStore.open(partial) as store:
        found = completeness(store)
    caption = found.caption(["scenario"]).replace("\n", " ")
    assert caption.startswith("Incomplete batch: 4 of 8 runs (4 missing, interrupted).")
    assert "big_bang: 0 of 4 runs" in caption and f"{RESUME} {partial}" in caption
    table = pd.DataFrame({"scenario": ["baseline"], "week": [0], "n": [4], "q05": [0.0],
                          "q25": [0.0], "q50": [0.0], "q75": [0.0], "q95": [0.0]})  # fmt: skip
    fig = plot_band_panels(table, ["scenario"], [], "adoption", caption=found.caption(["scenario"]))
    assert "4 of 8 runs" in fig._supxlabel.get_text()


def test_report_title_and_notes_say_how_many_runs_it_shows(partial, tmp_path):
    before = tree_hash(partial)
    result = invoke("report", partial, "--out", tmp_path / "h.html")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "h.html").read_text()
    assert "<title>baseline vs big_bang · 4 of 8 runs (4 missing, interrupted)</title>" in page
    assert "big_bang: 0 of 4 runs (4 missing)" in page and RESUME in page
    assert tree_hash(partial) == before


def test_export_writes_completeness_csv_beside_the_tables(partial, tmp_path):
    before = tree_hash(partial)
    result = invoke("export", partial, "--csv", tmp_path / "csv")
    assert result.exit_code == 0, result.stderr
    assert "Incomplete batch: 4 of 8 runs" in result.stderr
    cells = pd.read_csv(tmp_path / "csv" / "completeness.csv")
    assert cells.columns.tolist() == ["cell", "scenario", "planned", "done", "failed", "missing"]
    assert cells.values.tolist() == [[0, "baseline", 4, 4, 0, 0], [1, "big_bang", 4, 0, 0, 4]]
    assert len(pd.read_csv(tmp_path / "csv" / "summary.csv")) == 4  # a plain table, no footer
    assert tree_hash(partial) == before


@pytest.mark.parametrize(
    "args",
    [["compare"], ["plot", "--out", "{tmp}/a.png"], ["report", "--out", "{tmp}/h.pdf"],
     ["export", "--csv", "{tmp}/csv"]],
    ids=["compare", "plot", "report", "export"],
)  # fmt: skip
def test_require_complete_refuses_a_partial_batch_in_one_line(partial, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in args]
    before = tree_hash(partial)
    result = invoke(args[0], partial, *args[1:], "--require-complete")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0] == (
        f"crmsim: error: {partial} is incomplete: 4 of 8 runs done, 4 missing "
        f"(big_bang 0 of 4); finish it with {RESUME} {partial}"
    )
    assert not (tmp_path / "out").exists()  # nothing written
    assert tree_hash(partial) == before


@pytest.mark.parametrize("command", ["compare", "plot", "report", "export"])
def test_require_complete_accepts_a_complete_batch(whole, tmp_path, command):
    out = {"compare": [], "plot": ["--out", tmp_path / "a.png"],
           "report": ["--out", tmp_path / "h.pdf"], "export": ["--csv", tmp_path / "c"]}  # fmt: skip
    result = invoke(command, whole, *out[command], "--require-complete")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", ["compare", "plot", "report", "export"])
def test_analyses_refuse_a_damaged_chunk_in_one_line_naming_the_fix(damaged, tmp_path, command):
    out = {"compare": [], "plot": ["--out", tmp_path / "a.png"],
           "report": ["--out", tmp_path / "h.pdf"], "export": ["--csv", tmp_path / "c"]}  # fmt: skip
    before = tree_hash(damaged)
    result = invoke(command, damaged, *out[command])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "weekly/part-000002.parquet" in lines[0] and "damaged" in lines[0]
    assert f"{RESUME} {damaged}" in lines[0]
    assert tree_hash(damaged) == before


def test_a_weekly_part_cut_to_fewer_rows_is_found_by_its_recorded_count(whole, tmp_path):
    import pyarrow.parquet as pq

    copy = tmp_path / "b"
    shutil.copytree(whole, copy)
    part = copy / "weekly" / "part-000003.parquet"
    table = pq.read_table(part)
    pq.write_table(table.slice(0, table.num_rows // 2), part)  # readable Parquet, rows lost
    with RunStore.open(copy) as store:
        found = completeness(store)
    assert not found.complete and list(found.damaged) == [3]
    assert "holds 21 rows, its summary part says 42" in found.damaged[3]


# ---------------------------------------------------------------- single runs and metrics


def test_plot_metric_week_is_one_line_listing_the_metrics(whole):
    result = invoke("plot", whole, "--metric", "week")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the week is the x axis" in lines[0] and "adoption" in lines[0]


def test_export_of_a_single_run_is_one_line(tmp_path):
    run = made_run(tmp_path / "r")
    before = tree_hash(run)
    result = invoke("export", run, "--csv", tmp_path / "csv")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "single run" in lines[0]
    assert tree_hash(run) == before
