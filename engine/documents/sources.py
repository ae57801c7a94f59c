"""Read what a plan, its approval decision and a reminder letter print, from the database.

Helpers here take ``session`` and never commit; the door (``engine.service_documents``) checks
who may see the document first. Everything returned is plain data for the templates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import plan_pages, plans
from engine.documents import wording as w
from engine.documents.content import (
    Appendix,
    Chapter,
    Closing,
    DecisionDocument,
    Header,
    PlanBody,
    PlanDocument,
    ReminderLetterDocument,
    TaskRow,
    TaskTable,
    paragraphs,
)
from engine.models import Delegation, Plan, Unit, User
from engine.names import normalise_name
from engine.plan_page_results import PlanSectionView

# Levels whose superior body is printed above them (as on the plan's page).
SUPERIOR_SHOWN_FOR = ("department", "office", "party_cell")
MAX_PLACE_DEPTH = 6


def unit(session: Session, unit_id: int) -> Unit:
    """Return a unit (its foreign key guarantees it exists)."""
    row = session.get(Unit, unit_id)
    assert row is not None  # noqa: S101 - foreign key
    return row


def doc_code(body: Unit) -> str:
    """Return the body's code in document symbols ("UBND", "STTTT")."""
    return body.doc_code or ("UBND" if w.locality(body.name) else "")


def place_of(session: Session, body: Unit, fallback: str) -> str:
    """Return the place a body writes before its date: its own locality, or its nearest parent's."""
    current: Unit | None = body
    for _ in range(MAX_PLACE_DEPTH):
        if current is None:
            break
        found = w.locality(current.name)
        if found:
            return found
        current = session.get(Unit, current.parent_id) if current.parent_id is not None else None
    return fallback


def header(
    session: Session,
    body: Unit,
    *,
    number: str,
    dated: str,
    subject: str | None = None,
    is_draft: bool = False,
) -> Header:
    """Build the header of a document the body issues (its superior above it where that is usual)."""
    superior = None
    if body.level in SUPERIOR_SHOWN_FOR and body.parent_id is not None:
        superior = w.upper(unit(session, body.parent_id).name)
    return Header(
        issuer=w.issuer_lines(body.name),
        number=number,
        dated=dated,
        superior=superior,
        subject=subject,
        is_draft=is_draft,
    )


def user_name(session: Session, user_id: int | None) -> str | None:
    """Return a person's full name."""
    user = session.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else None


def signing_form(session: Session, user_id: int, body: Unit, on_day: date) -> tuple[str | None, str | None]:
    """Tell how a person signed for a body on a day: a delegation then valid, else as its head.

    Returns the form (KT, Q, TL, TUQ; TM for a collective body's head; None for the head of
    another body) and the title the delegation gives.
    """
    delegation = session.scalars(
        select(Delegation)
        .where(
            Delegation.delegate_id == user_id,
            Delegation.unit_id == body.id,
            Delegation.revoked_at.is_(None),
            Delegation.valid_from <= on_day,
            Delegation.valid_until >= on_day,
        )
        .order_by(Delegation.valid_until.desc())
    ).first()
    if delegation is not None:
        return delegation.form, delegation.signer_title
    return ("TM" if body.level in w.COLLECTIVES else None), None


def head_title(body: Unit) -> str:
    """Return the title of a body's head in sentence case ("Giám đốc", "Chủ tịch")."""
    return w.HEAD_TITLES.get(body.level, "THỦ TRƯỞNG CƠ QUAN").capitalize()


def plan_reference(plan: Plan, issuer: Unit, *, with_title: bool = False) -> str:
    """Cite a plan: "Kế hoạch số 05/KH-UBND ngày 18/10/2019 của Ủy ban nhân dân tỉnh Tây Ninh"."""
    text = f"Kế hoạch số {w.symbol_of(plan.number, plan.doc_type, doc_code(issuer))}"
    if plan.issued_on is not None:
        text += f" ngày {w.short_date(plan.issued_on)}"
    text += f" của {w.full_name(issuer.name)}"
    if with_title:
        text += f" về {w.first_lower(plan.title)}"
    return text


def local_day(moment: datetime | None, zone: ZoneInfo) -> date | None:
    """Return the local calendar day of a moment."""
    return moment.astimezone(zone).date() if moment is not None else None


# -- a plan ------------------------------------------------------------------------------------------


def plan_body(session: Session, plan: Plan, *, attached_note: str | None = None) -> PlanBody:
    """Build a plan's text and task table (``attached_note`` when attached to its decision)."""
    issuer = unit(session, plan.issuing_unit_id)
    focal = unit(session, plan.focal_unit_id)
    issuer_name = w.full_name(issuer.name)
    focal_name = w.full_name(focal.name)
    info = plans.to_info(session, plan, detail=True)
    sections = plan_pages.section_views(session, plan.id, info.tasks)
    is_issued = plan.status == "issued"
    code = doc_code(issuer)
    if attached_note is None:
        the_header = header(
            session,
            issuer,
            number=w.number_line(plan.number, plan.doc_type, code),
            dated=w.date_line(plan.place, plan.issued_on, year=plan.year),
            is_draft=not is_issued,
        )
    else:
        the_header = header(session, issuer, number="", dated="")
    bases = tuple(_basis(b) for b in plan.legal_bases if b.strip())
    intro = (*bases, f"{issuer_name} ban hành Kế hoạch {w.first_lower(plan.title)}, cụ thể như sau:")
    chapters: list[tuple[str, tuple[str, ...]]] = []
    if plan.summary.strip():
        chapters.append(("MỤC ĐÍCH, YÊU CẦU", paragraphs(plan.summary)))
    if info.targets:
        chapters.append(("MỤC TIÊU", tuple(_target_line(*t) for t in info.targets)))
    chapters.append(("NHIỆM VỤ VÀ GIẢI PHÁP", _task_overview(sections)))
    chapters.append(("TỔ CHỨC THỰC HIỆN", _organisation(plan, issuer_name, focal_name)))
    if is_issued and plan.signer_id is not None:
        authority = w.signature_lines(plan.authority_form, issuer.level, plan.signer_title)
        signer = user_name(session, plan.signer_id)
    else:
        authority, signer = w.signature_lines(None, issuer.level, None), None
    rows: list[TaskRow] = []
    for index, section in enumerate(sections, start=1):
        if section.title:
            rows.append(TaskRow(code=section.code or w.roman(index), content=section.title, is_section=True))
        for number, task in enumerate(section.tasks, start=1):
            rows.append(
                TaskRow(
                    code=task.code or str(number),
                    content=task.content,
                    lead=_units(task.lead),
                    coordinating=_units(task.coordinating),
                    timeframe=task.timeframe_text,
                    expected_result=task.expected_result,
                    indicator=task.indicator,
                )
            )
    return PlanBody(
        header=the_header,
        title=plan.title,
        intro=intro,
        chapters=tuple(
            Chapter(f"{w.roman(i)}. {heading}", text) for i, (heading, text) in enumerate(chapters, start=1)
        ),
        closing=Closing(
            recipients=w.recipient_lines(plan.recipients) if attached_note is None else (),
            authority=authority,
            signer_name=signer,
        ),
        tasks=TaskTable(
            rows=tuple(rows),
            with_result=any(t.expected_result for t in info.tasks),
            with_indicator=any(t.indicator for t in info.tasks),
        ),
        appendix=Appendix(
            number="PHỤ LỤC",
            title="DANH MỤC NHIỆM VỤ TRIỂN KHAI THỰC HIỆN",
            note=f"(Kèm theo {plan_reference(plan, issuer)})",
        ),
        attached_note=attached_note,
    )


def plan_document(session: Session, plan: Plan) -> PlanDocument:
    """Build a plan (KẾ HOẠCH) with its task table."""
    return PlanDocument(plan=plan_body(session, plan))


def decision_document(session: Session, plan: Plan) -> DecisionDocument:
    """Build the decision (QUYẾT ĐỊNH) approving a plan, with the plan attached.

    The decision is numbered by the office when it is registered: its number is left blank.
    """
    issuer = unit(session, plan.issuing_unit_id)
    focal = unit(session, plan.focal_unit_id)
    code = doc_code(issuer)
    issuer_name = w.full_name(issuer.name)
    head = head_title(issuer)
    title = f"Phê duyệt Kế hoạch {w.first_lower(plan.title)}"
    is_issued = plan.status == "issued" and plan.signer_id is not None
    proposer = f"{head_title(focal)} {w.full_name(focal.name)}"
    bases = (
        *(_basis(b) for b in plan.legal_bases if b.strip()),
        f"Xét đề nghị của {proposer}.",
    )
    articles = (
        ("Điều 1.", f"Phê duyệt kèm theo Quyết định này Kế hoạch {w.first_lower(plan.title)}."),
        (
            "Điều 2.",
            f"{w.full_name(focal.name)} có trách nhiệm chủ trì, phối hợp với các cơ quan, đơn vị có liên "
            "quan triển khai, theo dõi, đôn đốc và tổng hợp tình hình thực hiện Kế hoạch đã được phê "
            "duyệt theo đúng quy định.",
        ),
        (
            "Điều 3.",
            f"Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng {issuer_name}, {proposer}, thủ "
            "trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
        ),
    )
    as_of = w.short_date(plan.issued_on) if plan.issued_on else f"{w.BLANK}/{w.BLANK}/{plan.year}"
    note = (
        f"(Ban hành kèm theo Quyết định số {w.symbol_of(None, 'QĐ', code)} ngày {as_of} "
        f"của {head} {issuer_name})"
    )
    third = normalise_name("Như Điều 3")
    recipients = ["Như Điều 3", *(r for r in plan.recipients if normalise_name(r) != third)]
    return DecisionDocument(
        header=header(
            session,
            issuer,
            number=w.number_line(None, "QĐ", code),
            dated=w.date_line(plan.place, plan.issued_on, year=plan.year),
            is_draft=not is_issued,
        ),
        title=title,
        authority=w.upper(f"{head} {issuer_name}"),
        bases=bases,
        articles=articles,
        closing=Closing(
            recipients=w.recipient_lines(recipients),
            authority=w.signature_lines(
                plan.authority_form if is_issued else None,
                issuer.level,
                plan.signer_title if is_issued else None,
                collective=False,
            ),
            signer_name=user_name(session, plan.signer_id) if is_issued else None,
        ),
        plan=plan_body(session, plan, attached_note=note),
    )


def _basis(text: str) -> str:
    clean = " ".join(text.split()).rstrip(";.,")
    lowered = clean.casefold()
    if not (lowered.startswith("căn cứ") or lowered.startswith("thực hiện") or lowered.startswith("xét")):
        clean = f"Căn cứ {clean}"
    return f"{clean};"


def _target_line(description: str, value: Decimal, unit_name: str, milestone: date | None) -> str:
    line = f"- {description.rstrip('.;')}: {w.quantity(value, unit_name)}"
    if milestone is not None:
        line += f", đến ngày {w.short_date(milestone)}"
    return line + "."


def _task_overview(sections: list[PlanSectionView]) -> tuple[str, ...]:
    count = sum(len(s.tasks) for s in sections)
    if not count:
        return ("Kế hoạch chưa có nhiệm vụ cụ thể.",)
    titled = [s for s in sections if s.title]
    lines = [
        f"Kế hoạch gồm {count} nhiệm vụ; nội dung, đơn vị chủ trì, đơn vị phối hợp và thời gian thực hiện "
        f"từng nhiệm vụ tại Phụ lục kèm theo Kế hoạch này{', gồm các nhóm nhiệm vụ sau:' if titled else '.'}"
    ]
    lines.extend(f"{n}. {s.title} ({len(s.tasks)} nhiệm vụ)." for n, s in enumerate(titled, start=1))
    return tuple(lines)


def _organisation(plan: Plan, issuer_name: str, focal_name: str) -> tuple[str, ...]:
    deadline = (
        f", hoàn thành trước ngày {w.short_date(plan.child_plan_deadline)}"
        if plan.child_plan_deadline
        else ""
    )
    return (
        f"1. {focal_name} là đơn vị đầu mối, chủ trì theo dõi, đôn đốc, kiểm tra các cơ quan, đơn vị triển "
        f"khai thực hiện Kế hoạch này; tổng hợp kết quả, báo cáo {issuer_name} theo quy định.",
        "2. Các cơ quan, đơn vị được giao chủ trì nhiệm vụ căn cứ Kế hoạch này xây dựng kế hoạch triển khai "
        f"của cơ quan, đơn vị mình{deadline} và gửi về {focal_name} để theo dõi, tổng hợp.",
        "3. Định kỳ theo kỳ báo cáo, các cơ quan, đơn vị báo cáo tình hình, kết quả thực hiện, khó khăn, "
        f"vướng mắc, kiến nghị, đề xuất về {focal_name} để tổng hợp, báo cáo {issuer_name}.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh kịp thời về "
        f"{focal_name} để tổng hợp, báo cáo {issuer_name} xem xét, quyết định./.",
    )


def _units(named: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f"{name} ({note})" if note else name for name, note in named)


# -- a reminder letter -------------------------------------------------------------------------------


def reminder_letter_document(
    session: Session,
    *,
    issuing_unit_id: int,
    recipient_name: str,
    subject: str,
    dated: date | None,
    place: str | None,
    plan: Plan | None,
    period_label: str,
    unit_deadline: date | None,
) -> ReminderLetterDocument:
    """Build an official reminder letter (công văn đôn đốc) from its record.

    ``subject`` (the record's title) is the "V/v" line when the plan is unknown; otherwise the
    line cites the plan by its number as printed.
    """
    issuer = unit(session, issuing_unit_id)
    issuer_name = w.full_name(issuer.name)
    recipient = w.full_name(recipient_name)
    cited = "kế hoạch"
    superior = issuer_name
    if plan is not None:
        plan_issuer = unit(session, plan.issuing_unit_id)
        cited = plan_reference(plan, plan_issuer, with_title=True)
        superior = w.full_name(plan_issuer.name)
        symbol = w.symbol_of(plan.number, plan.doc_type, doc_code(plan_issuer))
        subject = (
            f"V/v đôn đốc gửi báo cáo kết quả thực hiện Kế hoạch số {symbol}, kỳ báo cáo "
            f"{w.first_lower(period_label)}"
        )
    deadline = f" trước ngày {w.short_date(unit_deadline)}" if unit_deadline else ""
    since = f"Đến ngày {w.short_date(dated)}" if dated else "Đến nay"
    return ReminderLetterDocument(
        header=header(
            session,
            issuer,
            number=w.number_line(None, "", doc_code(issuer)),
            dated=w.date_line(place_of(session, issuer, place or ""), dated),
            subject=subject,
        ),
        addressee=f"{recipient}.",
        paragraphs=(
            f"Thực hiện {cited}, {issuer_name} đã đề nghị các cơ quan, đơn vị gửi báo cáo kết quả thực hiện "
            f"kỳ báo cáo {w.first_lower(period_label)}{deadline}.",
            f"{since}, {issuer_name} chưa nhận được báo cáo của {recipient}.",
            f"Để kịp thời tổng hợp, báo cáo {superior}, {issuer_name} đề nghị {recipient} khẩn trương hoàn "
            f"thành báo cáo và gửi về {issuer_name} trong thời gian sớm nhất./.",
        ),
        closing=Closing(
            recipients=w.recipient_lines(["Như trên"]),
            authority=w.signature_lines(None, issuer.level, None, collective=False),
        ),
    )
