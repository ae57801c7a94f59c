"""The registry of named actions BPMN service tasks may call, and running them.

A service task with ``camunda:property name="action" value="..."`` asks for an action; after the
advance the engine runs each requested action's handler in the same transaction. Handlers are
registered by the modules that own them (``engine.escalations``, ``engine.approvals``); an unknown
name is refused when the process is deployed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.models import ProcessInstance
from engine.results import Actor
from engine.spiff import ActionRequest, ProcessRuntime


@dataclass(frozen=True)
class ActionContext:
    """What a handler gets: the transaction, the runtime, the instance and the request."""

    session: Session
    runtime: ProcessRuntime
    instance: ProcessInstance
    request: ActionRequest
    at: datetime
    actor: Actor

    @property
    def data(self) -> dict[str, Any]:
        """The service task's data (process variables at that point)."""
        return dict(self.request.data)


Handler = Callable[[ActionContext], None]
_HANDLERS: dict[str, Handler] = {}


def register(name: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` under ``name`` (used as a decorator by the owning module)."""

    def add(handler: Handler) -> Handler:
        if name in _HANDLERS:
            raise ValueError(f"action {name!r} registered twice")
        _HANDLERS[name] = handler
        return handler

    return add


def known_actions() -> frozenset[str]:
    """Names a BPMN service task may use as ``action``."""
    return frozenset(_HANDLERS)


def run(
    session: Session,
    runtime: ProcessRuntime,
    instance: ProcessInstance,
    requests: Sequence[ActionRequest],
    *,
    at: datetime,
    actor: Actor,
) -> None:
    """Run each requested action, in order, in the caller's transaction."""
    for request in requests:
        _HANDLERS[request.name](ActionContext(session, runtime, instance, request, at, actor))
