"""The example notebook runs top to bottom in a real Jupyter kernel (nbclient + ipykernel) and shows
what it promises: the project's table, the run and its checks, and a model read into pandas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "movielens_quickstart.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notebook after a run in a fresh kernel, its temporary files under pytest's tmp dir."""
    work = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(work))  # the kernel inherits it: tempfile.mkdtemp lands there
        client = NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
        )
        client.execute()
    return {cell.get("id"): cell for cell in notebook.cells if cell.cell_type == "code"}


def outputs(cell: Any, kind: str) -> str:
    """Everything a cell printed (``stream``) or displayed as ``kind`` (``text/html``, ``text/plain``)."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text if kind == "stream" else "")
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get(kind, ""))
    return "".join(parts)


def test_every_cell_ran_without_an_error(executed: dict[str, Any]) -> None:
    assert executed, "no code cell"
    for name, cell in executed.items():
        assert cell.execution_count is not None, f"cell {name} did not run"
        assert not [o for o in cell.outputs if o.output_type == "error"], f"cell {name} failed"


def test_the_project_and_the_run_show_as_tables(executed: dict[str, Any]) -> None:
    project = executed["project"]
    assert re.fullmatch(
        r"<Project netflix_elt\.movielens\.pipeline: \d+ nodes, profile local, state \S+>",
        outputs(project, "text/plain"),
    )
    assert "<table>" in outputs(project, "text/html") and "MART_CONTENT_METRICS" in outputs(
        project, "text/html"
    )

    build = executed["build"]
    line = outputs(build, "stream").strip()
    assert re.fullmatch(
        r"<RunResult build [0-9a-f]{12}: \d+ nodes, \d+ success(, \d+ warn)?, [\d.]+ s>", line
    )
    html = outputs(build, "text/html")
    assert "MART_CONTENT_METRICS" in html and "FCT_RATINGS" in html and 'data-status="error"' not in html


def test_the_check_results_are_listed(executed: dict[str, Any]) -> None:
    checks = executed["checks"]
    assert re.fullmatch(
        r"<CheckResults: \d+ checks, \d+ pass(, \d+ warn)?>", outputs(checks, "stream").strip()
    )
    assert outputs(checks, "text/html").count("<tr") > 10
    assert "CheckResults" in outputs(executed["not-passed"], "text/plain")


def test_a_model_is_read_into_pandas(executed: dict[str, Any]) -> None:
    frame = outputs(executed["pandas"], "text/html")
    assert "dataframe" in frame and "RATINGS_COUNT" in frame and "TITLE" in frame
    assert frame.count("<tr") == 1 + 10  # the header and ten movies
