"""Prefect settings for running offline and quietly; applied before Prefect is imported.

Without ``PREFECT_API_URL`` Prefect starts a temporary local server for the process. Offline, that
server tries to send telemetry (and logs the failure) and prints tracebacks when it shuts down; on a
small machine its first start (database migrations) can take longer than Prefect's 20 s default.
Values already set in the environment always win.
"""

from __future__ import annotations

import os

QUIET_DEFAULTS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


def quiet_prefect_environment() -> dict[str, str]:
    """Set each quiet default that is not already set; return the ones this call set."""
    applied = {}
    for name, value in QUIET_DEFAULTS.items():
        if name not in os.environ:
            os.environ[name] = value
            applied[name] = value
    return applied


def uses_temporary_server() -> bool:
    """True when no Prefect API is configured, so Prefect will start a temporary local server."""
    if os.environ.get("PREFECT_API_URL"):
        return False
    from prefect.settings import get_current_settings

    return not get_current_settings().api.url
