"""The framework (``netflix_elt`` outside ``netflix_elt.movielens``) imports nothing from the MovieLens
application, so a second project can use it alone: checked on the source (imports and module names in
the code) and by importing every framework module in a fresh interpreter."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import netflix_elt

PACKAGE = Path(netflix_elt.__file__).resolve().parent
APPLICATION = "netflix_elt.movielens"


def framework_modules() -> list[str]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[1:2] == ("movielens",):
            continue
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def names_of_the_application(source: str) -> list[str]:
    """Imports of the application, and module names of it in the code (``importlib.import_module``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" not in node.value:
            found.append(node.value)  # a dotted name in the code (docstrings span lines or are prose)
    return [name for name in found if name == APPLICATION or name.startswith(f"{APPLICATION}.")]


def test_the_check_sees_an_import_of_the_application() -> None:
    source = (
        'import os\nfrom netflix_elt.movielens.loader import x\nNAME = "netflix_elt.movielens.pipeline"\n'
    )
    assert names_of_the_application(source) == [
        "netflix_elt.movielens.loader",
        "netflix_elt.movielens.pipeline",
    ]
    assert (
        names_of_the_application('"""See netflix_elt.movielens for an example."""\nimport netflix_elt') == []
    )


def test_no_framework_module_names_the_application() -> None:
    modules = framework_modules()
    assert "netflix_elt.recovery" in modules and "netflix_elt.cli.build" in modules
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] != "movielens":
            names = names_of_the_application(path.read_text(encoding="utf-8"))
            if names:
                offenders[str(path.relative_to(PACKAGE))] = names
    assert offenders == {}


def test_importing_every_framework_module_loads_nothing_of_the_application() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {framework_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({APPLICATION!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
