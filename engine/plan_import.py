"""Read a plan's task table out of a Word document or a spreadsheet (pure: no database).

What the tables of real plans look like, and how each case is read:

* The columns are found by their headers: STT, Nội dung / Tên nhiệm vụ, Đơn vị chủ trì, Đơn vị
  phối hợp, Thời gian thực hiện, Kết quả (sản phẩm), Chỉ tiêu đánh giá; a header may take two
  rows ("Đơn vị thực hiện" over "Chủ trì | Phối hợp"); a row numbering the columns "(1) (2) ..."
  is skipped.
* A table split across pages comes as several tables: each one repeating the header, or one
  with no header right after the previous table. A row cut by the page break goes on at the top
  of the next table with an empty STT: its cells are added to the row above ("... các văn" +
  "bản của Chính phủ ..."). A cell whose text slid above its row instead (an STT-less first row
  whose cells are empty in the numbered row below) joins that row.
* Group rows carry a heading and no units: "I", "II"... (or "A", "B") start a section; a
  heading numbered otherwise inside a section ("1" under "III") starts a sub-section "III.1".
* Unit cells are split into units with their scope notes by ``engine.plan_import_cells``.
* Timeframes are kept as written; ``engine.timeframes`` parses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from engine.import_results import ImportRow, ImportSection
from engine.names import normalise_name
from engine.plan_import_cells import clean, format_units, split_units
from engine.plan_import_docx import read_docx
from engine.plan_import_files import DOCX, FileProblem, RawCell, RawTable, kind_of
from engine.plan_import_xlsx import read_xlsx

NUMBER: Final = "number"
CONTENT: Final = "content"
LEAD: Final = "lead"
COORDINATING: Final = "coordinating"
TIMEFRAME: Final = "timeframe"
RESULT: Final = "expected_result"
INDICATOR: Final = "indicator"
NOTE: Final = "note"
COLUMN_LABELS: Final = {
    NUMBER: "STT",
    CONTENT: "Nội dung",
    LEAD: "Đơn vị chủ trì",
    COORDINATING: "Đơn vị phối hợp",
    TIMEFRAME: "Thời gian thực hiện",
    RESULT: "Kết quả",
    INDICATOR: "Chỉ tiêu đánh giá",
    NOTE: "Ghi chú",
}
DETAIL_KINDS: Final = (LEAD, COORDINATING, TIMEFRAME, RESULT, INDICATOR)
MAX_ROWS: Final = 500
MAX_SECTIONS: Final = 60
NO_TABLE: Final = (
    "Không tìm thấy bảng nhiệm vụ trong tệp: cần một bảng có cột “Nội dung” (hoặc “Tên nhiệm vụ”) "
    "và cột “Đơn vị chủ trì”."
)

# Header words, checked in this order (the first that occurs names the column).
_HEADER_WORDS: Final = (
    (COORDINATING, ("phối hợp",)),
    (LEAD, ("chủ trì", "đơn vị thực hiện", "cơ quan thực hiện")),
    (TIMEFRAME, ("thời gian", "thời hạn", "tiến độ", "thời điểm")),
    (INDICATOR, ("chỉ tiêu", "tiêu chí", "chỉ số")),
    (RESULT, ("kết quả", "sản phẩm")),
    (NOTE, ("ghi chú",)),
    (CONTENT, ("nội dung", "nhiệm vụ", "công việc", "giải pháp", "hoạt động", "đề án", "tên ")),
)
_NUMBER_HEADERS: Final = {"stt", "tt", "số tt", "số thứ tự", "thứ tự"}
_HEADER_SCAN_ROWS: Final = 12
_MAX_HEADER_CHARS: Final = 80

_ROMAN: Final = re.compile(r"(?:(?:Phần|PHẦN|Mục|MỤC)\s+)?[IVXLC]+")
_LETTER: Final = re.compile(r"[A-H]")
_NUMBER_WITH_TITLE: Final = re.compile(r"^((?:[IVXLC]+|[A-H]))[.)]\s+(\S.*)$", re.DOTALL)
_COLUMN_NUMBER: Final = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass(frozen=True)
class ParsedTable:
    """The task table found in a file: sections with rows, the columns found, remarks for the user."""

    sections: tuple[ImportSection, ...]
    columns: tuple[str, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Header:
    row: int
    height: int
    columns: dict[str, int]


@dataclass
class _Item:
    heading: bool
    number: str
    cells: dict[str, str] = field(default_factory=dict)


def read_task_table(data: bytes, *, is_known: Callable[[str], bool] = lambda _name: False) -> ParsedTable:
    """Find the task table of a .docx or .xlsx file and read it into sections and rows.

    ``is_known`` tells whether the organisation knows a unit or group name, to split unit cells
    the way the organisation names things. Raises ``FileProblem`` (a Vietnamese message) for a
    file that is not a readable Word document or workbook, or that holds no task table.
    """
    # The bytes decide what the file is, never its name.
    tables = read_docx(data) if kind_of(data) == DOCX else read_xlsx(data)
    return parse_tables(tables, is_known=is_known)


def parse_tables(
    tables: Sequence[RawTable], *, is_known: Callable[[str], bool] = lambda _name: False
) -> ParsedTable:
    """Read raw tables (in document order) into the task table; see the module docstring."""
    pieces: list[tuple[dict[str, int], list[tuple[RawCell, ...]]]] = []
    skipped = 0
    previous: RawTable | None = None
    for table in tables:
        header = _find_header(table.rows)
        if header is not None:
            pieces.append((header.columns, list(table.rows[header.row + header.height :])))
        elif (
            pieces
            and table.follows_table
            and previous is not None
            and _width(table) == _width(previous)
            and any(_has_text(row) for row in table.rows)
        ):
            pieces.append((pieces[-1][0], list(table.rows)))
            header = _Header(0, 0, pieces[-1][0])
        elif any(_has_text(row) for row in table.rows):
            skipped += 1
        previous = table if header is not None else None
    if not pieces:
        raise FileProblem(NO_TABLE)
    items = _items(pieces)
    sections = _sections(items, is_known)
    found = {kind for columns, _rows in pieces for kind in columns}
    warnings = []
    for kind in (COORDINATING, TIMEFRAME):
        if kind not in found:
            warnings.append(f"Không thấy cột “{COLUMN_LABELS[kind]}”: các ô này để trống, hãy bổ sung.")
    if skipped:
        warnings.append(f"Bỏ qua {skipped} bảng khác trong tệp (không phải bảng nhiệm vụ).")
    if sum(len(s.rows) for s in sections) > MAX_ROWS:
        raise FileProblem(f"Bảng có quá nhiều dòng: tối đa {MAX_ROWS} nhiệm vụ mỗi lần nhập.")
    if len(sections) > MAX_SECTIONS:
        raise FileProblem(f"Bảng có quá nhiều mục: tối đa {MAX_SECTIONS} mục mỗi lần nhập.")
    if not any(s.rows for s in sections):
        raise FileProblem("Bảng nhiệm vụ trong tệp chưa có dòng nhiệm vụ nào.")
    columns = tuple(COLUMN_LABELS[k] for k in COLUMN_LABELS if k in found and k != NOTE)
    return ParsedTable(sections=tuple(sections), columns=columns, warnings=tuple(warnings))


# -- headers --------------------------------------------------------------------------------------


def _width(table: RawTable) -> int:
    return max((len(row) for row in table.rows), default=0)


def _has_text(row: Sequence[RawCell]) -> bool:
    return any(cell.text.strip() and not cell.merged_above for cell in row)


def _header_kind(text: str) -> str | None:
    key = normalise_name(text.replace("\n", " ")).strip(" .:*")
    if not key or len(key) > _MAX_HEADER_CHARS:
        return None
    if key in _NUMBER_HEADERS:
        return NUMBER
    for kind, words in _HEADER_WORDS:
        if any(word in key + " " for word in words):
            return kind
    return None


def _classify(texts: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(texts):
        kind = _header_kind(text)
        if kind is not None and kind not in columns:
            columns[kind] = index
    return columns


def _find_header(rows: Sequence[Sequence[RawCell]]) -> _Header | None:
    for index in range(min(len(rows), _HEADER_SCAN_ROWS)):
        single = _classify([cell.text for cell in rows[index]])
        if CONTENT not in single or LEAD not in single:
            continue
        if index + 1 < len(rows) and _may_be_subheader(rows[index + 1], single):
            top, below = rows[index], rows[index + 1]
            texts = []
            for column in range(max(len(top), len(below))):
                upper = _spanning_text(top, column)
                lower = below[column].text if column < len(below) and not below[column].merged_above else ""
                texts.append(f"{upper} {lower}".strip() if lower.strip() else upper)
            double = _classify(texts)
            if len(double) > len(single) and CONTENT in double and LEAD in double:
                return _Header(index, 2, double)
        return _Header(index, 1, single)
    return None


def _spanning_text(row: Sequence[RawCell], column: int) -> str:
    """Return the text over ``column`` in a header row: its own, or that of the cell spanning it."""
    while 0 <= column < len(row):
        if not row[column].spanned:
            return row[column].text
        column -= 1
    return ""


def _may_be_subheader(row: Sequence[RawCell], columns: dict[str, int]) -> bool:
    number = columns.get(NUMBER)
    if number is not None and number < len(row) and row[number].text.strip() and not row[number].merged_above:
        return False
    texts = [c.text for c in row if c.text.strip() and not c.merged_above]
    return bool(texts) and all(len(t) <= _MAX_HEADER_CHARS for t in texts)


# -- rows -----------------------------------------------------------------------------------------


def _values(row: Sequence[RawCell], columns: dict[str, int]) -> tuple[dict[str, str], bool]:
    """Return the row's texts by column kind, and whether its STT continues the row above."""
    number_column = columns.get(NUMBER)
    continued = number_column is not None and number_column < len(row) and row[number_column].merged_above
    values: dict[str, str] = {}
    for kind, column in columns.items():
        cell = row[column] if column < len(row) else RawCell("")
        hidden = cell.spanned or (cell.merged_above and (continued or kind == NUMBER))
        values[kind] = "" if hidden else clean(cell.text)
    return values, continued


def _is_repeated_header(values: dict[str, str], columns: dict[str, int]) -> bool:
    hits = sum(1 for kind in columns if values.get(kind) and _header_kind(values[kind]) == kind)
    return hits >= 2


def _is_column_numbers(values: dict[str, str]) -> bool:
    filled = [v for v in values.values() if v]
    return len(filled) >= 2 and all(_COLUMN_NUMBER.match(v) for v in filled)


def _number(text: str) -> str:
    return text.strip().rstrip(".)").strip()


def _items(pieces: Sequence[tuple[dict[str, int], list[tuple[RawCell, ...]]]]) -> list[_Item]:
    rows: list[tuple[dict[str, str], bool, bool, bool]] = []  # values, continued, piece start, numbered
    for columns, body in pieces:
        first = True
        for raw in body:
            values, continued = _values(raw, columns)
            if not any(values.values()):
                continue
            if _is_repeated_header(values, columns) or _is_column_numbers(values):
                continue
            rows.append((values, continued, first, NUMBER in columns))
            first = False
    items: list[_Item] = []
    pending: dict[str, str] | None = None
    for index, (values, continued, first, numbered) in enumerate(rows):
        number = _number(values.get(NUMBER, ""))
        content = values.get(CONTENT, "")
        titled = _NUMBER_WITH_TITLE.match(number)
        if titled and not content:
            number, content = titled.group(1), titled.group(2)
            values = {**values, CONTENT: content}
        if (
            continued
            or (numbered and not number and (first or not content))
            or (not numbered and not content)
        ):
            # The rest of the row above: cut by a page break (at the top of a table), a cell
            # merged down, or a row holding only more units for it.
            if (
                first
                and not continued
                and not content
                and pending is None
                and _slid_above(values, rows, index)
            ):
                pending = values
                continue
            if items:
                target = items[-1].cells
                for kind, text in values.items():
                    if text and kind != NUMBER:
                        target[kind] = _join(target.get(kind, ""), text)
                continue
        if pending is not None:
            values = {k: _join(pending.get(k, ""), v) for k, v in values.items()}
            pending = None
        heading = not any(values.get(kind) for kind in DETAIL_KINDS)
        items.append(_Item(heading=heading, number=number, cells=dict(values)))
    return items


def _slid_above(
    values: dict[str, str], rows: Sequence[tuple[dict[str, str], bool, bool, bool]], index: int
) -> bool:
    """Tell whether an STT-less first row holds text of the numbered row below (empty there)."""
    if index + 1 >= len(rows):
        return False
    below = rows[index + 1][0]
    if not _number(below.get(NUMBER, "")):
        return False
    filled = [kind for kind, text in values.items() if text]
    return bool(filled) and all(not below.get(kind) for kind in filled)


def _join(before: str, after: str) -> str:
    """Join a cell's text with its continuation on the next page: mid-sentence with a space."""
    if not before:
        return after
    if not after:
        return before
    flowing = after[0].islower() or before.endswith((",", "-", " và", "("))
    return f"{before} {after}" if flowing else f"{before}\n{after}"


# -- sections -------------------------------------------------------------------------------------


def _is_top_code(code: str) -> bool:
    return bool(_ROMAN.fullmatch(code) or _LETTER.fullmatch(code))


def _sections(items: Sequence[_Item], is_known: Callable[[str], bool]) -> list[ImportSection]:
    sections: list[tuple[str, str, list[ImportRow]]] = []
    top_code = ""
    for item in items:
        if item.heading:
            code = item.number
            title = " ".join(item.cells.get(CONTENT, "").split())
            if _is_top_code(code) or not top_code:
                top_code = code or _roman(sum(1 for c, _t, _r in sections if "." not in c) + 1)
                sections.append((top_code, title, []))
            else:
                sections.append((f"{top_code}.{code}", title, []))
            continue
        if not sections:
            sections.append(("", "", []))
        sections[-1][2].append(_row(item, is_known))
    return [ImportSection(code=code[:20], title=title, rows=tuple(rows)) for code, title, rows in sections]


def _row(item: _Item, is_known: Callable[[str], bool]) -> ImportRow:
    cells = item.cells
    return ImportRow(
        number=item.number,
        content=" ".join(cells.get(CONTENT, "").split()),
        lead=format_units(split_units(cells.get(LEAD, ""), is_known)),
        coordinating=format_units(split_units(cells.get(COORDINATING, ""), is_known)),
        timeframe=" ".join(cells.get(TIMEFRAME, "").split()),
        expected_result=cells.get(RESULT, ""),
        indicator=cells.get(INDICATOR, ""),
    )


def _roman(number: int) -> str:
    result = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")):
        while number >= value:
            result, number = result + letters, number - value
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            result, number = result + letters, number - value
    return result
