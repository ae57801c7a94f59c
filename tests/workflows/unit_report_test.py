"""The reporting period and unit report processes, driven only through the engine's door."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from engine import SYSTEM, InvalidSubmission, NotFound
from tests.workflows.conftest import Driver, Province, issued_plan, only_task

DEADLINE = date(2025, 2, 5)  # a Wednesday just after the 2025 Tết break (27/01 - 01/02)
REPORT = {"summary": "Đã quán triệt đến 100% cán bộ", "difficulties": "Thiếu kinh phí"}


def rid() -> str:
    return uuid.uuid4().hex


def open_period(driver: Driver, org: Province, **overrides: date) -> int:
    plan = issued_plan(driver, org, lead_units=(org.police, *org.communes), issued_on=date(2024, 12, 2))
    dates = {"data_cutoff": date(2024, 12, 31), "unit_deadline": DEADLINE, "focal_deadline": date(2025, 2, 6)}
    dates.update(overrides)
    period = driver.engine.open_period(
        plan.id, label="Năm 2024", year=2024, actor=org.users["focal"], **dates
    )
    return period.id


def test_opening_a_period_starts_one_report_per_assigned_unit(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    board = driver.engine.period_board(period_id, actor=province.users["focal"])
    assert board.period.unit_count == 3
    assert [r.unit_name for r in board.rows] == ["Công an tỉnh", "UBND xã Hảo Đước", "UBND xã Thái Bình"]
    assert {r.step for r in board.rows} == {"draft"}
    assert {r.report_status for r in board.rows} == {"drafting"}
    assert board.tracking_counts["not_started"] == 3
    assert all(r.holder_role == "drafter" and r.holder_unit_id == r.unit_id for r in board.rows)
    # Each unit's drafter sees only their own unit's item, due at the end of the deadline day.
    task = only_task(driver.engine, province.users["c1_drafter"], "draft")
    assert task.unit_id == province.communes[0]
    assert task.due_at is not None
    assert task.due_at.isoformat() == "2025-02-05T10:00:00+00:00"  # 17:00 in Hà Nội


def test_focal_deadline_must_follow_the_unit_deadline_by_a_working_day(
    driver: Driver, province: Province
) -> None:
    driver.at_local(date(2025, 1, 10))
    with pytest.raises(InvalidSubmission) as caught:
        open_period(driver, province, focal_deadline=DEADLINE)
    assert "focal_deadline" in caught.value.field_errors
    assert "06/02/2025" in caught.value.field_errors["focal_deadline"][0]


def test_returns_loop_back_and_the_board_follows(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    drafter, head, focal = province.users["c1_drafter"], province.users["c1_head"], province.users["focal"]
    commune = province.communes[0]

    draft = only_task(driver.engine, drafter, "draft")
    driver.engine.submit_task(draft.id, REPORT, actor=drafter, version=draft.version, request_id=rid())
    review = only_task(driver.engine, head, "head_review")
    driver.engine.return_task(
        review.id, "Bổ sung số liệu", actor=head, version=review.version, request_id=rid()
    )
    row = next(r for r in driver.engine.period_board(period_id, actor=focal).rows if r.unit_id == commune)
    assert (row.report_status, row.tracking_status, row.returned_count) == ("returned", "returned", 1)

    draft = only_task(driver.engine, drafter, "draft")
    driver.engine.submit_task(draft.id, REPORT, actor=drafter, version=draft.version, request_id=rid())
    review = only_task(driver.engine, head, "head_review")
    driver.engine.submit_task(
        review.id, {}, actor=head, version=review.version, request_id=rid(), action="approve"
    )
    focal_task = only_task(driver.engine, focal, "focal_review")
    driver.engine.return_task(
        focal_task.id, "Sai mẫu báo cáo", actor=focal, version=focal_task.version, request_id=rid()
    )
    assert only_task(driver.engine, drafter, "draft").task_name == "draft"
    row = next(r for r in driver.engine.period_board(period_id, actor=focal).rows if r.unit_id == commune)
    assert (row.report_status, row.returned_count, row.step) == ("returned", 2, "draft")


def test_all_accepted_opens_consolidation_for_the_focal_unit(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    focal = province.users["focal"]
    pairs = [("police_drafter", "police_head"), ("c1_drafter", "c1_head"), ("c2_drafter", "c2_head")]
    for index, (drafter_key, head_key) in enumerate(pairs):
        driver.at_local(date(2025, 1, 20) + timedelta(days=index))
        drafter, head = province.users[drafter_key], province.users[head_key]
        draft = only_task(driver.engine, drafter, "draft")
        driver.engine.submit_task(draft.id, REPORT, actor=drafter, version=draft.version, request_id=rid())
        review = only_task(driver.engine, head, "head_review")
        driver.engine.submit_task(
            review.id, {}, actor=head, version=review.version, request_id=rid(), action="approve"
        )
        assert [t.task_name for t in driver.engine.list_inbox(actor=focal)][-1] == "focal_review"
        focal_task = next(t for t in driver.engine.list_inbox(actor=focal) if t.task_name == "focal_review")
        driver.engine.submit_task(
            focal_task.id, {}, actor=focal, version=focal_task.version, request_id=rid(), action="accept"
        )
    board = driver.engine.period_board(period_id, actor=focal)
    assert board.tracking_counts["completed_on_time"] == 3
    assert board.share_on_time == 1.0
    assert board.period.status == "consolidating"
    consolidate = only_task(driver.engine, focal, "consolidate")
    assert consolidate.unit_id == province.focal


def test_chase_ladder_fires_on_working_days_across_tet(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    focal = province.users["focal"]
    fired_on: dict[str, date] = {}
    day = date(2025, 1, 10)
    while day <= date(2025, 2, 20):
        driver.at_local(day)
        driver.engine.fire_due_timers()
        for entry in driver.engine.list_audit(actor=SYSTEM, limit=10_000):
            if entry.action.startswith("escalation."):
                fired_on.setdefault(entry.action.removeprefix("escalation."), day)
        day += timedelta(days=1)
    assert fired_on == {
        "remind_drafter": date(2025, 1, 24),  # 3 working days before 05/02: Tết and weekends skipped
        "remind_unit_head": date(2025, 2, 5),
        "send_reminder_letter": date(2025, 2, 10),  # 3 working days after
        "escalate_to_leader": date(2025, 2, 14),  # 7 working days after
    }
    board = driver.engine.period_board(period_id, actor=focal)
    assert all(r.escalation_count == 4 for r in board.rows)
    assert {r.last_escalation for r in board.rows} == {"escalate_to_leader"}
    assert board.tracking_counts["overdue"] == 3
    # The period's own deadline passed too: consolidation opened without waiting for the units.
    assert board.period.status == "consolidating"


def test_a_unit_never_sees_another_units_draft(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    c1, c2 = province.communes
    drafter = province.users["c1_drafter"]
    draft = only_task(driver.engine, drafter, "draft")
    driver.engine.submit_task(draft.id, REPORT, actor=drafter, version=draft.version, request_id=rid())
    own = driver.engine.get_unit_report(period_id, c1, actor=province.users["c1_head"])
    assert own["body"]["summary"] == REPORT["summary"]
    with pytest.raises(NotFound):
        driver.engine.get_unit_report(period_id, c1, actor=province.users["c2_drafter"])
    with pytest.raises(NotFound):  # not submitted to the focal unit yet
        driver.engine.get_unit_report(period_id, c1, actor=province.users["focal"])
    with pytest.raises(NotFound):
        driver.engine.open_task(draft.id, actor=province.users["c2_drafter"])
    assert [t.unit_id for t in driver.engine.list_inbox(actor=province.users["c2_drafter"])] == [c2]


def test_task_results_must_belong_to_the_plan(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    drafter = province.users["c1_drafter"]
    draft = only_task(driver.engine, drafter, "draft")
    bad = {**REPORT, "task_results": [{"task_id": 999_999, "progress": "completed"}]}
    with pytest.raises(InvalidSubmission) as caught:
        driver.engine.submit_task(draft.id, bad, actor=drafter, version=draft.version, request_id=rid())
    assert caught.value.field_errors == {
        "task_results.0.task_id": ["Nhiệm vụ không thuộc kế hoạch này."],
        "task_results.0.completed_on": ["Cần ngày hoàn thành."],
    }
    assert only_task(driver.engine, drafter, "draft").version == draft.version
    row = next(
        r
        for r in driver.engine.period_board(period_id, actor=province.users["focal"]).rows
        if r.unit_id == province.communes[0]
    )
    assert row.report_status == "drafting"
