"""Compaction: a looping instance forgets its finished history, and nothing anyone sees changes.

The equivalence tests run two instances side by side on the same clock, one compacted and one
with compaction disabled (``plain_units``), doing exactly the same thing at every step, and
compare everything the engine shows about them after every step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from engine import SYSTEM, FrozenClock, UserInfo, WorkflowEngine
from engine.db import create_db_engine
from engine.plan_results import SectionInput, TaskInput, UnitRef
from engine.spiff import compaction
from tests.conftest import WORKFLOWS, Org
from tests.engine.helpers import UNIT_REPORT, minimal_process, report_data, request_id

Step = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class Lane:
    """One instance under test and the people who act on it."""

    instance_id: int
    unit_id: int
    drafter: int
    head: int
    focal: int

    def user_for(self, role: str | None) -> int:
        return {"drafter": self.drafter, "unit_head": self.head, "focal_officer": self.focal}[role or ""]


@dataclass
class Compactions:
    """Units whose instances run without compaction, and how many tasks compaction removed."""

    plain_units: set[int]
    removed: int = 0


@pytest.fixture
def compactions(monkeypatch: pytest.MonkeyPatch) -> Compactions:
    seen = Compactions(set())
    real = compaction.compact

    def compact(workflow: Any) -> int:
        if workflow.task_tree.data.get("unit_id") in seen.plain_units:
            return 0
        removed = real(workflow)
        seen.removed += removed
        return removed

    monkeypatch.setattr(compaction, "compact", compact)
    return seen


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    db_engine = create_db_engine(db_url)
    yield db_engine
    db_engine.dispose()


def state_length(db: Engine, instance_id: int) -> int:
    with db.connect() as conn:
        return int(
            conn.execute(
                text("SELECT length(state) FROM process_instance WHERE id = :i"), {"i": instance_id}
            ).scalar_one()
        )


def observe(db: Engine, engine: WorkflowEngine, lane: Lane) -> tuple[Any, ...]:
    """Everything the engine shows about one instance, with its own unit written as 'own'."""
    units = {lane.unit_id: "own"}
    with db.connect() as conn:
        tasks = conn.execute(
            text(
                "SELECT id, task_name, unit_id, role, due_at, actions FROM human_task"
                " WHERE instance_id = :i AND status = 'open' ORDER BY id"
            ),
            {"i": lane.instance_id},
        ).all()
        timers = conn.execute(
            text(
                "SELECT task_name, kind, due_at FROM timer WHERE instance_id = :i ORDER BY due_at, task_name"
            ),
            {"i": lane.instance_id},
        ).all()
        instance = conn.execute(
            text(
                "SELECT status, current_step, step_unit_id, step_role, step_due_at FROM process_instance"
                " WHERE id = :i"
            ),
            {"i": lane.instance_id},
        ).one()
    open_tasks = [
        (
            name,
            units.get(unit, unit),
            role,
            due,
            actions,
            engine.open_task(task_id, actor=lane.user_for(role)).values,
        )
        for task_id, name, unit, role, due, actions in tasks
    ]
    status, step, step_unit, step_role, step_due = instance
    return (
        open_tasks,
        [tuple(t) for t in timers],
        (status, step, units.get(step_unit, step_unit), step_role, step_due),
    )


def act(engine: WorkflowEngine, lane: Lane, name: str, action: str, values: dict[str, Any]) -> None:
    role = {"draft": "drafter", "head_review": "unit_head", "focal_review": "focal_officer"}[name]
    user = lane.user_for(role)
    [task] = [
        t for t in engine.list_inbox(actor=user) if t.instance_id == lane.instance_id and t.task_name == name
    ]
    if action == "return":
        engine.return_task(
            task.id, "Bổ sung số liệu", actor=user, version=task.version, request_id=request_id()
        )
    else:
        engine.submit_task(
            task.id, values, actor=user, version=task.version, request_id=request_id(), action=action
        )


def rounds(head_returns: int, focal_returns: int) -> Iterator[Step]:
    """Drafts returned by the head, then approved and returned by the focal unit, then accepted."""
    for i in range(head_returns):
        yield ("draft", "submit", {"summary": f"Bản {i}", "difficulties": f"Vướng {i % 3}"})
        yield ("head_review", "return", {})
    for i in range(focal_returns + 1):
        yield ("draft", "submit", {"summary": f"Bản sửa {i}", "funding_estimate": 1000 * i})
        yield ("head_review", "approve", {})
        yield ("focal_review", "accept" if i == focal_returns else "return", {})


def side_by_side(
    engine: WorkflowEngine,
    db: Engine,
    clock: FrozenClock,
    compacted: Lane,
    plain: Lane,
    steps: Iterator[Step],
    pause: Callable[[int], timedelta],
) -> list[tuple[int, int]]:
    """Drive both lanes identically; after each step compare what the engine shows. Return state sizes."""
    sizes = []
    for number, (name, action, values) in enumerate(steps):
        for lane in (compacted, plain):
            act(engine, lane, name, action, values)
        clock.advance(pause(number))
        fired = engine.fire_due_timers().fired
        seen = [
            (
                observe(db, engine, lane),
                [(f.task_name, f.due_at, f.late_by_s) for f in fired if f.instance_id == lane.instance_id],
            )
            for lane in (compacted, plain)
        ]
        assert seen[0] == seen[1], f"step {number}: {name} {action}"
        sizes.append((state_length(db, compacted.instance_id), state_length(db, plain.instance_id)))
    return sizes


def start_simple_report(engine: WorkflowEngine, org: Org, unit: int, drafter: int, head: int) -> Lane:
    if not engine.list_definitions(actor=SYSTEM, key="simple_report"):
        engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=SYSTEM, filename=UNIT_REPORT.name)
    instance = engine.start_instance(
        "simple_report",
        report_data(engine.now(), org.focal.id),
        actor=SYSTEM,
        unit_id=unit,
        business_key=f"compaction/{unit}",
    )
    return Lane(instance.id, unit, drafter, head, org.focal_officer.id)


def open_unit_report_period(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, make_user: Callable[..., UserInfo]
) -> tuple[Lane, Lane, int]:
    """A province plan led by both communes, issued, and a period open for it (two unit reports)."""
    clock.set(datetime(2025, 1, 10, 2, tzinfo=UTC))  # 09:00 in Hà Nội
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    leader = make_user("lanhdao", org.province.id, "leader")
    other_head = make_user("khac.truong", org.other_commune.id, "unit_head")
    focal = org.focal_officer.id
    plan = engine.create_plan(
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        legal_bases=["Chỉ thị 14/CT-TTg ngày 07/6/2019"],
        actor=focal,
    )
    leads = (UnitRef(unit_id=org.commune.id), UnitRef(unit_id=org.other_commune.id))
    task = TaskInput("Quán triệt Luật An ninh mạng", "Thường xuyên hàng năm", lead=leads)
    engine.set_plan_tasks(plan.id, [SectionInput("I", "Tuyên truyền", (task,))], actor=focal)
    engine.issue_plan(
        plan.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 12, 2), actor=leader.id
    )
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 12, 31),
        unit_deadline=date(2025, 2, 5),
        focal_deadline=date(2025, 2, 6),
        actor=focal,
    )
    lanes = []
    for unit, drafter, head in (
        (org.commune.id, org.drafter.id, org.head.id),
        (org.other_commune.id, org.other_drafter.id, other_head.id),
    ):
        [task_info] = [t for t in engine.list_inbox(actor=drafter) if t.process_key == "unit_report"]
        lanes.append(Lane(task_info.instance_id, unit, drafter, head, focal))
    return lanes[0], lanes[1], period.id


def test_simple_report_is_the_same_with_and_without_compaction(
    engine: WorkflowEngine,
    org: Org,
    clock: FrozenClock,
    db: Engine,
    compactions: Compactions,
    make_user: Callable[..., UserInfo],
) -> None:
    other_head = make_user("khac.truong", org.other_commune.id, "unit_head")
    compacted = start_simple_report(engine, org, org.commune.id, org.drafter.id, org.head.id)
    plain = start_simple_report(engine, org, org.other_commune.id, org.other_drafter.id, other_head.id)
    compactions.plain_units.add(plain.unit_id)
    # Three hours between steps: the reminder (due after ten days) fires during the head's returns.
    sizes = side_by_side(engine, db, clock, compacted, plain, rounds(40, 10), lambda _: timedelta(hours=3))
    assert engine.get_instance(compacted.instance_id, actor=SYSTEM).status == "completed"
    # The reminder fires once when due, then again at once each time the draft comes back to the
    # drafter after that; every occurrence is audited, the same for both instances.
    firings = engine.list_audit(actor=SYSTEM, action="timer.fired", limit=1000)
    per_instance = [
        [e.details["due_at"] for e in firings if e.instance_id == lane.instance_id]
        for lane in (compacted, plain)
    ]
    assert per_instance[0] == per_instance[1]
    assert len(per_instance[0]) > 1
    assert compactions.removed > 0
    before_accept = sizes[-2]
    assert before_accept[0] * 3 < before_accept[1]


def test_unit_report_is_the_same_with_and_without_compaction(
    engine: WorkflowEngine,
    org: Org,
    clock: FrozenClock,
    db: Engine,
    compactions: Compactions,
    make_user: Callable[..., UserInfo],
) -> None:
    compacted, plain, period_id = open_unit_report_period(engine, org, clock, make_user)
    compactions.plain_units.add(plain.unit_id)
    # Six hours per head return, then twelve per focal round: the chase ladder (24/01 to 14/02)
    # fires in the middle, and focal returns after it re-enter the subprocess with past-due timers.
    sizes = side_by_side(
        engine,
        db,
        clock,
        compacted,
        plain,
        rounds(40, 10),
        lambda number: timedelta(hours=6 if number < 80 else 12),
    )
    board = engine.period_board(period_id, actor=org.focal_officer.id)
    rows = {r.unit_id: r for r in board.rows}
    one, other = rows[compacted.unit_id], rows[plain.unit_id]
    assert (one.report_status, one.returned_count, one.escalation_count, one.last_escalation) == (
        other.report_status,
        other.returned_count,
        other.escalation_count,
        other.last_escalation,
    )
    assert one.report_status == "accepted"
    assert one.returned_count == 50
    assert compactions.removed > 0
    assert sizes[79][0] * 2 < sizes[79][1]  # after the forty head returns


def test_simple_report_state_stays_bounded_and_its_timer_still_fires(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, db: Engine
) -> None:
    lane = start_simple_report(engine, org, org.commune.id, org.drafter.id, org.head.id)
    sizes = {}
    for number, (name, action, values) in enumerate(list(rounds(40, 0))[:80]):  # forty returns
        act(engine, lane, name, action, values)
        clock.advance(timedelta(hours=1))
        if name == "head_review":
            sizes[number // 2 + 1] = state_length(db, lane.instance_id)
    assert sizes[40] < 1.5 * sizes[2]
    assert engine.fire_due_timers().fired == ()

    clock.set(datetime(2024, 11, 11, 2, 5, tzinfo=UTC))  # ten days after the start, five minutes late
    fired = engine.fire_due_timers().fired
    assert [(f.instance_id, f.task_name, f.late_by_s) for f in fired] == [
        (lane.instance_id, "remind_drafter", 300.0)
    ]
    assert engine.fire_due_timers().fired == ()
    [draft] = [t for t in engine.list_inbox(actor=org.drafter.id) if t.instance_id == lane.instance_id]
    assert draft.task_name == "draft"
    for name, action, values in rounds(0, 0):
        act(engine, lane, name, action, values)
    assert engine.get_instance(lane.instance_id, actor=SYSTEM).status == "completed"


def test_unit_report_state_stays_bounded_and_the_chase_ladder_still_fires(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, db: Engine, make_user: Callable[..., UserInfo]
) -> None:
    lane, other, _ = open_unit_report_period(engine, org, clock, make_user)
    sizes = {}
    for number, (name, action, values) in enumerate(list(rounds(40, 0))[:80]):  # forty returns
        act(engine, lane, name, action, values)
        if name == "head_review":
            sizes[number // 2 + 1] = state_length(db, lane.instance_id)
    assert sizes[40] < 1.5 * sizes[2]

    fired_on: dict[str, date] = {}
    day = date(2025, 1, 10)
    while day <= date(2025, 2, 20):
        clock.set(datetime(day.year, day.month, day.day, 2, tzinfo=UTC))
        for firing in engine.fire_due_timers().fired:
            if firing.instance_id == lane.instance_id:
                fired_on.setdefault(firing.task_name, day)
        day += timedelta(days=1)
    assert fired_on == {
        "remind_drafter": date(2025, 1, 24),  # 3 working days before 05/02: Tết and weekends skipped
        "remind_head": date(2025, 2, 5),
        "reminder_letter": date(2025, 2, 10),
        "escalate_leader": date(2025, 2, 14),
    }
    # The lane that was returned forty times escalated exactly like the one never touched.
    escalations = [
        e for e in engine.list_audit(actor=SYSTEM, limit=10_000) if e.action.startswith("escalation.")
    ]
    assert sorted(e.action for e in escalations if e.instance_id == lane.instance_id) == sorted(
        e.action for e in escalations if e.instance_id == other.instance_id
    )
    assert len([e for e in escalations if e.instance_id == lane.instance_id]) == 4
    for name, action, values in list(rounds(3, 0))[:6]:
        act(engine, lane, name, action, values)
    assert state_length(db, lane.instance_id) < 1.5 * sizes[2]
    assert engine.get_instance(lane.instance_id, actor=SYSTEM).status == "running"


def test_a_state_stored_before_compaction_shrinks_at_its_next_step(
    engine: WorkflowEngine, org: Org, db: Engine, compactions: Compactions
) -> None:
    lane = start_simple_report(engine, org, org.commune.id, org.drafter.id, org.head.id)
    compactions.plain_units.add(lane.unit_id)
    for name, action, values in list(rounds(20, 0))[:39]:  # up to the twentieth return
        act(engine, lane, name, action, values)
    grown = state_length(db, lane.instance_id)
    compactions.plain_units.clear()
    act(engine, lane, "head_review", "return", {})
    assert state_length(db, lane.instance_id) * 4 < grown
    [draft] = [t for t in engine.list_inbox(actor=org.drafter.id) if t.instance_id == lane.instance_id]
    assert draft.task_name == "draft"


def test_processes_with_inclusive_gateways_are_left_alone(
    engine: WorkflowEngine, org: Org, compactions: Compactions
) -> None:
    body = """
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:inclusiveGateway id="split" default="fa"><bpmn:incoming>f0</bpmn:incoming>
      <bpmn:incoming>back</bpmn:incoming><bpmn:outgoing>fa</bpmn:outgoing></bpmn:inclusiveGateway>
    <bpmn:userTask id="draft" camunda:candidateGroups="drafter"><bpmn:incoming>fa</bpmn:incoming>
      <bpmn:outgoing>fb</bpmn:outgoing></bpmn:userTask>
    <bpmn:inclusiveGateway id="join"><bpmn:incoming>fb</bpmn:incoming><bpmn:outgoing>fc</bpmn:outgoing>
      </bpmn:inclusiveGateway>
    <bpmn:exclusiveGateway id="again" default="done_flow"><bpmn:incoming>fc</bpmn:incoming>
      <bpmn:outgoing>back</bpmn:outgoing><bpmn:outgoing>done_flow</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="done"><bpmn:incoming>done_flow</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split"/>
    <bpmn:sequenceFlow id="fa" sourceRef="split" targetRef="draft"/>
    <bpmn:sequenceFlow id="fb" sourceRef="draft" targetRef="join"/>
    <bpmn:sequenceFlow id="fc" sourceRef="join" targetRef="again"/>
    <bpmn:sequenceFlow id="back" sourceRef="again" targetRef="split">
      <bpmn:conditionExpression>decision == "submit"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done_flow" sourceRef="again" targetRef="done"/>"""
    engine.deploy_definition(minimal_process("inclusive_loop", body).encode(), actor=SYSTEM)
    instance = engine.start_instance("inclusive_loop", {}, actor=SYSTEM, unit_id=org.commune.id)
    for _ in range(5):
        [task] = [t for t in engine.list_inbox(actor=org.drafter.id) if t.instance_id == instance.id]
        engine.submit_task(task.id, {}, actor=org.drafter.id, version=task.version, request_id=request_id())
    assert compactions.removed == 0


def test_focal_returns_after_the_chase_ladder_fired_do_not_grow_the_state(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, db: Engine, make_user: Callable[..., UserInfo]
) -> None:
    lane, _, _ = open_unit_report_period(engine, org, clock, make_user)

    def escalations() -> list[str]:
        return sorted(
            e.action
            for e in engine.list_audit(actor=SYSTEM, limit=10_000)
            if e.action.startswith("escalation.") and e.instance_id == lane.instance_id
        )

    clock.set(datetime(2025, 2, 20, 2, tzinfo=UTC))  # the whole ladder is past due
    engine.fire_due_timers()  # one advance runs every rung that is due
    ladder = escalations()
    assert len(ladder) == 4
    sizes = {}
    for number, (name, action, values) in enumerate(list(rounds(0, 30))[:90]):  # thirty focal returns
        act(engine, lane, name, action, values)
        engine.fire_due_timers()  # back in the unit's hands, the past-due rungs fire again at once
        if name == "focal_review":
            sizes[number // 3 + 1] = state_length(db, lane.instance_id)
    assert sizes[30] < 1.05 * sizes[1], sizes
    assert escalations() == ladder  # each rung is recorded once per report, however often it fires
    for name, action, values in rounds(0, 0):
        act(engine, lane, name, action, values)
    assert engine.get_instance(lane.instance_id, actor=SYSTEM).status == "completed"
