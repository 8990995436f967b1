"""Two independent models that can only finish when both run at the same time (a barrier).

Built with threads >= 2 both pass; a runner that ran them one after the other would break the barrier.
Each model records the thread it ran on and its Session.
"""

from __future__ import annotations

import threading

from netflix_elt import Table, model, seed

numbers = seed("numbers", "../../sql_fixtures/seeds/numbers.csv", {"N": "NUMBER(38,0)", "LABEL": "VARCHAR"})

SEEN: dict[str, tuple[str, int]] = {}
_barrier = threading.Barrier(2, timeout=20)


def reset() -> None:
    global _barrier
    SEEN.clear()
    _barrier = threading.Barrier(2, timeout=20)


def _meet(name: str, df) -> None:
    SEEN[name] = (threading.current_thread().name, id(df.session))
    _barrier.wait()


@model(Table())
def west(numbers):
    _meet("WEST", numbers)
    return numbers


@model(Table())
def east(numbers):
    _meet("EAST", numbers)
    return numbers


@model(Table())
def both(west, east):
    return west.union_all(east)
