"""Commands end without the interpreter's teardown (``netflix_elt.cli.exiting``), yet as ``sys.exit``
would: the same exit status, every thread waited for, every ``atexit`` handler run, all output written."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
import typer
from netflix_elt.cli import exiting

out = Path(sys.argv.pop(1))
atexit.register(lambda: (out / "atexit").write_text("ran"))
app = typer.Typer()

@app.command()
def command(code: int = 0, fail: bool = False) -> None:
    def late() -> None:
        time.sleep(0.3)
        (out / "thread").write_text("finished")
    threading.Thread(target=late).start()
    for i in range(20000):
        print(f"line {i}")
    if fail:
        raise RuntimeError("a bug")
    raise typer.Exit(code)

exiting.run(app)
"""


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "command.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script), str(tmp_path), *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("code", [0, 3])
def test_a_command_ends_with_its_status_its_output_threads_and_atexit_handlers(
    tmp_path: Path, code: int
) -> None:
    done = run(tmp_path, "--code", str(code))
    assert done.returncode == code
    assert done.stdout.splitlines()[-1] == "line 19999" and len(done.stdout.splitlines()) == 20000
    assert (tmp_path / "thread").read_text() == "finished"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_a_bug_takes_pythons_usual_way_out(tmp_path: Path) -> None:
    done = run(tmp_path, "--fail")
    assert done.returncode == 1
    assert "RuntimeError: a bug" in done.stderr
    assert (tmp_path / "atexit").read_text() == "ran"


def test_a_usage_error_keeps_status_2(tmp_path: Path) -> None:
    done = run(tmp_path, "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
