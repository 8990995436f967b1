"""Unit test of SNAP_TAGS: the history after several runs, with a re-applied and a removed tag."""

from __future__ import annotations

from datetime import datetime

from netflix_elt.quality.unit import unit_test

RUNS = [datetime(2024, 1, 1, 6), datetime(2024, 1, 2, 6), datetime(2024, 1, 3, 6)]
FUNNY_1, FUNNY_2 = datetime(2023, 5, 1), datetime(2023, 12, 31, 18)  # 'funny' applied, then again
DARK, CLASSIC, CLASSIC_AGAIN = datetime(2023, 5, 2), datetime(2023, 5, 3), datetime(2024, 1, 2, 20)


def _tag(user: int, movie: int, tag: str, at: datetime) -> dict:
    return {"USER_ID": user, "MOVIE_ID": movie, "TAG": tag, "TAGGED_AT": at}


snap_tags_tests = [
    unit_test(
        "snap_tags",
        name="snap_tags_history_over_three_runs",
        given=[
            {
                "src_tags": [
                    _tag(1, 10, "funny", FUNNY_1),
                    _tag(1, 10, "dark", DARK),
                    _tag(2, 20, "classic", CLASSIC),
                ]
            },
            # 'funny' re-applied (a newer TAGGED_AT); 'classic' removed from the export
            {"src_tags": [_tag(1, 10, "funny", FUNNY_2), _tag(1, 10, "dark", DARK)]},
            # 'classic' is back: a new version from this run on
            {
                "src_tags": [
                    _tag(1, 10, "funny", FUNNY_2),
                    _tag(1, 10, "dark", DARK),
                    _tag(2, 20, "classic", CLASSIC_AGAIN),
                ]
            },
        ],
        run_started_at=RUNS,
        expect=[
            {
                "TAG": "funny",
                "TAGGED_AT": FUNNY_1,
                "VALID_FROM": FUNNY_1,
                "VALID_TO": FUNNY_2,
                "IS_CURRENT": False,
            },
            {
                "TAG": "funny",
                "TAGGED_AT": FUNNY_2,
                "VALID_FROM": FUNNY_2,
                "VALID_TO": None,
                "IS_CURRENT": True,
            },
            {"TAG": "dark", "TAGGED_AT": DARK, "VALID_FROM": DARK, "VALID_TO": None, "IS_CURRENT": True},
            # closed by the run that no longer saw it
            {
                "TAG": "classic",
                "TAGGED_AT": CLASSIC,
                "VALID_FROM": CLASSIC,
                "VALID_TO": RUNS[1],
                "IS_CURRENT": False,
            },
            # a tag that comes back opens a version at the run that saw it again
            {
                "TAG": "classic",
                "TAGGED_AT": CLASSIC_AGAIN,
                "VALID_FROM": RUNS[2],
                "VALID_TO": None,
                "IS_CURRENT": True,
            },
        ],
    ),
]
