"""Scenario files: loading, inheritance, validation errors, and a smoke run of each."""

from __future__ import annotations

import dataclasses
import math
import tomllib

import pytest

from crmsim.errors import CrmsimError
from crmsim.params import PARAMS, ParamSet
from crmsim.runner import SUMMARY_FIELDS, simulate
from crmsim.scenario import SCENARIO_DIR, Scenario, bundled, from_params, load

BUNDLED = bundled()


# ---------------------------------------------------------------- bundled scenarios


def test_the_bundled_scenarios_include_the_baseline_and_are_sorted() -> None:
    assert "baseline" in BUNDLED
    assert sorted(BUNDLED) == BUNDLED


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_loads_with_a_description(name: str) -> None:
    scenario = load(name)
    assert scenario.name == name
    assert scenario.description.strip()
    assert set(scenario.params) == set(PARAMS)
    assert scenario.path == SCENARIO_DIR / f"{name}.toml"


@pytest.mark.parametrize("name", BUNDLED)
def test_a_bundled_scenario_sets_exactly_what_its_file_and_parents_say(name: str) -> None:
    scenario = load(name)
    expected = load(scenario.chain[0]).params if scenario.chain else ParamSet()
    data = tomllib.loads((SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    written = {
        f"{group}.{key}"
        for group, table in data.items()
        if group not in ("scenario", "batch")
        for key in table
    }
    for param in PARAMS:
        if param not in written:
            assert scenario.params[param] == expected[param], param


def test_loading_by_name_and_by_path_gives_the_same_scenario() -> None:
    assert load("baseline") == load(SCENARIO_DIR / "baseline.toml")
    assert load("baseline") == load(str(SCENARIO_DIR / "baseline.toml"))


# ---------------------------------------------------------------- inheritance


def test_child_overrides_parent_and_keeps_the_rest(write_toml) -> None:
    write_toml(
        "parent",
        '[scenario]\ndescription = "the parent"\n\n[levers]\ntraining = 0.2\nstaffing = 0.3\n',
    )
    child = load(
        write_toml("child", '[scenario]\ninherits = "parent"\n\n[levers]\ntraining = 0.9\n')
    )
    assert child.params["levers.training"] == 0.9
    assert child.params["levers.staffing"] == 0.3
    assert child.chain == ("parent",)
    assert child.description == "the parent"  # inherited when the child is silent


def test_chain_lists_ancestors_nearest_first(write_toml) -> None:
    write_toml("grand", "[levers]\ntraining = 0.1\n")
    write_toml("mid", '[scenario]\ninherits = "grand"\n')
    leaf = load(write_toml("leaf", '[scenario]\ninherits = "mid"\ndescription = "leaf"\n'))
    assert leaf.chain == ("mid", "grand")
    assert leaf.params["levers.training"] == 0.1
    assert leaf.description == "leaf"


def test_a_local_file_can_inherit_a_bundled_scenario(write_toml) -> None:
    path = write_toml("mine", '[scenario]\ninherits = "baseline"\n\n[org]\nemployees = 300\n')
    mine = load(path)
    assert mine.chain == ("baseline",)
    assert mine.params == load("baseline").params.with_updates({"org.employees": 300})


def test_inheritance_cycles_are_refused(write_toml) -> None:
    write_toml("a", '[scenario]\ninherits = "b"\n')
    b = write_toml("b", '[scenario]\ninherits = "a"\n')
    with pytest.raises(CrmsimError, match="cycle"):
        load(b)


def test_a_scenario_inheriting_itself_is_a_cycle(write_toml) -> None:
    with pytest.raises(CrmsimError, match="cycle"):
        load(write_toml("selfish", '[scenario]\ninherits = "selfish"\n'))


def test_batch_section_is_preserved_read_only_and_inherited(write_toml) -> None:
    write_toml("parent", "[batch]\nreplicates = 50\nseed = 7\n")
    child = load(
        write_toml("child", '[scenario]\ninherits = "parent"\n\n[batch]\nreplicates = 5\n')
    )
    assert dict(child.batch) == {"replicates": 5, "seed": 7}
    with pytest.raises(TypeError):
        child.batch["replicates"] = 1  # type: ignore[index]


def test_bundled_baseline_keeps_its_batch_section() -> None:
    data = tomllib.loads((SCENARIO_DIR / "baseline.toml").read_text(encoding="utf-8"))
    assert dict(load("baseline").batch) == data.get("batch", {})


def test_dotted_keys_work_like_tables(write_toml) -> None:
    dotted = load(write_toml("dotted", "levers.training = 0.7\n"))
    assert dotted.params["levers.training"] == 0.7


# ---------------------------------------------------------------- errors name the fix


def test_malformed_toml_names_the_line(write_toml) -> None:
    path = write_toml("broken", '[scenario]\ndescription = "ok"\ntraining = = 0.3\n')
    with pytest.raises(CrmsimError, match="line 3") as info:
        load(path)
    assert "malformed TOML" in str(info.value)


def test_unknown_parameter_in_a_file_suggests_the_closest(write_toml) -> None:
    with pytest.raises(CrmsimError, match=r"unk\.toml.*did you mean levers\.training\?"):
        load(write_toml("unk", "[levers]\ntrainig = 0.3\n"))


def test_unknown_scenario_key_suggests_the_closest(write_toml) -> None:
    with pytest.raises(CrmsimError, match="did you mean description"):
        load(write_toml("typo", '[scenario]\ndescripton = "x"\n'))


def test_unknown_top_level_key_is_refused(write_toml) -> None:
    with pytest.raises(CrmsimError, match="unknown top-level key"):
        load(write_toml("top", "employees = 300\n"))


def test_out_of_range_value_in_a_file_names_file_and_range(write_toml) -> None:
    with pytest.raises(CrmsimError, match=r"range\.toml: levers\.training.*\[0, 1\]"):
        load(write_toml("range", "[levers]\ntraining = 1.5\n"))


def test_wrong_type_in_a_file_is_refused(write_toml) -> None:
    with pytest.raises(CrmsimError, match="org.employees must be"):
        load(write_toml("types", '[org]\nemployees = "many"\n'))


def test_missing_file_is_reported(tmp_path) -> None:
    with pytest.raises(CrmsimError, match="not found"):
        load(tmp_path / "nowhere.toml")


def test_unknown_bundled_name_suggests_the_closest() -> None:
    with pytest.raises(CrmsimError, match="did you mean baseline"):
        load("baselin")


def test_missing_parent_is_reported(write_toml) -> None:
    with pytest.raises(CrmsimError, match="unknown scenario 'no_such_parent'"):
        load(write_toml("orphan", '[scenario]\ninherits = "no_such_parent"\n'))


# ---------------------------------------------------------------- the Scenario object


def test_scenario_is_frozen_and_with_updates_copies() -> None:
    base = load("baseline")
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.name = "other"  # type: ignore[misc]
    changed = base.with_updates({"org.employees": 300})
    assert changed.params["org.employees"] == 300
    assert base.params["org.employees"] == load("baseline").params["org.employees"]
    assert (changed.name, changed.path, changed.chain) == (base.name, base.path, base.chain)
    assert base.with_updates({}) is base


def test_to_dict_records_name_source_chain_and_every_parameter() -> None:
    record = load("visible_wins").to_dict()
    assert record["name"] == "visible_wins"
    assert record["inherits"] == list(load("visible_wins").chain)
    assert set(record["params"]) == set(PARAMS)


def test_from_params_builds_a_scenario_in_code() -> None:
    scenario = from_params("mine", {"org.employees": 300})
    assert isinstance(scenario, Scenario)
    assert scenario.params["org.employees"] == 300 and scenario.path is None


# ---------------------------------------------------------------- smoke run of each scenario

SHARES = (
    "final_adoption",
    "final_engaged",
    "final_rejecting",
    "min_sponsor_confidence",
    "final_confidence_sponsor",
    "final_confidence_manager",
    "final_confidence_frontline",
    "final_manager_resistance",
)
SMOKE_WEEKS = 30


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_runs_and_its_summary_is_in_range(name: str) -> None:
    scenario = load(name).with_updates({"org.employees": 300})
    result = simulate(scenario, seed=1, weeks=SMOKE_WEEKS)
    s = result.summary
    ts = result.timeseries

    assert tuple(s) == SUMMARY_FIELDS
    assert list(ts["week"]) == list(range(SMOKE_WEEKS + 1))
    for field in SHARES:
        if s[field] is not None:
            assert 0.0 <= s[field] <= 1.0, field
    for field in (
        "weeks_to_50",
        "weeks_to_80",
        "dip_bottom_week",
        "recovery_week",
        "payback_week",
        "cancel_week",
        "cut_week",
    ):
        assert s[field] is None or 0 <= s[field] <= SMOKE_WEEKS, field
    assert s["profit_dip_depth"] >= 0.0
    assert 0 <= s["dip_weeks"] <= SMOKE_WEEKS + 1
    assert s["total_spend"] >= 0.0 and math.isfinite(s["cum_profit_delta"])
    assert s["milestones_met"] >= 0 and s["milestones_missed"] >= 0
    assert isinstance(s["cancelled"], bool) and isinstance(s["success"], bool)
    assert s["cancelled"] == (s["cancel_week"] is not None)
    assert not (s["success"] and s["cancelled"])
    states = ts[["adoption", "trying", "rejecting", "not_using"]]
    assert ((states >= 0) & (states <= 1)).all().all()
    assert (states.sum(axis=1) - 1.0).abs().max() < 1e-9
    assert result.seed == 1
