"""Cost of one step as a unit report's history grows: stored state size and time per submission.

One unit report of the shipped ``unit_report`` process, on SQLite, with the whole chase ladder
past due (so every return re-arms four timers that fire at once). It is returned by the focal
unit again and again (draft, head approval, focal return, then the sweeper). At each checkpoint
it prints the stored state's length and the median time of the last round's submissions::

    python benchmarks/history_cost.py --returns 1,10,100,300
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import SYSTEM, FrozenClock, Settings, WorkflowEngine, build_engine  # noqa: E402
from engine.db import create_db_engine  # noqa: E402
from engine.plan_results import SectionInput, TaskInput, UnitRef  # noqa: E402


def setup(engine: WorkflowEngine) -> dict[str, int]:
    """Build a province, a focal department, one commune with its people, and open a period."""
    for path in sorted((ROOT / "workflows").glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM)
    province = engine.create_unit("UBND tỉnh", level="province", doc_code="UBND", actor=SYSTEM).id
    focal = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province, actor=SYSTEM
    ).id
    commune = engine.create_unit("UBND xã Hảo Đước", level="commune", parent_id=province, actor=SYSTEM).id
    people = {}
    for login, unit, role in (
        ("lanhdao", province, "leader"),
        ("daumoi", focal, "focal_officer"),
        ("soan", commune, "drafter"),
        ("truong", commune, "unit_head"),
    ):
        user = engine.create_user(login, login, actor=SYSTEM)
        engine.grant_role(user.id, unit, role, actor=SYSTEM)
        people[role] = user.id
    plan = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=focal,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch",
        actor=SYSTEM,
    )
    task = TaskInput("Tuyên truyền", "Thường xuyên", lead=(UnitRef(unit_id=commune),))
    engine.set_plan_tasks(plan.id, [SectionInput("I", "Nhiệm vụ", (task,))], actor=SYSTEM)
    engine.issue_plan(
        plan.id, signer_id=people["leader"], authority_form="TM", issued_on=date(2024, 11, 1), actor=SYSTEM
    )
    engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 15),
        unit_deadline=date(2024, 11, 25),
        focal_deadline=date(2024, 11, 27),
        actor=SYSTEM,
    )
    return people


def step(engine: WorkflowEngine, user: int, name: str, action: str, values: dict[str, object]) -> float:
    """Act on the user's open ``name`` task; return the seconds the engine call took."""
    [task] = [t for t in engine.list_inbox(actor=user) if t.task_name == name]
    started = time.perf_counter()
    if action == "return":
        engine.return_task(
            task.id, "Bổ sung số liệu", actor=user, version=task.version, request_id=uuid.uuid4().hex
        )
    else:
        engine.submit_task(
            task.id, values, actor=user, version=task.version, request_id=uuid.uuid4().hex, action=action
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--returns", default="1,10,100,300", help="comma-separated checkpoints")
    args = parser.parse_args()
    checkpoints = sorted({int(s) for s in args.returns.split(",") if s.strip()})
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        clock = FrozenClock(datetime(2024, 11, 5, 2, tzinfo=UTC))
        engine = build_engine(Settings(database_url=url), clock=clock)
        engine.migrate_database()
        people = setup(engine)
        clock.set(datetime(2024, 12, 20, 2, tzinfo=UTC))  # every rung of the ladder is past due
        engine.fire_due_timers()
        db = create_db_engine(url)
        for number in range(1, checkpoints[-1] + 1):
            times = [
                step(engine, people["drafter"], "draft", "submit", {"summary": f"Bản sửa {number}"}),
                step(engine, people["unit_head"], "head_review", "approve", {}),
                step(engine, people["focal_officer"], "focal_review", "return", {}),
            ]
            engine.fire_due_timers()
            if number in checkpoints:
                with db.connect() as conn:
                    size = conn.execute(text("SELECT max(length(state)) FROM process_instance")).scalar_one()
                print(
                    json.dumps(
                        {
                            "focal_returns": number,
                            "largest_state_chars": size,
                            "median_step_ms": round(statistics.median(times) * 1000, 1),
                        }
                    ),
                    flush=True,
                )
        db.dispose()
        engine.dispose()


if __name__ == "__main__":
    main()
