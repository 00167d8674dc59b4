"""A batch's run directory through one session of work: :class:`BatchSession`.

Every command that runs a plan into a run directory (``batch``,
``sensitivity``, ``levers``; later ``validate``, ``calibrate``, ``fit``)
goes through the same life cycle, written here once:

1. **create or resume**: :meth:`BatchSession.create` writes a new directory
   (manifest with provenance, plan); :meth:`BatchSession.resume` opens an
   existing one for writing, checks its ``kind`` and rebuilds its plan;
   :meth:`BatchSession.create_or_resume` does whichever fits (for commands
   that resume by being repeated);
2. **fingerprint check**: :meth:`BatchSession.check_same` refuses to resume
   with flags that plan a different batch;
3. **run**: :meth:`BatchSession.run` marks the manifest ``running``, appends
   this session (command, workers, versions) to ``sessions``, runs the
   missing runs with SIGTERM turned into the same clean stop as Ctrl-C
   (SIGINT, Python's KeyboardInterrupt), closes the store and records the
   outcome: ``complete``, ``interrupted``, ``incomplete`` (stopped early
   without an interrupt) or ``failed`` (an error escaped; it is re-raised,
   as is a Ctrl-C that came before any run started, recorded ``interrupted``).

A command is then: build its plan, ``create`` or ``resume``, ``run``, print.
Example (what ``crmsim levers`` does)::

    session = BatchSession.create(out, plan, kind="crmsim levers", command=argv,
                                  extra={"levers": record}, packages=("SALib",))
    outcome = session.run(argv, workers=None, scheduler=None, label="levers", log=say)
    if not outcome.complete:
        say(session.interrupted_text(outcome, "levers"))
"""

from __future__ import annotations

import datetime as _dt
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmsim.errors import CrmsimError

if TYPE_CHECKING:
    from crmsim.batch.plan import Plan
    from crmsim.batch.running import BatchOutcome
    from crmsim.storage import RunStore


def stamp() -> str:
    """Local date and time for default run-directory names, e.g. ``20260101-093000``."""
    return _dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _interrupt(signum: int, frame: Any) -> None:  # SIGTERM behaves like Ctrl-C
    raise KeyboardInterrupt


def _session_record(
    argv: list[str], workers: int | None, scheduler: str | None, resumed: bool
) -> dict[str, Any]:
    """One entry of the manifest's ``sessions``: who ran what, where, with which versions."""
    from crmsim.provenance import environment

    env = environment()
    return {
        "command": argv,
        "argv": env["command"],
        "started_utc": env["created_utc"],
        "resumed": resumed,
        "workers": None if scheduler else workers,
        "scheduler": scheduler,
        "versions": env["versions"],
        "platform": env["platform"],
    }


class BatchSession:
    """One run directory (a :class:`crmsim.storage.RunStore` and its plan), opened for writing.

    Build it with :meth:`create` (a new directory) or :meth:`resume` (an
    existing one); then :meth:`run` once. The store's lock is held from
    then until :meth:`run` returns (or :meth:`refuse` / :meth:`close`).

    Attributes:
        store: The open run store.
        plan: The plan the directory holds.
        resumed: True when opened with :meth:`resume`.
    """

    def __init__(self, store: RunStore, plan: Plan, resumed: bool) -> None:
        self.store = store
        self.plan = plan
        self.resumed = resumed

    # ------------------------------------------------------------------ opening
    @classmethod
    def create(
        cls,
        out: Path,
        plan: Plan,
        *,
        kind: str,
        command: list[str],
        extra: Mapping[str, Any] | None = None,
        packages: Sequence[str] = (),
        chunk_runs: int | None = None,
    ) -> BatchSession:
        """Write a new run directory: its manifest (provenance, plan, ``extra``) and plan.

        Args:
            out: The run directory (must not hold a batch already).
            plan: What to run.
            kind: The manifest's ``kind``, e.g. ``"crmsim batch"``; :meth:`resume`
                checks it.
            command: The full command line that repeats this batch.
            extra: The command's own manifest fields (after the plan's).
            packages: More packages whose versions the manifest records
                (e.g. ``("SALib",)``), besides the usual ones.
            chunk_runs: Runs per Parquet chunk (default: the store's).

        Raises:
            CrmsimError: when ``out`` cannot be used (from the store).
        """
        from crmsim.batch.plan_store import plan_frame
        from crmsim.provenance import environment
        from crmsim.storage import RunStore

        env = environment()
        versions = dict(env["versions"])
        for name in packages:
            versions[name] = _version(name)
        manifest = {
            "kind": kind,
            "command": command,
            "argv": env["command"],
            "created_utc": env["created_utc"],
            "versions": versions,
            "platform": env["platform"],
            **plan.manifest(),
            **(extra or {}),
            "status": "running",
            "sessions": [],
        }
        options = {} if chunk_runs is None else {"chunk_runs": chunk_runs}
        store = RunStore.create(out, manifest, plan_frame(plan), **options)
        return cls(store, plan, resumed=False)

    @classmethod
    def resume(cls, out: Path, *, kind: str | None = None, noun: str = "batch") -> BatchSession:
        """Open the run directory ``out`` for writing and rebuild its plan.

        Args:
            out: The run directory of an earlier (interrupted) session.
            kind: When given, the manifest's ``kind`` must be this.
            noun: What the directory should hold, for the error message
                (e.g. ``"sensitivity analysis"``).

        Raises:
            CrmsimError: when ``out`` is no run directory, is locked by
                another process, or holds another kind.
        """
        from crmsim.batch.plan_store import plan_from_store
        from crmsim.storage import RunStore

        store = RunStore.open(out, writable=True)
        session = cls(store, None, resumed=True)  # type: ignore[arg-type]
        if kind is not None and store.manifest.get("kind") != kind:
            raise session.refuse(f"{out} holds no {noun}; give its run directory")
        session.plan = plan_from_store(store.manifest, store.plan())
        return session

    @classmethod
    def create_or_resume(
        cls, out: Path, plan: Plan, *, kind: str, command: list[str], noun: str = "batch",
        **create: Any,
    ) -> BatchSession:  # fmt: skip
        """The same plan in ``out``: resumed when ``out`` holds it already, else created.

        For commands that resume by repeating themselves (``validate``,
        ``calibrate``) rather than with ``--resume``. ``create`` takes the
        keyword arguments of :meth:`create` (``extra``, ``packages``, ``chunk_runs``).

        Raises:
            CrmsimError: when ``out`` holds another kind or a different plan.
        """
        if (Path(out) / "manifest.json").is_file():
            session = cls.resume(out, kind=kind, noun=noun)
            fix = "choose another --out, or repeat the command that made it"
            session.check_same(plan, given="this command's flags", noun=noun, fix=fix)
            return session
        return cls.create(out, plan, kind=kind, command=command, **create)

    @property
    def out(self) -> Path:
        """The run directory."""
        return self.store.root

    @property
    def manifest(self) -> dict[str, Any]:
        """The directory's manifest (as stored; :meth:`run` updates it)."""
        return self.store.manifest

    def refuse(self, message: str) -> CrmsimError:
        """Close the store and return the error to raise: ``raise session.refuse("...")``."""
        self.close()
        return CrmsimError(message)

    def check_same(
        self, plan: Plan, given: str = "these flags", noun: str = "batch", fix: str | None = None
    ) -> None:
        """Refuse to resume when ``plan`` (from this command line) differs from the stored one.

        ``fix`` is what the message tells the user to do (default: resume
        with the same flags, or with just ``--resume --out``).

        Raises:
            CrmsimError: naming the directory and how to resume it.
        """
        if plan.fingerprint() != self.plan.fingerprint():
            out = self.out
            fix = fix or f"resume with the same ones, or with just --resume --out {out}"
            raise self.refuse(f"{given} plan a different {noun} than the one in {out}; {fix}")

    def close(self) -> None:
        """Release the directory (idempotent)."""
        self.store.close()

    # ------------------------------------------------------------------ running
    def run(
        self,
        argv: list[str],
        *,
        workers: int | None,
        scheduler: str | None,
        label: str,
        cells: str = "points",
        retry_failed: bool = False,
        chunk_runs: int | None = None,
        log: Callable[[str], None] | None = None,
        progress: Any = None,
    ) -> BatchOutcome:
        """Run the plan's missing runs and record this session in the manifest.

        Args:
            argv: This session's command line (recorded in ``sessions``).
            workers: Local processes (None: all cores); ignored with ``scheduler``.
            scheduler: A Dask scheduler address, or None.
            label: The command's name for the start line, e.g. ``"batch"``.
            cells: What the plan's cells are called in that line.
            retry_failed: Run again the runs stored with an error.
            chunk_runs: Runs per Parquet chunk for this session (default: unchanged).
            log: Where the start line goes (e.g. stderr); None says nothing.
            progress: A :class:`crmsim.progress.Progress` (or None).

        Returns:
            The :class:`crmsim.batch.BatchOutcome`. The store is closed and
            the manifest's ``status`` says how it ended.
        """
        from crmsim.batch.running import run_batch
        from crmsim.executors import default_workers

        store, plan = self.store, self.plan
        if chunk_runs is not None:
            store.chunk_runs = chunk_runs
        if not scheduler:
            workers = workers or default_workers()
        manifest = store.manifest
        manifest["status"] = "running"
        record = _session_record(argv, workers, scheduler, self.resumed)
        manifest.setdefault("sessions", []).append(record)
        store.write_manifest(manifest)
        if log is not None:
            where = f"Dask cluster {scheduler}" if scheduler else f"{workers} worker(s)"
            log(
                f"crmsim {label}: {len(plan.runs)} runs ({len(plan.cells)} {cells}) on {where}, "
                f"root seed {plan.root_seed}, results in {self.out}"
            )
        # signal handlers can only be set from the main thread (not from a notebook's worker)
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if in_main else None
        try:
            result = run_batch(
                plan, store, workers=workers or 1, scheduler=scheduler,
                progress=progress, retry_failed=retry_failed,
            )  # fmt: skip
        except BaseException as exc:  # run_batch handles a stop while runs are going
            stopped = isinstance(exc, KeyboardInterrupt)  # a stop before they started
            manifest.update(status="interrupted" if stopped else "failed", finished_utc=_now())
            store.write_manifest(manifest)
            raise
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)
            store.close()
        status = "complete" if result.complete else (
            "interrupted" if result.interrupted else "incomplete")  # fmt: skip
        manifest = store.manifest
        manifest.update(
            status=status, runs_ok=result.ok, runs_failed=result.failed, finished_utc=_now()
        )
        manifest["sessions"][-1].update(computed=result.computed, seconds=round(result.seconds, 3))
        store.write_manifest(manifest)
        return result

    def interrupted_text(self, outcome: BatchOutcome, label: str) -> str:
        """The line that says what was kept and how to finish: ``crmsim LABEL --resume``."""
        kept = outcome.ok + outcome.failed
        return (
            f"crmsim {label}: interrupted; {kept} of {outcome.total} runs kept in {self.out}. "
            f"Finish with: crmsim {label} --resume --out {self.out}"
        )


def _version(package: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
