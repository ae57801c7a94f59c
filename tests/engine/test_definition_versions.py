"""Versions of a process: who deployed what, the difference between two, and which runs on which.

The district scene opens a period on unit_report v1 (reminder 3 working days before the
deadline). An administrator deploys v2 (5 days) from the modeler: the period already open
keeps its v1 instances and their timers; a period opened afterwards runs on v2.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import SYSTEM, FrozenClock, InvalidSubmission, NotFound, WorkflowEngine
from tests.conftest import TEST_PASSWORD, WORKFLOWS
from tests.scene import build_district

pytestmark = pytest.mark.db

UNIT_REPORT = WORKFLOWS / "unit_report" / "unit_report.bpmn"
THREE_DAYS = "working_days_before(unit_deadline, 3)"
FIVE_DAYS = "working_days_before(unit_deadline, 5)"


def unit_report_v2() -> str:
    """unit_report with the drafter's reminder moved from 3 to 5 working days before the deadline."""
    xml = UNIT_REPORT.read_text(encoding="utf-8")
    assert xml.count(THREE_DAYS) == 1
    return xml.replace(THREE_DAYS, FIVE_DAYS)


def make_admin(engine: WorkflowEngine, unit_id: int) -> int:
    user = engine.create_user("quantri", "Quản Trị Viên", password=TEST_PASSWORD, actor=SYSTEM)
    engine.grant_role(user.id, unit_id, "admin", actor=SYSTEM)
    return user.id


def started_reports(engine: WorkflowEngine, period_id: int) -> dict[int, int]:
    """Map instance id to the version it started on, for the unit reports of a period."""
    prefix = f"period/{period_id}/unit/"
    return {
        int(entry.object_id): int(entry.details["version"])
        for entry in engine.list_audit(actor=SYSTEM, action="instance.started", limit=1000)
        if str(entry.details.get("business_key", "")).startswith(prefix)
    }


def drafter_reminder(engine: WorkflowEngine, instance_id: int) -> datetime:
    [timer] = [t for t in engine.list_timers(instance_id, actor=SYSTEM) if t.task_name == "remind_drafter"]
    return timer.due_at


def test_a_new_version_runs_new_periods_while_open_ones_keep_theirs(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    scene = build_district(engine, clock)
    admin = make_admin(engine, scene.district)
    first_period = started_reports(engine, scene.period_id)
    assert len(first_period) == 2
    assert set(first_period.values()) == {1}

    deployed = engine.deploy_diagram(unit_report_v2(), actor=admin, filename="unit_report.bpmn")
    assert (deployed.definition.key, deployed.definition.version, deployed.definition.is_new) == (
        "unit_report",
        2,
        True,
    )
    assert deployed.report.errors == ()
    again = engine.deploy_diagram(unit_report_v2(), actor=admin)
    assert (again.definition.version, again.definition.is_new) == (2, False)

    second = engine.open_period(
        scene.plan_id,
        label="Quý I năm 2025",
        year=2025,
        data_cutoff=date(2025, 2, 28),
        unit_deadline=date(2025, 3, 14),
        focal_deadline=date(2025, 3, 19),
        actor=scene.users["huyen.daumoi"],
    )
    second_period = started_reports(engine, second.id)
    assert len(second_period) == 2
    assert set(second_period.values()) == {2}

    # The open period keeps v1 and its 3-day reminder: Tết 2025 (25/01-02/02) is skipped, so
    # 3 working days before Wednesday 05/02 is Friday 24/01, 08:00 in Hà Nội.
    for instance_id in first_period:
        assert engine.get_instance(instance_id, actor=SYSTEM).definition_version == 1
        assert drafter_reminder(engine, instance_id) == datetime(2025, 1, 24, 1, 0, tzinfo=UTC)
    # The new period runs v2: 5 working days before Friday 14/03 is Friday 07/03, 08:00.
    for instance_id in second_period:
        assert engine.get_instance(instance_id, actor=SYSTEM).definition_version == 2
        assert drafter_reminder(engine, instance_id) == datetime(2025, 3, 7, 1, 0, tzinfo=UTC)

    detail = engine.process_detail("unit_report", actor=admin)
    assert detail.draft is None
    assert [(v.version, v.deployed_by_name, v.running, v.completed) for v in detail.versions] == [
        (2, "Quản Trị Viên", 2, 0),
        (1, None, 2, 0),  # deployed by the system
    ]
    v2, v1 = detail.versions
    assert v2.checksum != v1.checksum
    assert len(v2.checksum) == 64
    assert v1.deployed_at == datetime(2024, 11, 1, 2, 0, tzinfo=UTC)
    assert v2.deployed_at == datetime(2025, 1, 10, 2, 0, tzinfo=UTC)

    [summary] = [p for p in engine.list_processes(actor=admin) if p.key == "unit_report"]
    assert (summary.latest_version, summary.version_count, summary.running_instances, summary.has_draft) == (
        2,
        2,
        4,
        False,
    )
    assert summary.latest_deployed_at == v2.deployed_at

    diff = engine.diff_versions("unit_report", 1, 2, actor=admin)
    assert (diff.added, diff.removed) == ((), ())
    [change] = diff.changed
    assert (change.element_id, change.element_type, change.name) == (
        "remind_drafter",
        "boundaryEvent",
        "Nhắc người soạn",
    )
    assert change.details == (f"Hẹn giờ: {THREE_DAYS} → {FIVE_DAYS}",)


def test_diff_ignores_layout_and_names_added_removed_and_changed_elements(
    engine: WorkflowEngine, clock: FrozenClock
) -> None:
    v1 = UNIT_REPORT.read_text(encoding="utf-8")
    engine.deploy_diagram(v1, actor=SYSTEM)
    moved = v1.replace('<dc:Bounds x="280" y="190"', '<dc:Bounds x="300" y="210"')
    assert moved != v1
    assert engine.deploy_diagram(moved, actor=SYSTEM).definition.version == 2
    layout_only = engine.diff_versions("unit_report", 1, 2, actor=SYSTEM)
    assert (layout_only.added, layout_only.removed, layout_only.changed) == ((), (), ())

    changed = moved.replace(
        'camunda:candidateGroups="drafter"', 'camunda:candidateGroups="unit_head"'
    ).replace(
        '<camunda:property name="actions" value="approve,return" />',
        '<camunda:property name="actions" value="approve" />',
    )
    changed = changed.replace(
        'decision == "return"</bpmn:conditionExpression>',
        'decision in ("return", "redo")</bpmn:conditionExpression>',
        1,
    )
    changed = changed.replace(
        '<bpmn:endEvent id="remind_drafter_done">', '<bpmn:endEvent id="remind_drafter_done" name="Đã nhắc">'
    )
    changed = changed.replace(
        "</bpmn:process>",
        '<bpmn:dataObject id="extra_data" name="Hồ sơ" />'
        '<bpmn:textAnnotation id="note"><bpmn:text>x</bpmn:text></bpmn:textAnnotation></bpmn:process>',
    )
    engine.deploy_diagram(changed, actor=SYSTEM)
    diff = engine.diff_versions("unit_report", 2, 3, actor=SYSTEM)
    assert [(c.element_id, c.element_type, c.name) for c in diff.added] == [
        ("extra_data", "dataObject", "Hồ sơ")
    ]
    details = {c.element_id: c.details for c in diff.changed}
    assert details["draft"] == ("Vai trò: drafter → unit_head",)
    assert details["head_returned"] == ('Điều kiện: decision == "return" → decision in ("return", "redo")',)
    assert details["remind_drafter_done"] == ("Tên: (không có) → Đã nhắc",)
    reverse = engine.diff_versions("unit_report", 3, 2, actor=SYSTEM)
    assert [c.element_id for c in reverse.removed] == ["extra_data"]

    with pytest.raises(NotFound):
        engine.diff_versions("unit_report", 1, 9, actor=SYSTEM)


def test_drafts_list_source_and_discard(engine: WorkflowEngine, clock: FrozenClock) -> None:
    engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=SYSTEM)
    draft_xml = unit_report_v2()
    saved = engine.save_draft(draft_xml, actor=SYSTEM, based_on_version=1, filename="ur.bpmn")
    assert (saved.key, saved.report.errors) == ("unit_report", ())
    [summary] = engine.list_processes(actor=SYSTEM)
    assert (summary.key, summary.latest_version, summary.has_draft) == ("unit_report", 1, True)
    assert summary.draft_updated_at == clock()

    source = engine.diagram_source("unit_report", actor=SYSTEM)
    assert (source.is_draft, source.version, source.based_on_version, source.xml) == (
        True,
        None,
        1,
        draft_xml,
    )
    deployed = engine.diagram_source("unit_report", actor=SYSTEM, prefer_draft=False)
    assert (deployed.is_draft, deployed.version) == (False, 1)
    assert THREE_DAYS in deployed.xml
    detail = engine.process_detail("unit_report", actor=SYSTEM)
    assert detail.draft is not None
    assert (detail.draft.based_on_version, detail.draft.filename, detail.draft.updated_by_name) == (
        1,
        "ur.bpmn",
        None,
    )

    # A version that does not exist is not kept as the draft's origin.
    assert engine.save_draft(draft_xml, actor=SYSTEM, based_on_version=7).key == "unit_report"
    assert engine.diagram_source("unit_report", actor=SYSTEM).based_on_version is None
    audit = [e.details["key"] for e in engine.list_audit(actor=SYSTEM, action="definition.draft_saved")]
    assert audit == ["unit_report", "unit_report"]

    engine.discard_draft("unit_report", actor=SYSTEM)
    assert engine.diagram_source("unit_report", actor=SYSTEM).version == 1
    with pytest.raises(NotFound):
        engine.discard_draft("unit_report", actor=SYSTEM)
    with pytest.raises(NotFound):
        engine.diagram_source("nothing_here", actor=SYSTEM)
    with pytest.raises(NotFound):
        engine.process_detail("nothing_here", actor=SYSTEM)

    # Deploying a key drops its draft.
    engine.save_draft(draft_xml, actor=SYSTEM)
    engine.deploy_diagram(draft_xml, actor=SYSTEM)
    assert engine.process_detail("unit_report", actor=SYSTEM).draft is None
    reasons = [
        e.details["reason"] for e in engine.list_audit(actor=SYSTEM, action="definition.draft_discarded")
    ]
    assert reasons == ["discarded", "deployed"]


def test_a_draft_of_a_new_process_is_listed_without_versions(engine: WorkflowEngine) -> None:
    xml = UNIT_REPORT.read_text(encoding="utf-8").replace('id="unit_report"', 'id="new_report"', 1)
    engine.save_draft(xml, actor=SYSTEM)
    [summary] = engine.list_processes(actor=SYSTEM)
    assert (summary.key, summary.name, summary.latest_version, summary.version_count) == (
        "new_report",
        "Báo cáo của đơn vị",
        None,
        0,
    )
    detail = engine.process_detail("new_report", actor=SYSTEM)
    assert (detail.versions, detail.draft is not None) == ((), True)
    engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=SYSTEM)
    with pytest.raises(InvalidSubmission):
        engine.migration_preview("unit_report", 1, 1, actor=SYSTEM)
