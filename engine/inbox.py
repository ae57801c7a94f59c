"""Inbox queries: which open items each view holds, their order, pages and counts, saved filters.

Every view follows the rule of ``may_act_clause`` (self and covered colleagues, their units and
roles), so a view never shows what the task page would refuse; it is written as a union of
index ranges, one per way of holding an item, so that a user's inbox costs the same with a
thousand or a million tasks in the table. Search lives in ``engine.inbox_search``. Helpers
take ``session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    false,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from engine.errors import InvalidSubmission
from engine.inbox_results import InboxRow
from engine.inbox_search import MAX_QUERY_LENGTH
from engine.models import HumanTask, Plan, ReportingPeriod, Unit, User
from engine.names import display_name

VIEWS = ("open", "mine", "unit", "overdue", "week", "done")
SORTS = ("deadline",)
DUE_SOON = timedelta(days=3)
MAX_PER_PAGE = 200
MAX_FILTER_NAME = 100
MAX_FILTERS_PER_USER = 50
FILTER_KEYS = ("view", "query", "sort", "descending")


@dataclass(frozen=True)
class Acting:
    """Who asks: the user, everyone they act for today (self and covered), and those users' roles."""

    user_id: int
    user_ids: tuple[int, ...]
    roles: tuple[tuple[int, str], ...]


# -- views --------------------------------------------------------------------------------------


def week_end(now: datetime, zone: ZoneInfo) -> datetime:
    """Return the end of the local week (Monday 00:00 after this Sunday) as a UTC time."""
    today = now.astimezone(zone).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)


# What the views filter, count and order by: all in ix_human_task_open_unit_role_free (``id``
# as SQLite's rowid, and as an INCLUDE column on PostgreSQL).
_CANDIDATE_COLUMNS = (HumanTask.id, HumanTask.due_at)
# Kinds of candidate: held by the user (assigned or claimed), open to their unit and role and
# held by nobody, or assigned to a covered colleague but claimed by another substitute.
HELD, FREE, HELD_ELSEWHERE = "held", "free", "elsewhere"


def _held(who: Acting, *, actionable_only: bool) -> list[Select[*tuple[Any, ...]]]:
    """Open items assigned to or claimed by one of ``who.user_ids``, each found once.

    The ids come from ix_human_task_open_assignee / ix_human_task_open_claimed alone: asked for
    every candidate column at once, SQLite would rather scan the wider index that holds them.
    """
    is_open = HumanTask.status == "open"
    mine = who.user_ids
    claimed = select(HumanTask.id).where(is_open, HumanTask.claimed_by_id.in_(mine))
    assigned = HumanTask.id.in_(select(HumanTask.id).where(is_open, HumanTask.assignee_id.in_(mine)))
    branches = [
        select(*_CANDIDATE_COLUMNS, literal(HELD).label("kind")).where(HumanTask.id.in_(claimed)),
        select(*_CANDIDATE_COLUMNS, literal(HELD).label("kind")).where(
            assigned, HumanTask.claimed_by_id.is_(None)
        ),
    ]
    if not actionable_only:
        branches.append(
            select(*_CANDIDATE_COLUMNS, literal(HELD_ELSEWHERE).label("kind")).where(
                assigned, HumanTask.claimed_by_id.not_in(mine)
            )
        )
    return branches


def _free(who: Acting) -> list[Select[*tuple[Any, ...]]]:
    """Open items of ``who``'s units and roles that nobody holds: one index range per branch.

    The "unit and role" part of ``may_act_clause``, with ``role = r OR role IS NULL`` split in
    two so that each branch is one range of ix_human_task_open_unit_role_free (the index also
    holds ``due_at``, so counting and ordering a unit's items never reads the table).
    """
    kind = literal(FREE).label("kind")
    free = (HumanTask.status == "open", HumanTask.assignee_id.is_(None), HumanTask.claimed_by_id.is_(None))
    by_role = [(HumanTask.unit_id == u, HumanTask.role == r) for u, r in who.roles]
    by_unit = [(HumanTask.unit_id == u, HumanTask.role.is_(None)) for u in sorted({u for u, _ in who.roles})]
    return [select(*_CANDIDATE_COLUMNS, kind).where(*free, *branch) for branch in by_role + by_unit]


def _candidates(selects: list[Select[*tuple[Any, ...]]]) -> Subquery:
    """Return the branches' rows as one subquery (``UNION ALL``: the branches never overlap).

    Each branch is planned on its own and finds its index. Written as one ``OR``, SQLite
    without statistics believes ``status = 'open'`` alone picks a handful of rows and scans
    every open item of the table instead (``EXPLAIN QUERY PLAN`` shows it); PostgreSQL plans
    both shapes alike.
    """
    if not selects:
        nothing = select(*_CANDIDATE_COLUMNS, literal(FREE).label("kind")).where(false())
        return nothing.subquery("candidates")
    if len(selects) == 1:
        return selects[0].subquery("candidates")
    return union_all(*selects).subquery("candidates")


@dataclass(frozen=True)
class ViewRows:
    """One view as SQL: candidate rows (``id``, ``due_at``, ...) and the condition they must meet."""

    rows: Subquery
    where: ColumnElement[bool]


def view_rows(view: str, who: Acting, *, now: datetime, week_ends: datetime) -> ViewRows:
    """Return the rows of one view for ``who``, by the rule of ``may_act_clause``.

    open: open items the user may act on now (theirs, or their unit's and held by nobody);
    mine: assigned to or claimed by the user (or a colleague they cover); unit: open to the
    user's unit and role and held by nobody yet; overdue: open items past their deadline; week:
    open items due before the end of this week (overdue ones included); done: items the user
    completed themselves. Items a colleague claimed are in none of the views but ``mine`` (when
    assigned to the user): they are not the user's to act on.
    """
    if view == "done":
        # ``completed_by_id`` is set only when a user completes the task (``engine.tasks.complete``),
        # so this alone is "completed by me": one range of ix_human_task_done_by.
        done = select(HumanTask.id, HumanTask.due_at, HumanTask.completed_at)
        return ViewRows(done.where(HumanTask.completed_by_id == who.user_id).subquery("candidates"), true())
    if view == "mine":
        return ViewRows(_candidates(_held(who, actionable_only=False)), true())
    if view == "unit":
        return ViewRows(_candidates(_free(who)), true())
    rows = _candidates(_held(who, actionable_only=True) + _free(who))
    if view == "overdue":
        return ViewRows(rows, rows.c.due_at < now)
    if view == "week":
        return ViewRows(rows, rows.c.due_at < week_ends)
    return ViewRows(rows, true())


def count_views(session: Session, who: Acting, *, now: datetime, week_ends: datetime) -> dict[str, int]:
    """Count every view in one statement: one pass over the user's open items, one index range for done."""
    rows = _candidates(_held(who, actionable_only=False) + _free(who))
    actionable = rows.c.kind != HELD_ELSEWHERE
    one = literal(1)

    def tally(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, one), else_=0)), 0)

    # count(*), not count(id): PostgreSQL then counts from ix_human_task_done_by alone.
    done = select(func.count()).select_from(HumanTask).where(HumanTask.completed_by_id == who.user_id)
    counted = session.execute(
        select(
            tally(actionable),
            tally(rows.c.kind != FREE),
            tally(rows.c.kind == FREE),
            tally(and_(actionable, rows.c.due_at < now)),
            tally(and_(actionable, rows.c.due_at < week_ends)),
            done.scalar_subquery(),
        ).select_from(rows)
    ).one()
    return dict(zip(VIEWS, map(int, counted), strict=True))


def check_view(view: str, sort: str) -> None:
    """Raise ``InvalidSubmission`` for a view or an order the inbox does not have."""
    errors: dict[str, list[str]] = {}
    if view not in VIEWS:
        errors["view"] = [f"Không có danh sách '{view}'."]
    if sort not in SORTS:
        errors["sort"] = [f"Không sắp xếp được theo '{sort}'."]
    if errors:
        raise InvalidSubmission("Danh sách việc không hợp lệ (unknown inbox view)", errors)


# -- one page -----------------------------------------------------------------------------------


def page_rows(
    session: Session,
    view: ViewRows,
    who: Acting,
    *,
    newest_done_first: bool,
    search: ColumnElement[bool] | None,
    descending: bool,
    limit: int,
    offset: int,
    now: datetime,
) -> list[InboxRow]:
    """Return one page, by deadline (items without one last) or, for done items, newest first.

    One statement: the page's ids (ordered, limited) as a subquery, joined to plan, period, unit
    and people's names; the rows are put back in the page's order here.
    """
    c = view.rows.c
    ids = _filtered(select(c.id), view, search)
    if newest_done_first:
        ids = ids.order_by(c.completed_at.desc(), c.id.desc())
    elif descending:
        ids = ids.order_by(c.due_at.is_(None), c.due_at.desc(), c.id.desc())
    else:
        ids = ids.order_by(c.due_at.is_(None), c.due_at, c.id)
    found = session.execute(
        _joined().where(HumanTask.id.in_(ids.limit(limit).offset(offset).scalar_subquery()))
    )
    rows = [_to_row(row, who=who, now=now) for row in found]
    if newest_done_first:
        rows.sort(key=lambda r: (r.completed_at or now, r.task_id), reverse=True)
    elif descending:
        rows.sort(key=lambda r: (r.due_at is not None, r.due_at or now, r.task_id), reverse=True)
    else:
        rows.sort(key=lambda r: (r.due_at is None, r.due_at or now, r.task_id))
    return rows


def count_rows(session: Session, view: ViewRows, search: ColumnElement[bool] | None) -> int:
    """Count the items of a view (and search)."""
    return int(session.scalar(_filtered(select(func.count()), view, search)) or 0)


def _filtered(query: Select[Any], view: ViewRows, search: ColumnElement[bool] | None) -> Select[Any]:
    query = query.select_from(view.rows).where(view.where)
    if search is None:
        return query
    return (
        query.join(HumanTask, HumanTask.id == view.rows.c.id)
        .outerjoin(Unit, Unit.id == HumanTask.unit_id)
        .outerjoin(Plan, Plan.id == HumanTask.plan_id)
        .outerjoin(ReportingPeriod, ReportingPeriod.id == HumanTask.period_id)
        .where(search)
    )


_ROW_COLUMNS = (
    HumanTask.id,
    HumanTask.title,
    HumanTask.task_name,
    HumanTask.status,
    HumanTask.plan_id,
    HumanTask.period_id,
    HumanTask.unit_id,
    HumanTask.role,
    HumanTask.due_at,
    HumanTask.assignee_id,
    HumanTask.claimed_by_id,
    HumanTask.actions,
    HumanTask.version,
    HumanTask.created_at,
    HumanTask.completed_at,
    HumanTask.completed_action,
)


def _joined() -> Select[*tuple[Any, ...]]:
    sender = aliased(User)
    holder = aliased(User)
    return (
        select(
            *_ROW_COLUMNS,
            Plan.number.label("plan_number"),
            Plan.symbol.label("plan_symbol"),
            Plan.title.label("plan_title"),
            ReportingPeriod.label.label("period_label"),
            Unit.name.label("unit_name"),
            sender.full_name.label("sender_name"),
            holder.full_name.label("holder_name"),
        )
        .select_from(HumanTask)
        .outerjoin(Plan, Plan.id == HumanTask.plan_id)
        .outerjoin(ReportingPeriod, ReportingPeriod.id == HumanTask.period_id)
        .outerjoin(Unit, Unit.id == HumanTask.unit_id)
        .outerjoin(sender, sender.id == HumanTask.sent_by_id)
        .outerjoin(holder, holder.id == HumanTask.claimed_by_id)
    )


def _to_row(row: Any, *, who: Acting, now: datetime) -> InboxRow:  # a result row of ``_joined``
    is_open = row.status == "open"
    return InboxRow(
        task_id=row.id,
        title=row.title,
        task_name=row.task_name,
        status=row.status,
        plan_id=row.plan_id,
        plan_number=row.plan_number,
        plan_symbol=row.plan_symbol,
        plan_title=row.plan_title,
        period_id=row.period_id,
        period_label=row.period_label,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        role=row.role,
        due_at=row.due_at,
        deadline_status=deadline_status(row.due_at, now, completed_at=row.completed_at),
        sent_by_name=row.sender_name,
        assignee_id=row.assignee_id,
        claimed_by_id=row.claimed_by_id,
        claimed_by_name=row.holder_name,
        actions=tuple(row.actions),
        version=row.version,
        created_at=row.created_at,
        completed_at=row.completed_at,
        completed_action=row.completed_action,
        may_claim=is_open
        and row.claimed_by_id is None
        and row.assignee_id is None
        and any(row.unit_id == unit and row.role in (None, role) for unit, role in who.roles),
        may_release=is_open and row.claimed_by_id == who.user_id,
    )


def deadline_status(due_at: datetime | None, now: datetime, *, completed_at: datetime | None = None) -> str:
    """Return ``overdue``, ``due_soon`` (three days or less left), ``on_time`` or ``none``.

    For a completed item: ``overdue`` when it was completed after its deadline, else ``on_time``.
    """
    if due_at is None:
        return "none"
    if completed_at is not None:
        return "overdue" if completed_at > due_at else "on_time"
    if due_at < now:
        return "overdue"
    return "due_soon" if due_at - now <= DUE_SOON else "on_time"


# -- saved filters ------------------------------------------------------------------------------


def clean_filter(name: str, query: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the tidied name and the complete filter, or raise ``InvalidSubmission``.

    The name has 1 to 100 characters; the filter knows only ``view``, ``query``, ``sort`` and
    ``descending``; missing keys take the inbox's defaults.
    """
    errors: dict[str, list[str]] = {}
    shown = display_name(name or "")
    if not shown:
        errors["name"] = ["Vui lòng đặt tên cho bộ lọc."]
    elif len(shown) > MAX_FILTER_NAME:
        errors["name"] = [f"Tên bộ lọc tối đa {MAX_FILTER_NAME} ký tự."]
    unknown = sorted(str(key) for key in query if key not in FILTER_KEYS)
    if unknown:
        errors["query"] = [f"Bộ lọc có mục không hợp lệ: {', '.join(unknown)}."]
    view = query.get("view", "open")
    sort = query.get("sort", "deadline")
    text = query.get("query", "")
    descending = query.get("descending", False)
    if view not in VIEWS:
        errors["view"] = [f"Không có danh sách '{view}'."]
    if sort not in SORTS:
        errors["sort"] = [f"Không sắp xếp được theo '{sort}'."]
    if not isinstance(text, str):
        errors["query"] = [*errors.get("query", []), "Từ khóa phải là chữ."]
    elif len(display_name(text)) > MAX_QUERY_LENGTH:
        errors["query"] = [*errors.get("query", []), f"Từ khóa tối đa {MAX_QUERY_LENGTH} ký tự."]
    if not isinstance(descending, bool):
        errors["descending"] = ["Chiều sắp xếp phải là có hoặc không."]
    if errors:
        raise InvalidSubmission("Bộ lọc chưa hợp lệ (invalid saved filter)", errors)
    return shown, {"view": view, "query": display_name(text), "sort": sort, "descending": descending}
