"""Frozen inputs and results for the plan pages: lists, the plan tree, the draft editor, the detail page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.plan_results import PeriodInfo, PlanInfo, PlanTaskInfo, SectionInput, TargetInput
from engine.results import HumanTaskInfo

PLAN_STATUSES = ("draft", "in_approval", "returned", "issued")


@dataclass(frozen=True)
class PlanSummary:
    """One line of the plan list."""

    id: int
    year: int
    number: int | None
    symbol: str | None
    title: str
    status: str
    issuing_unit_id: int
    issuing_unit_name: str
    focal_unit_id: int
    focal_unit_name: str
    issued_on: date | None
    parent_plan_id: int | None
    updated_at: datetime


@dataclass(frozen=True)
class PlanNode:
    """A plan in the tree of parent and child plans; ``is_current`` marks the plan being shown."""

    id: int
    title: str
    symbol: str | None
    status: str
    year: int
    issuing_unit_name: str
    is_current: bool = False
    children: tuple[PlanNode, ...] = ()


@dataclass(frozen=True)
class UnitChoice:
    """A unit or unit group to pick in a task table; ``label`` is unique among all choices.

    ``may_draft`` tells whether the actor may draft plans for this unit (focal officer or leader).
    """

    kind: str  # "unit" or "group"
    id: int
    label: str
    name: str
    parent_id: int | None = None
    may_draft: bool = False


@dataclass(frozen=True)
class PlanDraftInput:
    """Everything the draft editor saves at once: the document's header, its task table, its targets."""

    title: str
    year: int
    place: str
    summary: str = ""
    legal_bases: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    parent_plan_id: int | None = None
    child_plan_deadline: date | None = None
    sections: tuple[SectionInput, ...] = ()
    targets: tuple[TargetInput, ...] = ()


@dataclass(frozen=True)
class PlanDraft:
    """A plan as the editor loads it: units as ids (not names), so it can be saved back unchanged."""

    id: int
    status: str
    issuing_unit_id: int
    focal_unit_id: int
    content: PlanDraftInput


@dataclass(frozen=True)
class PlanSectionView:
    """A section of the task table with its rows, in order."""

    code: str
    title: str
    tasks: tuple[PlanTaskInfo, ...]


@dataclass(frozen=True)
class PlanPage:
    """What the plan's detail page shows, and which actions the actor may take there."""

    plan: PlanInfo
    summary: str
    issuing_unit_name: str
    issuing_unit_level: str
    superior_unit_name: str | None
    doc_code: str
    focal_unit_name: str
    signer_name: str | None
    signer_title: str | None
    child_plan_deadline: date | None
    sections: tuple[PlanSectionView, ...]
    periods: tuple[PeriodInfo, ...]
    tree: PlanNode
    my_tasks: tuple[HumanTaskInfo, ...]
    comment_choices: tuple[tuple[int, str], ...]
    may_edit: bool
    may_submit: bool
    may_open_period: bool
