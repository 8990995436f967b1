"""Real Great Expectations validations: on a pandas frame, or in a SQL warehouse through a GX data source.

GX is imported on first use only (it takes seconds), into an ephemeral context that writes nothing,
shows no progress bars and sends nothing anywhere. One lock serialises GX work: its context is not
thread-safe, and validations are CPU-bound anyway.
"""

from __future__ import annotations

import difflib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from netflix_elt.quality.errors import QualityError
from netflix_elt.quality.expectations import ExpectationCall
from netflix_elt.quality.results import Outcome

if TYPE_CHECKING:
    import pandas as pd

TAG = "netflix_elt_check"  # meta key that ties a GX result back to its check
_RESULT_FIELDS = (
    "element_count",
    "unexpected_count",
    "missing_count",
    "unexpected_percent",
    "partial_unexpected_list",
    "observed_value",
)
_lock = threading.RLock()


def import_gx() -> Any:
    """``great_expectations``, imported quietly and offline (once per process)."""
    with _lock:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx

        for name in ("great_expectations", "snowflake.sqlalchemy"):
            logging.getLogger(name).setLevel(logging.ERROR)
        return gx


def expectation_class(name: str, where: str) -> type:
    """The GX class registered under ``name``; a clear error (with the closest names) otherwise."""
    import_gx()
    from great_expectations.exceptions.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.registry import (
        get_expectation_impl,
        list_registered_expectation_implementations,
    )

    try:
        return get_expectation_impl(name)
    except ExpectationNotFoundError:
        close = difflib.get_close_matches(name, list_registered_expectation_implementations(), n=2)
        raise QualityError(
            f"unknown expectation '{name}' (not in Great Expectations' registry)",
            where=where,
            hint=f"did you mean {' or '.join(close)}?" if close else "see greatexpectations.io/expectations",
        ) from None


def make_expectation(call: ExpectationCall, key: int, where: str) -> Any:
    """Instantiate the real GX expectation, tagged with ``key``; argument errors name the model."""
    cls = expectation_class(call.type, where)
    arguments = call.arguments
    arguments["meta"] = {**(arguments.get("meta") or {}), TAG: key}
    try:
        return cls(**arguments)
    except Exception as exc:  # pydantic (v1) validation of the expectation's arguments
        raise QualityError(
            f"invalid arguments for {call.type}: {describe_gx_error(exc)}", where=where
        ) from None


def describe_gx_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return str(exc).splitlines()[0]
    first_per_field: dict[str, str] = {}
    for error in errors():
        field = ".".join(str(part) for part in error.get("loc", ())) or "arguments"
        first_per_field.setdefault(field, error.get("msg", ""))
    return "; ".join(f"{field}: {message}" for field, message in first_per_field.items())


def outcome_of(result: Any) -> Outcome:
    """An Outcome from one GX ExpectationValidationResult (SUMMARY format)."""
    fields = dict(result.result or {})
    outcome = Outcome(success=bool(result.success), exception=exception_message(result.exception_info))
    for name in _RESULT_FIELDS:
        if name in fields:
            setattr(outcome, name, fields.pop(name))
    outcome.partial_unexpected_list = list(outcome.partial_unexpected_list or [])
    fields.pop("partial_unexpected_index_list", None)
    outcome.details = fields
    if outcome.exception:
        outcome.success = False
    return outcome


def exception_message(info: Any) -> str | None:
    """GX reports an exception either at the top level or once per metric that failed."""
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    messages = [
        v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(m for m in messages if m)) or None


class GxValidator:
    """Runs expectations with GX; results come back keyed like the calls that were passed in."""

    def __init__(self) -> None:
        self._context: Any = None
        self._frames: Any = None
        self._sources: dict[str, Any] = {}
        self._assets: dict[tuple[str, str, str], Any] = {}

    def context(self) -> Any:
        with _lock:
            if self._context is None:
                gx = import_gx()
                from great_expectations.data_context.types.base import ProgressBarsConfig

                context = gx.get_context(mode="ephemeral")  # writes nothing to the working directory
                context.enable_analytics(False)
                context.variables.progress_bars = ProgressBarsConfig(globally=False)
                self._context = context
            return self._context

    def validate_frame(
        self, frame: pd.DataFrame, calls: Sequence[tuple[int, ExpectationCall]], where: str
    ) -> dict[int, Outcome]:
        """Validate a whole pandas frame (GX's pandas execution engine)."""
        with _lock:
            if self._frames is None:
                asset = (
                    self.context().data_sources.add_pandas("netflix_elt_frames").add_dataframe_asset("frame")
                )
                self._frames = asset.add_batch_definition_whole_dataframe("whole")
            batch = self._frames.get_batch(batch_parameters={"dataframe": frame})
            return self._validate(batch, calls, where)

    def validate_table(
        self,
        source: str,
        make_source: Callable[[Any], Any],
        schema: str,
        table: str,
        calls: Sequence[tuple[int, ExpectationCall]],
        where: str,
    ) -> dict[int, Outcome]:
        """Validate a table in place through a GX SQL data source (``make_source(context)`` adds it)."""
        with _lock:
            if source not in self._sources:
                self._sources[source] = make_source(self.context())
            key = (source, schema, table)
            if key not in self._assets:
                asset = self._sources[source].add_table_asset(
                    name=f"{schema}.{table}".lower(), table_name=table, schema_name=schema
                )
                self._assets[key] = asset.add_batch_definition_whole_table("whole")
            return self._validate(self._assets[key].get_batch(), calls, where)

    def _validate(
        self, batch: Any, calls: Sequence[tuple[int, ExpectationCall]], where: str
    ) -> dict[int, Outcome]:
        gx = import_gx()
        expectations = [make_expectation(call, key, where) for key, call in calls]
        suite = gx.ExpectationSuite(name="netflix_elt", expectations=expectations)
        validation = batch.validate(suite, result_format="SUMMARY")
        return {r.expectation_config.meta[TAG]: outcome_of(r) for r in validation.results}
