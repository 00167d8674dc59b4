"""The adoption kernel: state transitions of the users for one week (S6, S9)."""

from __future__ import annotations

import math

import numpy as np

from crmsim.codes import NOT_USING, REJECTING, TRYING, USING
from crmsim.kernels.compiling import compiled
from crmsim.kernels.records import CUT_FACTOR, MANDATE_PUSH, REJECT_FACTOR

PEER_CAP = 1.0 + 1e-9  # above any peer term (at most 1, up to rounding)


@compiled
def _add_using_peers(
    row: int, table: np.ndarray, amount: float, using_peers: np.ndarray
) -> None:  # pragma: no cover
    """Add ``amount`` to the using-peer count of every peer of user ``row``
    (unsigned indices: numba leaves out its check for negative ones)."""
    peers = table[row]
    for kk in range(peers.shape[0]):
        using_peers[np.uint64(peers[kk])] += amount


@compiled
def _readiness(confidence_weight: float, c: float, gate: float) -> float:  # pragma: no cover
    """Readiness to adopt: ``exp(confidence_weight * (c - 0.5)) * gate`` (S6, S9)."""
    return math.exp(confidence_weight * (c - 0.5)) * gate


@compiled
def adopt(
    draws: np.ndarray,
    users: np.ndarray,
    state: np.ndarray,
    confidence: np.ndarray,
    gate: np.ndarray,
    user_unit: np.ndarray,
    live: np.ndarray,
    innovativeness: np.ndarray,
    reject_threshold: np.ndarray,
    threshold: np.ndarray,
    skill: np.ndarray,
    user_peer_count: np.ndarray,
    user_table: np.ndarray,
    prm: np.ndarray,
    signals: np.ndarray,
) -> None:  # pragma: no cover
    """Adoption transitions for one week, decided ``draws.shape[0]`` times (sub-steps).

    Args:
        draws: Uniforms, one row per sub-step and one column per user.
        users: Person index of each user; ``user_table`` is the users' peer
            network among users (:func:`neighbour_table`, in user positions).
        state: Adoption state per person (updated in place for users).
        gate, user_unit: Each manager's gate; each user's unit (in user positions).
        prm: The run's :func:`~crmsim.kernels.param_record`: ``diffusion.p``
            (the innovation rate), ``diffusion.q``, ``network.mixing`` and
            ``frontline.*``.
        signals: The week's :data:`~crmsim.kernels.SIGNALS`; its ``cut``
            scales the innovation rate (``effects.cut_share`` when the budget is cut);
            ``mandate_push`` is take-up forced by a mandate (added to the hazard of
            starting, not scaled by readiness) and ``reject_factor`` scales the
            rejection hazard (monitoring deters work-arounds).

    Confidence, the managers' gates, liveness and skill are fixed within
    the week; the peer shares are recomputed each sub-step from the state at
    its start (all users move at once). Each user's number of peers using is
    counted once and then kept up to date as users start or stop using: the
    counts are whole numbers, so this equals recounting every sub-step.

    Most uniforms are far above the chance of any change, so each user gets
    a safe upper bound of that chance first, without an ``exp``: readiness
    ``exp(x)`` with ``x = confidence_weight * (c - 0.5)`` in ``[-w/2, w/2]``
    lies below the chords of ``exp`` on that interval (it is convex),
    ``1 - exp(-h) <= h``, and the peer term is at most 1; each bound carries
    a relative margin of 1e-9, far above rounding. A uniform at or above the
    bound cannot change the state; below it the bound is taken again with the
    peers actually seen, then the hazard with the exact readiness, and only a
    uniform below that hazard (again a bound of the chance, ``1 - exp(-h) <= h``)
    needs the exact chance.
    """
    prm0 = prm[0]
    confidence_weight = prm0.frontline_confidence_weight
    p = prm0.diffusion_p
    cut = signals[CUT_FACTOR]
    q = prm0.diffusion_q
    mix = prm0.network_mixing
    omega = prm0.frontline_threshold_weight
    reject_rate = prm0.frontline_reject_rate * signals[REJECT_FACTOR]
    reconsider_rate = prm0.frontline_reconsider_rate
    return_margin = prm0.frontline_return_margin
    skill_to_use = prm0.frontline_skill_to_use
    k = draws.shape[0]
    dt = 1.0 / k
    push_dt = signals[MANDATE_PUSH] * dt
    nu = users.shape[0]
    width = user_table.shape[1]
    st = np.empty(nu + 1, dtype=np.int8)
    st[nu] = -1  # the neighbour table's padding slot: nobody
    n_using = 0
    n_idle = 0
    # Fixed within the week: the hazards of refusing and of turning to
    # work-arounds (the same for everyone below their rejection threshold).
    reject_h_low = reject_rate * dt
    p_reject_low = 1.0 - math.exp(-reject_h_low)
    low = np.empty(nu, dtype=np.bool_)  # below the rejection threshold: those hazards apply
    # Upper bounds of the chances to start (not using) and to return (rejecting).
    bound = np.empty(nu)
    return_bound = np.empty(nu)
    readiness = np.empty(nu)  # computed when first needed (-1 until then)
    ready_max = np.empty(nu)  # its bound (set for those who may start or return)
    half = 0.5 * confidence_weight
    slope_up = (math.exp(half) - 1.0) / half if half > 0 else 0.0
    slope_down = (1.0 - math.exp(-half)) / half if half > 0 else 0.0
    # The users whose state can change this week, in user order; all others keep it
    # (using without work-arounds, rejecting without clear confidence, not live).
    movers = np.empty(nu, dtype=np.int64)
    n_movers = 0
    for a in range(nu):  # one pass: states, counts, bounds and movers
        i = np.uint64(users[a])  # (person indices unsigned: no negative-index checks)
        s = state[i]
        st[a] = s
        n_using += s == USING
        lv = live[i]
        n_idle += s == NOT_USING and lv
        low[a] = False
        bound[a] = 0.0
        return_bound[a] = 0.0
        readiness[a] = -1.0
        if not lv:
            if s == TRYING:
                movers[n_movers] = a
                n_movers += 1
            continue  # nothing else happens to a user whose unit is not live
        c = confidence[i]
        low[a] = c < reject_threshold[i]
        # (users trying or using never become not using or rejecting within a week,
        # and a user rejecting with clear confidence is never low: stays so all week)
        if s == NOT_USING or (s == REJECTING and c > reject_threshold[i] + return_margin):
            x = confidence_weight * (c - 0.5)
            chord = 1.0 + x * (slope_up if x >= 0 else slope_down)
            ready_max[a] = chord * gate[np.uint64(user_unit[a])] * (1.0 + 1e-9)
            if s == NOT_USING:
                bound[a] = (
                    ready_max[a] * (p * innovativeness[i] * cut + q * PEER_CAP) * dt
                    + push_dt
                    + (reject_h_low if low[a] else 0.0)
                ) * (1.0 + 1e-9) + 1e-12
            else:
                return_bound[a] = reconsider_rate * ready_max[a] * dt * (1.0 + 1e-9) + 1e-12
        if s == NOT_USING or s == TRYING or (s == USING and low[a]) or return_bound[a] > 0.0:
            movers[n_movers] = a
            n_movers += 1
    # Peers using, per user (slot nu is the table's padding): count from the
    # users using or by looking at the idle users' peers, whichever is less work.
    using_peers = np.zeros(nu + 1)
    if n_using <= n_idle:
        for a in range(nu):
            if st[a] == USING:
                _add_using_peers(a, user_table, 1.0, using_peers)
    else:
        for a in range(nu):
            if st[a] == NOT_USING and live[np.uint64(users[a])]:
                total = 0.0
                peers = user_table[a]
                for kk in range(width):
                    total += 1.0 if st[np.uint64(peers[kk])] == USING else 0.0
                using_peers[a] = total
    new = np.empty(nu, dtype=np.int8)
    for j in range(k):
        global_share = n_using / nu
        row = draws[j]
        for m in range(n_movers):
            a = np.uint64(movers[m])  # (unsigned: no negative-index checks)
            i = np.uint64(users[a])
            s = st[a]
            u = row[a]
            nw = s
            if s == NOT_USING and live[i]:
                if u >= bound[a]:
                    new[a] = s
                    continue
                # Peer adoption share seen: own peers, mixed with the organisation (Bass).
                cnt = user_peer_count[i]
                local = using_peers[a] / cnt if cnt > 0 else global_share
                seen = (1.0 - mix) * local + mix * global_share
                peer = (1.0 - omega) * seen + omega * (1.0 if seen >= threshold[i] else 0.0)
                if readiness[a] < 0:
                    # before the exact readiness, its bound with the peers actually seen
                    tight = (
                        ready_max[a] * (p * innovativeness[i] * cut + q * peer) * dt
                        + push_dt
                        + (reject_h_low if low[a] else 0.0)
                    ) * (1.0 + 1e-9) + 1e-12
                    if u >= tight:
                        new[a] = s
                        continue
                    readiness[a] = _readiness(
                        confidence_weight, confidence[i], gate[np.uint64(user_unit[a])]
                    )
                adopt_h = readiness[a] * (p * innovativeness[i] * cut + q * peer) * dt + push_dt
                tot = adopt_h + (reject_h_low if low[a] else 0.0)
                if u >= tot * (1.0 + 1e-9) + 1e-12:  # the chance of any change is below tot
                    new[a] = s
                    continue
                p_any = 1.0 - math.exp(-tot)
                share_try = adopt_h / tot if tot > 0 else 0.0
                p_try = p_any * share_try
                if u < p_try:
                    nw = TRYING
                elif u < p_any:
                    nw = REJECTING
            elif s == TRYING or s == USING:
                # work-arounds below the rejection threshold (CAL-6.4)
                if u < (p_reject_low if low[a] else 0.0):
                    nw = REJECTING
            elif s == REJECTING and u < return_bound[a]:
                # rejecting is sticky: reconsider only with clear confidence
                if readiness[a] < 0:
                    readiness[a] = _readiness(
                        confidence_weight, confidence[i], gate[np.uint64(user_unit[a])]
                    )
                if u < 1.0 - math.exp(-reconsider_rate * readiness[a] * dt):
                    nw = TRYING
            # trying users with enough skill become routine users
            if nw == TRYING and skill[i] >= skill_to_use:
                nw = USING
            new[a] = nw
        for m in range(n_movers):
            a = np.uint64(movers[m])
            was, now = st[a] == USING, new[a] == USING
            if was != now:
                n_using += 1 if now else -1
                _add_using_peers(a, user_table, 1.0 if now else -1.0, using_peers)
            st[a] = new[a]
    for a in range(nu):
        state[np.uint64(users[a])] = st[a]
