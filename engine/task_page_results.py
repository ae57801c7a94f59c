"""Frozen results of the task page's door methods: the page itself, drafts, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.results import HistoryEntry, HumanTaskInfo


@dataclass(frozen=True)
class RowChoice:
    """One supplied row of a list field: a plan task or a plan target, shown read-only.

    ``code`` is the row's number in the plan (``"I.2"`` for a task, ``"3"`` for a target),
    ``label`` its text, ``detail`` a short line under it (the task's timeframe, the target's goal).
    """

    id: int
    code: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class TaskDraftInfo:
    """A user's saved, unsubmitted input for one open task, exactly as typed."""

    task_id: int
    user_id: int
    values: dict[str, Any]
    saved_at: datetime


@dataclass(frozen=True)
class AttachmentInfo:
    """A file attached to an item, without its bytes.

    ``may_remove`` tells whether the asking user may remove it now (they uploaded it and the
    task it was uploaded at is still open).
    """

    id: int
    instance_id: int
    task_id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_id: int | None
    uploaded_by_name: str | None
    uploaded_at: datetime
    may_remove: bool = False


@dataclass(frozen=True)
class AttachmentFile:
    """An attachment with its bytes, for download."""

    info: AttachmentInfo
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class TaskPage:
    """Everything the task page shows, read in one transaction.

    ``values`` are the form's stored values (the instance's data); ``draft`` the asking user's
    saved input, if the task is open and they saved one. ``rows`` maps a row source named by the
    form's layout (``plan_tasks``, ``plan_targets``) to the rows it supplies, in plan order.
    ``may_act`` tells whether the user may work on the task now (open, not held by another).
    """

    task: HumanTaskInfo
    values: dict[str, Any]
    draft: TaskDraftInfo | None
    rows: dict[str, tuple[RowChoice, ...]]
    attachments: tuple[AttachmentInfo, ...]
    history: tuple[HistoryEntry, ...]
    may_act: bool
    attachment_limit_bytes: int
    attachment_types: tuple[str, ...]
