"""Sending the mail outbox and the daily digest: survive a crash, retry with backoff, never send twice.

An outbox row is written in the transaction that decided to send it (``engine.notify``, the
digest below), so a mail exists exactly when its reason does. This module delivers it.

Claim
    In one short transaction, take the due rows (``queued`` with ``next_attempt_at <= now``, or
    ``sending`` whose ``lease_until`` has passed: their sender died), ordered by
    ``next_attempt_at, id``, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite already
    serialises write transactions with ``BEGIN IMMEDIATE``, see ``engine.db``). Each becomes
    ``sending`` with ``lease_until = now + mail_lease_s`` and ``attempts + 1``, and the
    transaction commits. The new ``attempts`` value is this sender's token: the row is ours
    while it is ``sending`` (or, later, ``sent``) with that count, and every later change is a
    conditional update on it.

Exchange, without the final dot
    Per message, on one SMTP connection per batch (EHLO, then STARTTLS and AUTH when
    configured): MAIL FROM, RCPT TO, DATA (expect 354), then the dot-stuffed CRLF message text
    *without* the terminating ``CRLF . CRLF``. A server delivers nothing before that final dot,
    and drops an unfinished message when the connection closes.

Commit, then the dot
    In its own transaction the row becomes ``sent`` (with ``sent_at``), only if it is still
    ours, and that commits. Only then is the final dot sent and the reply read. Hence:

    * a crash before that commit leaves the row ``sending`` and undelivered: once the lease
      has passed a later sweep takes it again;
    * after the commit the row is ``sent``, which no sweep ever claims: never sent again;
    * if the row is no longer ours (the lease ran out and another sender claimed it, raising
      ``attempts``) the connection is closed without the dot, abandoning the unfinished copy;
    * if the commit itself fails the connection is closed without the dot, and the row is put
      back in the queue if that still can be done.

    A row leaves ``sending`` for ``sent`` once (a conditional update on its status and token),
    and only the sender whose update did it sends the dot, so no message is delivered twice;
    the token also makes that sender the current lease holder, never one whose lease ran out.

    The one loss this allows is a crash in the single round trip between the commit and the
    dot: that message stays ``sent`` and undelivered. Never sending twice is worth it: a
    duplicate official notice confuses more than a missing one, which administrators see in
    the outbox.

Outcomes
    * A 4xx reply at any step, or a connection error before the commit: back to ``queued`` with
      ``next_attempt_at = now + mail_backoff_s * 2**(attempts - 1)`` (at most a day) and
      ``last_error``; ``failed`` once ``mail_max_attempts`` attempts are used. Failing to
      connect (or to start TLS, or to log in) counts as one such attempt for every claimed
      message of the batch.
    * A 5xx reply: ``failed`` at once (the server refused for good).
    * A 4xx or 5xx reply to the final dot: the server refused the message, nothing was
      delivered, so ``sent`` goes back to ``queued`` or ``failed`` as above.
    * The connection lost after the dot and before the reply (or any other reply to it): the
      message may have arrived. It stays ``sent``, ``last_error`` says it is unconfirmed, and
      it is never sent again.
    * A ``sending`` row whose sender died during its last allowed attempt becomes ``failed``
      when next claimed, so a message that crashes senders cannot loop forever.

    A batch stops starting new messages once it has run for ``mail_lease_s``: the remaining
    claims may belong to another sender by then; if not, the next sweep takes them again.

Daily digest
    Users with ``mail_mode == "digest"`` get one mail per local day (``settings.timezone``),
    once ``digest_hour`` has passed, listing their notifications not digested yet. Each user is
    handled in their own transaction, with their row locked and the "not yet today" test made
    again under the lock, so two digest sweeps at once still queue one digest. The digest goes
    through the outbox like any other mail.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from time import monotonic
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine.message_results import MailSweep
from engine.models import MailOutbox, Notification, User
from engine.notify import MAIL_FOOTER, absolute_link, new_message_id
from engine.settings import Settings

Work = Callable[[], AbstractContextManager[Session]]
"""Opens one write transaction (``EngineBase._work(write=True)``)."""

MAX_BACKOFF_S = 86_400.0
MAX_ERROR_LENGTH = 1000
DIGEST_MAX_ITEMS = 100
FINAL_DOT = b"\r\n.\r\n"
_LINE_END = re.compile(rb"\r\n|\r|\n")
_LINE_START_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Claimed:
    """An outbox row this sender holds; ``attempts`` is its token (ours while it still matches)."""

    id: int
    attempts: int
    message_id: str
    to_address: str
    subject: str
    body: str
    created_at: datetime


class Refused(Exception):
    """The server answered with a code other than the one the step expects."""

    def __init__(self, step: str, code: int, text: str) -> None:
        super().__init__(f"{step}: {code} {text}")
        self.step = step
        self.code = code
        self.text = text

    @property
    def permanent(self) -> bool:
        """Tell whether the server refused for good (5xx); anything else is worth retrying."""
        return self.code >= 500

    def describe(self) -> str:
        """Say what happened, Vietnamese first, for ``last_error``."""
        if self.permanent:
            lead = f"Máy chủ thư từ chối hẳn ở bước {self.step} (permanent refusal at {self.step})"
        else:
            lead = f"Máy chủ thư tạm từ chối ở bước {self.step} (temporary refusal at {self.step})"
        return f"{lead}: {self.code} {self.text}"


# -- the outbox rows -----------------------------------------------------------------------------


def claim_due(
    session: Session, *, now: datetime, limit: int, settings: Settings, skip_locked: bool
) -> tuple[list[Claimed], int]:
    """Take up to ``limit`` due rows for this sender; return them and how many were given up as failed."""
    due = or_(
        and_(MailOutbox.status == "queued", MailOutbox.next_attempt_at <= now),
        and_(MailOutbox.status == "sending", MailOutbox.lease_until < now),
    )
    query = select(MailOutbox).where(due).order_by(MailOutbox.next_attempt_at, MailOutbox.id).limit(limit)
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    claimed: list[Claimed] = []
    given_up = 0
    for row in session.scalars(query).all():
        if row.status == "sending" and row.attempts >= settings.mail_max_attempts:
            row.status = "failed"
            row.lease_until = None
            row.last_error = _clip(
                "Bộ gửi thư dừng đột ngột ở lần thử cuối cùng (the sender stopped during the last attempt)"
            )
            given_up += 1
            continue
        row.status = "sending"
        row.attempts += 1
        row.lease_until = now + timedelta(seconds=settings.mail_lease_s)
        claimed.append(
            Claimed(
                id=row.id,
                attempts=row.attempts,
                message_id=row.message_id,
                to_address=row.to_address,
                subject=row.subject,
                body=row.body,
                created_at=row.created_at,
            )
        )
    session.flush()
    return claimed, given_up


def _ours(item: Claimed, statuses: Sequence[str]) -> tuple[ColumnElement[bool], ...]:
    return (
        MailOutbox.id == item.id,
        MailOutbox.status.in_(statuses),
        MailOutbox.attempts == item.attempts,
    )


def _changed(session: Session, item: Claimed, statuses: Sequence[str], values: dict[str, Any]) -> bool:
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(MailOutbox)
            .where(*_ours(item, statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def mark_sent(session: Session, item: Claimed, now: datetime) -> bool:
    """Record the message as sent if the row is still ours; tell whether it was."""
    return _changed(
        session,
        item,
        ("sending",),
        {"status": "sent", "sent_at": now, "lease_until": None, "last_error": None},
    )


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Return the wait before the next attempt after ``attempts`` attempts (doubling, at most a day)."""
    exponent = min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(settings.mail_backoff_s * 2**exponent, MAX_BACKOFF_S))


def requeue_or_fail(
    session: Session,
    item: Claimed,
    *,
    statuses: Sequence[str],
    now: datetime,
    error: str,
    permanent: bool,
    settings: Settings,
) -> str | None:
    """Queue a row we hold again after a backoff, or fail it; return its new status (``None``: not ours)."""
    values: dict[str, Any]
    if permanent:
        status, values = "failed", {"last_error": _clip(error)}
    elif item.attempts >= settings.mail_max_attempts:
        status = "failed"
        values = {"last_error": _clip(f"{error}; đã hết số lần thử (no attempts left)")}
    else:
        status = "queued"
        values = {"last_error": _clip(error), "next_attempt_at": now + backoff(settings, item.attempts)}
    values.update(status=status, lease_until=None, sent_at=None)
    return status if _changed(session, item, statuses, values) else None


def mark_unconfirmed(session: Session, item: Claimed, error: str) -> None:
    """Note on a sent row that the server never confirmed it; it stays sent and is never resent."""
    message = (
        "Đã gửi hết thư nhưng không nhận được xác nhận của máy chủ; sẽ không gửi lại "
        f"(sent, not confirmed by the server; never resent): {error}"
    )
    _changed(session, item, ("sent",), {"last_error": _clip(message)})


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


# -- the message ---------------------------------------------------------------------------------


def render(settings: Settings, item: Claimed, zone: ZoneInfo) -> bytes:
    """Serialise a row as an RFC 5322 message: UTF-8 subject and text body, CRLF line ends."""
    if not item.to_address.isascii():
        raise ValueError("địa chỉ nhận có ký tự ngoài ASCII (non-ASCII recipient address)")
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.mail_from
    message["To"] = item.to_address
    message["Subject"] = " ".join(item.subject.split())
    message["Date"] = format_datetime(item.created_at.astimezone(zone))
    message["Message-ID"] = item.message_id
    message.set_content(item.body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes(policy=SMTP_POLICY)


def stuffed(payload: bytes) -> bytes:
    """Return the DATA text: CRLF line ends, leading dots doubled, without the last line's CRLF.

    The caller completes the message with ``FINAL_DOT`` (``CRLF . CRLF``), which ends that line.
    """
    text = _LINE_START_DOT.sub(b"..", _LINE_END.sub(b"\r\n", payload))
    return text[:-2] if text.endswith(b"\r\n") else text


# -- the SMTP conversation ----------------------------------------------------------------------


def _expect(step: str, reply: tuple[int, bytes], *codes: int) -> None:
    code, text = reply
    if code not in codes:
        raise Refused(step, code, text.decode("utf-8", "replace"))


class SmtpSession:
    """One SMTP connection that sends a message in two steps: all but the final dot, then the dot.

    Every network failure surfaces as ``OSError`` (``smtplib.SMTPException`` is one); a reply
    with an unexpected code as ``Refused``.
    """

    def __init__(self, settings: Settings) -> None:
        self._smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_s)
        self._in_data = False
        try:
            self._hello()
            if settings.smtp_starttls:
                self._smtp.starttls(context=ssl.create_default_context())
                self._hello()
            if settings.smtp_user:
                self._smtp.login(settings.smtp_user, settings.smtp_password)
        except BaseException:
            self.abort()
            raise

    def _hello(self) -> None:
        reply = self._smtp.ehlo()
        if reply[0] != 250:
            reply = self._smtp.helo()
        _expect("EHLO", reply, 250)

    def begin(self, sender: str, recipient: str, payload: bytes) -> None:
        """Send MAIL FROM, RCPT TO, DATA and the message text, but not the final dot."""
        _expect("MAIL FROM", self._smtp.mail(sender), 250)
        _expect("RCPT TO", self._smtp.rcpt(recipient), 250, 251)
        _expect("DATA", self._smtp.docmd("DATA"), 354)
        self._in_data = True
        self._smtp.send(stuffed(payload))

    def finish(self) -> tuple[int, str]:
        """Send the final dot and return the server's reply to the whole message."""
        self._smtp.send(FINAL_DOT)
        self._in_data = False
        code, text = self._smtp.getreply()
        return code, text.decode("utf-8", "replace")

    def reset(self) -> SmtpSession | None:
        """Clear the transaction after a refusal; return ``self``, or ``None`` once closed."""
        try:
            _expect("RSET", self._smtp.rset(), 250)
        except (OSError, Refused):
            self.abort()
            return None
        return self

    def abort(self) -> None:
        """Close the socket at once; an unfinished message is dropped by the server."""
        self._in_data = False
        self._smtp.close()

    def quit(self) -> None:
        """End politely when idle (abort in the middle of a message)."""
        if self._in_data:
            self.abort()
            return
        try:
            self._smtp.quit()
        except OSError:
            self._smtp.close()


# -- the sweep ------------------------------------------------------------------------------------


@dataclass
class _Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unconfirmed: int = 0
    skipped: int = 0

    def settled(self, status: str | None) -> None:
        if status == "queued":
            self.retried += 1
        elif status == "failed":
            self.failed += 1
        else:
            self.skipped += 1

    def result(self) -> MailSweep:
        return MailSweep(
            sent=self.sent,
            retried=self.retried,
            failed=self.failed,
            unconfirmed=self.unconfirmed,
            skipped=self.skipped,
        )


@dataclass(frozen=True)
class _Sweep:
    work: Work
    settings: Settings
    now: datetime
    zone: ZoneInfo
    sender: str
    tally: _Tally

    def settle(self, item: Claimed, statuses: Sequence[str], error: str, *, permanent: bool) -> None:
        with self.work() as session:
            status = requeue_or_fail(
                session,
                item,
                statuses=statuses,
                now=self.now,
                error=error,
                permanent=permanent,
                settings=self.settings,
            )
        self.tally.settled(status)

    def send_one(self, smtp: SmtpSession, item: Claimed) -> SmtpSession | None:
        """Deliver one claimed message; return the connection if it can carry the next one."""
        try:
            payload = render(self.settings, item, self.zone)
        except (ValueError, TypeError, MessageError) as exc:
            self.settle(
                item, ("sending",), f"Không dựng được thư (cannot build the message): {exc}", permanent=True
            )
            return smtp
        try:
            smtp.begin(self.sender, item.to_address, payload)
        except Refused as refusal:
            self.settle(item, ("sending",), refusal.describe(), permanent=refusal.permanent)
            return smtp.reset()
        except OSError as exc:
            smtp.abort()
            self.settle(item, ("sending",), _connection_error(exc), permanent=False)
            return None
        try:
            with self.work() as session:
                ours = mark_sent(session, item, self.now)
        except BaseException:
            smtp.abort()  # the final dot is never sent: the server drops the message
            with suppress(Exception):
                self.settle(item, ("sending", "sent"), "Lỗi cơ sở dữ liệu (database error)", permanent=False)
            raise
        if not ours:
            smtp.abort()
            self.tally.skipped += 1
            return None
        try:
            code, text = smtp.finish()
        except OSError as exc:
            smtp.abort()
            with self.work() as session:
                mark_unconfirmed(session, item, repr(exc))
            self.tally.unconfirmed += 1
            return None
        if 200 <= code < 300:
            self.tally.sent += 1
            return smtp
        if 400 <= code < 600:
            refused = Refused("end of DATA", code, text)
            self.settle(item, ("sent",), refused.describe(), permanent=refused.permanent)
            return smtp.reset()
        # A reply that is neither success nor refusal: the message may have been taken.
        smtp.abort()
        with self.work() as session:
            mark_unconfirmed(session, item, f"{code} {text}")
        self.tally.unconfirmed += 1
        return None


def _connection_error(exc: BaseException) -> str:
    return f"Lỗi kết nối máy chủ thư (connection error): {exc!r}"


def _session_error(exc: BaseException) -> str:
    detail = exc.describe() if isinstance(exc, Refused) else repr(exc)
    return f"Lỗi kết nối máy chủ thư, không mở được phiên SMTP (cannot open an SMTP session): {detail}"


def send_due(
    work: Work, settings: Settings, *, now: datetime, limit: int, skip_locked: bool, zone: ZoneInfo
) -> MailSweep:
    """Claim the due mail and deliver it as the module docstring describes; return the counts."""
    with work() as session:
        claimed, given_up = claim_due(
            session, now=now, limit=limit, settings=settings, skip_locked=skip_locked
        )
    sweep = _Sweep(work, settings, now, zone, parseaddr(settings.mail_from)[1], _Tally(failed=given_up))
    started = monotonic()
    smtp: SmtpSession | None = None
    try:
        for index, item in enumerate(claimed):
            if monotonic() - started >= settings.mail_lease_s:
                sweep.tally.skipped += len(claimed) - index  # their leases ran out: leave them
                break
            if smtp is None:
                try:
                    smtp = SmtpSession(settings)
                except (OSError, Refused) as exc:
                    error = _session_error(exc)
                    for rest in claimed[index:]:
                        sweep.settle(rest, ("sending",), error, permanent=False)
                    break
            smtp = sweep.send_one(smtp, item)
    finally:
        if smtp is not None:
            smtp.quit()
    return sweep.tally.result()


# -- the daily digest -----------------------------------------------------------------------------


def digest_moment(now: datetime, settings: Settings, zone: ZoneInfo) -> datetime:
    """Return today's digest time (``digest_hour`` on the local date of ``now``)."""
    return datetime.combine(now.astimezone(zone).date(), time(settings.digest_hour), tzinfo=zone)


def _wants_digest(moment: datetime) -> ColumnElement[bool]:
    return and_(
        User.is_active.is_(True),
        User.mail_mode == "digest",
        User.email.is_not(None),
        User.email != "",
        or_(User.last_digest_at.is_(None), User.last_digest_at < moment),
    )


def digest_candidates(session: Session, now: datetime, settings: Settings, zone: ZoneInfo) -> list[int]:
    """Return the ids of users whose digest for today is due and not done."""
    moment = digest_moment(now, settings, zone)
    if now < moment:
        return []
    return list(session.scalars(select(User.id).where(_wants_digest(moment)).order_by(User.id)))


def queue_digest(
    session: Session, user_id: int, now: datetime, settings: Settings, zone: ZoneInfo, *, skip_locked: bool
) -> bool:
    """Queue today's digest for one user; ``False`` when not due, already done or nothing is new.

    The day counts as done even with nothing new, so a notification that arrives later that
    day waits for tomorrow's digest, at the digest hour.
    """
    moment = digest_moment(now, settings, zone)
    if now < moment:
        return False
    query = select(User).where(User.id == user_id, _wants_digest(moment))
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    user = session.scalars(query).first()
    if user is None or not user.email:
        return False
    notes = session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.digested_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    user.last_digest_at = now
    if not notes:
        return False
    for note in notes:
        note.digested_at = now
    day = now.astimezone(zone).strftime("%d/%m/%Y")
    session.add(
        MailOutbox(
            message_id=new_message_id(settings),
            user_id=user.id,
            notification_id=None,
            to_address=user.email,
            subject=f"[PlanCycle] Tổng hợp thông báo ngày {day} ({len(notes)} thông báo mới)",
            body=digest_body(settings, user.full_name, notes, zone),
            status="queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return True


def digest_body(settings: Settings, full_name: str, notes: Sequence[Notification], zone: ZoneInfo) -> str:
    """Compose the Vietnamese text of a digest: one numbered item per notification, with its link."""
    lines = [
        f"Kính gửi {full_name},",
        "",
        f"Từ lần tổng hợp trước, anh/chị có {len(notes)} thông báo mới trên PlanCycle:",
        "",
    ]
    for number, note in enumerate(notes[:DIGEST_MAX_ITEMS], start=1):
        when = note.created_at.astimezone(zone).strftime("%H:%M %d/%m/%Y")
        lines.append(f"{number}. {note.title} ({when})")
        lines.extend(f"   {line}" if line else "" for line in note.body.splitlines())
        lines.append(f"   Xem chi tiết: {absolute_link(settings, note.link)}")
        lines.append("")
    if len(notes) > DIGEST_MAX_ITEMS:
        rest = len(notes) - DIGEST_MAX_ITEMS
        lines.append(f"... và {rest} thông báo khác; xem đầy đủ tại {absolute_link(settings, '/')}")
    return "\n".join(lines).rstrip("\n") + MAIL_FOOTER
