"""The atomic-write helper: the whole new text or the old file, never a half-written one or a leftover."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netflix_elt.files import write_text_atomic


def test_writes_the_text_creating_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.html"
    assert write_text_atomic(target, "<p>é\r\n</p>") == target
    assert target.read_bytes() == "<p>é\r\n</p>".encode()  # written as given, line endings untouched
    assert os.listdir(target.parent) == ["report.html"]


def test_replaces_an_existing_file_and_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old", encoding="utf-8")
    previous = os.umask(0o027)
    try:
        write_text_atomic(target, "new")
    finally:
        os.umask(previous)
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["state.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "run_results.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "not ascii: é", encoding="ascii")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["run_results.json"]
