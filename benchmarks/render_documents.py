"""Time to print a period's consolidated report (PDF) for N units, as the background job does it.

Each size runs in a fresh child process on its own SQLite file: a province plan of 15 tasks led by
a group of N communes; a period is opened and every third commune drafts, approves and sends its
report with a result for each task. Then the focal officer queues the consolidated report and the job
runs (read the figures, lay out, write the PDF, keep it with the period). Prints one JSON object
per size, e.g.::

    python benchmarks/render_documents.py --units 10,100,700
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import SYSTEM, FrozenClock, Settings, WorkflowEngine, build_engine  # noqa: E402
from engine.plan_results import SectionInput, TaskInput, UnitRef  # noqa: E402

TASKS = 15


def _setup(engine: WorkflowEngine, units: int, clock: FrozenClock) -> tuple[int, int]:
    for path in sorted((ROOT / "workflows").glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM)
    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM).id
    focal = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province, doc_code="STTTT", actor=SYSTEM
    ).id
    communes = [
        engine.create_unit(f"UBND xã số {i + 1}", level="commune", parent_id=province, actor=SYSTEM).id
        for i in range(units)
    ]
    group = engine.create_unit_group("UBND các xã, thị trấn", communes, actor=SYSTEM)
    officer = engine.create_user("daumoi", "Cán bộ đầu mối", actor=SYSTEM)
    engine.grant_role(officer.id, focal, "focal_officer", actor=SYSTEM)
    leader = engine.create_user("lanhdao", "Lãnh đạo tỉnh", actor=SYSTEM)
    engine.grant_role(leader.id, province, "leader", actor=SYSTEM)
    plan = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=focal,
        year=2024,
        place="Tây Ninh",
        title="Triển khai thực hiện Chỉ thị 14/CT-TTg về tăng cường bảo đảm an toàn, an ninh mạng",
        legal_bases=("Luật An ninh mạng ngày 12/6/2018",),
        recipients=("Các Sở, ban, ngành", "Lưu: VT"),
        actor=SYSTEM,
    )
    lead = (UnitRef(group_id=group.id),)
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                code,
                f"Nhóm nhiệm vụ {code}",
                tuple(
                    TaskInput(
                        f"Nhiệm vụ {code}.{n}: rà soát, tuyên truyền và bảo đảm an toàn thông tin mạng "
                        "tại địa phương",
                        "Thường xuyên hàng năm",
                        lead=lead,
                        coordinating=(UnitRef(unit_id=focal),),
                    )
                    for n in range(1, 6)
                ),
            )
            for code in ("I", "II", "III")
        ],
        actor=SYSTEM,
    )
    engine.issue_plan(
        plan.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 1, 5), actor=SYSTEM
    )
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 15),
        unit_deadline=date(2024, 11, 25),
        focal_deadline=date(2024, 11, 27),
        actor=SYSTEM,
    )
    task_ids = [t.id for t in engine.get_plan(plan.id, actor=SYSTEM).tasks]
    clock.set(datetime(2024, 11, 20, 2, 0, tzinfo=UTC))
    for index, commune in enumerate(communes):
        if index % 3:
            continue
        drafter = engine.create_user(f"xa{index}.soan", f"Cán bộ xã số {index + 1}", actor=SYSTEM)
        engine.grant_role(drafter.id, commune, "drafter", actor=SYSTEM)
        (draft,) = [t for t in engine.list_inbox(actor=drafter.id) if t.task_name == "draft"]
        results = [
            {
                "task_id": task_id,
                "progress": "completed",
                "completed_on": "2024-11-10",
                "narrative": "Đã thực hiện",
            }
            for task_id in task_ids
        ]
        engine.submit_task(
            draft.id,
            {"summary": "Đã hoàn thành các nhiệm vụ được giao.", "task_results": results},
            actor=drafter.id,
            version=draft.version,
            request_id=uuid.uuid4().hex,
        )
        head = engine.create_user(f"xa{index}.truong", f"Chủ tịch xã số {index + 1}", actor=SYSTEM)
        engine.grant_role(head.id, commune, "unit_head", actor=SYSTEM)
        (review,) = [t for t in engine.list_inbox(actor=head.id) if t.task_name == "head_review"]
        engine.submit_task(
            review.id,
            {},
            actor=head.id,
            version=review.version,
            request_id=uuid.uuid4().hex,
            action="approve",
        )
    return period.id, officer.id


def measure(units: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2024, 11, 1, 2, 0, tzinfo=UTC))
        engine = build_engine(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3"), clock=clock)
        engine.migrate_database()
        setup_started = time.perf_counter()
        period_id, officer = _setup(engine, units, clock)
        setup_s = time.perf_counter() - setup_started
        engine.plan_pdf(1, actor=SYSTEM)  # warm up: WeasyPrint's import and font loading are paid once
        read_started = time.perf_counter()
        engine.period_consolidation(period_id, actor=officer)
        read_s = time.perf_counter() - read_started
        started = time.perf_counter()
        job = engine.queue_consolidated_report(period_id, actor=officer)
        done = engine.run_job(job.id)
        total_s = time.perf_counter() - started
        if done is None or done.status != "done":
            raise SystemExit(f"the render job did not finish: {done}")
        (kept,) = engine.consolidated_report_files(period_id, actor=officer).files
        engine.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "units": units,
        "tasks": TASKS,
        "render_s": round(total_s, 2),
        "read_figures_s": round(read_s, 2),
        "pages": kept.pages,
        "pdf_kib": round(kept.size / 1024, 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "setup_s": round(setup_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="10,100,700", help="comma-separated unit counts")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)), flush=True)
        return
    for units in [int(s) for s in args.units.split(",") if s.strip()]:
        subprocess.run([sys.executable, __file__, "--one", str(units)], check=True)


if __name__ == "__main__":
    main()
