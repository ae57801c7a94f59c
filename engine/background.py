"""What runs beside the web: timers, mail, digests and jobs, in one pass (``run_once``).

Embedded mode calls ``run_once`` from a thread of ``plancycle serve`` every few seconds.
Distributed mode (``engine.distributed``) runs the same door calls as Celery tasks on worker
processes. Both go through the same engine methods, so both fire each timer once, send each
mail once and run each job once.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.message_results import MailSweep
from engine.service import WorkflowEngine


@dataclass(frozen=True)
class PassResult:
    """What one background pass did."""

    timers_fired: int
    mail: MailSweep
    digests: int
    jobs_run: int


def run_once(engine: WorkflowEngine, *, max_timer_batches: int = 50) -> PassResult:
    """Fire due timers (batch after batch), send due mail and digests, run waiting jobs."""
    fired = 0
    for _ in range(max_timer_batches):
        result = engine.fire_due_timers()
        fired += len(result.fired)
        if not result.fired:  # nothing due, or all of it held by someone else right now
            break
    mail = engine.send_due_mail()
    digests = engine.send_digests()
    jobs = 0
    for job_id in engine.due_job_ids():
        if engine.run_job(job_id) is not None:
            jobs += 1
    return PassResult(timers_fired=fired, mail=mail, digests=digests, jobs_run=jobs)
