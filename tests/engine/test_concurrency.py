"""Real concurrent connections: one winner per task, one firing per timer.

These run on SQLite (writers serialized by ``BEGIN IMMEDIATE``) and on PostgreSQL (row locks,
``FOR UPDATE SKIP LOCKED``); ``make test`` runs both.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine import SYSTEM, FrozenClock, StaleTask, SubmitResult, SweepResult, WorkflowEngine, build_engine
from tests.conftest import Org
from tests.engine.helpers import report_data, request_id, start_unit_report

REPORT = {"summary": "Báo cáo"}


def _race(workers: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(workers))
    outcomes: list[Any] = [None] * len(workers)

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = workers[index]()
        except Exception as exc:  # the outcome under test may be an error
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_sessions_submitting_one_task_exactly_one_wins(
    engine: WorkflowEngine, org: Org, settings, clock
) -> None:  # type: ignore[no-untyped-def]
    start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    # A second engine: its own connection pool, as a second web process would have.
    other = build_engine(settings, clock=clock)
    try:
        outcomes = _race(
            [
                lambda: engine.submit_task(
                    task.id, REPORT, actor=org.drafter.id, version=task.version, request_id=request_id()
                ),
                lambda: other.submit_task(
                    task.id, REPORT, actor=org.drafter.id, version=task.version, request_id=request_id()
                ),
            ]
        )
    finally:
        other.dispose()
    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == Counter({"SubmitResult": 1, "StaleTask": 1}), outcomes
    winner = next(o for o in outcomes if isinstance(o, SubmitResult))
    assert [t.task_name for t in winner.next_tasks] == ["head_review"]
    assert any(isinstance(o, StaleTask) for o in outcomes)
    assert len(engine.list_audit(actor=SYSTEM, action="task.submit")) == 1
    assert len(engine.list_inbox(actor=org.head.id)) == 1


def test_racing_sweepers_fire_each_timer_once(
    engine: WorkflowEngine, org: Org, settings, clock: FrozenClock
) -> None:  # type: ignore[no-untyped-def]
    start_unit_report(engine, org.commune.id, org.focal.id)  # deploys
    for i in range(11):
        engine.start_instance(
            "simple_report",
            report_data(clock(), org.focal.id, remind_in=timedelta(hours=i + 1)),
            actor=SYSTEM,
            unit_id=org.commune.id,
        )
    clock.advance(timedelta(days=11))
    other = build_engine(settings, clock=clock)
    try:
        outcomes = _race(
            [lambda: engine.fire_due_timers(limit=100), lambda: other.fire_due_timers(limit=100)]
        )
    finally:
        other.dispose()
    assert all(isinstance(o, SweepResult) for o in outcomes), outcomes
    fired_ids = [f.timer_id for o in outcomes for f in o.fired]
    assert len(fired_ids) == 12
    assert len(set(fired_ids)) == 12
    audit = engine.list_audit(actor=SYSTEM, action="timer.fired", limit=1000)
    assert Counter(e.object_id for e in audit).most_common(1)[0][1] == 1
    assert len(audit) == 12
    assert engine.fire_due_timers().fired == ()
