"""The engine's door for notifications and mail (see ``engine.notify`` and ``engine.mail``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from engine import audit, mail
from engine.errors import InvalidSubmission
from engine.message_results import MailSettingsInfo, MailSweep, NotificationInfo, OutboxInfo
from engine.models import MailOutbox, Notification
from engine.organisation import get_user, require_admin, require_user
from engine.results import Actor
from engine.service_base import EngineBase

MAIL_MODES = ("immediate", "digest", "none")
OUTBOX_STATUSES = ("queued", "sending", "sent", "failed")
MAX_EMAIL_LENGTH = 254
# One @, something on each side, no spaces, and none of the characters that would need quoting
# in a header or an SMTP envelope. Deliberately simple: the mail server has the last word.
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")


class MessagingMethods(EngineBase):
    """Notifications in the app, the mail outbox and daily digests."""

    # -- notifications in the app ---------------------------------------------------------------

    def list_notifications(
        self, *, actor: Actor, unread_only: bool = False, limit: int = 50
    ) -> list[NotificationInfo]:
        """Return the actor's own notifications, newest first."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            query = (
                select(Notification)
                .where(Notification.user_id == user.id)
                .order_by(Notification.created_at.desc(), Notification.id.desc())
                .limit(max(limit, 0))
            )
            if unread_only:
                query = query.where(Notification.read_at.is_(None))
            return [_to_notification_info(row) for row in session.scalars(query)]

    def unread_count(self, *, actor: Actor) -> int:
        """Count the actor's unread notifications (for navigation badges)."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            count = session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == user.id, Notification.read_at.is_(None)
                )
            )
            return int(count or 0)

    def mark_notifications_read(self, *, actor: Actor, ids: list[int] | None = None) -> int:
        """Mark the actor's unread notifications read (all of them when ``ids`` is ``None``).

        Ids of other users' notifications, or of ones already read, are ignored; return how many
        notifications this call marked.
        """
        if ids is not None and not ids:
            return 0
        with self._work(write=True) as session:
            user = require_user(session, actor)
            statement = update(Notification).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
            if ids is not None:
                statement = statement.where(Notification.id.in_(set(ids)))
            result = session.execute(
                statement.values(read_at=self._clock()).execution_options(synchronize_session=False)
            )
            return int(cast("CursorResult[Any]", result).rowcount)

    # -- mail settings --------------------------------------------------------------------------

    def get_mail_settings(self, user_id: int, *, actor: Actor) -> MailSettingsInfo:
        """Return where and how a user receives mail; the user themselves or an administrator."""
        with self._work(write=False) as session:
            if actor == user_id:
                require_user(session, actor)
            else:
                require_admin(session, actor)
            user = get_user(session, user_id)
            return MailSettingsInfo(user_id=user.id, email=user.email, mail_mode=user.mail_mode)

    def set_mail_settings(
        self, user_id: int, *, email: str | None, mail_mode: str, actor: Actor
    ) -> MailSettingsInfo:
        """Set where and how a user receives mail; the user themselves or an administrator.

        ``email`` empty or ``None`` removes the address (no mail at all); ``mail_mode`` is
        ``immediate`` (one mail per notification), ``digest`` (one mail a day) or ``none``.
        Raises ``InvalidSubmission`` with field errors for a malformed address or an unknown
        mode (nothing stored). Switching to ``digest`` starts the digest from now: earlier
        notifications were already handled by the previous mode.
        """
        with self._work(write=True) as session:
            if actor == user_id:
                require_user(session, actor)
            else:
                require_admin(session, actor)
            user = get_user(session, user_id)
            address = (email or "").strip() or None
            errors = _mail_settings_errors(address, mail_mode)
            if errors:
                raise InvalidSubmission("Thiết lập nhận thư không hợp lệ (invalid mail settings)", errors)
            now = self._clock()
            if mail_mode == "digest" and user.mail_mode != "digest":
                session.execute(
                    update(Notification)
                    .where(Notification.user_id == user.id, Notification.digested_at.is_(None))
                    .values(digested_at=now)
                    .execution_options(synchronize_session=False)
                )
            changed = (user.email, user.mail_mode) != (address, mail_mode)
            user.email = address
            user.mail_mode = mail_mode
            if changed:
                audit.record(
                    session,
                    at=now,
                    actor=actor,
                    action="user.mail_settings",
                    object_type="user",
                    object_id=user.id,
                    details={"email": address, "mail_mode": mail_mode},
                )
            return MailSettingsInfo(user_id=user.id, email=address, mail_mode=mail_mode)

    # -- the outbox -----------------------------------------------------------------------------

    def send_due_mail(self, *, now: datetime | None = None, limit: int | None = None) -> MailSweep:
        """Send the due mail of the outbox (at most ``limit``, default ``mail_batch_size``).

        Several short transactions, one SMTP connection per batch; safe to run in several
        processes at once and after a crash, and no message is ever sent twice (see
        ``engine.mail``). With no ``smtp_host`` configured, send nothing and keep the outbox.
        """
        if not self.settings.smtp_host:
            return MailSweep()
        return mail.send_due(
            lambda: self._work(write=True),
            self.settings,
            now=now or self._clock(),
            limit=limit or self.settings.mail_batch_size,
            skip_locked=self._is_postgres,
            zone=self._zone,
        )

    def send_digests(self, *, now: datetime | None = None) -> int:
        """Queue today's digest for every digest user who is due; return how many were queued.

        Once the local ``digest_hour`` has passed, each active user with ``mail_mode`` "digest"
        and an address gets one mail a day listing the notifications not digested yet; a user
        with nothing new gets none. One transaction per user; ``send_due_mail`` delivers them.
        """
        moment = now or self._clock()
        with self._work(write=False) as session:
            user_ids = mail.digest_candidates(session, moment, self.settings, self._zone)
        queued = 0
        for user_id in user_ids:
            with self._work(write=True) as session:
                if mail.queue_digest(
                    session, user_id, moment, self.settings, self._zone, skip_locked=self._is_postgres
                ):
                    queued += 1
        return queued

    def list_outbox(self, *, actor: Actor, status: str | None = None, limit: int = 100) -> list[OutboxInfo]:
        """Return outbox mail, newest first, optionally of one status; administrators only."""
        if status is not None and status not in OUTBOX_STATUSES:
            raise InvalidSubmission(
                "Trạng thái thư không hợp lệ (unknown mail status)",
                {"status": [f"Chỉ nhận: {', '.join(OUTBOX_STATUSES)}."]},
            )
        with self._work(write=False) as session:
            require_admin(session, actor)
            query = select(MailOutbox).order_by(MailOutbox.id.desc()).limit(max(limit, 0))
            if status is not None:
                query = query.where(MailOutbox.status == status)
            return [_to_outbox_info(row) for row in session.scalars(query)]


def _mail_settings_errors(address: str | None, mail_mode: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if address is not None and (
        len(address) > MAX_EMAIL_LENGTH or not address.isascii() or not _EMAIL.fullmatch(address)
    ):
        errors["email"] = ["Địa chỉ thư điện tử không hợp lệ (ví dụ đúng: ten@donvi.gov.vn)."]
    if mail_mode not in MAIL_MODES:
        errors["mail_mode"] = [f"Chỉ nhận một trong: {', '.join(MAIL_MODES)}."]
    return errors


def _to_notification_info(row: Notification) -> NotificationInfo:
    return NotificationInfo(
        id=row.id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
        instance_id=row.instance_id,
        unit_report_id=row.unit_report_id,
    )


def _to_outbox_info(row: MailOutbox) -> OutboxInfo:
    return OutboxInfo(
        id=row.id,
        message_id=row.message_id,
        user_id=row.user_id,
        notification_id=row.notification_id,
        to_address=row.to_address,
        subject=row.subject,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )
