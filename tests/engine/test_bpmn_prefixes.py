"""The copy the browser modeler gets: reserved prefixes bound to other namespaces renamed, nothing else."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from engine.spiff import for_modeler
from tests.conftest import WORKFLOWS

MIWG = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn_miwg"
LIMIT = 5 * 1024 * 1024


def names(xml: str) -> list[tuple[str, tuple[tuple[str, str], ...], str | None]]:
    """Every element and comment as namespace URI plus local name, its attributes and text."""
    root = etree.fromstring(xml.encode("utf-8"))
    return [
        (str(e.tag), tuple(sorted(e.attrib.items())), (e.text or "").strip() or None) for e in root.iter()
    ]


def test_activiti_bound_to_the_camunda_prefix_is_renamed_and_nothing_else_changes() -> None:
    original = (MIWG / "C.1.0.bpmn").read_text(encoding="utf-8")
    assert 'xmlns:camunda="http://activiti.org/bpmn"' in original
    copy = for_modeler(original, max_bytes=LIMIT)
    assert 'xmlns:camunda="http://activiti.org/bpmn"' not in copy
    assert 'xmlns:camunda_x="http://activiti.org/bpmn"' in copy
    assert names(copy) == names(original)


def test_a_file_without_clashes_is_returned_as_it_is() -> None:
    shipped = (WORKFLOWS / "unit_report" / "unit_report.bpmn").read_text(encoding="utf-8")
    assert for_modeler(shipped, max_bytes=LIMIT) is shipped


def test_every_reference_model_keeps_its_elements() -> None:
    for path in sorted(MIWG.glob("*.bpmn")):
        original = path.read_text(encoding="utf-8")
        assert names(for_modeler(original, max_bytes=LIMIT)) == names(original), path.name
