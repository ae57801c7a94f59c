"""Time to fire N due timers with one and with two Celery workers (PostgreSQL, Redis broker).

Each run starts from a fresh schema holding N instances of a one-timer process, all due, then
starts ``plancycle worker`` processes (the first with the dispatcher) and measures the time
until the audit trail shows every timer fired, checking that none fired twice::

    python benchmarks/fire_timers.py --timers 10000 --workers 1,2

Needs PostgreSQL (``--pg-url``, default the local ``test`` database) and Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import SYSTEM, FrozenClock, Settings, build_engine  # noqa: E402
from engine.db import create_db_engine  # noqa: E402

PLANCYCLE = str(Path(sys.executable).with_name("plancycle"))
PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="wait_a_day" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="one_day">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="one_day"/>
    <bpmn:sequenceFlow id="f2" sourceRef="one_day" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def prepare(base_url: str, schema: str, timers: int) -> str:
    """Create a schema with ``timers`` due timers; return its URL."""
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    url = (
        make_url(base_url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    engine = build_engine(Settings(database_url=url), clock=FrozenClock(datetime(2024, 1, 1, 2, tzinfo=UTC)))
    engine.migrate_database()
    engine.deploy_definition(PROCESS, actor=SYSTEM)
    unit = engine.create_unit("UBND xã đo thời gian", level="commune", actor=SYSTEM).id
    for _ in range(timers):
        engine.start_instance("wait_a_day", {}, actor=SYSTEM, unit_id=unit)
    engine.dispose()
    return url


def fired_counts(url: str) -> tuple[int, int]:
    """Return (audited firings, instances fired more than once)."""
    db = create_db_engine(url)
    with db.connect() as conn:
        total = conn.execute(
            text("SELECT count(*) FROM audit_event WHERE action = 'timer.fired'")
        ).scalar_one()
        twice = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT instance_id FROM audit_event WHERE action = 'timer.fired'"
                " GROUP BY instance_id HAVING count(*) > 1) AS d"
            )
        ).scalar_one()
    db.dispose()
    return int(total), int(twice)


def run(base_url: str, broker: str, timers: int, workers: int) -> dict[str, object]:
    schema = f"bench_timers_{uuid.uuid4().hex[:8]}"
    url = prepare(base_url, schema, timers)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANCYCLE_")}
    env.update(
        PLANCYCLE_DATABASE_URL=url,
        PLANCYCLE_BROKER_URL=broker,
        PLANCYCLE_WORKER_QUEUE=schema,
        PLANCYCLE_DISPATCH_EVERY_S="1",
    )
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [PLANCYCLE, "worker", "--loglevel=WARNING", *(["--beat"] if i == 0 else [])],
            env=env,
            start_new_session=True,
        )
        for i in range(workers)
    ]
    try:
        while fired_counts(url)[0] < timers:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        for p in processes:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=60)
    total, twice = fired_counts(url)
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()
    return {
        "timers": timers,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "timers_per_s": round(timers / elapsed, 1),
        "fired": total,
        "fired_twice": twice,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
        print(json.dumps(run(args.pg_url, args.broker, args.timers, workers)), flush=True)


if __name__ == "__main__":
    main()
