"""How an official document writes its fixed parts (Nghị định 30/2020/NĐ-CP, Phụ lục I).

- Number and symbol: "Số: 05/KH-UBND" (numbers under 10 take a leading 0); a number the office
  has not given yet is left blank for the clerk ("Số:      /BC-UBND").
- Place and date: "Tây Ninh, ngày 05 tháng 01 năm 2024" (days under 10 and the months January
  and February take a leading 0); an undated draft leaves the day and month blank.
- The issuing body in capitals, its superior above it for departments and offices; "UBND" is
  written out in the header ("ỦY BAN NHÂN DÂN / TỈNH TÂY NINH").
- The signature block: the authority line (TM., KT., Q., TL., TUQ.), the title, the name.
- Recipients: "- Như trên;" ... "- Lưu: VT, ...".
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

BLANK = "\u00a0" * 6  # room for the clerk to write a number, a day or a month by hand
LONG_NAME = 24  # characters of a body's name that fit on one header line
_UBND = re.compile(r"^\s*(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", re.IGNORECASE)
_LOCALITY = re.compile(
    r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+"
    r"(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?P<place>.+)$",
    re.IGNORECASE,
)
# The head of a body, by its level; UBND at every level is headed by its Chairman.
HEAD_TITLES = {
    "province": "CHỦ TỊCH",
    "district": "CHỦ TỊCH",
    "commune": "CHỦ TỊCH",
    "department": "GIÁM ĐỐC",
    "office": "TRƯỞNG PHÒNG",
    "party_cell": "BÍ THƯ",
    "enterprise": "GIÁM ĐỐC",
}
# Bodies that decide collectively: "TM." signs on behalf of the collective.
COLLECTIVES = {
    "province": "ỦY BAN NHÂN DÂN",
    "district": "ỦY BAN NHÂN DÂN",
    "commune": "ỦY BAN NHÂN DÂN",
    "party_cell": "CHI BỘ",
}
PROGRESS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "completed": "Đã hoàn thành",
    "paused": "Tạm dừng",
    "cancelled": "Không thực hiện",
}
TASK_STATUS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện, trong hạn",
    "overdue": "Chưa hoàn thành, quá hạn",
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
    "paused": "Tạm dừng",
    "cancelled": "Hủy bỏ",
}
TRACKING = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện, trong hạn",
    "returned": "Bị trả lại",
    "overdue": "Chưa hoàn thành, quá hạn",
    "completed_on_time": "Hoàn thành đúng hạn",
    "completed_late": "Hoàn thành quá hạn",
}
REPORT_STATUS = {
    "not_opened": "Chưa mở",
    "drafting": "Đang soạn",
    "awaiting_head": "Chờ lãnh đạo đơn vị duyệt",
    "submitted": "Đã gửi",
    "accepted": "Đã tiếp nhận",
    "returned": "Bị trả lại",
}
_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def upper(text: str) -> str:
    """Return Vietnamese text in capitals ("Sở Tài chính" gives "SỞ TÀI CHÍNH")."""
    return unicodedata.normalize("NFC", text).upper()


def full_name(name: str) -> str:
    """Write "UBND" out: "UBND tỉnh Tây Ninh" gives "Ủy ban nhân dân tỉnh Tây Ninh"."""
    return _UBND.sub("Ủy ban nhân dân ", " ".join(name.split()), count=1)


def issuer_lines(name: str) -> tuple[str, ...]:
    """Return the issuing body's header lines in capitals, breaking after "ỦY BAN NHÂN DÂN".

    A long name is cut into two lines of about equal length ("SỞ THÔNG TIN VÀ / TRUYỀN THÔNG"),
    as clerks lay it out, rather than leaving one word alone on the second line.
    """
    written = upper(full_name(name))
    collective = "ỦY BAN NHÂN DÂN "
    if written.startswith(collective):
        return ("ỦY BAN NHÂN DÂN", written.removeprefix(collective))
    words = written.split()
    if len(written) <= LONG_NAME or len(words) < 2:
        return (written,)
    cut = min(
        range(1, len(words)),
        key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))),
    )
    return (" ".join(words[:cut]), " ".join(words[cut:]))


def locality(name: str) -> str | None:
    """Return the place a people's committee is named after ("UBND xã Thái Bình" gives "Thái Bình")."""
    found = _LOCALITY.match(" ".join(name.split()))
    return found.group("place") if found else None


def two_digits(value: int) -> str:
    """Write a number with a leading 0 under 10, as numbers, days and months are written."""
    return f"{value:02d}"


def number_line(number: int | None, doc_type: str, doc_code: str) -> str:
    """Return "Số: 05/KH-UBND"; a blank number when the office has not given one yet.

    ``doc_type`` empty writes an official letter's symbol ("Số: 12/STTTT").
    """
    symbol = f"{doc_type}-{doc_code}" if doc_type else doc_code
    return f"Số: {two_digits(number) if number is not None else BLANK}/{symbol}"


def symbol_of(number: int | None, doc_type: str, doc_code: str) -> str:
    """Return the symbol as the text of a document cites it: "05/KH-UBND" (or blank number)."""
    return number_line(number, doc_type, doc_code).removeprefix("Số: ")


def date_line(place: str, day: date | None, *, year: int | None = None) -> str:
    """Return "Tây Ninh, ngày 05 tháng 01 năm 2024"; without a day, the day and month are blank."""
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm {year or ''}".rstrip()
    month = two_digits(day.month) if day.month < 3 else str(day.month)
    return f"{place}, ngày {two_digits(day.day)} tháng {month} năm {day.year}"


def short_date(day: date | None) -> str:
    """Return "18/10/2019" (or an empty string)."""
    return f"{day:%d/%m/%Y}" if day is not None else ""


def signature_lines(
    form: str | None, level: str, signer_title: str | None, *, collective: bool = True
) -> tuple[str, ...]:
    """Return the authority and title lines of a signature block, in capitals.

    TM. signs for a collective body ("TM. ỦY BAN NHÂN DÂN" over "CHỦ TỊCH"); KT. is a deputy
    ("KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH"); Q. an acting head ("Q. GIÁM ĐỐC"); TL. and TUQ. sign by
    delegation ("TUQ. CHỦ TỊCH" over "CHÁNH VĂN PHÒNG"). ``collective`` false is for documents a
    person issues in their own name (a Chairman's decision). ``form`` None: the head signs.
    """
    head = HEAD_TITLES.get(level, "THỦ TRƯỞNG CƠ QUAN")
    body = COLLECTIVES.get(level) if collective else None
    lines: list[str] = []
    if body and form in (None, "TM", "KT", "Q"):
        lines.append(f"TM. {body}")
    if form in (None, "TM"):
        lines.append(head)
    elif form == "KT":
        lines += [f"KT. {head}", upper(signer_title or f"PHÓ {head}")]
    elif form == "Q":
        lines.append(f"Q. {head}")
    else:
        lines += [f"{form}. {head}", upper(signer_title or "")]
    return tuple(line for line in lines if line)


def recipient_lines(recipients: list[str] | tuple[str, ...], *, keep: str = "Lưu: VT.") -> tuple[str, ...]:
    """Return the "Nơi nhận" list: "- X;" per recipient, the filing line last, ending with ".".

    A list that already files a copy ("Lưu: VT, VP") keeps its own filing line.
    """
    items = [" ".join(r.split()).rstrip(";.,") for r in recipients if r and r.strip()]
    filing = [r for r in items if r.casefold().startswith("lưu")]
    others = [r for r in items if r not in filing]
    ordered = [*others, *(filing or [keep.rstrip(".")])]
    return tuple(f"- {r}{'.' if i == len(ordered) - 1 else ';'}" for i, r in enumerate(ordered))


def roman(number: int) -> str:
    """Return a Roman numeral ("IV"), as appendices and sections are numbered."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def vn_number(value: float | int | Decimal | None) -> str:
    """Write a number the Vietnamese way: "1.500.000", "12,5"; an empty string for none."""
    if value is None:
        return ""
    rounded = round(float(value), 2)
    whole, _dot, decimals = f"{abs(rounded):,.2f}".partition(".")
    decimals = decimals.rstrip("0")
    return ("-" if rounded < 0 else "") + whole.replace(",", ".") + (f",{decimals}" if decimals else "")


def quantity(value: float | int | Decimal | None, unit: str) -> str:
    """Write an amount with its unit: "95%", "1.500 người" (no space before "%")."""
    number = vn_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def percent(share: float) -> str:
    """Write a share as a percentage: 0.125 gives "12,5%"."""
    return f"{vn_number(share * 100)}%"


def first_lower(text: str) -> str:
    """Lower the first letter, to continue a sentence with a title ("Triển khai..." -> "triển khai...")."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def ascii_slug(text: str, *, limit: int = 60) -> str:
    """Return a file-name-safe slug without accents ("Báo cáo Đợt 1" gives "bao-cao-dot-1")."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:limit].rstrip("-") or "van-ban"
