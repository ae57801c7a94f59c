"""A small demonstration organisation with reports at different steps (``plancycle demo``)."""

from __future__ import annotations

from datetime import timedelta

from engine.results import SYSTEM
from engine.service import WorkflowEngine

DEMO_PASSWORD = "plancycle"  # noqa: S105 - demo accounts, listed in the README


def load_demo(engine: WorkflowEngine) -> str:
    """Create units, users with every role, deploy the shipped processes, start unit reports."""
    for path in sorted(engine.settings.workflows_dir.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)

    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", actor=SYSTEM)
    focal = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province.id, actor=SYSTEM
    )
    police = engine.create_unit("Công an tỉnh", level="department", parent_id=province.id, actor=SYSTEM)
    district = engine.create_unit(
        "UBND huyện Châu Thành", level="district", parent_id=province.id, actor=SYSTEM
    )
    commune = engine.create_unit("UBND xã Thái Bình", level="commune", parent_id=district.id, actor=SYSTEM)

    people = [
        ("admin", "Quản trị hệ thống", province.id, "admin"),
        ("lanhdao", "Nguyễn Văn Lãnh Đạo", province.id, "leader"),
        ("daumoi", "Trần Thị Đầu Mối", focal.id, "focal_officer"),
        ("congan.soan", "Lê Văn Soạn", police.id, "drafter"),
        ("congan.truong", "Phạm Văn Trưởng", police.id, "unit_head"),
        ("xa.soan", "Võ Thị Soạn", commune.id, "drafter"),
        ("xa.truong", "Đặng Văn Trưởng", commune.id, "unit_head"),
    ]
    for login, name, unit_id, role in people:
        user = engine.create_user(login, name, password=DEMO_PASSWORD, actor=SYSTEM)
        engine.grant_role(user.id, unit_id, role, actor=SYSTEM)

    now = engine.now()
    started = 0
    for unit in (police, commune):
        data = {
            "unit_deadline": (now + timedelta(days=14)).isoformat(),
            "focal_deadline": (now + timedelta(days=16)).isoformat(),
            "reminder_at": (now + timedelta(days=10)).isoformat(),
            "focal_unit_id": focal.id,
            "reminders_sent": 0,
        }
        engine.start_instance(
            "unit_report", data, actor=SYSTEM, unit_id=unit.id, business_key=f"demo-2024/{unit.id}"
        )
        started += 1
    return f"5 đơn vị (units), {len(people)} người dùng (users), {started} báo cáo (reports)"
