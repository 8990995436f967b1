"""Snowpark's API for model code, imported when a model first uses it, not when it is declared.

``from netflix_elt.snowpark import Column, F, Window`` stands for ``snowflake.snowpark.Column``,
``snowflake.snowpark.functions`` and ``snowflake.snowpark.Window`` (``isinstance(value, Column)``
works). Importing a project's models (``ls``, ``graph``, selection, Prefect deployment listings) then
costs no Snowpark import, which is most of a command's start-up: the connector it loads pulls in pandas,
boto3 and pyarrow. Type checkers see the real objects.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

__all__ = ["Column", "F", "Window"]


class _ImportedOnFirstUse:
    """A module, or one attribute of it, imported the first time any of its attributes is read."""

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self._module = module
        self._attribute = attribute
        self._target: Any = None
        self._lock = threading.Lock()

    def _resolve(self) -> Any:
        if self._target is None:
            with self._lock:  # models of one run build on several threads
                if self._target is None:
                    target = importlib.import_module(self._module)
                    self._target = getattr(target, self._attribute) if self._attribute else target
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            # protocol probes (the registry looking for a model declaration, copy, pickle) do not import
            raise AttributeError(name)
        return getattr(self._resolve(), name)

    def __instancecheck__(self, instance: object) -> bool:  # isinstance(value, Column)
        return isinstance(instance, self._resolve())

    def __repr__(self) -> str:
        name = f"{self._module}.{self._attribute}" if self._attribute else self._module
        state = "imported" if self._target is not None else "not imported yet"
        return f"<{name}, {state}>"


if TYPE_CHECKING:
    from snowflake.snowpark import Column, Window
    from snowflake.snowpark import functions as F
else:
    F = _ImportedOnFirstUse("snowflake.snowpark.functions")
    Column = _ImportedOnFirstUse("snowflake.snowpark", "Column")
    Window = _ImportedOnFirstUse("snowflake.snowpark", "Window")
