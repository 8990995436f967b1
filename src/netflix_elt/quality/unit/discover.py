"""Finding the unit tests declared in a project: module-level ``UnitTestCase`` values (or lists/tuples of
them) in every module of the project's packages and in the modules that declare its models."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterable
from types import ModuleType

from netflix_elt.quality.errors import UnitTestError
from netflix_elt.quality.unit.case import UnitTestCase
from netflix_elt.registry import Registry


def project_modules(registry: Registry, packages: Iterable[str] = ()) -> list[ModuleType]:
    """The packages (with all submodules) plus every module a model of ``registry`` is defined in."""
    modules: dict[str, ModuleType] = {}
    for package in packages:
        root = importlib.import_module(package)
        modules[root.__name__] = root
        for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{package}."):
            modules[info.name] = importlib.import_module(info.name)
    for spec in registry:
        name = getattr(spec.func, "__module__", None)
        if name and name in sys.modules:
            modules.setdefault(name, sys.modules[name])
    return list(modules.values())


def discover_unit_tests(registry: Registry, packages: Iterable[str] = ()) -> list[UnitTestCase]:
    """Every declared unit test, each with a unique name; a test of an unknown model is an error."""
    found: dict[int, UnitTestCase] = {}
    for module in project_modules(registry, packages):
        for value in vars(module).values():
            candidates = value if isinstance(value, list | tuple) else [value]
            for case in candidates:
                if isinstance(case, UnitTestCase):
                    found.setdefault(id(case), case)
    cases: list[UnitTestCase] = []
    taken: dict[str, int] = {}
    for case in sorted(found.values(), key=lambda c: (c.model, c.location)):
        if case.model not in registry:
            raise UnitTestError(
                f"unit test of '{case.model.lower()}', which is not a model", where=case.location
            )
        taken[case.label] = taken.get(case.label, 0) + 1
        label = case.label if taken[case.label] == 1 else f"{case.label}_{taken[case.label]}"
        cases.append(case if label == case.label and case.name else _named(case, label))
    return cases


def _named(case: UnitTestCase, label: str) -> UnitTestCase:
    import dataclasses

    return dataclasses.replace(case, name=label)
