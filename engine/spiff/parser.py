"""Reading BPMN: hardened XML loading, the Camunda dialect our modeler writes, our timers.

User tasks carry who may act in standard Camunda attributes, kept in the task spec's
``extensions`` so they survive serialization:

- ``camunda:candidateGroups``: the roles that may act (``drafter, unit_head``);
- ``camunda:assignee``: one user, a literal id or ``${expression}``;
- ``camunda:dueDate``: an ISO date-time or duration, or ``${expression}``;
- ``camunda:properties``: ``unit`` (an expression naming the acting unit; defaults to the
  process variable ``unit_id``) and ``actions`` (``approve,return``; defaults to ``submit``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, ClassVar

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator, full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import DefinitionProblem, InvalidDefinition
from engine.spiff.actions import ActionTask
from engine.spiff.timers import TIMER_CLASSES

WHO_MAY_ACT_ATTRIBUTES = ("assignee", "candidateGroups", "candidateUsers", "dueDate")
EXTENSION_PREFIX = "camunda:"


class _UserTaskParser(UserTaskParser):
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions: dict[str, Any] = super().parse_extensions(node)
        for name in WHO_MAY_ACT_ATTRIBUTES:
            value = self.node.get(f"{{{CAMUNDA_MODEL_NS}}}{name}")
            if value is not None:
                extensions[EXTENSION_PREFIX + name] = value
        return extensions


class _ClockTimers:
    """Mixin: build our clock-aware timer definitions instead of SpiffWorkflow's."""

    def parse_timer_event(self, event: Any) -> Any:
        definition = super().parse_timer_event(event)  # type: ignore[misc]
        ours = TIMER_CLASSES.get(type(definition))
        if ours is None:
            return definition
        return ours(definition.name, definition.expression, description=definition.description)


class _StartEventParser(_ClockTimers, CamundaStartEventParser):
    pass


class _CatchEventParser(_ClockTimers, CamundaIntermediateCatchEventParser):
    pass


class _BoundaryEventParser(_ClockTimers, CamundaBoundaryEventParser):
    pass


class PlanCycleParser(CamundaParser):
    """CamundaParser with our user-task extensions and clock-aware timers."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[Any, Any]]] = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (_UserTaskParser, UserTask),
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (_CatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
        # Service tasks carry named engine actions in their camunda:properties.
        full_tag("serviceTask"): (CamundaTaskParser, ActionTask),
    }


@dataclass(frozen=True)
class ParsedProcess:
    """A parsed, executable process and what is stored for it."""

    process_id: str
    name: str
    checksum: str
    xml: str
    spec: Any
    subprocess_specs: dict[str, Any]


_validator: BpmnValidator | None = None


def _shared_validator() -> BpmnValidator:
    global _validator
    if _validator is None:
        _validator = BpmnValidator()
    return _validator


def load_xml(document: str | bytes, *, max_bytes: int) -> Any:
    """Parse untrusted XML safely: no DTD, no entities, no network, bounded size."""
    raw = document.encode("utf-8") if isinstance(document, str) else document
    if len(raw) > max_bytes:
        raise InvalidDefinition(
            f"Tệp BPMN quá lớn: {len(raw):,} byte, tối đa {max_bytes:,} byte "
            f"(file too large: {len(raw)} bytes, limit {max_bytes})"
        )
    xml_parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
    )
    try:
        root = etree.fromstring(raw, parser=xml_parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if hasattr(exc, "lineno") else None
        raise InvalidDefinition(
            f"Tệp không phải XML hợp lệ (not well-formed XML): {exc}",
            [DefinitionProblem(str(exc), line=line)],
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InvalidDefinition(
            "Tệp BPMN không được chứa khai báo DOCTYPE hay thực thể (DOCTYPE and entities are not allowed)"
        )
    return root


def parse_process(
    document: str | bytes, *, process_id: str | None = None, filename: str | None = None, max_bytes: int
) -> ParsedProcess:
    """Parse a BPMN document and return its executable process; raise ``InvalidDefinition``."""
    root = load_xml(document, max_bytes=max_bytes)
    parser = PlanCycleParser(validator=_shared_validator())
    try:
        parser.add_bpmn_xml(root, filename=filename)
        chosen = process_id or _choose_process(parser)
        spec = parser.get_spec(chosen)
        subprocess_specs = parser.get_subprocess_specs(chosen)
    except InvalidDefinition:
        raise
    except ValidationException as exc:
        raise _invalid(exc) from exc
    except SpiffWorkflowException as exc:
        raise InvalidDefinition(f"Quy trình không hợp lệ (invalid process): {exc}") from exc
    xml = etree.tostring(root, encoding="unicode")
    return ParsedProcess(
        process_id=chosen,
        name=spec.description or chosen,
        checksum=hashlib.sha256(xml.encode("utf-8")).hexdigest(),
        xml=xml,
        spec=spec,
        subprocess_specs=subprocess_specs,
    )


def _choose_process(parser: PlanCycleParser) -> str:
    candidates = [
        pid for pid in parser.get_process_ids() if parser.get_process_parser(pid).process_executable
    ]
    if len(candidates) == 1:
        return str(candidates[0])
    if not candidates:
        raise InvalidDefinition(
            "Tệp BPMN không có quy trình nào có thể thực thi (no executable process in the file)"
        )
    raise InvalidDefinition(
        "Tệp có nhiều quy trình; hãy chọn một: "
        f"{', '.join(sorted(candidates))} (several processes; name the one to deploy)"
    )


def _invalid(exc: ValidationException) -> InvalidDefinition:
    element = getattr(exc, "id", "") or None
    line = getattr(exc, "line_number", "") or None
    detail = str(exc.args[0]) if exc.args else str(exc)
    where = f" tại phần tử '{element}'" if element else ""
    problem = DefinitionProblem(detail, element_id=element, line=int(line) if line else None)
    return InvalidDefinition(f"Quy trình không hợp lệ{where} (invalid process): {detail}", [problem])
