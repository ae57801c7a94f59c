"""The only package that imports SpiffWorkflow: parsing, serialization, sandboxed scripts, the runner."""

from engine.spiff.actions import ActionRequest
from engine.spiff.compare import diff_documents
from engine.spiff.parser import as_text
from engine.spiff.prefixes import for_modeler
from engine.spiff.runner import (
    MigrationOutcome,
    OpenUserTask,
    ParsedDefinition,
    ProcessRuntime,
    Snapshot,
    StoredInstance,
    WaitingTimer,
)

__all__ = [
    "ActionRequest",
    "MigrationOutcome",
    "OpenUserTask",
    "ParsedDefinition",
    "ProcessRuntime",
    "Snapshot",
    "StoredInstance",
    "WaitingTimer",
    "as_text",
    "diff_documents",
    "for_modeler",
]
