"""Versioned serialization: the process spec once per definition, a small state per instance.

SpiffWorkflow's own workflow serialization embeds the whole spec in every instance. We store
the spec with the definition version (``spec_json``) and each instance's state without it;
loading an instance takes its spec from an in-process cache keyed by definition id.
"""

from __future__ import annotations

import json
from copy import deepcopy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.spiff.actions import ActionTask, PassThroughTask
from engine.spiff.timers import TIMER_CLASSES

# Bump the suffix when our own layout of the stored state changes.
STATE_FORMAT_VERSION = f"{SPIFF_SERIALIZER_VERSION}+pc1"


class _StateConverter(BpmnWorkflowConverter):
    """Workflow converter that leaves the specs out of the state and takes them from outside."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore_with_specs(self, dct: dict[str, Any], spec: Any, subprocess_specs: dict[str, Any]) -> Any:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry() -> Any:
    config = deepcopy(CAMUNDA_CONFIG)
    for ours in TIMER_CLASSES.values():
        config[ours] = TimerConditionalEventDefinitionConverter
    # SpiffWorkflow ships no converter for service tasks; ours carry only standard attributes.
    config[ActionTask] = BpmnTaskSpecConverter
    config[PassThroughTask] = BpmnTaskSpecConverter
    return BpmnWorkflowSerializer.configure(config)


class StateSerializer:
    """Turns specs and workflow states into JSON text and back."""

    def __init__(self) -> None:
        self._registry = _build_registry()
        self._serializer = BpmnWorkflowSerializer(self._registry)
        self._converter = _StateConverter(BpmnWorkflow, self._registry)

    @property
    def registry(self) -> Any:
        """The converter registry (SpiffWorkflow's diff compares specs through it)."""
        return self._registry

    def dump_specs(self, spec: Any, subprocess_specs: dict[str, Any]) -> str:
        """Serialize a process spec and its called subprocess specs (stored per definition)."""
        return json.dumps(
            {
                "spec": self._registry.convert(spec),
                "subprocess_specs": {k: self._registry.convert(v) for k, v in subprocess_specs.items()},
            }
        )

    def load_specs(self, text: str) -> tuple[Any, dict[str, Any]]:
        """Restore what ``dump_specs`` wrote."""
        dct = json.loads(text)
        spec = self._registry.restore(dct["spec"])
        subprocess_specs = {k: self._registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        return spec, subprocess_specs

    def dump_state(self, workflow: Any) -> str:
        """Serialize one workflow's state, without its specs."""
        self._registry._encoder_mode = True
        try:
            dct = self._converter.to_dict(workflow)
            return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            self._registry._encoder_mode = False

    def load_state(self, text: str, spec: Any, subprocess_specs: dict[str, Any]) -> Any:
        """Restore a workflow from its state and its (cached) specs."""
        return self._converter.restore_with_specs(json.loads(text), spec, subprocess_specs)
