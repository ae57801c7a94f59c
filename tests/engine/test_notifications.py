"""Notifications in the app and users' mail settings, through the engine's door."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import (
    SYSTEM,
    FrozenClock,
    InvalidSubmission,
    MailSettingsInfo,
    NotFound,
    NotPermitted,
    WorkflowEngine,
)
from engine.notify import notify
from tests.conftest import Org

BAD_ADDRESSES = (
    "xa.soan",
    "a@b@thaibinh.gov.vn",
    "xa soan@thaibinh.gov.vn",
    "@thaibinh.gov.vn",
    "xa.soan@",
    "xã.soạn@thaibinh.gov.vn",
    "Xã <xa@thaibinh.gov.vn>",
    "x" * 250 + "@a.vn",
)


def _notify(engine: WorkflowEngine, user_ids: list[int], title: str, link: str = "/tasks/1") -> list[int]:
    with engine._work(write=True) as session:
        notes = notify(
            session,
            user_ids,
            kind="task.assigned",
            title=title,
            body=f"Nội dung: {title}",
            link=link,
            at=engine.now(),
        )
        session.flush()
        return [n.id for n in notes]


def _mail_settings_audit(engine: WorkflowEngine) -> list[dict[str, object]]:
    return [e.details for e in engine.list_audit(actor=SYSTEM, action="user.mail_settings")]


def test_notifications_are_listed_newest_first_counted_and_marked_read_only_for_their_owner(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    [first] = _notify(engine, [org.drafter.id], "Giao nhiệm vụ")
    clock.advance(timedelta(minutes=5))
    [second, heads] = _notify(engine, [org.drafter.id, org.head.id], "Báo cáo bị trả lại", "/reports/3")
    clock.advance(timedelta(minutes=5))
    [third] = _notify(engine, [org.drafter.id], "Nhắc hạn")

    listed = engine.list_notifications(actor=org.drafter.id)
    assert [(n.id, n.title) for n in listed] == [
        (third, "Nhắc hạn"),
        (second, "Báo cáo bị trả lại"),
        (first, "Giao nhiệm vụ"),
    ]
    assert (listed[1].link, listed[1].body, listed[1].kind) == (
        "/reports/3",
        "Nội dung: Báo cáo bị trả lại",
        "task.assigned",
    )
    assert all(n.read_at is None for n in listed)
    assert [n.id for n in engine.list_notifications(actor=org.drafter.id, limit=2)] == [third, second]
    assert engine.unread_count(actor=org.drafter.id) == 3
    assert engine.unread_count(actor=org.head.id) == 1
    assert engine.list_notifications(actor=org.other_drafter.id) == []

    # Someone else's id is ignored; only the actor's own rows change.
    clock.advance(timedelta(minutes=1))
    assert engine.mark_notifications_read(actor=org.drafter.id, ids=[second, heads]) == 1
    assert engine.mark_notifications_read(actor=org.drafter.id, ids=[second]) == 0  # already read
    assert engine.mark_notifications_read(actor=org.drafter.id, ids=[]) == 0
    assert engine.unread_count(actor=org.drafter.id) == 2
    assert engine.unread_count(actor=org.head.id) == 1
    read = {n.id: n.read_at for n in engine.list_notifications(actor=org.drafter.id)}
    assert read == {first: None, second: clock(), third: None}
    assert [n.id for n in engine.list_notifications(actor=org.drafter.id, unread_only=True)] == [third, first]

    assert engine.mark_notifications_read(actor=org.drafter.id) == 2
    assert engine.unread_count(actor=org.drafter.id) == 0
    assert engine.list_notifications(actor=org.drafter.id, unread_only=True) == []
    assert engine.unread_count(actor=org.head.id) == 1
    assert engine.mark_notifications_read(actor=org.other_drafter.id, ids=[heads]) == 0
    assert engine.unread_count(actor=org.head.id) == 1


def test_the_system_has_no_notifications(engine: WorkflowEngine, org: Org) -> None:
    with pytest.raises(NotPermitted):
        engine.list_notifications(actor=SYSTEM)
    with pytest.raises(NotPermitted):
        engine.mark_notifications_read(actor=SYSTEM)


def test_mail_is_queued_only_for_immediate_users_with_an_address(
    engine: WorkflowEngine, org: Org, make_user
) -> None:  # type: ignore[no-untyped-def]
    engine.set_mail_settings(
        org.drafter.id, email="xa.soan@thaibinh.gov.vn", mail_mode="immediate", actor=SYSTEM
    )
    engine.set_mail_settings(org.head.id, email="xa.truong@thaibinh.gov.vn", mail_mode="none", actor=SYSTEM)
    engine.set_mail_settings(
        org.other_drafter.id, email="khac@haoduoc.gov.vn", mail_mode="digest", actor=SYSTEM
    )
    # focal_officer keeps the default mode ("immediate") but has no address.
    ids = [org.drafter.id, org.head.id, org.other_drafter.id, org.focal_officer.id]
    notes = _notify(engine, ids, "Kế hoạch đã được ban hành")
    assert len(notes) == 4

    [mail] = engine.list_outbox(actor=org.admin.id)
    assert (mail.to_address, mail.user_id, mail.status) == (
        "xa.soan@thaibinh.gov.vn",
        org.drafter.id,
        "queued",
    )
    assert mail.subject == "[PlanCycle] Kế hoạch đã được ban hành"
    assert mail.notification_id in notes
    assert (mail.attempts, mail.next_attempt_at) == (0, engine.now())
    # Everyone still has the in-app notification.
    assert [engine.unread_count(actor=i) for i in ids] == [1, 1, 1, 1]


def test_mail_settings_are_validated_and_nothing_is_stored_on_bad_input(
    engine: WorkflowEngine, org: Org
) -> None:
    good = engine.set_mail_settings(
        org.drafter.id, email="  xa.soan@thaibinh.gov.vn ", mail_mode="immediate", actor=org.drafter.id
    )
    assert good == MailSettingsInfo(
        user_id=org.drafter.id, email="xa.soan@thaibinh.gov.vn", mail_mode="immediate"
    )
    for bad in BAD_ADDRESSES:
        with pytest.raises(InvalidSubmission) as caught:
            engine.set_mail_settings(org.drafter.id, email=bad, mail_mode="digest", actor=org.drafter.id)
        assert list(caught.value.field_errors) == ["email"], bad
        assert "không hợp lệ" in caught.value.message
    with pytest.raises(InvalidSubmission) as caught:
        engine.set_mail_settings(
            org.drafter.id, email="moi@thaibinh.gov.vn", mail_mode="weekly", actor=SYSTEM
        )
    assert list(caught.value.field_errors) == ["mail_mode"]
    assert "immediate, digest, none" in caught.value.field_errors["mail_mode"][0]

    # Nothing was stored: mail still goes, immediately, to the first address.
    _notify(engine, [org.drafter.id], "Kiểm tra")
    assert [(m.to_address, m.status) for m in engine.list_outbox(actor=SYSTEM)] == [
        ("xa.soan@thaibinh.gov.vn", "queued")
    ]
    assert _mail_settings_audit(engine) == [{"email": "xa.soan@thaibinh.gov.vn", "mail_mode": "immediate"}]

    # An empty address removes it: no more mail, the in-app notification stays.
    cleared = engine.set_mail_settings(org.drafter.id, email="", mail_mode="immediate", actor=SYSTEM)
    assert cleared.email is None
    _notify(engine, [org.drafter.id], "Kiểm tra lần hai")
    assert len(engine.list_outbox(actor=SYSTEM)) == 1
    assert engine.unread_count(actor=org.drafter.id) == 2


def test_only_the_user_or_an_administrator_may_change_mail_settings(engine: WorkflowEngine, org: Org) -> None:
    with pytest.raises(NotPermitted):
        engine.set_mail_settings(org.drafter.id, email="la@x.vn", mail_mode="immediate", actor=org.head.id)
    with pytest.raises(NotFound):
        engine.set_mail_settings(999_999, email="a@x.vn", mail_mode="none", actor=org.admin.id)
    by_admin = engine.set_mail_settings(org.drafter.id, email="a@x.vn", mail_mode="none", actor=org.admin.id)
    by_self = engine.set_mail_settings(
        org.drafter.id, email="b@x.vn", mail_mode="digest", actor=org.drafter.id
    )
    assert (by_admin.mail_mode, by_self.mail_mode) == ("none", "digest")
    audit = engine.list_audit(actor=SYSTEM, action="user.mail_settings")
    assert [(e.actor_id, e.object_id) for e in audit] == [
        (org.admin.id, str(org.drafter.id)),
        (org.drafter.id, str(org.drafter.id)),
    ]


def test_switching_to_digest_leaves_earlier_notifications_out_of_the_digest(
    engine: WorkflowEngine, org: Org, clock: FrozenClock
) -> None:
    engine.set_mail_settings(
        org.drafter.id, email="xa.soan@thaibinh.gov.vn", mail_mode="immediate", actor=SYSTEM
    )
    _notify(engine, [org.drafter.id], "Đã gửi ngay bằng thư")
    engine.set_mail_settings(
        org.drafter.id, email="xa.soan@thaibinh.gov.vn", mail_mode="digest", actor=SYSTEM
    )
    clock.advance(timedelta(days=1))
    assert engine.send_digests() == 0
    _notify(engine, [org.drafter.id], "Mới sau khi chuyển")
    clock.advance(timedelta(days=1))
    assert engine.send_digests() == 1
    digests = [m for m in engine.list_outbox(actor=SYSTEM) if "Tổng hợp" in m.subject]
    assert [m.subject.endswith("(1 thông báo mới)") for m in digests] == [True]


def test_the_outbox_is_for_administrators(engine: WorkflowEngine, org: Org) -> None:
    engine.set_mail_settings(
        org.drafter.id, email="xa.soan@thaibinh.gov.vn", mail_mode="immediate", actor=SYSTEM
    )
    _notify(engine, [org.drafter.id], "Một")
    _notify(engine, [org.drafter.id], "Hai")
    with pytest.raises(NotPermitted):
        engine.list_outbox(actor=org.drafter.id)
    with pytest.raises(InvalidSubmission):
        engine.list_outbox(actor=org.admin.id, status="lost")
    assert [m.subject for m in engine.list_outbox(actor=org.admin.id)] == [
        "[PlanCycle] Hai",
        "[PlanCycle] Một",
    ]
    assert len(engine.list_outbox(actor=org.admin.id, status="queued", limit=1)) == 1
    assert engine.list_outbox(actor=org.admin.id, status="sent") == []
