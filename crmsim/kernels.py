"""Compiled inner loops of the weekly update (numba), one pass over the people each.

The array engine in :mod:`crmsim.model` keeps every attribute of every
person in a numpy array. Written as whole-array numpy expressions, a week at
10,000 employees costs about 300 small numpy calls, and their call overhead,
not arithmetic, dominates. These kernels do the same arithmetic in one loop
per phase, compiled with numba (as Covasim and Starsim compile theirs), and
read and write the model's arrays in place.

The rules are the model's; ``docs/model.md`` gives them as equations, and
:mod:`crmsim.reference` restates them person by person for the tests. The
order of floating-point operations follows the numpy expressions they
replace (peer sums add neighbours in CSR order from 0.0, as scipy does), so
the only differences from a numpy version are ``exp`` (libm here, numpy's
own SIMD version there: at most one unit in the last place).

:func:`compiled` stores the compiled code next to this file (or in numba's
user-wide cache when that is not writable), so only the first use on a
machine compiles (about two seconds).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from numba import njit

from crmsim.codes import NOT_USING, REJECTING, TRYING, USING, Z_LIMIT


def compiled(function: Callable) -> Callable:
    """``numba.njit`` with the compiled code cached on disk when a place is writable.

    numba caches next to this file or in the user's cache directory; where
    neither can be written (a read-only install and home), it refuses to
    cache, and the kernels are then compiled afresh in each process (a few
    seconds) instead of failing at import.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(function)


PEER_CAP = 1.0 + 1e-9  # above any peer term (at most 1, up to rounding)


def neighbour_table(adjacency: sp.csr_matrix) -> np.ndarray:
    """A padded neighbour table (ELL layout) of a 0/1 CSR adjacency matrix.

    Row ``r`` lists row ``r``'s neighbours in CSR order, padded to the
    largest degree with ``adjacency.shape[1]``: a slot the kernels keep
    empty (nobody is using there). Adoption uses it for the users' ties
    among users, where it adds along a single row (a user starting or
    stopping to use) as often as it sums all rows; a fixed-width row has no
    unpredictable branch at its end.
    """
    indptr = adjacency.indptr
    rows = adjacency.shape[0]
    degree = np.diff(indptr)
    width = int(degree.max()) if rows else 0
    table = np.full((rows, width), adjacency.shape[1], dtype=np.int32)
    row = np.repeat(np.arange(rows), degree)
    col = np.arange(indptr[-1]) - np.repeat(indptr[:-1], degree)
    table[row, col] = adjacency.indices[: indptr[-1]]
    return table


def jagged_diagonals(adjacency: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of a 0/1 CSR adjacency matrix as jagged diagonals (JDS layout).

    Rows are ordered by degree, largest first (``order``); diagonal ``k``
    holds the ``k``-th neighbour (in CSR order) of each row that has one,
    stored contiguously from ``starts[k]`` in ``neighbours``. Summing over
    the neighbours diagonal by diagonal has no branch per row and adds the
    same terms in the same order as a row-by-row CSR product, so the sums
    are bit-identical (and about 1.6 times faster than a padded table at
    10,000 employees).

    Returns:
        (neighbours, starts, order)
    """
    indptr = adjacency.indptr
    degree = np.diff(indptr)
    order = np.argsort(-degree, kind="stable")
    width = int(degree.max()) if degree.size else 0
    rows_k = np.array([np.count_nonzero(degree > k) for k in range(width)], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(rows_k))).astype(np.int64)
    neighbours = np.empty(int(starts[-1]), dtype=np.int32)
    for k in range(width):
        rows = order[: rows_k[k]]
        neighbours[starts[k] : starts[k + 1]] = adjacency.indices[indptr[rows] + k]
    return neighbours, starts, order.astype(np.int64)


@compiled
def _peer_means(
    neighbours, starts, order, confidence, peer_count, lo, acc, out
):  # pragma: no cover
    """Mean conviction ``2c - 1`` over the peers of persons ``lo + r`` (0 without peers).

    ``neighbours, starts, order`` are the rows ``lo..`` as jagged diagonals
    (:func:`jagged_diagonals`); ``acc`` is scratch space of the same length as ``out``.
    """
    rows = order.shape[0]
    for r in range(rows):
        acc[r] = 0.0
    for k in range(starts.shape[0] - 1):
        s = starts[k]
        for r in range(starts[k + 1] - s):
            acc[r] += 2.0 * confidence[neighbours[s + r]] - 1.0
    for r in range(rows):
        i = order[r]
        cnt = peer_count[lo + i]
        out[i] = acc[r] / cnt if cnt > 0 else 0.0


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
    stance: np.ndarray,
    gate: np.ndarray,
    clarity_factor: float,
    xdept: float,
    xdept_relief: float,
    resistance_rate: float,
    base_signal: float,
    peer_weight: float,
    memory: float,
    filter_strength: float,
) -> None:  # pragma: no cover
    """The middle managers' week (S5): resistance, confidence, stance and gate.

    Manager ``r`` is person ``lo + r`` and leads unit ``r``. Resistance moves
    toward ``sensitivity * restructuring * clarity_factor * (1 - xdept_relief * xdept)``
    (clipped to [0, 1]) at ``resistance_rate``; the confidence signal is
    ``base_signal`` plus the peers' conviction; the stance is conviction
    minus resistance and the gate ``max(0, 1 + filter_strength * stance)``.
    Peers (the managers' rows as :func:`jagged_diagonals`) are read before
    any manager is updated (all move at once).
    """
    m = resistance.shape[0]
    peer = np.empty(m)
    _peer_means(peers[0], peers[1], peers[2], confidence, peer_count, lo, np.empty(m), peer)
    for r in range(m):
        i = lo + r
        target = sensitivity[r] * restructuring[r] * clarity_factor * (1.0 - xdept_relief * xdept)
        target = min(max(target, 0.0), 1.0)
        resistance[r] += resistance_rate * (target - resistance[r])
        zi = z[i] + (memory * (disposition[i] - z[i]) + (base_signal + peer_weight * peer[r]))
        zi = min(max(zi, -Z_LIMIT), Z_LIMIT)
        z[i] = zi
        c = 1.0 / (1.0 + math.exp(-zi))
        confidence[i] = c
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
    is_user: np.ndarray,
    state: np.ndarray,
    skill: np.ndarray,
    common: float,
    comm_weight: float,
    peer_weight: float,
    own_weight: float,
    frustration_weight: float,
    strain: float,
    memory: float,
) -> None:  # pragma: no cover
    """The frontline's log-odds for the week (S6, S8, S9), persons ``lo..``.

    Each person's signal is the common signal, what the unit hears through
    its manager (``heard_in_unit``), and the peers' conviction; users also
    feel their own benefit (using) or frustration (trying). ``peers`` are
    the rows ``lo..`` of the peer network as :func:`jagged_diagonals`. Only ``z`` is
    written, so every peer is read at last week's confidence; the caller
    then sets confidence from ``z``.
    """
    n = z.shape[0]
    peer = np.empty(n - lo)
    _peer_means(peers[0], peers[1], peers[2], confidence, peer_count, lo, np.empty(n - lo), peer)
    for i in range(lo, n):
        s = common + comm_weight * heard_in_unit[unit[i]] + peer_weight * peer[i - lo]
        if is_user[i]:
            st = state[i]
            if st == USING:
                s += own_weight * skill[i]
            elif st == TRYING:
                s -= frustration_weight * ((1.0 - skill[i]) * strain)
        zi = z[i] + (memory * (disposition[i] - z[i]) + s)
        z[i] = min(max(zi, -Z_LIMIT), Z_LIMIT)


@compiled
def _add_using_peers(
    row: int, table: np.ndarray, amount: float, using_peers: np.ndarray
) -> None:  # pragma: no cover
    """Add ``amount`` to the using-peer count of every peer of user ``row``."""
    for kk in range(table.shape[1]):
        using_peers[table[row, kk]] += amount


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
    unit: np.ndarray,
    live: np.ndarray,
    innovativeness: np.ndarray,
    reject_threshold: np.ndarray,
    threshold: np.ndarray,
    skill: np.ndarray,
    user_peer_count: np.ndarray,
    user_table: np.ndarray,
    confidence_weight: float,
    p: float,
    cut: float,
    q: float,
    mix: float,
    omega: float,
    reject_rate: float,
    reconsider_rate: float,
    return_margin: float,
    skill_to_use: float,
) -> None:  # pragma: no cover
    """Adoption transitions for one week, decided ``draws.shape[0]`` times (sub-steps).

    Args:
        draws: Uniforms, one row per sub-step and one column per user.
        users: Person index of each user; ``user_table`` is the users' peer
            network among users (:func:`neighbour_table`, in user positions).
        state: Adoption state per person (updated in place for users).
        gate, unit: Each manager's gate; each person's unit.
        p: ``diffusion.p``, the innovation rate; ``cut`` scales it (``effects.cut_share`` when
            the budget is cut).
        Others: as named in the parameters (``frontline.*``, ``diffusion.q``,
            ``network.mixing``) or the model's arrays.

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
    bound cannot change the state; below it the exact chance is computed.
    """
    k = draws.shape[0]
    dt = 1.0 / k
    nu = users.shape[0]
    width = user_table.shape[1]
    st = np.empty(nu + 1, dtype=np.int8)
    st[nu] = -1  # the neighbour table's padding slot: nobody
    n_using = 0
    n_idle = 0
    for a in range(nu):
        s = state[users[a]]
        st[a] = s
        n_using += s == USING
        n_idle += s == NOT_USING and live[users[a]]
    # Peers using, per user (slot nu is the table's padding): count from the
    # users using or by looking at the idle users' peers, whichever is less work.
    using_peers = np.zeros(nu + 1)
    if n_using <= n_idle:
        for a in range(nu):
            if st[a] == USING:
                _add_using_peers(a, user_table, 1.0, using_peers)
    else:
        for a in range(nu):
            if st[a] == NOT_USING and live[users[a]]:
                total = 0.0
                for kk in range(width):
                    total += 1.0 if st[user_table[a, kk]] == USING else 0.0
                using_peers[a] = total
    # Fixed within the week: the hazards of refusing and of turning to
    # work-arounds (the same for everyone below their rejection threshold).
    reject_h_low = reject_rate * dt
    p_reject_low = 1.0 - math.exp(-reject_h_low)
    reject_h = np.zeros(nu)
    p_reject = np.zeros(nu)
    # Upper bounds of the chances to start (not using) and to return (rejecting).
    bound = np.zeros(nu)
    return_bound = np.zeros(nu)
    readiness = np.full(nu, -1.0)  # computed when first needed
    half = 0.5 * confidence_weight
    slope_up = (math.exp(half) - 1.0) / half if half > 0 else 0.0
    slope_down = (1.0 - math.exp(-half)) / half if half > 0 else 0.0
    for a in range(nu):
        i = users[a]
        if not live[i]:
            continue  # nothing happens to a user whose unit is not live
        c = confidence[i]
        low = c < reject_threshold[i]
        if low:
            reject_h[a] = reject_h_low
            p_reject[a] = p_reject_low
        s = st[a]
        # (users trying or using never become not using or rejecting within a week,
        # and a user rejecting with clear confidence is never low: stays so all week)
        if s == NOT_USING or (s == REJECTING and c > reject_threshold[i] + return_margin):
            x = confidence_weight * (c - 0.5)
            chord = 1.0 + x * (slope_up if x >= 0 else slope_down)
            ready_max = chord * gate[unit[i]] * (1.0 + 1e-9)
            if s == NOT_USING:
                bound[a] = (
                    ready_max * (p * innovativeness[i] * cut + q * PEER_CAP) * dt + reject_h[a]
                ) * (1.0 + 1e-9) + 1e-12
            else:
                return_bound[a] = reconsider_rate * ready_max * dt * (1.0 + 1e-9) + 1e-12
    new = np.empty(nu, dtype=np.int8)
    for j in range(k):
        global_share = n_using / nu
        for a in range(nu):
            i = users[a]
            s = st[a]
            u = draws[j, a]
            nw = s
            if s == NOT_USING and live[i]:
                if u >= bound[a]:
                    new[a] = s
                    continue
                if readiness[a] < 0:
                    readiness[a] = _readiness(confidence_weight, confidence[i], gate[unit[i]])
                # Peer adoption share seen: own peers, mixed with the organisation (Bass).
                cnt = user_peer_count[i]
                local = using_peers[a] / cnt if cnt > 0 else global_share
                seen = (1.0 - mix) * local + mix * global_share
                peer = (1.0 - omega) * seen + omega * (1.0 if seen >= threshold[i] else 0.0)
                adopt_h = readiness[a] * (p * innovativeness[i] * cut + q * peer) * dt
                tot = adopt_h + reject_h[a]
                p_any = 1.0 - math.exp(-tot)
                share_try = adopt_h / tot if tot > 0 else 0.0
                p_try = p_any * share_try
                if u < p_try:
                    nw = TRYING
                elif u < p_any:
                    nw = REJECTING
            elif s == TRYING or s == USING:
                # work-arounds below the rejection threshold (CAL-6.4)
                if u < p_reject[a]:
                    nw = REJECTING
            elif s == REJECTING and u < return_bound[a]:
                # rejecting is sticky: reconsider only with clear confidence
                if readiness[a] < 0:
                    readiness[a] = _readiness(confidence_weight, confidence[i], gate[unit[i]])
                if u < 1.0 - math.exp(-reconsider_rate * readiness[a] * dt):
                    nw = TRYING
            # trying users with enough skill become routine users
            if nw == TRYING and skill[i] >= skill_to_use:
                nw = USING
            new[a] = nw
        for a in range(nu):
            was, now = st[a] == USING, new[a] == USING
            if was != now:
                n_using += 1 if now else -1
                _add_using_peers(a, user_table, 1.0 if now else -1.0, using_peers)
            st[a] = new[a]
    for a in range(nu):
        state[users[a]] = st[a]


@compiled
def user_tallies(
    users: np.ndarray,
    state: np.ndarray,
    live: np.ndarray,
    skill: np.ndarray,
    unit_fit: np.ndarray,
    unit: np.ndarray,
    active: bool,
) -> tuple[int, float, int, int, float]:  # pragma: no cover
    """Sums over users the weekly accounts need (S7).

    Returns:
        (live users, learning loss units ``sum(1 - skill)`` over live learners,
        live users rejecting, live users using, realised benefit units
        ``sum(skill * unit fit)`` over live users using)
    """
    n_live = 0
    loss_units = 0.0
    n_rejecting = 0
    n_using = 0
    realised = 0.0
    for a in range(users.shape[0]):
        i = users[a]
        s = state[i]
        lv = live[i] and active
        if lv:
            n_live += 1
            if s == TRYING or s == USING:
                loss_units += 1.0 - skill[i]
            if s == REJECTING:
                n_rejecting += 1
            if s == USING:
                n_using += 1
                realised += skill[i] * unit_fit[unit[i]]
    return n_live, loss_units, n_rejecting, n_using, realised


@compiled
def learn(
    users: np.ndarray, state: np.ndarray, live: np.ndarray, skill: np.ndarray, rate: float
) -> None:  # pragma: no cover
    """Skill grows by ``rate * (1 - skill)`` for live users trying or using (S3)."""
    for a in range(users.shape[0]):
        i = users[a]
        s = state[i]
        if live[i] and (s == TRYING or s == USING):
            skill[i] = min(skill[i] + rate * (1.0 - skill[i]), 1.0)


@compiled
def count_state(users: np.ndarray, state: np.ndarray, code: int) -> int:  # pragma: no cover
    """Number of users in adoption state ``code``."""
    n = 0
    for a in range(users.shape[0]):
        n += state[users[a]] == code
    return n


@compiled
def user_summary(
    users: np.ndarray,
    state: np.ndarray,
    confidence: np.ndarray,
    skill: np.ndarray,
    counts: np.ndarray,
) -> tuple[float, float]:  # pragma: no cover
    """Users per adoption state (written to ``counts``); sums of their confidence and skill."""
    counts[:] = 0
    conf = 0.0
    sk = 0.0
    for a in range(users.shape[0]):
        i = users[a]
        counts[state[i]] += 1
        conf += confidence[i]
        sk += skill[i]
    return conf, sk
