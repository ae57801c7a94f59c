"""Errors raised through the engine's door.

Every public ``WorkflowEngine`` method raises only these, so callers (the web
layer, the CLI, workers) map them to answers once::

    EngineError
    ├── NotFound                 the id names nothing the actor may see
    ├── NotPermitted             the actor may not do this
    ├── InvalidSubmission        form data failed validation (field errors)
    ├── StaleTask                the task changed since the caller loaded it
    ├── InvalidDefinition        a BPMN file that cannot be parsed or run
    └── ScriptError              an administrator's script or condition
        ├── UnsafeScript         refused before running (sandbox rule)
        ├── ScriptTimeout        stopped by the time limit
        ├── ScriptLimitExceeded  a value grew past the size limit
        └── ScriptFailed         raised an ordinary error while running

Messages are Vietnamese first, English second, because they reach users.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    """The object does not exist, or the actor may not know it exists."""


class NotPermitted(EngineError):
    """The actor is known but may not perform this action."""


class TooManyAttempts(NotPermitted):
    """Too many failed sign-ins recently; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class InvalidSubmission(EngineError):
    """Submitted data failed validation; ``field_errors`` maps field to messages."""

    def __init__(self, message: str, field_errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__(message)
        self.field_errors: dict[str, list[str]] = {k: list(v) for k, v in field_errors.items()}


class StaleTask(EngineError):
    """The task was changed by someone else; the caller should reload it."""


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem found in a BPMN file, tied to an element where known."""

    message: str
    element_id: str | None = None
    line: int | None = None


class InvalidDefinition(EngineError):
    """A BPMN document that cannot be parsed or executed; nothing was stored."""

    def __init__(self, message: str, problems: Sequence[DefinitionProblem] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[DefinitionProblem, ...] = tuple(problems)


class ScriptError(EngineError):
    """A script or condition written by an administrator could not run."""


class UnsafeScript(ScriptError):
    """The sandbox refused the script before running it."""


class ScriptTimeout(ScriptError):
    """The script ran longer than the time limit."""


class ScriptLimitExceeded(ScriptError):
    """The script tried to build a value larger than the size limit."""


class ScriptFailed(ScriptError):
    """The script raised an ordinary error (a typo, a missing variable...)."""
