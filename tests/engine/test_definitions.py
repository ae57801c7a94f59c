"""Deploying BPMN: versions, checksums, and refusing bad files with nothing stored."""

from __future__ import annotations

import pytest

from engine import SYSTEM, InvalidDefinition, NotPermitted, WorkflowEngine
from tests.conftest import WORKFLOWS, Org
from tests.engine.helpers import UNIT_REPORT, minimal_process, script_process


def _deploy_audit_count(engine: WorkflowEngine) -> int:
    return len(engine.list_audit(actor=SYSTEM, action="definition.deployed"))


def test_deploy_stores_immutable_versions(engine: WorkflowEngine) -> None:
    xml = UNIT_REPORT.read_text(encoding="utf-8")
    first = engine.deploy_definition(xml, actor=SYSTEM, filename="unit_report.bpmn")
    assert (first.key, first.version, first.is_new) == ("simple_report", 1, True)
    assert first.name == "Báo cáo đơn giản (kiểm thử)"
    assert len(first.checksum) == 64

    again = engine.deploy_definition(xml, actor=SYSTEM)
    assert (again.id, again.version, again.is_new) == (first.id, 1, False)

    changed = engine.deploy_definition(xml.replace("Soạn báo cáo", "Soạn báo cáo năm"), actor=SYSTEM)
    assert (changed.version, changed.is_new) == (2, True)
    assert changed.checksum != first.checksum
    assert [d.version for d in engine.list_definitions(actor=SYSTEM, key="simple_report")] == [2, 1]
    assert _deploy_audit_count(engine) == 2


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("<bpmn:definitions", "XML"),
        ("not xml at all", "XML"),
        (
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&e;</bpmn:definitions>',
            "DOCTYPE",
        ),
        (
            minimal_process(
                "broken",
                """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="nowhere"/>""",
            ),
            "nowhere",
        ),
        (
            minimal_process("unsafe", "").replace("<bpmn:process", "<bpmn:unknownThing/><bpmn:process"),
            "hợp lệ",
        ),
    ],
    ids=["truncated", "not-xml", "external-entity", "missing-target", "schema-violation"],
)
def test_invalid_documents_are_refused_and_nothing_is_stored(
    engine: WorkflowEngine, document: str, expected: str
) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy_definition(document, actor=SYSTEM)
    assert expected in caught.value.message
    assert engine.list_definitions(actor=SYSTEM) == []
    assert _deploy_audit_count(engine) == 0


def test_unsafe_script_is_refused_at_deploy_with_its_element(engine: WorkflowEngine) -> None:
    document = script_process("escape", "x = ().__class__.__bases__[0].__subclasses__()")
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy_definition(document, actor=SYSTEM)
    assert [p.element_id for p in caught.value.problems] == ["compute"]
    assert "__class__" in caught.value.problems[0].message
    assert engine.list_definitions(actor=SYSTEM) == []


def test_unsafe_gateway_condition_is_refused(engine: WorkflowEngine) -> None:
    xml = UNIT_REPORT.read_text(encoding="utf-8").replace(
        'decision == "return"</bpmn:conditionExpression>',
        "__import__('os').system('id')</bpmn:conditionExpression>",
        1,
    )
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy_definition(xml, actor=SYSTEM)
    assert caught.value.problems[0].element_id == "head_decision"


def test_unknown_form_key_is_a_warning_and_the_process_deploys(engine: WorkflowEngine) -> None:
    """A task naming a form PlanCycle does not have shows a generic form; the process is not refused."""
    xml = UNIT_REPORT.read_text(encoding="utf-8").replace(
        'camunda:formKey="unit_report_draft"', 'camunda:formKey="no_such_form"'
    )
    report = engine.validate_diagram(xml, actor=SYSTEM)
    assert report.errors == ()
    [warning] = [w for w in report.warnings if "no_such_form" in w.message]
    assert (warning.element_id, warning.element_type, warning.severity) == ("draft", "userTask", "warning")
    info = engine.deploy_definition(xml, actor=SYSTEM)
    assert (info.key, info.version, info.is_new) == ("simple_report", 1, True)


def test_unknown_action_is_refused(engine: WorkflowEngine) -> None:
    xml = (WORKFLOWS / "unit_report" / "unit_report.bpmn").read_text(encoding="utf-8")
    xml = xml.replace('value="remind_drafter"', 'value="no_such_action"')
    with pytest.raises(InvalidDefinition) as caught:
        engine.deploy_definition(xml, actor=SYSTEM)
    assert [p.element_id for p in caught.value.problems] == ["remind_drafter_action"]
    assert "no_such_action" in caught.value.problems[0].message
    assert engine.list_definitions(actor=SYSTEM) == []


def test_oversized_document_is_refused(engine: WorkflowEngine) -> None:
    padding = "<!--" + "x" * (engine.settings.max_bpmn_bytes + 1) + "-->"
    with pytest.raises(InvalidDefinition, match="quá lớn"):
        engine.deploy_definition(padding + UNIT_REPORT.read_text(encoding="utf-8"), actor=SYSTEM)


def test_only_administrators_deploy(engine: WorkflowEngine, org: Org) -> None:
    with pytest.raises(NotPermitted):
        engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=org.drafter.id)
    info = engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=org.admin.id)
    assert info.deployed_by_id == org.admin.id
