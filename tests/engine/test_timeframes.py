from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from engine.timeframes import (
    ANNUAL,
    DUE_DATE,
    KINDS,
    MONTH,
    ON_EVENT,
    ONGOING,
    QUARTER_RANGE,
    UNKNOWN,
    YEAR_RANGE,
    Timeframe,
    parse_timeframe,
)

# Every timeframe written in /work/shared/examples/*.txt: the task-table cells of the Tây Ninh
# plan, the "Thời gian:" lines of the Bắc Giang plan, and the deadlines and periods in the text.
# Columns: text, kind, start, end, due_day_month, also_when.
FROM_EXAMPLES = [
    # bac-giang-province-plan.txt
    ("Thường xuyên", ONGOING, None, None, None, None),
    ("Thường xuyên.", ONGOING, None, None, None, None),
    ("Hàng năm", ANNUAL, None, None, None, None),
    ("Hàng năm.", ANNUAL, None, None, None, None),
    ("Từ năm 2022 đến hết năm 2030", YEAR_RANGE, date(2022, 1, 1), date(2030, 12, 31), None, None),
    ("Từ năm 2022 đến hết năm 2030.", YEAR_RANGE, date(2022, 1, 1), date(2030, 12, 31), None, None),
    ("xong trước ngày 15/11/2022", DUE_DATE, None, date(2022, 11, 15), None, None),
    ("trước ngày 15/11/2022", DUE_DATE, None, date(2022, 11, 15), None, None),
    ("Định kỳ hằng năm (trước ngày 15/11)", ANNUAL, None, None, (15, 11), None),
    ("đến năm 2025", YEAR_RANGE, None, date(2025, 12, 31), None, None),
    ("đến năm 2030", YEAR_RANGE, None, date(2030, 12, 31), None, None),
    ("Định kỳ, đột xuất", UNKNOWN, None, None, None, None),  # "định kỳ" alone names no period
    # tay-ninh-decision-and-plan.txt, task table
    ("Thường xuyên hàng năm", ONGOING, None, None, None, None),
    ("2019-2020", YEAR_RANGE, date(2019, 1, 1), date(2020, 12, 31), None, None),
    ("2019-2020 và thường xuyên hàng năm", ONGOING, date(2019, 1, 1), None, None, None),
    (
        "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối",
        DUE_DATE,
        None,
        date(2019, 12, 15),
        None,
        "có sự thay đổi về thông tin đầu mối",
    ),
    # tay-ninh-decision-and-plan.txt, text
    ("Định kỳ hàng năm", ANNUAL, None, None, None, None),
    ("Hàng năm", ANNUAL, None, None, None, None),
    ("đột xuất khi có yêu cầu", ON_EVENT, None, None, None, "có yêu cầu"),
    ("đến năm 2020", YEAR_RANGE, None, date(2020, 12, 31), None, None),
    ("hàng năm và giai đoạn", UNKNOWN, None, None, None, None),
    ("hàng năm, giai đoạn 5 năm", UNKNOWN, None, None, None, None),
    # Cells the table extraction merged with the neighbouring "Đơn vị phối hợp" cell: not a timeframe.
    (
        "Các Sở, Ban, ngành; UBND các huyện, thành phố Thường xuyên hàng năm",
        UNKNOWN,
        None,
        None,
        None,
        None,
    ),
    (
        "Công an tỉnh; các Sở, Ban, ngành; UBND các huyện, thành phố Thường xuyên hàng năm",
        UNKNOWN,
        None,
        None,
        None,
        None,
    ),
    ("Sở Kế hoạch và Đầu tư; Sở Tài chính; Thường xuyên hàng năm", UNKNOWN, None, None, None, None),
    ("Sở Kế hoạch và Đầu tư; Sở Tài chính Thường xuyên hàng năm", UNKNOWN, None, None, None, None),
    (
        "Sở Kế hoạch và Đầu tư; Sở Tài chính 2019-2020 và thường xuyên hàng năm",
        UNKNOWN,
        None,
        None,
        None,
        None,
    ),
]

# The forms DOMAIN.md and plans like these use, beyond the two samples.
OTHER_FORMS = [
    ("Thường xuyên, liên tục", ONGOING, None, None, None, None),
    ("THƯỜNG XUYÊN", ONGOING, None, None, None, None),
    ("Liên tục", ONGOING, None, None, None, None),
    ("Hằng năm", ANNUAL, None, None, None, None),
    ("Thường niên", ANNUAL, None, None, None, None),
    ("Trước ngày 15/11 hàng năm", ANNUAL, None, None, (15, 11), None),
    ("Trước ngày 25/11 hằng năm", ANNUAL, None, None, (25, 11), None),
    ("Hàng năm, trước ngày 25 tháng 11", ANNUAL, None, None, (25, 11), None),
    ("Hàng năm, giai đoạn 2021-2025", ANNUAL, date(2021, 1, 1), date(2025, 12, 31), None, None),
    ("Hàng năm hoặc khi có yêu cầu", ANNUAL, None, None, None, "có yêu cầu"),
    ("Quý III-IV/2024", QUARTER_RANGE, date(2024, 7, 1), date(2024, 12, 31), None, None),
    ("QUÝ III – IV/2024", QUARTER_RANGE, date(2024, 7, 1), date(2024, 12, 31), None, None),
    ("quý iii-iv/2024", QUARTER_RANGE, date(2024, 7, 1), date(2024, 12, 31), None, None),
    ("Quý I/2020", QUARTER_RANGE, date(2020, 1, 1), date(2020, 3, 31), None, None),
    ("Quý II năm 2024", QUARTER_RANGE, date(2024, 4, 1), date(2024, 6, 30), None, None),
    ("Quý 3/2024", QUARTER_RANGE, date(2024, 7, 1), date(2024, 9, 30), None, None),
    ("Quý III và IV/2024", QUARTER_RANGE, date(2024, 7, 1), date(2024, 12, 31), None, None),
    ("Quý IV/2024 - Quý I/2025", QUARTER_RANGE, date(2024, 10, 1), date(2025, 3, 31), None, None),
    ("2024-2025", YEAR_RANGE, date(2024, 1, 1), date(2025, 12, 31), None, None),
    ("2024 – 2025", YEAR_RANGE, date(2024, 1, 1), date(2025, 12, 31), None, None),
    ("Năm 2020", YEAR_RANGE, date(2020, 1, 1), date(2020, 12, 31), None, None),
    ("Trong năm 2024", YEAR_RANGE, date(2024, 1, 1), date(2024, 12, 31), None, None),
    ("Từ năm 2024 đến hết năm 2030", YEAR_RANGE, date(2024, 1, 1), date(2030, 12, 31), None, None),
    ("Giai đoạn 2021-2025", YEAR_RANGE, date(2021, 1, 1), date(2025, 12, 31), None, None),
    ("Giai đoạn 2021 — 2025", YEAR_RANGE, date(2021, 1, 1), date(2025, 12, 31), None, None),
    ("Từ năm 2024", YEAR_RANGE, date(2024, 1, 1), None, None, None),
    ("Tháng 6/2024", MONTH, date(2024, 6, 1), date(2024, 6, 30), None, None),
    ("Tháng 10 năm 2023", MONTH, date(2023, 10, 1), date(2023, 10, 31), None, None),
    ("Tháng 2/2024", MONTH, date(2024, 2, 1), date(2024, 2, 29), None, None),
    ("Tháng 6-8/2024", MONTH, date(2024, 6, 1), date(2024, 8, 31), None, None),
    ("Trước ngày 15/12/2019", DUE_DATE, None, date(2019, 12, 15), None, None),
    ("Trước 30/6/2024", DUE_DATE, None, date(2024, 6, 30), None, None),
    ("Chậm nhất ngày 30/6/2024", DUE_DATE, None, date(2024, 6, 30), None, None),
    ("Trước ngày 15 tháng 12 năm 2019", DUE_DATE, None, date(2019, 12, 15), None, None),
    ("Ngày 15/11/2022", DUE_DATE, date(2022, 11, 15), date(2022, 11, 15), None, None),
    ("15-11-2022", DUE_DATE, date(2022, 11, 15), date(2022, 11, 15), None, None),
    ("Từ ngày 1/1/2024 đến ngày 30/6/2024", DUE_DATE, date(2024, 1, 1), date(2024, 6, 30), None, None),
    ("Năm 2024, trước ngày 15/11", DUE_DATE, date(2024, 1, 1), date(2024, 11, 15), None, None),
    ("Trước ngày 15/11", DUE_DATE, None, None, (15, 11), None),
    (
        "Trước ngày 15/12/2019 và khi có sự thay đổi",
        DUE_DATE,
        None,
        date(2019, 12, 15),
        None,
        "có sự thay đổi",
    ),
    ("Khi có yêu cầu", ON_EVENT, None, None, None, "có yêu cầu"),
    ("Đột xuất", ON_EVENT, None, None, None, None),
]

NOT_UNDERSTOOD = [
    "",
    "   ",
    "Sớm",
    "Định kỳ",
    "Quý V/2024",
    "2025-2020",
    "Trước ngày 31/2/2024",
    "Tháng 13/2024",
    "Trước ngày 32/1",
    "Quý III/2024 và thường xuyên và 2025-2020",
    "hàng năm " * 60,
    "x" * 5000,
]


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "due_day_month", "also_when"), FROM_EXAMPLES + OTHER_FORMS
)
def test_parses(
    text: str,
    kind: str,
    start: date | None,
    end: date | None,
    due_day_month: tuple[int, int] | None,
    also_when: str | None,
) -> None:
    parsed = parse_timeframe(text)
    assert (parsed.kind, parsed.start, parsed.end) == (kind, start, end)
    assert parsed.due_day_month == due_day_month
    assert parsed.also_when == also_when
    assert parsed.text == " ".join(text.split())
    assert parsed.kind in KINDS


@pytest.mark.parametrize("text", NOT_UNDERSTOOD)
def test_unknown_keeps_the_text_and_never_raises(text: str) -> None:
    parsed = parse_timeframe(text)
    assert parsed == Timeframe(text=" ".join(text.split()), kind=UNKNOWN)


def test_decomposed_input_is_read_and_kept_composed() -> None:
    text = unicodedata.normalize("NFD", "Quý III-IV/2024")
    parsed = parse_timeframe(text)
    assert parsed.kind == QUARTER_RANGE
    assert parsed.text == "Quý III-IV/2024"
    assert parse_timeframe(unicodedata.normalize("NFD", "Thường xuyên hàng năm")).kind == ONGOING


def test_text_keeps_the_writing_but_collapses_whitespace() -> None:
    assert parse_timeframe("  Quý  III–IV/2024 ").text == "Quý III–IV/2024"


def test_deadlines_of_recurring_timeframes() -> None:
    assert parse_timeframe("Thường xuyên").deadline_in(2024) == date(2024, 12, 31)
    assert parse_timeframe("Hàng năm").deadline_in(2025) == date(2025, 12, 31)
    assert parse_timeframe("Trước ngày 15/11 hàng năm").deadline_in(2024) == date(2024, 11, 15)
    assert parse_timeframe("Định kỳ hằng năm (trước ngày 15/11)").deadline_in(2023) == date(2023, 11, 15)
    assert parse_timeframe("Trước ngày 29/2 hàng năm").deadline_in(2025) == date(2025, 2, 28)
    bounded = parse_timeframe("Hàng năm, giai đoạn 2021-2025")
    assert bounded.deadline_in(2020) is None
    assert bounded.deadline_in(2025) == date(2025, 12, 31)
    assert bounded.deadline_in(2026) is None


def test_deadlines_of_dated_timeframes() -> None:
    span = parse_timeframe("Từ năm 2022 đến hết năm 2030")
    assert span.deadline_in(2021) is None
    assert span.deadline_in(2024) == date(2024, 12, 31)
    assert span.deadline_in(2030) == date(2030, 12, 31)
    assert span.deadline_in(2031) is None
    quarters = parse_timeframe("Quý IV/2024 - Quý I/2025")
    assert quarters.deadline_in(2024) == date(2024, 12, 31)
    assert quarters.deadline_in(2025) == date(2025, 3, 31)
    assert parse_timeframe("Quý III-IV/2024").deadline_in(2024) == date(2024, 12, 31)
    assert parse_timeframe("Tháng 6/2024").deadline_in(2024) == date(2024, 6, 30)
    due = parse_timeframe("Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối")
    assert due.deadline_in(2019) == date(2019, 12, 15)
    assert due.deadline_in(2020) is None
    assert parse_timeframe("Trước ngày 15/11").deadline_in(2026) == date(2026, 11, 15)
    started = parse_timeframe("2019-2020 và thường xuyên hàng năm")
    assert started.deadline_in(2018) is None
    assert started.deadline_in(2019) == date(2019, 12, 31)
    assert started.deadline_in(2040) == date(2040, 12, 31)


def test_unknown_and_event_timeframes_have_no_deadline_but_stay_active() -> None:
    for text in ["Sớm", "Khi có yêu cầu"]:
        parsed = parse_timeframe(text)
        assert parsed.deadline_in(2024) is None
        assert parsed.is_active_in(2024)


def test_is_active_in() -> None:
    assert parse_timeframe("Thường xuyên").is_active_in(1999)
    assert parse_timeframe("2019-2020").is_active_in(2019)
    assert parse_timeframe("2019-2020").is_active_in(2020)
    assert not parse_timeframe("2019-2020").is_active_in(2021)
    assert not parse_timeframe("Quý I/2020").is_active_in(2019)
    assert parse_timeframe("Trước 30/6/2024").is_active_in(2024)
    assert not parse_timeframe("Trước 30/6/2024").is_active_in(2023)
    assert parse_timeframe("Từ ngày 1/11/2023 đến ngày 30/6/2024").is_active_in(2023)
    assert parse_timeframe("Từ năm 2024").is_active_in(2050)
    assert not parse_timeframe("Đến năm 2025").is_active_in(2026)
