"""PlanCycle's engine: the whole domain and the workflow runtime, behind one door."""

from engine.bootstrap import build_engine
from engine.clock import FrozenClock, system_clock
from engine.errors import (
    DefinitionProblem,
    EngineError,
    InvalidDefinition,
    InvalidSubmission,
    NotFound,
    NotPermitted,
    ScriptError,
    ScriptFailed,
    ScriptLimitExceeded,
    ScriptTimeout,
    StaleTask,
    UnsafeScript,
)
from engine.results import (
    SYSTEM,
    Actor,
    AuditEntry,
    DefinitionInfo,
    HumanTaskInfo,
    InstanceInfo,
    SubmitResult,
    SweepResult,
    SystemActor,
    TaskDetail,
    TimerFiring,
    UnitInfo,
    UserInfo,
)
from engine.service import WorkflowEngine
from engine.settings import Settings

__all__ = [
    "SYSTEM",
    "Actor",
    "AuditEntry",
    "DefinitionInfo",
    "DefinitionProblem",
    "EngineError",
    "FrozenClock",
    "HumanTaskInfo",
    "InstanceInfo",
    "InvalidDefinition",
    "InvalidSubmission",
    "NotFound",
    "NotPermitted",
    "ScriptError",
    "ScriptFailed",
    "ScriptLimitExceeded",
    "ScriptTimeout",
    "Settings",
    "StaleTask",
    "SubmitResult",
    "SweepResult",
    "SystemActor",
    "TaskDetail",
    "TimerFiring",
    "UnitInfo",
    "UnsafeScript",
    "UserInfo",
    "WorkflowEngine",
    "build_engine",
    "system_clock",
]
