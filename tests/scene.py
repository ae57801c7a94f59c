"""A district's plan cycle for page tests: a district, its focal office, two communes, one open period.

The story the browser plays and the authorisation walk both start here. Everything goes
through the engine's door, as the pages would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from engine import SYSTEM, FrozenClock, WorkflowEngine
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import TEST_PASSWORD, WORKFLOWS

UNIT_DEADLINE = date(2025, 2, 5)  # a Wednesday just after the 2025 Tết break
FOCAL_DEADLINE = date(2025, 2, 10)


@dataclass(frozen=True)
class District:
    """Units and users of the scene; ``users`` maps login to user id."""

    district: int
    office: int
    communes: tuple[int, int]
    users: dict[str, int]
    plan_id: int
    period_id: int


def at_local(clock: FrozenClock, day: date, hour: int = 9) -> None:
    """Move ``clock`` to ``hour`` o'clock on ``day`` in Hà Nội (UTC+7)."""
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7))


def add_user(engine: WorkflowEngine, login: str, name: str, unit_id: int, role: str) -> int:
    """Create a user who signs in with the test password and holds ``role`` in the unit."""
    user = engine.create_user(login, name, password=TEST_PASSWORD, actor=SYSTEM)
    engine.grant_role(user.id, unit_id, role, actor=SYSTEM)
    return user.id


_user = add_user


def build_district(engine: WorkflowEngine, clock: FrozenClock) -> District:
    """Deploy the processes, build the organisation, issue the district's plan and open its period."""
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    at_local(clock, date(2024, 12, 2))
    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM).id
    district = engine.create_unit(
        "UBND huyện Châu Thành", level="district", parent_id=province, doc_code="UBND", actor=SYSTEM
    ).id
    office = engine.create_unit(
        "Phòng Văn hóa và Thông tin huyện", level="office", parent_id=district, doc_code="VHTT", actor=SYSTEM
    ).id
    thai_binh, hao_duoc = (
        engine.create_unit(name, level="commune", parent_id=district, doc_code="UBND", actor=SYSTEM).id
        for name in ("UBND xã Thái Bình", "UBND xã Hảo Đước")
    )
    users = {
        "huyen.lanhdao": _user(engine, "huyen.lanhdao", "Nguyễn Văn Huyện", district, "leader"),
        "huyen.daumoi": _user(engine, "huyen.daumoi", "Trần Thị Đầu Mối", office, "focal_officer"),
        "xa.soan": _user(engine, "xa.soan", "Lê Văn Soạn", thai_binh, "drafter"),
        "xa.truong": _user(engine, "xa.truong", "Phạm Thị Trưởng", thai_binh, "unit_head"),
        "khac.soan": _user(engine, "khac.soan", "Võ Văn Khác", hao_duoc, "drafter"),
        "khac.truong": _user(engine, "khac.truong", "Đỗ Thị Khác", hao_duoc, "unit_head"),
    }
    focal = users["huyen.daumoi"]
    plan = engine.create_plan(
        issuing_unit_id=district,
        focal_unit_id=office,
        year=2024,
        place="Châu Thành",
        title="Kế hoạch thực hiện công tác chuyển đổi số năm 2024",
        legal_bases=["Kế hoạch số 1/KH-UBND ngày 02/01/2024 của UBND tỉnh"],
        actor=focal,
    )
    communes = (UnitRef(unit_id=thai_binh), UnitRef(unit_id=hao_duoc))
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Tuyên truyền",
                (
                    TaskInput(
                        "Tuyên truyền về chuyển đổi số trên loa truyền thanh",
                        "Thường xuyên hàng năm",
                        lead=communes,
                        coordinating=(UnitRef(unit_id=office),),
                        expected_result="Tin bài phát trên loa",
                    ),
                ),
            ),
            SectionInput(
                "II",
                "Hạ tầng số",
                (
                    TaskInput(
                        "Phủ sóng cáp quang đến các ấp",
                        "Trước 30/11/2024",
                        lead=communes,
                        expected_result="Tỷ lệ ấp có cáp quang",
                    ),
                ),
            ),
        ],
        actor=focal,
    )
    engine.set_plan_targets(
        plan.id, [TargetInput("Tỷ lệ hộ gia đình có cáp quang", Decimal(80), "%")], actor=focal
    )
    engine.issue_plan(
        plan.id,
        signer_id=users["huyen.lanhdao"],
        authority_form="TM",
        issued_on=date(2024, 12, 2),
        actor=users["huyen.lanhdao"],
    )
    at_local(clock, date(2025, 1, 10))
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 12, 31),
        unit_deadline=UNIT_DEADLINE,
        focal_deadline=FOCAL_DEADLINE,
        actor=focal,
    )
    return District(
        district=district,
        office=office,
        communes=(thai_binh, hao_duoc),
        users=users,
        plan_id=plan.id,
        period_id=period.id,
    )
