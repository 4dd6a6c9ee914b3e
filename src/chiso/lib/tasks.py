"""Background work: the one way to queue a task for the worker process (docs/deployment.md).

The task runner is Django-Q2 with the database as its broker (``Q_CLUSTER`` in the settings): a task
is a row of ``django_q.OrmQ`` until the worker (``python -m chiso.manage qcluster``, its own process,
never a thread of the web process) takes it with an atomic compare-and-set UPDATE. A task that raised
is delivered again ``retry`` seconds after it was taken, up to ``max_attempts`` runs; a task that runs
longer than ``timeout`` is stopped and its worker process replaced.

A task is queued when the surrounding transaction commits (``transaction.on_commit``), so a request
that rolls back queues nothing and the worker never reads a row that is not there yet. Without a
running worker (tests, a shell) a queued task simply waits in the table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

__all__ = ["enqueue", "max_attempts", "stale_after"]


def enqueue(func: str, *args, name: str | None = None, **kwargs) -> None:
    """Queue ``func`` (a dotted path, e.g. ``"chiso.reports.services.run_job"``) with ``args`` and
    ``kwargs`` once the current transaction commits (at once outside one). ``name``: the task's name
    in the Django admin's list of queued, failed and successful tasks (``django_q``)."""
    from django_q.tasks import async_task  # the runner loads its models only when a task is queued

    options = {"task_name": name} if name else {}

    def push() -> None:
        async_task(func, *args, q_options=options, **kwargs)

    transaction.on_commit(push)


def max_attempts() -> int:
    """How many times a task is run in all before it is given up (``Q_CLUSTER["max_attempts"]``)."""
    attempts = settings.Q_CLUSTER.get("max_attempts")
    return attempts if isinstance(attempts, int) and attempts > 0 else 1


def stale_after() -> float:
    """Seconds without a heartbeat after which a running task's worker is taken for dead.

    A task is delivered again ``retry`` seconds after it was taken, and it was stopped at the latest
    ``timeout`` seconds after it was taken: a re-delivered task therefore finds its last heartbeat at
    least ``retry - timeout`` seconds old (``TASK_STALE_AFTER`` in the settings)."""
    return float(settings.TASK_STALE_AFTER)
