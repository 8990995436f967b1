"""What a model's code means, as a hash: its own code plus what it uses from its own project package.

``state:modified`` compares these between runs, so they must change when behaviour can change and
stay put when it cannot:

- code is hashed as its syntax tree (``ast.dump`` without positions), with docstrings removed, so
  comments, docstrings, blank lines and formatting do not count;
- every global name the code reads (in its body, nested functions and lambdas, decorators and default
  arguments) is resolved in the function's module; what it names is hashed too when it is defined in
  the model's own project package: helpers and classes by their code (and, in turn, what they use),
  constants by their value, closures' cells likewise;
- objects from anywhere else (the framework, Snowpark, the standard library, other packages) count by
  their qualified name only: upgrading a library is not a change to the model;
- names are hashed relative to the project package, so moving the package does not change anything,
  and a cycle (a helper that reaches itself) is hashed once.

The project package of a module is its top-level package, or ``netflix_elt.<name>`` for an application
shipped inside the framework's own package (such as ``netflix_elt.movielens``).
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import dis
import enum
import hashlib
import inspect
import json
import os
import re
import sys
import textwrap
import threading
import types
import weakref
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from netflix_elt.source_cache import SourceCache

FRAMEWORK = "netflix_elt"
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def code_fingerprint(func: Callable[..., Any]) -> str:
    """A stable hash of ``func``'s normalised code and of what it uses from its project package."""
    module = getattr(func, "__module__", None) or ""
    hasher = _Hasher(project_package(module))
    payload = hasher.value(func, top=True)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def project_package(module: str) -> str:
    """The package a module's project lives in (see the module docstring)."""
    parts = module.split(".")
    if parts[0] == FRAMEWORK and len(parts) > 2:
        return ".".join(parts[:2])
    return parts[0]


@dataclasses.dataclass(frozen=True)
class Parsed:
    """A definition's normalised tree (``ast.dump``), the names it reads and the attributes read off
    each of them (``helpers.f`` -> {helpers: {f}})."""

    dump: str
    names: tuple[str, ...]
    attributes: dict[str, frozenset[str]]


def normalised_source(obj: Any) -> Parsed | None:
    """A function's or class's definition without docstrings or positions; None when its source
    cannot be read (built in, or typed at a prompt).

    Kept per code object (per class), which a reload or a new definition replaces."""
    key = getattr(obj, "__code__", obj)
    try:
        return _SOURCES[key]
    except (KeyError, TypeError):
        pass
    parsed = _parse_source(obj)
    with contextlib.suppress(TypeError):  # not weakly referenceable: parsed again next time
        _SOURCES[key] = parsed
    return parsed


_SOURCES: weakref.WeakKeyDictionary[Any, Parsed | None] = weakref.WeakKeyDictionary()
# CPython 3.11 counts the depth of the tree it turns into Python objects per interpreter, not per thread:
# two threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch". One
# parse of ours at a time; Project.execute also fingerprints every model before its build threads start,
# since a library parsing on another thread is not under this lock.
_PARSE_LOCK = threading.Lock()
_MODULES: dict[str, tuple[tuple[Any, ...], str | None]] = {}  # name -> (file stamp, normalised source)


def _parse(source: str) -> ast.Module:
    with _PARSE_LOCK:
        return ast.parse(source)


@contextlib.contextmanager
def cached_in(path: Path) -> Iterator[None]:
    """Within the block, keep parsed sources in (and read them from) the file ``path`` (see
    :mod:`netflix_elt.source_cache`), saved when the block ends; fingerprints are the same either way."""
    global _CACHE
    previous, _CACHE = _CACHE, SourceCache(path)
    try:
        yield
    finally:
        cache, _CACHE = _CACHE, previous
        cache.save()


_CACHE: SourceCache | None = None


def _cached(file: str | None, key: str, parse: Callable[[], Any]) -> Any:
    """``parse()``, or what it gave for the same definition of an unchanged file in an earlier process."""
    cache = _CACHE
    if cache is None or not file:
        return parse()
    stored = cache.get(file, key)
    if stored is None:
        stored = parse()
        if stored is not None:
            cache.put(file, key, stored)
    return stored


def _parse_source(obj: Any) -> Parsed | None:
    code = getattr(obj, "__code__", None)
    if code is not None:
        file, key = code.co_filename, f"{code.co_firstlineno}:{obj.__qualname__}"
    else:
        module = sys.modules.get(getattr(obj, "__module__", None) or "")
        file, key = getattr(module, "__file__", None), f"class:{obj.__qualname__}"
    stored = _cached(file, key, lambda: _parse_fresh(obj))
    if stored is None:
        return None
    return Parsed(
        stored["dump"], tuple(stored["names"]), {k: frozenset(v) for k, v in stored["attributes"].items()}
    )


def _parse_fresh(obj: Any) -> dict[str, Any] | None:
    try:
        source = textwrap.dedent(inspect.getsource(obj))
        tree = _parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    node = tree.body[0] if len(tree.body) == 1 else tree
    if isinstance(obj, types.LambdaType) and obj.__name__ == "<lambda>":
        node = tree  # getsource gives the whole statement a lambda stands in
    _strip_docstrings(node)
    names, attributes = _names_read(node)
    return {
        "dump": ast.dump(node, annotate_fields=True, include_attributes=False),
        "names": list(names),
        "attributes": {k: sorted(v) for k, v in attributes.items()},
    }


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Module):
            body = node.body
            first = body[0].value if body and isinstance(body[0], ast.Expr) else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                node.body = body[1:] or [ast.Pass()]


def _names_read(tree: ast.AST) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    """The names a definition reads in its module's scope, and the attributes read off each name
    (``helpers.f`` -> {helpers: {f}}).

    In the module's scope are a function's decorators and default values, and a class's decorators,
    bases and the statements of its body outside its methods. What runs inside a function is read
    from its compiled code instead (:func:`code_globals`), where a parameter cannot pass for a global.
    """
    if isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef):
        scoped: list[ast.AST] = [*tree.decorator_list, *tree.args.defaults]
        scoped += [d for d in tree.args.kw_defaults if d is not None]
    elif isinstance(tree, ast.ClassDef):
        scoped = [*tree.decorator_list, *tree.bases, *(k.value for k in tree.keywords)]
        scoped += [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    else:
        scoped = [tree]
    names: set[str] = set()
    for part in scoped:
        names |= {n.id for n in ast.walk(part) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    attributes: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            attributes.setdefault(node.value.id, set()).add(node.attr)
    return tuple(sorted(names)), {k: frozenset(v) for k, v in attributes.items()}


def code_globals(code: types.CodeType) -> frozenset[str]:
    """The global names compiled code reads, nested functions, lambdas and comprehensions included."""
    known = _GLOBALS.get(code)
    if known is None:
        names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names |= code_globals(const)
        known = _GLOBALS[code] = frozenset(names)
    return known


_GLOBALS: weakref.WeakKeyDictionary[types.CodeType, frozenset[str]] = weakref.WeakKeyDictionary()


def _compiled_globals(obj: Any) -> frozenset[str]:
    """Global names read by a function's code, or by the methods of a class."""
    if inspect.isfunction(obj):
        return code_globals(obj.__code__)
    names: set[str] = set()
    if inspect.isclass(obj):
        for member in vars(obj).values():
            function = getattr(member, "__func__", member)
            for part in (function, getattr(member, "fget", None), getattr(member, "fset", None)):
                if inspect.isfunction(part):
                    names |= code_globals(part.__code__)
    return frozenset(names)


class _Hasher:
    """Turns objects into JSON-able payloads; project objects by content, others by name."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.visiting: set[int] = set()
        self.done: dict[int, tuple[Any, Any]] = {}  # id -> (the object, kept alive; its payload)

    def in_project(self, module: str | None) -> bool:
        return module is not None and (module == self.package or module.startswith(self.package + "."))

    def relative(self, module: str | None, name: str) -> str:
        if module and self.in_project(module):
            return f"{module[len(self.package) :].lstrip('.')}:{name}"
        return f"{module}:{name}"

    def value(self, obj: Any, top: bool = False) -> Any:
        if obj is None or isinstance(obj, bool | int | float | str | bytes):
            return repr(obj)
        if isinstance(obj, Decimal | datetime | date | time | timedelta | enum.Enum):
            return repr(obj)
        if isinstance(obj, list | tuple):
            return [type(obj).__name__, [self.value(v) for v in obj]]
        if isinstance(obj, set | frozenset):
            return [type(obj).__name__, sorted(json.dumps(self.value(v), sort_keys=True) for v in obj)]
        if isinstance(obj, dict):
            return ["dict", [[self.value(k), self.value(v)] for k, v in obj.items()]]
        key = id(obj)
        if key in self.done:
            return self.done[key][1]
        if key in self.visiting:  # a cycle: the object is being hashed further up
            return ["cycle", self._name(obj)]
        self.visiting.add(key)
        try:
            result = self._object(obj, top)
        finally:
            self.visiting.discard(key)
        self.done[key] = (obj, result)
        return result

    def _name(self, obj: Any) -> str:
        module = getattr(obj, "__module__", None) if not isinstance(obj, types.ModuleType) else obj.__name__
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__
        return self.relative(module, "" if isinstance(obj, types.ModuleType) else name)

    def _object(self, obj: Any, top: bool) -> Any:
        if isinstance(obj, types.ModuleType):
            if not self.in_project(obj.__name__):
                return ["module", obj.__name__]
            return ["module", self._name(obj), self._module_source(obj)]
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if not top and not self.in_project(obj.__module__):
                return ["external", self._name(obj)]
            return self._code(obj)
        if isinstance(obj, types.MethodType | staticmethod | classmethod):
            return self.value(obj.__func__)
        kind = type(obj)
        if not self.in_project(kind.__module__):
            return ["instance", self._name(kind), self._state(obj)]
        return ["instance", self._code(kind), self._state(obj)]

    def _state(self, obj: Any) -> Any:
        """An instance's value: dataclass fields, a pydantic model's dump, else its repr (no address)."""
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return [[f.name, self.value(getattr(obj, f.name))] for f in dataclasses.fields(obj)]
        dump = getattr(obj, "model_dump", None)
        if callable(dump):
            try:
                return self.value(dump(mode="json"))
            except Exception:  # not a pydantic model after all
                pass
        if isinstance(obj, re.Pattern):
            return [obj.pattern, obj.flags]
        return _ADDRESS.sub("", repr(obj))

    def _code(self, obj: Any) -> Any:
        """A function's or class's normalised source and what its global names stand for (without
        source, e.g. typed at a prompt: its bytecode, which holds no comments or line numbers)."""
        parsed = normalised_source(obj)
        code = getattr(obj, "__code__", None)
        if parsed is not None:
            body: Any = parsed.dump
            names, attributes = frozenset({*parsed.names, *_compiled_globals(obj)}), parsed.attributes
        else:
            body = _bytecode(code) if code is not None else self._name(obj)
            names, attributes = _compiled_globals(obj), {}
        namespace = _globals_of(obj)
        resolved = []
        for name in sorted(n for n in names if n in namespace):
            target = namespace[name]
            if isinstance(target, types.ModuleType) and self.in_project(target.__name__):
                used = sorted(a for a in attributes.get(name, ()) if hasattr(target, a))
                resolved.append(
                    [name, self._name(target), [[a, self.value(getattr(target, a))] for a in used]]
                )
            else:
                resolved.append([name, self.value(target)])
        closure = [[k, self.value(v)] for k, v in _closure(obj)]
        return ["code", body, resolved, closure, self._defaults(obj)]

    def _defaults(self, obj: Any) -> Any:
        """Default argument values (their expressions are in the tree; these are what they evaluated to)."""
        defaults = list(getattr(obj, "__defaults__", None) or ())
        keyword = dict(getattr(obj, "__kwdefaults__", None) or {})
        return [self.value(defaults), self.value(keyword)] if defaults or keyword else None

    def _module_source(self, module: types.ModuleType) -> str | None:
        """A project module used as a whole (not through attributes): its normalised source (kept
        while its file is unchanged)."""
        path = getattr(module, "__file__", None)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        stamp = (path, stat.st_mtime_ns, stat.st_size) if stat else (path,)
        known = _MODULES.get(module.__name__)
        if known is not None and known[0] == stamp and stat is not None:
            return known[1]
        dump: str | None = _cached(path, "module", lambda: _module_dump(module))
        if dump is not None:
            _MODULES[module.__name__] = (stamp, dump)
        return dump


def _module_dump(module: types.ModuleType) -> str | None:
    try:
        tree = _parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return None
    _strip_docstrings(tree)
    return ast.dump(tree, annotate_fields=True, include_attributes=False)


def _globals_of(obj: Any) -> dict[str, Any]:
    if inspect.isfunction(obj):
        return obj.__globals__
    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    return vars(module) if module is not None else {}


def _closure(obj: Any) -> Iterable[tuple[str, Any]]:
    code, cells = getattr(obj, "__code__", None), getattr(obj, "__closure__", None)
    if code is None or not cells:
        return []
    pairs = []
    for name, cell in zip(code.co_freevars, cells, strict=True):
        try:
            pairs.append((name, cell.cell_contents))
        except ValueError:  # an empty cell (the variable was never assigned)
            pairs.append((name, None))
    return pairs


def _bytecode(code: types.CodeType) -> Any:
    """Code without source: its instructions, constants (nested code too) and names; no line numbers."""
    consts = [_bytecode(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts]
    return [code.co_code.hex(), consts, list(code.co_names)]
