"""Which failures a retry can fix.

A node fails *transiently* when the warehouse could not be reached or was busy: a dropped
connection, a timeout, a lock held by another writer. Running the same node again may well
succeed, so the flow retries it. Everything else (a bad column, a model returning the wrong type,
a failing blocking check, a ``NetflixEltError`` raised on its own) fails the same way every time
and is never retried.

The classification walks the exception's chain (``__cause__`` / ``__context__``), because drivers
wrap the error that matters: Snowpark wraps the connector's error, fakesnow wraps DuckDB's, and a
``NetflixEltError`` may wrap a dropped connection.
"""

from __future__ import annotations

from collections.abc import Iterator

# Snowflake error numbers (connector ``errno`` / Snowpark ``sql_error_code``) a retry can fix.
TRANSIENT_SNOWFLAKE_ERRNOS: frozenset[int] = frozenset(
    {
        625,  # 000625: too many statements waiting for a table lock held by another transaction
        630,  # 000630: statement reached its statement or queued (warehouse busy) timeout
        250001,  # could not connect to the Snowflake backend
        250003,  # failed to get a response (network)
        250005,  # failed to reach the server
        251011,  # connection timeout
        251012,  # retryable HTTP response
        252007,  # failed to renew the session
        252010,  # result chunk download failed
    }
)

# Fragments of DuckDB error messages (the embedded engine) that mean "another writer is busy".
TRANSIENT_DUCKDB_MESSAGES: tuple[str, ...] = ("could not set lock", "conflict on", "write-write conflict")


class TransientNodeError(Exception):
    """Raised inside a Prefect task when a node failed transiently: the task's retry policy applies."""


class NodeFailedError(Exception):
    """Raised inside a Prefect task when a node failed for a reason a retry cannot fix."""


def is_transient(error: BaseException | None) -> bool:
    """Whether ``error`` (or anything in its chain) is a failure a retry can fix."""
    for exc in exception_chain(error):
        if isinstance(exc, ConnectionError | TimeoutError):
            return True
        if _snowflake_errno(exc) in TRANSIENT_SNOWFLAKE_ERRNOS:
            return True
        if _is_snowflake_operational(exc):
            return True
        if type(exc).__module__.lstrip("_").startswith("duckdb") and any(
            fragment in str(exc).lower() for fragment in TRANSIENT_DUCKDB_MESSAGES
        ):
            return True
    return False


def exception_chain(error: BaseException | None) -> Iterator[BaseException]:
    """``error``, then its causes and contexts, each once."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _snowflake_errno(exc: BaseException) -> int | None:
    # The connector sets ``errno``; Snowpark's SnowparkSQLException carries ``sql_error_code``.
    if not type(exc).__module__.startswith("snowflake."):
        return None
    for attribute in ("sql_error_code", "errno"):
        value = getattr(exc, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def _is_snowflake_operational(exc: BaseException) -> bool:
    """The connector's OperationalError is its class for network and service failures."""
    return type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith("snowflake.")
