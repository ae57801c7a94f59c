"""The working-day calendar, checked against the official 2024-2026 calendars for public servants.

Expected dates are written out by hand. In 2025 public servants were off 25/01-02/02 (Tết Ất Tỵ,
mùng 1 = 29/01), 07/04 (Giỗ Tổ), 30/04-04/05 with Saturday 26/04 worked in exchange for Friday
02/05, and 30/08-02/09. In 2026 they are off 14/02-22/02 (Tết Bính Ngọ, mùng 1 = 17/02).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from engine.working_days import WorkCalendar

CAL = WorkCalendar()


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 27),  # 28 tháng Chạp
        date(2025, 1, 28),  # giao thừa (29 tháng Chạp, Ất Tỵ has no 30)
        date(2025, 1, 29),  # mùng 1 Tết Ất Tỵ
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2026, 2, 16),  # giao thừa Bính Ngọ
        date(2026, 2, 17),  # mùng 1 Tết Bính Ngọ
        date(2026, 2, 20),
        date(2025, 1, 1),
        date(2025, 4, 7),  # Giỗ Tổ Hùng Vương, 10/3 âm lịch
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),  # swapped with Saturday 26/04
        date(2025, 9, 1),
        date(2025, 9, 2),
        date(2024, 9, 3),  # the day next to 2/9 in 2024
    ],
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert not CAL.is_working_day(day)
    assert CAL.reason_off(day)


def test_weekends_are_off_and_weekdays_work() -> None:
    assert CAL.is_working_day(date(2025, 3, 7))  # Friday
    assert not CAL.is_working_day(date(2025, 3, 8))
    assert not CAL.is_working_day(date(2025, 3, 9))
    assert CAL.reason_off(date(2025, 3, 8)) == "Thứ Bảy"
    assert CAL.reason_off(date(2025, 3, 9)) == "Chủ nhật"
    assert CAL.reason_off(date(2025, 3, 7)) is None


def test_reason_off_names_the_holiday_in_vietnamese() -> None:
    assert "Tết Nguyên Đán" in (CAL.reason_off(date(2025, 1, 29)) or "")
    assert "Hùng Vương" in (CAL.reason_off(date(2025, 4, 7)) or "")
    assert CAL.reason_off(date(2025, 9, 2)) == "Quốc khánh"
    # A holiday on a Saturday is named for the holiday, not the weekend.
    assert CAL.reason_off(date(2025, 2, 1)) != "Thứ Bảy"


def test_one_working_day_after_the_last_friday_before_tet_2025() -> None:
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert CAL.add_working_days(date(2025, 1, 24), 2) == date(2025, 2, 4)
    assert CAL.add_working_days(date(2025, 1, 23), 1) == date(2025, 1, 24)


def test_one_working_day_after_the_last_friday_before_tet_2026() -> None:
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)


def test_roll_forward() -> None:
    assert CAL.roll_forward(date(2025, 3, 9)) == date(2025, 3, 10)  # Sunday -> Monday
    assert CAL.roll_forward(date(2025, 3, 10)) == date(2025, 3, 10)
    assert CAL.roll_forward(date(2025, 1, 29)) == date(2025, 2, 3)  # mùng 1 Tết
    assert CAL.add_working_days(date(2025, 3, 9), 0) == date(2025, 3, 10)
    assert CAL.add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)


def test_across_30_4_and_1_5_2025_with_the_swapped_saturday() -> None:
    assert CAL.is_working_day(date(2025, 4, 26))  # Saturday worked in exchange for 02/05
    assert CAL.reason_off(date(2025, 4, 26)) is None
    assert CAL.add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert CAL.add_working_days(date(2025, 4, 26), 1) == date(2025, 4, 28)
    assert CAL.add_working_days(date(2025, 4, 29), 1) == date(2025, 5, 5)
    assert CAL.add_working_days(date(2025, 4, 28), 3) == date(2025, 5, 6)


def test_across_giỗ_tổ_and_2_9_2025() -> None:
    assert CAL.add_working_days(date(2025, 4, 4), 1) == date(2025, 4, 8)
    assert CAL.add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
    assert CAL.roll_forward(date(2025, 8, 30)) == date(2025, 9, 3)


def test_across_the_new_year() -> None:
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert CAL.add_working_days(date(2026, 1, 2), -1) == date(2025, 12, 31)


def test_negative_offsets() -> None:
    assert CAL.add_working_days(date(2025, 2, 3), -1) == date(2025, 1, 24)
    assert CAL.add_working_days(date(2025, 2, 1), -1) == date(2025, 1, 24)  # from a Tết Saturday
    assert CAL.add_working_days(date(2025, 5, 5), -1) == date(2025, 4, 29)
    assert CAL.add_working_days(date(2025, 5, 5), -3) == date(2025, 4, 26)
    assert CAL.add_working_days(date(2025, 5, 5), -4) == date(2025, 4, 25)
    assert CAL.add_working_days(date(2025, 9, 3), -1) == date(2025, 8, 29)


def test_declared_day_off_is_skipped_and_named() -> None:
    extended = WorkCalendar(
        days_off=frozenset({date(2025, 2, 3)}),
        day_names={date(2025, 2, 3): "Nghỉ bù Tết (theo thông báo của UBND tỉnh)"},
    )
    assert not extended.is_working_day(date(2025, 2, 3))
    assert extended.reason_off(date(2025, 2, 3)) == "Nghỉ bù Tết (theo thông báo của UBND tỉnh)"
    assert extended.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 4)
    assert extended.add_working_days(date(2025, 2, 4), -1) == date(2025, 1, 24)
    unnamed = WorkCalendar(days_off=frozenset({date(2025, 3, 12)}))
    assert unnamed.reason_off(date(2025, 3, 12)) == "Ngày nghỉ theo thông báo"


def test_declared_make_up_saturday_counts() -> None:
    cal = WorkCalendar(make_up_days=frozenset({date(2025, 2, 8)}))
    assert cal.is_working_day(date(2025, 2, 8))
    assert cal.reason_off(date(2025, 2, 8)) is None
    assert cal.add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 8)
    assert CAL.add_working_days(date(2025, 2, 7), 1) == date(2025, 2, 10)
    assert cal.working_days_between(date(2025, 2, 7), date(2025, 2, 10)) == 2
    assert CAL.working_days_between(date(2025, 2, 7), date(2025, 2, 10)) == 1


def test_make_up_day_overrides_a_holiday() -> None:
    cal = WorkCalendar(make_up_days=frozenset({date(2025, 5, 2)}))
    assert cal.is_working_day(date(2025, 5, 2))
    assert date(2025, 5, 2) not in dict(cal.holidays_in(2025))


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert CAL.working_days_between(date(2025, 2, 3), date(2025, 1, 24)) == -1
    assert CAL.working_days_between(date(2025, 1, 1), date(2025, 1, 31)) == 17
    assert CAL.working_days_between(date(2025, 4, 25), date(2025, 5, 5)) == 4  # 26/4, 28/4, 29/4, 5/5
    assert CAL.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
    assert CAL.working_days_between(date(2025, 3, 7), date(2025, 3, 9)) == 0


@pytest.mark.parametrize("n", [1, 2, 5, 10, 22])
def test_add_and_count_agree(n: int) -> None:
    start = date(2025, 1, 20)
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


def test_holidays_in_2025() -> None:
    cal = WorkCalendar(
        days_off=frozenset({date(2025, 2, 3), date(2026, 2, 23)}),
        make_up_days=frozenset({date(2025, 2, 8)}),
        day_names={date(2025, 2, 3): "Nghỉ thêm dịp Tết"},
    )
    listed = cal.holidays_in(2025)
    assert [day for day, _ in listed] == [
        date(2025, 1, 1),
        date(2025, 1, 27),
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 2, 1),
        date(2025, 2, 3),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ]
    assert dict(listed)[date(2025, 2, 3)] == "Nghỉ thêm dịp Tết"
    assert all(name for _, name in listed)


def test_a_day_cannot_be_declared_both_ways() -> None:
    with pytest.raises(ValueError, match="làm bù"):
        WorkCalendar(days_off=frozenset({date(2025, 2, 8)}), make_up_days=frozenset({date(2025, 2, 8)}))


def test_calendar_is_frozen_and_copies_its_names() -> None:
    names = {date(2025, 2, 3): "Nghỉ thêm"}
    cal = WorkCalendar(days_off=frozenset(names), day_names=names)
    names[date(2025, 2, 3)] = "changed"
    assert cal.reason_off(date(2025, 2, 3)) == "Nghỉ thêm"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cal.days_off = frozenset()  # type: ignore[misc]
    assert hash(cal) == hash(WorkCalendar(days_off=frozenset(names)))


def test_from_declarations() -> None:
    cal = WorkCalendar.from_declarations(
        [(date(2025, 2, 3), False, "Nghỉ thêm dịp Tết"), (date(2025, 2, 8), True, "Làm bù")]
    )
    assert cal.days_off == frozenset({date(2025, 2, 3)})
    assert cal.make_up_days == frozenset({date(2025, 2, 8)})
    assert cal.reason_off(date(2025, 2, 3)) == "Nghỉ thêm dịp Tết"
