"""Parsed sources kept between processes, so a command does not parse every model again.

Fingerprinting a project parses each model's and helper's source (``netflix_elt.fingerprint``): about
0.1-0.2 s for the MovieLens pipeline, on every command that builds. A :class:`SourceCache` keeps those
results in one JSON file under the state directory, each under its definition (file, first line,
qualified name) and the stamp of its file (modification time in nanoseconds and size, what Python's
own bytecode cache compares): a file that changed is parsed again. It only saves time: a missing,
unreadable or corrupt cache file is parsed around, and a cache that cannot be written is not kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from netflix_elt.files import write_text_atomic

VERSION = 2


class SourceCache:
    """Values keyed by a definition and valid while its file keeps the stamp they were stored with."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, Any] = {}
        self._stamps: dict[str, list[int] | None] = {}
        self._lock = threading.Lock()
        self._dirty = False
        with contextlib.suppress(OSError, ValueError, TypeError):
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("version") == VERSION and isinstance(stored.get("entries"), dict):
                self._entries = stored["entries"]

    def get(self, file: str, key: str) -> Any | None:
        """The value stored for ``key`` of ``file``, if the file still has the stamp it had then."""
        stamp = self._stamp(file)
        with self._lock:
            entry = self._entries.get(f"{file}|{key}")
        if stamp is None or not isinstance(entry, dict) or entry.get("stamp") != stamp:
            return None
        return entry.get("value")

    def put(self, file: str, key: str, value: Any) -> None:
        stamp = self._stamp(file)
        if stamp is None:  # no file (typed at a prompt): nothing to compare a later run with
            return
        with self._lock:
            self._entries[f"{file}|{key}"] = {"file": file, "stamp": stamp, "value": value}
            self._dirty = True

    def save(self) -> None:
        """Write the cache if anything was added (atomically; a failure leaves no cache, not a bad one),
        without the entries of files that changed or went away since they were stored."""
        with self._lock:
            if not self._dirty:
                return
            current = {
                key: entry
                for key, entry in self._entries.items()
                if isinstance(entry, dict) and self._stamp(str(entry.get("file"))) == entry.get("stamp")
            }
            text = json.dumps({"version": VERSION, "entries": current}, sort_keys=True)
            self._dirty = False
        with contextlib.suppress(OSError):
            write_text_atomic(self.path, text)

    def _stamp(self, file: str) -> list[int] | None:
        if file not in self._stamps:
            try:
                stat = os.stat(file)
                self._stamps[file] = [stat.st_mtime_ns, stat.st_size]
            except (OSError, ValueError):
                self._stamps[file] = None
        return self._stamps[file]
