"""What each kind of document prints, as plain frozen data; the templates lay it out.

Every text here is final: capitals, numbers and dates already written the official way
(``engine.documents.wording``), so a template only places them.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN = "plan"
DECISION = "decision"
UNIT_REPORT = "unit_report"
CONSOLIDATED_REPORT = "consolidated_report"
REMINDER_LETTER = "reminder_letter"


@dataclass(frozen=True)
class Header:
    """The two-column header: the issuing body over its number, the nation over place and date.

    ``subject`` is an official letter's "V/v ..." line under its number; ``is_draft`` prints
    "DỰ THẢO" above the header.
    """

    issuer: tuple[str, ...]
    number: str
    dated: str
    superior: str | None = None
    subject: str | None = None
    is_draft: bool = False


@dataclass(frozen=True)
class Closing:
    """The closing table: "Nơi nhận" on the left, the signature block on the right."""

    recipients: tuple[str, ...]
    authority: tuple[str, ...]
    signer_name: str | None = None


@dataclass(frozen=True)
class TaskRow:
    """One row of a plan's task table; a section row has only ``code`` and ``content``."""

    code: str
    content: str
    lead: str = ""
    coordinating: str = ""
    timeframe: str = ""
    expected_result: str = ""
    indicator: str = ""
    is_section: bool = False


@dataclass(frozen=True)
class TaskTable:
    """A task table and which optional columns it prints."""

    rows: tuple[TaskRow, ...]
    with_result: bool = False
    with_indicator: bool = False


@dataclass(frozen=True)
class Appendix:
    """A PHỤ LỤC page: its number, title and the note tying it to its document."""

    number: str
    title: str
    note: str


@dataclass(frozen=True)
class Chapter:
    """A numbered part of a document's body ("I. MỤC ĐÍCH, YÊU CẦU") and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class PlanBody:
    """A plan's own text, printed alone (a plan) or attached to its approval decision.

    ``attached_note`` is "(Ban hành kèm theo Quyết định số ...)" when attached to a decision.
    """

    header: Header
    title: str
    intro: tuple[str, ...]
    chapters: tuple[Chapter, ...]
    closing: Closing
    tasks: TaskTable
    appendix: Appendix
    attached_note: str | None = None


@dataclass(frozen=True)
class PlanDocument:
    """A plan (KẾ HOẠCH) with its task table as an appendix."""

    plan: PlanBody


@dataclass(frozen=True)
class DecisionDocument:
    """A decision (QUYẾT ĐỊNH) approving a plan, the plan attached after it."""

    header: Header
    title: str
    authority: str
    bases: tuple[str, ...]
    articles: tuple[tuple[str, str], ...]
    closing: Closing
    plan: PlanBody


@dataclass(frozen=True)
class ReportTaskRow:
    """One plan task in a unit's report: progress, computed status, results, evidence."""

    number: int
    content: str
    timeframe: str
    progress: str
    status: str
    narrative: str
    evidence: str


@dataclass(frozen=True)
class UnitReportDocument:
    """A unit's report (BÁO CÁO) on a plan for a period."""

    header: Header
    title: str
    addressee: str
    intro: str
    summary: tuple[str, ...]
    tasks: tuple[ReportTaskRow, ...]
    targets: tuple[tuple[str, str, str], ...]  # description, goal, value achieved
    other_tasks: tuple[tuple[str, str], ...]  # content, result
    difficulties: tuple[str, ...]
    proposals: tuple[str, ...]
    funding: str
    ending: str
    closing: Closing


@dataclass(frozen=True)
class UnitLine:
    """A unit in the consolidated report's table of units."""

    number: int
    name: str
    report_status: str
    tracking_status: str
    submitted: str
    accepted: str
    tasks_done: str


@dataclass(frozen=True)
class TaskLine:
    """A plan task in the consolidated report's table of tasks."""

    number: int
    content: str
    lead_units: int
    declared: int
    on_time: int
    late: int
    in_progress: int
    overdue: int
    share: str


@dataclass(frozen=True)
class TargetLine:
    """A target in the consolidated report: goal, units reporting, total, lowest, highest, mean."""

    description: str
    goal: str
    reported: int
    total: str
    lowest: str
    highest: str
    mean: str


@dataclass(frozen=True)
class ConsolidatedReportDocument:
    """The focal unit's roll-up of a period (BÁO CÁO tổng hợp) with its tables of units and tasks."""

    header: Header
    title: str
    addressee: str | None
    intro: str
    figures: tuple[str, ...]
    missing_units: tuple[str, ...]
    late_units: tuple[str, ...]
    narrative: tuple[str, ...]
    proposals: tuple[str, ...]
    ending: str
    closing: Closing
    units: tuple[UnitLine, ...]
    tasks: tuple[TaskLine, ...]
    targets: tuple[TargetLine, ...]
    appendix_note: str
    is_final: bool = True


@dataclass(frozen=True)
class ReminderLetterDocument:
    """An official reminder letter (công văn đôn đốc) from the focal unit to a late unit."""

    header: Header
    addressee: str
    paragraphs: tuple[str, ...]
    closing: Closing


Document = (
    PlanDocument | DecisionDocument | UnitReportDocument | ConsolidatedReportDocument | ReminderLetterDocument
)
TEMPLATES: dict[type, str] = {
    PlanDocument: "plan.html",
    DecisionDocument: "decision.html",
    UnitReportDocument: "unit_report.html",
    ConsolidatedReportDocument: "consolidated_report.html",
    ReminderLetterDocument: "reminder_letter.html",
}


def paragraphs(text: str | None) -> tuple[str, ...]:
    """Split a person's text into paragraphs, one per non-empty line."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


@dataclass(frozen=True)
class Meta:
    """What the PDF file says about itself (title, author), besides its pages."""

    title: str
    author: str
