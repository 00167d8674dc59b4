"""Unit tests of the compiled kernels against plain numpy/scipy versions of the same rules.

The per-agent reference (tests/test_reference.py) checks whole weeks; these
tests aim at the kernels' shortcuts: the jagged-diagonal peer sums must equal
scipy's CSR product bit for bit, and adoption's upper-bound shortcut and
incremental peer counts must give exactly the transitions of a whole-array
version that computes every hazard every sub-step, including at extreme
parameter values where the bounds are tight.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from crmsim import kernels
from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.params import ParamSet


def random_network(rng: np.random.Generator, n: int, ties: int) -> sp.csr_matrix:
    """A symmetric 0/1 CSR matrix without self-ties, as organisation.build makes."""
    src = rng.integers(0, n, ties)
    dst = rng.integers(0, n, ties)
    keep = src != dst
    rows = np.concatenate((src[keep], dst[keep]))
    cols = np.concatenate((dst[keep], src[keep]))
    adj = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    adj.sort_indices()
    return adj


@pytest.mark.parametrize("n, ties, lo", [(1, 0, 0), (30, 0, 5), (200, 900, 17), (500, 400, 0)])
def test_peer_means_on_jagged_diagonals_equal_the_csr_product_bit_for_bit(n, ties, lo) -> None:
    rng = np.random.default_rng(n + ties)
    adj = random_network(rng, n, ties)
    confidence = rng.random(n)
    count = np.asarray(adj.sum(axis=1)).ravel()
    rows = adj[lo:]
    total = rows @ (2.0 * confidence - 1.0)
    expected = np.divide(total, count[lo:], out=np.zeros_like(total), where=count[lo:] > 0)
    out = np.full(n - lo, np.nan)
    neighbours, starts, order = kernels.jagged_diagonals(rows)
    kernels._peer_means(neighbours, starts, order, confidence, count, lo, np.empty(n - lo), out)
    assert np.array_equal(out, expected)


def test_neighbour_table_lists_each_row_in_csr_order_then_padding() -> None:
    adj = random_network(np.random.default_rng(3), 40, 120)
    table = kernels.neighbour_table(adj)
    assert table.shape == (40, int(np.diff(adj.indptr).max()))
    for r in range(40):
        nb = adj.indices[adj.indptr[r] : adj.indptr[r + 1]]
        assert table[r, : nb.size].tolist() == nb.tolist()
        assert (table[r, nb.size :] == 40).all()


def adopt_whole_arrays(draws, state, c, gate, live, innov, rho, theta, skill, upc, peers, prm):
    """Adoption as whole-array numpy: every hazard computed every sub-step (no shortcut)."""
    k = draws.shape[0]
    dt = 1.0 / k
    readiness = np.exp(prm["cw"] * (c - 0.5)) * gate
    innovation = prm["p"] * innov * prm["cut"]
    low = c < rho
    reject_h = np.where(low, prm["reject_rate"], 0.0) * dt
    p_reject = 1.0 - np.exp(-reject_h)
    back_ok = live & (c > rho + prm["margin"])
    p_back = 1.0 - np.exp(-prm["reconsider_rate"] * readiness * dt)
    skill_ok = skill >= prm["skill_to_use"]
    st_ = state.copy()
    for j in range(k):
        u = draws[j]
        using = (st_ == USING).astype(float)
        share = using.mean()
        local = np.divide(peers @ using, upc, out=np.full(st_.size, share), where=upc > 0)
        seen = (1.0 - prm["mix"]) * local + prm["mix"] * share
        peer = (1.0 - prm["omega"]) * seen + prm["omega"] * (seen >= theta)
        adopt_h = readiness * (innovation + prm["q"] * peer) * dt
        total = adopt_h + reject_h
        p_any = 1.0 - np.exp(-total)
        p_try = p_any * np.divide(adopt_h, total, out=np.zeros_like(total), where=total > 0)
        new = st_.copy()
        idle = live & (st_ == NOT_USING)
        new[idle & (u < p_try)] = TRYING
        new[idle & (u >= p_try) & (u < p_any)] = REJECTING
        engaged = live & low & ((st_ == TRYING) | (st_ == USING))
        new[engaged & (u < p_reject)] = REJECTING
        new[back_ok & (st_ == REJECTING) & (u < p_back)] = TRYING
        new[(new == TRYING) & skill_ok] = USING
        st_ = new
    return st_


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    k=st.integers(1, 7),
    cw=st.sampled_from([0.0, 0.5, 4.0, 20.0]),
    rate_scale=st.sampled_from([0.01, 0.3, 1.0, 5.0]),
    mix=st.sampled_from([0.0, 0.3, 1.0]),
    omega=st.sampled_from([0.0, 0.5, 1.0]),
    cut=st.sampled_from([0.5, 1.0]),
)
def test_adopt_kernel_equals_whole_array_adoption_exactly(
    seed, n, k, cw, rate_scale, mix, omega, cut
) -> None:
    rng = np.random.default_rng(seed)
    adj = random_network(rng, n, int(rng.integers(0, 4 * n + 1)))
    state = rng.choice(np.array([NOT_USING, TRYING, USING, REJECTING], dtype=np.int8), n)
    # confidences near 0 and 1 put readiness at the ends of its chord bound (tight)
    kind = rng.choice(3, size=n, p=[0.6, 0.2, 0.2])
    tiny = 1e-6 * rng.random(n)
    c = np.where(kind == 0, rng.random(n), np.where(kind == 1, 1.0 - tiny, tiny))
    gate = rng.uniform(0.0, 2.0, n)
    live = rng.random(n) < 0.8
    state[~live & ((state == TRYING) | (state == USING))] = NOT_USING
    innov = rng.uniform(0.05, 3.0, n)
    rho = rng.random(n) * 0.6
    theta = rng.random(n) * 0.3
    skill = rng.random(n)
    upc = np.asarray(adj.sum(axis=1)).ravel()
    prm = dict(
        cw=cw, p=0.05 * rate_scale, cut=cut, q=0.3 * rate_scale, mix=mix, omega=omega,
        reject_rate=0.2 * rate_scale, reconsider_rate=0.1 * rate_scale, margin=0.1,
        skill_to_use=0.5,
    )  # fmt: skip
    draws = rng.random((k, n))
    expected = adopt_whole_arrays(
        draws, state, c, gate, live, innov, rho, theta, skill, upc, adj, prm
    )
    got = state.copy()
    users = np.arange(n, dtype=np.int64)
    unit = np.arange(n, dtype=np.int32)  # every user its own unit: gate per user
    record = kernels.param_record(ParamSet().to_dict())  # every parameter, by name
    for field, value in (
        ("frontline_confidence_weight", cw), ("diffusion_p", prm["p"]), ("diffusion_q", prm["q"]),
        ("network_mixing", mix), ("frontline_threshold_weight", omega),
        ("frontline_reject_rate", prm["reject_rate"]),
        ("frontline_reconsider_rate", prm["reconsider_rate"]),
        ("frontline_return_margin", prm["margin"]), ("frontline_skill_to_use", prm["skill_to_use"]),
    ):  # fmt: skip
        record[0][field] = value
    signals = kernels.signals_record()
    signals[kernels.records.CUT_FACTOR] = cut
    kernels.adopt(
        draws, users, got, c, gate, unit, live, innov, rho, theta, skill, upc,
        kernels.neighbour_table(adj), record, signals,
    )  # fmt: skip
    assert np.array_equal(got, expected)


def test_kernels_still_compile_where_no_cache_can_be_written(monkeypatch) -> None:
    import importlib.util

    import numba.core.caching

    monkeypatch.setattr(numba.core.caching.CacheImpl, "_locator_classes", [])
    tallies = Path(kernels.__file__).with_name("tallies.py")
    spec = importlib.util.spec_from_file_location("kernels_uncached", tallies)
    uncached = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(uncached)  # numba refuses cache=True here: no exception
    state = np.array([USING, TRYING, USING, NOT_USING], dtype=np.int8)
    assert uncached.count_state(np.arange(4), state, USING) == 2


def test_the_one_skill_gain_rule_gives_numpys_numbers_on_numbers_and_arrays() -> None:
    rng = np.random.default_rng(5)
    skill = rng.random(50)
    share = 0.37
    expected = skill + share * (1.0 - skill)
    assert np.array_equal(kernels.skill_after(skill, share), expected)
    assert [kernels.skill_after(float(s), share) for s in skill] == expected.tolist()
    # the weekly learning kernel applies it to live users trying or using, capped at 1
    state = rng.choice(np.array([NOT_USING, TRYING, USING, REJECTING], dtype=np.int8), 50)
    live = rng.random(50) < 0.7
    learned = skill.copy()
    kernels.learn_and_tally(
        np.arange(50), state, live, learned, rng.random(50), share, np.zeros(4, dtype=np.int64)
    )
    moves = live & ((state == TRYING) | (state == USING))
    assert np.array_equal(learned, np.where(moves, np.minimum(expected, 1.0), skill))


@pytest.mark.parametrize("kind", ["scattered", "one run", "runs", "none"])
def test_learning_tallies_the_users_as_the_record_counts_them_after_learning(kind) -> None:
    rng = np.random.default_rng(8)
    n = 300
    users = {
        "scattered": np.flatnonzero(rng.random(n) < 0.6),  # not every person is a user
        "one run": np.arange(40, 260),  # the staff of the front-end units
        "runs": np.r_[3:90, 91:92, 150:299],
        "none": np.arange(0),
    }[kind]
    state = rng.choice(np.array([NOT_USING, TRYING, USING, REJECTING], dtype=np.int8), n)
    live = rng.random(n) < 0.7
    confidence = rng.random(n)
    skill = rng.random(n)
    learned = skill.copy()
    counts, recounted = np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64)
    sums = kernels.learn_and_tally(users, state, live, learned, confidence, 0.2, counts)
    is_user = np.isin(np.arange(n), users)
    moves = is_user & live & ((state == TRYING) | (state == USING))  # only users learn
    grown = np.minimum(skill + 0.2 * (1.0 - skill), 1.0)
    assert np.array_equal(learned, np.where(moves, grown, skill))
    # the same counts and the same sums, added in the same order, as the record's own tally
    assert sums == kernels.user_summary(users, state, confidence, learned, recounted)
    assert np.array_equal(counts, recounted)
    assert counts.tolist() == np.bincount(state[users], minlength=4).tolist()


def test_the_kernels_parameter_record_holds_every_declared_parameter_typed_as_declared() -> None:
    from crmsim.params import PARAMS

    values = ParamSet({"diffusion.p": 0.031, "run.substeps": 3}).to_dict()
    record = kernels.param_record(values)
    assert record.shape == (1,)
    for name, declared in PARAMS.items():
        field = kernels.field_name(name)
        kind = {float: np.floating, int: np.integer, bool: np.bool_}[declared.kind]
        assert np.issubdtype(record.dtype[field], kind), name
        assert record[0][field] == values[name], name


def test_a_changed_constant_in_another_module_is_not_served_stale_compiled_code(tmp_path) -> None:
    """numba freezes a kernel's globals into its cached code; the cache key must see them."""
    import subprocess
    import sys

    (tmp_path / "consts.py").write_text("LIMIT = 1\n")
    (tmp_path / "kern.py").write_text(
        "from consts import LIMIT\n"
        "from crmsim.kernels.compiling import compiled\n\n\n"
        "@compiled\ndef limit():\n    return LIMIT\n"
    )

    def run() -> str:
        code = "import kern; print(kern.limit())"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert run() == "1"
    assert list(tmp_path.glob("__pycache__/kern.limit-*.nbi"))  # cached next to the file
    (tmp_path / "consts.py").write_text("LIMIT = 2\n")  # kern.py itself is unchanged
    assert run() == "2"


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(0, 3000),
    lo_share=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1e-3, 1.0, 1e6]),
)
def test_np_sum_adds_in_numpys_order_to_the_last_bit(
    n: int, lo_share: float, seed: int, scale: float
) -> None:
    """The compiled sum is numpy's: the record and the credibility kernels rely on it."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0.0, 3.0, n) * rng.choice([-1.0, 1.0], n) * scale
    lo = int(lo_share * n)
    assert kernels.np_sum(x, lo, n) == x[lo:].sum()
    assert kernels.np_sum(x, 0, n) == x.sum()


def test_np_sum_matches_at_every_short_length_and_at_a_million() -> None:
    rng = np.random.default_rng(3)
    for n in [*range(300), 1_000_000]:
        x = rng.normal(0.0, 1.0, n)
        assert kernels.np_sum(x, 0, n) == x.sum(), n


def test_fade_table_entries_are_the_fade_of_each_whole_age() -> None:
    from crmsim.rules.restructuring import fade, fade_table

    for h in (0.5, 6.0, 13.0, 52.0):
        table = fade_table(h, 400)
        assert table.size > 400
        assert np.array_equal(table[:401], fade(np.arange(401), h))
        assert np.array_equal(table[[7, 3, 399]], fade(np.array([7, 3, 399]), h))


def test_inv_normal_is_the_stdlibs_inverse_normal_to_the_last_bit() -> None:
    """Turnover's newcomers draw their disposition through it (S9); a run must not change."""
    from statistics import NormalDist

    normal = NormalDist()
    rng = np.random.default_rng(11)
    shares = [*rng.random(20_000), 1e-12, 1 - 1e-12, 0.075, 0.925, 0.5, 1e-300]
    assert all(kernels.inv_normal(u) == normal.inv_cdf(u) for u in shares)


@pytest.mark.parametrize(("n_exec", "n_units", "n"), [(5, 140, 2000), (3, 0, 50), (4, 6, 10)])
def test_the_record_of_the_levels_holds_numpys_means_to_the_last_bit(n_exec, n_units, n) -> None:
    rng = np.random.default_rng(n)
    confidence, resistance = rng.random(n), rng.random(n_units)
    unit_live = rng.random(n_units) < 0.5
    got = kernels.people_summary(confidence, n_exec, n_units, resistance, 0.6, unit_live)
    lo = n_exec + n_units
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's mean of nothing: NaN
        expected = (
            confidence[0],
            confidence[:n_exec].mean(),
            confidence[n_exec:lo].mean(),
            confidence[lo:].mean(),
            resistance.mean(),
            (resistance >= 0.6).mean(),
            int(unit_live.sum()),
        )
    assert np.array_equal(got, expected, equal_nan=True)


def test_the_mandates_tallies_count_as_whole_array_numpy_does() -> None:
    rng = np.random.default_rng(11)
    n = 400
    users = np.flatnonzero(rng.random(n) < 0.7)
    state = rng.choice(np.array([NOT_USING, TRYING, USING, REJECTING], dtype=np.int8), n)
    live = rng.random(n) < 0.6
    confidence, reject_threshold = rng.random(n), rng.random(n)
    st = state[users]
    engaged = (st == TRYING) | (st == USING)
    below = confidence[users] < reject_threshold[users]
    expected = (
        int(np.count_nonzero(engaged & below)),  # compliance only (CAL-11.6)
        int(np.count_nonzero(live[users])),
        int(np.count_nonzero(st == USING)),
    )
    got = kernels.mandate_tallies(users, state, live, confidence, reject_threshold)
    assert got == expected
