"""Background work in other processes: racing sweepers, a Celery worker on Redis, SIGKILL, jobs.

Timers are created on a clock frozen in 2024, so for the worker processes, which run on the
real clock, every one of them is long overdue. Every count comes from the audit trail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import redis
from kombu import Connection
from sqlalchemy import Engine, text

from engine import SYSTEM, FrozenClock, NotFound, UserInfo, WorkflowEngine
from engine.background import run_once
from engine.db import create_db_engine
from tests.conftest import Org
from tests.engine.helpers import minimal_process
from tests.engine.test_compaction import open_unit_report_period

ROOT = Path(__file__).resolve().parents[2]
PLANCYCLE = str(Path(sys.executable).with_name("plancycle"))
REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"

WAIT_A_DAY = minimal_process(
    "wait_a_day",
    """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="one_day" name="Một ngày"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="one_day"/>
    <bpmn:sequenceFlow id="f2" sourceRef="one_day" targetRef="end"/>""",
).encode()


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    db_engine = create_db_engine(db_url)
    yield db_engine
    db_engine.dispose()


def start_waiting(engine: WorkflowEngine, org: Org, count: int) -> list[int]:
    engine.deploy_definition(WAIT_A_DAY, actor=SYSTEM)
    return [
        engine.start_instance("wait_a_day", {}, actor=SYSTEM, unit_id=org.commune.id).id for _ in range(count)
    ]


def firings_per_instance(db: Engine) -> Counter[int]:
    with db.connect() as conn:
        rows = conn.execute(text("SELECT instance_id FROM audit_event WHERE action = 'timer.fired'")).all()
    return Counter(int(r[0]) for r in rows)


def consistency(db: Engine) -> list[tuple[int, str, int]]:
    """Each instance's status and its number of timer rows."""
    with db.connect() as conn:
        return [
            (int(i), str(s), int(n))
            for i, s, n in conn.execute(
                text(
                    "SELECT i.id, i.status, (SELECT count(*) FROM timer t WHERE t.instance_id = i.id)"
                    " FROM process_instance i ORDER BY i.id"
                )
            ).all()
        ]


def env_for(db_url: str, **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANCYCLE_")}
    env["PLANCYCLE_DATABASE_URL"] = db_url
    env.update({f"PLANCYCLE_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_two_sweeper_processes_fire_each_due_timer_exactly_once(
    engine: WorkflowEngine, org: Org, db: Engine, db_url: str
) -> None:
    count = 1000 if engine._is_postgres else 200
    ids = start_waiting(engine, org, count)
    env = env_for(db_url, timer_batch_size=50)
    sweepers = [
        subprocess.Popen(
            [PLANCYCLE, "fire-timers", "--until-empty"], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600)[0] for p in sweepers]
    assert [p.returncode for p in sweepers] == [0, 0], outputs
    fired = firings_per_instance(db)
    assert sorted(fired) == ids
    assert set(fired.values()) == {1}
    assert {status for _i, status, _n in consistency(db)} == {"completed"}
    # Both processes did part of the work, and together exactly all of it.
    counts = [int(out.split("Đã kích hoạt ")[1].split()[0]) for out in outputs]
    assert sum(counts) == count


def start_worker(env: dict[str, str], *, beat: bool) -> subprocess.Popen[bytes]:
    argv = [PLANCYCLE, "worker", "--loglevel=WARNING"] + (["--beat"] if beat else [])
    return subprocess.Popen(argv, env=env, start_new_session=True, cwd=ROOT)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=60)


@pytest.mark.pg_only
def test_a_celery_worker_on_redis_killed_mid_batch_loses_nothing_and_fires_nothing_twice(
    engine: WorkflowEngine, org: Org, db: Engine, db_url: str
) -> None:
    ids = start_waiting(engine, org, 400)
    queue = f"plancycle-test-{uuid.uuid4().hex[:8]}"
    env = env_for(
        db_url,
        broker_url=REDIS_URL,
        worker_queue=queue,
        dispatch_every_s=0.5,
        timer_lease_s=3,
        timer_chunk=10,
    )
    try:
        worker = start_worker(env, beat=True)
        wait_for(lambda: sum(firings_per_instance(db).values()) >= 60, 120, "the first firings")
        stop(worker, signal.SIGKILL)  # in the middle of its batches
        after_kill = sum(firings_per_instance(db).values())
        assert 60 <= after_kill < 400
        # Nothing half-done: each instance is either untouched (running, its timer waiting) or
        # completed (its timer gone), and the audit says the same.
        fired = firings_per_instance(db)
        for instance_id, status, timers in consistency(db):
            assert (status, timers, fired[instance_id]) in {("running", 1, 0), ("completed", 0, 1)}

        worker = start_worker(env, beat=True)
        wait_for(lambda: sum(firings_per_instance(db).values()) >= 400, 180, "every timer to fire")
        time.sleep(2 * 3)  # two leases more: anything handed out twice would have fired by now
        stop(worker)
    finally:
        redis.Redis.from_url(REDIS_URL).delete(queue)
    fired = firings_per_instance(db)
    assert sorted(fired) == ids
    assert set(fired.values()) == {1}
    assert {(status, timers) for _i, status, timers in consistency(db)} == {("completed", 0)}


@pytest.mark.pg_only
@pytest.mark.parametrize("broker", [REDIS_URL, RABBITMQ_URL], ids=["redis", "rabbitmq"])
def test_two_celery_workers_fire_each_due_timer_once_through_either_broker(
    engine: WorkflowEngine, org: Org, db: Engine, db_url: str, broker: str
) -> None:
    ids = start_waiting(engine, org, 100)
    queue = f"plancycle-test-{uuid.uuid4().hex[:8]}"
    env = env_for(db_url, broker_url=broker, worker_queue=queue, dispatch_every_s=0.5, timer_chunk=5)
    workers = [start_worker(env, beat=True), start_worker(env, beat=False)]
    try:
        wait_for(lambda: sum(firings_per_instance(db).values()) >= 100, 180, "every timer to fire")
    finally:
        for worker in workers:
            stop(worker)
        with Connection(broker) as conn:
            conn.default_channel.queue_delete(queue)
    fired = firings_per_instance(db)
    assert sorted(fired) == ids
    assert set(fired.values()) == {1}


def test_a_job_runs_in_the_background_and_reports_its_outcome(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, make_user: Callable[..., UserInfo]
) -> None:
    _, _, first_period = open_unit_report_period(engine, org, clock, make_user)  # led by both communes
    plan_id = engine.period_board(first_period, actor=SYSTEM).period.plan_id
    focal = org.focal_officer.id
    job = engine.submit_job(
        "open_period",
        {
            "plan_id": plan_id,
            "label": "Năm 2025",
            "year": 2025,
            "data_cutoff": date(2025, 12, 15),
            "unit_deadline": date(2025, 12, 22),
            "focal_deadline": date(2025, 12, 26),
        },
        actor=focal,
    )
    assert (job.status, job.result) == ("queued", None)
    assert engine.get_job(job.id, actor=focal).status == "queued"
    bad = engine.submit_job(
        "open_period",
        {
            "plan_id": plan_id,
            "label": "Năm 2026",
            "year": 2026,
            "data_cutoff": date(2026, 12, 15),
            "unit_deadline": date(2026, 12, 22),
            "focal_deadline": date(2026, 12, 22),  # not a working day after the unit deadline
        },
        actor=focal,
    )
    result = run_once(engine)
    assert result.jobs_run == 2
    done = engine.get_job(job.id, actor=focal)
    assert done.status == "done"
    assert done.result is not None
    period = engine.period_board(done.result["id"], actor=focal).period
    assert (period.label, period.unit_count) == ("Năm 2025", 2)
    failed = engine.get_job(bad.id, actor=focal)
    assert failed.status == "failed"
    assert "ngày làm việc" in (failed.error or "")
    assert run_once(engine).jobs_run == 0  # each job runs once
    with pytest.raises(NotFound):
        engine.get_job(job.id, actor=org.drafter.id)


def test_a_job_whose_worker_died_after_its_work_committed_reports_that_work(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, db: Engine, make_user: Callable[..., UserInfo]
) -> None:
    _, _, first_period = open_unit_report_period(engine, org, clock, make_user)
    plan_id = engine.period_board(first_period, actor=SYSTEM).period.plan_id
    focal = org.focal_officer.id
    args = {
        "plan_id": plan_id,
        "label": "Năm 2025",
        "year": 2025,
        "data_cutoff": date(2025, 12, 15),
        "unit_deadline": date(2025, 12, 22),
        "focal_deadline": date(2025, 12, 26),
    }
    job = engine.submit_job("open_period", args, actor=focal)
    # A worker took the job, opened the period, and died before marking the job done.
    with db.begin() as conn:
        conn.execute(
            text("UPDATE job SET status = 'running', attempts = 1, lease_until = :past WHERE id = :id"),
            {"past": datetime(2000, 1, 1, tzinfo=UTC), "id": job.id},
        )
    opened = engine.open_period(actor=focal, **args)
    assert engine.due_job_ids() == [job.id]  # its lease ran out
    done = engine.run_job(job.id)
    assert done is not None
    assert (done.status, done.result, done.error) == ("done", {"id": opened.id}, None)
    # A first attempt that meets an existing label still fails, as the direct call would.
    again = engine.submit_job("open_period", args, actor=focal)
    failed = engine.run_job(again.id)
    assert failed is not None
    assert failed.status == "failed"
