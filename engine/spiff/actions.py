"""Named actions drawn in BPMN as service tasks (``camunda:property name="action"``).

An escalation on a user task is a boundary timer leading to a service task such as
``action=remind_drafter``. The service task completes at once and records the request here;
the engine runs the named action (in ``engine.escalations``) in the same transaction as the
advance, so administrators see and edit the ladder in the diagram while Python does the work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import ServiceTask


@dataclass(frozen=True)
class ActionRequest:
    """One named action a service task asked for during an advance."""

    name: str
    element_id: str
    properties: tuple[tuple[str, str], ...]
    data: tuple[tuple[str, Any], ...] = ()


_requests: ContextVar[list[ActionRequest] | None] = ContextVar("plancycle_action_requests", default=None)


@contextmanager
def collecting() -> Iterator[list[ActionRequest]]:
    """Collect the action requests made within the block."""
    collected: list[ActionRequest] = []
    token = _requests.set(collected)
    try:
        yield collected
    finally:
        _requests.reset(token)


class ActionTask(ServiceTask):
    """A service task that asks the engine for its named action and completes."""

    def _run_hook(self, my_task: Any) -> bool:
        extensions: dict[str, Any] = getattr(self, "extensions", {}) or {}
        name = str(extensions.get("action", "")).strip()
        collected = _requests.get()
        if name and collected is not None:
            props = tuple(sorted((str(k), str(v)) for k, v in extensions.items() if k != "action"))
            collected.append(
                ActionRequest(
                    name=name,
                    element_id=self.bpmn_id or self.name,
                    properties=props,
                    data=tuple(sorted(dict(my_task.data).items())),
                )
            )
        return True


class PassThroughTask(ServiceTask):
    """A step that completes at once and does nothing.

    What an abstract ``task``, a ``sendTask``, a ``businessRuleTask`` (no DMN) and a call to a
    process that is nowhere to be found become: other tools' models then run to their end,
    and the inspection tells the administrator each such step does nothing here.
    """

    def _run_hook(self, my_task: Any) -> bool:
        return True
