"""The working-day calendar: which days public bodies work, and counting in working days.

Public holidays (Tết Nguyên đán by the lunar calendar, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and its
adjacent day, 1/1) and the swaps the government announced for public servants ("nghỉ bù" on a
weekday paid back by "làm bù" on a Saturday) come from the maintained ``holidays`` package.
Administrators add their own declarations on top: extra days off (an extended Tết break, a local
holiday) and make-up working days. Saturdays and Sundays are off unless declared working.

Precedence for one day, strongest first: a declared make-up day (working), a declared day off,
a public holiday, a make-up Saturday the library knows, the weekend rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

SATURDAY = "Thứ Bảy"
SUNDAY = "Chủ nhật"
DECLARED_DAY_OFF = "Ngày nghỉ theo thông báo"
# No real calendar has this many non-working days in a row; reaching it means a bad declaration.
_MAX_STEPS = 366 * 3
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _YearData:
    holidays: Mapping[date, str]
    weekend_workdays: frozenset[date]


@lru_cache(maxsize=64)
def _library_year(year: int) -> _YearData:
    """Public holidays and make-up Saturdays of ``year``, as the ``holidays`` package gives them.

    A swap announced in one year may pay a day back in the previous one (a Saturday late in
    December for a day off in January), so the following year is computed too.
    """
    table = holidays.country_holidays("VN", years=(year, year + 1), language="vi")
    days = {day: str(name) for day, name in table.items() if day.year == year}
    workdays = frozenset(day for day in table.weekend_workdays if day.year == year)
    return _YearData(holidays=MappingProxyType(days), weekend_workdays=workdays)


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays plus the days administrators declared.

    ``days_off`` are declared extra non-working days; ``make_up_days`` are declared working days
    that would otherwise be off (a Saturday, or even a holiday); ``day_names`` gives the
    Vietnamese names of declared days. A day may not be declared both ways.
    """

    days_off: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()
    day_names: Mapping[date, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Copy what we were given, so that no caller can change a frozen calendar afterwards.
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        object.__setattr__(self, "make_up_days", frozenset(self.make_up_days))
        object.__setattr__(self, "day_names", MappingProxyType(dict(self.day_names)))
        both = sorted(self.days_off & self.make_up_days)
        if both:
            listed = ", ".join(day.strftime("%d/%m/%Y") for day in both)
            raise ValueError(
                f"Ngày vừa được khai báo nghỉ vừa được khai báo làm bù: {listed} "
                f"(days declared both off and working)"
            )

    @classmethod
    def from_declarations(cls, declarations: Iterable[tuple[date, bool, str]]) -> WorkCalendar:
        """Build a calendar from ``(day, is_working, name)`` rows as administrators keep them."""
        off: set[date] = set()
        working: set[date] = set()
        names: dict[date, str] = {}
        for day, is_working, name in declarations:
            (working if is_working else off).add(day)
            if name:
                names[day] = name
        return cls(days_off=frozenset(off), make_up_days=frozenset(working), day_names=names)

    def is_working_day(self, day: date) -> bool:
        """Whether public bodies work on ``day``."""
        if day in self.make_up_days:
            return True
        if day in self.days_off:
            return False
        year = _library_year(day.year)
        if day in year.holidays:
            return False
        if day.weekday() >= 5:
            return day in year.weekend_workdays
        return True

    def reason_off(self, day: date) -> str | None:
        """Why ``day`` is not a working day, in Vietnamese; None on a working day."""
        if self.is_working_day(day):
            return None
        if day in self.days_off:
            return self.day_names.get(day) or _library_year(day.year).holidays.get(day) or DECLARED_DAY_OFF
        public = _library_year(day.year).holidays.get(day)
        if public is not None:
            return public
        return SATURDAY if day.weekday() == 5 else SUNDAY

    def roll_forward(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day."""
        return self._next_working(day, _ONE_DAY, include_start=True)

    def add_working_days(self, day: date, n: int) -> date:
        """Return the ``n``-th working day after ``day`` (before it when ``n`` < 0).

        ``n == 0`` gives ``roll_forward(day)``. ``day`` itself never counts, whether it is a
        working day or not: one working day after a Friday before Tết is the first working day
        after the Tết break.
        """
        if n == 0:
            return self.roll_forward(day)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        current = day
        for _ in range(abs(n)):
            current = self._next_working(current, step, include_start=False)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; when ``end`` < ``start``, minus those in ``(end, start]``.

        So ``working_days_between(a, b) == -working_days_between(b, a)``, and
        ``working_days_between(day, add_working_days(day, n)) == n`` for ``n`` >= 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start + _ONE_DAY
        while current <= end:
            if self.is_working_day(current):
                count += 1
            current += _ONE_DAY
        return count

    def holidays_in(self, year: int) -> list[tuple[date, str]]:
        """Public holidays and declared days off of ``year``, sorted by date, with their names.

        Days declared as make-up working days are left out; days that fall on a weekend are kept.
        """
        named = dict(_library_year(year).holidays)
        for day in self.days_off:
            if day.year == year:
                named[day] = self.day_names.get(day) or named.get(day) or DECLARED_DAY_OFF
        return sorted((day, name) for day, name in named.items() if day not in self.make_up_days)

    def _next_working(self, day: date, step: timedelta, *, include_start: bool) -> date:
        current = day if include_start else day + step
        for _ in range(_MAX_STEPS):
            if self.is_working_day(current):
                return current
            current += step
        raise ValueError(
            f"Không tìm thấy ngày làm việc gần {day:%d/%m/%Y} (no working day found near that date)"
        )
