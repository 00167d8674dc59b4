"""The confidence kernels: middle managers (S5) and frontline staff (S6, S8, S9)."""

from __future__ import annotations

import math

import numpy as np

from crmsim.codes import TRYING, USING, Z_LIMIT
from crmsim.kernels.compiling import compiled
from crmsim.kernels.records import (
    CLARITY_FACTOR,
    COMMON,
    MANAGER_SIGNAL,
    OWN_SCALE,
    STRAIN,
    USE_BONUS,
)
from crmsim.kernels.sums import np_sum


@compiled
def _peer_means(
    neighbours, starts, order, confidence, peer_count, lo, acc, out
):  # pragma: no cover
    """Mean conviction ``2c - 1`` over the peers of persons ``lo + r`` (0 without peers).

    ``neighbours, starts, order`` are the rows ``lo..`` as jagged diagonals
    (:func:`jagged_diagonals`); ``acc`` is scratch space of the same length as ``out``.
    Each diagonal is walked as a view with unsigned indices: numba then leaves out its
    check for negative indices (about a third of the time of this loop).
    """
    rows = order.shape[0]
    for r in range(rows):
        acc[r] = 0.0
    if neighbours.shape[0] > confidence.shape[0]:
        # more ties than people: each person's conviction once, then only additions
        # (the same numbers added in the same order, so the same sums)
        conviction = np.empty(confidence.shape[0])
        for j in range(confidence.shape[0]):
            conviction[j] = 2.0 * confidence[j] - 1.0
        for k in range(starts.shape[0] - 1):
            diagonal = neighbours[starts[k] : starts[k + 1]]
            for r in range(diagonal.shape[0]):
                acc[r] += conviction[np.uint64(diagonal[r])]
    else:
        for k in range(starts.shape[0] - 1):
            diagonal = neighbours[starts[k] : starts[k + 1]]
            for r in range(diagonal.shape[0]):
                acc[r] += 2.0 * confidence[np.uint64(diagonal[r])] - 1.0
    # the sums to their persons, then each over its count in person order (a loop numba
    # makes vector divisions of): a person without peers has the sum 0.0, over 1
    for r in range(rows):
        out[np.uint64(order[r])] = acc[r]
    counts = peer_count[lo : lo + rows]
    for i in range(rows):
        cnt = counts[i]
        out[i] = out[i] / (cnt if cnt > 0 else 1.0)


@compiled
def managers(
    z: np.ndarray,
    disposition: np.ndarray,
    confidence: np.ndarray,
    peers: tuple,
    peer_count: np.ndarray,
    lo: int,
    resistance: np.ndarray,
    sensitivity: np.ndarray,
    restructuring: np.ndarray,
    relief: np.ndarray,
    stance: np.ndarray,
    gate: np.ndarray,
    prm: np.ndarray,
    signals: np.ndarray,
) -> None:  # pragma: no cover
    """The middle managers' week (S5): resistance, confidence, stance and gate.

    Manager ``r`` is person ``lo + r`` and leads unit ``r``. Resistance moves
    toward ``sensitivity * restructuring * clarity_factor * relief`` (clipped to
    [0, 1]) at ``managers.resistance_rate``, ``relief`` the unit's factor from
    cross-department communication, conviction and results (:mod:`crmsim.rules.managers`); the confidence signal is
    the week's ``manager_signal`` plus the peers' conviction; the stance is
    conviction minus resistance and the gate ``max(0, 1 + filter_strength * stance)``.
    Peers (the managers' rows as :func:`~crmsim.kernels.jagged_diagonals`) are
    read before any manager is updated (all move at once).

    ``prm`` is the run's :func:`~crmsim.kernels.param_record`, ``signals``
    the week's :data:`~crmsim.kernels.SIGNALS`.
    """
    p = prm[0]
    clarity_factor = signals[CLARITY_FACTOR]
    base_signal = signals[MANAGER_SIGNAL]
    resistance_rate = p.managers_resistance_rate
    peer_weight = p.confidence_peer_weight
    memory = p.confidence_memory
    filter_strength = p.managers_filter_strength
    m = resistance.shape[0]
    peer = np.empty(m)
    _peer_means(peers[0], peers[1], peers[2], confidence, peer_count, lo, np.empty(m), peer)
    zs, ds, cs = z[lo : lo + m], disposition[lo : lo + m], confidence[lo : lo + m]  # (from 0)
    for r in range(m):
        target = sensitivity[r] * restructuring[r] * clarity_factor * relief[r]
        target = min(max(target, 0.0), 1.0)
        resistance[r] += resistance_rate * (target - resistance[r])
        zi = zs[r] + (memory * (ds[r] - zs[r]) + (base_signal + peer_weight * peer[r]))
        zi = min(max(zi, -Z_LIMIT), Z_LIMIT)
        zs[r] = zi
        c = 1.0 / (1.0 + math.exp(-zi))
        cs[r] = c
        st = min(max(2.0 * c - 1.0 - resistance[r], -1.0), 1.0)
        stance[r] = st
        gate[r] = max(0.0, 1.0 + filter_strength * st)


@compiled
def frontline(
    z: np.ndarray,
    disposition: np.ndarray,
    confidence: np.ndarray,
    peers: tuple,
    peer_count: np.ndarray,
    lo: int,
    unit: np.ndarray,
    heard_in_unit: np.ndarray,
    unit_fit: np.ndarray,
    unit_live: np.ndarray,
    fit_strain: float,
    live_signal: float,
    is_user: np.ndarray,
    state: np.ndarray,
    skill: np.ndarray,
    prm: np.ndarray,
    signals: np.ndarray,
) -> None:  # pragma: no cover
    """The frontline's log-odds for the week (S6, S8, S9), persons ``lo..``.

    Each person's signal is the common signal, what the unit hears through
    its manager (``heard_in_unit``), and the peers' conviction; users also
    feel their own benefit (using, times the week's ``own_scale``, plus its
    ``use_bonus``) or frustration (trying), the strain of their unit's system
    when trying or using (``fit_strain * (1 - unit_fit)`` in a live unit: misfit,
    in units of the frustration weight; ``fit_strain`` is
    ``frontline.fit_frustration``) and, in a live unit, ``live_signal``
    (customers' demand minus the resentment of monitoring); both are skipped
    when they are zero in every unit (the model before 2.0). ``peers`` are
    the rows ``lo..`` of the peer network as :func:`jagged_diagonals`. The peers
    are read first, at last week's confidence; then ``z`` is written, and
    ``confidence`` receives ``-z`` (the first step of the sigmoid, exact), from
    which the caller completes ``1 / (1 + exp(-z))``
    (:func:`crmsim.rules.logodds.sigmoid_of_negated`).
    The weights come from ``prm`` (the run's :func:`~crmsim.kernels.param_record`),
    the common signal and the strain from ``signals`` (the week's
    :data:`~crmsim.kernels.SIGNALS`).
    """
    p = prm[0]
    common = signals[COMMON]
    strain = signals[STRAIN]
    own_scale = signals[OWN_SCALE]
    use_bonus = signals[USE_BONUS]
    comm_weight = p.confidence_communication_weight
    peer_weight = p.confidence_peer_weight
    own_weight = p.confidence_own_benefit_weight
    frustration_weight = p.confidence_frustration_weight
    memory = p.confidence_memory
    n = z.shape[0]
    n_units = unit_live.shape[0]
    use_strain_in_unit = np.zeros(n_units)
    live_signal_in_unit = np.zeros(n_units)
    unit_terms = False
    for u in range(n_units):
        on = 1.0 if unit_live[u] else 0.0
        if fit_strain > 0.0:
            use_strain_in_unit[u] = fit_strain * (1.0 - unit_fit[u]) * on
        if live_signal != 0.0:
            live_signal_in_unit[u] = live_signal * on
        if use_strain_in_unit[u] != 0.0 or live_signal_in_unit[u] != 0.0:
            unit_terms = True
    peer = np.empty(n - lo)
    _peer_means(peers[0], peers[1], peers[2], confidence, peer_count, lo, np.empty(n - lo), peer)
    # the staff's rows as views from 0 (and units as unsigned numbers): numba then
    # leaves out its checks for negative indices
    zs, ds, cs = z[lo:], disposition[lo:], confidence[lo:]
    units, users, states, skills = unit[lo:], is_user[lo:], state[lo:], skill[lo:]
    for r in range(n - lo):
        u = np.uint64(units[r])
        s = common + comm_weight * heard_in_unit[u] + peer_weight * peer[r]
        if users[r]:
            st = states[r]
            if st == USING:
                s += own_weight * skills[r] * own_scale + use_bonus
            elif st == TRYING:
                s -= frustration_weight * ((1.0 - skills[r]) * strain)
            if unit_terms:
                s += live_signal_in_unit[u]
                if st == USING or st == TRYING:
                    s -= frustration_weight * use_strain_in_unit[u]
        zi = zs[r] + (memory * (ds[r] - zs[r]) + s)
        zi = min(max(zi, -Z_LIMIT), Z_LIMIT)
        zs[r] = zi
        cs[r] = -zi


@compiled
def conviction_sum(confidence: np.ndarray, n: int) -> float:  # pragma: no cover
    """``(2 * confidence[:n] - 1).sum()`` as numpy computes it (:func:`np_sum`)."""
    conviction = np.empty(n)
    for j in range(n):
        conviction[j] = 2.0 * confidence[j] - 1.0
    return np_sum(conviction, 0, n)


@compiled
def executives(
    z: np.ndarray,
    disposition: np.ndarray,
    confidence: np.ndarray,
    n: int,
    memory: float,
    sponsor_signal: float,
    others_signal: float,
) -> None:  # pragma: no cover
    """The executives' log-odds for the week (S4), persons ``0..n-1``, 0 the sponsor.

    Memory pulls ``z`` toward the disposition, the sponsor adds ``sponsor_signal``
    and the other executives ``others_signal``; ``z`` is clipped to the log-odds
    limit and ``confidence`` receives ``-z`` (the first step of the sigmoid), from
    which the caller completes ``1 / (1 + exp(-z))``
    (:func:`crmsim.rules.logodds.sigmoid_of_negated`).
    """
    for j in range(n):
        zj = z[j] + memory * (disposition[j] - z[j])
        zj += sponsor_signal if j == 0 else others_signal
        zj = min(max(zj, -Z_LIMIT), Z_LIMIT)
        z[j] = zj
        confidence[j] = -zj


@compiled
def unit_messages(
    message: float,
    sign_aware: bool,
    filter_strength: float,
    gate: np.ndarray,
    stance: np.ndarray,
    voice: float,
    credibility: np.ndarray,
    credibility_on: bool,
    message_gate: np.ndarray,
    heard: np.ndarray,
) -> None:  # pragma: no cover
    """What each unit's staff hear this week (S5, S8; CAL-5.4), per unit ``u``.

    The manager passes ``message_gate[u]`` of the sponsor's ``message``: sign-aware,
    ``max(0, 1 + filter_strength * stance * sign(message))``, else the gate
    (:func:`crmsim.rules.managers.message_gate`); the team hears
    ``message_gate[u] * message + voice * stance[u]``, the manager's voice
    (``managers.message_weight``, CAL-5.4) times the manager's credibility when
    senders have credibility (Model 2.0).
    """
    sign = 1.0 if message > 0.0 else (-1.0 if message < 0.0 else 0.0)
    for u in range(gate.shape[0]):
        if sign_aware:
            message_gate[u] = max(0.0, 1.0 + filter_strength * stance[u] * sign)
        else:
            message_gate[u] = gate[u]
        w = voice * credibility[u] if credibility_on else voice
        heard[u] = message_gate[u] * message + w * stance[u]
