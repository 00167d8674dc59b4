"""Parameter declarations: coercion, ranges, suggestions and the frozen ParamSet."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmsim.errors import CrmsimError
from crmsim.params import LEVERS, PARAMS, Param, ParamSet, lookup, parse_assignment, suggest

FLOAT_PARAMS = [p for p in PARAMS.values() if p.kind is float]
INT_PARAMS = [p for p in PARAMS.values() if p.kind is int]
FLAG = Param("test.flag", bool, False, None, None, "", "A flag used only in these tests.", "test")


# ---------------------------------------------------------------- the declarations


@pytest.mark.parametrize("param", PARAMS.values(), ids=lambda p: p.name)
def test_every_declaration_is_complete_and_its_default_valid(param: Param) -> None:
    assert param.group and "." in param.name
    assert param.kind in (int, float, bool)
    assert param.meaning.strip() and param.source.strip() and param.unit.strip()
    assert param.coerce(param.default) == param.default
    if param.kind is not bool:
        assert param.lo <= param.default <= param.hi


def test_the_nine_survey_levers_are_intensities_in_unit_interval() -> None:
    assert len(LEVERS) == 9
    for name in LEVERS:
        assert (PARAMS[name].lo, PARAMS[name].hi) == (0.0, 1.0)


# ---------------------------------------------------------------- coercion


def test_strings_from_the_command_line_become_numbers() -> None:
    assert lookup("levers.training").coerce("0.8") == 0.8
    assert lookup("levers.training").coerce(" 1 ") == 1.0
    assert lookup("org.employees").coerce("200") == 200
    assert isinstance(lookup("org.employees").coerce("200"), int)


def test_whole_floats_are_accepted_for_integer_parameters() -> None:
    assert lookup("org.employees").coerce(200.0) == 200
    assert lookup("org.employees").coerce("2e2") == 200


@pytest.mark.parametrize("value", [200.5, "200.5", "abc", "", True, None, [1]])
def test_integer_parameters_refuse_non_integers(value: object) -> None:
    with pytest.raises(CrmsimError, match=r"org\.employees"):
        lookup("org.employees").coerce(value)


@pytest.mark.parametrize("value", ["abc", "", "0.5x", True, None, "nan", math.inf])
def test_float_parameters_refuse_non_numbers(value: object) -> None:
    with pytest.raises(CrmsimError, match=r"levers\.training"):
        lookup("levers.training").coerce(value)


def test_integers_become_floats_for_float_parameters() -> None:
    value = lookup("levers.training").coerce(1)
    assert value == 1.0 and isinstance(value, float)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("Yes", True), ("1", True), ("on", True), ("false", False), ("0", False)],
)
def test_boolean_words_are_understood(text: str, expected: bool) -> None:
    assert FLAG.coerce(text) is expected


@pytest.mark.parametrize("value", ["maybe", 1, 0.0, None])
def test_booleans_must_be_true_or_false(value: object) -> None:
    with pytest.raises(CrmsimError, match="true or false"):
        FLAG.coerce(value)


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize("param", FLOAT_PARAMS + INT_PARAMS, ids=lambda p: p.name)
def test_range_ends_are_inclusive(param: Param) -> None:
    assert param.coerce(param.lo) == param.lo
    assert param.coerce(param.hi) == param.hi


@pytest.mark.parametrize("param", FLOAT_PARAMS + INT_PARAMS, ids=lambda p: p.name)
def test_values_outside_the_range_are_refused_with_the_range(param: Param) -> None:
    step = 1 if param.kind is int else max(1e-9, 1e-9 * abs(param.hi))
    for bad in (param.lo - step, param.hi + step):
        with pytest.raises(CrmsimError, match="out of range") as info:
            param.coerce(bad)
        assert param.range_text() in str(info.value)


@given(
    st.sampled_from(FLOAT_PARAMS).flatmap(lambda p: st.tuples(st.just(p), st.floats(p.lo, p.hi)))
)
def test_any_float_in_range_survives_the_round_trip_through_text(case: tuple[Param, float]) -> None:
    param, value = case
    assert param.coerce(repr(value)) == value


@given(
    st.sampled_from(INT_PARAMS).flatmap(
        lambda p: st.tuples(st.just(p), st.integers(int(p.lo), int(p.hi)))
    )
)
def test_any_integer_in_range_survives_the_round_trip_through_text(case: tuple[Param, int]) -> None:
    param, value = case
    assert param.coerce(str(value)) == value


# ---------------------------------------------------------------- names and suggestions


def test_unknown_name_suggests_the_closest_parameter() -> None:
    with pytest.raises(CrmsimError, match=r"did you mean levers\.training\?"):
        lookup("levers.trainig")


def test_a_bare_key_suggests_its_full_dotted_name() -> None:
    assert suggest("employees") == "; did you mean org.employees?"


def test_a_hopeless_name_points_to_describe() -> None:
    with pytest.raises(CrmsimError, match="crmsim describe"):
        lookup("zzzz")


def test_parse_assignment_validates_name_and_value() -> None:
    assert parse_assignment("levers.training=0.8") == ("levers.training", 0.8)
    assert parse_assignment(" org.employees = 300 ") == ("org.employees", 300)
    with pytest.raises(CrmsimError, match="name=value"):
        parse_assignment("levers.training")
    with pytest.raises(CrmsimError, match="did you mean"):
        parse_assignment("levers.trainig=0.8")
    with pytest.raises(CrmsimError, match="out of range"):
        parse_assignment("levers.training=1.5")


# ---------------------------------------------------------------- ParamSet


def test_paramset_holds_every_parameter_at_its_default() -> None:
    params = ParamSet()
    assert list(params) == list(PARAMS)
    assert all(params[name] == p.default for name, p in PARAMS.items())
    assert params.changed() == {}


def test_paramset_is_frozen() -> None:
    params = ParamSet()
    with pytest.raises(AttributeError, match="frozen"):
        params._values = {}
    with pytest.raises(TypeError):
        params["levers.training"] = 0.9  # type: ignore[index]


def test_with_updates_returns_a_new_set_and_leaves_the_old_one_alone() -> None:
    default = PARAMS["levers.training"].default
    new = 0.9 if default != 0.9 else 0.8
    before = ParamSet()
    after = before.with_updates({"levers.training": str(new)})
    assert after["levers.training"] == new
    assert before["levers.training"] == default
    assert after.changed() == {"levers.training": new}
    assert after != before


def test_with_updates_validates() -> None:
    with pytest.raises(CrmsimError, match="out of range"):
        ParamSet().with_updates({"levers.training": 3})
    with pytest.raises(CrmsimError, match="did you mean"):
        ParamSet({"levers.trainig": 0.5})


def test_equal_sets_are_equal_and_hash_alike() -> None:
    a = ParamSet({"org.employees": 300})
    b = ParamSet().with_updates({"org.employees": "300"})
    assert a == b and hash(a) == hash(b)
    assert len({a, b}) == 1


def test_to_dict_is_a_copy() -> None:
    params = ParamSet()
    d = params.to_dict()
    d["levers.training"] = 0.123
    assert params["levers.training"] == PARAMS["levers.training"].default


def test_unknown_key_lookup_on_a_paramset_suggests() -> None:
    with pytest.raises(CrmsimError, match="did you mean"):
        ParamSet()["levers.trainig"]


def test_paramset_and_scenario_survive_pickling() -> None:
    """Process pools and Dask send them between processes."""
    import pickle

    from crmsim.params import ParamSet
    from crmsim.scenario import load

    p = ParamSet({"levers.training": 0.3})
    assert pickle.loads(pickle.dumps(p)) == p
    s = load("visible_wins")
    assert pickle.loads(pickle.dumps(s)).params == s.params


def test_every_starting_condition_names_declared_parameters_and_none_moves_mid_run() -> None:
    from crmsim.params import INITIAL_ONLY

    for entry in INITIAL_ONLY:
        matched = [n for n in PARAMS if n == entry or (entry.endswith(".") and n.startswith(entry))]
        assert matched, f"{entry} names no declared parameter"
        assert not any(PARAMS[n].mid_run for n in matched)
    assert PARAMS["levers.training"].mid_run
    assert PARAMS["frontline.confidence_weight"].mid_run
