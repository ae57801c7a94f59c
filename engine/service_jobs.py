"""Heavy work off the request, and the sweeps a worker runs: jobs, timer dispatch.

A job is a deferred call of one of the engine's own door methods (``JOB_KINDS``), stored in the
``job`` table with its caller: the web process writes the row and returns; a background thread
(embedded mode) or a Celery worker (distributed mode) runs it later through ``run_job``, which
checks the caller's rights again exactly as the direct call would. The table is the queue of
record: a worker that dies mid-job leaves its lease to expire and the job is taken again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from engine import sweeper
from engine.errors import EngineError, InvalidSubmission, NotFound, NotPermitted
from engine.models import Job, ReportingPeriod, Timer
from engine.organisation import require_admin, require_known
from engine.results import SYSTEM, Actor, SweepResult, SystemActor, TimerFiring
from engine.service_base import EngineBase


@dataclass(frozen=True)
class JobKind:
    """A door method that may run as a job, and which of its arguments are dates."""

    method: str
    label: str
    date_args: tuple[str, ...] = ()


JOB_KINDS = {
    "open_period": JobKind(
        "open_period", "Mở kỳ báo cáo", ("data_cutoff", "unit_deadline", "focal_deadline")
    ),
    "render_document": JobKind("render_consolidated_report", "Xuất báo cáo tổng hợp (PDF)"),
}


@dataclass(frozen=True)
class JobInfo:
    """A job as its submitter sees it: ``status`` is queued, running, done or failed."""

    id: int
    kind: str
    label: str
    status: str
    progress: int
    total: int
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def _to_info(job: Job) -> JobInfo:
    kind = JOB_KINDS.get(job.kind)
    return JobInfo(
        id=job.id,
        kind=job.kind,
        label=kind.label if kind else job.kind,
        status=job.status,
        progress=job.progress,
        total=job.total,
        message=job.message,
        result=dict(job.result) if job.result is not None else None,
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class JobMethods(EngineBase):
    """Submitting and running jobs; dispatching due timers to workers."""

    def submit_job(self, kind: str, args: dict[str, Any], *, actor: Actor) -> JobInfo:
        """Queue a door call to run in the background; return at once with the job to follow."""
        if kind not in JOB_KINDS:
            message = f"Không có loại công việc '{kind}' (unknown job kind)"
            raise InvalidSubmission(message, {"kind": [message]})
        with self._work(write=True) as session:
            require_known(session, actor)
            job = Job(
                kind=kind,
                args={k: _encode(v) for k, v in args.items()},
                status="queued",
                progress=0,
                total=0,
                message="Đang chờ xử lý (queued)",
                attempts=0,
                created_by_id=None if isinstance(actor, SystemActor) else actor,
                created_at=self._clock(),
            )
            session.add(job)
            session.flush()
            return _to_info(job)

    def get_job(self, job_id: int, *, actor: Actor) -> JobInfo:
        """Return a job to the user who submitted it (and to administrators)."""
        with self._work(write=False) as session:
            job = session.get(Job, job_id)
            if job is None or not (isinstance(actor, SystemActor) or job.created_by_id == actor):
                try:
                    require_admin(session, actor)
                except NotPermitted:
                    job = None
            if job is None:
                raise NotFound(f"Không tìm thấy công việc {job_id} (no such job)")
            return _to_info(job)

    def due_job_ids(self, *, limit: int = 20) -> list[int]:
        """Return jobs waiting to run: queued, or running under a lease that ran out."""
        now = self._clock()
        with self._work(write=False) as session:
            return list(
                session.scalars(
                    select(Job.id)
                    .where(or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now)))
                    .order_by(Job.id)
                    .limit(limit)
                )
            )

    def run_job(self, job_id: int) -> JobInfo | None:
        """Run one job if it is still due; ``None`` when another worker holds it or it is finished."""
        now = self._clock()
        with self._work(write=True) as session:
            claimed = session.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    or_(Job.status == "queued", (Job.status == "running") & (Job.lease_until < now)),
                )
                .values(
                    status="running",
                    attempts=Job.attempts + 1,
                    started_at=now,
                    lease_until=now + timedelta(seconds=self.settings.job_lease_s),
                    message="Đang xử lý (running)",
                )
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                return None
            job = session.get(Job, job_id)
            assert job is not None  # noqa: S101 - just claimed
            kind, args, actor, attempts = JOB_KINDS[job.kind], dict(job.args), job.created_by_id, job.attempts
        call = {k: date.fromisoformat(v) if k in kind.date_args else v for k, v in args.items()}
        status, result, error = "done", None, None
        if attempts > 1 and (done_before := self._done_before(kind.method, args)) is not None:
            # An earlier attempt's door call committed, then its worker died before this row
            # was marked done: report that outcome instead of calling again.
            result = {"id": done_before}
            return self._finish(job_id, status, result, error)
        try:
            outcome = getattr(self, kind.method)(**call, actor=SYSTEM if actor is None else actor)
            result = {"id": outcome.id} if hasattr(outcome, "id") else {}
        except InvalidSubmission as exc:
            details = [m for messages in exc.field_errors.values() for m in messages]
            status, error = "failed", "; ".join([exc.message, *details])
        except EngineError as exc:
            status, error = "failed", exc.message
        return self._finish(job_id, status, result, error)

    def _done_before(self, method: str, args: dict[str, Any]) -> int | None:
        """Return what an earlier attempt of a job already made, when that can be told."""
        if method != "open_period":
            return None
        with self._work(write=False) as session:
            return session.scalar(
                select(ReportingPeriod.id).where(
                    ReportingPeriod.plan_id == args.get("plan_id"), ReportingPeriod.label == args.get("label")
                )
            )

    def _finish(self, job_id: int, status: str, result: dict[str, Any] | None, error: str | None) -> JobInfo:
        with self._work(write=True) as session:
            job = session.get(Job, job_id)
            assert job is not None  # noqa: S101 - jobs are never deleted
            job.status, job.result, job.error = status, result, error
            job.progress = job.total = 1
            job.message = "Hoàn thành (done)" if status == "done" else "Thất bại (failed)"
            job.finished_at = self._clock()
            job.lease_until = None
            return _to_info(job)

    # -- timers, for workers --------------------------------------------------------------------

    def queue_due_timers(self, *, limit: int = 500, lease_s: float = 60.0) -> list[int]:
        """Mark up to ``limit`` due timers as handed to workers for ``lease_s``; return their ids.

        A timer handed out is not handed out again until its lease runs out, so a dispatcher
        that runs every few seconds does not flood the queue; a worker that died leaves the
        lease to expire and the timer is handed out again. Firing stays exactly-once because
        ``fire_timers`` claims each row itself.
        """
        now = self._clock()
        with self._work(write=True) as session:
            query = (
                select(Timer.id)
                .where(Timer.due_at <= now, or_(Timer.queued_until.is_(None), Timer.queued_until < now))
                .order_by(Timer.due_at, Timer.id)
                .limit(limit)
            )
            if self._is_postgres:
                query = query.with_for_update(skip_locked=True)
            ids = list(session.scalars(query))
            if ids:
                session.execute(
                    update(Timer)
                    .where(Timer.id.in_(ids))
                    .values(queued_until=now + timedelta(seconds=lease_s))
                )
            return ids

    def fire_timers(self, timer_ids: Sequence[int], *, now: datetime | None = None) -> SweepResult:
        """Fire the given timers that are due, each in its own transaction (what a worker runs)."""
        moment = now or self._clock()
        fired: list[TimerFiring] = []
        skipped = 0
        for timer_id in timer_ids:
            with self._work(write=True) as session:
                firing = sweeper.fire_one(
                    session, self._runtime, timer_id, moment, skip_locked=self._is_postgres
                )
            if firing is None:
                skipped += 1
            else:
                fired.extend(firing)
        return SweepResult(fired=tuple(fired), skipped=skipped)
