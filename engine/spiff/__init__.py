"""The only package that imports SpiffWorkflow: parsing, serialization, sandboxed scripts, the runner."""

from engine.spiff.actions import ActionRequest
from engine.spiff.runner import (
    OpenUserTask,
    ParsedDefinition,
    ProcessRuntime,
    Snapshot,
    StoredInstance,
    WaitingTimer,
)

__all__ = [
    "ActionRequest",
    "OpenUserTask",
    "ParsedDefinition",
    "ProcessRuntime",
    "Snapshot",
    "StoredInstance",
    "WaitingTimer",
]
