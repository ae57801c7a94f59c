"""Time and peak memory to open a reporting period for N units (one parent + N unit-report instances).

Each size runs in a fresh child process on its own SQLite file, so the peak resident memory
printed is that size's own. Prints one JSON object per size, e.g.::

    python benchmarks/open_period.py --units 10,1000,11000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import SYSTEM, FrozenClock, Settings, build_engine  # noqa: E402
from engine.plan_results import SectionInput, TaskInput, UnitRef  # noqa: E402


def measure(units: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2024, 11, 1, 2, 0, tzinfo=UTC))
        engine = build_engine(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3"), clock=clock)
        engine.migrate_database()
        for path in sorted((ROOT / "workflows").glob("*/*.bpmn")):
            engine.deploy_definition(path.read_bytes(), actor=SYSTEM)
        setup_started = time.perf_counter()
        province = engine.create_unit("UBND tỉnh", level="province", doc_code="UBND", actor=SYSTEM).id
        focal = engine.create_unit(
            "Sở Thông tin và Truyền thông", level="department", parent_id=province, actor=SYSTEM
        ).id
        unit_ids = [
            engine.create_unit(f"UBND xã số {i + 1}", level="commune", parent_id=province, actor=SYSTEM).id
            for i in range(units)
        ]
        group = engine.create_unit_group("UBND các xã, thị trấn", unit_ids, actor=SYSTEM)
        plan = engine.create_plan(
            issuing_unit_id=province,
            focal_unit_id=focal,
            year=2024,
            place="Tây Ninh",
            title="Kế hoạch đo thời gian mở kỳ",
            actor=SYSTEM,
        )
        engine.set_plan_tasks(
            plan.id,
            [
                SectionInput(
                    "I",
                    "Nhiệm vụ",
                    (TaskInput("Tuyên truyền", "Thường xuyên", lead=(UnitRef(group_id=group.id),)),),
                )
            ],
            actor=SYSTEM,
        )
        leader = engine.create_user("lanhdao", "Lãnh đạo", actor=SYSTEM)
        engine.grant_role(leader.id, province, "leader", actor=SYSTEM)
        engine.issue_plan(
            plan.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 1, 5), actor=SYSTEM
        )
        setup_s = time.perf_counter() - setup_started
        started = time.perf_counter()
        period = engine.open_period(
            plan.id,
            label="Năm 2024",
            year=2024,
            data_cutoff=date(2024, 11, 15),
            unit_deadline=date(2024, 11, 25),
            focal_deadline=date(2024, 11, 27),
            actor=SYSTEM,
        )
        open_s = time.perf_counter() - started
        board_started = time.perf_counter()
        board = engine.period_board(period.id, actor=SYSTEM)
        board_s = time.perf_counter() - board_started
        engine.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "units": units,
        "open_period_s": round(open_s, 2),
        "open_period_ms_per_unit": round(open_s * 1000 / units, 2),
        "board_ms": round(board_s * 1000, 1),
        "board_rows": len(board.rows),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "setup_s": round(setup_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="10,1000,11000", help="comma-separated unit counts")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)), flush=True)
        return
    for units in [int(s) for s in args.units.split(",") if s.strip()]:
        subprocess.run([sys.executable, __file__, "--one", str(units)], check=True)


if __name__ == "__main__":
    main()
