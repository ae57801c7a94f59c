"""Reading BPMN: hardened XML loading, the Camunda dialect our modeler writes, our timers.

User tasks carry who may act in standard Camunda attributes, kept in the task spec's
``extensions`` so they survive serialization:

- ``camunda:candidateGroups``: the roles that may act (``drafter, unit_head``);
- ``camunda:assignee``: one user, a literal id or ``${expression}``;
- ``camunda:dueDate``: an ISO date-time or duration, or ``${expression}``;
- ``camunda:properties``: ``unit`` (an expression naming the acting unit; defaults to the
  process variable ``unit_id``) and ``actions`` (``approve,return``; defaults to ``submit``).

A process is executable when it says ``isExecutable="true"``. SpiffWorkflow reads a prepared
copy of the document (``engine.spiff.dialect``), never the document that is stored, so what is
saved keeps everything the file held. ``engine.spiff.inspect`` reports on a whole file.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections.abc import Mapping
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
from engine.spiff.actions import ActionTask, PassThroughTask
from engine.spiff.dialect import execution_copy, is_executable, processes
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


class _NoDecisionTaskParser(CamundaTaskParser):
    """Parses a ``businessRuleTask`` as a step that does nothing: PlanCycle runs no DMN."""

    @staticmethod
    def get_decision_ref(node: Any) -> None:
        """Name no decision table (asked for by the DMN-aware parser while it scans a file)."""
        return None


class PlanCycleParser(CamundaParser):
    """CamundaParser with our user-task extensions, clock-aware timers and the task types we map.

    A ``manualTask`` is a user task (a person says it is done); an abstract ``task``, a
    ``sendTask`` and a ``businessRuleTask`` complete at once (``PassThroughTask``).
    """

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[Any, Any]]] = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (_UserTaskParser, UserTask),
        full_tag("manualTask"): (_UserTaskParser, UserTask),
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (_CatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (_BoundaryEventParser, BoundaryEvent),
        # Service tasks carry named engine actions in their camunda:properties.
        full_tag("serviceTask"): (CamundaTaskParser, ActionTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("sendTask"): (CamundaTaskParser, PassThroughTask),
        full_tag("businessRuleTask"): (_NoDecisionTaskParser, PassThroughTask),
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


@dataclass(frozen=True)
class SchemaError:
    """One place where a document breaks the BPMN 2.0 XML schema."""

    message: str
    line: int | None
    element_id: str | None


_validator: BpmnValidator | None = None
_validator_lock = threading.Lock()


def _shared_validator() -> BpmnValidator:
    global _validator
    if _validator is None:
        _validator = BpmnValidator()
    return _validator


def load_xml(document: str | bytes, *, max_bytes: int) -> Any:
    """Parse untrusted XML safely: no DTD, no entities, no network, bounded size.

    The size is checked before anything is parsed, and so is the prolog: a document declaring
    a DOCTYPE (where entities live) is refused without being handed to the XML parser.
    """
    raw = document.encode("utf-8") if isinstance(document, str) else bytes(document)
    if len(raw) > max_bytes:
        raise InvalidDefinition(
            f"Tệp BPMN quá lớn: {len(raw):,} byte, tối đa {max_bytes:,} byte "
            f"(file too large: {len(raw)} bytes, limit {max_bytes})"
        )
    if _DOCTYPE.search(_prolog(raw)):
        raise InvalidDefinition(NO_DOCTYPE)
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
        raise InvalidDefinition(NO_DOCTYPE)
    return root


NO_DOCTYPE = "Tệp BPMN không được chứa khai báo DOCTYPE hay thực thể (DOCTYPE and entities are not allowed)"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _prolog(raw: bytes) -> bytes:
    """Return what precedes the root element (comments and processing instructions included)."""
    match = re.search(rb"<[A-Za-z_]", raw)
    return raw[: match.start()] if match else raw


def as_text(document: str | bytes, *, max_bytes: int) -> str:
    """Return a document as text without changing it: a string as given, UTF-8 bytes decoded.

    Bytes in another encoding are parsed (safely) and serialized by lxml, which keeps every
    element, attribute and comment but drops the XML declaration naming the old encoding.
    """
    if isinstance(document, str):
        return document
    raw = bytes(document)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", raw)
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return serialize(load_xml(raw, max_bytes=max_bytes))


def serialize(root: Any) -> str:
    """Serialize a parsed document without dropping anything (no XML declaration)."""
    return str(etree.tostring(root, encoding="unicode"))


def schema_errors(root: Any) -> list[SchemaError]:
    """Check the document against the BPMN 2.0 schema and return every violation found."""
    doc = copy.deepcopy(root)
    validator = _shared_validator()
    with _validator_lock:
        validator.preprocess(doc)
        if validator.validator.validate(doc):
            return []
        entries = [(e.message, e.line) for e in validator.validator.error_log]
    return [SchemaError(message, line, _element_at(doc, line)) for message, line in entries]


def _element_at(doc: Any, line: int | None) -> str | None:
    """Return the id of the element a schema error on ``line`` is about, when that is clear.

    The element starting on that line if it is the only one with an id there; else, when none
    there has an id, the nearest enclosing element with one; else (several) nothing.
    """
    if not line:
        return None
    starting = [e for e in doc.iter() if isinstance(e.tag, str) and e.sourceline == line]
    with_id = [e for e in starting if e.get("id")]
    if len(with_id) == 1:
        return str(with_id[0].get("id"))
    if with_id or not starting:
        return None
    found = starting[0].getparent()
    while found is not None and not found.get("id"):
        found = found.getparent()
    return str(found.get("id")) if found is not None else None


def build_specs(
    root: Any,
    process_id: str,
    *,
    filename: str | None = None,
    available: Mapping[str, tuple[Any, dict[str, Any]]] | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Build the spec of ``process_id`` and of the processes it calls; raise Spiff's exceptions.

    ``available`` supplies processes outside the file (deployed ones) that call activities use.
    """
    available = available or {}
    parser = PlanCycleParser()
    parser.add_bpmn_xml(execution_copy(root, process_id, available=available), filename=filename)
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
    for name in [n for n, s in subprocess_specs.items() if s is None]:
        called, called_subprocesses = available[name]
        subprocess_specs[name] = called
        for sub_name, sub_spec in called_subprocesses.items():
            subprocess_specs.setdefault(sub_name, sub_spec)
    return spec, subprocess_specs


def parse_process(
    document: str | bytes,
    *,
    process_id: str | None = None,
    filename: str | None = None,
    max_bytes: int,
    available: Mapping[str, tuple[Any, dict[str, Any]]] | None = None,
) -> ParsedProcess:
    """Parse a BPMN document and return its executable process; raise ``InvalidDefinition``."""
    root = load_xml(document, max_bytes=max_bytes)
    xml = serialize(root)
    violations = schema_errors(root)
    if violations:
        first = violations[0]
        raise InvalidDefinition(
            f"Quy trình không hợp lệ (invalid process): {first.message}",
            [DefinitionProblem(v.message, element_id=v.element_id, line=v.line) for v in violations],
        )
    chosen = process_id or _choose_process(root)
    try:
        spec, subprocess_specs = build_specs(root, chosen, filename=filename, available=available)
    except InvalidDefinition:
        raise
    except ValidationException as exc:
        raise _invalid(exc) from exc
    except SpiffWorkflowException as exc:
        raise InvalidDefinition(f"Quy trình không hợp lệ (invalid process): {exc}") from exc
    return ParsedProcess(
        process_id=chosen,
        name=spec.description or chosen,
        checksum=hashlib.sha256(xml.encode("utf-8")).hexdigest(),
        xml=xml,
        spec=spec,
        subprocess_specs=subprocess_specs,
    )


def _choose_process(root: Any) -> str:
    candidates = [str(p.get("id")) for p in processes(root) if is_executable(p) and p.get("id")]
    if len(candidates) == 1:
        return candidates[0]
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
