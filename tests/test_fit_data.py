"""crmsim fit refuses bad input in one line, exit code 2, and leaves nothing behind.

No search runs here: every check happens before the output folder is made.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "fit" / "example.toml"

GOOD = "week,active_share,rejecting_share\n1,0.0,0.0\n2,0.05,0.01\n3,0.1,0.02\n4,0.15,0.02\n"


def _fit(cli, tmp_path: Path, csv_text: str, *extra: str, scenario: Path = EXAMPLE):
    data = tmp_path / "firm.csv"
    data.write_text(csv_text, encoding="utf-8")
    out = tmp_path / "out"
    result = cli("fit", data, "--scenario", scenario, "--out", out, *extra)
    return result, out


def refused(result, out: Path, words: list[str]) -> None:
    """Exit code 2, one line naming the problem (all of ``words``), no output folder."""
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: error: "), result.output
    for w in words:
        assert w in lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    ("csv_text", "words"),
    [
        ("week,active_share\n1,0.1\n2,lots\n3,0.2\n4,0.3\n", ["'lots' is not a number", "row 2"]),
        ("week,active_share\n1,0.1\n2,35\n3,0.2\n4,0.3\n", ["outside [0, 1]", "fractions"]),
        ("week,rejecting_share\n1,0.1\n2,-0.2\n3,0.2\n4,0.3\n", ["outside [0, 1]"]),
        ("week,active_share\n1,0.1\n3,0.2\n2,0.3\n4,0.3\n", ["week 2 comes after week 3", "sort"]),
        ("week,active_share\n1,0.1\n2,0.2\n2,0.3\n4,0.3\n", ["week 2 appears twice"]),
        ("week,activ_share\n1,0.1\n2,0.2\n3,0.3\n4,0.3\n", ["unknown column", "active_share?"]),
        ("week,active_share,region\n1,0.1,N\n2,0.2,N\n3,0.3,N\n4,0.3,N\n", ["unknown column"]),
        ("week,active_share\n1,0.1\n2,0.2\n3,0.3\n", ["3 observed weeks", "at least 4"]),
        ("week,active_share\n1,0.1\n2,\n3,0.3\n4,\n5,0.4\n", ["3 observed weeks"]),
        ("active_share\n0.1\n0.2\n0.3\n0.4\n", ["no week column"]),
        ("week,active_share\n0,0.1\n1,0.2\n2,0.3\n3,0.4\n", ["whole week from 1 on"]),
        ("week,active_share\n1.5,0.1\n2,0.2\n3,0.3\n4,0.4\n", ["whole week"]),
        ("week,milestone_met\n1,0\n2,0\n3,2\n4,0\n", ["milestone_met must be 1"]),
        ("week,active_share\n1,0.1\n2,0.2\n3,0.3\n200,0.4\n", ["forecast's end"]),
        ("", ["is empty"]),
    ],
)
def test_bad_data_is_one_line_naming_problem_and_fix(cli, tmp_path, csv_text, words) -> None:
    result, out = _fit(cli, tmp_path, csv_text)
    refused(result, out, words)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--unknown", "sponsor.comitment"], ["not a parameter", "sponsor.commitment?"]),
        (["--unknown", "levers.training"], ["the scenario sets it", "knows it"]),
        (["--unknown", "org.span_of_control"], ["the scenario"]),
        (["--unknown", "diffusion.q", "--unknown", "diffusion.q"], ["given twice"]),
        (["--unknown", "milestones.interval_weeks"], ["only real-valued"]),
        (["--scenario", "no_such_scenario"], ["unknown scenario"]),
        (["--workers", "2", "--scheduler", "tcp://localhost:8786"], ["exclude each other"]),
    ],
)
def test_bad_unknowns_and_options_are_one_line(cli, tmp_path, args, words) -> None:
    if args[0] == "--unknown" and args[1] == "org.span_of_control":
        scen = tmp_path / "firm.toml"
        scen.write_text('[scenario]\ninherits = "baseline"\n[org]\nspan_of_control = 8\n')
        result, out = _fit(cli, tmp_path, GOOD, *args, scenario=scen)
    else:
        result, out = _fit(cli, tmp_path, GOOD, *args)
    refused(result, out, words)


def test_active_users_need_the_firms_size(cli, tmp_path) -> None:
    text = "week,active_users\n1,0\n2,5\n3,9\n4,12\n"
    result, out = _fit(cli, tmp_path, text, scenario="baseline")
    assert result.exit_code == 2 and "set org.employees in the scenario" in result.output
    assert not out.exists()


def test_active_users_become_shares_of_the_firms_users(tmp_path) -> None:
    from crmsim.fit.data import read_observations

    data = tmp_path / "firm.csv"
    data.write_text("week,active_users\n1,0\n2,10\n3,20\n4,40\n")
    obs = read_observations(data, n_users=200, horizon=156)
    assert list(obs.values) == ["active_share"]
    assert obs.values["active_share"].tolist() == [0.0, 0.05, 0.1, 0.2]
    data.write_text("week,active_users\n1,0\n2,10\n3,20\n4,400\n")
    with pytest.raises(Exception, match=r"outside \[0, 200\]"):
        read_observations(data, n_users=200, horizon=156)


def test_missing_weeks_and_empty_cells_are_allowed(tmp_path) -> None:
    from crmsim.fit.data import read_observations

    data = tmp_path / "firm.csv"
    data.write_text("week,active_share,profit_index\n2,0.1,0.9\n5,0.2,\n9,,0.95\n10,0.3,0.97\n")
    obs = read_observations(data, None, 156)
    assert obs.weeks.tolist() == [2, 5, 9, 10]
    assert obs.last_week == 10
    assert [(c, w) for c, w, _ in obs.pairs()] == [
        ("active_share", 2), ("active_share", 5), ("active_share", 10),
        ("profit_index", 2), ("profit_index", 9), ("profit_index", 10),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("section", "words"),
    [
        ('[fit.priors]\n"diffusion.q" = [0.5, 0.1]\n', ["lo < hi"]),
        ('[fit.priors]\n"diffusion.q" = [0.0, 0.5, "log"]\n', ["lo > 0"]),
        ('[fit.priors]\n"diffusion.q" = 0.1\n', ["must be a list"]),
        ('[fit]\nunknowns = ["diffusion.qq"]\n', ["unknown parameter", "diffusion.q?"]),
        ("[fit]\nstep = 2\n", ["step must be a number in (0, 1]"]),
        ('[fit]\nactions = ["org.employees"]\n', ["cannot change mid-run"]),
        ('[fit]\nunknown = ["diffusion.q"]\n', ["unknowns"]),
    ],
)
def test_a_bad_fit_section_is_one_line(cli, tmp_path, section, words) -> None:
    scen = tmp_path / "firm.toml"
    scen.write_text('[scenario]\ninherits = "baseline"\n' + section)
    result, out = _fit(cli, tmp_path, GOOD, scenario=scen)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    for w in words:
        assert w in result.output
    assert not out.exists()


def test_a_fit_section_does_not_disturb_other_commands() -> None:
    from crmsim.scenario import load

    s = load(EXAMPLE)
    assert s.params["org.employees"] == 500 and s.chain == ("baseline",)


def test_priors_follow_the_declared_ranges_and_defaults() -> None:
    from crmsim.fit.problem import FitSection, choose_priors
    from crmsim.params import lookup

    priors = {p.name: p for p in choose_priors([], FitSection())}
    c = lookup("sponsor.commitment")
    assert (priors[c.name].lo, priors[c.name].hi, priors[c.name].log) == (c.lo, c.hi, False)
    q = lookup("diffusion.q")  # a rate: log-uniform around its default
    assert priors[q.name].log and priors[q.name].lo < q.default < priors[q.name].hi
    # a fifth to five times the default, inside the declared range
    assert priors[q.name].hi == pytest.approx(min(5 * q.default, q.hi))
    assert priors[q.name].lo == pytest.approx(max(q.default / 5, q.lo))


def test_without_pyabc_the_command_says_how_to_install_it(cli, tmp_path, monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyabc" else real(name, *a))  # fmt: skip
    result, out = _fit(cli, tmp_path, GOOD)
    refused(result, out, ["needs pyabc", "crmsim[fit]"])
