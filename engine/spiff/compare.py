"""What changed between two versions of a diagram, element by element, in the users' words.

Only the semantic model is compared: the elements of the processes and collaborations, with
what they do (names, flows and their conditions, timers, scripts, form keys, who may act,
Camunda properties, called processes, loops). The diagram interchange part (``bpmndi``:
positions, sizes, waypoints, colours) is ignored, and so are other vendors' extensions.
Event definitions belong to their event: a changed timer shows on the boundary event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.definition_results import ElementChange
from engine.spiff.dialect import ACTIVITY_TAGS, CAMUNDA_NS, bpmn, is_bpmn, local_name
from engine.spiff.parser import load_xml

#: The process elements compared between two versions (layout is not).
ELEMENT_TAGS = ACTIVITY_TAGS | {
    "process",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "sequenceFlow",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "lane",
    "participant",
    "messageFlow",
}
TIMER_KINDS = {"timeDate": "ngày giờ", "timeDuration": "khoảng thời gian", "timeCycle": "chu kỳ"}
CAMUNDA_LABELS = {
    "formKey": "Biểu mẫu",
    "candidateGroups": "Vai trò",
    "candidateUsers": "Người có thể nhận",
    "assignee": "Người xử lý",
    "dueDate": "Hạn xử lý",
}
NOTHING = "(không có)"


def diff_documents(
    old: str, new: str, *, max_bytes: int
) -> tuple[list[ElementChange], list[ElementChange], list[ElementChange]]:
    """Return the elements added, removed and changed from ``old`` to ``new`` (each in document order)."""
    before = facts_of(load_xml(old, max_bytes=max_bytes))
    after = facts_of(load_xml(new, max_bytes=max_bytes))
    added = [_change(key, facts) for key, facts in after.items() if key not in before]
    removed = [_change(key, facts) for key, facts in before.items() if key not in after]
    changed = []
    for key, facts in after.items():
        previous = before.get(key)
        if previous is None:
            continue
        details = tuple(
            f"{label}: {previous.get(label) or NOTHING} → {facts.get(label) or NOTHING}"
            for label in dict.fromkeys([*previous, *facts])
            if label != "__type__" and previous.get(label) != facts.get(label)
        )
        if previous["__type__"] != facts["__type__"]:
            details = (f"Loại phần tử: {previous['__type__']} → {facts['__type__']}", *details)
        if details:
            changed.append(_change(key, facts, details))
    return added, removed, changed


def _change(element_id: str, facts: dict[str, str], details: tuple[str, ...] = ()) -> ElementChange:
    return ElementChange(element_id, facts["__type__"], facts.get("Tên") or None, details)


def facts_of(root: Any) -> dict[str, dict[str, str]]:
    """Map each semantic element's id to what it does, as ``label -> text`` (see the module docstring)."""
    found: dict[str, dict[str, str]] = {}
    for element in _semantic(root):
        element_id = element.get("id")
        if element_id and element_id not in found:
            found[element_id] = _facts(element)
    return found


def _semantic(root: Any) -> Iterator[Any]:
    for element in root.iter():
        if is_bpmn(element) and local_name(element) in ELEMENT_TAGS:
            yield element


def _text(element: Any | None) -> str:
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def _facts(element: Any) -> dict[str, str]:
    tag = local_name(element)
    facts: dict[str, str] = {"__type__": tag}
    _put(facts, "Tên", element.get("name"))
    _put(facts, "Mô tả", _text(element.find(bpmn("documentation"))))
    if tag == "process":
        _put(facts, "Thực thi", element.get("isExecutable"))
    if tag in ("sequenceFlow", "messageFlow"):
        _put(facts, "Từ", element.get("sourceRef"))
        _put(facts, "Đến", element.get("targetRef"))
        _put(facts, "Điều kiện", _text(element.find(bpmn("conditionExpression"))))
    if tag.endswith("Gateway"):
        _put(facts, "Luồng mặc định", element.get("default"))
    if tag == "boundaryEvent":
        _put(facts, "Gắn vào", element.get("attachedToRef"))
        _put(facts, "Ngắt bước", element.get("cancelActivity", "true"))
    if tag == "scriptTask":
        _put(facts, "Ngôn ngữ script", element.get("scriptFormat"))
        _put(facts, "Script", _text(element.find(bpmn("script"))))
    if tag == "callActivity":
        _put(facts, "Quy trình được gọi", element.get("calledElement"))
    if tag == "participant":
        _put(facts, "Quy trình", element.get("processRef"))
    if tag == "lane":
        _put(
            facts, "Bước trong làn", ", ".join(sorted(_text(r) for r in element.findall(bpmn("flowNodeRef"))))
        )
    _events(element, facts)
    _loop(element, facts)
    for name, value in sorted(element.attrib.items()):
        if name.startswith(f"{{{CAMUNDA_NS}}}"):
            local = name.split("}", 1)[1]
            _put(facts, CAMUNDA_LABELS.get(local, f"camunda:{local}"), value)
    for prop in element.iterfind(
        f"{bpmn('extensionElements')}/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
    ):
        _put(facts, f"Thuộc tính {prop.get('name')}", prop.get("value"))
    return facts


def _events(element: Any, facts: dict[str, str]) -> None:
    kinds = []
    for definition in element:
        if not is_bpmn(definition) or not local_name(definition).endswith("EventDefinition"):
            continue
        kind = local_name(definition)[: -len("EventDefinition")]
        ref = next(
            (
                definition.get(a)
                for a in ("messageRef", "signalRef", "errorRef", "escalationRef")
                if definition.get(a)
            ),
            None,
        )
        kinds.append(f"{kind}({ref})" if ref else kind)
        if kind == "timer":
            for part in definition:
                if is_bpmn(part) and local_name(part) in TIMER_KINDS:
                    _put(facts, "Loại hẹn giờ", TIMER_KINDS[local_name(part)])
                    _put(facts, "Hẹn giờ", _text(part))
        if kind == "conditional":
            _put(facts, "Điều kiện", _text(definition.find(bpmn("condition"))))
    _put(facts, "Sự kiện", ", ".join(kinds))


def _loop(element: Any, facts: dict[str, str]) -> None:
    multi = element.find(bpmn("multiInstanceLoopCharacteristics"))
    if multi is not None:
        order = "tuần tự" if multi.get("isSequential") == "true" else "song song"
        parts = [f"nhiều lần, {order}"]
        for child, label in (("loopCardinality", "số lần"), ("completionCondition", "dừng khi")):
            text = _text(multi.find(bpmn(child)))
            if text:
                parts.append(f"{label} {text}")
        collection = multi.get(f"{{{CAMUNDA_NS}}}collection")
        if collection:
            parts.append(f"theo {collection}")
        _put(facts, "Lặp", "; ".join(parts))
    standard = element.find(bpmn("standardLoopCharacteristics"))
    if standard is not None:
        _put(facts, "Lặp", f"lặp khi {_text(standard.find(bpmn('loopCondition')))}".strip())


def _put(facts: dict[str, str], label: str, value: str | None) -> None:
    text = re.sub(r"\s+", " ", value or "").strip()
    if text:
        facts[label] = text
