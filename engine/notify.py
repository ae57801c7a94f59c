"""Notifying people: an in-app row per user and, for those who want it, a mail in the outbox.

Both are written in the caller's transaction, so a notification exists exactly when the thing
it announces happened; ``engine.mail`` sends the outbox later (and never twice).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import MailOutbox, Notification, User
from engine.settings import Settings, of_session

MAIL_FOOTER = (
    "\n\n--\nThư này do hệ thống PlanCycle gửi tự động; vui lòng không trả lời thư này.\n"
    "(This message was sent automatically by PlanCycle; please do not reply.)\n"
)


def mail_body(settings: Settings, full_name: str, body: str, link: str) -> str:
    """Compose the Vietnamese text of a mail about one notification."""
    return f"Kính gửi {full_name},\n\n{body}\n\nXem chi tiết: {absolute_link(settings, link)}{MAIL_FOOTER}"


def absolute_link(settings: Settings, link: str) -> str:
    """Turn an in-app path into an address a mail reader can open."""
    return settings.base_url.rstrip("/") + "/" + link.lstrip("/")


def new_message_id(settings: Settings) -> str:
    """Return a unique Message-ID in the sender's domain."""
    domain = settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "plancycle.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def notify(
    session: Session,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str,
    link: str,
    at: datetime,
    instance_id: int | None = None,
    unit_report_id: int | None = None,
) -> list[Notification]:
    """Notify each active user once; queue a mail for those with an address who want mail now."""
    settings = of_session(session.info)
    title = title[:300]
    ids = sorted(set(user_ids))
    if not ids:
        return []
    users = session.scalars(select(User).where(User.id.in_(ids), User.is_active.is_(True))).all()
    created = []
    for user in users:
        note = Notification(
            user_id=user.id,
            kind=kind,
            title=title,
            body=body,
            link=link,
            instance_id=instance_id,
            unit_report_id=unit_report_id,
            created_at=at,
        )
        session.add(note)
        created.append(note)
    session.flush()
    for user, note in zip(users, created, strict=True):
        if user.email and user.mail_mode == "immediate":
            session.add(
                MailOutbox(
                    message_id=new_message_id(settings),
                    user_id=user.id,
                    notification_id=note.id,
                    to_address=user.email,
                    subject=f"[PlanCycle] {title}"[:300],
                    body=mail_body(settings, user.full_name, body, link),
                    status="queued",
                    attempts=0,
                    next_attempt_at=at,
                    created_at=at,
                )
            )
    return created
