"""Advance one small workflow instance and describe what people will query afterwards.

Everything here takes and returns plain values (JSON text, ids, dataclasses); no SpiffWorkflow
object leaves this package. The caller (the engine's service) owns the transaction.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.defaults import ExclusiveGateway, InclusiveGateway, ScriptTask
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.definition_results import DiagramProblem, DiagramReport
from engine.errors import DefinitionProblem, InvalidDefinition, NotFound, ScriptError, ScriptFailed
from engine.sandbox import Sandbox
from engine.spiff import compaction, migration
from engine.spiff.actions import ActionRequest, ActionTask, collecting
from engine.spiff.clock import running_at
from engine.spiff.dialect import lane_role
from engine.spiff.inspect import called_elements, inspect_document
from engine.spiff.parser import EXTENSION_PREFIX, load_xml, parse_process, serialize
from engine.spiff.scripting import SandboxScriptEngine
from engine.spiff.serializer import STATE_FORMAT_VERSION, StateSerializer
from engine.spiff.timers import (
    FiredTimer,
    _duration_from,
    _parse_moment,
    is_iso_literal,
    next_due,
    recording_firings,
)

DEFAULT_ACTIONS = ("submit",)


@dataclass(frozen=True)
class ParsedDefinition:
    """What is stored for one deployed version."""

    process_id: str
    name: str
    checksum: str
    xml: str
    spec_json: str
    serializer_version: str
    form_keys: tuple[tuple[str, str], ...] = ()
    actions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OpenUserTask:
    """A ready user task, with who may act on it already evaluated."""

    spiff_task_id: str
    name: str
    title: str
    form_key: str | None
    roles: tuple[str, ...]
    assignee: str | None
    unit: str | None
    due_at: datetime | None
    actions: tuple[str, ...]


@dataclass(frozen=True)
class WaitingTimer:
    """A timer event the instance waits on."""

    spiff_task_id: str
    name: str
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """An instance after an advance: its state and its projections."""

    state: str
    serializer_version: str
    is_completed: bool
    open_user_tasks: tuple[OpenUserTask, ...]
    waiting_timers: tuple[WaitingTimer, ...]
    completed_task_ids: frozenset[str]
    actions: tuple[ActionRequest, ...] = ()
    fired_timers: tuple[FiredTimer, ...] = ()


@dataclass(frozen=True)
class MigrationOutcome:
    """What moving an instance to another version gave: where it was, and a snapshot or the problems.

    ``snapshot`` is None when the instance cannot move (``problems`` says why) or when only a
    check was asked for.
    """

    current_steps: tuple[str, ...]
    problems: tuple[str, ...]
    snapshot: Snapshot | None = None


@dataclass(frozen=True)
class StoredInstance:
    """What the runner needs to load an instance."""

    definition_id: int
    load_spec_json: Callable[[], str]
    state: str


class ProcessRuntime:
    """Parses definitions and advances instances; holds the spec cache and the script engine."""

    def __init__(self, sandbox: Sandbox, *, max_bpmn_bytes: int, spec_cache_size: int = 64) -> None:
        self.sandbox = sandbox
        self.max_bpmn_bytes = max_bpmn_bytes
        self.serializer = StateSerializer()
        self.script_engine = SandboxScriptEngine(sandbox)
        self._specs: OrderedDict[int, tuple[Any, dict[str, Any]]] = OrderedDict()
        self._specs_lock = threading.Lock()
        self._spec_cache_size = spec_cache_size

    # -- definitions ---------------------------------------------------------------------------

    def parse(
        self, document: str | bytes, *, process_id: str | None, filename: str | None
    ) -> ParsedDefinition:
        """Parse and check a BPMN document; raise ``InvalidDefinition`` with every problem found."""
        parsed = parse_process(
            document, process_id=process_id, filename=filename, max_bytes=self.max_bpmn_bytes
        )
        problems = self._check_scripts(parsed.spec, parsed.subprocess_specs)
        problems += _check_user_tasks(parsed.spec, parsed.subprocess_specs)
        if problems:
            raise InvalidDefinition(
                "Quy trình có lỗi (the process has errors): "
                + "; ".join(f"{p.element_id}: {p.message}" for p in problems),
                problems,
            )
        return ParsedDefinition(
            process_id=parsed.process_id,
            name=parsed.name,
            checksum=parsed.checksum,
            xml=parsed.xml,
            spec_json=self.serializer.dump_specs(parsed.spec, parsed.subprocess_specs),
            serializer_version=STATE_FORMAT_VERSION,
            form_keys=tuple(_form_keys(parsed.spec, parsed.subprocess_specs)),
            actions=tuple(_actions(parsed.spec, parsed.subprocess_specs)),
        )

    def inspect(
        self,
        document: str | bytes,
        *,
        known_forms: Collection[str],
        known_actions: Collection[str],
        load_deployed: Callable[[str], str | None],
        filename: str | None = None,
    ) -> tuple[DiagramReport, ParsedDefinition | None]:
        """Report on a BPMN document (``engine.spiff.inspect``) and, if it can be deployed, parse it.

        ``load_deployed(key)`` returns the stored spec JSON of a deployed process a call
        activity calls (``None``: not deployed). Raises ``InvalidDefinition`` only for what is
        not a document to report on: too large, a DOCTYPE or entities, not well-formed XML.
        """
        root = load_xml(document, max_bytes=self.max_bpmn_bytes)
        available: dict[str, tuple[Any, dict[str, Any]]] = {}
        for name in called_elements(root):
            text = load_deployed(name)
            if text is None:
                continue
            try:
                available[name] = self.serializer.load_specs(text)
            except Exception:  # noqa: S112 - a stored spec this version cannot read counts as not deployed
                continue
        inspection = inspect_document(
            root,
            sandbox=self.sandbox,
            known_forms=known_forms,
            known_actions=known_actions,
            available=available,
            filename=filename,
        )
        report = inspection.report
        if inspection.spec is None or report.process_id is None:
            return report, None
        try:
            spec_json = self.serializer.dump_specs(inspection.spec, inspection.subprocess_specs)
        except Exception as exc:  # a spec type the serializer cannot store: report, never crash
            problem = DiagramProblem(
                report.process_id,
                "process",
                f"Không lưu được quy trình đã đọc (the parsed process cannot be stored): {exc}",
            )
            return DiagramReport(
                report.process_id,
                report.name,
                (*report.errors, problem),
                report.warnings,
                report.processes,
                report.executable,
            ), None
        xml = serialize(root)
        return report, ParsedDefinition(
            process_id=report.process_id,
            name=inspection.spec.description or report.process_id,
            checksum=hashlib.sha256(xml.encode("utf-8")).hexdigest(),
            xml=xml,
            spec_json=spec_json,
            serializer_version=STATE_FORMAT_VERSION,
            form_keys=tuple(_form_keys(inspection.spec, inspection.subprocess_specs)),
            actions=tuple(_actions(inspection.spec, inspection.subprocess_specs)),
        )

    def _check_scripts(self, spec: Any, subprocess_specs: Mapping[str, Any]) -> list[DefinitionProblem]:
        problems: list[DefinitionProblem] = []
        for process_spec in (spec, *subprocess_specs.values()):
            for task_spec in process_spec.task_specs.values():
                for source, mode in _scripts_of(task_spec):
                    try:
                        self.sandbox.check(source, mode=mode)
                    except ScriptError as exc:
                        problems.append(DefinitionProblem(exc.message, element_id=task_spec.name))
        return problems

    def _specs_for(self, definition_id: int, load_spec_json: Callable[[], str]) -> tuple[Any, dict[str, Any]]:
        with self._specs_lock:
            cached = self._specs.get(definition_id)
            if cached is not None:
                self._specs.move_to_end(definition_id)
                return cached
        loaded = self.serializer.load_specs(load_spec_json())
        with self._specs_lock:
            self._specs[definition_id] = loaded
            while len(self._specs) > self._spec_cache_size:
                self._specs.popitem(last=False)
        return loaded

    # -- instances ----------------------------------------------------------------------------

    def start(
        self, definition_id: int, load_spec_json: Callable[[], str], data: Mapping[str, Any], now: datetime
    ) -> Snapshot:
        """Create a workflow, run it to its first wait state and snapshot it."""
        spec, subprocess_specs = self._specs_for(definition_id, load_spec_json)
        with running_at(now), collecting() as requested, recording_firings() as fired:
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
            workflow.data.update(data)
            start = workflow.task_tree
            start.data.update(data)
            self._advance(workflow)
            return self._snapshot(workflow, now, frozenset(), requested, fired)

    def task_data(self, stored: StoredInstance, spiff_task_id: str) -> dict[str, Any]:
        """Return a copy of one task's data (for displaying a form)."""
        workflow = self._load(stored)
        return dict(self._task(workflow, spiff_task_id).data)

    def complete(
        self, stored: StoredInstance, spiff_task_id: str, data: Mapping[str, Any], now: datetime
    ) -> Snapshot:
        """Complete a ready user task with ``data`` and advance to the next wait state."""
        with running_at(now), collecting() as requested, recording_firings() as fired:
            workflow = self._load(stored)
            task = self._task(workflow, spiff_task_id)
            if task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
                raise NotFound("Nhiệm vụ không còn chờ xử lý (the task is no longer waiting)")
            task.data.update(data)
            self._run(task.run)
            self._advance(workflow)
            return self._snapshot(workflow, now, frozenset({spiff_task_id}), requested, fired)

    def fire_timers(self, stored: StoredInstance, now: datetime) -> Snapshot:
        """Let every due timer of the instance fire, then advance."""
        with running_at(now), collecting() as requested, recording_firings() as fired:
            workflow = self._load(stored)
            self._run(workflow.refresh_timers)
            self._advance(workflow)
            return self._snapshot(workflow, now, frozenset(), requested, fired)

    def signal(self, stored: StoredInstance, name: str, now: datetime) -> Snapshot | None:
        """Deliver a named signal; ``None`` when the instance is not waiting for it."""
        with running_at(now), collecting() as requested, recording_firings() as fired:
            workflow = self._load(stored)
            waiting = [
                t
                for t in workflow.get_tasks(state=TaskState.WAITING)
                if any(
                    isinstance(d, SignalEventDefinition) and d.name == name
                    for d in _event_definitions(getattr(t.task_spec, "event_definition", None))
                )
            ]
            if not waiting:
                return None
            self._run(lambda: workflow.catch(BpmnEvent(SignalEventDefinition(name))))
            self._advance(workflow)
            return self._snapshot(workflow, now, frozenset(), requested, fired)

    def check_migration(
        self, stored: StoredInstance, target_id: int, load_target_spec_json: Callable[[], str]
    ) -> MigrationOutcome:
        """Tell where an instance is and whether it can move to the definition ``target_id``."""
        try:
            workflow = self._load(stored)
            spec, subprocess_specs = self._specs_for(target_id, load_target_spec_json)
            found = migration.check(self.serializer.registry, workflow, spec, subprocess_specs)
        except Exception as exc:  # an instance the diff cannot follow is refused, never a crash
            return MigrationOutcome((), (_cannot_compare(exc),))
        return MigrationOutcome(found.current_steps, found.problems)

    def migrate(
        self, stored: StoredInstance, target_id: int, load_target_spec_json: Callable[[], str], now: datetime
    ) -> MigrationOutcome:
        """Move an instance onto the definition ``target_id`` and advance it; snapshot it if it moved.

        Waiting timers are reset and take their due time from the new version's expressions.
        """
        with running_at(now), collecting() as requested, recording_firings() as fired:
            try:
                workflow = self._load(stored)
                spec, subprocess_specs = self._specs_for(target_id, load_target_spec_json)
                steps = migration.current_steps(workflow)
                problems = migration.migrate(self.serializer.registry, workflow, spec, subprocess_specs)
            except Exception as exc:  # see check_migration
                return MigrationOutcome((), (_cannot_compare(exc),))
            if problems:
                return MigrationOutcome(steps, problems)
            self._advance(workflow)
            return MigrationOutcome(steps, (), self._snapshot(workflow, now, frozenset(), requested, fired))

    # -- internals ----------------------------------------------------------------------------

    def _load(self, stored: StoredInstance) -> Any:
        spec, subprocess_specs = self._specs_for(stored.definition_id, stored.load_spec_json)
        workflow = self.serializer.load_state(stored.state, spec, subprocess_specs)
        workflow.script_engine = self.script_engine
        return workflow

    @staticmethod
    def _task(workflow: Any, spiff_task_id: str) -> Any:
        try:
            task = workflow.get_task_from_id(UUID(spiff_task_id))
        except (ValueError, KeyError, SpiffWorkflowException):
            task = None
        if task is None:
            raise NotFound(f"Không tìm thấy bước {spiff_task_id} (no such task)")
        return task

    def _advance(self, workflow: Any) -> None:
        self._run(workflow.do_engine_steps)

    @staticmethod
    def _run(step: Any) -> Any:
        try:
            return step()
        except ScriptError:
            raise
        except SpiffWorkflowException as exc:
            raise ScriptFailed(f"Quy trình gặp lỗi khi chạy (the process failed): {exc}") from exc

    def _snapshot(
        self,
        workflow: Any,
        now: datetime,
        completed: frozenset[str],
        requested: list[ActionRequest],
        fired: list[FiredTimer],
    ) -> Snapshot:
        open_tasks = []
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            if isinstance(task.task_spec, UserTask):
                open_tasks.append(self._describe_user_task(task, now))
        timers = []
        for task in workflow.get_tasks(state=TaskState.WAITING):
            # An event-based gateway waits on a composite definition holding its catch events.
            definition = next(
                (
                    d
                    for d in _event_definitions(getattr(task.task_spec, "event_definition", None))
                    if isinstance(d, TimerEventDefinition)
                ),
                None,
            )
            if definition is not None:
                due = next_due(definition, task.internal_data)
                if due is not None:
                    timers.append(
                        WaitingTimer(
                            str(task.id),
                            task.task_spec.bpmn_id or task.task_spec.name,
                            _timer_kind(definition),
                            due,
                        )
                    )
        compaction.compact(workflow)
        return Snapshot(
            state=self.serializer.dump_state(workflow),
            serializer_version=STATE_FORMAT_VERSION,
            is_completed=bool(workflow.is_completed()),
            open_user_tasks=tuple(open_tasks),
            waiting_timers=tuple(timers),
            completed_task_ids=completed,
            actions=tuple(requested),
            fired_timers=tuple(fired),
        )

    def _describe_user_task(self, task: Any, now: datetime) -> OpenUserTask:
        spec = task.task_spec
        ext: dict[str, Any] = getattr(spec, "extensions", {}) or {}
        roles = tuple(
            r.strip() for r in str(ext.get(EXTENSION_PREFIX + "candidateGroups", "")).split(",") if r.strip()
        )
        assignee = self._resolve(task, ext.get(EXTENSION_PREFIX + "assignee"))
        if not roles and assignee in (None, ""):
            # No candidate group and nobody assigned: the lane the task is drawn in may name the role.
            role = lane_role(getattr(spec, "lane", None))
            roles = (role,) if role else ()
        unit_expr = ext.get("unit")
        unit = self._resolve(task, unit_expr) if unit_expr else task.data.get("unit_id")
        actions = tuple(a.strip() for a in str(ext.get("actions", "")).split(",") if a.strip())
        form = getattr(spec, "form", None)
        return OpenUserTask(
            spiff_task_id=str(task.id),
            name=spec.bpmn_id or spec.name,
            title=spec.bpmn_name or spec.bpmn_id or spec.name,
            form_key=getattr(form, "key", None) or None,
            roles=roles,
            assignee=None if assignee in (None, "") else str(assignee),
            unit=None if unit in (None, "") else str(unit),
            due_at=self._due(task, ext.get(EXTENSION_PREFIX + "dueDate"), now),
            actions=actions or DEFAULT_ACTIONS,
        )

    def _resolve(self, task: Any, text: Any) -> Any:
        if text is None:
            return None
        value = str(text).strip()
        if value.startswith("${") and value.endswith("}"):
            return self.script_engine.evaluate(task, value[2:-1])
        return value

    def _due(self, task: Any, text: Any, now: datetime) -> datetime | None:
        value = self._resolve(task, text)
        if value in (None, ""):
            return None
        if isinstance(value, timedelta):
            return now + value
        if isinstance(value, str) and value.upper().startswith("P") and is_iso_literal(value):
            return now + _duration_from(value, now)
        try:
            return _parse_moment(value)
        except (TypeError, ValueError) as exc:
            raise ScriptFailed(
                f"Hạn xử lý không hợp lệ (invalid due date) '{value}' — bước '{task.task_spec.name}'"
            ) from exc


def _cannot_compare(exc: Exception) -> str:
    return (
        "Không đối chiếu được tiến trình với phiên bản mới "
        f"(the instance cannot be matched with the new version): {type(exc).__name__}: {exc}"
    )


def _user_tasks(spec: Any, subprocess_specs: Mapping[str, Any]) -> list[Any]:
    return [
        task_spec
        for process_spec in (spec, *subprocess_specs.values())
        for task_spec in process_spec.task_specs.values()
        if isinstance(task_spec, UserTask)
    ]


def _form_keys(spec: Any, subprocess_specs: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = []
    for task_spec in _user_tasks(spec, subprocess_specs):
        key = getattr(getattr(task_spec, "form", None), "key", None)
        if key:
            keys.append((task_spec.name, str(key)))
    return keys


def _actions(spec: Any, subprocess_specs: Mapping[str, Any]) -> list[tuple[str, str]]:
    found = []
    for process_spec in (spec, *subprocess_specs.values()):
        for task_spec in process_spec.task_specs.values():
            if isinstance(task_spec, ActionTask):
                ext = getattr(task_spec, "extensions", {}) or {}
                found.append((task_spec.name, str(ext.get("action", "")).strip()))
    return found


def _check_user_tasks(spec: Any, subprocess_specs: Mapping[str, Any]) -> list[DefinitionProblem]:
    problems = []
    for task_spec in _user_tasks(spec, subprocess_specs):
        ext = getattr(task_spec, "extensions", {}) or {}
        groups = [g for g in str(ext.get(EXTENSION_PREFIX + "candidateGroups", "")).split(",") if g.strip()]
        if len(groups) > 1:
            problems.append(
                DefinitionProblem(
                    "Mỗi bước chỉ giao cho một vai trò (one candidate group per user task is supported): "
                    + ", ".join(groups),
                    element_id=task_spec.name,
                )
            )
    return problems


def _event_definitions(definition: Any) -> list[Any]:
    """List a definition and, for a composite (event-based gateway, multiple event), its parts."""
    if definition is None:
        return []
    return [definition, *getattr(definition, "event_definitions", [])]


def _timer_kind(definition: Any) -> str:
    if isinstance(definition, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(definition, DurationTimerEventDefinition):
        return "duration"
    return "date"


def _scripts_of(task_spec: Any) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if isinstance(task_spec, ScriptTask) and task_spec.script:
        found.append((task_spec.script, "exec"))
    if isinstance(task_spec, ExclusiveGateway | InclusiveGateway):
        for condition, _target in getattr(task_spec, "cond_task_specs", []):
            # Conditions are wrapped in an operator object whose first argument is the text.
            text = condition.args[0] if getattr(condition, "args", None) else None
            if isinstance(text, str) and text.strip():
                found.append((text, "eval"))
    definition = getattr(task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition) and not is_iso_literal(definition.expression or ""):
        found.append((definition.expression, "eval"))
    return found
