"""Fixtures for driving the shipped processes only through the engine's door.

Every scenario runs twice (``driver`` is parametrized): once with one engine throughout, and
once with a brand-new engine (empty spec cache, new connection pool) for every single call, the
way a restarted server or another worker would continue the work. Time is a frozen clock the
tests move forward.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from engine import SYSTEM, FrozenClock, Settings, WorkflowEngine, build_engine
from engine.plan_results import PlanInfo, SectionInput, TaskInput, UnitRef
from tests.conftest import WORKFLOWS


class Driver:
    """Hands out the engine for each step; in ``restart`` mode a new one every time."""

    def __init__(self, settings: Settings, clock: FrozenClock, *, restart: bool) -> None:
        self._settings = settings
        self.clock = clock
        self.restart = restart
        self._engine: WorkflowEngine | None = None
        self._made: list[WorkflowEngine] = []

    @property
    def engine(self) -> WorkflowEngine:
        if self._engine is None or self.restart:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = build_engine(self._settings, clock=self.clock)
            self._made.append(self._engine)
        return self._engine

    def at_local(self, day: date, hour: int = 9) -> None:
        """Move the clock to ``hour`` o'clock on ``day`` in Hà Nội (UTC+7)."""
        self.clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7))

    def close(self) -> None:
        # A test may keep an engine it got earlier and use it after a later step replaced it:
        # dispose every engine made, so no connection outlives the test.
        for engine in self._made:
            engine.dispose()


@pytest.fixture(params=["one_engine", "restart_every_step"])
def driver(request: pytest.FixtureRequest, settings: Settings, clock: FrozenClock) -> Iterator[Driver]:
    d = Driver(settings, clock, restart=request.param == "restart_every_step")
    d.engine.migrate_database()
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        d.engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    yield d
    d.close()


@dataclass(frozen=True)
class Province:
    """A three-level organisation: province → department and district → communes."""

    province: int
    focal: int
    police: int
    district: int
    communes: tuple[int, ...]
    users: dict[str, int]


def make_user(engine: WorkflowEngine, login: str, unit_id: int, role: str) -> int:
    user = engine.create_user(login, login, password="secret-pass", actor=SYSTEM)
    engine.grant_role(user.id, unit_id, role, actor=SYSTEM)
    return user.id


@pytest.fixture
def province(driver: Driver) -> Province:
    e = driver.engine
    prov = e.create_unit("UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM).id
    focal = e.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=prov, doc_code="STTTT", actor=SYSTEM
    ).id
    police = e.create_unit(
        "Công an tỉnh", level="department", parent_id=prov, doc_code="CAT", actor=SYSTEM
    ).id
    district = e.create_unit(
        "UBND huyện Châu Thành", level="district", parent_id=prov, doc_code="UBND", actor=SYSTEM
    ).id
    communes = tuple(
        e.create_unit(name, level="commune", parent_id=district, doc_code="UBND", actor=SYSTEM).id
        for name in ("UBND xã Thái Bình", "UBND xã Hảo Đước")
    )
    users = {
        "leader": make_user(e, "lanhdao", prov, "leader"),
        "focal": make_user(e, "daumoi", focal, "focal_officer"),
        "police_drafter": make_user(e, "congan.soan", police, "drafter"),
        "police_head": make_user(e, "congan.truong", police, "unit_head"),
    }
    for index, commune in enumerate(communes, start=1):
        users[f"c{index}_drafter"] = make_user(e, f"xa{index}.soan", commune, "drafter")
        users[f"c{index}_head"] = make_user(e, f"xa{index}.truong", commune, "unit_head")
    return Province(
        province=prov, focal=focal, police=police, district=district, communes=communes, users=users
    )


def issued_plan(driver: Driver, org: Province, *, lead_units: tuple[int, ...], issued_on: date) -> PlanInfo:
    """A province plan whose single task is led by ``lead_units``, issued by the leader (TM.)."""
    e = driver.engine
    plan = e.create_plan(
        issuing_unit_id=org.province,
        focal_unit_id=org.focal,
        year=issued_on.year,
        place="Tây Ninh",
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        legal_bases=["Chỉ thị 14/CT-TTg ngày 07/6/2019"],
        actor=org.users["focal"],
    )
    e.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Tuyên truyền",
                (
                    TaskInput(
                        "Quán triệt Luật An ninh mạng",
                        "Thường xuyên hàng năm",
                        lead=tuple(UnitRef(unit_id=u) for u in lead_units),
                        coordinating=(UnitRef(unit_id=org.focal, scope_note="nội dung an toàn thông tin"),),
                    ),
                ),
            )
        ],
        actor=org.users["focal"],
    )
    return e.issue_plan(
        plan.id,
        signer_id=org.users["leader"],
        authority_form="TM",
        issued_on=issued_on,
        actor=org.users["leader"],
    )


def only_task(engine: WorkflowEngine, user_id: int, name: str) -> Any:
    tasks = [t for t in engine.list_inbox(actor=user_id) if t.task_name == name]
    assert len(tasks) == 1, engine.list_inbox(actor=user_id)
    return tasks[0]
