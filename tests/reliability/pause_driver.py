"""Runs the real ``netflix-elt`` command line in this process and pauses it at a chosen statement.

``python pause_driver.py ARGS...`` is ``netflix-elt ARGS...``. With $PAUSE_AFTER (a regular expression)
set, the first statement the engine executes that matches it runs, then this process prints
``PAUSED <statement>`` on stderr and waits for a line on stdin before going on. A test kills it there
(SIGKILL: a crash at a known point, nothing run after that statement) or lets it go on (a concurrent
command meanwhile finds the warehouse in use). With $ANNOUNCE_BEFORE set, each statement matching it is
announced as ``RUNNING <statement>`` on stderr just before it runs (a test interrupts it meanwhile).
Nothing in the package knows about this.
"""

from __future__ import annotations

import os
import re
import sys
import threading

from netflix_elt.engine.base import Engine


def install_pause(pattern: re.Pattern[str]) -> None:
    execute = Engine.execute
    lock = threading.Lock()
    paused = False

    def execute_then_pause(self: Engine, sql: str):  # type: ignore[no-untyped-def]
        nonlocal paused
        rows = execute(self, sql)
        with lock:
            first = not paused and pattern.search(sql) is not None
            paused = paused or first
        if first:
            sys.stderr.write(f"PAUSED {' '.join(sql.split())[:300]}\n")
            sys.stderr.flush()
            sys.stdin.readline()
        return rows

    Engine.execute = execute_then_pause  # type: ignore[method-assign]


def install_announce(pattern: re.Pattern[str]) -> None:
    execute = Engine.execute

    def announce_then_execute(self: Engine, sql: str):  # type: ignore[no-untyped-def]
        if pattern.search(sql) is not None:
            sys.stderr.write(f"RUNNING {' '.join(sql.split())[:300]}\n")
            sys.stderr.flush()
        return execute(self, sql)

    Engine.execute = announce_then_execute  # type: ignore[method-assign]


if __name__ == "__main__":
    if os.environ.get("PAUSE_AFTER"):
        install_pause(re.compile(os.environ["PAUSE_AFTER"]))
    if os.environ.get("ANNOUNCE_BEFORE"):
        install_announce(re.compile(os.environ["ANNOUNCE_BEFORE"]))
    from netflix_elt.movielens.cli import app

    app(args=sys.argv[1:], prog_name="netflix-elt")
