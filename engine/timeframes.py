"""A task's timeframe ("Thời gian thực hiện"), kept as written and parsed into a structured form.

Plans write timeframes freely: "Thường xuyên", "Hàng năm", "Quý III-IV/2024", "2019-2020",
"Từ năm 2024 đến hết năm 2030", "Trước ngày 15/12/2019 và khi có sự thay đổi". The parser
understands these forms and their combinations, and answers "unknown" (keeping the text) for
anything else: it never raises on user text.

Combinations are read clause by clause (clauses are separated by ",", ";", "và", "hoặc"):

* a trailing "khi ..." condition ("khi có sự thay đổi", "khi có yêu cầu") goes to ``also_when``;
* "hàng năm" / "hằng năm" / "thường niên" makes the task annual, "thường xuyên" / "liên tục"
  ongoing (ongoing wins when both appear: "Thường xuyên hàng năm");
* a bare day/month ("trước ngày 15/11") in a recurring timeframe is its yearly due day;
* dates bound a recurring timeframe ("Hàng năm, giai đoạn 2021-2025" runs 2021-2025), except
  that a recurring clause written after them continues it open-ended ("2019-2020 và thường
  xuyên hàng năm" starts in 2019 and has no end).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

ONGOING: Final = "ongoing"
ANNUAL: Final = "annual"
QUARTER_RANGE: Final = "quarter_range"
YEAR_RANGE: Final = "year_range"
MONTH: Final = "month"
DUE_DATE: Final = "due_date"
ON_EVENT: Final = "on_event"  # only when something happens: "Khi có yêu cầu", "Đột xuất"
UNKNOWN: Final = "unknown"
KINDS: Final = (ONGOING, ANNUAL, QUARTER_RANGE, YEAR_RANGE, MONTH, DUE_DATE, ON_EVENT, UNKNOWN)
_DAY_MONTH: Final = "day_month"  # internal: a yearly day/month with no year ("trước ngày 15/11")

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_FLAGS = re.IGNORECASE
_YEAR = r"((?:19|20|21)\d{2})"
_QUARTER = r"(iv|iii|ii|i|[1-4])"
_NUM = r"(\d{1,2})"
_IN_YEAR = r"\s*(?:/|năm)\s*"  # "Quý I/2020", "Quý II năm 2024", "Tháng 10 năm 2023"
_TO = r"\s*(?:-|đến|tới|và)\s*"
_DATE = r"(\d{1,2})\s*(?:[/.-]\s*(\d{1,2})\s*[/.-]|\s+tháng\s+(\d{1,2}),?\s+năm)\s*(\d{4})"
_DEADLINE = (
    r"(?:(?:hoàn thành|thực hiện xong|xong|báo cáo|gửi)\s+)?"
    r"(?:trước|chậm nhất(?:\s+(?:là|vào))?|muộn nhất|không quá|hạn chót|hạn|đến)\s*:?\s*(?:ngày\s+)?"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MAX_LENGTH = 300  # a timeframe is a table cell; longer text is a paragraph, not a timeframe

_WHEN = re.compile(
    r"(?:^|[\s,;]+)(?:(?:và|hoặc)\s+)?(?:đột xuất\s+)?(?:khi|lúc|trong trường hợp)\s+(?P<when>.+)$", _FLAGS
)
_ANNUAL = re.compile(r"(?:định kỳ\s+)?(?:(?:hàng|hằng|mỗi)\s+năm|thường niên)", _FLAGS)
_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:và|hoặc)\s+", _FLAGS)
_TRIM = re.compile(r"^(?:[\s,;:.\-]|(?:và|hoặc)\s)+|(?:[\s,;:.\-]|\s(?:và|hoặc))+$", _FLAGS)

_ONGOING_RE = re.compile(r"(?:thực hiện\s+)?(?:thường xuyên|liên tục)(?:,?\s+liên tục)?", _FLAGS)
_EVENT_RE = re.compile(r"đột xuất|khi cần|khi có yêu cầu|theo yêu cầu", _FLAGS)
_QUARTERS_RE = re.compile(
    rf"(?:trong\s+|từ\s+)?quý\s+{_QUARTER}(?:{_TO}(?:quý\s+)?{_QUARTER})?{_IN_YEAR}{_YEAR}", _FLAGS
)
_QUARTER_SPAN_RE = re.compile(
    rf"(?:từ\s+)?quý\s+{_QUARTER}{_IN_YEAR}{_YEAR}\s*(?:-|đến|tới)\s*(?:hết\s+)?quý\s+{_QUARTER}{_IN_YEAR}{_YEAR}",
    _FLAGS,
)
_YEARS_RE = re.compile(
    rf"(?:(?:trong\s+)?(?:giai đoạn|các năm|năm)\s+|từ\s+(?:năm\s+)?)?{_YEAR}"
    rf"\s*(?:-|đến|tới)\s*(?:hết\s+)?(?:năm\s+)?{_YEAR}",
    _FLAGS,
)
_ONE_YEAR_RE = re.compile(rf"(?:trong\s+)?(?:năm\s+)?{_YEAR}", _FLAGS)
_UNTIL_YEAR_RE = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?năm\s+{_YEAR}", _FLAGS)
_FROM_YEAR_RE = re.compile(rf"từ\s+(?:năm\s+)?{_YEAR}(?:\s+trở đi)?", _FLAGS)
_MONTHS_RE = re.compile(
    rf"(?:(?:trong\s+|từ\s+)?tháng\s+{_NUM}(?:{_TO}(?:tháng\s+)?{_NUM})?{_IN_YEAR}|{_NUM}\s*/\s*){_YEAR}",
    _FLAGS,
)
_DUE_RE = re.compile(_DEADLINE + _DATE, _FLAGS)
_ON_DAY_RE = re.compile(rf"(?:(?:vào|trong)\s+)?(?:ngày\s+)?{_DATE}", _FLAGS)
_DAY_SPAN_RE = re.compile(
    rf"từ\s+(?:ngày\s+)?{_DATE}\s*(?:-|đến|tới)\s*(?:hết\s+)?(?:ngày\s+)?{_DATE}", _FLAGS
)
_DAY_MONTH_RE = re.compile(rf"(?:{_DEADLINE}|(?:vào\s+)?ngày\s+)?{_NUM}\s*(?:/|\s+tháng\s+){_NUM}", _FLAGS)


@dataclass(frozen=True)
class Timeframe:
    """A timeframe as written (``text``) and as understood (the other fields).

    ``start`` is the first day covered and ``end`` the last day or due date, when known;
    ``due_day_month`` is a yearly due day as ``(day, month)``; ``also_when`` an extra condition
    such as "có sự thay đổi" (from "... và khi có sự thay đổi").
    """

    text: str
    kind: str
    start: date | None = None
    end: date | None = None
    due_day_month: tuple[int, int] | None = None
    also_when: str | None = None

    def is_active_in(self, year: int) -> bool:
        """Whether the task runs during ``year``.

        Unknown and event-driven timeframes say True: a task must not drop out of a report
        because nobody could read its timeframe. A due date with no start belongs to its year.
        """
        if self.kind in (UNKNOWN, ON_EVENT):
            return True
        if self.kind == DUE_DATE and self.start is None:
            return self.end is None or self.end.year == year
        return (self.start is None or self.start.year <= year) and (self.end is None or year <= self.end.year)

    def deadline_in(self, year: int) -> date | None:
        """When the task is due for reporting year ``year``; None if it is not due that year.

        Recurring timeframes are due on their yearly day (``due_day_month``), else on 31/12.
        Dated timeframes are due on their end, or on 31/12 for each earlier year of a span that
        runs on ("Từ năm 2024 đến hết năm 2030" is due 31/12/2024 for 2024). Unknown and
        event-driven timeframes have no deadline.
        """
        if self.kind in (UNKNOWN, ON_EVENT) or not self.is_active_in(year):
            return None
        year_end = date(year, 12, 31)
        if self.due_day_month is not None and (self.kind != DUE_DATE or self.end is None):
            due = _clamped_date(year, self.due_day_month)
            return min(due, self.end) if self.end is not None else due
        return min(self.end, year_end) if self.end is not None else year_end


@dataclass(frozen=True)
class _Part:
    kind: str
    start: date | None = None
    end: date | None = None
    due_day_month: tuple[int, int] | None = None


def parse_timeframe(text: str) -> Timeframe:
    """Parse a timeframe as written in a plan; kind ``unknown`` for anything not understood."""
    written = " ".join(unicodedata.normalize("NFC", str(text)).split())
    if len(written) > _MAX_LENGTH:
        return Timeframe(text=written, kind=UNKNOWN)
    work = written.translate(_DASHES)
    also_when = None
    when = _WHEN.search(work)
    if when is not None:
        also_when = _TRIM.sub("", when.group("when").replace("(", " ").replace(")", " ")) or None
        work = work[: when.start()]
    work = " ".join(re.sub(r"[()\[\]]", ", ", work).split())
    parts = _parts(work)
    if parts == [] and also_when is not None:
        parts = [_Part(ON_EVENT)]
    combined = _combine(parts) if parts else None
    if combined is None:
        return Timeframe(text=written, kind=UNKNOWN)
    return Timeframe(
        text=written,
        kind=combined.kind,
        start=combined.start,
        end=combined.end,
        due_day_month=combined.due_day_month,
        also_when=also_when,
    )


def _parts(text: str) -> list[_Part] | None:
    """Read the clauses of ``text`` in order; None if any clause is not understood."""
    text = _TRIM.sub("", text)
    if not text:
        return []
    annual = _ANNUAL.search(text)
    if annual is not None:
        before, after = _parts(text[: annual.start()]), _parts(text[annual.end() :])
        if before is None or after is None:
            return None
        return [*before, _Part(ANNUAL), *after]
    single = _clause(text)
    if single is not None:
        return [single]
    pieces = _SPLIT.split(text)
    if len(pieces) < 2:
        return None
    found: list[_Part] = []
    for piece in pieces:
        parsed = _parts(piece)
        if parsed is None:
            return None
        found.extend(parsed)
    return found


def _clause(text: str) -> _Part | None:
    """One clause with no separators, or None."""
    try:
        return _clause_unchecked(text)
    except ValueError:  # a date that does not exist, such as 31/2/2024
        return None


def _clause_unchecked(text: str) -> _Part | None:
    if _ONGOING_RE.fullmatch(text):
        return _Part(ONGOING)
    if _EVENT_RE.fullmatch(text):
        return _Part(ON_EVENT)
    if m := _QUARTERS_RE.fullmatch(text):
        first, last, year = _quarter(m[1]), _quarter(m[2] or m[1]), int(m[3])
        return _span(QUARTER_RANGE, _quarter_start(year, first), _quarter_end(year, last))
    if m := _QUARTER_SPAN_RE.fullmatch(text):
        start = _quarter_start(int(m[2]), _quarter(m[1]))
        return _span(QUARTER_RANGE, start, _quarter_end(int(m[4]), _quarter(m[3])))
    if m := _YEARS_RE.fullmatch(text):
        return _span(YEAR_RANGE, date(int(m[1]), 1, 1), date(int(m[2]), 12, 31))
    if m := _ONE_YEAR_RE.fullmatch(text):
        return _Part(YEAR_RANGE, date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
    if m := _UNTIL_YEAR_RE.fullmatch(text):
        return _Part(YEAR_RANGE, None, date(int(m[1]), 12, 31))
    if m := _FROM_YEAR_RE.fullmatch(text):
        return _Part(YEAR_RANGE, date(int(m[1]), 1, 1), None)
    if m := _MONTHS_RE.fullmatch(text):
        year, first = int(m[4]), int(m[1] or m[3])
        last = int(m[2]) if m[2] else first
        return _span(MONTH, date(year, first, 1), _month_end(year, last))
    if m := _DUE_RE.fullmatch(text):
        return _Part(DUE_DATE, None, _date(m.groups()))
    if m := _DAY_SPAN_RE.fullmatch(text):
        return _span(DUE_DATE, _date(m.groups()[:4]), _date(m.groups()[4:]))
    if m := _ON_DAY_RE.fullmatch(text):
        day = _date(m.groups())
        return _Part(DUE_DATE, day, day)
    if m := _DAY_MONTH_RE.fullmatch(text):
        day_month = (int(m[1]), int(m[2]))
        date(2000, day_month[1], day_month[0])  # validates, 29/2 included
        return _Part(_DAY_MONTH, due_day_month=day_month)
    return None


def _combine(parts: list[_Part]) -> _Part | None:
    """One reading of several clauses, or None when they do not fit together."""
    core = [part for part in parts if part.kind != ON_EVENT]
    if not core:
        return _Part(ON_EVENT)
    day_months = {part.due_day_month for part in core if part.due_day_month is not None}
    if len(day_months) > 1:
        return None
    day_month = next(iter(day_months), None)
    recurring = [i for i, part in enumerate(core) if part.kind in (ONGOING, ANNUAL)]
    dated = [i for i, part in enumerate(core) if part.kind not in (ONGOING, ANNUAL, _DAY_MONTH)]
    starts = [part.start for part in core if part.start is not None]
    ends = [part.end for part in core if part.end is not None]
    if recurring:
        kind = ONGOING if any(core[i].kind == ONGOING for i in recurring) else ANNUAL
        open_ended = any(i > j for i in recurring for j in dated) or any(
            part.start is not None and part.end is None for part in core
        )
        start = min(starts) if starts else None
        end = None if open_ended or not ends else max(ends)
        return _Part(kind, start, end, day_month)
    if not dated:
        return _Part(DUE_DATE, due_day_month=day_month)
    kinds = {core[i].kind for i in dated}
    if len(kinds) > 1:
        return None
    kind = kinds.pop()
    spans = [core[i] for i in dated]
    start = min(starts) if len(starts) == len(spans) else None
    end = max(ends) if len(ends) == len(spans) else None
    if day_month is None:
        return _Part(kind, start, end)
    # A day/month inside one year: "Năm 2024, trước ngày 15/11" is due 15/11/2024.
    if kind == DUE_DATE or end is None or (start is not None and start.year != end.year):
        return None
    return _Part(DUE_DATE, start, _clamped_date(end.year, day_month))


def _span(kind: str, start: date, end: date) -> _Part | None:
    return _Part(kind, start, end) if start <= end else None


def _quarter(token: str) -> int:
    return _ROMAN.get(token.lower()) or int(token)


def _quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, 3 * quarter)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _date(groups: tuple[str | None, ...]) -> date:
    day, numeric_month, worded_month, year = groups[:4]
    return date(int(year or 0), int(numeric_month or worded_month or 0), int(day or 0))


def _clamped_date(year: int, day_month: tuple[int, int]) -> date:
    """``day_month`` in ``year``; 29/02 becomes 28/02 in a common year."""
    day, month = day_month
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
