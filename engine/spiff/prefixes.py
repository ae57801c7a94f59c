"""Namespace prefixes the browser modeler insists on, freed in files that bound them elsewhere.

bpmn-js reads ``camunda:``, ``bpmn:``, ``bpmndi:``, ``dc:`` and ``di:`` as its own packages. A file
from another tool may bind one of those prefixes to a different namespace (Activiti wrote
``xmlns:camunda="http://activiti.org/bpmn"``; some tools bind ``di`` to BPMN DI): the modeler then
cannot draw it. Renaming such a prefix changes no element or attribute (XML names are namespace
URIs plus local names), so the modeler gets a copy where the prefix is renamed, and the stored file
stays as it was given.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from engine.spiff.parser import load_xml

#: The prefixes bpmn-js with the Camunda 7 extension reserves, and the namespace each must name.
RESERVED = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}


def for_modeler(xml: str, *, max_bytes: int) -> str:
    """Return ``xml`` with every reserved prefix that names another namespace renamed; else ``xml`` itself."""
    root = load_xml(xml, max_bytes=max_bytes)
    clashes = {
        prefix: uri
        for element in root.iter()
        if isinstance(element.tag, str)
        for prefix, uri in element.nsmap.items()
        if prefix in RESERVED and uri != RESERVED[prefix]
    }
    if not clashes:
        return xml
    used = {p for e in root.iter() if isinstance(e.tag, str) for p in e.nsmap if p}
    renamed: dict[str, str] = {}
    for prefix in clashes:
        candidate, n = f"{prefix}_x", 1
        while candidate in used or candidate in RESERVED:
            n += 1
            candidate = f"{prefix}_x{n}"
        renamed[prefix] = candidate
        used.add(candidate)
    rebuilt = _rebuild(root, renamed, clashes)
    return str(etree.tostring(rebuilt, encoding="unicode"))


def _rebuild(element: Any, renamed: dict[str, str], clashes: dict[str, str]) -> Any:
    nsmap = {
        (renamed[p] if p in renamed and uri == clashes[p] else p): uri for p, uri in element.nsmap.items()
    }
    rebuilt = etree.Element(element.tag, attrib=dict(element.attrib), nsmap=nsmap)
    rebuilt.text = element.text
    rebuilt.tail = element.tail
    for child in element:
        if isinstance(child.tag, str):
            rebuilt.append(_rebuild(child, renamed, clashes))
        else:  # comments and processing instructions travel as they are
            rebuilt.append(copy.copy(child))
    return rebuilt
