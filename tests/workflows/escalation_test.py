"""Escalation actions and notifications: who hears what when the chase ladder fires."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

from engine import SYSTEM
from tests.conftest import WORKFLOWS
from tests.workflows.conftest import Driver, Province, make_user, only_task
from tests.workflows.unit_report_test import REPORT, open_period


def rid() -> str:
    return uuid.uuid4().hex


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def sweep_until(driver: Driver, last: date, first: date = date(2025, 1, 10)) -> None:
    """Run the sweeper at 09:00 every day from ``first`` to ``last``."""
    for day in days(first, last):
        driver.at_local(day)
        driver.engine.fire_due_timers()


def kinds(driver: Driver, user: int) -> list[str]:
    return sorted(n.kind for n in driver.engine.list_notifications(actor=user))


def test_the_ladder_tells_each_rung_to_the_right_people(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    users = province.users
    c1 = province.communes[0]
    draft = only_task(driver.engine, users["c1_drafter"], "draft")
    [opened] = driver.engine.list_notifications(actor=users["c1_drafter"])
    assert (opened.kind, opened.link) == ("task.opened", f"/tasks/{draft.id}")
    assert "05/02/2025" in opened.body

    sweep_until(driver, date(2025, 1, 24))  # three working days before the deadline
    reminders = [
        n for n in driver.engine.list_notifications(actor=users["c1_drafter"]) if n.kind != "task.opened"
    ]
    assert [(n.kind, n.link) for n in reminders] == [("escalation.remind_drafter", f"/tasks/{draft.id}")]
    assert kinds(driver, users["c1_head"]) == []

    sweep_until(driver, date(2025, 2, 10), first=date(2025, 1, 25))
    assert kinds(driver, users["c1_head"]) == [
        "escalation.remind_unit_head",
        "escalation.send_reminder_letter",
    ]
    letters = driver.engine.list_period_documents(period_id, actor=users["focal"])
    assert sorted(d.recipient_unit_id for d in letters) == sorted((province.police, *province.communes))
    assert {d.kind for d in letters} == {"reminder_letter"}
    [own_letter] = driver.engine.list_period_documents(period_id, actor=users["c1_drafter"])
    assert own_letter.recipient_unit_id == c1
    assert own_letter.issuing_unit_id == province.focal
    assert own_letter.title == "V/v đôn đốc gửi báo cáo Năm 2024 thực hiện 1/KH-UBND"
    assert own_letter.content["recipient"] == "UBND xã Thái Bình"
    assert own_letter.content["unit_deadline"] == "2025-02-05"
    assert own_letter.content["dated"] == "2025-02-10"
    [letter_note] = [
        n for n in driver.engine.list_notifications(actor=users["c1_head"]) if n.kind.endswith("letter")
    ]
    assert letter_note.link == f"/documents/{own_letter.id}"
    assert kinds(driver, users["leader"]) == []

    sweep_until(driver, date(2025, 2, 14), first=date(2025, 2, 11))
    to_leader = driver.engine.list_notifications(actor=users["leader"])
    assert [n.kind for n in to_leader] == ["escalation.escalate_to_leader"] * 3
    assert {n.title for n in to_leader} == {
        "Báo cáo lãnh đạo: Công an tỉnh chậm báo cáo",
        "Báo cáo lãnh đạo: UBND xã Thái Bình chậm báo cáo",
        "Báo cáo lãnh đạo: UBND xã Hảo Đước chậm báo cáo",
    }
    assert f"/periods/{period_id}/units/{c1}" in {n.link for n in to_leader}
    assert kinds(driver, users["focal"]).count("escalation.escalate_to_leader") == 3
    # Another unit's people heard nothing of Thái Bình's reminders.
    assert all("Thái Bình" not in n.title for n in driver.engine.list_notifications(actor=users["c2_head"]))
    rows = {r.unit_id: r for r in driver.engine.period_board(period_id, actor=users["focal"]).rows}
    assert (rows[c1].escalation_count, rows[c1].last_escalation) == (4, "escalate_to_leader")


def test_reassign_releases_the_item_and_escalate_to_focal_tells_the_focal_unit(
    driver: Driver, province: Province
) -> None:
    # An administrator changed the ladder: reassign instead of the drafter's reminder, tell the
    # focal unit instead of the unit head (a new version; the period opened after uses it).
    xml = (WORKFLOWS / "unit_report" / "unit_report.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('value="remind_drafter"', 'value="reassign"')
    xml = xml.replace('value="remind_unit_head"', 'value="escalate_to_focal"')
    assert driver.engine.deploy_definition(xml.encode(), actor=SYSTEM).version == 2
    users = province.users
    c1 = province.communes[0]
    second = make_user(driver.engine, "xa1.soan2", c1, "drafter")
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    draft = only_task(driver.engine, users["c1_drafter"], "draft")
    driver.engine.claim_task(draft.id, actor=users["c1_drafter"])
    assert only_task(driver.engine, second, "draft").claimed_by_id == users["c1_drafter"]

    sweep_until(driver, date(2025, 1, 24))
    released = only_task(driver.engine, second, "draft")  # back in the unit's pool, anyone may take it
    assert (released.id, released.claimed_by_id) == (draft.id, None)
    row = {r.unit_id: r for r in driver.engine.period_board(period_id, actor=users["focal"]).rows}[c1]
    assert row.holder_user_id is None  # the board no longer names the former holder
    for user in (users["c1_drafter"], second):
        assert "escalation.reassign" in kinds(driver, user)
    # The other commune's drafter hears of their own unit's reassignment only.
    other = [
        n.title
        for n in driver.engine.list_notifications(actor=users["c2_drafter"])
        if n.kind.endswith("reassign")
    ]
    assert other == ["Giao lại: báo cáo Năm 2024 của UBND xã Hảo Đước"]

    sweep_until(driver, date(2025, 2, 5), first=date(2025, 1, 25))
    to_focal = [n for n in driver.engine.list_notifications(actor=users["focal"]) if n.kind.endswith("focal")]
    assert len(to_focal) == 3
    [about_c1] = [n for n in to_focal if n.link == f"/periods/{period_id}/units/{c1}"]
    assert about_c1.title == "Quá hạn: báo cáo Năm 2024 của UBND xã Thái Bình"
    audit = [e.action for e in driver.engine.list_audit(actor=SYSTEM, limit=10_000)]
    assert audit.count("escalation.reassign") == 3
    assert audit.count("escalation.escalate_to_focal") == 3


def test_a_return_tells_the_drafter_why(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    open_period(driver, province)
    users = province.users
    draft = only_task(driver.engine, users["c1_drafter"], "draft")
    driver.engine.submit_task(
        draft.id, REPORT, actor=users["c1_drafter"], version=draft.version, request_id=rid()
    )
    [review_note] = driver.engine.list_notifications(actor=users["c1_head"])
    assert review_note.kind == "task.opened"
    review = only_task(driver.engine, users["c1_head"], "head_review")
    driver.engine.return_task(
        review.id, "Bổ sung số liệu quý IV", actor=users["c1_head"], version=review.version, request_id=rid()
    )
    latest = driver.engine.list_notifications(actor=users["c1_drafter"])[0]
    redo = only_task(driver.engine, users["c1_drafter"], "draft")
    assert (latest.kind, latest.link) == ("task.returned", f"/tasks/{redo.id}")
    assert "Bổ sung số liệu quý IV" in latest.body
    assert driver.engine.unread_count(actor=users["c1_drafter"]) == 2


def test_remind_now_tells_the_holder_every_time(driver: Driver, province: Province) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    users = province.users
    c2 = province.communes[1]
    for _ in range(2):
        driver.engine.remind_now(period_id, c2, actor=users["focal"])
    notes = [
        n
        for n in driver.engine.list_notifications(actor=users["c2_drafter"])
        if n.kind == "escalation.remind_now"
    ]
    assert len(notes) == 2
    assert notes[0].title == "Nhắc: báo cáo Năm 2024 của UBND xã Hảo Đước"
    assert [
        n
        for n in driver.engine.list_notifications(actor=users["c1_drafter"])
        if n.kind.startswith("escalation")
    ] == []
