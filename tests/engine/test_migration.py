"""Moving running instances to another version: preview, migrate, refuse what cannot move.

The district scene's period runs unit_report v1 (each commune waiting at ``draft``). v2 moves the
drafter's reminder from 3 to 5 working days before the deadline; v3 has no ``draft`` step.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from engine import SYSTEM, FrozenClock, NotPermitted, WorkflowEngine
from tests.engine.helpers import request_id
from tests.engine.test_definition_versions import (
    UNIT_REPORT,
    drafter_reminder,
    make_admin,
    started_reports,
    unit_report_v2,
)
from tests.scene import build_district

pytestmark = pytest.mark.db

V1_REMINDER = datetime(2025, 1, 24, 1, 0, tzinfo=UTC)  # 3 working days before 05/02/2025, Tết skipped
V2_REMINDER = datetime(2025, 1, 22, 1, 0, tzinfo=UTC)  # 5 working days before


def unit_report_without_draft() -> str:
    """A version whose unit side goes straight to the head's review: the ``draft`` step is gone."""
    xml = unit_report_v2()
    xml = re.sub(r'\s*<bpmn:userTask id="draft".*?</bpmn:userTask>', "", xml, count=1, flags=re.S)
    xml = xml.replace(
        '<bpmn:sequenceFlow id="to_draft" sourceRef="unit_side_start" targetRef="draft" />',
        '<bpmn:sequenceFlow id="to_draft" sourceRef="unit_side_start" targetRef="head_review" />',
    )
    xml = xml.replace('<bpmn:sequenceFlow id="to_head" sourceRef="draft" targetRef="head_review" />', "")
    xml = xml.replace(
        'name="Trả lại" sourceRef="head_decision" targetRef="draft">',
        'name="Trả lại" sourceRef="head_decision" targetRef="head_review">',
    )
    xml = xml.replace("<bpmn:incoming>to_head</bpmn:incoming>", "<bpmn:incoming>to_draft</bpmn:incoming>")
    xml = re.sub(r'\s*<bpmndi:BPMN(Shape|Edge) id="(draft|to_head)_di".*?</bpmndi:BPMN\1>', "", xml)
    assert 'id="draft"' not in xml
    return xml


def test_preview_and_migrate_a_waiting_instance_keeping_its_task(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    scene = build_district(engine, clock)
    admin = make_admin(engine, scene.district)
    drafter = scene.users["xa.soan"]
    [task] = engine.list_inbox(actor=drafter)
    instances = started_reports(engine, scene.period_id)
    mine = task.instance_id
    [other] = [i for i in instances if i != mine]
    claimed = engine.claim_task(task.id, actor=drafter, version=task.version)
    engine.save_task_draft(task.id, {"summary": "Đang soạn"}, actor=drafter)
    assert drafter_reminder(engine, mine) == V1_REMINDER

    engine.deploy_diagram(unit_report_v2(), actor=admin)
    preview = engine.migration_preview("unit_report", 1, 2, actor=admin)
    assert (preview.key, preview.from_version, preview.to_version) == ("unit_report", 1, 2)
    by_id = {m.instance_id: m for m in preview.instances}
    assert set(by_id) == set(instances)
    mine_preview = by_id[mine]
    assert (mine_preview.can_migrate, mine_preview.problems) == (True, ())
    assert mine_preview.unit_name == "UBND xã Thái Bình"
    assert mine_preview.business_key == f"period/{scene.period_id}/unit/{scene.communes[0]}"
    assert mine_preview.current_steps[0] == "Soạn báo cáo"
    assert "Nhắc người soạn" in mine_preview.current_steps

    result = engine.migrate_instances("unit_report", 1, 2, [mine], actor=admin)
    assert (result.migrated, result.refused) == ((mine,), ())

    moved = engine.get_instance(mine, actor=admin)
    assert (moved.definition_version, moved.status, moved.open_task_ids) == (2, "running", (task.id,))
    [same] = engine.list_inbox(actor=drafter)
    assert (same.id, same.claimed_by_id, same.title) == (task.id, drafter, "Soạn báo cáo")
    assert same.version == claimed.version  # nothing about the task changed
    kept = engine.get_task_draft(task.id, actor=drafter)
    assert kept is not None
    assert kept.values == {"summary": "Đang soạn"}
    assert drafter_reminder(engine, mine) == V2_REMINDER
    # The other commune was not asked for: still v1, still the 3-day reminder.
    assert engine.get_instance(other, actor=admin).definition_version == 1
    assert drafter_reminder(engine, other) == V1_REMINDER

    [entry] = engine.list_audit(actor=admin, action="instance.migrated")
    assert (entry.instance_id, entry.actor_id) == (mine, admin)
    assert entry.details == {"process": "unit_report", "from_version": 1, "to_version": 2}
    detail = engine.process_detail("unit_report", actor=admin)
    assert [(v.version, v.running) for v in detail.versions] == [(2, 1), (1, 1)]

    # The moved instance goes on as v2: its reminder fires on the new date, its task completes.
    swept = engine.fire_due_timers(now=V2_REMINDER)
    assert [(f.instance_id, f.task_name) for f in swept.fired] == [(mine, "remind_drafter")]
    done = engine.submit_task(
        task.id,
        {"summary": "Đã tổ chức 3 lớp tập huấn", "funding_estimate": "1.500.000"},
        actor=drafter,
        version=same.version,
        request_id=request_id(),
    )
    assert [t.task_name for t in done.next_tasks] == ["head_review"]


def test_an_instance_whose_current_step_is_gone_cannot_move(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    scene = build_district(engine, clock)
    admin = make_admin(engine, scene.district)
    instances = sorted(started_reports(engine, scene.period_id))
    engine.deploy_diagram(unit_report_v2(), actor=admin)
    engine.deploy_diagram(unit_report_without_draft(), actor=admin)
    diff = engine.diff_versions("unit_report", 2, 3, actor=admin)
    assert "draft" in [c.element_id for c in diff.removed]

    preview = engine.migration_preview("unit_report", 1, 3, actor=admin)
    assert [m.instance_id for m in preview.instances] == instances
    for migration in preview.instances:
        assert migration.can_migrate is False
        assert any("(draft)" in p and "Soạn báo cáo" in p for p in migration.problems), migration.problems
        assert "(" in migration.problems[0]  # Vietnamese, English in parentheses

    result = engine.migrate_instances("unit_report", 1, 3, [*instances, 999_999], actor=admin)
    assert result.migrated == ()
    refused = dict(result.refused)
    assert set(refused) == {*instances, 999_999}
    assert "(draft)" in refused[instances[0]]
    assert "999999" in refused[999_999]
    for instance_id in instances:
        assert engine.get_instance(instance_id, actor=admin).definition_version == 1
        assert drafter_reminder(engine, instance_id) == V1_REMINDER
    assert engine.list_audit(actor=admin, action="instance.migrated") == []

    # Moving to v2 still works, and an instance already moved is refused the second time.
    first = engine.migrate_instances("unit_report", 1, 2, instances[:1], actor=admin)
    assert first.migrated == (instances[0],)
    again = engine.migrate_instances("unit_report", 1, 2, instances[:1], actor=admin)
    assert again.migrated == ()
    assert "phiên bản 1" in dict(again.refused)[instances[0]]


def test_a_removed_future_step_is_planned_again_from_the_new_version(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    """v2 drops the focal unit's review: the instances at ``draft`` move, and later skip it."""
    scene = build_district(engine, clock)
    xml = UNIT_REPORT.read_text(encoding="utf-8")
    xml = re.sub(r'\s*<bpmn:userTask id="focal_review".*?</bpmn:userTask>', "", xml, count=1, flags=re.S)
    xml = xml.replace('targetRef="focal_review" />', 'targetRef="focal_decision" />')
    xml = xml.replace(
        '<bpmn:sequenceFlow id="to_focal_decision" sourceRef="focal_review" targetRef="focal_decision" />', ""
    )
    xml = xml.replace(
        "<bpmn:incoming>to_focal_decision</bpmn:incoming>", "<bpmn:incoming>to_focal_review</bpmn:incoming>"
    )
    xml = re.sub(
        r'\s*<bpmndi:BPMN(Shape|Edge) id="(focal_review|to_focal_decision)_di".*?</bpmndi:BPMN\1>', "", xml
    )
    engine.deploy_diagram(xml, actor=SYSTEM)
    instances = sorted(started_reports(engine, scene.period_id))
    assert all(m.can_migrate for m in engine.migration_preview("unit_report", 1, 2, actor=SYSTEM).instances)
    assert engine.migrate_instances("unit_report", 1, 2, instances, actor=SYSTEM).migrated == tuple(instances)

    drafter, head = scene.users["xa.soan"], scene.users["xa.truong"]
    [task] = engine.list_inbox(actor=drafter)
    engine.submit_task(
        task.id,
        {"summary": "Đã tổ chức 3 lớp tập huấn", "funding_estimate": "1.500.000"},
        actor=drafter,
        version=task.version,
        request_id=request_id(),
    )
    [review] = engine.list_inbox(actor=head)
    engine.submit_task(
        review.id, {}, actor=head, version=review.version, request_id=request_id(), action="approve"
    )
    # Without the focal review the report is accepted at once.
    assert engine.get_instance(task.instance_id, actor=SYSTEM).status == "completed"


def test_only_administrators_migrate(engine: WorkflowEngine, clock: FrozenClock) -> None:
    scene = build_district(engine, clock)
    engine.deploy_diagram(unit_report_v2(), actor=SYSTEM)
    with pytest.raises(NotPermitted):
        engine.migration_preview("unit_report", 1, 2, actor=scene.users["xa.soan"])
    with pytest.raises(NotPermitted):
        engine.migrate_instances("unit_report", 1, 2, [1], actor=scene.users["huyen.lanhdao"])
