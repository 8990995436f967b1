"""Cancelling a running command (Ctrl-C): interrupt the statements in flight and refuse new ones.

Only statements run inside :meth:`Cancellation.scope` (a node's build and checks) can be cancelled. The
bookkeeping around them (RUN_HISTORY, artifacts) runs on, and so do the statements that undo work, a
ROLLBACK or the DROP of a work table, so that a cancelled node leaves no half-built table behind. After
:meth:`Cancellation.cancel`, a cancellable statement is refused with :class:`Cancelled` before it
starts, and every one in flight is interrupted through the engine's own route (DuckDB's interrupt,
Snowflake's ``SYSTEM$CANCEL_ALL_QUERIES``), and again, ``FIRST_RETRY_SECONDS`` later and then twice as
long each time (at most ``MAX_RETRY_SECONDS``), until it ends: an interrupt that arrives in the instant
before the warehouse starts the statement would otherwise be lost.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from netflix_elt.engine.worktables import is_work_table
from netflix_elt.errors import Cancelled

if TYPE_CHECKING:
    from snowflake.snowpark import Session

FIRST_RETRY_SECONDS = 0.2
MAX_RETRY_SECONDS = 2.0
_UNDO = re.compile(
    r"\s*(?:ROLLBACK|DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?(?P<name>[A-Za-z0-9_$.]+))\s*;?\s*",
    re.IGNORECASE,
)


def undoes_work(sql: str) -> bool:
    """A ROLLBACK, or the DROP of a work table (never of a published one)."""
    match = _UNDO.fullmatch(sql)
    return match is not None and (match["name"] is None or is_work_table(match["name"].rsplit(".", 1)[-1]))


class Cancellation:
    """One engine's cancellation state; ``interrupt`` stops what a Session is running (thread-safe)."""

    def __init__(self, interrupt: Callable[[Session], None]) -> None:
        self._interrupt = interrupt
        self._requested = threading.Event()
        self._lock = threading.Lock()
        self._in_flight: dict[object, Session] = {}
        self._local = threading.local()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def clear(self) -> None:
        """Accept statements again (a new command on the same engine)."""
        self._requested.clear()

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Statements this thread runs inside the block can be cancelled."""
        outer = getattr(self._local, "active", False)
        self._local.active = True
        try:
            yield
        finally:
            self._local.active = outer

    @contextlib.contextmanager
    def statement(self, session: Session, sql: str) -> Iterator[None]:
        """Wrap running ``sql`` on ``session``: refused once cancelled, tracked while in flight."""
        if not getattr(self._local, "active", False) or undoes_work(sql):
            yield
            return
        token = object()
        with self._lock:
            if self._requested.is_set():
                raise Cancelled("cancelled (Ctrl-C) before this statement ran")
            self._in_flight[token] = session
        try:
            yield
        finally:
            with self._lock:
                del self._in_flight[token]

    def cancel(self) -> None:
        """Refuse cancellable statements from now on and interrupt those in flight (returns at once)."""
        with self._lock:
            if self._requested.is_set():
                return
            self._requested.set()
        threading.Thread(target=self._interrupt_in_flight, name="netflix-elt-cancel", daemon=True).start()

    def _interrupt_in_flight(self) -> None:
        delay = FIRST_RETRY_SECONDS
        while True:
            # Under the lock: a statement still registered has not returned, so its Session runs
            # nothing else that the interrupt could hit.
            with self._lock:
                sessions = list(self._in_flight.values())
                for session in sessions:
                    with contextlib.suppress(Exception):
                        self._interrupt(session)
            if not sessions:
                return
            time.sleep(delay)
            delay = min(2 * delay, MAX_RETRY_SECONDS)
