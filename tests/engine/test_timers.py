"""Timers: projected with their due time, fired once by the sweeper, ISO literals from other tools."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine import SYSTEM, FrozenClock, WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import BPMN_DIR, minimal_process, request_id, start_unit_report


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


def cycle_process(process_id: str, cycle: str) -> bytes:
    """A user task with a non-interrupting cycle timer whose path runs the "remind now" action."""
    return minimal_process(
        process_id,
        f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="answer" name="Trả lời" camunda:candidateGroups="drafter">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="nag" name="Nhắc" cancelActivity="false" attachedToRef="answer">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{cycle}</bpmn:timeCycle>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="nagged"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="answer"/>
    <bpmn:sequenceFlow id="f2" sourceRef="answer" targetRef="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="nag" targetRef="nagged"/>""",
    ).encode()


def sweep_daily(engine: WorkflowEngine, clock: FrozenClock, days: int) -> list[datetime]:
    """Advance one day at a time, sweeping each day; return the due times of what fired."""
    fired = []
    for _ in range(days):
        clock.advance(timedelta(days=1))
        fired += [f.due_at for f in engine.fire_due_timers().fired]
    return fired


def test_cycle_r3_p1d_fires_three_times_and_stops(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    engine.deploy_definition(cycle_process("nag_three_times", "R3/P1D"), actor=SYSTEM)
    started = clock()
    instance = engine.start_instance("nag_three_times", {}, actor=SYSTEM, unit_id=org.commune.id)
    assert [t.due_at for t in engine.list_timers(instance.id, actor=SYSTEM)] == [started + timedelta(days=1)]
    assert sweep_daily(engine, clock, 10) == [started + timedelta(days=d) for d in (1, 2, 3)]
    assert engine.list_timers(instance.id, actor=SYSTEM) == []
    audited = engine.list_audit(actor=SYSTEM, action="timer.fired")
    assert [e.details["task"] for e in audited] == ["nag"] * 3
    [task] = engine.list_inbox(actor=org.drafter.id)  # the task itself stays with the drafter
    assert task.task_name == "answer"


def test_cycle_missed_while_down_fires_each_due_occurrence_once(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    engine.deploy_definition(cycle_process("nag_three_times", "R3/P1D"), actor=SYSTEM)
    started = clock()
    engine.start_instance("nag_three_times", {}, actor=SYSTEM, unit_id=org.commune.id)
    clock.advance(timedelta(days=2, hours=12))  # down for two and a half days
    fired = []
    while batch := engine.fire_due_timers().fired:
        fired += batch
    assert [(f.due_at, f.late_by_s) for f in fired] == [
        (started + timedelta(days=1), 1.5 * 86400),
        (started + timedelta(days=2), 0.5 * 86400),
    ]
    assert sweep_daily(engine, clock, 5) == [started + timedelta(days=3)]


def test_cycle_with_an_end_stops_at_the_end(engine: WorkflowEngine, org: Org, clock: FrozenClock) -> None:
    end = (clock() + timedelta(days=2, hours=1)).isoformat()
    engine.deploy_definition(cycle_process("nag_until", f"R/P1D/{end}"), actor=SYSTEM)
    started = clock()
    engine.start_instance("nag_until", {}, actor=SYSTEM, unit_id=org.commune.id)
    assert sweep_daily(engine, clock, 6) == [started + timedelta(days=1), started + timedelta(days=2)]


def test_cycle_from_a_start_date(engine: WorkflowEngine, org: Org, clock: FrozenClock) -> None:
    first = (clock() + timedelta(days=3)).replace(microsecond=0)
    engine.deploy_definition(cycle_process("nag_from", f"R2/{first.isoformat()}/PT12H"), actor=SYSTEM)
    engine.start_instance("nag_from", {}, actor=SYSTEM, unit_id=org.commune.id)
    assert sweep_daily(engine, clock, 6) == [first, first + timedelta(hours=12)]
