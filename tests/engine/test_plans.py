"""Organisation and plans: name matching, groups, cover, delegated signing, gap-free numbering."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from engine import SYSTEM, InvalidSubmission, NotPermitted, Settings, WorkflowEngine, build_engine
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import Org


@pytest.fixture
def leader(engine: WorkflowEngine, org: Org, make_user) -> int:  # type: ignore[no-untyped-def]
    return int(make_user("lanhdao", org.province.id, "leader").id)


def draft_plan(engine: WorkflowEngine, org: Org, actor: int) -> int:
    plan = engine.create_plan(
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch   triển khai Chỉ thị 14/CT-TTg",
        legal_bases=["Luật An ninh mạng ngày 12/6/2018", " "],
        actor=actor,
    )
    return plan.id


def test_unit_names_match_after_normalisation(engine: WorkflowEngine, org: Org) -> None:
    police = engine.create_unit("Công an huyện", level="office", parent_id=org.commune.id, actor=SYSTEM)
    with pytest.raises(InvalidSubmission) as caught:
        engine.create_unit("  Công An   huyện ", level="office", parent_id=org.commune.id, actor=SYSTEM)
    assert caught.value.field_errors == {"name": ["Đã có đơn vị cùng tên ở cấp này."]}
    decomposed = "Co\u0302ng an huye\u0323\u0302n"  # the same name typed with combining marks (NFD)
    assert [u.id for u in engine.find_units(decomposed, actor=SYSTEM)] == [police.id]
    # The same name under another parent is another unit.
    other = engine.create_unit("Công an huyện", level="office", parent_id=org.other_commune.id, actor=SYSTEM)
    assert {u.id for u in engine.find_units("CÔNG AN HUYỆN", actor=SYSTEM)} == {police.id, other.id}
    with pytest.raises(InvalidSubmission, match="Cấp đơn vị"):
        engine.create_unit("Phòng X", level="galaxy", actor=SYSTEM)


def test_task_table_with_units_groups_and_scope_notes(engine: WorkflowEngine, org: Org, leader: int) -> None:
    group = engine.create_unit_group(
        "UBND các xã, thị trấn", [org.commune.id, org.other_commune.id], actor=SYSTEM
    )
    plan_id = draft_plan(engine, org, org.focal_officer.id)
    info = engine.set_plan_tasks(
        plan_id,
        [
            SectionInput(
                "I",
                "Hoàn thiện văn bản",
                (
                    TaskInput(
                        "Rà soát quy chế phối hợp",
                        "2019-2020",
                        lead=(UnitRef(unit_id=org.focal.id),),
                        coordinating=(UnitRef(unit_id=org.province.id, scope_note="nội dung an ninh mạng"),),
                    ),
                    TaskInput(
                        "Thông báo đầu mối",
                        "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối",
                        lead=(UnitRef(group_id=group.id),),
                    ),
                ),
            ),
        ],
        actor=org.focal_officer.id,
    )
    first, second = info.tasks
    assert (first.section_code, first.code, first.timeframe["kind"]) == ("I", "1", "year_range")
    assert (first.timeframe["start"], first.timeframe["end"]) == ("2019-01-01", "2020-12-31")
    assert first.coordinating == (("UBND tỉnh Tây Ninh", "nội dung an ninh mạng"),)
    assert second.lead == (("UBND các xã, thị trấn", ""),)
    assert second.timeframe["kind"] == "due_date"
    assert second.timeframe["end"] == "2019-12-15"
    assert second.timeframe["also_when"] == "có sự thay đổi về thông tin đầu mối"
    assert second.timeframe_text.startswith("Trước ngày 15/12/2019")
    assert info.assigned_unit_ids == tuple(sorted((org.focal.id, org.commune.id, org.other_commune.id)))
    targets = engine.set_plan_targets(
        plan_id,
        [TargetInput("Người dùng Internet được bảo vệ", Decimal(80), "%", date(2025, 12, 31))],
        actor=org.focal_officer.id,
    )
    assert targets.targets == (("Người dùng Internet được bảo vệ", Decimal(80), "%", date(2025, 12, 31)),)


def test_task_table_errors_name_the_row(engine: WorkflowEngine, org: Org) -> None:
    plan_id = draft_plan(engine, org, org.focal_officer.id)
    with pytest.raises(InvalidSubmission) as caught:
        engine.set_plan_tasks(
            plan_id,
            [
                SectionInput(
                    "I",
                    "Mục",
                    (
                        TaskInput("", "Thường xuyên", lead=()),
                        TaskInput("Việc", "Hàng năm", lead=(UnitRef(unit_id=9999),)),
                    ),
                )
            ],
            actor=org.focal_officer.id,
        )
    assert caught.value.field_errors == {
        "sections.0.tasks.0.content": ["Trường này là bắt buộc."],
        "sections.0.tasks.0.lead": ["Cần ít nhất một đơn vị chủ trì."],
        "sections.0.tasks.1.lead.0": ["Không tìm thấy đơn vị hoặc nhóm đơn vị."],
    }
    assert engine.get_plan(plan_id, actor=SYSTEM).tasks == ()
    with pytest.raises(NotPermitted):
        engine.set_plan_tasks(plan_id, [], actor=org.drafter.id)


def test_issue_numbers_per_body_and_year_and_locks_the_plan(
    engine: WorkflowEngine, org: Org, leader: int
) -> None:
    first = engine.issue_plan(
        draft_plan(engine, org, org.focal_officer.id),
        signer_id=leader,
        authority_form="TM",
        issued_on=date(2024, 3, 1),
        actor=leader,
    )
    second = engine.issue_plan(
        draft_plan(engine, org, org.focal_officer.id),
        signer_id=leader,
        authority_form="TM",
        issued_on=date(2024, 9, 9),
        actor=leader,
    )
    next_year = engine.issue_plan(
        draft_plan(engine, org, org.focal_officer.id),
        signer_id=leader,
        authority_form="TM",
        issued_on=date(2025, 1, 6),
        actor=leader,
    )
    assert [first.symbol, second.symbol, next_year.symbol] == ["1/KH-UBND", "2/KH-UBND", "1/KH-UBND"]
    sent = engine.list_audit(actor=SYSTEM, action="plan.sent")
    assert [e.details["symbol"] for e in sent] == ["1/KH-UBND", "2/KH-UBND", "1/KH-UBND"]
    assert first.status == "issued"
    with pytest.raises(NotPermitted, match="khóa"):
        engine.set_plan_tasks(first.id, [], actor=org.focal_officer.id)
    with pytest.raises(NotPermitted, match="ban hành"):
        engine.issue_plan(
            first.id, signer_id=leader, authority_form="TM", issued_on=date(2024, 3, 2), actor=leader
        )


def test_concurrent_issues_get_consecutive_numbers(
    engine: WorkflowEngine, org: Org, leader: int, settings: Settings, clock
) -> None:  # type: ignore[no-untyped-def]
    plan_ids = [draft_plan(engine, org, org.focal_officer.id) for _ in range(4)]
    engines = [build_engine(settings, clock=clock) for _ in plan_ids]
    barrier = threading.Barrier(len(plan_ids))
    symbols: list[str] = []

    def issue(e: WorkflowEngine, plan_id: int) -> None:
        barrier.wait()
        symbols.append(
            str(
                e.issue_plan(
                    plan_id, signer_id=leader, authority_form="TM", issued_on=date(2024, 5, 5), actor=leader
                ).symbol
            )
        )

    threads = [threading.Thread(target=issue, args=pair) for pair in zip(engines, plan_ids, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for e in engines:
        e.dispose()
    assert sorted(symbols) == ["1/KH-UBND", "2/KH-UBND", "3/KH-UBND", "4/KH-UBND"]


def test_delegated_signing_only_within_its_window(engine: WorkflowEngine, org: Org, make_user) -> None:  # type: ignore[no-untyped-def]
    deputy = make_user("phochutich", org.province.id, "leader").id
    clerk = make_user("chanhvanphong", org.province.id, "drafter").id
    engine.delegate_signing(
        org.province.id,
        deputy,
        form="KT",
        signer_title="PHÓ CHỦ TỊCH",
        valid_from=date(2024, 1, 1),
        valid_until=date(2024, 6, 30),
        actor=SYSTEM,
    )
    engine.delegate_signing(
        org.province.id,
        clerk,
        form="TUQ",
        signer_title="CHÁNH VĂN PHÒNG",
        valid_from=date(2024, 3, 1),
        valid_until=date(2024, 3, 31),
        scope="Kế hoạch CNTT",
        actor=SYSTEM,
    )
    with pytest.raises(NotPermitted, match="30/06/2024"):
        engine.issue_plan(
            draft_plan(engine, org, org.focal_officer.id),
            signer_id=deputy,
            authority_form="KT",
            issued_on=date(2024, 7, 1),
            actor=deputy,
        )
    with pytest.raises(NotPermitted, match="TUQ"):
        engine.issue_plan(
            draft_plan(engine, org, org.focal_officer.id),
            signer_id=deputy,
            authority_form="TUQ",
            issued_on=date(2024, 3, 5),
            actor=deputy,
        )
    with pytest.raises(NotPermitted, match="31/03/2024"):
        engine.issue_plan(
            draft_plan(engine, org, org.focal_officer.id),
            signer_id=clerk,
            authority_form="TUQ",
            issued_on=date(2024, 4, 1),
            actor=clerk,
        )
    ok = engine.issue_plan(
        draft_plan(engine, org, org.focal_officer.id),
        signer_id=deputy,
        authority_form="KT",
        issued_on=date(2024, 6, 30),
        actor=deputy,
    )
    assert (ok.authority_form, ok.symbol) == ("KT", "1/KH-UBND")
    with pytest.raises(NotPermitted, match="ủy quyền lại"):
        engine.delegate_signing(
            org.province.id,
            org.drafter.id,
            form="TUQ",
            signer_title="CHUYÊN VIÊN",
            valid_from=date(2024, 3, 10),
            valid_until=date(2024, 3, 20),
            principal_id=clerk,
            actor=SYSTEM,
        )
    with pytest.raises(NotPermitted, match="lãnh đạo"):
        engine.issue_plan(
            draft_plan(engine, org, org.focal_officer.id),
            signer_id=clerk,
            authority_form="TM",
            issued_on=date(2024, 3, 5),
            actor=clerk,
        )


def test_cover_lets_a_substitute_act_only_within_the_dates(
    engine: WorkflowEngine,
    org: Org,
    clock,  # type: ignore[no-untyped-def]
    make_user,
) -> None:
    from tests.engine.helpers import start_unit_report

    substitute = make_user("thaythe", org.other_commune.id, "drafter").id
    start_unit_report(engine, org.commune.id, org.focal.id)
    assert engine.list_inbox(actor=substitute) == []
    today = engine.today()
    engine.set_cover(org.drafter.id, substitute, starts_on=today, ends_on=today, actor=SYSTEM)
    [covered] = engine.list_inbox(actor=substitute)
    assert covered.unit_id == org.commune.id
    assert engine.open_task(covered.id, actor=substitute).task.id == covered.id
    from datetime import timedelta

    clock.advance(timedelta(days=1))
    assert engine.list_inbox(actor=substitute) == []
    with pytest.raises(InvalidSubmission):
        engine.set_cover(org.drafter.id, org.drafter.id, starts_on=today, ends_on=today, actor=SYSTEM)
