"""``build_engine``: the single place where the engine's parts are wired together."""

from __future__ import annotations

from engine.clock import Clock, system_clock
from engine.db import create_db_engine, create_session_factory
from engine.deadlines import FUNCTIONS as DEADLINE_FUNCTIONS
from engine.sandbox import Sandbox, SandboxLimits
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.spiff import ProcessRuntime


def build_engine(settings: Settings | None = None, *, clock: Clock | None = None) -> WorkflowEngine:
    """Create a ``WorkflowEngine`` for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    db_engine = create_db_engine(settings.database_url, echo=settings.sql_echo)
    sandbox = Sandbox(
        SandboxLimits(
            time_limit_s=settings.script_time_limit_s,
            max_sequence_length=settings.script_max_sequence_length,
        ),
        functions=DEADLINE_FUNCTIONS,
    )
    runtime = ProcessRuntime(sandbox, max_bpmn_bytes=settings.max_bpmn_bytes)
    return WorkflowEngine(
        settings=settings,
        sessions=create_session_factory(db_engine),
        runtime=runtime,
        clock=clock or system_clock,
    )
