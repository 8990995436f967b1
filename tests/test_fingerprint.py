"""Model fingerprints (``state:modified``) follow what the code does: comments, docstrings and formatting
do not count; the helpers, constants and classes a model uses from its own package do, transitively.

Each case writes a tiny real package (a models module and a helpers module) under a fresh name, imports
it and compares the fingerprint of a model with the one of the unedited package.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from netflix_elt.declare import spec_of

HELPERS = '''
"""Helpers of the tiny project."""
import math

FACTOR = 2
OFFSET = 1


def scale(df, factor=FACTOR):
    """Keep the rows above the factor."""
    return df.filter(df["N"] > factor)


def unrelated():
    return OFFSET


def ping(n):
    return pong(n - 1) if n > 0 else math.floor(0.5)


def pong(n):
    return ping(n)


class Window:
    SIZE = 3

    def size(self):
        return self.SIZE
'''

MODELS = '''
"""Models of the tiny project."""
from netflix_elt import Table, model

from {package} import helpers
from {package}.helpers import Window, ping, scale

LIMIT = 10


@model(Table())
def numbers(raw):
    """The small numbers."""
    # keep the rows above the factor, then the first few
    return scale(raw).limit(LIMIT)


@model(Table())
def nested(raw):
    def inner(df):
        return df.limit(helpers.FACTOR)

    pick = lambda df: inner(df)  # noqa: E731
    return pick(raw)


@model(Table())
def cyclic(raw):
    return raw.limit(ping(3) + Window().size())
'''

Edit = Callable[[str], str]


@pytest.fixture
def fingerprint(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """``fingerprint(model, models=edit, helpers=edit)``: the model's fingerprint in a fresh copy of the
    tiny package, with its files edited first."""
    created: list[str] = []
    sys.path.insert(0, str(tmp_path))

    def make(name: str, models: Edit = str, helpers: Edit = str) -> str:
        package = f"fp_{uuid.uuid4().hex[:10]}"
        folder = tmp_path / package
        folder.mkdir()
        (folder / "__init__.py").write_text("", encoding="utf-8")
        (folder / "helpers.py").write_text(helpers(textwrap.dedent(HELPERS)), encoding="utf-8")
        (folder / "models.py").write_text(models(MODELS.format(package=package)), encoding="utf-8")
        created.append(package)
        module = importlib.import_module(f"{package}.models")
        spec = spec_of(getattr(module, name))
        assert spec is not None
        return spec.fingerprint()

    yield make
    sys.path.remove(str(tmp_path))
    for package in created:
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]


def replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return edit


def test_same_code_in_another_package_has_the_same_fingerprint(fingerprint) -> None:
    assert fingerprint("numbers") == fingerprint("numbers")
    assert fingerprint("numbers") != fingerprint("nested")


@pytest.mark.parametrize(
    "edit",
    [
        replace("    # keep the rows above the factor, then the first few\n", ""),
        replace('"""The small numbers."""', '"""Numbers below ten, said differently."""'),
        replace("return scale(raw).limit(LIMIT)", "return scale(\n        raw\n    ).limit( LIMIT )  # tidy"),
        replace('"""Models of the tiny project."""', '"""Another module docstring."""\n# a comment\n'),
    ],
    ids=["comment", "docstring", "formatting", "module-docstring"],
)
def test_comments_docstrings_and_formatting_keep_the_fingerprint(fingerprint, edit: Edit) -> None:
    assert fingerprint("numbers", models=edit) == fingerprint("numbers")


@pytest.mark.parametrize(
    ("name", "models", "helpers"),
    [
        (
            "numbers",
            str,
            replace('return df.filter(df["N"] > factor)', 'return df.filter(df["N"] >= factor)'),
        ),
        ("numbers", str, replace("FACTOR = 2", "FACTOR = 3")),  # reaches scale() as its default argument
        ("numbers", replace("LIMIT = 10", "LIMIT = 11"), str),
        ("nested", str, replace("FACTOR = 2", "FACTOR = 3")),  # read as helpers.FACTOR in a nested function
        ("cyclic", str, replace("math.floor(0.5)", "math.ceil(0.5)")),  # through the ping/pong cycle
        ("cyclic", str, replace("SIZE = 3", "SIZE = 4")),  # a class the model instantiates
    ],
    ids=["helper", "helper-constant", "module-constant", "nested-attribute", "cycle", "class"],
)
def test_what_the_model_uses_from_its_package_changes_the_fingerprint(
    fingerprint, name: str, models: Edit, helpers: Edit
) -> None:
    assert fingerprint(name, models=models, helpers=helpers) != fingerprint(name)


def test_an_unrelated_helper_or_constant_does_not(fingerprint) -> None:
    edit = replace("    return OFFSET", "    return OFFSET + 1")
    assert fingerprint("numbers", helpers=edit) == fingerprint("numbers")
    assert fingerprint("cyclic", helpers=replace("OFFSET = 1", "OFFSET = 5")) == fingerprint("cyclic")


def test_a_helper_edit_reaches_only_the_models_that_use_it(fingerprint) -> None:
    edit = replace('return df.filter(df["N"] > factor)', 'return df.filter(df["N"] < factor)')
    assert fingerprint("nested", helpers=edit) == fingerprint("nested")
    assert fingerprint("numbers", helpers=edit) != fingerprint("numbers")


def test_definitions_are_parsed_safely_from_several_threads(tmp_path: Path) -> None:
    """Models are fingerprinted on the build threads. CPython 3.11's parser keeps one recursion count
    for all threads; a thread switch inside a parse (here forced: tiny switch interval, Python code run by
    the garbage collector) used to fail with "AST constructor recursion depth mismatch"."""
    import gc
    import threading

    from netflix_elt.fingerprint import normalised_source

    nested = "[" * 20 + "x" + "]" * 20
    body = "\n".join(f"def f{i}(x):\n    return ({nested}, {{'a': [1, (2, 3)]}})\n" for i in range(400))
    module_name = f"fp_threads_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module_name}.py").write_text(body, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(module_name)
    finally:
        sys.path.remove(str(tmp_path))
    functions = [getattr(module, f"f{i}") for i in range(400)]
    errors: list[BaseException] = []

    def parse(share: list[Callable[..., object]]) -> None:
        try:
            for function in share:
                assert normalised_source(function) is not None
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def collected(phase: str, info: dict[str, int]) -> None:
        sum(range(50))  # Python code inside the collector: a point where the thread can switch

    interval, threshold = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 1, 1)
    gc.callbacks.append(collected)
    try:
        threads = [threading.Thread(target=parse, args=(functions[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        gc.callbacks.remove(collected)
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)
        del sys.modules[module_name]
    assert errors == []


def test_a_seed_elsewhere_is_the_same_seed_and_its_content_counts(tmp_path: Path) -> None:
    """A checkout or deployment in another directory must not rebuild the seeds (and what reads them)."""

    def declared(folder: str, content: str) -> str:
        directory = tmp_path / folder
        directory.mkdir()
        (directory / "tiny.csv").write_text(content, encoding="utf-8")
        module_file = directory / "seeds_module.py"
        module_file.write_text(
            'from netflix_elt import seed\nTINY = seed("TINY", "tiny.csv", {"N": "NUMBER(38,0)"})\n',
            encoding="utf-8",
        )
        spec = importlib.util.spec_from_file_location(f"seeds_{uuid.uuid4().hex[:10]}", module_file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.TINY.fingerprint()

    assert declared("checkout", "N\n1\n") == declared("deployed", "N\n1\n")
    assert declared("edited", "N\n2\n") != declared("again", "N\n1\n")


def test_parsed_sources_are_kept_for_the_next_process_and_parsed_again_when_their_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fingerprint.cached_in`` (what Project.execute uses): the same fingerprints, without parsing
    an unchanged file again, and with an edited file parsed again."""
    import json
    import os

    from netflix_elt import fingerprint as fp

    def forget() -> None:  # what a new process starts without
        fp._SOURCES.clear()
        fp._MODULES.clear()

    package = f"fp_{uuid.uuid4().hex[:10]}"
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    helpers_file = folder / "helpers.py"
    helpers_file.write_text(textwrap.dedent(HELPERS), encoding="utf-8")
    (folder / "models.py").write_text(MODELS.format(package=package), encoding="utf-8")
    cache = tmp_path / "state" / "source_cache.json"
    sys.path.insert(0, str(tmp_path))
    try:
        models = importlib.import_module(f"{package}.models")
        names = ("numbers", "nested", "cyclic")
        fresh = {name: spec_of(getattr(models, name)).fingerprint() for name in names}

        def fingerprints() -> dict[str, str]:
            forget()
            with fp.cached_in(cache):
                return {name: spec_of(getattr(models, name)).fingerprint() for name in names}

        assert fingerprints() == fresh and cache.is_file()
        with monkeypatch.context() as patched:
            patched.setattr(fp, "_parse_fresh", lambda obj: pytest.fail(f"{obj} parsed again"))
            assert fingerprints() == fresh

        helpers_file.write_text(
            textwrap.dedent(HELPERS).replace('df["N"] > factor', 'df["N"] >= factor'), encoding="utf-8"
        )
        stamp = helpers_file.stat()
        os.utime(helpers_file, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000_000))
        importlib.reload(sys.modules[f"{package}.helpers"])
        models = importlib.reload(models)
        edited = fingerprints()
        stored = json.loads(cache.read_text(encoding="utf-8"))["entries"].values()
        assert {tuple(e["stamp"]) for e in stored if e["file"] == str(helpers_file)} == {
            (helpers_file.stat().st_mtime_ns, helpers_file.stat().st_size)
        }  # the entries of the file before its edit are gone
        forget()
        assert edited["numbers"] != fresh["numbers"] and edited["nested"] == fresh["nested"]
        assert edited == {name: spec_of(getattr(models, name)).fingerprint() for name in names}

        cache.write_text("{not json", encoding="utf-8")  # a broken cache is parsed around and replaced
        assert fingerprints() == edited
        assert cache.read_text(encoding="utf-8").startswith('{"entries"')
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]
