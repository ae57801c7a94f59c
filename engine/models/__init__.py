"""All tables, one module per noun; importing this package registers every table."""

from engine.models.core import (
    AuditEvent,
    HumanTask,
    Membership,
    ProcessDefinition,
    ProcessInstance,
    Timer,
    Unit,
    User,
)
from engine.models.documents import DocumentFile
from engine.models.messaging import Job, MailOutbox, Notification, OfficialDocument
from engine.models.modeling import DefinitionDraft, FormVersion
from engine.models.organisation import Cover, Delegation, UnitGroup, UnitGroupMember, WorkCalendarDay
from engine.models.periods import Escalation, ReportingPeriod, UnitReport
from engine.models.plans import DocumentCounter, Plan, PlanSection, PlanTarget, PlanTask, PlanTaskUnit
from engine.models.web import Attachment, LoginFailure, SavedFilter, TaskDraft

__all__ = [
    "Attachment",
    "AuditEvent",
    "Cover",
    "DefinitionDraft",
    "Delegation",
    "DocumentCounter",
    "DocumentFile",
    "Escalation",
    "FormVersion",
    "HumanTask",
    "Job",
    "LoginFailure",
    "MailOutbox",
    "Membership",
    "Notification",
    "OfficialDocument",
    "Plan",
    "PlanSection",
    "PlanTarget",
    "PlanTask",
    "PlanTaskUnit",
    "ProcessDefinition",
    "ProcessInstance",
    "ReportingPeriod",
    "SavedFilter",
    "TaskDraft",
    "Timer",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "UnitReport",
    "User",
    "WorkCalendarDay",
]
