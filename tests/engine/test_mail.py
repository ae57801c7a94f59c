"""The mail outbox and the daily digest against a real SMTP server (aiosmtpd on 127.0.0.1).

The server records every message it accepts and can be told to refuse (451, 550) or to stall
at a given step, so the tests see what was really delivered: never twice, even when senders
crash (child processes killed with SIGKILL) or race each other.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from engine import SYSTEM, FrozenClock, MailSweep, OutboxInfo, Settings, WorkflowEngine, build_engine, mail
from engine.notify import notify
from tests.conftest import ROOT, WORKFLOWS, Org

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BASE_URL = "https://plancycle.tayninh.gov.vn"
TITLE = "Báo cáo quý IV của UBND xã Thái Bình cần duyệt"
# A line that is a single dot would end the DATA early without dot-stuffing.
BODY = "Đề nghị đồng chí xem xét và phê duyệt báo cáo.\n.\n.Dòng bắt đầu bằng dấu chấm."
LINK = "/tasks/42"
STALL_LIMIT_S = 60.0


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        content = part.get_content()
        assert isinstance(content, str)
        return content.replace("\r\n", "\n")


@dataclass
class Stall:
    """One session held at a step: ``reached`` once it waits there, until ``release``."""

    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@dataclass
class Recorder:
    """An aiosmtpd handler: records accepted messages; refuses or stalls at a step on request.

    Steps are ``MAIL``, ``RCPT`` and ``DATA`` (the reply to the final dot). A DATA stall happens
    after the message was recorded: the server has it, the sender waits for the reply. Refusals
    and stalls are used up in the order they were asked for, one per command.
    """

    received: list[Received] = field(default_factory=list)
    refusals: dict[str, list[str]] = field(default_factory=dict)
    stalls: dict[str, list[Stall]] = field(default_factory=dict)
    every_stall: list[Stall] = field(default_factory=list)

    def refuse(self, step: str, reply: str, times: int = 1) -> None:
        self.refusals.setdefault(step, []).extend([reply] * times)

    def stall(self, step: str) -> Stall:
        held = Stall()
        self.stalls.setdefault(step, []).append(held)
        self.every_stall.append(held)
        return held

    def release_all(self) -> None:
        for held in self.every_stall:
            held.release.set()

    def message_ids(self) -> list[str]:
        return [str(r.message["Message-ID"]) for r in self.received]

    async def _stall_if_asked(self, step: str) -> None:
        waiting = self.stalls.get(step)
        if not waiting:
            return
        held = waiting.pop(0)
        held.reached.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STALL_LIMIT_S
        while not held.release.is_set() and loop.time() < deadline:
            await asyncio.sleep(0.01)

    def _refusal(self, step: str) -> str | None:
        waiting = self.refusals.get(step)
        return waiting.pop(0) if waiting else None

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        await self._stall_if_asked("MAIL")
        if (reply := self._refusal("MAIL")) is not None:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        await self._stall_if_asked("RCPT")
        if (reply := self._refusal("RCPT")) is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if (reply := self._refusal("DATA")) is not None:
            return reply
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        await self._stall_if_asked("DATA")
        return "250 2.0.0 Message accepted for delivery"


@dataclass(frozen=True)
class SmtpServer:
    recorder: Recorder
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    recorder = Recorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, server_hostname="mail.test")
    controller.start()
    try:
        yield SmtpServer(recorder, port)
    finally:
        recorder.release_all()
        controller.stop()


@pytest.fixture
def settings(db_url: str, smtp_server: SmtpServer) -> Settings:
    """The shared settings, with mail going to the test server (overrides tests/conftest.py)."""
    return Settings(
        database_url=db_url,
        workflows_dir=WORKFLOWS,
        script_time_limit_s=0.5,
        base_url=BASE_URL,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_timeout_s=10.0,
    )


def _other_engine(settings: Settings, clock: FrozenClock, **changes: Any) -> WorkflowEngine:
    return build_engine(replace(settings, **changes), clock=clock)


def _wants_mail(engine: WorkflowEngine, user_id: int, mode: str = "immediate") -> str:
    address = f"user{user_id}@tayninh.gov.vn"
    engine.set_mail_settings(user_id, email=address, mail_mode=mode, actor=SYSTEM)
    return address


def _notify(
    engine: WorkflowEngine, user_id: int, *, title: str = TITLE, body: str = BODY, link: str = LINK
) -> None:
    with engine._work(write=True) as session:
        notify(session, [user_id], kind="task.assigned", title=title, body=body, link=link, at=engine.now())


def _outbox(engine: WorkflowEngine) -> list[OutboxInfo]:
    return engine.list_outbox(actor=SYSTEM)


def _only_mail(engine: WorkflowEngine) -> OutboxInfo:
    [row] = _outbox(engine)
    return row


# -- immediate mail -----------------------------------------------------------------------------


def test_immediate_mail_is_delivered_once_in_vietnamese_with_the_absolute_link(
    engine: WorkflowEngine, org: Org, smtp_server: SmtpServer
) -> None:
    address = _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    queued = _only_mail(engine)
    assert (queued.status, queued.attempts, queued.to_address) == ("queued", 0, address)

    assert engine.send_due_mail() == MailSweep(sent=1)

    [got] = smtp_server.recorder.received
    assert got.rcpt_tos == (address,)
    assert got.mail_from == "khong-tra-loi@plancycle.local"
    assert got.message["Subject"] == f"[PlanCycle] {TITLE}"
    assert got.message["To"] == address
    assert got.message["Message-ID"] == queued.message_id
    assert got.message.get_content_type() == "text/plain"
    assert got.message.get_content_charset() == "utf-8"
    text = got.text
    assert text.startswith(
        "Kính gửi Xa.Soan,\n\nĐề nghị đồng chí xem xét và phê duyệt báo cáo.\n.\n.Dòng bắt đầu"
    )
    assert f"Xem chi tiết: {BASE_URL}/tasks/42" in text
    assert "vui lòng không trả lời" in text

    sent = _only_mail(engine)
    assert (sent.status, sent.attempts, sent.sent_at, sent.last_error) == ("sent", 1, engine.now(), None)
    assert engine.send_due_mail() == MailSweep()
    assert engine.send_due_mail(now=engine.now() + timedelta(days=3)) == MailSweep()
    assert len(smtp_server.recorder.received) == 1


def test_without_an_smtp_host_mail_stays_in_the_outbox(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    disabled = _other_engine(settings, clock, smtp_host="")
    try:
        assert disabled.send_due_mail() == MailSweep()
    finally:
        disabled.dispose()
    assert (_only_mail(engine).status, _only_mail(engine).attempts) == ("queued", 0)
    assert smtp_server.recorder.received == []
    # The same outbox goes out once mail is configured.
    assert engine.send_due_mail() == MailSweep(sent=1)
    assert len(smtp_server.recorder.received) == 1


# -- refusals and unreachable servers -----------------------------------------------------------


def test_temporary_refusal_is_retried_with_backoff_then_delivered_once(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    smtp_server.recorder.refuse("RCPT", "451 4.3.0 Mailbox temporarily unavailable", times=2)
    start = clock()

    assert engine.send_due_mail() == MailSweep(retried=1)
    row = _only_mail(engine)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.next_attempt_at == start + timedelta(seconds=60)
    assert row.last_error is not None
    assert "451" in row.last_error
    assert "tạm từ chối" in row.last_error
    # Not due yet: nothing is claimed.
    assert engine.send_due_mail(now=start + timedelta(seconds=59)) == MailSweep()

    clock.advance(timedelta(seconds=60))
    assert engine.send_due_mail() == MailSweep(retried=1)
    row = _only_mail(engine)
    assert (row.status, row.attempts) == ("queued", 2)
    assert row.next_attempt_at == clock() + timedelta(seconds=120)

    clock.advance(timedelta(seconds=120))
    assert engine.send_due_mail() == MailSweep(sent=1)
    assert _only_mail(engine).status == "sent"
    assert engine.send_due_mail(now=clock() + timedelta(days=2)) == MailSweep()
    assert smtp_server.recorder.message_ids() == [row.message_id]


def test_temporary_refusal_of_the_final_dot_requeues_what_was_not_delivered(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    smtp_server.recorder.refuse("DATA", "452 4.3.1 Insufficient system storage")

    assert engine.send_due_mail() == MailSweep(retried=1)
    row = _only_mail(engine)
    assert (row.status, row.sent_at, row.attempts) == ("queued", None, 1)
    assert row.next_attempt_at == clock() + timedelta(seconds=60)
    assert smtp_server.recorder.received == []

    clock.advance(timedelta(minutes=1))
    assert engine.send_due_mail() == MailSweep(sent=1)
    assert smtp_server.recorder.message_ids() == [row.message_id]


@pytest.mark.parametrize("step", ["MAIL", "RCPT", "DATA"])
def test_permanent_refusal_fails_and_is_never_retried(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, smtp_server: SmtpServer, step: str
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    smtp_server.recorder.refuse(step, "550 5.1.1 Mailbox unavailable")

    assert engine.send_due_mail() == MailSweep(failed=1)
    row = _only_mail(engine)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert row.last_error is not None
    assert "550" in row.last_error
    assert "từ chối hẳn" in row.last_error
    assert engine.send_due_mail(now=clock() + timedelta(days=30)) == MailSweep()
    assert smtp_server.recorder.received == []


def test_a_refused_message_does_not_stop_the_next_one_on_the_same_connection(
    engine: WorkflowEngine, org: Org, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id, title="Thư thứ nhất")
    _notify(engine, org.drafter.id, title="Thư thứ hai")
    _notify(engine, org.drafter.id, title="Thư thứ ba")
    smtp_server.recorder.refuse("RCPT", "550 5.1.1 Mailbox unavailable")
    smtp_server.recorder.refuse("DATA", "451 4.3.0 Try again later")

    assert engine.send_due_mail() == MailSweep(sent=1, retried=1, failed=1)
    by_subject = {row.subject: row.status for row in _outbox(engine)}
    assert by_subject == {
        "[PlanCycle] Thư thứ nhất": "failed",
        "[PlanCycle] Thư thứ hai": "queued",
        "[PlanCycle] Thư thứ ba": "sent",
    }
    assert [r.message["Subject"] for r in smtp_server.recorder.received] == ["[PlanCycle] Thư thứ ba"]


def test_unreachable_server_is_retried_then_delivered_once(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    _notify(engine, org.drafter.id, title="Thư thứ hai")
    down = _other_engine(settings, clock, smtp_port=_free_port())  # nothing listens there
    try:
        assert down.send_due_mail() == MailSweep(retried=2)
    finally:
        down.dispose()
    rows = _outbox(engine)
    assert {(r.status, r.attempts, r.next_attempt_at) for r in rows} == {
        ("queued", 1, clock() + timedelta(seconds=60))
    }
    assert all(r.last_error and "Lỗi kết nối" in r.last_error for r in rows)

    clock.advance(timedelta(minutes=1))
    assert engine.send_due_mail() == MailSweep(sent=2)
    assert sorted(smtp_server.recorder.message_ids()) == sorted(r.message_id for r in rows)


def test_login_is_used_and_a_refused_login_is_retried(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock
) -> None:
    recorder = Recorder()
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        logins.append((data.login, data.password))
        return AuthResult(
            success=(data.login, data.password) == (b"plancycle", b"mat-khau-dung"), handled=False
        )

    port = _free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        server_hostname="mail.test",
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    wrong = _other_engine(settings, clock, smtp_port=port, smtp_user="plancycle", smtp_password="sai")
    right = _other_engine(
        settings, clock, smtp_port=port, smtp_user="plancycle", smtp_password="mat-khau-dung"
    )
    try:
        _wants_mail(engine, org.drafter.id)
        _notify(engine, org.drafter.id)
        assert wrong.send_due_mail() == MailSweep(retried=1)
        row = _only_mail(engine)
        assert (row.status, row.attempts) == ("queued", 1)
        assert row.last_error is not None
        assert "không mở được phiên SMTP" in row.last_error
        assert "535" in row.last_error
        assert recorder.received == []

        clock.advance(timedelta(minutes=1))
        assert right.send_due_mail() == MailSweep(sent=1)
    finally:
        wrong.dispose()
        right.dispose()
        controller.stop()
    # smtplib tries each offered mechanism (PLAIN, LOGIN) before giving up on a password.
    assert set(logins[:-1]) == {(b"plancycle", b"sai")}
    assert logins[-1] == (b"plancycle", b"mat-khau-dung")
    assert recorder.message_ids() == [row.message_id]


def test_mail_fails_after_the_last_allowed_attempt(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    smtp_server.recorder.refuse("MAIL", "421 4.7.0 Too busy", times=5)
    strict = _other_engine(settings, clock, mail_max_attempts=2)
    try:
        assert strict.send_due_mail() == MailSweep(retried=1)
        clock.advance(timedelta(minutes=1))
        assert strict.send_due_mail() == MailSweep(failed=1)
    finally:
        strict.dispose()
    row = _only_mail(engine)
    assert (row.status, row.attempts) == ("failed", 2)
    assert row.last_error is not None
    assert "hết số lần thử" in row.last_error
    assert engine.send_due_mail(now=clock() + timedelta(days=30)) == MailSweep()
    assert smtp_server.recorder.received == []


def test_a_lost_reply_to_the_final_dot_leaves_the_mail_sent_and_it_is_never_resent(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    held = smtp_server.recorder.stall("DATA")  # the server has the message but does not answer in time
    impatient = _other_engine(settings, clock, smtp_timeout_s=0.5)
    try:
        assert impatient.send_due_mail() == MailSweep(unconfirmed=1)
    finally:
        impatient.dispose()
    row = _only_mail(engine)
    assert (row.status, row.sent_at) == ("sent", clock())
    assert row.last_error is not None
    assert "không nhận được xác nhận" in row.last_error
    held.release.set()
    assert engine.send_due_mail(now=clock() + timedelta(days=2)) == MailSweep()
    assert smtp_server.recorder.message_ids() == [row.message_id]


# -- crashes --------------------------------------------------------------------------------------


def test_a_message_whose_sender_died_on_its_last_attempt_fails_instead_of_looping(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    one_try = replace(settings, mail_max_attempts=1)
    # A sender claims the message and dies before talking to the server.
    with engine._work(write=True) as session:
        [claimed], given_up = mail.claim_due(
            session, now=clock(), limit=10, settings=one_try, skip_locked=engine._is_postgres
        )
    assert (claimed.attempts, given_up) == (1, 0)
    strict = _other_engine(settings, clock, mail_max_attempts=1)
    try:
        assert strict.send_due_mail() == MailSweep()  # still leased
        assert strict.send_due_mail(now=clock() + timedelta(seconds=one_try.mail_lease_s + 1)) == MailSweep(
            failed=1
        )
    finally:
        strict.dispose()
    row = _only_mail(engine)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None
    assert "dừng đột ngột" in row.last_error
    assert smtp_server.recorder.received == []


QUEUE_THEN_DIE = """
import os, signal, sys
from datetime import datetime
from engine import FrozenClock, Settings, build_engine
from engine.notify import notify

db_url, port, user_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
at, base_url = datetime.fromisoformat(sys.argv[4]), sys.argv[5]
settings = Settings(database_url=db_url, smtp_host="127.0.0.1", smtp_port=port, base_url=base_url)
engine = build_engine(settings, clock=FrozenClock(at))
with engine._work(write=True) as session:
    notify(session, [user_id], kind="report.returned", title="Báo cáo bị trả lại",
           body="Vui lòng bổ sung số liệu.", link="/reports/7", at=at)
os.kill(os.getpid(), signal.SIGKILL)  # before any send_due_mail
"""

SEND_IN_CHILD = """
import sys
from datetime import datetime
from engine import FrozenClock, Settings, build_engine

db_url, port, at = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
engine = build_engine(
    Settings(database_url=db_url, smtp_host="127.0.0.1", smtp_port=port), clock=FrozenClock(at)
)
print(engine.send_due_mail(), flush=True)
"""


def _child(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_process_killed_after_queueing_leaves_mail_that_is_delivered_once(
    engine: WorkflowEngine, org: Org, db_url: str, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.head.id)
    child = _child(QUEUE_THEN_DIE, db_url, smtp_server.port, org.head.id, clock().isoformat(), BASE_URL)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL, err

    row = _only_mail(engine)
    assert (row.status, row.attempts, row.subject) == ("queued", 0, "[PlanCycle] Báo cáo bị trả lại")
    assert smtp_server.recorder.received == []
    assert engine.send_due_mail() == MailSweep(sent=1)
    assert engine.send_due_mail(now=clock() + timedelta(days=1)) == MailSweep()
    [got] = smtp_server.recorder.received
    assert got.message["Message-ID"] == row.message_id
    assert f"Xem chi tiết: {BASE_URL}/reports/7" in got.text


@pytest.mark.parametrize("step", ["MAIL", "RCPT", "DATA"])
def test_a_sender_killed_during_the_smtp_exchange_never_causes_a_second_delivery(
    engine: WorkflowEngine,
    org: Org,
    db_url: str,
    settings: Settings,
    clock: FrozenClock,
    smtp_server: SmtpServer,
    step: str,
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    recorder = smtp_server.recorder
    held = recorder.stall(step)
    child = _child(SEND_IN_CHILD, db_url, smtp_server.port, clock().isoformat())
    try:
        reached = held.reached.wait(timeout=120)
    finally:
        child.kill()
    out, err = child.communicate(timeout=60)
    assert reached, (out, err)
    assert child.returncode == -signal.SIGKILL, (out, err)
    held.release.set()

    row = _only_mail(engine)
    after_lease = clock() + timedelta(seconds=settings.mail_lease_s + 1)
    if step == "DATA":
        # The sender committed "sent" before the final dot; the server has the message.
        assert (row.status, row.attempts) == ("sent", 1)
        assert engine.send_due_mail(now=after_lease) == MailSweep()
    else:
        # The message never got past the envelope: it waits for its lease, then goes once.
        assert (row.status, row.attempts) == ("sending", 1)
        assert engine.send_due_mail() == MailSweep()
        assert engine.send_due_mail(now=after_lease) == MailSweep(sent=1)
        assert (_only_mail(engine).status, _only_mail(engine).attempts) == ("sent", 2)
    assert engine.send_due_mail(now=after_lease + timedelta(days=1)) == MailSweep()
    assert recorder.message_ids() == [row.message_id]


def test_a_sender_whose_lease_ran_out_cannot_deliver_what_another_sender_now_holds(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _notify(engine, org.drafter.id)
    recorder = smtp_server.recorder
    slow_at_rcpt, taker_at_rcpt = recorder.stall("RCPT"), recorder.stall("RCPT")
    taker_engine = _other_engine(settings, clock)
    # By the taker's clock the slow sender's lease has run out, so it claims the row again.
    after_lease = clock() + timedelta(seconds=settings.mail_lease_s + 1)
    results: dict[str, MailSweep] = {}
    slow = threading.Thread(target=lambda: results.update(slow=engine.send_due_mail()))
    taker = threading.Thread(target=lambda: results.update(taker=taker_engine.send_due_mail(now=after_lease)))
    try:
        slow.start()
        assert slow_at_rcpt.reached.wait(timeout=60)
        taker.start()
        assert taker_at_rcpt.reached.wait(timeout=60)
        assert (_only_mail(engine).status, _only_mail(engine).attempts) == ("sending", 2)

        # The slow sender goes on while the taker is still mid-exchange: it gets through DATA,
        # finds the row no longer its own and drops the message before the final dot.
        slow_at_rcpt.release.set()
        slow.join(timeout=60)
        assert results["slow"] == MailSweep(skipped=1)
        assert recorder.received == []

        taker_at_rcpt.release.set()
        taker.join(timeout=60)
        assert results["taker"] == MailSweep(sent=1)
    finally:
        recorder.release_all()
        slow.join(timeout=60)
        taker.join(timeout=60)
        taker_engine.dispose()
    row = _only_mail(engine)
    assert (row.status, row.attempts) == ("sent", 2)
    assert recorder.message_ids() == [row.message_id]
    assert engine.send_due_mail(now=after_lease + timedelta(days=1)) == MailSweep()


def test_racing_senders_deliver_each_of_fifty_mails_exactly_once(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    _wants_mail(engine, org.drafter.id)
    _wants_mail(engine, org.head.id)
    for i in range(25):
        with engine._work(write=True) as session:
            notify(
                session,
                [org.drafter.id, org.head.id],
                kind="task.assigned",
                title=f"Nhiệm vụ số {i + 1}",
                body="Có nhiệm vụ mới.",
                link=f"/tasks/{i + 1}",
                at=clock(),
            )
    queued = _outbox(engine)
    assert len(queued) == 50

    engines = [engine, _other_engine(settings, clock)]
    sweeps: list[list[MailSweep]] = [[], []]
    barrier = threading.Barrier(2)

    def drain(index: int) -> None:
        barrier.wait()
        while True:
            sweep = engines[index].send_due_mail(limit=4)
            sweeps[index].append(sweep)
            if sweep == MailSweep():
                return

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        engines[1].dispose()
    assert not any(t.is_alive() for t in threads)
    totals = [sum(s.sent for s in runs) for runs in sweeps]
    assert sum(totals) == 50
    assert all(s.retried == s.failed == s.unconfirmed == s.skipped == 0 for runs in sweeps for s in runs)
    received = smtp_server.recorder.message_ids()
    assert len(received) == 50
    assert sorted(received) == sorted(r.message_id for r in queued)
    assert {r.status for r in _outbox(engine)} == {"sent"}
    assert engine.send_due_mail() == MailSweep()


# -- the daily digest ---------------------------------------------------------------------------


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 11, day, hour, minute, tzinfo=ZONE)


def test_digest_goes_once_a_local_day_after_the_digest_hour_with_what_is_new(
    engine: WorkflowEngine, org: Org, clock: FrozenClock, smtp_server: SmtpServer
) -> None:
    clock.set(_local(2, 6, 0))
    address = _wants_mail(engine, org.drafter.id, "digest")
    _wants_mail(engine, org.head.id, "immediate")
    _notify(engine, org.drafter.id, title="Giao nhiệm vụ báo cáo quý IV", link="/tasks/1")
    clock.set(_local(2, 6, 30))
    _notify(engine, org.drafter.id, title="Báo cáo bị trả lại", body="Bổ sung số liệu.", link="/reports/9")
    _notify(engine, org.head.id, title="Việc của trưởng đơn vị")
    assert [r.to_address for r in _outbox(engine)] == [f"user{org.head.id}@tayninh.gov.vn"]  # no digest mail

    clock.set(_local(2, 6, 59))
    assert engine.send_digests() == 0
    clock.set(_local(2, 7, 0))
    assert engine.send_digests() == 1
    assert engine.send_digests() == 0
    assert engine.send_due_mail() == MailSweep(sent=2)

    [digest] = [r for r in smtp_server.recorder.received if r.rcpt_tos == (address,)]
    assert digest.message["Subject"] == "[PlanCycle] Tổng hợp thông báo ngày 02/11/2024 (2 thông báo mới)"
    text = digest.text
    assert "anh/chị có 2 thông báo mới" in text
    assert f"1. Giao nhiệm vụ báo cáo quý IV (06:00 02/11/2024)\n   {BODY.splitlines()[0]}" in text
    assert f"Xem chi tiết: {BASE_URL}/tasks/1" in text
    assert "2. Báo cáo bị trả lại (06:30 02/11/2024)\n   Bổ sung số liệu.\n" in text
    assert f"Xem chi tiết: {BASE_URL}/reports/9" in text
    assert "Việc của trưởng đơn vị" not in text

    # Later that day: a new notification waits for tomorrow, even at the last minute of the day.
    clock.set(_local(2, 10, 0))
    _notify(engine, org.drafter.id, title="Nhắc hạn nộp báo cáo", link="/tasks/3")
    clock.set(_local(2, 23, 59))
    assert engine.send_digests() == 0
    clock.set(_local(3, 6, 59))
    assert engine.send_digests() == 0
    clock.set(_local(3, 7, 5))
    assert engine.send_digests() == 1
    assert engine.send_due_mail() == MailSweep(sent=1)
    second = smtp_server.recorder.received[-1]
    assert second.message["Subject"] == "[PlanCycle] Tổng hợp thông báo ngày 03/11/2024 (1 thông báo mới)"
    assert "1. Nhắc hạn nộp báo cáo (10:00 02/11/2024)" in second.text
    assert "Báo cáo bị trả lại" not in second.text

    # Nothing new: no mail on the next day.
    clock.set(_local(4, 8, 0))
    assert engine.send_digests() == 0
    assert engine.send_due_mail() == MailSweep()
    assert len([r for r in smtp_server.recorder.received if r.rcpt_tos == (address,)]) == 2


def test_digest_skips_users_without_an_address_or_not_in_digest_mode(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    clock.set(_local(5, 6, 0))
    engine.set_mail_settings(org.drafter.id, email=None, mail_mode="digest", actor=SYSTEM)
    _wants_mail(engine, org.head.id, "none")
    _notify(engine, org.drafter.id)
    _notify(engine, org.head.id)
    clock.set(_local(5, 8, 0))
    assert engine.send_digests() == 0
    assert _outbox(engine) == []


def test_two_digest_sweeps_at_once_queue_one_digest(
    engine: WorkflowEngine, org: Org, settings: Settings, clock: FrozenClock
) -> None:
    clock.set(_local(6, 6, 0))
    _wants_mail(engine, org.drafter.id, "digest")
    _notify(engine, org.drafter.id)
    clock.set(_local(6, 7, 30))
    other = _other_engine(settings, clock)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run(eng: WorkflowEngine) -> None:
        barrier.wait()
        counts.append(eng.send_digests())

    threads = [threading.Thread(target=run, args=(e,)) for e in (engine, other)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        other.dispose()
    assert sorted(counts) == [0, 1]
    [row] = _outbox(engine)
    assert row.subject.startswith("[PlanCycle] Tổng hợp thông báo ngày 06/11/2024")
