"""Frozen results of editing, deploying, comparing and migrating process definitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from engine.results import DefinitionInfo

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class DiagramProblem:
    """One thing found in a diagram, tied to its BPMN element where there is one.

    ``severity`` is ``"error"`` (the diagram cannot be deployed) or ``"warning"`` (it can, but
    this element will not do what a reader of the diagram might expect). ``message`` is
    Vietnamese with the English in parentheses.
    """

    element_id: str | None
    element_type: str | None
    message: str
    severity: Severity = "error"
    line: int | None = None


@dataclass(frozen=True)
class DiagramReport:
    """What the engine makes of a BPMN file: the process it stands for, errors and warnings.

    ``process_id`` is the executable process (or the first process, or None); ``processes``
    every process id in the file; ``executable`` whether ``process_id`` is marked executable.
    """

    process_id: str | None
    name: str | None
    errors: tuple[DiagramProblem, ...]
    warnings: tuple[DiagramProblem, ...]
    processes: tuple[str, ...] = ()
    executable: bool = False

    @property
    def deployable(self) -> bool:
        """Tell whether deploying this file would succeed (executable, no error)."""
        return self.executable and not self.errors


@dataclass(frozen=True)
class DraftSaved:
    """A draft stored under ``key``, with the report of its diagram."""

    key: str
    report: DiagramReport


@dataclass(frozen=True)
class DeployResult:
    """A deployed (or unchanged: ``definition.is_new`` False) version and its report (warnings)."""

    definition: DefinitionInfo
    report: DiagramReport


@dataclass(frozen=True)
class ImportReport:
    """An uploaded file's report; ``draft_key`` names the draft it was saved as (None: not saved).

    ``replaced_draft`` tells that a draft of the same process key existed and was replaced (a key
    has one draft; the earlier text is not kept).
    """

    filename: str
    report: DiagramReport
    draft_key: str | None
    replaced_draft: bool = False


@dataclass(frozen=True)
class ProcessSummary:
    """One process key in the list of processes: its versions, its draft, its running instances."""

    key: str
    name: str
    latest_version: int | None
    version_count: int
    running_instances: int
    has_draft: bool
    draft_updated_at: datetime | None
    latest_deployed_at: datetime | None


@dataclass(frozen=True)
class VersionInfo:
    """One deployed version: who deployed it, when, and how many instances run or ran on it."""

    id: int
    version: int
    checksum: str
    deployed_at: datetime
    deployed_by_name: str | None
    running: int
    completed: int
    name: str = ""


@dataclass(frozen=True)
class DraftInfo:
    """The draft of a process, without its XML."""

    key: str
    name: str
    based_on_version: int | None
    filename: str | None
    updated_at: datetime
    updated_by_name: str | None


@dataclass(frozen=True)
class ProcessDetail:
    """A process key: its versions (newest first) and its draft, if any."""

    key: str
    name: str
    versions: tuple[VersionInfo, ...]
    draft: DraftInfo | None


@dataclass(frozen=True)
class DiagramSource:
    """The XML to open in the modeler: a draft, or a deployed version."""

    key: str
    name: str
    xml: str
    version: int | None
    is_draft: bool
    based_on_version: int | None


@dataclass(frozen=True)
class ElementChange:
    """One BPMN element added, removed or changed between two versions.

    ``details`` says what changed, in Vietnamese, e.g. ``"Hẹn giờ: a → b"``.
    """

    element_id: str
    element_type: str
    name: str | None
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DefinitionDiff:
    """The semantic difference between two versions of a process (layout is ignored)."""

    key: str
    old: int
    new: int
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]


@dataclass(frozen=True)
class InstanceMigration:
    """Whether one running instance can move to another version, and why not."""

    instance_id: int
    business_key: str | None
    unit_name: str | None
    current_steps: tuple[str, ...]
    can_migrate: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class MigrationPreview:
    """The running instances of ``from_version`` and whether each can move to ``to_version``."""

    key: str
    from_version: int
    to_version: int
    instances: tuple[InstanceMigration, ...]


@dataclass(frozen=True)
class MigrationResult:
    """Instances moved, and those refused with the reason."""

    migrated: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]
