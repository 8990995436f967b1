"""The registry: every declared model, validated into a DAG when the project loads.

Duplicate names, references to unknown models and cycles fail here, before anything runs, with the
file and line of the declaration and the path of the cycle.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from types import ModuleType

from netflix_elt.config import Schemas
from netflix_elt.dag import DAG, CycleError
from netflix_elt.declare import ModelSpec, spec_of
from netflix_elt.errors import ProjectError
from netflix_elt.sql import is_plain_identifier

PROJECT_ENV = "NETFLIX_ELT_PROJECT"  # a dotted package or module name: the project's package of models


class Registry:
    """An immutable, validated set of models and the DAG of their dependencies."""

    def __init__(self, specs: Iterable[ModelSpec]) -> None:
        self._specs: dict[str, ModelSpec] = {}
        for spec in specs:
            if not is_plain_identifier(spec.name):
                raise ProjectError(
                    f"model name {spec.name} cannot be used unquoted as a Snowflake table name",
                    where=spec.location,
                    hint="use letters, digits and _ (no leading digit) and no reserved word such as ORDER",
                )
            if spec.name in self._specs:
                first = self._specs[spec.name]
                raise ProjectError(
                    f"model name {spec.name} is declared twice",
                    where=spec.location,
                    hint=f"first declared at {first.location}; rename one of them",
                )
            self._specs[spec.name] = spec
        self.dag: DAG[str] = DAG()
        for spec in self._specs.values():
            self._check_references(spec)
            # A check that reads another model orders the build like an input does.
            self.dag.add(spec.name, (*spec.depends_on, *spec.check_references))
        try:
            self.order = self.dag.sorted()
        except CycleError as exc:
            where = self._specs[exc.path[0]].location if exc.path else None
            raise ProjectError(f"dependency cycle: {' -> '.join(exc.path)}", where=where) from None

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_modules(cls, *modules: ModuleType) -> Registry:
        """Collect every model declared at the top level of the modules (decorated or assigned)."""
        return cls(spec for module in modules for spec in _declared_in(module))

    @classmethod
    def from_package(cls, package: str) -> Registry:
        """Import a package and all its submodules, then collect their models."""
        try:
            root = importlib.import_module(package)
        except ModuleNotFoundError as exc:
            if not exc.name or not (package == exc.name or package.startswith(f"{exc.name}.")):
                raise  # the package exists; something it imports is missing (its own traceback helps)
            raise ProjectError(
                f"project package '{package}' cannot be imported: no module named '{exc.name}'",
                hint=f"${PROJECT_ENV} or the profile's `project` names the package of models "
                "(a dotted name on sys.path)",
            ) from None
        modules = [root]
        for info in pkgutil.walk_packages(getattr(root, "__path__", []), prefix=f"{package}."):
            modules.append(importlib.import_module(info.name))
        return cls.from_modules(*modules)

    def _check_references(self, spec: ModelSpec) -> None:
        references = [(n, "reads", "the parameter") for n in spec.depends_on]
        references += [(n, "checks", "the check's reference") for n in spec.check_references]
        for name, verb, culprit in references:
            if name not in self._specs:
                close = difflib.get_close_matches(name.lower(), [n.lower() for n in self._specs], n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"declare it, or rename {culprit}"
                raise ProjectError(
                    f"model {spec.name} {verb} '{name.lower()}', which is not a model",
                    where=spec.location,
                    hint=hint,
                )

    # -- lookup -------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> ModelSpec:
        key = name.upper()
        if key not in self._specs:
            close = difflib.get_close_matches(key, list(self._specs), n=1)
            hint = f"did you mean {close[0]}?" if close else "run `netflix-elt ls` to list models"
            raise ProjectError(f"unknown model '{name}'", hint=hint)
        return self._specs[key]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self._specs

    def __iter__(self) -> Iterator[ModelSpec]:
        return (self._specs[name] for name in self.order)

    def __len__(self) -> int:
        return len(self._specs)

    @property
    def names(self) -> list[str]:
        return list(self.order)

    def schema_of(self, name: str, schemas: Schemas) -> str:
        schema: str = getattr(schemas, self[name].layer)
        return schema

    def read_tables(self, name: str) -> set[str]:
        """The materialised models a model's SQL may read: its inputs, looking through ephemeral ones."""
        return set(self.read_tables_in_order(name))

    def read_tables_in_order(self, name: str) -> list[str]:
        """``read_tables`` in the order of the model's parameters (an ephemeral input's own in place)."""
        result: list[str] = []
        for parent in self[name].depends_on:
            found = [parent] if self[parent].materialized else self.read_tables_in_order(parent)
            result += [n for n in found if n not in result]
        return result


def _declared_in(module: ModuleType) -> list[ModelSpec]:
    specs = []
    for value in vars(module).values():
        spec = spec_of(value)
        if spec is not None and _defined_here(spec, module):
            specs.append(spec)
    return specs


def _defined_here(spec: ModelSpec, module: ModuleType) -> bool:
    # A module that imports a model from another must not declare it a second time.
    if spec.func is not None:
        return spec.func.__module__ == module.__name__
    return spec.location.startswith(str(getattr(module, "__file__", "")))
