"""The task page's helpers: drafts, rows supplied to list fields, attachments and the item's history.

Helpers take ``session`` and never commit; ``engine.service_task_pages`` wraps them in door methods.

Attachments are checked before anything is stored: the extension must be one of
``ATTACHMENT_TYPES`` and the first bytes must say the same thing (a PDF starts ``%PDF-``, a Word
or Excel file of the new kind is a ZIP holding ``word/`` or ``xl/`` parts...); programs are refused
whatever they are called, also inside a ZIP. The name is reduced to a bare file name.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

import forms
from engine import audit, form_store, instances, plans, reports
from engine.authority import acting_for
from engine.errors import InvalidSubmission, NotFound, NotPermitted, StaleTask
from engine.models import (
    Attachment,
    AuditEvent,
    HumanTask,
    PlanSection,
    PlanTarget,
    PlanTask,
    ReportingPeriod,
    TaskDraft,
    User,
)
from engine.organisation import may_act_clause
from engine.results import HistoryEntry
from engine.task_page_results import AttachmentInfo, RowChoice, TaskDraftInfo
from engine.tasks import STALE, visible
from forms.messages import format_number

#: At most this many files on one item, so a stuck upload loop cannot fill the database.
MAX_ATTACHMENTS_PER_ITEM = 100
#: A draft is typed text; anything larger than this (as JSON) is not a draft.
MAX_DRAFT_BYTES = 1_000_000
MAX_DRAFT_DEPTH = 4
MAX_FILENAME_LENGTH = 200

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Allowed extensions and the content type each is stored and served as.
ATTACHMENT_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": _DOCX,
    "xls": "application/vnd.ms-excel",
    "xlsx": _XLSX,
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc and .xls
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows and DOS programs, DLLs
    b"\x7fELF",  # Linux programs
    b"\xfe\xed\xfa\xce",  # macOS programs (Mach-O, both byte orders and widths)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal programs and Java classes
    b"#!",  # scripts
)
_EXECUTABLE_NAMES = re.compile(
    r"\.(exe|dll|com|bat|cmd|scr|msi|msp|ps1|psm1|vbs|vbe|js|jse|jar|sh|apk|lnk|cpl|pif|hta|wsf|reg)$",
    re.IGNORECASE,
)
_UNSAFE_NAME_CHARACTERS = re.compile(r'[<>:"|?*]')

TYPES_MESSAGE = "Chỉ nhận tệp PDF, Word (doc, docx), Excel (xls, xlsx), ảnh PNG, JPG hoặc tệp nén ZIP."
EXECUTABLE_MESSAGE = "Không nhận tệp chương trình (tệp chạy được); tệp chưa được lưu."


def _refused(message: str) -> InvalidSubmission:
    return InvalidSubmission(message, {"file": [message]})


def limit_text(limit: int) -> str:
    """Write a byte limit for people, the Vietnamese way: ``20 MB``, ``1,5 KB``, ``900 B``."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= scale:
            return f"{limit / scale:.4g} {unit}".replace(".", ",")
    return f"{limit} B"


# -- acting on a task ----------------------------------------------------------------------------


def workable(session: Session, task_id: int, user_id: int, on_day: date) -> HumanTask:
    """Return an open task the user may work on now, its instance locked.

    ``NotFound`` if they may not see it, ``StaleTask`` if it is no longer open,
    ``NotPermitted`` if a colleague holds it.
    """
    row = visible(session, task_id, user_id, on_day)
    instances.lock(session, row.instance_id)
    session.refresh(row)
    if row.status != "open":
        raise StaleTask(STALE)
    if row.claimed_by_id not in (None, user_id):
        raise NotPermitted("Nhiệm vụ đang do người khác giữ (another user holds this task)")
    return row


def may_work(row: HumanTask, user_id: int) -> bool:
    """Tell whether a visible task is one the user may work on now (open, not held by another)."""
    return row.status == "open" and row.claimed_by_id in (None, user_id)


def may_see_item(session: Session, instance_id: int, user_id: int, on_day: date) -> bool:
    """Tell whether the user may see some task of the item (an instance): then they see its files."""
    user_ids, roles = acting_for(session, user_id, on_day)
    found = session.scalar(
        select(HumanTask.id)
        .where(
            HumanTask.instance_id == instance_id,
            or_(may_act_clause(user_ids, roles), HumanTask.completed_by_id == user_id),
        )
        .limit(1)
    )
    return found is not None


# -- drafts --------------------------------------------------------------------------------------


def find_draft(session: Session, row: HumanTask, user_id: int) -> TaskDraft | None:
    """Return the user's draft of the task, if the task is still open (a closed task's is ignored)."""
    if row.status != "open":
        return None
    return session.scalars(
        select(TaskDraft).where(TaskDraft.task_id == row.id, TaskDraft.user_id == user_id)
    ).first()


def save_draft(
    session: Session,
    row: HumanTask,
    user_id: int,
    values: Mapping[str, Any],
    *,
    forms_dir: Path | None,
    at: datetime,
) -> TaskDraft:
    """Store the user's input for the task as it is (no validation), replacing their earlier draft."""
    kept = draft_values(session, row.form_key, values, forms_dir)
    draft = find_draft(session, row, user_id)
    if draft is None:
        draft = TaskDraft(task_id=row.id, user_id=user_id, values=kept, saved_at=at)
        session.add(draft)
    else:
        draft.values = kept
        draft.saved_at = at
    session.flush()
    return draft


def draft_values(
    session: Session, form_key: str | None, values: Mapping[str, Any], forms_dir: Path | None
) -> dict[str, Any]:
    """Keep the form's own fields of ``values``; refuse what is not typed input or is too large."""
    names = {f.name for f in form_store.resolve(session, form_key, forms_dir).fields} if form_key else set()
    kept = {str(k): v for k, v in values.items() if k in names}
    if not all(_plain(v, 0) for v in kept.values()):
        raise InvalidSubmission(
            "Bản nháp chỉ chứa nội dung nhập vào biểu mẫu (a draft holds form input only)",
            {"": ["Bản nháp không hợp lệ."]},
        )
    if len(json.dumps(kept, ensure_ascii=False)) > MAX_DRAFT_BYTES:
        raise InvalidSubmission(
            "Bản nháp quá lớn (the draft is too large)", {"": ["Bản nháp quá lớn, không lưu được."]}
        )
    return kept


def _plain(value: Any, depth: int) -> bool:
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= MAX_DRAFT_DEPTH:
        return False
    if isinstance(value, list | tuple):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def delete_draft(session: Session, task_id: int, user_id: int) -> bool:
    """Delete the user's draft of a task; tell whether there was one."""
    result = session.execute(
        delete(TaskDraft).where(TaskDraft.task_id == task_id, TaskDraft.user_id == user_id)
    )
    return bool(getattr(result, "rowcount", 0))


def to_draft_info(draft: TaskDraft) -> TaskDraftInfo:
    """Turn a row into a result."""
    return TaskDraftInfo(
        task_id=draft.task_id, user_id=draft.user_id, values=dict(draft.values), saved_at=draft.saved_at
    )


# -- rows supplied to list fields ----------------------------------------------------------------


def row_sources(
    session: Session, row: HumanTask, definition: forms.FormDefinition | None
) -> dict[str, tuple[RowChoice, ...]]:
    """Return the rows each source the form's list fields name supplies for this task's item.

    ``plan_tasks``: the tasks of the report's plan that the reporting unit leads; ``plan_targets``:
    the plan's targets; both in plan order. An item that is not a unit report gets no rows.
    """
    wanted = {f.table.source for f in (definition.fields if definition else ()) if f.table and f.table.source}
    if not wanted:
        return {}
    found: dict[str, tuple[RowChoice, ...]] = {name: () for name in wanted}
    report = reports.for_instance(session, row.instance_id)
    period = session.get(ReportingPeriod, report.period_id) if report is not None else None
    if report is None or period is None:
        return found
    if "plan_tasks" in wanted:
        found["plan_tasks"] = _plan_task_rows(session, period.plan_id, report.unit_id)
    if "plan_targets" in wanted:
        found["plan_targets"] = _plan_target_rows(session, period.plan_id)
    return found


def _plan_task_rows(session: Session, plan_id: int, unit_id: int) -> tuple[RowChoice, ...]:
    led = [
        task_id for task_id, units in plans.lead_units_by_task(session, plan_id).items() if unit_id in units
    ]
    if not led:
        return ()
    sections = dict(
        session.execute(select(PlanSection.id, PlanSection.code).where(PlanSection.plan_id == plan_id)).all()
    )
    rows = session.scalars(select(PlanTask).where(PlanTask.id.in_(led)).order_by(PlanTask.position))
    return tuple(
        RowChoice(
            id=task.id,
            code=".".join(part for part in (sections.get(task.section_id or 0, ""), task.code) if part),
            label=task.content,
            detail=task.timeframe_text,
        )
        for task in rows
    )


def _plan_target_rows(session: Session, plan_id: int) -> tuple[RowChoice, ...]:
    rows = session.scalars(
        select(PlanTarget).where(PlanTarget.plan_id == plan_id).order_by(PlanTarget.position)
    )
    choices = []
    for target in rows:
        goal = f"Mục tiêu: {forms_number(target.value)} {target.unit}".strip()
        if target.milestone is not None:
            goal += f" (mốc {target.milestone:%d/%m/%Y})"
        choices.append(
            RowChoice(id=target.id, code=str(target.position), label=target.description, detail=goal)
        )
    return tuple(choices)


def forms_number(value: Any) -> str:
    """Write a stored number the Vietnamese way (``1.500.000``, ``12,5``), without trailing zeros."""
    number = float(value)
    return format_number(int(number) if number.is_integer() else number)


# -- the item's history --------------------------------------------------------------------------


def history(session: Session, instance_id: int, *, limit: int = 200) -> list[HistoryEntry]:
    """Return what happened to an item, oldest first (named actions' internals left out)."""
    entries = session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.action.not_like("action.%"))
        .order_by(AuditEvent.id)
        .limit(limit)
    ).all()
    return [HistoryEntry(e.at, name, e.action, dict(e.details or {})) for e, name in entries]


# -- attachments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, ready to store."""

    filename: str
    content_type: str
    sha256: str


def clean_filename(name: str) -> str:
    """Reduce an uploaded name to a bare, printable file name (no folders, no control characters)."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split())  # tabs and line breaks become single spaces
    # Categories C*: control and format characters (a right-to-left override can disguise
    # "fdp.exe" as "exe.pdf"), surrogates, private and unassigned code points.
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = _UNSAFE_NAME_CHARACTERS.sub("_", text).strip(" .")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: MAX_FILENAME_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:MAX_FILENAME_LENGTH]
    return text


def check_file(filename: str, data: bytes, *, limit: int) -> CheckedFile:
    """Check an upload's name, size and content; raise ``InvalidSubmission`` naming the problem."""
    name = clean_filename(filename)
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower() if dot else ""
    if not name or not stem or extension not in ATTACHMENT_TYPES:
        raise _refused(TYPES_MESSAGE)
    if not data:
        raise _refused("Tệp rỗng, không có nội dung; tệp chưa được lưu.")
    if len(data) > limit:
        raise _refused(f"Tệp vượt quá dung lượng cho phép ({limit_text(limit)} mỗi tệp); tệp chưa được lưu.")
    if data.startswith(_EXECUTABLE_MAGIC):
        raise _refused(EXECUTABLE_MESSAGE)
    if not _content_matches(extension, data):
        raise _refused(
            f"Nội dung tệp không đúng định dạng .{extension} như tên tệp; tệp chưa được lưu. " + TYPES_MESSAGE
        )
    return CheckedFile(
        filename=name, content_type=ATTACHMENT_TYPES[extension], sha256=hashlib.sha256(data).hexdigest()
    )


def _content_matches(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return b"%PDF-" in data[:1024]
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension in ("doc", "xls"):
        return data.startswith(_OLE)
    if not data.startswith(_ZIP):
        return False
    names = _zip_names(data)
    if extension == "docx":
        return "word/document.xml" in names
    if extension == "xlsx":
        return "xl/workbook.xml" in names
    return True  # zip


def _zip_names(data: bytes) -> set[str]:
    """List a ZIP's members (reading only its directory); refuse one that holds a program."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, NotImplementedError):
        raise _refused("Tệp nén bị hỏng hoặc không đọc được; tệp chưa được lưu.") from None
    for member in names:
        if _EXECUTABLE_NAMES.search(member.rstrip("/")):
            shown = clean_filename(member)[:80]
            raise _refused(f"Tệp nén chứa tệp chương trình «{shown}»; tệp chưa được lưu.")
    return set(names)


def add_attachment(
    session: Session, row: HumanTask, user_id: int, filename: str, data: bytes, *, limit: int, at: datetime
) -> Attachment:
    """Store a checked file on the task's item and write the audit row."""
    checked = check_file(filename, data, limit=limit)
    # Is there already a last allowed file? (One indexed row read, not a count.)
    at_limit = session.scalar(
        select(Attachment.id)
        .where(Attachment.instance_id == row.instance_id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
        .offset(MAX_ATTACHMENTS_PER_ITEM - 1)
        .limit(1)
    )
    if at_limit is not None:
        raise _refused(f"Mỗi hồ sơ đính kèm tối đa {MAX_ATTACHMENTS_PER_ITEM} tệp; hãy gỡ bớt tệp cũ.")
    attachment = Attachment(
        instance_id=row.instance_id,
        task_id=row.id,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(data),
        sha256=checked.sha256,
        data=data,
        uploaded_by_id=user_id,
        uploaded_at=at,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=user_id,
        action="attachment.added",
        object_type="attachment",
        object_id=attachment.id,
        instance_id=row.instance_id,
        details={
            "filename": checked.filename,
            "size": len(data),
            "sha256": checked.sha256,
            "task": row.task_name,
        },
    )
    return attachment


def remove_attachment(
    session: Session, attachment_id: int, user_id: int, on_day: date, *, at: datetime
) -> None:
    """Soft-delete a file its uploader added at a task that is still open; audited."""
    attachment = live_attachment(session, attachment_id)
    task = session.get(HumanTask, attachment.task_id) if attachment.task_id is not None else None
    if task is None or not may_see_item(session, attachment.instance_id, user_id, on_day):
        raise _missing(attachment_id)
    instances.lock(session, attachment.instance_id)
    session.refresh(attachment)
    session.refresh(task)
    if attachment.removed_at is not None:
        raise _missing(attachment_id)
    if attachment.uploaded_by_id != user_id:
        raise NotPermitted("Chỉ người tải tệp lên mới gỡ được tệp (only the uploader may remove it)")
    if task.status != "open":
        raise NotPermitted("Bước đã xong, không gỡ được tệp (the step is done; the file stays)")
    attachment.removed_at = at
    audit.record(
        session,
        at=at,
        actor=user_id,
        action="attachment.removed",
        object_type="attachment",
        object_id=attachment.id,
        instance_id=attachment.instance_id,
        details={"filename": attachment.filename, "task": task.task_name},
    )


def _missing(attachment_id: int) -> NotFound:
    return NotFound(f"Không tìm thấy tệp đính kèm {attachment_id} (no such attachment)")


def live_attachment(session: Session, attachment_id: int) -> Attachment:
    """Return an attachment that was not removed, or raise ``NotFound``."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.removed_at is not None:
        raise _missing(attachment_id)
    return attachment


def visible_attachment(session: Session, attachment_id: int, user_id: int, on_day: date) -> Attachment:
    """Return an attachment of an item the user may see; ``NotFound`` otherwise (ids leak nothing)."""
    attachment = live_attachment(session, attachment_id)
    if not may_see_item(session, attachment.instance_id, user_id, on_day):
        raise _missing(attachment_id)
    return attachment


def list_attachments(session: Session, instance_id: int, user_id: int) -> list[AttachmentInfo]:
    """Return the item's files, oldest first, each saying whether ``user_id`` may remove it."""
    rows = session.execute(
        select(Attachment, User.full_name, HumanTask.status)
        .outerjoin(User, User.id == Attachment.uploaded_by_id)
        .outerjoin(HumanTask, HumanTask.id == Attachment.task_id)
        .where(Attachment.instance_id == instance_id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    ).all()
    return [
        to_attachment_info(a, name, may_remove=a.uploaded_by_id == user_id and status == "open")
        for a, name, status in rows
    ]


def to_attachment_info(attachment: Attachment, uploader: str | None, *, may_remove: bool) -> AttachmentInfo:
    """Turn a row into a result (the bytes stay behind: the column is deferred)."""
    return AttachmentInfo(
        id=attachment.id,
        instance_id=attachment.instance_id,
        task_id=attachment.task_id,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_by_id=attachment.uploaded_by_id,
        uploaded_by_name=uploader,
        uploaded_at=attachment.uploaded_at,
        may_remove=may_remove,
    )
