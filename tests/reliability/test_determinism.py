"""Two builds of the same input give the same tables, value for value and bit for bit.

Floating-point sums depend on the order a parallel warehouse adds rows in; the pipeline aggregates
non-integer values exactly (``pipeline/exact.py``) and every ranking has a total order, so nothing
but what is about the run itself (timings, load and run times, which ``Project.diff`` leaves out) may
differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from netflix_elt.movielens import PIPELINE
from netflix_elt.movielens.loader import load_directory
from netflix_elt.project import Project

RUN_REPORTS = ["model_timings"]  # a report on the runs themselves


def test_two_builds_of_the_same_input_are_identical(movielens_small: Path, tmp_path: Path) -> None:
    with Project.local(project=PIPELINE, state_dir=tmp_path / "first") as project:
        load_directory(project.engine, movielens_small, mode="replace", batch_id="same-input")
    shutil.copytree(tmp_path / "first", tmp_path / "second")
    for name in ("first", "second"):
        with Project.local(project=PIPELINE, state_dir=tmp_path / name) as project:
            run = project.build()
            assert run.success, [(r.name, r.message) for r in run.results if r.status == "error"]
    first, second = (
        Project.local(project=PIPELINE, state_dir=tmp_path / "first"),
        Project.local(project=PIPELINE, state_dir=tmp_path / "second"),
    )
    report = first.diff(second, exclude=RUN_REPORTS, tolerance=0.0)
    compared = {m.model for m in report.models}
    assert {
        "USER_SIMILARITY",
        "RATING_CONSISTENCY",
        "GENRE_GROWTH_POTENTIAL",
        "MART_CONTENT_METRICS",
    } <= compared
    assert len(compared) > 30
    assert [m.to_dict() for m in report.different] == []
