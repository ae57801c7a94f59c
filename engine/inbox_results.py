"""Frozen results of the inbox methods: one page of a view, its rows, and saved filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class InboxRow:
    """One item of an inbox view, with the context people recognise it by.

    ``deadline_status`` is ``overdue``, ``due_soon`` (within three days), ``on_time`` or ``none``
    (no deadline); for a completed item it compares the completion time with the deadline
    (``overdue``: done late). ``sent_by_name`` is ``None`` when the system opened the item.
    """

    task_id: int
    title: str
    task_name: str
    status: str
    plan_id: int | None
    plan_number: int | None
    plan_symbol: str | None
    plan_title: str | None
    period_id: int | None
    period_label: str | None
    unit_id: int | None
    unit_name: str | None
    role: str | None
    due_at: datetime | None
    deadline_status: str
    sent_by_name: str | None
    assignee_id: int | None
    claimed_by_id: int | None
    claimed_by_name: str | None
    actions: tuple[str, ...]
    version: int
    created_at: datetime
    completed_at: datetime | None = None
    completed_action: str | None = None
    may_claim: bool = False  # open to the unit and role, nobody holds it: "Nhận việc"
    may_release: bool = False  # held by the actor: "Trả về đơn vị"


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox view, as asked for (``page`` is clamped to the pages that exist)."""

    rows: tuple[InboxRow, ...]
    total: int
    page: int
    per_page: int
    view: str = "open"
    query: str = ""
    sort: str = "deadline"
    descending: bool = False

    @property
    def pages(self) -> int:
        """Return how many pages the view has (at least one, even when it is empty)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class SavedFilterInfo:
    """A named inbox filter the actor keeps: ``query`` holds ``view``, ``query``, ``sort``, ``descending``."""

    id: int
    name: str
    query: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True)
class InboxScreen:
    """What the inbox page shows: one page of a view, the count of every view, the saved filters."""

    page: InboxPage
    counts: dict[str, int]
    filters: tuple[SavedFilterInfo, ...]
