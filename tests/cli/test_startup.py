"""What a command costs before and after its work.

Commands that only read the project (``--help``, ``ls``, ``graph``) import no Snowpark, no Snowflake
connector and no pandas, which are most of a command's start-up (benchmarks/startup.py measures it); what
each imported is read from ``python -X importtime`` in a fresh interpreter. A command on the embedded
engine leaves no fakesnow stage directory in /tmp.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = "import sys; from netflix_elt.movielens.cli import main; sys.argv = ['netflix-elt', *sys.argv[1:]]; main()"


def imported_by(args: list[str], state_dir: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", SCRIPT, "--state-dir", str(state_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


@pytest.mark.parametrize("args", [["--help"], ["ls"], ["graph"], ["ls", "--select", "+mart_content_metrics"]])
def test_reading_the_project_imports_no_snowpark(args: list[str], tmp_path: Path) -> None:
    modules = imported_by(args, tmp_path / "state")
    assert "netflix_elt.cli" in modules  # the probe sees the imports at all
    assert not {m for m in modules if m.split(".")[0] in {"pandas", "fakesnow", "numpy"}}
    assert not {m for m in modules if m.startswith(("snowflake.snowpark", "snowflake.connector"))}


def test_model_code_gets_snowpark_when_it_runs() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from netflix_elt.snowpark import Column, F, Window; "
            "print('snowflake.snowpark' in sys.modules, repr(F).endswith('not imported yet>')); "
            "c = F.col('A'); Window.partition_by('A'); "
            "print('snowflake.snowpark' in sys.modules, repr(F)); print(isinstance(c, Column), isinstance(1, Column))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "False True",
        "True <snowflake.snowpark.functions, imported>",
        "True False",
    ]


def test_a_command_leaves_no_fakesnow_stage_directory(tmp_path: Path) -> None:
    script = (
        "import sys; from fakesnow.transforms import stage; print(stage.LOCAL_BUCKET_PATH, flush=True); "
        "from netflix_elt.movielens.cli import main; sys.argv = ['netflix-elt', *sys.argv[1:]]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--state-dir", str(tmp_path / "state"), "sql", "select 1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    bucket = Path(done.stdout.splitlines()[0])
    assert bucket.name.startswith("fakesnow_bucket_") and not bucket.exists()


@pytest.mark.parametrize("package", ["netflix_elt", "netflix_elt.quality", "netflix_elt.quality.unit"])
def test_lazy_names_are_the_ones_type_checkers_see(package: str) -> None:
    """A package's lazily imported names (``_EXPORTS``) are imported under TYPE_CHECKING from the same
    modules, so mypy types them and no name is lazy only or typed only."""
    import ast
    import importlib

    module = importlib.import_module(package)
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    typed = {
        alias.name: node.module
        for block in tree.body
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert typed == module._EXPORTS
    assert all(getattr(importlib.import_module(m), n) is getattr(module, n) for n, m in typed.items())
