"""A task's status in a unit's report, from declared progress, its timeframe and the dates."""

from __future__ import annotations

from datetime import date

import pytest

from engine.task_status import task_deadline, task_status

DEADLINE = date(2024, 9, 30)


@pytest.mark.parametrize(
    ("progress", "completed_on", "today", "expected"),
    [
        ("not_started", None, date(2024, 6, 1), "not_started"),
        ("in_progress", None, date(2024, 6, 1), "in_progress"),
        ("in_progress", None, date(2024, 10, 1), "overdue"),
        ("not_started", None, date(2024, 10, 1), "overdue"),
        ("completed", date(2024, 9, 30), date(2024, 11, 1), "completed_on_time"),
        ("completed", date(2024, 10, 2), date(2024, 11, 1), "completed_late"),
        ("paused", None, date(2024, 11, 1), "paused"),
        ("cancelled", None, date(2024, 11, 1), "cancelled"),
    ],
)
def test_status_from_progress_and_dates(
    progress: str, completed_on: date | None, today: date, expected: str
) -> None:
    assert task_status(progress, completed_on, DEADLINE, today) == expected


@pytest.mark.parametrize(
    ("timeframe", "year", "expected"),
    [
        ("Thường xuyên", 2024, date(2024, 12, 31)),
        ("Quý III/2024", 2024, date(2024, 9, 30)),
        ("2019-2020", 2024, None),
        ("Trước ngày 15/11 hàng năm", 2024, date(2024, 11, 15)),
    ],
)
def test_deadline_for_the_reporting_year(timeframe: str, year: int, expected: date | None) -> None:
    assert task_deadline(timeframe, year) == expected
