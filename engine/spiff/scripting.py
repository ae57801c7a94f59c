"""SpiffWorkflow's script engine, running every script and condition in our sandbox."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import ScriptError
from engine.sandbox import Sandbox
from engine.spiff.dialect import DATA_FUNCTION

_NO_DEFAULT = object()


def data_lookup(variables: Mapping[str, Any], objects: Mapping[str, Any] | None = None) -> Callable[..., Any]:
    """Return ``bpmn_data(name[, default])``: the value of a variable whose name need not be an identifier.

    Translated XPath, FEEL and spaced names (``engine.spiff.dialect``) read data through it: the
    task's variables first, then ``objects`` (data objects by name). An unset name raises
    ``NameError`` like an unset Python variable, unless a default is given.
    """

    def bpmn_data(name: str, default: Any = _NO_DEFAULT) -> Any:
        if name in variables:
            return variables[name]
        if objects and name in objects:
            return objects[name]
        if default is not _NO_DEFAULT:
            return default
        raise NameError(f"name {name!r} is not defined")

    return bpmn_data


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__({})
        self.sandbox = sandbox

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: Any = None,
        objects: Mapping[str, Any] | None = None,
    ) -> Any:
        variables = {**context, **(external_context or {})}
        if DATA_FUNCTION in expression and DATA_FUNCTION not in variables:
            variables[DATA_FUNCTION] = data_lookup(dict(variables), objects)
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
            return self.environment.evaluate(expression, task.data, external_context, _data_objects(task))
        except ScriptError as exc:
            raise _in_task(exc, task) from exc

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        """Run a script task; the variables it sets go back into the task's data."""
        try:
            return bool(self.environment.execute(script, task.data, external_context or {}))
        except ScriptError as exc:
            raise _in_task(exc, task) from exc


def _data_objects(task: Any) -> dict[str, Any]:
    """Return the data objects visible from ``task`` (its workflow's, then enclosing ones), by name."""
    found: dict[str, Any] = {}
    workflow = getattr(task, "workflow", None)
    while workflow is not None:
        for bpmn_id, spec in getattr(workflow.spec, "data_objects", {}).items():
            name = getattr(spec, "bpmn_name", None) or bpmn_id
            if bpmn_id in workflow.data_objects and name not in found:
                found[name] = workflow.data_objects[bpmn_id]
        workflow = getattr(workflow, "parent_workflow", None)
    return found


def _in_task(exc: ScriptError, task: Any) -> ScriptError:
    spec = task.task_spec
    label = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return type(exc)(f"{exc.message} — bước '{label}' (step '{spec.name}')")
