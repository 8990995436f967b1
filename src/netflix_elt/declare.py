"""Declaring models: the ``@model`` decorator, ``seed()`` and ``source()``, and what a model sees at run time.

A model is a plain function that returns a Snowpark DataFrame. Its parameters name its upstream
models (``def dim_movies(src_movies)`` depends on SRC_MOVIES); the special parameter ``ctx`` receives
a :class:`ModelContext`. The dependency list therefore comes from the code itself, and the runner
refuses a DataFrame that reads any table its parameters did not name.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.errors import ProjectError
from netflix_elt.kinds import Kind, Seed, Source, Table

if TYPE_CHECKING:
    from snowflake.snowpark import DataFrame

CONTEXT_PARAMETER = "ctx"
LAYERS = ("raw", "staging", "analytics", "snapshots", "analysis", "meta")
SPEC_ATTRIBUTE = "__netflix_elt_model__"


@dataclass(frozen=True)
class ModelSpec:
    """Everything the registry knows about one node of the graph."""

    name: str
    kind: Kind
    func: Callable[..., DataFrame] | None
    depends_on: tuple[str, ...]
    layer: str
    tags: frozenset[str] = frozenset()
    description: str = ""
    checks: tuple[Any, ...] = ()
    location: str = ""
    extra_fingerprint: str = ""

    @property
    def kind_name(self) -> str:
        return self.kind.name

    @property
    def materialized(self) -> bool:
        return self.kind.materialized

    @property
    def check_references(self) -> tuple[str, ...]:
        """Models the checks read besides this one (upper-case; qualified table names excluded).

        They order the build like inputs do: a check never runs before the table it reads is built.
        """
        names = {
            reference.upper()
            for check in self.checks
            for reference in (check.references() if hasattr(check, "references") else ())
            if "." not in reference
        }
        names.discard(self.name)
        return tuple(sorted(names))

    @property
    def wants_context(self) -> bool:
        return self.func is not None and CONTEXT_PARAMETER in inspect.signature(self.func).parameters

    def fingerprint(self) -> str:
        """A hash of the model's code and configuration; ``state:modified`` compares it between runs."""
        source = inspect.getsource(self.func) if self.func is not None else ""
        payload = json.dumps(
            {
                "source": source,
                "kind": self.kind.name,
                "config": self.kind.model_dump(mode="json"),
                "layer": self.layer,
                "tags": sorted(self.tags),
                "checks": [repr(check) for check in self.checks],
                "extra": self.extra_fingerprint,
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass
class ModelContext:
    """What a model function may ask about the run it is part of.

    ``is_incremental`` is true when an incremental model merges into an existing table;
    ``high_water_mark`` is then the target's maximum ``incremental_column`` minus the lookback
    window (None on a full build); ``this`` is the existing target as a DataFrame (or None).
    """

    model: str
    run_started_at: datetime
    is_incremental: bool = False
    high_water_mark: Any = None
    this: DataFrame | None = None
    vars: dict[str, Any] = field(default_factory=dict)


def model(
    kind: Kind | None = None,
    *,
    name: str | None = None,
    layer: str | None = None,
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str | None = None,
) -> Callable[[Callable[..., DataFrame]], Callable[..., DataFrame]]:
    """Declare a function as a model. The function is returned unchanged (still callable in tests).

    ``layer`` is one of raw, staging, analytics, snapshots, analysis (default: the kind's layer).
    """
    chosen = kind if kind is not None else Table()

    def decorate(func: Callable[..., DataFrame]) -> Callable[..., DataFrame]:
        parameters = [p for p in inspect.signature(func).parameters if p != CONTEXT_PARAMETER]
        spec = ModelSpec(
            name=(name or func.__name__).upper(),
            kind=chosen,
            func=func,
            depends_on=tuple(p.upper() for p in parameters),
            layer=_check_layer(
                layer or chosen.default_layer, f"model {func.__name__} ({_location_of(func)})"
            ),
            tags=frozenset(tags),
            description=description if description is not None else inspect.getdoc(func) or "",
            checks=tuple(checks),
            location=_location_of(func),
        )
        setattr(func, SPEC_ATTRIBUTE, spec)
        return func

    return decorate


def seed(
    name: str,
    path: str | Path,
    column_types: dict[str, str],
    *,
    layer: str | None = None,
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str = "",
) -> ModelSpec:
    """Declare a CSV shipped with the package (``path`` relative to the calling module) as a table."""
    caller = _caller_file()
    csv_path = (Path(caller).parent / path).resolve()
    kind = Seed(path=str(csv_path), column_types={k.upper(): v for k, v in column_types.items()})
    content_hash = hashlib.sha256(csv_path.read_bytes()).hexdigest() if csv_path.is_file() else "missing"
    return ModelSpec(
        name=name.upper(),
        kind=kind,
        func=None,
        depends_on=(),
        layer=_check_layer(layer or kind.default_layer, name),
        tags=frozenset(tags),
        description=description,
        checks=tuple(checks),
        location=_caller_location(),
        extra_fingerprint=content_hash,
    )


def source(
    name: str,
    *,
    layer: str = "raw",
    loaded_at: str | None = None,
    warn_after_hours: float | None = None,
    error_after_hours: float | None = None,
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str = "",
) -> ModelSpec:
    """Declare a raw table that something outside the graph loads, with an optional freshness rule."""
    kind = Source(loaded_at=loaded_at, warn_after_hours=warn_after_hours, error_after_hours=error_after_hours)
    return ModelSpec(
        name=name.upper(),
        kind=kind,
        func=None,
        depends_on=(),
        layer=_check_layer(layer, name),
        tags=frozenset(tags),
        description=description,
        checks=tuple(checks),
        location=_caller_location(),
    )


def spec_of(obj: object) -> ModelSpec | None:
    """The ModelSpec declared by a decorated function or a seed()/source() call, else None."""
    if isinstance(obj, ModelSpec):
        return obj
    spec = getattr(obj, SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, ModelSpec) else None


def _check_layer(layer: str, where: str) -> str:
    if layer not in LAYERS:
        raise ProjectError(f"unknown layer '{layer}'", where=where, hint=f"choose one of {', '.join(LAYERS)}")
    return layer


def _location_of(func: Callable[..., Any]) -> str:
    try:
        return f"{inspect.getsourcefile(func)}:{inspect.getsourcelines(func)[1]}"
    except (OSError, TypeError):
        return func.__qualname__


def _caller_file() -> str:
    return inspect.stack(context=0)[2].filename


def _caller_location() -> str:
    frame = inspect.stack(context=0)[2]
    return f"{frame.filename}:{frame.lineno}"
