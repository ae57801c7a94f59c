"""Plan approval: comment round, return loop, signing with authority, numbering, cascade to child plans."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from engine import SYSTEM, NotPermitted
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.workflows.conftest import Driver, Province, make_user, only_task


def rid() -> str:
    return uuid.uuid4().hex


def draft(driver: Driver, org: Province) -> int:
    e = driver.engine
    plan = e.create_plan(
        issuing_unit_id=org.province,
        focal_unit_id=org.focal,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch bảo đảm an toàn thông tin năm 2024",
        child_plan_deadline=date(2024, 4, 15),
        actor=org.users["focal"],
    )
    e.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Nhiệm vụ",
                (
                    TaskInput(
                        "Rà soát quy chế phối hợp",
                        "Quý II/2024",
                        lead=(UnitRef(unit_id=org.police),),
                        coordinating=(UnitRef(unit_id=org.focal),),
                    ),
                    TaskInput(
                        "Tuyên truyền trên hệ thống truyền thanh",
                        "Thường xuyên",
                        lead=(UnitRef(unit_id=org.district),),
                    ),
                ),
            )
        ],
        actor=org.users["focal"],
    )
    return plan.id


def test_plan_goes_from_comments_to_issue_and_cascades(driver: Driver, province: Province) -> None:
    users = province.users
    deputy = make_user(driver.engine, "phochutich", province.province, "leader")
    driver.engine.delegate_signing(
        province.province,
        deputy,
        form="KT",
        signer_title="PHÓ CHỦ TỊCH",
        valid_from=date(2024, 3, 1),
        valid_until=date(2024, 12, 31),
        actor=SYSTEM,
    )
    driver.at_local(date(2024, 2, 19))
    plan_id = draft(driver, province)
    info = driver.engine.submit_plan_for_approval(
        plan_id, comment_unit_ids=[province.police], comment_deadline=date(2024, 2, 23), actor=users["focal"]
    )
    assert info.status == "in_approval"

    # The comment round: Công an tỉnh's head comments; the focal unit then submits to the leader.
    comment = only_task(driver.engine, users["police_head"], "comment")
    assert comment.unit_id == province.police
    assert [t.task_name for t in driver.engine.list_inbox(actor=users["focal"])] == []
    driver.engine.submit_task(
        comment.id,
        {"comment": "Đề nghị bổ sung nhiệm vụ diễn tập"},
        actor=users["police_head"],
        version=comment.version,
        request_id=rid(),
    )
    submit = only_task(driver.engine, users["focal"], "submit_to_leader")
    driver.engine.submit_task(
        submit.id, {"note": "Kính trình"}, actor=users["focal"], version=submit.version, request_id=rid()
    )

    # The leader returns it: the plan is editable again; the focal unit fixes and resubmits.
    review = only_task(driver.engine, users["leader"], "leader_review")
    driver.engine.return_task(
        review.id,
        "Bổ sung nhiệm vụ diễn tập",
        actor=users["leader"],
        version=review.version,
        request_id=rid(),
    )
    assert driver.engine.get_plan(plan_id, actor=SYSTEM).status == "returned"
    driver.engine.set_plan_tasks(
        plan_id,
        [
            SectionInput(
                "I",
                "Nhiệm vụ",
                (
                    TaskInput(
                        "Rà soát quy chế phối hợp", "Quý II/2024", lead=(UnitRef(unit_id=province.police),)
                    ),
                    TaskInput(
                        "Tuyên truyền trên hệ thống truyền thanh",
                        "Thường xuyên",
                        lead=(UnitRef(unit_id=province.district),),
                    ),
                    TaskInput(
                        "Diễn tập ứng cứu sự cố", "Quý III/2024", lead=(UnitRef(unit_id=province.police),)
                    ),
                ),
            )
        ],
        actor=users["focal"],
    )
    submit = only_task(driver.engine, users["focal"], "submit_to_leader")
    driver.engine.submit_task(submit.id, {}, actor=users["focal"], version=submit.version, request_id=rid())
    assert driver.engine.get_plan(plan_id, actor=SYSTEM).status == "in_approval"
    review = only_task(driver.engine, users["leader"], "leader_review")
    driver.engine.submit_task(
        review.id, {}, actor=users["leader"], version=review.version, request_id=rid(), action="approve"
    )

    # Signing KT. before the delegation starts is refused and changes nothing; within it, it issues.
    sign = only_task(driver.engine, deputy, "sign")
    with pytest.raises(NotPermitted, match="01/03/2024"):
        driver.engine.submit_task(
            sign.id,
            {"authority_form": "KT"},
            actor=deputy,
            version=sign.version,
            request_id=rid(),
            action="sign",
        )
    assert driver.engine.get_plan(plan_id, actor=SYSTEM).status == "in_approval"
    driver.at_local(date(2024, 3, 4))
    sign = only_task(driver.engine, deputy, "sign")
    driver.engine.submit_task(
        sign.id, {"authority_form": "KT"}, actor=deputy, version=sign.version, request_id=rid(), action="sign"
    )
    plan = driver.engine.get_plan(plan_id, actor=SYSTEM)
    assert (plan.status, plan.symbol, plan.authority_form, plan.signer_id) == (
        "issued",
        "1/KH-UBND",
        "KT",
        deputy,
    )
    assert plan.issued_on == date(2024, 3, 4)
    assert len(plan.tasks) == 3

    # Every assigned unit now has "build your implementation plan" due 15/04/2024.
    police_item = only_task(driver.engine, users["police_drafter"], "build_child_plan")
    assert police_item.due_at is not None
    assert police_item.due_at.date() == date(2024, 4, 15)
    district_drafter = make_user(driver.engine, "huyen.soan", province.district, "drafter")
    district_item = only_task(driver.engine, district_drafter, "build_child_plan")

    # The district issues its own plan citing the province plan: its item closes by itself.
    district_leader = make_user(driver.engine, "huyen.chutich", province.district, "leader")
    child = driver.engine.create_plan(
        issuing_unit_id=province.district,
        focal_unit_id=province.district,
        year=2024,
        place="Châu Thành",
        title="Kế hoạch của huyện",
        parent_plan_id=plan_id,
        actor=district_leader,
    )
    driver.engine.set_plan_tasks(
        child.id,
        [
            SectionInput(
                "I",
                "Nhiệm vụ",
                (
                    TaskInput(
                        "Tuyên truyền ở các xã", "Thường xuyên", lead=(UnitRef(unit_id=province.communes[0]),)
                    ),
                ),
            )
        ],
        actor=district_leader,
    )
    driver.at_local(date(2024, 4, 10))
    issued_child = driver.engine.issue_plan(
        child.id,
        signer_id=district_leader,
        authority_form="TM",
        issued_on=date(2024, 4, 10),
        actor=district_leader,
    )
    assert issued_child.symbol == "1/KH-UBND"  # numbered by its own issuing body
    assert [t.task_name for t in driver.engine.list_inbox(actor=district_drafter)] == []
    assert only_task(driver.engine, users["police_drafter"], "build_child_plan").id == police_item.id
    closed = [
        e
        for e in driver.engine.list_audit(actor=SYSTEM, action="task.submit", limit=1000)
        if e.object_id == str(district_item.id)
    ]
    assert closed[0].details["child_plan_id"] == child.id
