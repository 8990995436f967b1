"""Ending a command without tearing the interpreter down.

Once a command is done (its engines closed, its files written, its exit code known), Python would
still finalise every module it imported: 0.24 s for Snowpark alone, 0.3-0.4 s after a build, on every
command. :func:`run` does what Python's own exit does before that teardown, in the same order (wait
for the threads that are not daemons, run the ``atexit`` handlers: logging's flush, temporary
directories, Prefect's shutdown, flush standard output and error), then ends the process with
``os._exit``. Only the teardown is skipped, so a file left open would not be flushed by it: every
writer in the project closes its files (``with`` blocks, ``Path.write_text``, ``write_text_atomic``).
An exception other than ``SystemExit`` (a bug) takes Python's usual way out, traceback and all.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import Any


def run(app: Any) -> None:
    """Run ``app`` (a typer app in standalone mode) and end the process with its exit status."""
    try:
        app()
    except SystemExit as exc:
        end(exc.code)
    end(0)


def end(code: object) -> None:
    """End the process as ``sys.exit(code)`` would, without the interpreter's teardown."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # what Python prints for SystemExit("message")
    status = 0 if code is None else code if isinstance(code, int) else 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken pipe: nothing more can go to it
            stream.flush()
    os._exit(status)
