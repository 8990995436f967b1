"""Snowpark column functions whose generated SQL both engines run.

Snowpark renders some functions with every optional argument spelled out; Snowflake accepts either
form, the embedded engine only the short one. Models import these instead of the Snowpark ones;
each emits a documented Snowflake call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netflix_elt.snowpark import F

if TYPE_CHECKING:
    from snowflake.snowpark import Column


def regexp_replace(subject: Column, pattern: str, replacement: str = "") -> Column:
    """``REGEXP_REPLACE(subject, pattern, replacement)`` (Snowpark always adds position, occurrence
    and parameters, which fakesnow does not implement)."""
    return F.call_function("REGEXP_REPLACE", subject, F.lit(pattern), F.lit(replacement))
