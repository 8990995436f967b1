"""Declaring Great Expectations checks next to a model without importing Great Expectations.

Importing ``great_expectations`` takes seconds, so model modules use the ``gxe`` stand-in, which
spells expectations exactly like GX Core 1.x (``great_expectations.expectations``) but only records
the expectation's name and arguments. The real GX class is looked up (and its arguments validated)
when the checks run, and only for the expectations that need GX::

    from netflix_elt.quality import check, gxe

    @model(Table(), checks=[
        gxe.ExpectColumnValuesToNotBeNull(column="MOVIE_ID"),               # severity 'error'
        check(gxe.ExpectColumnValuesToBeBetween(column="RATING", min_value=0.5, max_value=5.0),
              severity="warn"),
        check("expect_column_values_to_be_unique", column="RATING_ID"),    # by snake_case name
    ])

A real GX expectation object is accepted too (``check(great_expectations.expectations.X(...))``).
Every check has a deterministic ``repr``: it is part of the model's fingerprint.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from netflix_elt.quality.errors import QualityError

SEVERITIES = ("error", "warn")
# GX 1.x's own severity field, mapped onto the two the runner knows.
GX_SEVERITIES = {"critical": "error", "warning": "warn", "info": "warn"}
# Arguments that change how a result is presented, not whether the expectation holds.
PRESENTATION_KWARGS = frozenset({"meta", "notes", "description", "id", "severity"})
# Arguments the runner controls itself; dropped from a declaration.
RUNNER_KWARGS = frozenset({"result_format", "catch_exceptions", "batch_id", "rendered_content"})
DOMAIN_KWARGS = ("column", "column_A", "column_B", "column_list")

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class FrozenDict(tuple[tuple[str, Any], ...]):
    """A mapping stored as sorted (key, value) pairs: hashable, with a stable ``repr``."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in self) + "}"


def freeze(value: Any) -> Any:
    """A hashable value with a deterministic ``repr`` (sets are sorted, lists become tuples)."""
    if isinstance(value, Mapping):
        return FrozenDict(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted((freeze(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """The plain Python value GX expects (dicts and lists) from a frozen one."""
    if isinstance(value, FrozenDict):
        return {k: thaw(v) for k, v in value}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def snake_name(name: str) -> str:
    """``ExpectColumnValuesToNotBeNull`` -> ``expect_column_values_to_not_be_null``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower() if not name.islower() else name


def class_name(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


@dataclass(frozen=True, repr=False)
class ExpectationCall:
    """A GX expectation by name and arguments, e.g. ``gxe.ExpectColumnValuesToNotBeNull(column="X")``."""

    type: str
    kwargs: tuple[tuple[str, Any], ...] = ()
    spelled: str = field(default="", compare=False)

    @classmethod
    def create(cls, name: str, kwargs: Mapping[str, Any]) -> ExpectationCall:
        snake = snake_name(name)
        if not snake.startswith("expect_"):
            raise QualityError(
                f"'{name}' is not an expectation name",
                where=declaration_site(),
                hint="use a GX Core expectation, e.g. gxe.ExpectColumnValuesToNotBeNull(column=...) "
                "or 'expect_column_values_to_not_be_null'",
            )
        kept = {k: v for k, v in kwargs.items() if k not in RUNNER_KWARGS}
        return cls(snake, tuple(sorted((k, freeze(v)) for k, v in kept.items())), spelled=class_name(snake))

    @property
    def arguments(self) -> dict[str, Any]:
        """Every declared argument as plain Python values."""
        return {k: thaw(v) for k, v in self.kwargs}

    @property
    def rule_arguments(self) -> dict[str, Any]:
        """The arguments that decide the outcome (without meta, notes, description, severity)."""
        return {k: v for k, v in self.arguments.items() if k not in PRESENTATION_KWARGS}

    def domain(self) -> str:
        """The column(s) the expectation is about, for display: ``MOVIE_ID`` or ``USER_ID,MOVIE_ID``."""
        arguments = self.arguments
        parts: list[str] = []
        for key in DOMAIN_KWARGS:
            value = arguments.get(key)
            if isinstance(value, list):
                parts.extend(str(v) for v in value)
            elif value is not None:
                parts.append(str(value))
        return ",".join(parts)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.kwargs)
        return f"gxe.{self.spelled or class_name(self.type)}({arguments})"


class ExpectationNamespace:
    """``gxe.ExpectSomething(**kwargs)`` -> an :class:`ExpectationCall`, without importing GX."""

    def __getattr__(self, name: str) -> Callable[..., ExpectationCall]:
        if not name.startswith("Expect"):
            raise AttributeError(f"gxe has no attribute '{name}' (expectation classes start with 'Expect')")

        def make(**kwargs: Any) -> ExpectationCall:
            call = ExpectationCall.create(name, kwargs)
            return replace(call, spelled=name)

        make.__name__ = name
        return make

    def __repr__(self) -> str:
        return "gxe"


gxe = ExpectationNamespace()


@dataclass(frozen=True, repr=False)
class ExpectationCheck:
    """One GX expectation on a model, with the runner's severity ('error' blocks downstream)."""

    expectation: ExpectationCall
    severity: str = "error"
    name: str | None = None
    location: str = field(default="", compare=False)

    @property
    def kind(self) -> str:
        return self.expectation.type

    def display_name(self) -> str:
        if self.name:
            return self.name
        domain = self.expectation.domain()
        return f"{self.expectation.type}({domain})" if domain else self.expectation.type

    def references(self) -> tuple[str, ...]:
        return ()

    def __repr__(self) -> str:
        extras = "".join(f", {k}={getattr(self, k)!r}" for k in ("name",) if getattr(self, k))
        return f"check({self.expectation!r}, severity={self.severity!r}{extras})"


def check(expectation: Any, /, *, severity: str | None = None, name: str | None = None, **kwargs: Any) -> Any:
    """Declare a check with a severity ('error' blocks the downstream, 'warn' only reports).

    ``expectation`` is a ``gxe.Expect...(...)`` call, an expectation name (snake_case or the GX class
    name) followed by its arguments, a real GX expectation object, or a custom check
    (``relationship(...)`` etc.), whose severity and name are then replaced.
    """
    where = declaration_site()
    if isinstance(expectation, str):
        call = ExpectationCall.create(expectation, kwargs)
    elif kwargs:
        raise QualityError(
            f"arguments {sorted(kwargs)} given next to {expectation!r}",
            where=where,
            hint="put the expectation's arguments inside its call",
        )
    elif isinstance(expectation, ExpectationCall):
        call = expectation
    elif hasattr(expectation, "expectation_type") and hasattr(expectation, "configuration"):
        call = ExpectationCall.create(expectation.expectation_type, dict(expectation.configuration.kwargs))
        call = replace(call, spelled=type(expectation).__name__)
    elif hasattr(expectation, "severity") and hasattr(expectation, "display_name"):
        changes: dict[str, Any] = {"severity": _severity(severity or expectation.severity, where)}
        if name is not None:
            changes["name"] = name
        return replace(expectation, **changes)
    else:
        raise QualityError(
            f"cannot make a check of {type(expectation).__name__} {expectation!r}",
            where=where,
            hint="pass gxe.Expect...(...), an expectation name, or a custom check",
        )
    gx_severity = dict(call.kwargs).get("severity")
    default = GX_SEVERITIES.get(str(getattr(gx_severity, "value", gx_severity)).lower(), "error")
    return ExpectationCheck(call, _severity(severity or default, where), name, where)


def _severity(severity: str, where: str) -> str:
    if severity not in SEVERITIES:
        raise QualityError(f"severity must be 'error' or 'warn', not {severity!r}", where=where)
    return severity


def declaration_site() -> str:
    """file:line of the first caller outside the quality package (the model module)."""
    frame = inspect.currentframe()
    package = __file__.rsplit("/", 1)[0]
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""


def flatten_checks(checks: Sequence[Any]) -> list[Any]:
    """A model's ``checks=[...]`` as declared, nested lists (``not_null(...)`` without ``*``) flattened."""
    flat: list[Any] = []
    for item in checks:
        flat.extend(
            flatten_checks(item)
            if isinstance(item, list | tuple) and not hasattr(item, "_fields")
            else [item]
        )
    return flat
