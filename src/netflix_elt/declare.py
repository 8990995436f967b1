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
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netflix_elt.cadence import validate_cron
from netflix_elt.contracts import Contract, ContractColumn
from netflix_elt.contracts import column as column  # re-exported: models declare their columns with it
from netflix_elt.errors import ProjectError
from netflix_elt.fingerprint import code_fingerprint
from netflix_elt.kinds import Kind, Seed, Source, Table
from netflix_elt.kinds.context import ModelContext as ModelContext  # re-exported for model code

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
    contract: Contract | None = None
    # A cron cadence (UTC): built at most once per slot; not part of the fingerprint (it says when, not what).
    cron: str | None = None
    # Built after every other node of a run that it does not feed (see plan.make_plan).
    runs_last: bool = False

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
        """A hash of the model's code and configuration; ``state:modified`` compares it between runs.

        The code counts as its syntax (comments, docstrings and formatting do not) together with the
        helpers, constants and classes it uses from its own project package (see
        :mod:`netflix_elt.fingerprint`).
        """
        payload = json.dumps(
            {
                "code": code_fingerprint(self.func) if self.func is not None else "",
                "kind": self.kind.name,
                "config": self.kind.fingerprint_config(),
                "layer": self.layer,
                "tags": sorted(self.tags),
                "checks": [repr(check) for check in self.checks],
                "extra": self.extra_fingerprint,
                "contract": repr(self.contract) if self.contract else None,
                **({"runs_last": True} if self.runs_last else {}),  # absent: older fingerprints stand
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def model(
    kind: Kind | None = None,
    *,
    name: str | None = None,
    layer: str | None = None,
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str | None = None,
    columns: Iterable[ContractColumn] | None = None,
    cron: str | None = None,
    runs_last: bool = False,
) -> Callable[[Callable[..., DataFrame]], Callable[..., DataFrame]]:
    """Declare a function as a model. The function is returned unchanged (still callable in tests).

    ``layer`` is one of raw, staging, analytics, snapshots, analysis (default: the kind's layer).
    ``columns`` is the model's contract (see :mod:`netflix_elt.contracts`), enforced on every build. ``cron`` (UTC, five
    fields) is its cadence: ``build`` rebuilds it at most once per slot (see :mod:`netflix_elt.cadence`).
    ``runs_last``: build it after every other node of the run that does not read it, whatever their
    outcome (a model about the run itself, such as one over ``RUN_HISTORY``).
    """
    chosen = kind if kind is not None else Table()

    def decorate(func: Callable[..., DataFrame]) -> Callable[..., DataFrame]:
        parameters = [p for p in inspect.signature(func).parameters if p != CONTEXT_PARAMETER]
        model_name = (name or func.__name__).upper()
        owner = f"model {model_name} ({_location_of(func)})"
        spec = ModelSpec(
            name=model_name,
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
            contract=_contract(chosen, columns, owner),
            cron=validate_cron(cron, f"model {func.__name__} ({_location_of(func)})") if cron else None,
            runs_last=runs_last,
        )
        setattr(func, SPEC_ATTRIBUTE, spec)
        return func

    return decorate


def seed(
    name: str,
    path: str | Path,
    column_types: dict[str, str] | None = None,
    *,
    columns: Iterable[ContractColumn] | None = None,
    layer: str | None = None,
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str = "",
) -> ModelSpec:
    """Declare a CSV shipped with the package (``path`` relative to the calling module) as a table.

    Its columns are typed by either ``column_types`` ({column: Snowflake type}; the contract is derived
    from it: every column nullable, no key) or ``columns`` (a full contract, as ``@model`` takes it).
    """
    caller = _caller_file()
    location = _caller_location()
    owner = f"seed {name.upper()} ({location})"
    if (column_types is None) == (columns is None):
        raise ProjectError(
            "a seed needs exactly one of column_types= and columns=",
            where=owner,
            hint="columns=[column(...), ...] also declares nullability and the key",
        )
    if columns is not None:
        contract = Contract.of(columns, owner=owner)
    else:
        assert column_types is not None
        contract = Contract.of((column(k, v) for k, v in column_types.items()), owner=owner)
    csv_path = (Path(caller).parent / path).resolve()
    kind = Seed(path=str(csv_path), column_types={c.name: c.type for c in contract.columns})
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
        location=location,
        extra_fingerprint=content_hash,
        contract=contract,
    )


def source(
    name: str,
    *,
    layer: str = "raw",
    loaded_at: str | None = None,
    warn_after_hours: float | None = None,
    error_after_hours: float | None = None,
    run_dependent: Iterable[str] = (),
    tags: Iterable[str] = (),
    checks: Iterable[Any] = (),
    description: str = "",
) -> ModelSpec:
    """Declare a raw table that something outside the graph loads, with an optional freshness rule.

    ``run_dependent`` lists the columns the load fills with its own values (batch id, file path; the
    ``loaded_at`` column is one already), which ``netflix-elt diff`` leaves out.
    """
    kind = Source(
        loaded_at=loaded_at,
        warn_after_hours=warn_after_hours,
        error_after_hours=error_after_hours,
        run_dependent=tuple(run_dependent),
    )
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


def _contract(kind: Kind, columns: Iterable[ContractColumn] | None, owner: str) -> Contract | None:
    if columns is None:
        return None
    declared = Contract.of(columns, owner=owner)  # validated before the kind looks at it
    return Contract.of(kind.contract_columns(list(declared.columns), owner), owner=owner)


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
    """``file:line`` of a function's definition (its first decorator), from its code object: reading the
    source to find it would tokenize every module of a project at import."""
    code = getattr(func, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code is not None else func.__qualname__


def _caller_file() -> str:
    return sys._getframe(2).f_code.co_filename


def _caller_location() -> str:
    frame = sys._getframe(2)
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"
