"""Prefect entrypoint of the ``netflix-elt`` flow (``flows/build_warehouse.py:build_warehouse``).

The flow lives in ``netflix_elt.orchestration.flow``; this file only exposes it at a path that
``prefect.yaml`` and work-pool deployments can name. Run it as a script to serve it on the daily
schedule of the ``local`` profile (the same as ``netflix-elt deploy --serve``).
"""

from __future__ import annotations

from netflix_elt.orchestration.environment import quiet_prefect_environment

quiet_prefect_environment()  # before Prefect is imported: offline, quiet temporary server

from netflix_elt.orchestration.flow import build_warehouse  # noqa: E402

__all__ = ["build_warehouse"]

if __name__ == "__main__":
    from netflix_elt.orchestration.deploy import serve_daily

    serve_daily()
