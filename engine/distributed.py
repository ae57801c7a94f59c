"""Distributed mode: Celery worker processes run timers, mail and jobs; one beat dispatches them.

The database stays the queue of record. Every ``dispatch_every_s`` the beat's ``dispatch``
task hands due timers to workers in chunks (``queue_due_timers`` leases them so they are not
handed out twice in a row), asks for a mail pass, and hands out waiting jobs. Workers run the
same engine methods as embedded mode, each of which claims its row itself (``SKIP LOCKED``
on PostgreSQL), so a task delivered twice, or a worker killed mid-batch, never fires a timer
twice: what a dead worker held is handed out again when its lease runs out.

Broker: ``PLANCYCLE_BROKER_URL``, Redis (``redis://127.0.0.1:6379/0``) or RabbitMQ
(``amqp://guest:guest@127.0.0.1:5672//``). Web processes only write rows; they never wait on
a worker.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from celery import Celery

from engine.bootstrap import build_engine
from engine.service import WorkflowEngine
from engine.settings import Settings

_engines: dict[int, WorkflowEngine] = {}


def process_engine(settings: Settings) -> WorkflowEngine:
    """Return this process's engine (one per worker process, built on first use)."""
    pid = os.getpid()
    if pid not in _engines:
        _engines[pid] = build_engine(settings)
    return _engines[pid]


def make_app(settings: Settings) -> Celery:
    """Build the Celery application and its tasks for ``settings``."""
    if not settings.broker_url:
        raise ValueError("Chưa cấu hình PLANCYCLE_BROKER_URL (no broker configured)")
    app = Celery("plancycle", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=settings.worker_queue,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "plancycle-dispatch": {"task": "plancycle.dispatch", "schedule": settings.dispatch_every_s}
        },
    )

    @app.task(name="plancycle.dispatch")
    def dispatch() -> dict[str, int]:
        engine = process_engine(settings)
        ids = engine.queue_due_timers(limit=settings.timer_dispatch_batch, lease_s=settings.timer_lease_s)
        for start in range(0, len(ids), settings.timer_chunk):
            fire_timers.delay(ids[start : start + settings.timer_chunk])
        jobs = engine.due_job_ids()
        for job_id in jobs:
            run_job.delay(job_id)
        if settings.smtp_host:
            send_mail.delay()
        return {"timers": len(ids), "jobs": len(jobs)}

    @app.task(name="plancycle.fire_timers")
    def fire_timers(timer_ids: Sequence[int]) -> int:
        result = process_engine(settings).fire_timers(list(timer_ids))
        return len(result.fired)

    @app.task(name="plancycle.send_mail")
    def send_mail() -> int:
        engine = process_engine(settings)
        sweep = engine.send_due_mail()
        return sweep.sent + engine.send_digests()

    @app.task(name="plancycle.run_job")
    def run_job(job_id: int) -> str | None:
        info = process_engine(settings).run_job(job_id)
        return info.status if info is not None else None

    return app


def worker_argv(*, concurrency: int, beat: bool, loglevel: str, queue: str, name: str) -> list[str]:
    """Build the arguments of a Celery worker (``solo`` pool for one process, else ``prefork``)."""
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--concurrency={concurrency}",
        f"--pool={'solo' if concurrency == 1 else 'prefork'}",
        f"--queues={queue}",
        f"--hostname={name}@%h",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        schedule = Path(tempfile.gettempdir()) / f"plancycle-beat-{os.getpid()}"
        argv += ["--beat", f"--schedule={schedule}"]
    return argv
