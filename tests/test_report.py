"""``crmsim report``: one-page handouts of a run and of a batch."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from crmsim.errors import CrmsimError
from crmsim.output import write_run
from crmsim.report import load, tipping_week, wavering_week, write
from crmsim.runner import simulate
from crmsim.scenario import load as load_scenario

# Small and short, so a run takes milliseconds and a batch a second.
SMALL = ("--set", "org.employees=150", "--set", "run.weeks=60")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    scenario = load_scenario("no_sponsor").with_updates(
        {"org.employees": 150, "run.weeks": 80, "rollout.implementation_weeks": 4}
    )
    result = simulate(scenario, seed=3)
    out = tmp_path_factory.mktemp("run") / "no_sponsor"
    return write_run(out, scenario, result, command="crmsim run no_sponsor --seed 3")


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from crmsim.cli import main

    out = tmp_path_factory.mktemp("batch") / "b"
    args = ["batch", "baseline", "no_sponsor", "-n", "3", "--seed", "5", "-j", "1", *SMALL]
    result = CliRunner().invoke(main, [*args, "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_run_handout_is_one_pdf_page(run_dir, tmp_path, cli):
    out = tmp_path / "handout.pdf"
    result = cli("report", run_dir, "--out", out)
    assert result.exit_code == 0 and str(out) in result.output
    assert out.read_bytes().startswith(b"%PDF") and pdf_pages(out) == 1


def test_default_output_is_a_pdf_in_the_run_directory(run_dir):
    assert write(run_dir) == run_dir / "handout.pdf"
    assert pdf_pages(run_dir / "handout.pdf") == 1


def test_run_handout_says_what_was_set_and_what_happened(run_dir, tmp_path):
    page = write(run_dir, tmp_path / "h.html").read_text(encoding="utf-8")
    assert "Weak top-management support" in page  # the scenario in plain words
    assert "Top-management support: 0.1 (usual 0.6)" in page  # a changed setting
    assert "Using CRM at the end" in page and "Profit dip" in page  # key figures
    assert "go-live" in page and "profit dip at its bottom" in page  # what happened when
    assert page.count("data:image/png;base64,") == 2  # adoption and profit, inlined


def test_run_timeline_is_in_week_order(run_dir):
    handout = load(run_dir)
    weeks = [int(when.split()[1]) for when, _ in handout.timeline if when != "never"]
    assert weeks == sorted(weeks)


def test_batch_handout_compares_the_scenarios_with_bands(batch_dir, tmp_path):
    handout = load(batch_dir)
    assert handout.kind == "batch" and handout.columns == ["baseline", "no_sponsor"]
    assert all(len(row) == 3 for row in handout.figures + handout.timeline)
    assert [row[0] for row in handout.timeline][:3] == [
        "Go-live",
        "Sponsor wavering",
        "Profit dip at its bottom",
    ]
    pdf = write(batch_dir, tmp_path / "batch.pdf")
    assert pdf_pages(pdf) == 1
    page = write(batch_dir, tmp_path / "batch.html").read_text(encoding="utf-8")
    assert "of 3 runs" in page and "no_sponsor" in page


def test_report_refuses_other_directories_and_file_types(tmp_path, cli, run_dir):
    result = cli("report", tmp_path)
    assert result.exit_code == 2 and "neither a run" in result.output
    assert "Traceback" not in result.output
    result = cli("report", run_dir, "--out", tmp_path / "handout.docx")
    assert result.exit_code == 2 and ".pdf or .html" in result.output
    with pytest.raises(CrmsimError, match="not a directory"):
        load(tmp_path / "missing")


def test_tipping_point_is_the_steepest_week_of_an_s_curve():
    weeks = np.arange(100)
    s_curve = 1.0 / (1.0 + np.exp(-(weeks - 40) / 6.0))
    assert abs(tipping_week(s_curve) - 42) <= 2  # 4-week growth ends 2 weeks past the midpoint
    assert tipping_week(0.2 * s_curve) is None  # never takes off: no tipping point
    assert tipping_week(np.zeros(100)) is None


def test_sponsor_wavers_the_first_week_below_the_retreat_point():
    assert wavering_week([0.8, 0.5, 0.34, 0.2, 0.5], retreat=0.35) == 2
    assert wavering_week([0.8, 0.5, 0.4], retreat=0.35) is None
