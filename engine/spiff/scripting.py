"""SpiffWorkflow's script engine, running every script and condition in our sandbox."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import ScriptError
from engine.sandbox import Sandbox


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__({})
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        variables = {**context, **(external_context or {})}
        return self.sandbox.evaluate(expression, variables)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        if external_context:
            scratch = {**context, **external_context}
            self.sandbox.execute(script, scratch)
            for key, value in scratch.items():
                if key not in external_context:
                    context[key] = value
        else:
            self.sandbox.execute(script, context)
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """Script engine whose errors surface as the engine's ``ScriptError`` family, naming the task."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(environment=_SandboxEnvironment(sandbox))
        self.sandbox = sandbox

    def validate(self, expression: str) -> None:
        """Check an expression against the sandbox rules without running it."""
        self.sandbox.check(expression, mode="eval")

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        """Evaluate a condition or expression against the task's data."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ScriptError as exc:
            raise _in_task(exc, task) from exc

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        """Run a script task; the variables it sets go back into the task's data."""
        try:
            return bool(self.environment.execute(script, task.data, external_context or {}))
        except ScriptError as exc:
            raise _in_task(exc, task) from exc


def _in_task(exc: ScriptError, task: Any) -> ScriptError:
    spec = task.task_spec
    label = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return type(exc)(f"{exc.message} — bước '{label}' (step '{spec.name}')")
