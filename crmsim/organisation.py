"""Building the organisation: people, units, functions and the peer network (S2, S5).

People are numbered: executives first (index 0 is the sponsor), then one
middle manager per unit, then frontline staff grouped by unit. Every array
is indexed by that number. Units belong to functions; front-end functions
use CRM daily (their frontline staff are the *users*), back-office
functions are touched by restructuring only (S5).

The informal peer network (S9, Granovetter) is an undirected graph drawn from
the model's generator: a share of each person's ties stays inside the own
unit (clustering), the rest reach across the organisation (weak ties).
Managers are tied to managers of other units (the cross-department channel
of S5). It is stored as a sparse CSR matrix so one matrix-vector product
gives every person's neighbourhood mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from crmsim.params import ParamSet

FRONT_FUNCTIONS = ("sales", "marketing", "customer_service", "field_support")
BACK_FUNCTIONS = ("product", "production", "rnd", "finance", "purchasing")
FUNCTIONS = FRONT_FUNCTIONS + BACK_FUNCTIONS

EXECUTIVE, MANAGER, FRONTLINE = 0, 1, 2
ROLE_NAMES = ("executive", "manager", "frontline")


@dataclass(frozen=True, eq=False)
class Organisation:
    """The fixed structure of one organisation.

    Attributes:
        n: Head count.
        n_exec: Executives (index 0 is the sponsor).
        n_units: Units, one middle manager each.
        role: Role code per person (EXECUTIVE, MANAGER, FRONTLINE).
        unit: Unit per person (-1 for executives; a manager's own unit).
        unit_function: Function code per unit (index into FUNCTIONS).
        unit_front: Whether each unit is front-end (uses CRM daily).
        unit_manager: Person index of each unit's manager.
        unit_size: Frontline staff per unit.
        is_user: Whether each person is a CRM user (frontline in a front-end unit).
        peers: Symmetric 0/1 adjacency (CSR, float64) of the informal network.
        peer_count: Number of peers per person.
        user_peer_count: Number of peers per person who are users.
    """

    n: int
    n_exec: int
    n_units: int
    role: np.ndarray
    unit: np.ndarray
    unit_function: np.ndarray
    unit_front: np.ndarray
    unit_manager: np.ndarray
    unit_size: np.ndarray
    is_user: np.ndarray
    peers: sp.csr_matrix
    peer_count: np.ndarray
    user_peer_count: np.ndarray

    @property
    def n_users(self) -> int:
        """Number of CRM users."""
        return int(self.is_user.sum())

    def to_networkx(self):
        """The peer network plus reporting lines as a networkx graph (small orgs).

        Node attributes: ``role``, ``unit``, ``user``. Edge attribute ``kind``
        is ``peer`` or ``reports_to``.
        """
        import networkx as nx

        g = nx.Graph()
        for i in range(self.n):
            g.add_node(
                i, role=ROLE_NAMES[self.role[i]], unit=int(self.unit[i]), user=bool(self.is_user[i])
            )
        coo = sp.triu(self.peers, k=1).tocoo()
        g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist(), strict=True), kind="peer")
        for i in range(self.n):
            b = boss_of(self, i)
            if b >= 0:
                g.add_edge(i, b, kind="reports_to")
        return g


def boss_of(org: Organisation, i: int) -> int:
    """Index of person ``i``'s boss: unit manager, the sponsor, or -1 for the sponsor."""
    r = org.role[i]
    if r == FRONTLINE:
        return int(org.unit_manager[org.unit[i]])
    if r == MANAGER or (r == EXECUTIVE and i != 0):
        return 0
    return -1


def head_counts(employees: int, executives: int, span: int) -> tuple[int, int, int]:
    """Executives, managers (= units) and frontline staff for a head count.

    The top team is capped at a third of a very small firm so that it keeps
    managers and staff; there is one manager per ``span`` frontline staff.
    """
    n_exec = max(1, min(executives, (employees - 2) // 3))
    rest = employees - n_exec
    n_units = max(1, -(-rest // (span + 1)))  # ceil(rest / (span + 1))
    n_front = rest - n_units
    return n_exec, n_units, n_front


BYTES_PER_PERSON = 256
"""Peak memory per person of a run, besides the peer ties (arrays and state; measured ~40 + run)."""

BYTES_PER_TIE = 64
"""Peak memory per unit of ``network.degree`` per person while the peer network is built
(measured ~58: tie lists, then the sparse matrix)."""


def check_size(params: ParamSet) -> None:
    """Refuse an organisation that will not fit in memory, before anything is built.

    Estimates ``org.employees × (BYTES_PER_PERSON + BYTES_PER_TIE × network.degree)``
    and compares it with :func:`crmsim.memory.available_memory`
    (small organisations, under 64 MB, are not checked).

    Raises:
        CrmsimError: one line with the estimate, the memory available and the fix.
    """
    n, degree = params["org.employees"], params["network.degree"]
    needed = int(n * (BYTES_PER_PERSON + BYTES_PER_TIE * degree))
    if needed < 64 * 2**20:
        return
    from crmsim.memory import check_fits

    check_fits(
        needed,
        f"an organisation of {n:,} people (network.degree {degree:g})",
        "set a smaller org.employees (or network.degree), or use a machine with more memory",
    )


def build(params: ParamSet, rng: np.random.Generator) -> Organisation:
    """Draw an organisation from the parameters, using only ``rng``.

    Args:
        params: The run's parameters (``org.*`` and ``network.*`` are read).
        rng: The model's generator; all randomness comes from it.

    Raises:
        CrmsimError: when the organisation would not fit in memory (:func:`check_size`).
    """
    check_size(params)
    n_exec, n_units, n_staff = head_counts(
        params["org.employees"], params["org.executives"], params["org.span_of_control"]
    )
    n = n_exec + n_units + n_staff

    # Units and functions: front-end units first, cycling over the four
    # front-end functions, then back-office units over the five others.
    n_front_units = int(np.clip(round(params["org.front_end_share"] * n_units), 1, n_units))
    unit_function = np.empty(n_units, dtype=np.int8)
    unit_function[:n_front_units] = np.arange(n_front_units) % len(FRONT_FUNCTIONS)
    unit_function[n_front_units:] = len(FRONT_FUNCTIONS) + (
        np.arange(n_units - n_front_units) % len(BACK_FUNCTIONS)
    )
    # Order units by function so that a function's units are contiguous
    # (pilots and waves then follow functions, S4: start locally, e.g. sales).
    order = np.argsort(unit_function, kind="stable")
    unit_function = unit_function[order]
    unit_front = unit_function < len(FRONT_FUNCTIONS)

    role = np.full(n, FRONTLINE, dtype=np.int8)
    role[:n_exec] = EXECUTIVE
    role[n_exec : n_exec + n_units] = MANAGER
    unit = np.full(n, -1, dtype=np.int32)
    unit[n_exec : n_exec + n_units] = np.arange(n_units, dtype=np.int32)
    staff_unit = np.sort(np.arange(n_staff, dtype=np.int32) % n_units)
    unit[n_exec + n_units :] = staff_unit
    unit_manager = np.arange(n_exec, n_exec + n_units, dtype=np.int64)
    unit_size = np.bincount(staff_unit, minlength=n_units).astype(np.int64)
    is_user = (role == FRONTLINE) & unit_front[np.maximum(unit, 0)]

    peers = _peer_network(params, rng, n, n_exec, n_units, unit_size)
    peer_count = np.asarray(peers.sum(axis=1)).ravel()
    user_peer_count = peers @ is_user.astype(np.float64)
    return Organisation(
        n=n,
        n_exec=n_exec,
        n_units=n_units,
        role=role,
        unit=unit,
        unit_function=unit_function,
        unit_front=unit_front,
        unit_manager=unit_manager,
        unit_size=unit_size,
        is_user=is_user,
        peers=peers,
        peer_count=peer_count,
        user_peer_count=user_peer_count,
    )


def _peer_network(
    params: ParamSet,
    rng: np.random.Generator,
    n: int,
    n_exec: int,
    n_units: int,
    unit_size: np.ndarray,
) -> sp.csr_matrix:
    """Symmetric 0/1 CSR adjacency of the informal network (no self-ties)."""
    degree = params["network.degree"]
    n_staff = int(unit_size.sum())
    first_staff = n_exec + n_units
    if degree == 0 or n_staff + n_units < 2:
        return sp.csr_matrix((n, n), dtype=np.float64)
    # Each person sends degree/2 ties; symmetrising gives about `degree` each.
    half = degree / 2.0
    k_in = rng.binomial(int(np.ceil(half)), half / np.ceil(half), size=n_staff) if half > 0 else 0
    inside = rng.random(int(np.sum(k_in))) < params["network.within_team"]
    src = np.repeat(np.arange(first_staff, n, dtype=np.int64), k_in)
    dst = np.empty_like(src)
    unit_start = first_staff + np.concatenate(([0], np.cumsum(unit_size)[:-1]))
    src_unit = np.repeat(np.sort(np.arange(n_staff) % n_units), k_in)
    u = rng.random(src.size)
    dst[inside] = unit_start[src_unit[inside]] + np.floor(u[inside] * unit_size[src_unit[inside]])
    dst[~inside] = first_staff + np.floor(u[~inside] * n_staff)
    # Managers: ties to managers of other units (S5 cross-department channel).
    if n_units > 1:
        m_src = np.repeat(np.arange(n_exec, first_staff, dtype=np.int64), int(np.ceil(half)))
        m_dst = n_exec + np.floor(rng.random(m_src.size) * n_units).astype(np.int64)
        src = np.concatenate((src, m_src))
        dst = np.concatenate((dst, m_dst))
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate((src, dst))
    cols = np.concatenate((dst, src))
    adj = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0
    adj.sort_indices()
    return adj
