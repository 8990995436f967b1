"""Prefect 3 orchestration of the model graph: one flow, one task per materialised model.

The flow runs the same core as ``netflix-elt build`` (``Project.execute`` with a Prefect scheduler),
so planning, the node executor and the run artifacts are shared. Submodules:

- ``transient``: which failures a retry can fix (imports no Prefect);
- ``schedule``: cron validation and the next run times of a schedule (imports no Prefect);
- ``scheduler``: the ``Scheduler`` that maps each node to a Prefect task;
- ``summary``: the run summary the flow returns, logs and publishes as artifacts;
- ``flow``: the ``netflix-elt`` flow itself (load new raw files, then build);
- ``deploy``: serving the flow on a schedule and deploying it to a work pool.

Only ``scheduler``, ``summary``, ``flow`` and ``deploy`` import Prefect; nothing outside this package
(and the ``flow``/``deploy`` commands) does, so ``netflix-elt build`` never pays for it.
"""

from __future__ import annotations

FLOW_NAME = "netflix-elt"
DEFAULT_DEPLOYMENT = "daily"
