"""Cost of one task submission as the number of units grows, for two designs.

``instance_per_unit`` (PlanCycle): one parent instance and one small unit-report instance per unit,
on SQLite, driven through ``WorkflowEngine.submit_task`` (load, complete, advance, project, commit).

``single_document``: one SpiffWorkflow workflow holding every unit as a parallel multi-instance user
task, stored as one JSON document: each submission deserializes it, completes one unit's task,
advances and serializes it again (what a single-blob store must do per step).

Prints one JSON object per line per design and size, then a last line with the ratio of our
largest to smallest median. Usage::

    python benchmarks/step_cost.py --units 10,1000,10000 [--samples 30] [--single-max 10000]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine import SYSTEM, FrozenClock, Settings, WorkflowEngine, build_engine  # noqa: E402

UNIT_REPORT = ROOT / "workflows" / "unit_report" / "unit_report.bpmn"
PARENT = Path(__file__).resolve().parent / "bpmn" / "period_parent.bpmn"
SINGLE = Path(__file__).resolve().parent / "bpmn" / "single_document.bpmn"
REPORT = {"summary": "Đã triển khai đầy đủ các nhiệm vụ", "difficulties": "Thiếu kinh phí"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_ours(units: int, samples: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock(datetime(2024, 11, 1, 2, 0, tzinfo=UTC))
        engine = build_engine(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite3"), clock=clock)
        engine.migrate_database()
        setup_started = time.perf_counter()
        engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=SYSTEM)
        engine.deploy_definition(PARENT.read_bytes(), actor=SYSTEM)
        province = engine.create_unit("UBND tỉnh", level="province", actor=SYSTEM)
        focal = engine.create_unit(
            "Sở Thông tin và Truyền thông", level="department", parent_id=province.id, actor=SYSTEM
        )
        parent = engine.start_instance(
            "period_parent", {"unit_count": units}, actor=SYSTEM, unit_id=focal.id, business_key="bench/2024"
        )
        drafter = engine.create_user("bench.drafter", "Người soạn", actor=SYSTEM)
        step = max(1, units // (samples + 1))
        sampled: list[int] = []
        data = {
            "unit_deadline": (clock() + timedelta(days=14)).isoformat(),
            "focal_deadline": (clock() + timedelta(days=16)).isoformat(),
            "reminder_at": (clock() + timedelta(days=10)).isoformat(),
            "focal_unit_id": focal.id,
            "reminders_sent": 0,
        }
        # One more sampled unit than timed: its submission warms the caches (form definition,
        # compiled conditions) and is not counted.
        samples += 1
        for index in range(units):
            unit = engine.create_unit(
                f"Đơn vị {index + 1}", level="commune", parent_id=province.id, actor=SYSTEM
            )
            engine.start_instance(
                "unit_report",
                data,
                actor=SYSTEM,
                unit_id=unit.id,
                parent_id=parent.id,
                business_key=f"bench/2024/{unit.id}",
            )
            if index % step == 0 and len(sampled) < samples:
                engine.grant_role(drafter.id, unit.id, "drafter", actor=SYSTEM)
                sampled.append(unit.id)
        setup_s = time.perf_counter() - setup_started
        tasks = engine.list_inbox(actor=drafter.id, limit=samples)
        warm_up, tasks = tasks[0], tasks[1:]
        engine.submit_task(
            warm_up.id, REPORT, actor=drafter.id, version=warm_up.version, request_id=uuid.uuid4().hex
        )
        timings = []
        for task in tasks:
            gc.collect()
            started = time.perf_counter()
            engine.submit_task(
                task.id, REPORT, actor=drafter.id, version=task.version, request_id=uuid.uuid4().hex
            )
            timings.append((time.perf_counter() - started) * 1000)
        state_bytes = _state_bytes(engine, tasks[0].instance_id)
        engine.dispose()
    return {
        "design": "instance_per_unit",
        "units": units,
        "samples": len(timings),
        "submit_ms_median": round(statistics.median(timings), 3),
        "submit_ms_p95": round(percentile(timings, 0.95), 3),
        "state_bytes_per_instance": state_bytes,
        "setup_s": round(setup_s, 1),
    }


def _state_bytes(engine: WorkflowEngine, instance_id: int) -> int:
    # Benchmarks may look under the door; the application never does.
    from sqlalchemy import text

    with engine._sessions() as session:
        return int(
            session.execute(
                text("SELECT length(state) FROM process_instance WHERE id = :id"), {"id": instance_id}
            ).scalar_one()
        )


def measure_single(units: int, samples: int) -> dict[str, Any]:
    parser = CamundaParser()
    parser.add_bpmn_file(str(SINGLE))
    spec = parser.get_spec("single_document")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    setup_started = time.perf_counter()
    workflow = BpmnWorkflow(spec)
    workflow.task_tree.data["unit_count"] = units
    workflow.do_engine_steps()
    document = serializer.serialize_json(workflow)
    setup_s = time.perf_counter() - setup_started
    del workflow
    timings = []
    for _ in range(samples + 1):
        gc.collect()
        started = time.perf_counter()
        workflow = serializer.deserialize_json(document)
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        task.data.update(REPORT)
        task.run()
        workflow.do_engine_steps()
        document = serializer.serialize_json(workflow)
        timings.append((time.perf_counter() - started) * 1000)
        del workflow
    timings = timings[1:]  # the first one warmed the caches
    return {
        "design": "single_document",
        "units": units,
        "samples": len(timings),
        "submit_ms_median": round(statistics.median(timings), 3),
        "submit_ms_p95": round(percentile(timings, 0.95), 3),
        "document_bytes": len(document),
        "setup_s": round(setup_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="10,1000,10000", help="comma-separated unit counts")
    parser.add_argument("--samples", type=int, default=30, help="submissions timed per size (ours)")
    parser.add_argument("--single-samples", type=int, default=5, help="submissions timed per size (single)")
    parser.add_argument(
        "--single-max", type=int, default=10000, help="largest size to run the single-document design at"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.units.split(",") if s.strip()]
    ours = []
    for units in sizes:
        result = measure_ours(units, args.samples)
        ours.append(result)
        print(json.dumps(result), flush=True)
        if units <= args.single_max:
            print(json.dumps(measure_single(units, args.single_samples)), flush=True)
    largest = max(ours, key=lambda r: r["units"])
    smallest = min(ours, key=lambda r: r["units"])
    print(
        json.dumps(
            {
                "design": "instance_per_unit",
                "ratio_largest_to_smallest": round(
                    largest["submit_ms_median"] / smallest["submit_ms_median"], 3
                ),
                "largest_units": largest["units"],
                "smallest_units": smallest["units"],
                "target": "ratio <= 1.3 and median <= 10 ms",
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
