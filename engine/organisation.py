"""Units, users and roles, and the permission checks built on them."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from engine import audit
from engine.errors import InvalidSubmission, NotFound, NotPermitted
from engine.models import HumanTask, Membership, Unit, UnitGroup, UnitGroupMember, User
from engine.names import display_name, normalise_name
from engine.results import Actor, SystemActor, UnitInfo, UserInfo

ROLES = ("drafter", "unit_head", "focal_officer", "leader", "admin")
LEVELS = ("province", "department", "district", "office", "commune", "party_cell", "enterprise")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash; a missing hash never matches."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def roles_of(session: Session, user_id: int) -> list[tuple[int, str]]:
    """Return the ``(unit_id, role)`` pairs a user holds."""
    rows = session.execute(
        select(Membership.unit_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return [(int(unit_id), str(role)) for unit_id, role in rows]


def require_user(session: Session, actor: Actor) -> User:
    """Return the active user behind ``actor`` or raise ``NotPermitted``."""
    if isinstance(actor, SystemActor):
        raise NotPermitted("Thao tác này cần một người dùng (a user is required)")
    user = session.get(User, actor)
    if user is None or not user.is_active:
        raise NotPermitted("Tài khoản không tồn tại hoặc đã bị khóa (unknown or disabled account)")
    return user


def require_known(session: Session, actor: Actor) -> None:
    """Allow the system and any active user."""
    if not isinstance(actor, SystemActor):
        require_user(session, actor)


def holds_role(session: Session, actor: Actor, unit_id: int, roles: tuple[str, ...]) -> bool:
    """Tell whether the actor is the system, an administrator, or holds one of ``roles`` in the unit."""
    if isinstance(actor, SystemActor):
        return True
    held = roles_of(session, actor)
    return any(role == "admin" for _u, role in held) or any(u == unit_id and r in roles for u, r in held)


def require_admin(session: Session, actor: Actor) -> None:
    """Allow the system and users holding the ``admin`` role anywhere."""
    if isinstance(actor, SystemActor):
        return
    require_user(session, actor)
    if not any(role == "admin" for _unit, role in roles_of(session, actor)):
        raise NotPermitted("Chỉ quản trị viên được làm việc này (administrators only)")


def may_act_clause(user_ids: list[int], roles: list[tuple[int, str]]) -> ColumnElement[bool]:
    """Build the SQL condition "one of these users (self and covered colleagues) may act on the task"."""
    by_role = [
        and_(
            HumanTask.unit_id == unit_id,
            or_(HumanTask.role == role, HumanTask.role.is_(None)),
            HumanTask.assignee_id.is_(None),
        )
        for unit_id, role in roles
    ]
    return or_(
        HumanTask.assignee_id.in_(user_ids),
        HumanTask.claimed_by_id.in_(user_ids),
        *(by_role or [false()]),
    )


def may_act(task: HumanTask, user_ids: list[int], roles: list[tuple[int, str]]) -> bool:
    """Python twin of ``may_act_clause`` for one loaded task."""
    if task.assignee_id is not None:
        return task.assignee_id in user_ids
    if task.claimed_by_id in user_ids:
        return True
    return any(task.unit_id == unit_id and task.role in (None, role) for unit_id, role in roles)


def to_unit_info(unit: Unit) -> UnitInfo:
    """Turn a row into a result."""
    return UnitInfo(id=unit.id, name=unit.name, level=unit.level, parent_id=unit.parent_id)


def to_user_info(session: Session, user: User) -> UserInfo:
    """Turn a row into a result, with its roles."""
    return UserInfo(
        id=user.id,
        login=user.login,
        full_name=user.full_name,
        is_active=user.is_active,
        roles=tuple(roles_of(session, user.id)),
    )


def get_unit(session: Session, unit_id: int) -> Unit:
    """Return a unit or raise ``NotFound``."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị {unit_id} (no such unit)")
    return unit


def create_unit(
    session: Session,
    *,
    name: str,
    level: str,
    parent_id: int | None,
    doc_code: str = "",
    at: datetime,
    actor: Actor,
) -> Unit:
    """Add a unit; a sibling with the same normalised name is refused ("Công An huyện" = "Công an huyện")."""
    if level not in LEVELS:
        raise InvalidSubmission(
            "Cấp đơn vị không hợp lệ (unknown level)", {"level": [f"Không có cấp '{level}'."]}
        )
    if not name.strip():
        raise InvalidSubmission("Thiếu tên đơn vị (name required)", {"name": ["Trường này là bắt buộc."]})
    if parent_id is not None:
        get_unit(session, parent_id)
    key = normalise_name(name)
    clash = select(Unit.id).where(Unit.name_key == key)
    clash = (
        clash.where(Unit.parent_id == parent_id)
        if parent_id is not None
        else clash.where(Unit.parent_id.is_(None))
    )
    if session.scalar(clash) is not None:
        raise InvalidSubmission(
            "Đơn vị đã tồn tại (unit exists)", {"name": ["Đã có đơn vị cùng tên ở cấp này."]}
        )
    unit = Unit(
        name=display_name(name), name_key=key, level=level, parent_id=parent_id, doc_code=doc_code.strip()
    )
    session.add(unit)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="unit.created",
        object_type="unit",
        object_id=unit.id,
        details={"name": unit.name, "level": level},
    )
    return unit


def find_units(session: Session, name: str) -> list[Unit]:
    """Units whose name matches ``name`` after normalisation (several when names repeat across parents)."""
    return list(session.scalars(select(Unit).where(Unit.name_key == normalise_name(name)).order_by(Unit.id)))


def create_group(
    session: Session, *, name: str, unit_ids: list[int], at: datetime, actor: Actor
) -> UnitGroup:
    """Add a named unit group with its members."""
    key = normalise_name(name)
    if not key:
        raise InvalidSubmission("Thiếu tên nhóm (name required)", {"name": ["Trường này là bắt buộc."]})
    if session.scalar(select(UnitGroup.id).where(UnitGroup.name_key == key)) is not None:
        raise InvalidSubmission("Nhóm đơn vị đã tồn tại (group exists)", {"name": ["Đã có nhóm cùng tên."]})
    group = UnitGroup(name=display_name(name), name_key=key)
    session.add(group)
    session.flush()
    for unit_id in dict.fromkeys(unit_ids):
        get_unit(session, unit_id)
        session.add(UnitGroupMember(group_id=group.id, unit_id=unit_id))
    audit.record(
        session,
        at=at,
        actor=actor,
        action="unit_group.created",
        object_type="unit_group",
        object_id=group.id,
        details={"name": group.name, "units": len(unit_ids)},
    )
    session.flush()
    return group


def create_user(
    session: Session, *, login: str, full_name: str, password: str | None, at: datetime, actor: Actor
) -> User:
    """Add a user with an argon2 password hash; refuse an empty or taken login."""
    login = login.strip().lower()
    if not login:
        raise InvalidSubmission(
            "Thiếu tên đăng nhập (login required)", {"login": ["Trường này là bắt buộc."]}
        )
    if session.scalar(select(User.id).where(User.login == login)) is not None:
        raise InvalidSubmission(
            "Tên đăng nhập đã tồn tại (login taken)", {"login": ["Tên đăng nhập đã được dùng."]}
        )
    user = User(
        login=login,
        full_name=full_name.strip(),
        password_hash=hash_password(password) if password else None,
        is_active=True,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="user.created",
        object_type="user",
        object_id=user.id,
        details={"login": login},
    )
    return user


def grant_role(
    session: Session, *, user_id: int, unit_id: int, role: str, at: datetime, actor: Actor
) -> User:
    """Give a role in a unit (once); return the user."""
    if role not in ROLES:
        raise InvalidSubmission(
            "Vai trò không hợp lệ (unknown role)", {"role": [f"Không có vai trò '{role}'."]}
        )
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Không tìm thấy người dùng {user_id} (no such user)")
    get_unit(session, unit_id)
    exists = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user_id, Membership.unit_id == unit_id, Membership.role == role
        )
    )
    if exists is None:
        session.add(Membership(user_id=user_id, unit_id=unit_id, role=role))
        audit.record(
            session,
            at=at,
            actor=actor,
            action="role.granted",
            object_type="user",
            object_id=user_id,
            details={"unit_id": unit_id, "role": role},
        )
        session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    """Return a user or raise ``NotFound``."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Không tìm thấy người dùng {user_id} (no such user)")
    return user


def authenticate(session: Session, login: str, password: str) -> User:
    """Return the active user with this login and password; one message for every failure."""
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise NotPermitted("Sai tên đăng nhập hoặc mật khẩu (wrong login or password)")
    return user
