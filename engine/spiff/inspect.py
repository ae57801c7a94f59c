"""Reports on BPMN files: every problem found, each tied to its element, errors apart from warnings.

SpiffWorkflow stops at the first problem it meets; an administrator fixing a diagram wants them
all. So the inspection first walks the document with lxml and checks each element itself, then
lets SpiffWorkflow build the executable spec (from the prepared copy, ``engine.spiff.dialect``)
and adds what that refused. Nothing a foreign file contains may crash it: any exception from the
parser becomes an error in the report.

**Errors** (the file cannot be deployed):

- structure, anywhere in the file: a sequence flow whose ``sourceRef`` or ``targetRef`` is missing
  or names no element; a boundary event attached to nothing; a gateway whose ``default`` is not
  one of its outgoing flows; a violation of the BPMN 2.0 XML schema;
- what would fail at run time, in the executable process: a timer with no expression, an
  unreadable ISO 8601 value or an expression the sandbox refuses; a condition, a script, a
  ``${...}`` assignee, unit or due date the sandbox refuses; a condition in XPath or FEEL
  outside the subset ``engine.spiff.dialect`` translates, or in another language; a non-default
  flow leaving an exclusive or inclusive gateway (with two or more outgoing flows) without a
  condition -- the flow's label is not a condition, so nothing is guessed; a script in a
  language other than Python; a user task with several candidate groups; a service task naming
  an action the engine does not know; a complex gateway, a compensation or link event; whatever
  SpiffWorkflow refuses (a sub-process with flow elements but no start event, an event it
  cannot catch...).

In a process that is not executable, the checks of the second group give warnings instead: the
process is a drawing, kept and edited, never run.

**Warnings** (the file deploys; this element does not do what a reader might expect): a process not
marked executable; an activity declaring data inputs and outputs (``ioSpecification``: not enforced,
process variables are read by name); a user task with no candidate group or assignee and drawn in no
lane named after a role (``drafter`` or "Cán bộ soạn thảo", see ``dialect.LANE_ROLES``: anyone in
the acting unit may act), with an unknown form key (a generic form is shown), or with assignment
attributes in another vendor's namespace (``activiti:assignee`` is not read); a service task with no
action, an abstract task, a send task, a business rule task (no DMN), a call activity to a process
neither in the file nor deployed, an empty sub-process (each completes at once, doing nothing); a
manual task (a user task); a receive task or message catch event (PlanCycle delivers no BPMN
messages: the instance waits there for ever), a message boundary event (never fires), a message
start event (a plain start); message flows, data stores, data associations not leading to a data
object, conversations and choreographies (drawn, not executed); a condition on a flow leaving a task
(ignored); a second executable process (only the first is deployed).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.definition_results import DiagramProblem, DiagramReport
from engine.errors import ScriptError
from engine.sandbox import Sandbox
from engine.spiff.dialect import (
    ACTIVITY_TAGS,
    BPMN_NS,
    CAMUNDA_NS,
    PYTHON_LANGUAGES,
    UntranslatableExpression,
    bpmn,
    choose_process,
    data_object_reference_ids,
    is_bpmn,
    is_empty_sub_process,
    is_executable,
    lane_role,
    lanes_of,
    local_name,
    processes,
    translate_condition,
    translate_expression,
)
from engine.spiff.parser import build_specs, schema_errors
from engine.spiff.timers import is_iso_literal, literal_problem

Check = Literal["error", "warning"]

TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
GATEWAYS_WITH_CONDITIONS = ("exclusiveGateway", "inclusiveGateway")
ASSIGNMENT_ATTRIBUTES = ("assignee", "candidateGroups", "candidateUsers", "formKey", "dueDate")

_DRAWN_ONLY = {
    "messageFlow": "Luồng thông điệp giữa các pool chỉ để minh hoạ, không được thực thi "
    "(message flows are drawn, not executed)",
    "dataStore": "Kho dữ liệu bị bỏ qua khi chạy (data store ignored when running)",
    "dataStoreReference": "Kho dữ liệu bị bỏ qua khi chạy (data store ignored when running)",
    "conversation": "Hội thoại (conversation) không được thực thi (conversations are not executed)",
    "subConversation": "Hội thoại (conversation) không được thực thi (conversations are not executed)",
    "callConversation": "Hội thoại (conversation) không được thực thi (conversations are not executed)",
    "choreography": "Vũ đạo (choreography) không được thực thi (choreographies are not executed)",
    "choreographyTask": "Vũ đạo (choreography) không được thực thi (choreographies are not executed)",
    "subChoreography": "Vũ đạo (choreography) không được thực thi (choreographies are not executed)",
    "callChoreography": "Vũ đạo (choreography) không được thực thi (choreographies are not executed)",
}
_PASS_THROUGH = {
    "task": "Bước chưa định loại (task): hoàn thành ngay, không làm gì (abstract task: completes at once)",
    "sendTask": "Bước gửi (sendTask): PlanCycle không gửi thông điệp, bước hoàn thành ngay "
    "(send task: nothing is sent, completes at once)",
    "businessRuleTask": "Bước quy tắc nghiệp vụ: PlanCycle không chạy DMN, bước hoàn thành ngay "
    "(business rule task: no DMN, completes at once)",
    "receiveTask": "Bước nhận (receiveTask) chờ một thông điệp PlanCycle không bao giờ gửi: tiến trình sẽ "
    "dừng ở đây (receive task waits for a message PlanCycle never delivers)",
    "manualTask": "Bước thủ công được xử lý như một bước người dùng (manual task: handled as a user task)",
}
_NOT_RUNNABLE = {
    "complexGateway": "Cổng phức hợp (complexGateway) không được hỗ trợ (complex gateway not supported)",
    "compensateEventDefinition": "Sự kiện bù trừ (compensation) không được hỗ trợ "
    "(compensation events not supported)",
    "linkEventDefinition": "Sự kiện liên kết (link) không được hỗ trợ (link events not supported)",
}


@dataclass(frozen=True)
class Inspection:
    """The report on a document and, when it can be deployed, its executable spec."""

    report: DiagramReport
    spec: Any = None
    subprocess_specs: Any = None


class _Findings:
    def __init__(self, ids: Mapping[str, Any]) -> None:
        self._ids = ids
        self.items: list[DiagramProblem] = []
        self._seen: set[DiagramProblem] = set()

    def add(
        self,
        severity: Check,
        element: Any | None,
        message: str,
        *,
        element_id: str | None = None,
        line: int | None = None,
    ) -> None:
        if element is not None:
            element_id = element_id or element.get("id")
            line = line or getattr(element, "sourceline", None)
        element_type = None
        if element is not None:
            element_type = local_name(element)
        elif element_id is not None and element_id in self._ids:
            element_type = local_name(self._ids[element_id])
        problem = DiagramProblem(element_id, element_type, message, severity, line)
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def has_error_on(self, element_id: str | None) -> bool:
        return any(p.severity == "error" and p.element_id == element_id for p in self.items)


def inspect_document(
    root: Any,
    *,
    sandbox: Sandbox,
    known_forms: Collection[str],
    known_actions: Collection[str],
    available: Mapping[str, tuple[Any, dict[str, Any]]],
    filename: str | None = None,
) -> Inspection:
    """Inspect a loaded BPMN document (see the module docstring); never raises for its content.

    ``available`` holds the specs of deployed processes that call activities may call.
    """
    ids = {str(e.get("id")): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    found = _Findings(ids)
    process_id, executable = choose_process(root)
    all_processes = tuple(str(p.get("id")) for p in processes(root) if p.get("id"))
    if local_name(root) != "definitions" or not str(root.tag).startswith(f"{{{BPMN_NS}}}"):
        found.add(
            "error", None, "Tệp không phải tài liệu BPMN 2.0 (not a BPMN 2.0 document: bpmn:definitions)"
        )
    elif process_id is None:
        found.add("error", None, "Tệp BPMN không có quy trình nào (the file holds no process)")
    for violation in schema_errors(root):
        found.add(
            "error",
            None,
            f"Sai lược đồ BPMN 2.0 (BPMN 2.0 schema violation): {violation.message}",
            element_id=violation.element_id,
            line=violation.line,
        )
    checker = _Checker(found, ids, sandbox, known_forms, known_actions, set(all_processes) | set(available))
    for process in processes(root):
        runs = process.get("id") == process_id and executable
        if process.get("id") and not is_executable(process):
            found.add(
                "warning",
                process,
                'Quy trình không được đánh dấu thực thi (isExecutable="true"): chỉ xem và sửa được, '
                "không triển khai được (process not marked executable: it can be edited, not deployed)",
            )
        elif process.get("id") != process_id:
            found.add(
                "warning",
                process,
                f"Tệp có nhiều quy trình thực thi; chỉ '{process_id}' được triển khai "
                f"(several executable processes; only '{process_id}' is deployed)",
            )
        checker.check_process(process, runs=runs, top=process.get("id") == process_id)
    checker.check_outside_processes(root)
    spec = subprocess_specs = None
    if process_id is not None and executable:
        spec, subprocess_specs = _spiff(root, process_id, found, available, filename)
    name = None
    if process_id is not None:
        node = next(p for p in processes(root) if p.get("id") == process_id)
        name = (node.get("name") or "").strip() or process_id
    errors = tuple(p for p in found.items if p.severity == "error")
    report = DiagramReport(
        process_id=process_id,
        name=name,
        errors=errors,
        warnings=tuple(p for p in found.items if p.severity == "warning"),
        processes=all_processes,
        executable=executable,
    )
    if errors or spec is None:
        return Inspection(report)
    return Inspection(report, spec, subprocess_specs)


def _spiff(
    root: Any,
    process_id: str,
    found: _Findings,
    available: Mapping[str, tuple[Any, dict[str, Any]]],
    filename: str | None,
) -> tuple[Any, Any]:
    try:
        return build_specs(root, process_id, filename=filename, available=available)
    except ValidationException as exc:
        element_id = getattr(exc, "id", "") or None
        if not found.has_error_on(element_id):
            detail = str(exc.args[0]) if exc.args else str(exc)
            line = getattr(exc, "line_number", "") or None
            found.add(
                "error",
                None,
                f"Bộ đọc quy trình từ chối phần tử này (the process parser refused it): {detail}",
                element_id=element_id,
                line=int(line) if isinstance(line, int | str) and str(line).isdigit() else None,
            )
    except Exception as exc:  # a foreign file must never crash the engine: report it instead
        if not any(p.severity == "error" for p in found.items):
            found.add(
                "error",
                None,
                "Bộ đọc quy trình gặp lỗi không lường trước với tệp này "
                f"(the process parser failed on this file): {type(exc).__name__}: {exc}",
            )
    return None, None


class _Checker:
    """The per-element checks, one method per kind of element."""

    def __init__(
        self,
        found: _Findings,
        ids: Mapping[str, Any],
        sandbox: Sandbox,
        known_forms: Collection[str],
        known_actions: Collection[str],
        callable_processes: set[str],
    ) -> None:
        self.found = found
        self.ids = ids
        self.sandbox = sandbox
        self.known_forms = set(known_forms)
        self.known_actions = set(known_actions)
        self.callable_processes = callable_processes
        self.lanes: dict[str, str] = {}

    # -- walking ------------------------------------------------------------------------------

    def check_process(self, process: Any, *, runs: bool, top: bool) -> None:
        """Check every element of one process (sub-processes included)."""
        severity: Check = "error" if runs else "warning"
        self.lanes = lanes_of(process)
        resolvable = data_object_reference_ids(process.getroottree().getroot())
        outgoing: dict[str, list[Any]] = {}
        for flow in process.iter(bpmn("sequenceFlow")):
            outgoing.setdefault(str(flow.get("sourceRef")), []).append(flow)
        for element in process.iter():
            if not is_bpmn(element):
                continue
            try:
                self._element(element, outgoing, resolvable, severity, top=top and runs)
            except Exception as exc:  # a check tripping on an odd element reports it, never crashes
                self.found.add(
                    "error",
                    element,
                    f"Không kiểm tra được phần tử này (this element could not be checked): {exc}",
                )

    def _element(
        self,
        element: Any,
        outgoing: Mapping[str, list[Any]],
        resolvable: set[str],
        severity: Check,
        *,
        top: bool,
    ) -> None:
        tag = local_name(element)
        if tag == "sequenceFlow":
            self._flow(element, severity)
        elif tag in GATEWAYS_WITH_CONDITIONS:
            self._gateway(element, outgoing.get(str(element.get("id")), []), severity)
        elif tag in ("userTask", "manualTask"):
            self._user_task(element, severity)
        elif tag == "serviceTask":
            self._service_task(element, severity)
        elif tag == "scriptTask":
            self._script_task(element, severity)
        elif tag == "callActivity":
            self._call_activity(element)
        elif tag == "boundaryEvent":
            self._boundary(element)
        elif tag == "timerEventDefinition":
            self._timer(element, severity)
        elif tag == "conditionalEventDefinition":
            self._conditional_event(element, severity)
        elif tag == "messageEventDefinition":
            self._message_event(element, top=top)
        elif tag in ("dataInputAssociation", "dataOutputAssociation"):
            self._association(element, resolvable)
        if tag in ("subProcess", "transaction", "adHocSubProcess"):
            self._sub_process(element, severity)
        if tag == "ioSpecification" and severity == "error":
            owner = element.getparent()
            self.found.add(
                "warning",
                owner if owner is not None and owner.get("id") else element,
                "Khai báo dữ liệu vào/ra (ioSpecification) không được áp dụng: bước đọc và ghi biến của "
                "quy trình theo tên (data inputs and outputs are not enforced: the step reads and writes "
                "process variables by name)",
            )
        if tag in _PASS_THROUGH:
            self.found.add("warning", element, _PASS_THROUGH[tag])
        if tag in _NOT_RUNNABLE:
            owner = _event_of(element) if tag.endswith("EventDefinition") else element
            self.found.add(severity, owner, _NOT_RUNNABLE[tag])
        if tag in _DRAWN_ONLY:
            self.found.add("warning", element, _DRAWN_ONLY[tag])

    def check_outside_processes(self, root: Any) -> None:
        """Warn about what collaborations and the definitions hold that is drawn, not executed."""
        inside = {id(e) for p in processes(root) for e in p.iter()}
        for element in root.iter():
            if id(element) in inside or not is_bpmn(element):
                continue
            tag = local_name(element)
            if tag in _DRAWN_ONLY:
                self.found.add("warning", element, _DRAWN_ONLY[tag])

    # -- structure ----------------------------------------------------------------------------

    def _exists(self, ref: str | None) -> bool:
        element = self.ids.get(ref or "")
        return element is not None and is_bpmn(element)

    def _flow(self, flow: Any, severity: Check) -> None:
        for attribute, label in (("sourceRef", "nguồn (source)"), ("targetRef", "đích (target)")):
            ref = (flow.get(attribute) or "").strip()
            if not ref:
                self.found.add("error", flow, f"Luồng thiếu phần tử {label} ({attribute} missing)")
            elif not self._exists(ref):
                self.found.add(
                    "error",
                    flow,
                    f"Luồng trỏ tới phần tử {label} không tồn tại: '{ref}' "
                    f"({attribute} '{ref}' does not exist)",
                )
        condition = flow.find(bpmn("conditionExpression"))
        if condition is None:
            return
        source = self.ids.get((flow.get("sourceRef") or "").strip())
        if source is not None and local_name(source) in ACTIVITY_TAGS:
            self.found.add(
                "warning",
                flow,
                "Điều kiện trên luồng ra từ một bước (không phải cổng) bị bỏ qua "
                "(a condition on a flow leaving a task is ignored)",
            )
            return
        text = "".join(condition.itertext()).strip()
        if not text:
            self.found.add(severity, flow, "Điều kiện trống (empty condition)")
            return
        self._condition(flow, condition, text, severity)

    def _condition(self, element: Any, condition: Any, text: str, severity: Check) -> None:
        """Translate a condition from its language (``engine.spiff.dialect``), then check the Python."""
        default = condition.getroottree().getroot().get("expressionLanguage")
        try:
            python = translate_condition(text, condition.get("language"), default)
        except UntranslatableExpression as exc:
            language = (condition.get("language") or "").strip() or default or "XPath"
            self.found.add(
                severity,
                element,
                f"Điều kiện không dịch được sang Python (ngôn ngữ '{language}'): {exc.message} "
                f"(condition cannot be translated) — «{text[:200]}»",
            )
            return
        self._expression(element, python, "eval", severity, "Điều kiện (condition)")

    def _gateway(self, gateway: Any, flows: list[Any], severity: Check) -> None:
        default = (gateway.get("default") or "").strip()
        ids = {str(f.get("id")) for f in flows}
        if default and default not in ids:
            self.found.add(
                "error",
                gateway,
                f"Luồng mặc định '{default}' không phải luồng ra của cổng (default flow is not outgoing)",
            )
        if len(flows) < 2:
            return
        for flow in flows:
            if flow.get("id") != default and flow.find(bpmn("conditionExpression")) is None:
                self.found.add(
                    severity,
                    flow,
                    "Luồng ra (không phải luồng mặc định) của cổng cần có điều kiện "
                    "(a non-default flow leaving a gateway needs a condition)",
                )

    def _boundary(self, event: Any) -> None:
        ref = (event.get("attachedToRef") or "").strip()
        if not self._exists(ref):
            self.found.add(
                "error",
                event,
                f"Sự kiện biên gắn vào phần tử không tồn tại: '{ref}' (attachedToRef does not exist)",
            )

    def _sub_process(self, sub: Any, severity: Check) -> None:
        if local_name(sub) == "adHocSubProcess":
            return
        if local_name(sub) == "subProcess" and is_empty_sub_process(sub):
            self.found.add(
                "warning",
                sub,
                "Quy trình con trống (chưa vẽ nội dung): bước hoàn thành ngay, không làm gì "
                "(an empty sub-process completes at once, doing nothing)",
            )
            return
        starts = sub.findall(bpmn("startEvent"))
        if len(starts) != 1 or not sub.findall(bpmn("endEvent")):
            self.found.add(
                severity,
                sub,
                "Quy trình con cần đúng một sự kiện bắt đầu và ít nhất một sự kiện kết thúc "
                f"(a sub-process needs one start event and an end event; found {len(starts)} start)",
            )

    def _association(self, association: Any, resolvable: set[str]) -> None:
        side = "sourceRef" if local_name(association) == "dataInputAssociation" else "targetRef"
        refs = [(r.text or "").strip() for r in association.findall(bpmn(side))]
        if refs and all(ref in resolvable for ref in refs):
            return
        owner = association.getparent()
        self.found.add(
            "warning",
            owner if owner is not None and owner.get("id") else association,
            "Liên kết dữ liệu không dẫn tới đối tượng dữ liệu bị bỏ qua khi chạy "
            "(a data association not leading to a data object is ignored)",
        )

    # -- what runs ----------------------------------------------------------------------------

    def _expression(
        self, element: Any, text: str, mode: Literal["eval", "exec"], severity: Check, what: str
    ) -> None:
        try:
            self.sandbox.check(text, mode=mode)
        except ScriptError as exc:
            self.found.add(
                severity, element, f"{what} không chạy được: {exc.message} — «{text.strip()[:200]}»"
            )

    def _timer(self, definition: Any, severity: Check) -> None:
        event = _event_of(definition)
        parts = [definition.find(bpmn(tag)) for tag in TIMER_TAGS]
        present = [p for p in parts if p is not None]
        text = "".join(present[0].itertext()).strip() if present else ""
        if not text:
            self.found.add(severity, event, "Hẹn giờ chưa có biểu thức (the timer has no expression)")
            return
        value = translate_expression(text)
        if is_iso_literal(value):
            problem = literal_problem(value)
            if problem:
                self.found.add(severity, event, f"Hẹn giờ không hợp lệ (invalid timer): {problem}")
            return
        self._expression(event, value, "eval", severity, "Biểu thức hẹn giờ (timer expression)")

    def _conditional_event(self, definition: Any, severity: Check) -> None:
        condition = definition.find(bpmn("condition"))
        text = "".join(condition.itertext()).strip() if condition is not None else ""
        event = _event_of(definition)
        if not text:
            self.found.add(severity, event, "Sự kiện điều kiện chưa có điều kiện (no condition)")
            return
        self._condition(event, condition, text, severity)

    def _message_event(self, definition: Any, *, top: bool) -> None:
        event = _event_of(definition)
        kind = local_name(event)
        parent = event.getparent()
        in_top_process = parent is not None and local_name(parent) == "process"
        if kind == "startEvent" and in_top_process and top:
            message = (
                "Sự kiện bắt đầu bằng thông điệp được coi như bắt đầu thường: PlanCycle tự khởi động "
                "tiến trình (message start event treated as a plain start)"
            )
        elif kind in ("intermediateCatchEvent", "startEvent"):
            message = (
                "Chờ một thông điệp PlanCycle không bao giờ gửi: tiến trình sẽ dừng ở đây "
                "(waits for a message PlanCycle never delivers)"
            )
        elif kind == "boundaryEvent":
            message = (
                "Sự kiện biên chờ thông điệp sẽ không bao giờ xảy ra (a message boundary event never fires)"
            )
        else:
            message = "Thông điệp không được gửi đi (the message is not delivered)"
        self.found.add("warning", event, message)

    def _user_task(self, task: Any, severity: Check) -> None:
        groups = [
            g.strip() for g in (task.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").split(",") if g.strip()
        ]
        if len(groups) > 1:
            self.found.add(
                severity,
                task,
                "Mỗi bước chỉ giao cho một vai trò (one candidate group per user task is supported): "
                + ", ".join(groups),
            )
        assignee = task.get(f"{{{CAMUNDA_NS}}}assignee")
        users = task.get(f"{{{CAMUNDA_NS}}}candidateUsers")
        lane = self.lanes.get(str(task.get("id")))
        if not groups and not (assignee or "").strip() and not (users or "").strip() and not lane_role(lane):
            self.found.add(
                "warning",
                task,
                "Bước không chỉ định vai trò hay người xử lý (camunda:candidateGroups, camunda:assignee): "
                "mọi thành viên của đơn vị xử lý đều làm được "
                "(no candidate group or assignee: anyone in the acting unit may act)",
            )
        for value, what in (
            (assignee, "Người xử lý (assignee)"),
            (task.get(f"{{{CAMUNDA_NS}}}dueDate"), "Hạn xử lý (due date)"),
            (_property(task, "unit"), "Đơn vị xử lý (unit)"),
        ):
            self._dollar_expression(task, value, severity, what)
        due = (task.get(f"{{{CAMUNDA_NS}}}dueDate") or "").strip()
        if due and not due.startswith("${") and (not is_iso_literal(due) or literal_problem(due)):
            self.found.add(
                severity, task, f"Hạn xử lý phải là ISO 8601 hoặc ${{biểu thức}} (invalid due date): {due}"
            )
        form_key = (task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if form_key and form_key not in self.known_forms:
            self.found.add(
                "warning",
                task,
                f"Không có biểu mẫu '{form_key}': bước sẽ hiện biểu mẫu chung "
                f"(unknown form key '{form_key}': a generic form is shown)",
            )
        foreign: dict[str, list[str]] = {}
        for name in task.attrib:
            namespace, _, local = name[1:].partition("}")
            if name.startswith("{") and local in ASSIGNMENT_ATTRIBUTES and namespace != CAMUNDA_NS:
                foreign.setdefault(namespace, []).append(local)
        for namespace, names in sorted(foreign.items()):
            self.found.add(
                "warning",
                task,
                f"PlanCycle không đọc {', '.join(sorted(names))} của không gian tên {namespace}; hãy dùng "
                f"các thuộc tính của {CAMUNDA_NS} (these attributes of another vendor are not read)",
            )
        if task.find(bpmn("potentialOwner")) is not None or task.find(bpmn("humanPerformer")) is not None:
            self.found.add(
                "warning",
                task,
                "PlanCycle không đọc potentialOwner/humanPerformer; hãy dùng camunda:candidateGroups "
                "(BPMN resource assignments are not read)",
            )

    def _dollar_expression(self, element: Any, value: str | None, severity: Check, what: str) -> None:
        text = (value or "").strip()
        if text.startswith("${") and text.endswith("}"):
            self._expression(element, text[2:-1], "eval", severity, what)

    def _service_task(self, task: Any, severity: Check) -> None:
        action = (_property(task, "action") or "").strip()
        if not action:
            self.found.add(
                "warning",
                task,
                "Bước dịch vụ không có thao tác (camunda:property action): bước hoàn thành ngay, "
                "không làm gì "
                "(a service task without an action completes at once, doing nothing)",
            )
        elif action not in self.known_actions:
            self.found.add(
                severity,
                task,
                f"Không có thao tác '{action}'; dùng một trong: {', '.join(sorted(self.known_actions))} "
                "(unknown action)",
            )

    def _script_task(self, task: Any, severity: Check) -> None:
        language = (task.get("scriptFormat") or "").strip()
        script = task.find(bpmn("script"))
        text = "".join(script.itertext()) if script is not None else ""
        if language.lower() not in PYTHON_LANGUAGES:
            self.found.add(
                severity,
                task,
                f"Script viết bằng '{language}' không được hỗ trợ; PlanCycle chạy Python "
                f"(script language '{language}' not supported)",
            )
        elif not text.strip():
            self.found.add(severity, task, "Bước script chưa có script (the script task has no script)")
        else:
            self._expression(task, text, "exec", severity, "Script")

    def _call_activity(self, call: Any) -> None:
        called = (call.get("calledElement") or "").strip()
        if called not in self.callable_processes:
            self.found.add(
                "warning",
                call,
                f"Quy trình được gọi '{called}' không có trong tệp và chưa được triển khai: "
                "bước này hoàn thành "
                f"ngay, không làm gì (called process '{called}' not found: the step does nothing)",
            )


def _event_of(definition: Any) -> Any:
    parent = definition.getparent()
    return parent if parent is not None and parent.get("id") else definition


def _property(element: Any, name: str) -> str | None:
    for prop in element.iterfind(
        f"{bpmn('extensionElements')}/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
    ):
        if prop.get("name") == name:
            return str(prop.get("value") or "")
    return None


def called_elements(root: Any) -> list[str]:
    """Return the processes the call activities of a document call, outside the document."""
    in_file = {p.get("id") for p in processes(root)}
    return sorted(
        {
            str(c.get("calledElement"))
            for c in root.iter(bpmn("callActivity"))
            if c.get("calledElement") and c.get("calledElement") not in in_file
        }
    )


def element_type_of(root: Any, element_id: str) -> str | None:
    """Return the local tag name of the element with ``element_id``, if any."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("id") == element_id:
            return local_name(element)
    return None
