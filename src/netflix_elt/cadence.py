"""Per-model cadence: a model may declare ``cron="0 6 * * 1"`` (UTC) to be rebuilt at most once per slot.

A model with a cadence is *due* when a slot of its cron expression falls after its last build and at
or before the run's time (``run_started_at``); otherwise ``build`` and the Prefect flow record it as
``not_due`` and leave its table as it is (the report shows how old it is). A model never built is
always due; ``--full-refresh`` and naming the model in ``--select`` build it regardless.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netflix_elt.errors import ProjectError

_ONE_SECOND = timedelta(seconds=1)
CRON_HINT = "five fields in UTC: minute hour day-of-month month day-of-week, e.g. '0 6 * * 1' (Mondays 06:00)"


def validate_cron(expression: str, where: str) -> str:
    """``expression`` if it is a valid five-field cron expression, else a ProjectError naming ``where``."""
    from cronsim import CronSim, CronSimError

    try:
        CronSim(expression, datetime(2000, 1, 1, tzinfo=UTC))
    except (CronSimError, ValueError, TypeError) as exc:
        raise ProjectError(f"invalid cron '{expression}': {exc}", where=where, hint=CRON_HINT) from None
    return expression


def latest_slot(expression: str, moment: datetime) -> datetime:
    """The newest slot of ``expression`` at or before ``moment`` (UTC)."""
    from cronsim import CronSim

    now = _utc(moment).replace(microsecond=0)
    # CronSim in reverse yields slots strictly before its start, so start one second later.
    slots = CronSim(expression, now + _ONE_SECOND, reverse=True)
    return next(slots)


def is_due(expression: str, last_built_at: datetime | None, now: datetime) -> bool:
    """True when a slot falls in (last_built_at, now], or when the model was never built."""
    if last_built_at is None:
        return True
    return latest_slot(expression, now) > _utc(last_built_at)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
