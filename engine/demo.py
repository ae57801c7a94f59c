"""``plancycle demo``: Tây Ninh's plan for Chỉ thị 14/CT-TTg with a 2024 period in progress.

The organisation, the plan and its task table come from ../shared/examples; then November 2024
is replayed on a frozen clock so the units stand at different steps (accepted, returned,
awaiting their head, submitted, overdue with the chase ladder fired), and UBND huyện Châu Thành
has a child plan with its own period.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from engine.bootstrap import build_engine
from engine.clock import FrozenClock
from engine.demo_data import (
    DISTRICT_TASKS,
    DISTRICT_TITLE,
    GROUPS,
    LEGAL_BASES,
    RECIPIENTS,
    REPORTING_UNITS,
    TASKS,
    TITLE,
    UNITS,
)
from engine.plan_results import SectionInput, TaskInput, UnitRef
from engine.results import SYSTEM
from engine.service import WorkflowEngine

DEMO_PASSWORD = "plancycle"  # noqa: S105 - demo accounts, listed in the README
REPORT = {
    "summary": (
        "Đã quán triệt Chỉ thị 14/CT-TTg đến toàn thể cán bộ; tổ chức 2 lớp tập huấn an toàn thông tin."
    ),
    "difficulties": "Thiếu nhân lực chuyên trách an toàn thông tin.",
    "proposals": "Đề nghị bổ sung kinh phí đào tạo năm 2025.",
    "funding_estimate": "150.000.000",
}


class _Demo:
    def __init__(self, engine: WorkflowEngine) -> None:
        self.clock = FrozenClock(datetime(2019, 10, 1, 2, 0, tzinfo=UTC))
        self.e = build_engine(engine.settings, clock=self.clock)
        self.unit: dict[str, int] = {}
        self.group: dict[str, int] = {}
        self.user: dict[str, int] = {}

    def at(self, day: date, hour: int = 9) -> None:
        self.clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7))

    def person(self, login: str, name: str, unit_key: str, role: str) -> int:
        user = self.e.create_user(login, name, password=DEMO_PASSWORD, actor=SYSTEM)
        self.e.grant_role(user.id, self.unit[unit_key], role, actor=SYSTEM)
        self.user[login] = user.id
        return user.id

    def organisation(self) -> None:
        for key, name, level, code, parent in UNITS:
            self.unit[key] = self.e.create_unit(
                name,
                level=level,
                doc_code=code,
                parent_id=self.unit[parent] if parent else None,
                actor=SYSTEM,
            ).id
        for key, (name, members) in GROUPS.items():
            self.group[key] = self.e.create_unit_group(name, [self.unit[m] for m in members], actor=SYSTEM).id
        self.person("admin", "Quản trị hệ thống", "tinh", "admin")
        self.person("chutich", "Nguyễn Thanh Ngọc", "tinh", "leader")
        deputy = self.person("phochutich", "Trần Văn Chiến", "tinh", "leader")
        self.e.delegate_signing(
            self.unit["tinh"],
            deputy,
            form="KT",
            signer_title="PHÓ CHỦ TỊCH",
            valid_from=date(2019, 1, 1),
            valid_until=date(2030, 12, 31),
            scope="Kế hoạch, báo cáo lĩnh vực thông tin và truyền thông",
            actor=SYSTEM,
        )
        self.person("daumoi", "Lê Thị Đầu Mối", "sotttt", "focal_officer")
        names = {key: name for key, name, *_rest in UNITS}
        for key in REPORTING_UNITS:
            self.person(f"{key}.soan", f"Chuyên viên {names[key]}", key, "drafter")
            self.person(f"{key}.truong", f"Lãnh đạo {names[key]}", key, "unit_head")
        self.person("chauthanh.chutich", "Phạm Văn Huyện", "chauthanh", "leader")
        self.person("chauthanh.daumoi", "Võ Thị Văn Hóa", "ct_vhtt", "focal_officer")

    def refs(self, names: tuple[str, ...]) -> tuple[UnitRef, ...]:
        return tuple(
            UnitRef(group_id=self.group[n[1:]]) if n.startswith("@") else UnitRef(unit_id=self.unit[n])
            for n in names
        )

    def sections(self, table: tuple) -> list[SectionInput]:  # type: ignore[type-arg]
        return [
            SectionInput(
                code,
                title,
                tuple(
                    TaskInput(content, timeframe, lead=self.refs(lead), coordinating=self.refs(coord))
                    for content, lead, coord, timeframe in rows
                ),
            )
            for code, title, rows in table
        ]

    def plans(self) -> tuple[int, int]:
        self.at(date(2019, 10, 1))
        plan = self.e.create_plan(
            issuing_unit_id=self.unit["tinh"],
            focal_unit_id=self.unit["sotttt"],
            year=2019,
            place="Tây Ninh",
            title=TITLE,
            legal_bases=LEGAL_BASES,
            recipients=RECIPIENTS,
            child_plan_deadline=date(2019, 11, 15),
            actor=self.user["daumoi"],
        )
        self.e.set_plan_tasks(plan.id, self.sections(TASKS), actor=self.user["daumoi"])
        self.at(date(2019, 10, 18))
        self.e.issue_plan(
            plan.id,
            signer_id=self.user["phochutich"],
            authority_form="KT",
            issued_on=date(2019, 10, 18),
            actor=self.user["phochutich"],
        )
        self.at(date(2019, 11, 5))
        child = self.e.create_plan(
            issuing_unit_id=self.unit["chauthanh"],
            focal_unit_id=self.unit["ct_vhtt"],
            year=2019,
            place="Châu Thành",
            title=DISTRICT_TITLE,
            legal_bases=(f"Kế hoạch {TITLE[:60]}...",),
            parent_plan_id=plan.id,
            actor=self.user["chauthanh.daumoi"],
        )
        self.e.set_plan_tasks(child.id, self.sections(DISTRICT_TASKS), actor=self.user["chauthanh.daumoi"])
        self.e.issue_plan(
            child.id,
            signer_id=self.user["chauthanh.chutich"],
            authority_form="TM",
            issued_on=date(2019, 11, 5),
            actor=self.user["chauthanh.chutich"],
        )
        return plan.id, child.id

    def draft(self, key: str) -> None:
        login = f"{key}.soan"
        task = next(t for t in self.e.list_inbox(actor=self.user[login]) if t.task_name == "draft")
        self.e.submit_task(task.id, REPORT, actor=self.user[login], version=task.version, request_id=_rid())

    def approve(self, key: str) -> None:
        login = f"{key}.truong"
        task = next(t for t in self.e.list_inbox(actor=self.user[login]) if t.task_name == "head_review")
        self.e.submit_task(
            task.id,
            {"comment": "Đồng ý"},
            actor=self.user[login],
            version=task.version,
            request_id=_rid(),
            action="approve",
        )

    def focal(self, focal_login: str, unit_key: str, *, accept: bool, reason: str = "") -> None:
        actor = self.user[focal_login]
        task = next(
            t
            for t in self.e.list_inbox(actor=actor)
            if t.task_name == "focal_review" and self._instance_unit(t.instance_id) == self.unit[unit_key]
        )
        if accept:
            self.e.submit_task(
                task.id, {}, actor=actor, version=task.version, request_id=_rid(), action="accept"
            )
        else:
            self.e.return_task(task.id, reason, actor=actor, version=task.version, request_id=_rid())

    def _instance_unit(self, instance_id: int) -> int | None:
        return self.e.get_instance(instance_id, actor=SYSTEM).unit_id

    def play(self, steps: dict[date, list[tuple[str, ...]]], until: date) -> None:
        day = min(steps)
        while day <= until:
            self.at(day)
            self.e.fire_due_timers()
            for step in steps.get(day, []):
                kind, *args = step
                if kind == "draft":
                    self.draft(args[0])
                elif kind == "approve":
                    self.approve(args[0])
                elif kind == "accept":
                    self.focal(args[0], args[1], accept=True)
                else:
                    self.focal(args[0], args[1], accept=False, reason=args[2])
            day += timedelta(days=1)

    def periods(self, plan_id: int, child_id: int) -> None:
        self.at(date(2024, 10, 25))
        self.e.open_period(
            child_id,
            label="Năm 2024",
            year=2024,
            data_cutoff=date(2024, 10, 31),
            unit_deadline=date(2024, 11, 15),
            focal_deadline=date(2024, 11, 18),
            actor=self.user["chauthanh.daumoi"],
        )
        self.at(date(2024, 11, 1))
        self.e.open_period(
            plan_id,
            label="Năm 2024",
            year=2024,
            data_cutoff=date(2024, 11, 15),
            unit_deadline=date(2024, 11, 25),
            focal_deadline=date(2024, 11, 27),
            actor=self.user["daumoi"],
        )
        cd = "chauthanh.daumoi"
        self.play(
            {
                date(2024, 10, 25): [],
                date(2024, 11, 4): [("draft", "thaibinh"), ("approve", "thaibinh")],
                date(2024, 11, 5): [("accept", cd, "thaibinh")],
                date(2024, 11, 8): [("draft", "sokhdt"), ("approve", "sokhdt")],
                date(2024, 11, 11): [("accept", "daumoi", "sokhdt")],
                date(2024, 11, 13): [("draft", "haoduoc")],
                date(2024, 11, 14): [("draft", "congan"), ("approve", "congan")],
                date(2024, 11, 18): [
                    ("return", "daumoi", "congan", "Bổ sung số liệu các vụ tấn công mạng năm 2024")
                ],
                date(2024, 11, 20): [("draft", "sotc"), ("approve", "sotc")],
                date(2024, 11, 21): [("accept", "daumoi", "sotc")],
                date(2024, 11, 22): [("draft", "sonv"), ("draft", "sotttt"), ("approve", "sotttt")],
                date(2024, 11, 25): [("draft", "chauthanh"), ("approve", "chauthanh")],
            },
            until=date(2024, 12, 5),
        )


def _rid() -> str:
    return uuid.uuid4().hex


def load_demo(engine: WorkflowEngine) -> str:
    """Load the demo into the engine's database; return a one-line summary."""
    demo = _Demo(engine)
    try:
        for path in sorted(engine.settings.workflows_dir.glob("*/*.bpmn")):
            demo.e.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
        demo.organisation()
        plan_id, child_id = demo.plans()
        demo.periods(plan_id, child_id)
    finally:
        demo.e.dispose()
    return (
        f"{len(UNITS)} đơn vị (units), {len(demo.user)} người dùng (users), 2 kế hoạch (plans), "
        f"2 kỳ báo cáo (periods)"
    )
