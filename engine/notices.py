"""Who is told what: new items in an inbox, returns, and the chase ladder's reminders.

The texts are Vietnamese (the interface's first language); links are paths of the web app,
which mail turns into full addresses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.deadlines import local_date
from engine.models import Cover, HumanTask, Membership
from engine.notify import notify


def task_link(task_id: int) -> str:
    """Return the path of a task page."""
    return f"/tasks/{task_id}"


def period_unit_link(period_id: int, unit_id: int) -> str:
    """Return the path of one unit's row in a period."""
    return f"/periods/{period_id}/units/{unit_id}"


def role_holders(session: Session, unit_id: int, roles: Sequence[str], *, on_day: date) -> set[int]:
    """Return the users holding one of ``roles`` in the unit, and whoever covers for them today."""
    holders = set(
        session.scalars(
            select(Membership.user_id).where(Membership.unit_id == unit_id, Membership.role.in_(list(roles)))
        )
    )
    if holders:
        holders |= set(
            session.scalars(
                select(Cover.substitute_id).where(
                    Cover.user_id.in_(sorted(holders)), Cover.starts_on <= on_day, Cover.ends_on >= on_day
                )
            )
        )
    return holders


def task_recipients(session: Session, task: HumanTask, *, on_day: date) -> set[int]:
    """Return who should hear of an open task: its assignee or holder, else its unit's role."""
    if task.assignee_id is not None:
        return {task.assignee_id}
    if task.claimed_by_id is not None:
        return {task.claimed_by_id}
    if task.unit_id is None or task.role is None:
        return set()
    return role_holders(session, task.unit_id, [task.role], on_day=on_day)


def tasks_opened(
    session: Session, tasks: Iterable[HumanTask], *, at: datetime, on_day: date, reason: str | None = None
) -> None:
    """Tell the people who may act that a task is in their inbox (with the reason, after a return)."""
    for task in tasks:
        due = f" Hạn: {local_date(task.due_at):%d/%m/%Y}." if task.due_at is not None else ""
        if reason:
            kind, title = "task.returned", f"Bị trả lại: {task.title}"
            body = f"Hồ sơ được trả lại để xử lý lại bước «{task.title}». Lý do: {reason}.{due}"
        else:
            kind, title = "task.opened", f"Việc mới: {task.title}"
            body = f"Bạn có việc mới cần xử lý: «{task.title}».{due}"
        notify(
            session,
            task_recipients(session, task, on_day=on_day),
            kind=kind,
            title=title,
            body=body,
            link=task_link(task.id),
            at=at,
            instance_id=task.instance_id,
        )
