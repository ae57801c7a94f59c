"""Each task knows its plan, its period and who sent it; migration 0004 fills that in for old rows."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import text

from engine.db import create_db_engine
from engine.schema import alembic_config
from tests.workflows.conftest import Driver, Province, only_task
from tests.workflows.unit_report_test import open_period, rid

CONTEXT = "SELECT id, plan_id, period_id, sent_by_id FROM human_task ORDER BY id"


def test_tasks_record_plan_period_and_sender_and_old_rows_are_backfilled(
    driver: Driver, province: Province
) -> None:
    driver.at_local(date(2025, 1, 10))
    period_id = open_period(driver, province)
    e = driver.engine
    plan_id = e.period_board(period_id, actor=province.users["focal"]).period.plan_id
    drafter, head = province.users["c1_drafter"], province.users["c1_head"]
    draft = only_task(e, drafter, "draft")
    e.submit_task(
        draft.id,
        {"summary": "Đã triển khai", "difficulties": ""},
        actor=drafter,
        version=draft.version,
        request_id=rid(),
    )
    review = only_task(e, head, "head_review")
    db_engine = create_db_engine(driver.engine.settings.database_url)
    try:
        with db_engine.connect() as conn:
            rows = {row.id: row for row in conn.execute(text(CONTEXT))}
        # Opened by the focal officer's action, then by the drafter's submission.
        assert (rows[draft.id].plan_id, rows[draft.id].period_id) == (plan_id, period_id)
        assert rows[draft.id].sent_by_id == province.users["focal"]
        assert (rows[review.id].plan_id, rows[review.id].period_id) == (plan_id, period_id)
        assert rows[review.id].sent_by_id == drafter
        # An older database had none of these columns: going down to 0003 and up again
        # recovers plan and period from each instance's business key.
        url = driver.engine.settings.database_url
        driver.close()
        command.downgrade(alembic_config(url), "0003")
        command.upgrade(alembic_config(url), "head")
        with db_engine.connect() as conn:
            again = {row.id: (row.plan_id, row.period_id) for row in conn.execute(text(CONTEXT))}
        assert again == {task_id: (row.plan_id, row.period_id) for task_id, row in rows.items()}
        assert all(pair[0] == plan_id for pair in again.values())
    finally:
        db_engine.dispose()
