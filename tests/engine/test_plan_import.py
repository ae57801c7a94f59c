"""Importing the task tables of the two example plans from Word and Excel, row by row.

Tây Ninh's appendix table runs over four pages (a row cut by a page break, a timeframe that slid
above its row); Bắc Giang's tasks are laid out as an appendix table over three pages (a column
number row, a page without a header, group titles spanning columns, sub-headings, a timeframe
cell merged down, units as bullets and lines). Each imported row is checked against the plan:
STT, content, lead and coordinating units with their scope notes, the timeframe as written and
as parsed, the section it belongs to. Bad files are refused with a message and nothing is saved.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pytest

from engine import SYSTEM, InvalidSubmission, NotFound, NotPermitted, UserInfo, WorkflowEngine
from engine.import_results import (
    EXISTING,
    NEW_GROUP,
    NEW_UNIT,
    SKIP,
    ImportDraft,
    ImportPreview,
    NamedUnit,
)
from engine.names import normalise_name
from engine.plan_import_cells import parse_unit_lines, split_units
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.conftest import Org
from tests.fixtures import plan_docx as fx

Units = list[tuple[str, str]]

# -- what the plans say -------------------------------------------------------------------------

ANNUAL = "Thường xuyên hàng năm"
LATER = "2019-2020 và thường xuyên hàng năm"
ONGOING = "Thường xuyên"
TO_2030 = "Từ năm 2022 đến hết năm 2030"
# Each timeframe of the two plans as written, and as parsed: kind, start, end, extra condition.
TIMEFRAMES = {
    ANNUAL: ("ongoing", None, None, None),
    "2019-2020": ("year_range", date(2019, 1, 1), date(2020, 12, 31), None),
    LATER: ("ongoing", date(2019, 1, 1), None, None),
    "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối": (
        "due_date",
        None,
        date(2019, 12, 15),
        "có sự thay đổi về thông tin đầu mối",
    ),
    ONGOING: ("ongoing", None, None, None),
    "Hàng năm": ("annual", None, None, None),
    TO_2030: ("year_range", date(2022, 1, 1), date(2030, 12, 31), None),
}

TN_INFO = ("Sở Thông tin và Truyền thông", "")
TN_POLICE = ("Công an tỉnh", "")
TN_DEPTS: Units = [("Các Sở, Ban, ngành", ""), ("UBND các huyện, thành phố", "")]
TN_DEPTS_LOWER: Units = [("các Sở, Ban, ngành", ""), ("UBND các huyện, thành phố", "")]
TN_FINANCE: Units = [("Sở Kế hoạch và Đầu tư", ""), ("Sở Tài chính", "")]
TN_HOME: Units = [("Sở Nội vụ", ""), *TN_DEPTS_LOWER]

# (section, STT, lead, coordinating, timeframe) for each row of Tây Ninh's "DANH MỤC CÁC NHIỆM VỤ".
TAY_NINH_ROWS: list[tuple[str, str, Units, Units, str]] = [
    ("I", "1", [TN_INFO, TN_POLICE], TN_DEPTS, ANNUAL),
    ("I", "2", [TN_INFO], TN_DEPTS, ANNUAL),
    ("I", "3", [TN_POLICE], [TN_INFO], "2019-2020"),
    (
        "II",
        "1",
        [
            ("Đài PTTH tỉnh", ""),
            ("Báo Tây Ninh", ""),
            ("các Sở, Ban, ngành", ""),
            ("UBND các huyện, thành phố", ""),
        ],
        [],
        ANNUAL,
    ),
    ("II", "2", [("Dài PTTTH tỉnh", "")], TN_DEPTS, ANNUAL),
    ("II", "3", [TN_INFO], [TN_POLICE, *TN_DEPTS_LOWER], ANNUAL),
    ("III", "1", [TN_INFO], TN_FINANCE, ANNUAL),
    ("III", "2", [TN_INFO], TN_FINANCE, ANNUAL),
    ("III", "3", [TN_INFO], TN_FINANCE, LATER),
    ("IV", "1", [TN_INFO], [*TN_FINANCE, ("các đơn vị có liên quan", "")], "2019-2020"),
    ("IV", "2", [TN_INFO], [*TN_FINANCE, ("các đơn vị có liên quan", "")], LATER),
    ("V", "1", [TN_INFO], [*TN_FINANCE, ("các đơn vị liên quan", "")], LATER),
    ("V", "2", TN_DEPTS, [TN_INFO], LATER),
    ("V", "3", TN_DEPTS, [TN_INFO], "Trước ngày 15/12/2019 và khi có sự thay đổi về thông tin đầu mối"),
    ("VI", "1", [TN_INFO], TN_HOME, ANNUAL),
    ("VI", "2", [TN_INFO], TN_HOME, ANNUAL),
]
TAY_NINH_SECTIONS = [
    ("I", "Hoàn thiện hệ thống các văn bản về an toàn, an ninh thông tin mạng"),
    ("II", "Tuyên truyền, nâng cao nhận thức về an toàn, an ninh thông tin mạng"),
    ("III", "Hệ tầng bảo đảm an toàn, an ninh thông tin mạng"),
    ("IV", "Triển khai các ứng dụng phòng ngừa"),
    ("V", "Triển khai các nội dung xử lý sự cố an toàn, an ninh thông tin mạng"),
    ("VI", "Đào tạo nguồn nhân lực"),
]

BG_POLICE = ("Công an tỉnh", "")
BG_INFO = ("Sở Thông tin và Truyền thông", "")
BG_PROVINCE: Units = [("Các Sở, cơ quan thuộc UBND tỉnh", ""), ("UBND huyện, thành phố", "")]
BG_NOTED: Units = [
    ("Công an tỉnh", "nội dung liên quan đến an ninh mạng"),
    ("Sở Thông tin và Truyền thông", "nội dung liên quan đến an toàn thông tin mạng"),
]
BG_OWNER = ("Chủ quản hệ thống thông tin", "")
BG_FINANCE: Units = [("Sở Tài chính", ""), ("Sở Kế hoạch và Đầu tư", "")]

# The same for Bắc Giang's tasks (II. NỘI DUNG THỰC HIỆN, points 1 to 6 as groups I to VI).
BAC_GIANG_ROWS: list[tuple[str, str, Units, Units, str]] = [
    ("I", "1", BG_PROVINCE, BG_NOTED, ONGOING),
    ("I", "2", BG_PROVINCE, BG_NOTED, ONGOING),
    (
        "I",
        "3",
        [BG_POLICE],
        [
            ("Bộ Chỉ huy Quân sự tỉnh", ""),
            ("các sở, cơ quan thuộc UBND tỉnh", ""),
            ("UBND huyện, thành phố", ""),
        ],
        ONGOING,
    ),
    ("I", "4", BG_PROVINCE, BG_NOTED, ONGOING),
    ("II", "1", BG_NOTED, BG_PROVINCE, ONGOING),
    ("III.1", "1.1", BG_NOTED, BG_PROVINCE, ONGOING),
    ("III.1", "1.2", BG_NOTED, BG_PROVINCE, ONGOING),
    ("III.2", "2.1", BG_PROVINCE, [BG_POLICE, BG_INFO], ONGOING),
    ("III.2", "2.2", BG_NOTED, BG_PROVINCE, ONGOING),
    ("III.3", "3.1", [BG_INFO], [], ONGOING),
    ("III.3", "3.2", [BG_INFO], [BG_POLICE, *BG_PROVINCE], ONGOING),
    ("III.3", "3.3", [BG_INFO], BG_PROVINCE, ONGOING),
    ("IV", "1", [BG_OWNER], BG_NOTED, ONGOING),
    ("IV", "2", [BG_OWNER], [BG_INFO], ONGOING),
    (
        "IV",
        "3",
        [BG_POLICE],
        [BG_INFO, ("các Sở, cơ quan thuộc UBND tỉnh", ""), ("UBND huyện, thành phố", "")],
        ONGOING,
    ),
    ("IV", "4", [BG_POLICE], BG_PROVINCE, ONGOING),
    ("IV", "5", [BG_OWNER], [BG_INFO, BG_POLICE], ONGOING),
    ("IV", "6", [BG_OWNER], [BG_POLICE, BG_INFO], ONGOING),
    ("IV", "7", [BG_OWNER], [], ONGOING),
    ("IV", "8", BG_NOTED, BG_PROVINCE, "Hàng năm"),
    ("IV", "9", [BG_POLICE], BG_PROVINCE, ONGOING),
    ("IV", "10", BG_NOTED, [("UBND huyện, thành phố", "")], ONGOING),
    ("V", "1", BG_PROVINCE, [BG_POLICE, BG_INFO], ONGOING),
    ("V", "2", [BG_INFO], BG_PROVINCE, ONGOING),
    ("VI", "1", BG_PROVINCE, [], TO_2030),
    ("VI", "2", BG_PROVINCE, BG_FINANCE, TO_2030),
    ("VI", "3", BG_FINANCE, [("Các sở, ban, ngành", ""), ("UBND huyện, thành phố", "")], TO_2030),
]
BAC_GIANG_SECTIONS = [
    ("I", "Tăng cường vai trò lãnh đạo của Đảng, sự quản lý của Nhà nước"),
    ("II", "Hoàn thiện văn bản về an toàn, an ninh mạng"),
    ("III", "Bảo vệ cơ sở hạ tầng số, nền tảng số, dữ liệu số"),
    ("III.1", "Bảo vệ cơ sở hạ tầng số"),
    ("III.2", "Bảo vệ nền tảng số"),
    ("III.3", "Bảo vệ dữ liệu của tổ chức, cá nhân"),
    ("IV", fx.BAC_GIANG_PAGES[1][0][1]),
    ("V", fx.BAC_GIANG_PAGES[1][11][1]),
    ("VI", "Đầu tư nguồn lực và bảo đảm kinh phí thực hiện"),
]


TAY_NINH_CONTENTS = [row[1] for page in fx.TAY_NINH_PAGES for row in page if row[0].isdigit()]
TAY_NINH_CONTENTS[3] += " " + fx.TAY_NINH_PAGES[1][0][1]  # II.1 goes on at the top of page 2
BAC_GIANG_CONTENTS = [row[1] for page in fx.BAC_GIANG_PAGES for row in page if row[0] and row[2]]
BAC_GIANG_CONTENTS[22] += " " + fx.BAC_GIANG_PAGES[2][0][1]  # V.1 goes on at the top of page 3


# -- the organisations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A province, its units by name, its focal officer, and a draft plan to import into."""

    engine: WorkflowEngine
    province: int
    units: dict[str, int]
    groups: dict[str, int]
    officer: int
    plan_id: int


def make_place(
    engine: WorkflowEngine,
    make_user: Callable[..., UserInfo],
    province: str,
    departments: tuple[str, ...],
    districts: tuple[str, ...],
    groups: dict[str, str],
    *,
    province_id: int | None = None,
    focal_id: int | None = None,
    officer: int | None = None,
) -> Place:
    if province_id is None:
        province_id = engine.create_unit(province, level="province", actor=SYSTEM).id
    units: dict[str, int] = {}
    for name in departments:
        if name == "Sở Thông tin và Truyền thông" and focal_id is not None:
            units[name] = focal_id
            continue
        units[name] = engine.create_unit(name, level="department", parent_id=province_id, actor=SYSTEM).id
    for name in districts:
        units[name] = engine.create_unit(name, level="district", parent_id=province_id, actor=SYSTEM).id
    group_ids = {}
    for name, level in groups.items():
        members = [units[n] for n in (departments if level == "department" else districts)]
        group_ids[name] = engine.create_unit_group(name, members, actor=SYSTEM).id
    if officer is None:
        officer = make_user(
            f"daumoi.{province_id}", units["Sở Thông tin và Truyền thông"], "focal_officer"
        ).id
    plan = engine.create_plan(
        issuing_unit_id=province_id,
        focal_unit_id=units["Sở Thông tin và Truyền thông"],
        year=2024,
        place=province.removeprefix("UBND tỉnh "),
        title=f"Kế hoạch về an toàn, an ninh mạng của {province}",
        actor=officer,
    )
    return Place(engine, province_id, units, group_ids, officer, plan.id)


@pytest.fixture
def tay_ninh(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> Place:
    return make_place(
        engine,
        make_user,
        "UBND tỉnh Tây Ninh",
        (
            "Sở Thông tin và Truyền thông",
            "Công an tỉnh",
            "Sở Kế hoạch và Đầu tư",
            "Sở Tài chính",
            "Sở Nội vụ",
            "Đài Phát thanh - Truyền hình tỉnh",
            "Báo Tây Ninh",
        ),
        ("UBND huyện Châu Thành", "UBND thành phố Tây Ninh"),
        {"Các Sở, Ban, ngành": "department", "UBND các huyện, thành phố": "district"},
        province_id=org.province.id,
        focal_id=org.focal.id,
        officer=org.focal_officer.id,
    )


@pytest.fixture
def bac_giang(engine: WorkflowEngine, make_user: Callable[..., UserInfo]) -> Place:
    # Another province's units of the same names, so that matching must prefer the plan's own.
    other = engine.create_unit("UBND tỉnh Tây Ninh", level="province", actor=SYSTEM).id
    for name in ("Sở Thông tin và Truyền thông", "Công an tỉnh"):
        engine.create_unit(name, level="department", parent_id=other, actor=SYSTEM)
    return make_place(
        engine,
        make_user,
        "UBND tỉnh Bắc Giang",
        ("Sở Thông tin và Truyền thông", "Công an tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"),
        ("UBND huyện Lục Ngạn", "UBND thành phố Bắc Giang"),
        {"UBND các huyện, thành phố": "district"},
    )


# -- helpers --------------------------------------------------------------------------------------


def rows_of(preview: ImportPreview) -> list[tuple[str, str, Units, Units, str]]:
    return [
        (
            section.code,
            row.number,
            [(u.name, u.scope_note) for u in parse_unit_lines(row.lead)],
            [(u.name, u.scope_note) for u in parse_unit_lines(row.coordinating)],
            row.timeframe,
        )
        for section in preview.draft.sections
        for row in section.rows
    ]


def decide(preview: ImportPreview, **changes: dict[str, str]) -> ImportDraft:
    """Return the preview's draft with some names' decisions changed (by the name as written)."""
    names = tuple(
        replace(d, **changes[d.name]) if d.name in changes else d  # type: ignore[arg-type]
        for d in preview.draft.names
    )
    return replace(preview.draft, names=names)


def decision(preview: ImportPreview, name: str) -> tuple[str, str, str]:
    [found] = [
        (m.status, d.action, d.target)
        for d, m in zip(preview.draft.names, preview.matches, strict=True)
        if d.name == name
    ]
    return found


# -- Tây Ninh -------------------------------------------------------------------------------------


def test_tay_ninh_word_table_row_by_row(tay_ninh: Place) -> None:
    engine = tay_ninh.engine
    preview = engine.preview_task_table_import(
        tay_ninh.plan_id, "Kế hoạch 14-CT.docx", fx.tay_ninh_docx(), actor=tay_ninh.officer
    )
    assert [(s.code, s.title) for s in preview.draft.sections] == TAY_NINH_SECTIONS
    assert rows_of(preview) == TAY_NINH_ROWS
    contents = [row.content for s in preview.draft.sections for row in s.rows]
    assert contents == TAY_NINH_CONTENTS
    # The row cut by the page break (II.1) is whole again, its lead "UBND các huyện," + "thành phố".
    assert contents[3].endswith(
        "Kế hoạch này và các văn bản của Chính phủ, của tỉnh về an toàn, an ninh mạng "
        "nhằm nâng cao nhận thức về an toàn, an ninh thông tin mạng cho cán bộ, công "
        "chức và người dân, doanh nghiệp"
    )
    for reading, (_section, _number, _lead, _coordinating, written) in zip(
        (r for section in preview.readings for r in section), TAY_NINH_ROWS, strict=True
    ):
        assert reading.timeframe.text == written
        tf = reading.timeframe
        assert (tf.kind, tf.start, tf.end, tf.also_when) == TIMEFRAMES[written]
    assert preview.columns == ("STT", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện")
    assert preview.warnings == ("Bỏ qua 2 bảng khác trong tệp (không phải bảng nhiệm vụ).",)
    assert preview.draft.filename == "Kế hoạch 14-CT.docx"
    assert preview.task_count == 16
    # Matching: exact, loose (abbreviation), a typing slip proposed as a new unit, vague names left out.
    assert decision(preview, "Sở Thông tin và Truyền thông") == (
        "exact",
        EXISTING,
        "Sở Thông tin và Truyền thông",
    )
    assert decision(preview, "Các Sở, Ban, ngành") == ("exact", EXISTING, "Các Sở, Ban, ngành")
    assert decision(preview, "Đài PTTH tỉnh") == (
        "approximate",
        EXISTING,
        "Đài Phát thanh - Truyền hình tỉnh",
    )
    assert decision(preview, "Dài PTTTH tỉnh") == ("unmatched", NEW_UNIT, "")
    assert decision(preview, "các đơn vị có liên quan") == ("vague", SKIP, "")
    assert decision(preview, "các đơn vị liên quan") == ("vague", SKIP, "")
    [typo] = [d for d in preview.draft.names if d.name == "Dài PTTTH tỉnh"]
    assert (typo.new_name, typo.level, typo.parent) == ("Dài PTTTH tỉnh", "department", "UBND tỉnh Tây Ninh")
    assert len(preview.draft.names) == 12  # one decision per name, whatever its case
    assert preview.errors == {}
    # Nothing was saved.
    assert engine.get_plan(tay_ninh.plan_id, actor=SYSTEM).tasks == ()
    assert engine.find_units("Dài PTTTH tỉnh", actor=SYSTEM) == []


def test_tay_ninh_confirmed_with_a_corrected_unit_is_saved(tay_ninh: Place) -> None:
    engine = tay_ninh.engine
    preview = engine.preview_task_table_import(
        tay_ninh.plan_id, "ke-hoach.docx", fx.tay_ninh_docx(), actor=tay_ninh.officer
    )
    draft = decide(
        preview, **{"Dài PTTTH tỉnh": {"action": EXISTING, "target": "Đài Phát thanh - Truyền hình tỉnh"}}
    )
    outcome = engine.confirm_task_table_import(tay_ninh.plan_id, draft, actor=tay_ninh.officer)
    assert (outcome.task_count, outcome.created_units, outcome.created_groups) == (16, (), ())
    saved = engine.get_plan(tay_ninh.plan_id, actor=tay_ninh.officer).tasks
    names = {
        "Đài PTTH tỉnh": "Đài Phát thanh - Truyền hình tỉnh",
        "Dài PTTTH tỉnh": "Đài Phát thanh - Truyền hình tỉnh",
    }
    names |= {"các Sở, Ban, ngành": "Các Sở, Ban, ngành"}
    vague = ("các đơn vị có liên quan", "các đơn vị liên quan")

    def resolved(units: Units) -> tuple[tuple[str, str], ...]:
        return tuple((names.get(n, n), note) for n, note in units if n not in vague)

    expected = [
        (section, str(index + 1), resolved(lead), resolved(coordinating), written, TIMEFRAMES[written])
        for index, (section, lead, coordinating, written) in _numbered(TAY_NINH_ROWS)
    ]
    actual = [
        (
            t.section_code,
            t.code,
            t.lead,
            t.coordinating,
            t.timeframe_text,
            (
                t.timeframe["kind"],
                date.fromisoformat(t.timeframe["start"]) if t.timeframe["start"] else None,
                date.fromisoformat(t.timeframe["end"]) if t.timeframe["end"] else None,
                t.timeframe["also_when"],
            ),
        )
        for t in saved
    ]
    assert actual == expected
    assert [t.content for t in saved] == TAY_NINH_CONTENTS


def _numbered(
    rows: list[tuple[str, str, Units, Units, str]],
) -> list[tuple[int, tuple[str, Units, Units, str]]]:
    """Number the rows within their sections from 0, as the plan numbers saved tasks from 1."""
    numbered = []
    counts: dict[str, int] = {}
    for section, _number, lead, coordinating, written in rows:
        index = counts.get(section, 0)
        counts[section] = index + 1
        numbered.append((index, (section, lead, coordinating, written)))
    return numbered


def test_tay_ninh_workbook_reads_like_the_word_document(tay_ninh: Place) -> None:
    engine = tay_ninh.engine
    from_word = engine.preview_task_table_import(
        tay_ninh.plan_id, "a.docx", fx.tay_ninh_docx(), actor=tay_ninh.officer
    )
    # The workbook has two title rows, a two-row header ("Đơn vị thực hiện" over "Chủ trì |
    # Phối hợp") and group titles merged across; it is named .docx to show the bytes decide.
    from_excel = engine.preview_task_table_import(
        tay_ninh.plan_id, "danh-muc.docx", fx.tay_ninh_xlsx(), actor=tay_ninh.officer
    )
    assert rows_of(from_excel) == TAY_NINH_ROWS
    assert from_excel.draft.sections == from_word.draft.sections
    assert from_excel.columns == from_word.columns
    assert from_excel.warnings == ()


# -- Bắc Giang ------------------------------------------------------------------------------------


def test_bac_giang_word_table_row_by_row(bac_giang: Place) -> None:
    engine = bac_giang.engine
    preview = engine.preview_task_table_import(
        bac_giang.plan_id, "KH-an-ninh-mang.docx", fx.bac_giang_docx(), actor=bac_giang.officer
    )
    assert [(s.code, s.title) for s in preview.draft.sections] == BAC_GIANG_SECTIONS
    assert preview.draft.sections[2].rows == ()  # III only heads its sub-sections
    assert rows_of(preview) == BAC_GIANG_ROWS
    contents = [row.content for s in preview.draft.sections for row in s.rows]
    assert contents == BAC_GIANG_CONTENTS
    assert "Đổi mới nội dung, hình thức, biện pháp xây dựng phong trào" in contents[22]
    for reading, row in zip((r for s in preview.readings for r in s), BAC_GIANG_ROWS, strict=True):
        tf = reading.timeframe
        assert (tf.text, tf.kind, tf.start, tf.end) == (row[4], *TIMEFRAMES[row[4]][:3])
    # Units of the plan's own province win over the same names elsewhere.
    own_police = bac_giang.units["Công an tỉnh"]
    [police] = [
        m for d, m in zip(preview.draft.names, preview.matches, strict=True) if d.name == "Công an tỉnh"
    ]
    assert police.status == "exact"
    assert police.candidates[0].id == own_police
    assert decision(preview, "Công an tỉnh")[2] == "Công an tỉnh — UBND tỉnh Bắc Giang"
    assert decision(preview, "UBND huyện, thành phố") == (
        "approximate",
        EXISTING,
        "UBND các huyện, thành phố",
    )
    assert decision(preview, "Bộ Chỉ huy Quân sự tỉnh") == ("unmatched", NEW_UNIT, "")
    assert decision(preview, "Chủ quản hệ thống thông tin") == ("unmatched", NEW_UNIT, "")
    assert decision(preview, "Các Sở, cơ quan thuộc UBND tỉnh") == ("unmatched", NEW_GROUP, "")
    [group] = [d for d in preview.draft.names if d.name == "Các Sở, cơ quan thuộc UBND tỉnh"]
    assert group.members.splitlines() == [
        "Công an tỉnh — UBND tỉnh Bắc Giang",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính",
        "Sở Thông tin và Truyền thông — UBND tỉnh Bắc Giang",
    ]
    assert engine.get_plan(bac_giang.plan_id, actor=SYSTEM).tasks == ()


def test_bac_giang_creates_only_the_units_and_groups_confirmed(bac_giang: Place) -> None:
    engine = bac_giang.engine
    preview = engine.preview_task_table_import(
        bac_giang.plan_id, "KH.docx", fx.bac_giang_docx(), actor=bac_giang.officer
    )
    draft = decide(
        preview,
        **{
            # Not a unit but the owners of information systems: the user makes it a group.
            "Chủ quản hệ thống thông tin": {
                "action": NEW_GROUP,
                "new_name": "Chủ quản hệ thống thông tin",
                "members": "Sở Thông tin và Truyền thông — UBND tỉnh Bắc Giang\nSở Tài chính",
            },
            # "Các sở, ban, ngành" is the same group as "Các Sở, cơ quan thuộc UBND tỉnh".
            "Các sở, ban, ngành": {"action": NEW_GROUP, "new_name": "Các Sở, cơ quan thuộc UBND tỉnh"},
        },
    )
    outcome = engine.confirm_task_table_import(bac_giang.plan_id, draft, actor=bac_giang.officer)
    assert outcome.task_count == 27
    assert outcome.created_units == ("Bộ Chỉ huy Quân sự tỉnh",)
    assert set(outcome.created_groups) == {"Các Sở, cơ quan thuộc UBND tỉnh", "Chủ quản hệ thống thông tin"}
    [army] = engine.find_units("bộ chỉ huy quân sự tỉnh", actor=SYSTEM)
    assert (army.level, army.parent_id) == ("department", bac_giang.province)
    saved = engine.get_plan(bac_giang.plan_id, actor=bac_giang.officer)
    names = {
        "UBND huyện, thành phố": "UBND các huyện, thành phố",
        "các sở, cơ quan thuộc UBND tỉnh": "Các Sở, cơ quan thuộc UBND tỉnh",
        "các Sở, cơ quan thuộc UBND tỉnh": "Các Sở, cơ quan thuộc UBND tỉnh",
        "Các sở, ban, ngành": "Các Sở, cơ quan thuộc UBND tỉnh",
    }
    expected = [
        (
            section,
            tuple((names.get(n, n), note) for n, note in lead),
            tuple((names.get(n, n), note) for n, note in co),
            tf,
        )
        for section, _number, lead, co, tf in BAC_GIANG_ROWS
    ]
    assert [(t.section_code, t.lead, t.coordinating, t.timeframe_text) for t in saved.tasks] == expected
    assert [t.code for t in saved.tasks if t.section_code == "IV"] == [str(n) for n in range(1, 11)]
    # Everyone in the groups (and the new unit's parent body's units named) reports.
    departments = {bac_giang.units[n] for n in ("Công an tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư")}
    districts = {bac_giang.units[n] for n in ("UBND huyện Lục Ngạn", "UBND thành phố Bắc Giang")}
    assert departments | districts <= set(saved.assigned_unit_ids)
    assert army.id not in saved.assigned_unit_ids  # it only coordinates


def test_bac_giang_left_out_names_are_not_created(bac_giang: Place) -> None:
    engine = bac_giang.engine
    preview = engine.preview_task_table_import(
        bac_giang.plan_id, "KH.docx", fx.bac_giang_docx(), actor=bac_giang.officer
    )
    group = {"action": EXISTING, "target": "UBND các huyện, thành phố"}
    draft = decide(
        preview,
        **{
            "Bộ Chỉ huy Quân sự tỉnh": {"action": SKIP},
            "Chủ quản hệ thống thông tin": {
                "action": EXISTING,
                "target": "Sở Thông tin và Truyền thông — UBND tỉnh Bắc Giang",
            },
            "Các Sở, cơ quan thuộc UBND tỉnh": group,
            "Các sở, ban, ngành": group,
        },
    )
    outcome = engine.confirm_task_table_import(bac_giang.plan_id, draft, actor=bac_giang.officer)
    assert (outcome.created_units, outcome.created_groups) == ((), ())
    assert engine.find_units("Bộ Chỉ huy Quân sự tỉnh", actor=SYSTEM) == []
    tasks = engine.get_plan(bac_giang.plan_id, actor=bac_giang.officer).tasks
    assert tasks[2].coordinating == (("UBND các huyện, thành phố", ""),)  # I.3 without the army, once


# -- corrections, modes, permissions ------------------------------------------------------------


def test_a_wrong_decision_saves_nothing_and_says_where(bac_giang: Place) -> None:
    engine = bac_giang.engine
    preview = engine.preview_task_table_import(
        bac_giang.plan_id, "KH.docx", fx.bac_giang_docx(), actor=bac_giang.officer
    )
    draft = decide(
        preview,
        **{
            "Chủ quản hệ thống thông tin": {"action": EXISTING, "target": "Sở Không Có"},
            "Các Sở, cơ quan thuộc UBND tỉnh": {"members": "Sở Tài chính\nSở Ma"},
        },
    )
    index = {d.name: i for i, d in enumerate(draft.names)}
    sections = list(draft.sections)
    first = sections[0]
    sections[0] = replace(first, rows=(replace(first.rows[0], timeframe=" ", lead=""), *first.rows[1:]))
    draft = replace(draft, sections=tuple(sections))
    with pytest.raises(InvalidSubmission) as caught:
        engine.confirm_task_table_import(bac_giang.plan_id, draft, actor=bac_giang.officer)
    errors = caught.value.field_errors
    assert errors[f"names.{index['Chủ quản hệ thống thông tin']}.target"] == [
        "Không tìm thấy đơn vị hoặc nhóm đơn vị."
    ]
    assert errors[f"names.{index['Các Sở, cơ quan thuộc UBND tỉnh']}.members"] == [
        "Không tìm thấy đơn vị “Sở Ma”."
    ]
    assert errors["sections.0.rows.0.timeframe"] == ["Trường này là bắt buộc."]
    assert errors["sections.0.rows.0.lead"] == ["Cần ít nhất một đơn vị chủ trì."]
    # The same errors on review, and nothing created or saved.
    assert engine.review_task_table_import(bac_giang.plan_id, draft, actor=bac_giang.officer).errors == errors
    assert engine.find_units("Bộ Chỉ huy Quân sự tỉnh", actor=SYSTEM) == []
    assert engine.get_plan(bac_giang.plan_id, actor=SYSTEM).tasks == ()


def test_names_typed_in_the_preview_are_matched_on_review_not_created_on_save(tay_ninh: Place) -> None:
    engine = tay_ninh.engine
    preview = engine.preview_task_table_import(
        tay_ninh.plan_id, "a.docx", fx.tay_ninh_docx(), actor=tay_ninh.officer
    )
    draft = decide(preview, **{"Dài PTTTH tỉnh": {"action": SKIP}})
    first = draft.sections[0]
    edited = replace(first.rows[0], coordinating="Sở Nội vụ\nPhòng Mới Lập (phần liên quan)")
    draft = replace(draft, sections=(replace(first, rows=(edited, *first.rows[1:])), *draft.sections[1:]))
    # Saving straight away matches "Sở Nội vụ" but will not create "Phòng Mới Lập" unseen.
    with pytest.raises(InvalidSubmission) as caught:
        engine.confirm_task_table_import(tay_ninh.plan_id, draft, actor=tay_ninh.officer)
    assert caught.value.field_errors == {
        "sections.0.rows.0.coordinating": [
            "Chưa đối chiếu “Phòng Mới Lập” với danh sách đơn vị: bấm “Kiểm tra lại”."
        ],
        "sections.1.rows.1.lead": ["Cần ít nhất một đơn vị chủ trì."],  # II.2 led only by the skipped name
    }
    reviewed = engine.review_task_table_import(tay_ninh.plan_id, draft, actor=tay_ninh.officer)
    assert decision(reviewed, "Phòng Mới Lập") == ("unmatched", NEW_UNIT, "")
    [new] = [d for d in reviewed.draft.names if d.name == "Phòng Mới Lập"]
    assert new.level == "office"
    assert reviewed.readings[0][0].coordinating == (
        NamedUnit("Sở Nội vụ"),
        NamedUnit("Phòng Mới Lập", "phần liên quan"),
    )


def test_append_mode_keeps_the_rows_already_there(tay_ninh: Place) -> None:
    engine = tay_ninh.engine
    engine.set_plan_tasks(
        tay_ninh.plan_id,
        [
            SectionInput(
                "A",
                "Nhiệm vụ có sẵn",
                (TaskInput("Việc cũ", "Hàng năm", lead=(UnitRef(unit_id=tay_ninh.units["Sở Nội vụ"]),)),),
            )
        ],
        actor=tay_ninh.officer,
    )
    preview = engine.preview_task_table_import(
        tay_ninh.plan_id, "a.xlsx", fx.tay_ninh_xlsx(), actor=tay_ninh.officer, mode="append"
    )
    assert preview.existing_task_count == 1
    draft = decide(preview, **{"Dài PTTTH tỉnh": {"action": EXISTING, "target": "Báo Tây Ninh"}})
    engine.confirm_task_table_import(tay_ninh.plan_id, draft, actor=tay_ninh.officer)
    tasks = engine.get_plan(tay_ninh.plan_id, actor=SYSTEM).tasks
    assert [(t.section_code, t.content) for t in tasks[:2]] == [("A", "Việc cũ"), ("I", TAY_NINH_CONTENTS[0])]
    assert len(tasks) == 17


def test_only_editors_of_a_draft_may_import(tay_ninh: Place, org: Org) -> None:
    engine = tay_ninh.engine
    data = fx.tay_ninh_docx()
    with pytest.raises(NotFound):  # another unit does not even see the draft
        engine.preview_task_table_import(tay_ninh.plan_id, "a.docx", data, actor=org.drafter.id)
    other = engine.create_user("so.soan", "Soạn", actor=SYSTEM)
    engine.grant_role(other.id, org.focal.id, "drafter", actor=SYSTEM)
    with pytest.raises(NotPermitted):  # the focal unit's drafter sees it but may not edit it
        engine.preview_task_table_import(tay_ninh.plan_id, "a.docx", data, actor=other.id)
    preview = engine.preview_task_table_import(tay_ninh.plan_id, "a.docx", data, actor=tay_ninh.officer)
    # A unit created outside the plan's bodies is refused to a focal officer.
    engine.create_unit("UBND tỉnh Long An", level="province", actor=SYSTEM)
    draft = decide(
        preview,
        **{
            "Dài PTTTH tỉnh": {
                "action": NEW_UNIT,
                "new_name": "Đài X",
                "level": "department",
                "parent": "UBND tỉnh Long An",
            }
        },
    )
    index = [d.name for d in draft.names].index("Dài PTTTH tỉnh")
    with pytest.raises(InvalidSubmission) as caught:
        engine.confirm_task_table_import(tay_ninh.plan_id, draft, actor=tay_ninh.officer)
    assert caught.value.field_errors == {
        f"names.{index}.parent": ["Chỉ được tạo đơn vị mới trong cơ quan ban hành hoặc đơn vị đầu mối."]
    }


# -- bad files ----------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {item.filename: archive.read(item) for item in archive.infolist()}
    entries[name] = content
    return _zip(entries)


def _header_only_docx() -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=5)
    for column, text in enumerate(fx.TAY_NINH_HEADER):
        table.cell(0, column).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _legacy_doc() -> bytes:
    data = bytearray(fx.encrypted_ooxml())
    for old, new in (
        ("EncryptionInfo", "CompObj\0\0\0\0\0\0\0"),
        ("EncryptedPackage", "WordDocument\0\0\0\0"),
    ):
        start = data.find(old.encode("utf-16-le"))
        data[start : start + 2 * len(old)] = new.encode("utf-16-le")
    return bytes(data)


ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b"<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
)
BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty": (lambda: b"", "Tệp rỗng."),
    "text": (
        lambda: "STT\tNội dung\n1\tRà soát".encode(),
        "không phải tài liệu Word (.docx) hoặc bảng tính Excel",
    ),
    "pdf": (lambda: b"%PDF-1.7\n1 0 obj\n", "Tệp PDF chưa đọc được bảng nhiệm vụ"),
    "encrypted": (fx.encrypted_ooxml, "được bảo vệ bằng mật khẩu (đã mã hóa)"),
    "word 97": (_legacy_doc, "Tệp Word 97-2003 (.doc) chưa được hỗ trợ"),
    "truncated": (lambda: fx.tay_ninh_docx()[:3000], "Tệp bị hỏng hoặc không đúng định dạng"),
    "other zip": (
        lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
        "không phải tài liệu Word",
    ),
    "no table": (fx.docx_without_task_table, "Không tìm thấy bảng nhiệm vụ trong tệp"),
    "header only": (_header_only_docx, "chưa có dòng nhiệm vụ nào"),
    "zip bomb": (
        lambda: _with_part(fx.tay_ninh_docx(), "word/media/blank.xml", b"\0" * (4 * 1024 * 1024)),
        "cấu trúc bất thường",
    ),
    "entities": (
        lambda: _with_part(fx.tay_ninh_docx(), "word/document.xml", ENTITIES),
        "cấu trúc bất thường",
    ),
    "too large": (lambda: b"PK\x03\x04" + bytes(10 * 1024 * 1024), "Tệp quá lớn: tối đa 10 MB."),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_are_refused_with_a_message_and_nothing_is_saved(tay_ninh: Place, kind: str) -> None:
    engine = tay_ninh.engine
    engine.set_plan_tasks(
        tay_ninh.plan_id,
        [
            SectionInput(
                "I",
                "Có sẵn",
                (TaskInput("Việc cũ", "Hàng năm", lead=(UnitRef(unit_id=tay_ninh.units["Sở Nội vụ"]),)),),
            )
        ],
        actor=tay_ninh.officer,
    )
    before = engine.get_plan(tay_ninh.plan_id, actor=SYSTEM)
    make, message = BAD_FILES[kind]
    with pytest.raises(InvalidSubmission) as caught:
        engine.preview_task_table_import(tay_ninh.plan_id, f"{kind}.docx", make(), actor=tay_ninh.officer)
    assert list(caught.value.field_errors) == ["file"]
    [said] = caught.value.field_errors["file"]
    assert message in said
    assert engine.get_plan(tay_ninh.plan_id, actor=SYSTEM) == before


def test_the_encrypted_fixture_is_a_compound_file_naming_the_encrypted_package() -> None:
    data = fx.encrypted_ooxml()
    assert data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")
    assert struct.unpack_from("<H", data, 26)[0] == 3  # major version 3: 512-byte sectors
    first_directory = struct.unpack_from("<I", data, 48)[0]
    directory = data[512 * (1 + first_directory) : 512 * (2 + first_directory)]
    names = [directory[i : i + 64].decode("utf-16-le").split("\0")[0] for i in range(0, 512, 128)]
    assert names == ["Root Entry", "EncryptionInfo", "EncryptedPackage", ""]


# -- unit cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "units"),
    [
        (
            "Các Sở, Ban, ngành; UBND các huyện, thành phố",
            ["Các Sở, Ban, ngành", "UBND các huyện, thành phố"],
        ),
        (
            "Sở Văn hóa, Thể thao và Du lịch, Công an tỉnh",
            ["Sở Văn hóa, Thể thao và Du lịch", "Công an tỉnh"],
        ),
        ("Sở Kế hoạch và Đầu tư, Sở Tài chính.", ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]),
        ("Các sở, ban, ngành và UBND huyện, thành phố", ["Các sở, ban, ngành", "UBND huyện, thành phố"]),
        (
            "- Sở Nội vụ;\n- Sở Lao động - Thương binh và Xã hội",
            ["Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội"],
        ),
        ("UBND các huyện,\nthành phố\nBáo Tây Ninh", ["UBND các huyện, thành phố", "Báo Tây Ninh"]),
        (
            "Các doanh nghiệp cung cấp dịch vụ viễn thông, Internet (ISP)",
            ["Các doanh nghiệp cung cấp dịch vụ viễn thông, Internet (ISP)"],
        ),
        ("", []),
    ],
)
def test_unit_cells_split_where_names_begin(cell: str, units: list[str]) -> None:
    assert [u.name for u in split_units(cell)] == units


def test_unit_cells_keep_scope_notes_and_prefer_known_names() -> None:
    assert split_units(
        "Công an tỉnh (nội dung liên quan đến an ninh mạng, an ninh quốc gia), Sở Tài chính"
    ) == (
        NamedUnit("Công an tỉnh", "nội dung liên quan đến an ninh mạng, an ninh quốc gia"),
        NamedUnit("Sở Tài chính"),
    )
    cell = "Mặt trận Tổ quốc, các tổ chức chính trị - xã hội tỉnh"
    assert [u.name for u in split_units(cell)] == ["Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội tỉnh"]
    known = {normalise_name(cell)}
    assert [u.name for u in split_units(cell, lambda name: normalise_name(name) in known)] == [cell]
    assert parse_unit_lines("Sở A (phạm vi 1); Sở B\n- Sở C (ISP)") == (
        NamedUnit("Sở A", "phạm vi 1"),
        NamedUnit("Sở B"),
        NamedUnit("Sở C (ISP)"),
    )
