"""Official documents as PDF through the real engine: every kind, its text, pages, fonts and margins.

One reporting cycle is played on a frozen clock: a province plan with sections, tasks, targets and
recipients, issued by a deputy chairman (KT.); a period where the police report (accepted), one
commune sends its report and the other stays silent until the chase ladder sends an official
reminder letter; the focal unit consolidates and the deputy chairman signs. Each document is
printed, read back with ``pdftotext`` and checked field by field; its first page is turned into a
PNG with ``pdftoppm`` (kept under build/documents/ to be looked at) whose margins must be blank.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select, update

from engine import SYSTEM, FrozenClock, NotFound, WorkflowEngine
from engine.db import create_db_engine
from engine.documents import PdfFile, render
from engine.documents import wording as w
from engine.models import Job, OfficialDocument, PlanTarget
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import ROOT, TEST_PASSWORD, WORKFLOWS

PNG_DIR = ROOT / "build" / "documents"
MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # millimetres

TITLE = (
    "Triển khai thực hiện Chỉ thị 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ về việc tăng cường "
    "bảo đảm an toàn, an ninh mạng nhằm cải thiện chỉ số xếp hạng của Việt Nam"
)
BASES = ("Luật An ninh mạng ngày 12/6/2018", "Chỉ thị 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ")
PURPOSE = (
    "Quán triệt đến 100% cán bộ, công chức.\nBảo đảm an toàn các hệ thống thông tin dùng chung của tỉnh."
)
RECIPIENTS = ("Văn phòng Chính phủ", "Thường trực Tỉnh ủy", "Các Sở, ban, ngành", "Lưu: VT, NC")
TASK_A = "Rà soát, hoàn thiện cơ chế, chính sách về an toàn thông tin mạng, an ninh mạng"
TASK_B = "Quán triệt Luật An ninh mạng đến cán bộ, công chức, viên chức"
TASK_C = "Tổ chức diễn tập ứng cứu sự cố an toàn thông tin mạng"
TARGET = "Cán bộ, công chức được tập huấn về an toàn thông tin"
NARRATIVE = "Các đơn vị cơ bản hoàn thành nhiệm vụ; một số xã chưa gửi báo cáo đúng hạn."
PROPOSALS = "Đề nghị bố trí kinh phí tập huấn an toàn thông tin năm 2025."
EVIDENCE = "https://congan.tayninh.gov.vn/van-ban/quy-che-phoi-hop-bao-dam-an-ninh-mang-so-12-qc-cat-2024.pdf"


def rid() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Cycle:
    """The cycle the documents come from: ids of what was made and who acts."""

    plan_id: int
    draft_plan_id: int
    period_id: int
    province: int
    focal: int
    police: int
    communes: tuple[int, int]
    letter_id: int
    users: dict[str, int]


def _local(clock: FrozenClock, day: date, hour: int = 9) -> None:
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7))


def _only(engine: WorkflowEngine, user_id: int, name: str, unit_id: int | None = None) -> Any:
    tasks = [
        t
        for t in engine.list_inbox(actor=user_id)
        if t.task_name == name and (unit_id is None or t.unit_id == unit_id)
    ]
    assert len(tasks) == 1, tasks
    return tasks[0]


def _submit(engine: WorkflowEngine, user_id: int, task: Any, data: dict[str, Any], action: str) -> None:
    engine.submit_task(task.id, data, actor=user_id, version=task.version, request_id=rid(), action=action)


def build_cycle(engine: WorkflowEngine, clock: FrozenClock, db_url: str) -> Cycle:
    """Play one reporting cycle (see the module docstring) and return what it made."""
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    _local(clock, date(2024, 10, 1))
    unit = engine.create_unit
    province = unit("UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM).id
    focal = unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province, doc_code="STTTT", actor=SYSTEM
    ).id
    police = unit("Công an tỉnh", level="department", parent_id=province, doc_code="CAT", actor=SYSTEM).id
    district = unit("UBND huyện Châu Thành", level="district", parent_id=province, actor=SYSTEM).id
    communes = (
        unit("UBND xã Thái Bình", level="commune", parent_id=district, doc_code="UBND", actor=SYSTEM).id,
        unit("UBND xã Hảo Đước", level="commune", parent_id=district, doc_code="UBND", actor=SYSTEM).id,
    )
    people = {
        "chairman": ("chutich", "Nguyễn Thanh Ngọc", province, "leader"),
        "deputy": ("phochutich", "Trần Văn Chiến", province, "leader"),
        "focal": ("daumoi", "Lê Thị Đầu Mối", focal, "focal_officer"),
        "police_drafter": ("congan.soan", "Võ Văn Soạn", police, "drafter"),
        "police_head": ("congan.truong", "Lê Văn Công", police, "unit_head"),
        "c1_drafter": ("xa1.soan", "Đặng Thị Thảo", communes[0], "drafter"),
        "c1_head": ("xa1.truong", "Phạm Văn Bình", communes[0], "unit_head"),
        "c2_drafter": ("xa2.soan", "Ngô Thị Hảo", communes[1], "drafter"),
        "c2_head": ("xa2.truong", "Huỳnh Văn Đước", communes[1], "unit_head"),
    }
    users: dict[str, int] = {}
    for key, (login, name, unit_id, role) in people.items():
        users[key] = engine.create_user(login, name, password=TEST_PASSWORD, actor=SYSTEM).id
        engine.grant_role(users[key], unit_id, role, actor=SYSTEM)
    engine.delegate_signing(
        province,
        users["deputy"],
        form="KT",
        signer_title="Phó Chủ tịch",
        valid_from=date(2024, 1, 1),
        valid_until=date(2026, 12, 31),
        actor=SYSTEM,
    )
    plan = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=focal,
        year=2024,
        place="Tây Ninh",
        title=TITLE,
        summary=PURPOSE,
        legal_bases=BASES,
        recipients=RECIPIENTS,
        child_plan_deadline=date(2024, 11, 15),
        actor=users["focal"],
    )
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Hoàn thiện hệ thống văn bản về an toàn, an ninh mạng",
                (
                    TaskInput(
                        TASK_A,
                        "Thường xuyên hàng năm",
                        lead=(UnitRef(unit_id=police),),
                        coordinating=(UnitRef(unit_id=focal, scope_note="nội dung an toàn thông tin mạng"),),
                        expected_result="Văn bản được ban hành",
                        indicator="100% văn bản được rà soát",
                    ),
                ),
            ),
            SectionInput(
                "II",
                "Tuyên truyền, nâng cao nhận thức",
                (
                    TaskInput(
                        TASK_B,
                        "Thường xuyên hàng năm",
                        lead=(UnitRef(unit_id=police), *(UnitRef(unit_id=c) for c in communes)),
                        coordinating=(UnitRef(unit_id=focal),),
                    ),
                    TaskInput(TASK_C, "Quý IV/2024", lead=(UnitRef(unit_id=police),)),
                ),
            ),
        ],
        actor=users["focal"],
    )
    engine.set_plan_targets(
        plan.id, [TargetInput(TARGET, Decimal("100"), "%", date(2025, 12, 31))], actor=users["focal"]
    )
    _local(clock, date(2024, 10, 18))
    engine.issue_plan(
        plan.id,
        signer_id=users["deputy"],
        authority_form="KT",
        issued_on=date(2024, 10, 18),
        actor=users["deputy"],
    )
    draft = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=focal,
        year=2025,
        place="Tây Ninh",
        title="Chuyển đổi số năm 2025",
        actor=users["focal"],
    )
    _local(clock, date(2024, 11, 1))
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 15),
        unit_deadline=date(2024, 11, 25),
        focal_deadline=date(2024, 12, 2),
        actor=users["focal"],
    )
    tasks = {t.content: t.id for t in engine.get_plan(plan.id, actor=SYSTEM).tasks}
    db = create_db_engine(db_url)
    try:
        with db.connect() as conn:
            target_id = conn.execute(select(PlanTarget.id).where(PlanTarget.plan_id == plan.id)).scalar_one()
    finally:
        db.dispose()
    _local(clock, date(2024, 11, 18))
    police_report = {
        "summary": "Đã quán triệt Luật An ninh mạng đến toàn lực lượng.\nTổ chức 3 lớp tập huấn.",
        "difficulties": "Thiếu trang thiết bị giám sát an ninh mạng.",
        "proposals": "Đề nghị bổ sung kinh phí mua sắm thiết bị.",
        "funding_estimate": 150_000_000,
        "report_date": "2024-11-20",
        "task_results": [
            {
                "task_id": tasks[TASK_A],
                "progress": "completed",
                "completed_on": "2024-11-10",
                "narrative": "Ban hành Quy chế phối hợp số 12/QC-CAT",
                "evidence": EVIDENCE,
            },
            {"task_id": tasks[TASK_B], "progress": "in_progress", "narrative": "Đã tổ chức 3 lớp"},
        ],
        "target_values": [{"target_id": target_id, "value": 95}],
        "other_tasks": [{"content": "Hỗ trợ xử lý sự cố tại Sở Y tế", "result": "Khôi phục trong 4 giờ"}],
    }
    _submit(
        engine,
        users["police_drafter"],
        _only(engine, users["police_drafter"], "draft"),
        police_report,
        "submit",
    )
    _local(clock, date(2024, 11, 20))
    _submit(engine, users["police_head"], _only(engine, users["police_head"], "head_review"), {}, "approve")
    _local(clock, date(2024, 11, 21))
    _submit(engine, users["focal"], _only(engine, users["focal"], "focal_review"), {}, "accept")
    commune_report = {"summary": "Đã tuyên truyền trên loa truyền thanh xã.", "report_date": "2024-11-22"}
    _submit(
        engine, users["c1_drafter"], _only(engine, users["c1_drafter"], "draft"), commune_report, "submit"
    )
    _submit(engine, users["c1_head"], _only(engine, users["c1_head"], "head_review"), {}, "approve")
    day = date(2024, 11, 21)
    while day <= date(2024, 12, 2):  # the chase ladder runs; Hảo Đước stays silent
        _local(clock, day)
        engine.fire_due_timers()
        day += timedelta(days=1)
    _local(clock, date(2024, 12, 2), 10)
    consolidate = _only(engine, users["focal"], "consolidate")
    _submit(engine, users["focal"], consolidate, {"narrative": NARRATIVE, "proposals": PROPOSALS}, "submit")
    _local(clock, date(2024, 12, 3))
    sign = _only(engine, users["deputy"], "sign_report")
    _submit(engine, users["deputy"], sign, {"authority_form": "KT"}, "sign")
    letters = [
        d for d in engine.list_period_documents(period.id, actor=SYSTEM) if d.kind == "reminder_letter"
    ]
    assert [d.recipient_unit_id for d in letters] == [communes[1]]
    return Cycle(
        plan_id=plan.id,
        draft_plan_id=draft.id,
        period_id=period.id,
        province=province,
        focal=focal,
        police=police,
        communes=communes,
        letter_id=letters[0].id,
        users=users,
    )


@pytest.fixture
def cycle(engine: WorkflowEngine, clock: FrozenClock, db_url: str) -> Cycle:
    return build_cycle(engine, clock, db_url)


# -- reading a PDF back -----------------------------------------------------------------------------


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Printed:
    """A PDF read back: its pages' text (whitespace collapsed) and its words with their boxes."""

    pdf: PdfFile
    path: Path
    pages: list[str]
    words: list[tuple[int, float, float, float, float, str]]  # page, x0, y0, x1, y1, text

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    def has(self, *snippets: str) -> None:
        """Assert each snippet is printed, in order, wherever lines and cells wrap it."""
        squeezed = "".join(self.text.split())
        missing = [s for s in snippets if "".join(s.split()) not in squeezed]
        assert not missing, (missing, self.text[:3000])


def read_back(pdf: PdfFile, name: str, tmp_path: Path) -> Printed:
    """Write the PDF, read its text and word boxes, and keep page 1 as a PNG under build/documents."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf.data)
    raw = _run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-")
    pages = [" ".join(page.split()) for page in raw.split("\f")][: pdf.pages]
    words = []
    for page_no, page in enumerate(_run("pdftotext", "-bbox", str(path), "-").split("<page ")[1:], start=1):
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        ):
            words.append((page_no, float(x0), float(y0), float(x1), float(y1), text))
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(path),
        str(PNG_DIR / f"{name}-page1"),
    )
    return Printed(pdf=pdf, path=path, pages=pages, words=words)


def check_layout(printed: Printed, name: str) -> None:
    """A4; only Liberation Serif, embedded; text inside the margins; numbers from page 2, top centre."""
    info = _run("pdfinfo", str(printed.path))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == printed.pdf.pages  # type: ignore[union-attr]
    fonts = [line.split() for line in _run("pdffonts", str(printed.path)).splitlines()[2:]]
    assert fonts
    for font in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+Liberation-Serif(-Bold|-Italic|-Bold-Italic)?", font[0]), font
        assert font[-5] == "yes", font  # embedded
    left, right = MARGINS["left"] * MM, A4[0] - MARGINS["right"] * MM
    top, bottom = MARGINS["top"] * MM, A4[1] - MARGINS["bottom"] * MM
    numbers: dict[int, list[str]] = {}
    for page, x0, _y0, x1, y1, text in printed.words:
        if y1 <= top:  # in the top margin: only the page number, centred on the text column
            numbers.setdefault(page, []).append(text)
            assert abs((x0 + x1) / 2 - (left + right) / 2) < 10, (name, page, text)
            continue
        assert left - 1 <= x0, (name, page, text, x0)  # 1 pt: glyph boxes
        assert x1 <= right + 1, (name, page, text, x1)
        assert y1 <= bottom + 1, (name, page, text, y1)
    assert 1 not in numbers, numbers
    starts = _first_pages_of_parts(printed)
    counter = 0
    for page in range(1, printed.pdf.pages + 1):
        counter = 1 if page == 1 or page in starts else counter + 1
        assert numbers.get(page) == ([str(counter)] if counter > 1 else None), (name, page, numbers)
    png = Image.open(PNG_DIR / f"{name}-page1.png").convert("L")
    width, height = png.size
    assert abs(width / height - 210 / 297) < 0.01
    px = width / 210  # pixels per millimetre
    strips = {
        "left": (0, 0, int(MARGINS["left"] * px) - 2, height),
        "right": (width - int(MARGINS["right"] * px) + 2, 0, width, height),
        "top": (0, 0, width, int(MARGINS["top"] * px) - 2),
        "bottom": (0, height - int(MARGINS["bottom"] * px) + 2, width, height),
    }
    for side, box in strips.items():
        assert png.crop(box).getextrema()[0] > 200, (name, side)  # nothing printed in the margin
    assert (
        png.crop((int(30 * px), int(20 * px), int(195 * px), int(80 * px))).getextrema()[0] < 60
    )  # header ink


def _first_pages_of_parts(printed: Printed) -> set[int]:
    """Pages where an appendix or an attached document starts (they number their own pages)."""
    starts = {"PHỤ LỤC", "(Ban hành kèm theo"}
    return {n for n, text in enumerate(printed.pages, start=1) if any(s in text[:400] for s in starts)}


# -- the fixed parts, written the official way ------------------------------------------------------


def test_dates_numbers_and_names_are_written_as_the_decree_says() -> None:
    assert w.date_line("Tây Ninh", date(2024, 1, 5)) == "Tây Ninh, ngày 05 tháng 01 năm 2024"
    assert w.date_line("Tây Ninh", date(2019, 10, 18)) == "Tây Ninh, ngày 18 tháng 10 năm 2019"
    assert w.date_line("Bắc Giang", date(2025, 3, 9)) == "Bắc Giang, ngày 09 tháng 3 năm 2025"
    assert " ".join(w.date_line("Bắc Giang", None, year=2022).split()) == "Bắc Giang, ngày tháng năm 2022"
    assert w.number_line(5, "KH", "UBND") == "Số: 05/KH-UBND"
    assert w.number_line(39, "KH", "UBND") == "Số: 39/KH-UBND"
    assert " ".join(w.number_line(None, "QĐ", "UBND").split()) == "Số: /QĐ-UBND"
    assert " ".join(w.number_line(None, "", "STTTT").split()) == "Số: /STTTT"
    assert w.issuer_lines("UBND tỉnh Tây Ninh") == ("ỦY BAN NHÂN DÂN", "TỈNH TÂY NINH")
    assert w.issuer_lines("Sở Thông tin và Truyền thông") == ("SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG")
    assert w.issuer_lines("Công an tỉnh") == ("CÔNG AN TỈNH",)
    assert w.full_name("UBND xã Hảo Đước") == "Ủy ban nhân dân xã Hảo Đước"
    assert w.locality("UBND thành phố Tây Ninh") == "Tây Ninh"
    assert w.locality("Sở Tài chính") is None
    assert w.vn_number(150_000_000) == "150.000.000"
    assert w.vn_number(12.5) == "12,5"
    assert (w.quantity(95, "%"), w.quantity(1500, "người"), w.percent(2 / 3)) == (
        "95%",
        "1.500 người",
        "66,67%",
    )
    assert w.roman(14) == "XIV"
    assert w.ascii_slug("Báo cáo Đợt 1/2024") == "bao-cao-dot-1-2024"


def test_signature_blocks_follow_the_authority_form() -> None:
    assert w.signature_lines("TM", "province", "CHỦ TỊCH") == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert w.signature_lines("KT", "province", "Phó Chủ tịch") == (
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert w.signature_lines("KT", "province", "PHÓ CHỦ TỊCH", collective=False) == (
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert w.signature_lines("Q", "department", None) == ("Q. GIÁM ĐỐC",)
    assert w.signature_lines("TUQ", "province", "Chánh Văn phòng") == ("TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")
    assert w.signature_lines("TL", "department", "Chánh Văn phòng") == ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")
    assert w.signature_lines(None, "department", None) == ("GIÁM ĐỐC",)


def test_recipients_end_with_the_filing_line() -> None:
    assert w.recipient_lines(["Như trên"]) == ("- Như trên;", "- Lưu: VT.")
    assert w.recipient_lines(["Lưu: VT, NC", "CT, các PCT UBND tỉnh;", " "]) == (
        "- CT, các PCT UBND tỉnh;",
        "- Lưu: VT, NC.",
    )


def test_documents_fetch_nothing_and_print_text_as_text(engine: WorkflowEngine, tmp_path: Path) -> None:
    with pytest.raises(render.FetchRefused):
        render.refuse_fetch("file:///etc/passwd")
    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", actor=SYSTEM).id
    plan = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=province,
        year=2025,
        place="Tây Ninh",
        title='Kiểm tra <img src="file:///etc/passwd"> & <b>đậm</b>',
        actor=SYSTEM,
    )
    printed = read_back(engine.plan_pdf(plan.id, actor=SYSTEM), "escaped", tmp_path)
    printed.has('Kiểm tra <img src="file:///etc/passwd"> & <b>đậm</b>', "Kế hoạch chưa có nhiệm vụ cụ thể.")
    assert "PHỤ LỤC" not in printed.text  # no tasks, no appendix
    assert printed.pdf.pages == 1


# -- the five kinds -----------------------------------------------------------------------------------


def test_a_plan_prints_with_its_header_body_closing_and_task_appendix(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    pdf = engine.plan_pdf(cycle.plan_id, actor=cycle.users["police_drafter"])
    assert (pdf.content_type, pdf.filename) == ("application/pdf", "ke-hoach-1-kh-2024.pdf")
    printed = read_back(pdf, "plan", tmp_path)
    assert pdf.pages == 3
    page1 = printed.pages[0]
    assert page1.startswith("ỦY BAN NHÂN DÂN TỈNH TÂY NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    printed.has(
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/KH-UBND",
        "Tây Ninh, ngày 18 tháng 10 năm 2024",
        f"KẾ HOẠCH {TITLE}",
        "Căn cứ Luật An ninh mạng ngày 12/6/2018;",
        "Căn cứ Chỉ thị 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ;",
        "Ủy ban nhân dân tỉnh Tây Ninh ban hành Kế hoạch triển khai thực hiện Chỉ thị 14/CT-TTg",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Quán triệt đến 100% cán bộ, công chức.",
        "Bảo đảm an toàn các hệ thống thông tin dùng chung của tỉnh.",
        "II. MỤC TIÊU",
        f"- {TARGET}: 100%, đến ngày 31/12/2025.",
        "III. NHIỆM VỤ VÀ GIẢI PHÁP",
        "Kế hoạch gồm 3 nhiệm vụ",
        "1. Hoàn thiện hệ thống văn bản về an toàn, an ninh mạng (1 nhiệm vụ).",
        "2. Tuyên truyền, nâng cao nhận thức (2 nhiệm vụ).",
        "IV. TỔ CHỨC THỰC HIỆN",
        "hoàn thành trước ngày 15/11/2024 và gửi về Sở Thông tin và Truyền thông",
        "Nơi nhận:",
        "- Văn phòng Chính phủ; - Thường trực Tỉnh ủy; - Các Sở, ban, ngành; - Lưu: VT, NC.",
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Trần Văn Chiến",
        "PHỤ LỤC DANH MỤC NHIỆM VỤ TRIỂN KHAI THỰC HIỆN",
        "(Kèm theo Kế hoạch số 01/KH-UBND ngày 18/10/2024 của Ủy ban nhân dân tỉnh Tây Ninh)",
        "STT Nội dung nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian thực hiện Kết quả dự kiến "
        "Chỉ tiêu đánh giá",
        "I Hoàn thiện hệ thống văn bản về an toàn, an ninh mạng",
        TASK_A,
        "Sở Thông tin và Truyền thông (nội dung an toàn thông tin mạng)",
        "Văn bản được ban hành",
        "100% văn bản được rà soát",
        "II Tuyên truyền, nâng cao nhận thức",
        TASK_B,
        "Công an tỉnh; UBND xã Thái Bình; UBND xã Hảo Đước",
        TASK_C,
        "Quý IV/2024",
    )
    assert "DỰ THẢO" not in printed.text
    assert "PHỤ LỤC" not in page1  # the appendix starts on a page of its own
    check_layout(printed, "plan")


def test_a_draft_plan_prints_as_a_draft_for_its_drafters_only(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    printed = read_back(
        engine.plan_pdf(cycle.draft_plan_id, actor=cycle.users["focal"]), "plan-draft", tmp_path
    )
    printed.has("DỰ THẢO", "Tây Ninh, ngày tháng năm 2025", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH")
    assert re.search(r"Số: /KH-UBND", printed.text)
    with pytest.raises(NotFound):
        engine.plan_pdf(cycle.draft_plan_id, actor=cycle.users["c1_drafter"])
    with pytest.raises(NotFound):
        engine.plan_decision_pdf(cycle.draft_plan_id, actor=cycle.users["police_head"])


def test_an_approval_decision_prints_with_the_plan_attached(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    pdf = engine.plan_decision_pdf(cycle.plan_id, actor=cycle.users["chairman"])
    printed = read_back(pdf, "decision", tmp_path)
    assert pdf.pages == 4
    page1 = printed.pages[0]
    assert page1.startswith("ỦY BAN NHÂN DÂN TỈNH TÂY NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    for snippet in (
        "Số: /QĐ-UBND",
        "Tây Ninh, ngày 18 tháng 10 năm 2024",
        f"QUYẾT ĐỊNH Phê duyệt Kế hoạch {w.first_lower(TITLE)}",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH",
        "Căn cứ Luật An ninh mạng ngày 12/6/2018;",
        "Xét đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
        "QUYẾT ĐỊNH:",
        f"Điều 1. Phê duyệt kèm theo Quyết định này Kế hoạch {w.first_lower(TITLE)}.",
        "Điều 2. Sở Thông tin và Truyền thông có trách nhiệm chủ trì",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh Tây Ninh",
        "Nơi nhận: - Như Điều 3; - Văn phòng Chính phủ;",
        "- Lưu: VT, NC.",
        "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Trần Văn Chiến",
    ):
        assert "".join(snippet.split()) in "".join(page1.split()), snippet
    assert "TM. ỦY BAN NHÂN DÂN" not in page1  # the Chairman decides in his own name
    printed.has(
        f"KẾ HOẠCH {TITLE}",
        "(Ban hành kèm theo Quyết định số /QĐ-UBND ngày 18/10/2024 của Chủ tịch Ủy ban nhân dân tỉnh "
        "Tây Ninh)",
        "PHỤ LỤC DANH MỤC NHIỆM VỤ TRIỂN KHAI THỰC HIỆN",
        TASK_C,
    )
    assert printed.pages[1].count("Nơi nhận") == 0  # the attached plan repeats no recipient list
    check_layout(printed, "decision")


def test_a_units_report_prints_what_the_unit_sent_signed_by_its_head(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    pdf = engine.unit_report_pdf(cycle.period_id, cycle.police, actor=cycle.users["focal"])
    assert pdf.filename == "bao-cao-cong-an-tinh-nam-2024.pdf"
    printed = read_back(pdf, "unit_report", tmp_path)
    assert pdf.pages == 2
    assert printed.pages[0].startswith("UBND TỈNH TÂY NINH CÔNG AN TỈNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    printed.has(
        "Số: /BC-CAT",
        "Tây Ninh, ngày 20 tháng 11 năm 2024",
        "BÁO CÁO Kết quả thực hiện Kế hoạch số 01/KH-UBND ngày 18/10/2024 của Ủy ban nhân dân tỉnh Tây Ninh, "
        "kỳ báo cáo năm 2024",
        "Kính gửi: Sở Thông tin và Truyền thông.",
        "Công an tỉnh báo cáo kết quả thực hiện kỳ báo cáo năm 2024 như sau:",
        "I. KẾT QUẢ THỰC HIỆN",
        "Đã quán triệt Luật An ninh mạng đến toàn lực lượng.",
        "Tổ chức 3 lớp tập huấn.",
        "1. Kết quả thực hiện các nhiệm vụ được giao",
        "STT Nhiệm vụ Thời gian thực hiện Tiến độ Tình trạng Kết quả cụ thể",
        TASK_A,
        "Đã hoàn thành",
        "Hoàn thành đúng hạn",
        "Ban hành Quy chế phối hợp số 12/QC-CAT",
        f"Minh chứng: {EVIDENCE}",
        TASK_B,
        "Đang thực hiện",
        "2. Kết quả thực hiện các chỉ tiêu",
        TARGET,
        "100%",
        "95%",
        "3. Nhiệm vụ phát sinh ngoài kế hoạch",
        "- Hỗ trợ xử lý sự cố tại Sở Y tế: Khôi phục trong 4 giờ",
        "II. KHÓ KHĂN, VƯỚNG MẮC Thiếu trang thiết bị giám sát an ninh mạng.",
        "III. KIẾN NGHỊ, ĐỀ XUẤT Đề nghị bổ sung kinh phí mua sắm thiết bị.",
        "Dự kiến kinh phí thực hiện năm 2025: 150.000.000 đồng.",
        "Trên đây là báo cáo kết quả thực hiện Kế hoạch số 01/KH-UBND",
        "Nơi nhận: - Như trên; - Lưu: VT.",
        "GIÁM ĐỐC",
        "Lê Văn Công",
    )
    assert "DỰ THẢO" not in printed.text
    check_layout(printed, "unit_report")
    # The unit itself has it; another unit does not.
    own = engine.unit_report_pdf(cycle.period_id, cycle.police, actor=cycle.users["police_drafter"])
    assert own.pages == pdf.pages
    with pytest.raises(NotFound):
        engine.unit_report_pdf(cycle.period_id, cycle.police, actor=cycle.users["c1_drafter"])


def test_a_report_not_yet_sent_is_a_draft_the_focal_unit_cannot_have(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    silent = cycle.communes[1]
    with pytest.raises(NotFound):
        engine.unit_report_pdf(cycle.period_id, silent, actor=cycle.users["focal"])
    printed = read_back(
        engine.unit_report_pdf(cycle.period_id, silent, actor=cycle.users["c2_drafter"]),
        "unit_report-draft",
        tmp_path,
    )
    printed.has(
        "DỰ THẢO",
        "ỦY BAN NHÂN DÂN XÃ HẢO ĐƯỚC",
        "Số: /BC-UBND",
        "Hảo Đước, ngày tháng năm 2024",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
    )
    sent = read_back(
        engine.unit_report_pdf(cycle.period_id, cycle.communes[0], actor=cycle.users["focal"]),
        "unit_report-c1",
        tmp_path,
    )
    sent.has(
        "Thái Bình, ngày 22 tháng 11 năm 2024", "Đã tuyên truyền trên loa truyền thanh xã.", "Phạm Văn Bình"
    )


def test_a_reminder_letter_prints_as_an_official_letter(
    engine: WorkflowEngine, cycle: Cycle, tmp_path: Path
) -> None:
    pdf = engine.reminder_letter_pdf(cycle.letter_id, actor=cycle.users["c2_head"])
    printed = read_back(pdf, "reminder_letter", tmp_path)
    assert pdf.pages == 1
    assert printed.pages[0].startswith("UBND TỈNH TÂY NINH SỞ THÔNG TIN VÀ TRUYỀN THÔNG CỘNG HÒA")
    printed.has(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "Số: /STTTT",
        "V/v đôn đốc gửi báo cáo kết quả thực hiện Kế hoạch số 01/KH-UBND, kỳ báo cáo năm 2024",
        "Tây Ninh, ngày 28 tháng 11 năm 2024",
        "Kính gửi: Ủy ban nhân dân xã Hảo Đước.",
        "Thực hiện Kế hoạch số 01/KH-UBND ngày 18/10/2024 của Ủy ban nhân dân tỉnh Tây Ninh về triển khai",
        "gửi báo cáo kết quả thực hiện kỳ báo cáo năm 2024 trước ngày 25/11/2024.",
        "Đến ngày 28/11/2024, Sở Thông tin và Truyền thông chưa nhận được báo cáo của Ủy ban nhân dân xã "
        "Hảo Đước.",
        "khẩn trương hoàn thành báo cáo và gửi về Sở Thông tin và Truyền thông trong thời gian sớm nhất./.",
        "Nơi nhận: - Như trên; - Lưu: VT.",
        "GIÁM ĐỐC",
    )
    check_layout(printed, "reminder_letter")
    assert engine.reminder_letter_pdf(cycle.letter_id, actor=cycle.users["focal"]).sha256 == pdf.sha256
    with pytest.raises(NotFound):
        engine.reminder_letter_pdf(cycle.letter_id, actor=cycle.users["c1_drafter"])
    with pytest.raises(NotFound):
        engine.reminder_letter_pdf(cycle.letter_id + 1000, actor=cycle.users["focal"])


def test_a_consolidated_report_renders_in_a_job_and_stays_with_its_period(
    engine: WorkflowEngine, cycle: Cycle, db_url: str, tmp_path: Path
) -> None:
    focal = cycle.users["focal"]
    job = engine.queue_consolidated_report(cycle.period_id, actor=focal)
    assert (job.kind, job.status, job.progress, job.total) == ("render_document", "queued", 0, 5)
    assert engine.consolidated_report_files(cycle.period_id, actor=focal).files == ()
    done = engine.run_job(job.id)
    assert done is not None
    assert done.status == "done", done
    assert done.result is not None
    files = engine.consolidated_report_files(cycle.period_id, actor=cycle.users["chairman"]).files
    assert [f.id for f in files] == [done.result["id"]]
    kept = files[0]
    assert (kept.job_id, kept.created_by_name, kept.kind) == (job.id, "Lê Thị Đầu Mối", "consolidated_report")
    pdf = engine.stored_document_pdf(kept.id, actor=focal)
    assert (pdf.sha256, pdf.pages, len(pdf.data)) == (kept.sha256, kept.pages, kept.size)
    printed = read_back(pdf, "consolidated_report", tmp_path)
    assert pdf.pages == 5
    assert printed.pages[0].startswith("ỦY BAN NHÂN DÂN TỈNH TÂY NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    printed.has(
        "Số: /BC-UBND",
        "Tây Ninh, ngày 03 tháng 12 năm 2024",
        "BÁO CÁO Kết quả thực hiện Kế hoạch số 01/KH-UBND ngày 18/10/2024 của Ủy ban nhân dân tỉnh Tây Ninh, "
        "kỳ báo cáo năm 2024",
        "trên cơ sở báo cáo của các cơ quan, đơn vị, Ủy ban nhân dân tỉnh Tây Ninh báo cáo kết quả thực hiện",
        "I. TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ",
        "- Tổng số cơ quan, đơn vị phải báo cáo: 3; hạn gửi báo cáo: ngày 25/11/2024; số liệu tính đến ngày "
        "02/12/2024.",
        "- Đã gửi báo cáo: 2 đơn vị (66,67%), trong đó đã tiếp nhận 1 đơn vị.",
        "- Hoàn thành đúng hạn: 2 đơn vị (66,67%)",
        "chưa hoàn thành, quá hạn: 1 đơn vị (33,33%)",
        "- Đơn vị chưa hoàn thành báo cáo (1): UBND xã Hảo Đước.",
        "- Đơn vị báo cáo quá hạn (0): không có.",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        NARRATIVE,
        "III. KIẾN NGHỊ, ĐỀ XUẤT",
        PROPOSALS,
        "Nơi nhận: - Sở Thông tin và Truyền thông; - Lưu: VT, STTTT.",
        "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Trần Văn Chiến",
        "PHỤ LỤC I TÌNH HÌNH BÁO CÁO CỦA CÁC CƠ QUAN, ĐƠN VỊ",
        "(Kèm theo Báo cáo số /BC-UBND của Ủy ban nhân dân tỉnh Tây Ninh)",
        "STT Cơ quan, đơn vị Bước của báo cáo Tình trạng Ngày gửi Ngày tiếp nhận Nhiệm vụ hoàn thành",
        "Công an tỉnh Đã tiếp nhận Hoàn thành đúng hạn 20/11/2024 21/11/2024 1/2",
        "UBND xã Hảo Đước Đang soạn Chưa hoàn thành, quá hạn",
        "UBND xã Thái Bình Đã gửi Hoàn thành đúng hạn 21/11/2024",
        "PHỤ LỤC II KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        f"1 {TASK_A} 1 1 1 0 0 0 100%",
        f"2 {TASK_B} 3 1 0 0 1 0 0%",
        f"3 {TASK_C} 1 0 0 0 0 0 0%",
        "PHỤ LỤC III KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        f"1 {TARGET} 100% 1 95 95 95 95",
    )
    assert "DỰ THẢO" not in printed.text
    check_layout(printed, "consolidated_report")
    trail = engine.period_audit(cycle.period_id, actor=focal, action="document.rendered")
    assert [row.details["file_id"] for row in trail.rows] == [kept.id]


def test_a_render_job_writes_its_steps_and_a_rerun_finds_its_file(
    engine: WorkflowEngine, cycle: Cycle, db_url: str
) -> None:
    focal = cycle.users["focal"]
    job = engine.queue_consolidated_report(cycle.period_id, actor=focal)
    db = create_db_engine(db_url)
    try:
        with db.begin() as conn:  # as run_job leaves it when it starts the door call
            conn.execute(update(Job).where(Job.id == job.id).values(status="running"))
        first = engine.render_consolidated_report(cycle.period_id, actor=focal, job_id=job.id)
        following = engine.get_job(job.id, actor=focal)
        assert (following.progress, following.total, following.message) == (4, 5, "Đang lưu tệp")
        again = engine.render_consolidated_report(cycle.period_id, actor=focal, job_id=job.id)
        assert again.id == first.id
        assert len(engine.consolidated_report_files(cycle.period_id, actor=focal).files) == 1
        with db.connect() as conn:
            assert conn.execute(select(OfficialDocument.id)).all()  # the cycle's letter is still there
    finally:
        db.dispose()


def test_only_the_focal_unit_and_leaders_have_the_consolidated_report(
    engine: WorkflowEngine, cycle: Cycle
) -> None:
    file_id = engine.render_consolidated_report(cycle.period_id, actor=cycle.users["focal"]).id
    for outsider in ("police_drafter", "police_head", "c1_drafter"):
        user = cycle.users[outsider]
        calls: list[Callable[[], object]] = [
            lambda u=user: engine.queue_consolidated_report(cycle.period_id, actor=u),
            lambda u=user: engine.consolidated_report_files(cycle.period_id, actor=u),
            lambda u=user: engine.stored_document_pdf(file_id, actor=u),
            lambda u=user: engine.render_consolidated_report(cycle.period_id, actor=u),
        ]
        for call in calls:
            with pytest.raises(NotFound):
                call()
    assert engine.stored_document_pdf(file_id, actor=cycle.users["chairman"]).pages == 5
