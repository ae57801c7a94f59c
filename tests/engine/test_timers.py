"""Timers: projected with their due time, fired once by the sweeper, ISO literals from other tools."""

from __future__ import annotations

from datetime import timedelta

from engine import SYSTEM, FrozenClock, WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import BPMN_DIR, request_id, start_unit_report


def test_reminder_timer_fires_exactly_once(engine: WorkflowEngine, org: Org, clock: FrozenClock) -> None:
    instance = start_unit_report(engine, org.commune.id, org.focal.id, remind_in=timedelta(days=10))
    assert engine.fire_due_timers().fired == ()

    clock.advance(timedelta(days=10, minutes=5))
    first = engine.fire_due_timers()
    assert [(f.instance_id, f.task_name) for f in first.fired] == [(instance.id, "remind_drafter")]
    assert first.fired[0].late_by_s == 300.0
    assert engine.fire_due_timers().fired == ()
    clock.advance(timedelta(days=30))
    assert engine.fire_due_timers().fired == ()

    fired = engine.list_audit(actor=SYSTEM, action="timer.fired")
    assert len(fired) == 1
    assert fired[0].details["task"] == "remind_drafter"
    # A non-interrupting reminder leaves the draft open for the drafter.
    [task] = engine.list_inbox(actor=org.drafter.id)
    assert task.task_name == "draft"


def test_late_timer_fires_once_with_lateness_recorded(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id, remind_in=timedelta(days=1))
    clock.advance(timedelta(days=3))  # the server was down for two days
    result = engine.fire_due_timers()
    assert len(result.fired) == 1
    assert result.fired[0].late_by_s == 2 * 86400
    assert engine.list_audit(actor=SYSTEM, action="timer.fired")[0].details["late_by_s"] == 2 * 86400


def test_iso_duration_boundary_timer_from_another_tool(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    engine.deploy_definition((BPMN_DIR / "interrupting_p7d.bpmn").read_bytes(), actor=SYSTEM)
    engine.start_instance("escalate_after_week", {}, actor=SYSTEM, unit_id=org.commune.id)
    [waiting] = engine.list_inbox(actor=org.drafter.id)

    clock.advance(timedelta(days=6, hours=23))
    assert engine.fire_due_timers().fired == ()
    clock.advance(timedelta(hours=2))
    assert len(engine.fire_due_timers().fired) == 1

    # The interrupting timer took the task away from the drafter and escalated to the head.
    assert engine.list_inbox(actor=org.drafter.id) == []
    [escalated] = engine.list_inbox(actor=org.head.id)
    assert escalated.task_name == "escalated"
    cancelled = engine.list_audit(actor=SYSTEM, action="task.cancelled")
    assert [e.object_id for e in cancelled] == [str(waiting.id)]


def test_submitting_before_the_deadline_removes_the_timer(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    engine.deploy_definition((BPMN_DIR / "interrupting_p7d.bpmn").read_bytes(), actor=SYSTEM)
    instance = engine.start_instance("escalate_after_week", {}, actor=SYSTEM, unit_id=org.commune.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    engine.submit_task(task.id, {}, actor=org.drafter.id, version=task.version, request_id=request_id())
    clock.advance(timedelta(days=8))
    assert engine.fire_due_timers().fired == ()
    assert engine.get_instance(instance.id, actor=SYSTEM).status == "completed"
