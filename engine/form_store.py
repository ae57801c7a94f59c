"""Where a form key's definition comes from: its newest stored version, else the shipped file, else a note.

Administrators save form definitions as immutable versions (``form_version``: key, version,
checksum, YAML source). The definition a task shows and validates against is the newest stored
version of its key; a key never edited uses the file shipped in ``forms/definitions`` (or
``settings.forms_dir``); a key that is neither (a BPMN drawn in another tool naming a form PlanCycle
does not have) gets ``fallback_form``: one optional note field, so the task stays usable.

Parsed stored versions are cached by key and checksum, so a task page costs one indexed query
for the newest version's checksum and no YAML parsing once warm. Helpers take ``session`` and
never commit.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only

import forms
from engine import audit
from engine.errors import StaleTask
from engine.form_results import FormVersionInfo
from engine.models import FormVersion, User
from engine.results import Actor

#: The field of the generic form shown for an unknown form key.
FALLBACK_FIELD: Final = "note"
_FALLBACK_KEY: Final = "generic_note"
_CACHE_SIZE: Final = 256

_lock = threading.Lock()
_parsed: OrderedDict[tuple[str, str], forms.FormDefinition] = OrderedDict()


def normalize_source(text: str) -> str:
    """Return the text as it is stored: Unix line ends (browsers post CR LF), one final newline."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"


def checksum_of(text: str) -> str:
    """Return the SHA-256 of a (normalised) source text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_form_key(key: object) -> bool:
    """Tell whether ``key`` is a valid form key (``[a-z][a-z0-9_]{0,63}``)."""
    return isinstance(key, str) and forms.KEY_PATTERN.fullmatch(key) is not None


# -- reading ---------------------------------------------------------------------------------


def latest_row(session: Session, key: str) -> FormVersion | None:
    """Return the newest stored version of ``key`` (its source loaded only when used), or ``None``."""
    return session.scalars(
        select(FormVersion)
        .options(load_only(FormVersion.key, FormVersion.version, FormVersion.checksum))
        .where(FormVersion.key == key)
        .order_by(FormVersion.version.desc())
        .limit(1)
    ).first()


def find_row(session: Session, key: str, version: int) -> FormVersion | None:
    """Return one stored version of ``key``, or ``None``."""
    return session.scalars(
        select(FormVersion).where(FormVersion.key == key, FormVersion.version == version)
    ).first()


def stored_keys(session: Session) -> set[str]:
    """Return every key that has at least one stored version."""
    return set(session.scalars(select(FormVersion.key).distinct()))


def shipped_keys(forms_dir: Path | None) -> list[str]:
    """Return the keys of the shipped definition files, sorted."""
    return forms.list_forms(directory=forms_dir)


def known_keys(session: Session, forms_dir: Path | None) -> set[str]:
    """Return every key a task may name and get a real form for: shipped files and stored versions."""
    return set(shipped_keys(forms_dir)) | stored_keys(session)


def parsed(row: FormVersion) -> forms.FormDefinition:
    """Return the definition a stored version describes (cached by key and checksum)."""
    marker = (row.key, row.checksum)
    with _lock:
        cached = _parsed.get(marker)
        if cached is not None:
            _parsed.move_to_end(marker)
            return cached
    definition = forms.parse_form_source(row.source, key=row.key)
    with _lock:
        _parsed[marker] = definition
        while len(_parsed) > _CACHE_SIZE:
            _parsed.popitem(last=False)
    return definition


def resolve(session: Session, key: str, forms_dir: Path | None) -> forms.FormDefinition:
    """Return the definition tasks naming ``key`` use: newest stored version, shipped file, or the note form.

    Raises ``forms.InvalidFormDefinition`` only for a broken shipped file (stored versions are
    checked when saved).
    """
    if is_form_key(key):
        row = latest_row(session, key)
        if row is not None:
            return parsed(row)
    try:
        return forms.load_form(key, directory=forms_dir)
    except forms.FormNotFound:
        return fallback_form(key)


@functools.lru_cache(maxsize=128)
def fallback_form(key: str) -> forms.FormDefinition:
    """Return the generic form for a key PlanCycle has no definition of: one optional note.

    The task can be completed (with or without a note, kept in the task's data as ``note``);
    an administrator who creates a form under that key replaces it for every task naming it.
    """
    shown = key if len(key) <= 80 else key[:77] + "..."
    document = {
        "key": _FALLBACK_KEY,
        "title": {"vi": "Ghi chú xử lý", "en": "Processing note"},
        "schema": {
            "type": "object",
            "properties": {
                FALLBACK_FIELD: {
                    "type": "string",
                    "title": "Ghi chú, ý kiến",
                    "description": (
                        f"Bước này dùng biểu mẫu «{shown}», chưa được định nghĩa trong PlanCycle; "
                        "ghi ý kiến xử lý (nếu có). Quản trị viên có thể tạo biểu mẫu này ở mục Biểu mẫu."
                    ),
                    "maxLength": 5000,
                }
            },
        },
        "layout": [{"field": FALLBACK_FIELD, "widget": "textarea", "rows": 4, "label_en": "Note, comments"}],
    }
    return dataclasses.replace(forms.validate_definition(document), key=key)


def version_infos(session: Session, key: str) -> list[FormVersionInfo]:
    """Return every stored version of ``key``, newest first, with who saved it."""
    rows = session.execute(
        select(
            FormVersion.key, FormVersion.version, FormVersion.checksum, FormVersion.created_at, User.full_name
        )
        .outerjoin(User, User.id == FormVersion.created_by_id)
        .where(FormVersion.key == key)
        .order_by(FormVersion.version.desc())
    ).all()
    return [FormVersionInfo(k, v, c, at, name, is_new=False) for k, v, c, at, name in rows]


def latest_by_key(session: Session) -> dict[str, tuple[int, int, datetime, str | None]]:
    """Return, per stored key: newest version, number of versions, when and by whom it was saved."""
    counts = (
        select(
            FormVersion.key.label("key"),
            func.max(FormVersion.version).label("latest"),
            func.count(FormVersion.id).label("count"),
        )
        .group_by(FormVersion.key)
        .subquery()
    )
    rows = session.execute(
        select(counts.c.key, counts.c.latest, counts.c.count, FormVersion.created_at, User.full_name)
        .join(FormVersion, (FormVersion.key == counts.c.key) & (FormVersion.version == counts.c.latest))
        .outerjoin(User, User.id == FormVersion.created_by_id)
    ).all()
    return {key: (int(latest), int(count), at, name) for key, latest, count, at, name in rows}


# -- writing ---------------------------------------------------------------------------------


def store(session: Session, key: str, text: str, *, actor: Actor, at: datetime) -> FormVersionInfo:
    """Store ``text`` (normalised, already checked) as the next version of ``key``; audited.

    The same text as the newest version stores nothing and returns that version (``is_new`` false).
    Two administrators saving the same key at the same moment: the second gets ``StaleTask``.
    """
    checksum = checksum_of(text)
    latest = latest_row(session, key)
    if latest is not None and latest.checksum == checksum:
        [info] = [v for v in version_infos(session, key) if v.version == latest.version]
        return info
    row = FormVersion(
        key=key,
        version=(latest.version + 1) if latest is not None else 1,
        checksum=checksum,
        source=text,
        created_by_id=audit.actor_id_of(actor),
        created_at=at,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise StaleTask(
            "Biểu mẫu vừa được người khác lưu; hãy tải lại trang rồi lưu lại "
            "(someone else just saved this form; reload and save again)"
        ) from None
    audit.record(
        session,
        at=at,
        actor=actor,
        action="form.saved",
        object_type="form_version",
        object_id=row.id,
        details={"key": key, "version": row.version, "checksum": checksum},
    )
    name = None
    if row.created_by_id is not None:
        name = session.scalar(select(User.full_name).where(User.id == row.created_by_id))
    return FormVersionInfo(key, row.version, checksum, at, name, is_new=True)
