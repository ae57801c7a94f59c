"""A period across three levels: communes → district → province, ending in the upward report."""

from __future__ import annotations

import uuid
from datetime import date

from engine import SYSTEM
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.workflows.conftest import Driver, Province, issued_plan, make_user, only_task

REPORT = {"summary": "Hoàn thành các nhiệm vụ năm 2024"}


def rid() -> str:
    return uuid.uuid4().hex


def report_through(
    driver: Driver, drafter: int, head: int, focal: int, unit_id: int, data: dict[str, object] = REPORT
) -> None:
    e = driver.engine
    draft = only_task(e, drafter, "draft")
    e.submit_task(draft.id, data, actor=drafter, version=draft.version, request_id=rid())
    review = only_task(e, head, "head_review")
    e.submit_task(review.id, {}, actor=head, version=review.version, request_id=rid(), action="approve")
    accept(driver, focal, unit_id)


def accept(driver: Driver, focal: int, unit_id: int) -> None:
    e = driver.engine
    task = next(
        t
        for t in e.list_inbox(actor=focal)
        if t.task_name == "focal_review" and e.get_instance(t.instance_id, actor=SYSTEM).unit_id == unit_id
    )
    e.submit_task(task.id, {}, actor=focal, version=task.version, request_id=rid(), action="accept")


def consolidate_and_sign(driver: Driver, focal: int, leader: int, narrative: str) -> None:
    e = driver.engine
    task = only_task(e, focal, "consolidate")
    e.submit_task(task.id, {"narrative": narrative}, actor=focal, version=task.version, request_id=rid())
    sign = only_task(e, leader, "sign_report")
    e.submit_task(
        sign.id, {"authority_form": "TM"}, actor=leader, version=sign.version, request_id=rid(), action="sign"
    )


def test_commune_reports_roll_up_to_the_province(driver: Driver, province: Province) -> None:
    users, e = province.users, driver.engine
    district_focal = make_user(e, "huyen.daumoi", province.district, "focal_officer")
    district_leader = make_user(e, "huyen.chutich", province.district, "leader")
    make_user(e, "huyen.soan", province.district, "drafter")
    make_user(e, "huyen.truong", province.district, "unit_head")

    driver.at_local(date(2024, 1, 8))
    parent = issued_plan(
        driver, province, lead_units=(province.police, province.district), issued_on=date(2024, 1, 8)
    )
    child = e.create_plan(
        issuing_unit_id=province.district,
        focal_unit_id=province.district,
        year=2024,
        place="Châu Thành",
        title="Kế hoạch của huyện",
        parent_plan_id=parent.id,
        actor=district_focal,
    )
    e.set_plan_tasks(
        child.id,
        [
            SectionInput(
                "I",
                "Nhiệm vụ",
                (
                    TaskInput(
                        "Tuyên truyền ở xã",
                        "Thường xuyên",
                        lead=tuple(UnitRef(unit_id=c) for c in province.communes),
                    ),
                ),
            )
        ],
        actor=district_focal,
    )
    e.issue_plan(
        child.id,
        signer_id=district_leader,
        authority_form="TM",
        issued_on=date(2024, 1, 9),
        actor=district_leader,
    )

    driver.at_local(date(2024, 11, 1))
    province_period = e.open_period(
        parent.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 15),
        unit_deadline=date(2024, 11, 25),
        focal_deadline=date(2024, 11, 27),
        actor=users["focal"],
    ).id
    district_period = e.open_period(
        child.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 5),
        unit_deadline=date(2024, 11, 15),
        focal_deadline=date(2024, 11, 18),
        actor=district_focal,
    ).id

    # Communes report to the district; the district consolidates, its leader signs.
    driver.at_local(date(2024, 11, 12))
    task_id = e.get_plan(child.id, actor=SYSTEM).tasks[0].id
    results = {
        **REPORT,
        "task_results": [
            {
                "task_id": task_id,
                "progress": "completed",
                "completed_on": "2024-11-10",
                "narrative": "Phát 40 bản tin",
            }
        ],
    }
    for index, commune in enumerate(province.communes, start=1):
        report_through(
            driver, users[f"c{index}_drafter"], users[f"c{index}_head"], district_focal, commune, results
        )
    own = e.get_unit_report(district_period, province.communes[0], actor=users["c1_head"])
    assert [(t["task_id"], t["status"], t["deadline"]) for t in own["tasks"]] == [
        (task_id, "completed_on_time", "2024-12-31")
    ]
    board = e.period_board(district_period, actor=district_focal)
    assert board.period.status == "consolidating"
    assert board.tracking_counts["completed_on_time"] == 2
    consolidate_and_sign(
        driver, district_focal, district_leader, "Các xã hoàn thành 100% nhiệm vụ tuyên truyền"
    )
    board = e.period_board(district_period, actor=district_focal)
    assert board.period.status == "closed"

    # The district's consolidated report is now its own report in the province period.
    row = next(
        r
        for r in e.period_board(province_period, actor=users["focal"]).rows
        if r.unit_id == province.district
    )
    assert (row.report_status, row.step) == ("submitted", "focal_review")
    upward = e.get_unit_report(province_period, province.district, actor=users["focal"])
    assert upward["body"]["summary"] == "Các xã hoàn thành 100% nhiệm vụ tuyên truyền"
    assert upward["body"]["consolidation"]["tracking_counts"]["completed_on_time"] == 2
    [task_row] = upward["body"]["consolidation"]["tasks"]
    assert (task_row["lead_units"], task_row["statuses"], task_row["share_completed"]) == (
        2,
        {"completed_on_time": 2},
        1.0,
    )

    # The province accepts the district and the police, consolidates and closes.
    driver.at_local(date(2024, 11, 20))
    accept(driver, users["focal"], province.district)
    report_through(driver, users["police_drafter"], users["police_head"], users["focal"], province.police)
    consolidate_and_sign(driver, users["focal"], users["leader"], "Toàn tỉnh hoàn thành nhiệm vụ năm 2024")
    board = e.period_board(province_period, actor=users["focal"])
    assert board.period.status == "closed"
    assert board.report_counts == {"accepted": 2}
    skipped = e.list_audit(actor=SYSTEM, action="report.upward_skipped")
    assert [s.object_id for s in skipped] == [str(province_period)]
