"""Fixtures of the wire tier: a MovieLens release with a day (the emulator server is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

# One record of the generated day that the loader must reject (a movie id that is not a number).
BAD_RATING = "19,not-a-movie,4.0,1537837853\r\n"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ml-latest-small plus generated day 1, with one bad record in its ratings; skips without ../shared."""
    from tests.conftest import release_with_a_day

    copy = release_with_a_day(tmp_path_factory.mktemp("ml"))
    with (copy / "increments/day-0001/ratings.csv").open("a", encoding="utf-8", newline="") as ratings:
        ratings.write(BAD_RATING)
    return copy
