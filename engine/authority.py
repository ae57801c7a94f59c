"""Who may sign (TM., KT., Q., TL./TUQ.) and who acts for whom (out-of-office cover)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.errors import InvalidSubmission, NotPermitted
from engine.models import Cover, Delegation, Membership
from engine.organisation import get_unit, get_user, roles_of
from engine.results import Actor

FORMS = {
    "TM": "TM.",  # on behalf of a collective body: its head signs
    "KT": "KT.",  # a deputy signs for the head
    "Q": "Q.",  # acting head
    "TL": "TL.",  # by delegated authority (thừa lệnh)
    "TUQ": "TUQ.",  # by written authorisation (thừa ủy quyền)
}
DELEGATED_FORMS = ("KT", "Q", "TL", "TUQ")


def delegate(
    session: Session,
    *,
    unit_id: int,
    principal_id: int | None,
    delegate_id: int,
    form: str,
    signer_title: str,
    valid_from: date,
    valid_until: date,
    scope: str,
    at: datetime,
    actor: Actor,
) -> Delegation:
    """Record signing authority given in writing, limited in time and scope."""
    errors: dict[str, list[str]] = {}
    if form not in DELEGATED_FORMS:
        errors["form"] = [f"Hình thức ký phải là một trong {', '.join(DELEGATED_FORMS)}."]
    if valid_until < valid_from:
        errors["valid_until"] = ["Ngày hết hiệu lực phải sau ngày bắt đầu."]
    if not signer_title.strip():
        errors["signer_title"] = ["Trường này là bắt buộc."]
    if errors:
        raise InvalidSubmission("Ủy quyền ký chưa hợp lệ (invalid delegation)", errors)
    get_unit(session, unit_id)
    get_user(session, delegate_id)
    if principal_id is not None:
        get_user(session, principal_id)
        if _holds_delegation(session, principal_id, unit_id, on_day=valid_from):
            # TL./TUQ. authority is personal: a delegate cannot pass it on.
            raise NotPermitted(
                "Người được ủy quyền không được ủy quyền lại (authority cannot be re-delegated)"
            )
    row = Delegation(
        unit_id=unit_id,
        principal_id=principal_id,
        delegate_id=delegate_id,
        form=form,
        signer_title=signer_title.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        scope=scope.strip(),
        created_at=at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="delegation.created",
        object_type="delegation",
        object_id=row.id,
        details={
            "unit_id": unit_id,
            "delegate_id": delegate_id,
            "form": form,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return row


def _holds_delegation(session: Session, user_id: int, unit_id: int, *, on_day: date) -> bool:
    return (
        session.scalar(
            select(Delegation.id).where(
                Delegation.delegate_id == user_id,
                Delegation.unit_id == unit_id,
                Delegation.revoked_at.is_(None),
                Delegation.valid_from <= on_day,
                Delegation.valid_until >= on_day,
            )
        )
        is not None
    )


def check_signer(session: Session, *, signer_id: int, unit_id: int, form: str, on_day: date) -> str:
    """Return the signer's title when ``signer_id`` may sign for ``unit_id`` in ``form`` on ``on_day``.

    TM.: the signer is the leader of the unit. KT., Q., TL., TUQ.: a delegation in that form,
    valid on that day and not revoked. Anything else raises ``NotPermitted``.
    """
    if form not in FORMS:
        raise InvalidSubmission(
            "Hình thức ký không hợp lệ (invalid authority form)",
            {"authority_form": [f"Không có hình thức '{form}'."]},
        )
    if form == "TM":
        if (unit_id, "leader") in roles_of(session, signer_id):
            return "CHỦ TỊCH"
        raise NotPermitted(
            "Người ký không phải lãnh đạo của cơ quan ban hành (signer does not lead the body)"
        )
    row = session.scalars(
        select(Delegation)
        .where(
            Delegation.delegate_id == signer_id,
            Delegation.unit_id == unit_id,
            Delegation.form == form,
            Delegation.revoked_at.is_(None),
        )
        .order_by(Delegation.valid_until.desc())
    ).first()
    if row is None:
        raise NotPermitted(f"Người ký không được giao ký {FORMS[form]} (no {form} authority)")
    if not row.valid_from <= on_day <= row.valid_until:
        raise NotPermitted(
            f"Ủy quyền ký {FORMS[form]} chỉ có hiệu lực từ {row.valid_from:%d/%m/%Y} đến "
            f"{row.valid_until:%d/%m/%Y} (delegation not valid on {on_day:%d/%m/%Y})"
        )
    return row.signer_title


def set_cover(
    session: Session,
    *,
    user_id: int,
    substitute_id: int,
    starts_on: date,
    ends_on: date,
    at: datetime,
    actor: Actor,
) -> Cover:
    """Let ``substitute`` act on ``user``'s items between two dates (inclusive)."""
    if ends_on < starts_on or user_id == substitute_id:
        raise InvalidSubmission(
            "Phân công thay thế chưa hợp lệ (invalid cover)",
            {"ends_on": ["Ngày kết thúc phải sau ngày bắt đầu; người thay phải khác người vắng."]},
        )
    get_user(session, user_id)
    get_user(session, substitute_id)
    row = Cover(
        user_id=user_id, substitute_id=substitute_id, starts_on=starts_on, ends_on=ends_on, created_at=at
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="cover.created",
        object_type="user",
        object_id=user_id,
        details={
            "substitute_id": substitute_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return row


def acting_for(session: Session, user_id: int, on_day: date) -> tuple[list[int], list[tuple[int, str]]]:
    """Return the users whose items ``user_id`` may act on today (self and covered), and their roles."""
    covered = list(
        session.scalars(
            select(Cover.user_id).where(
                Cover.substitute_id == user_id, Cover.starts_on <= on_day, Cover.ends_on >= on_day
            )
        )
    )
    user_ids = [user_id, *covered]
    roles = [
        (int(unit_id), str(role))
        for unit_id, role in session.execute(
            select(Membership.unit_id, Membership.role).where(Membership.user_id.in_(user_ids))
        ).all()
    ]
    return user_ids, sorted(set(roles))
