"""A user task drawn in a lane named after a role is that role's work, as other modelers draw it."""

from __future__ import annotations

import pytest

from engine import SYSTEM, WorkflowEngine
from engine.spiff.dialect import lane_role
from tests.conftest import Org

pytestmark = pytest.mark.db


def laned_process(lane: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="https://plancycle.vn/bpmn">
  <bpmn:process id="laned" name="Theo làn" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_a" name="{lane}"><bpmn:flowNodeRef>write</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_b" name="Hệ thống"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="write" name="Soạn báo cáo" camunda:formKey="unit_report_draft" />
    <bpmn:endEvent id="done" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="write" />
    <bpmn:sequenceFlow id="f2" sourceRef="write" targetRef="done" />
  </bpmn:process>
</bpmn:definitions>"""


def test_lane_names_that_name_a_role() -> None:
    assert lane_role("Cán bộ soạn thảo") == "drafter"
    assert lane_role("  LÃNH ĐẠO   đơn vị ") == "unit_head"
    assert lane_role("focal_officer") == "focal_officer"
    assert lane_role("Team Assistant") is None
    assert lane_role(None) is None


def test_the_lane_gives_the_role_when_the_task_names_none(engine: WorkflowEngine, org: Org) -> None:
    xml = laned_process("Cán bộ soạn thảo")
    report = engine.validate_diagram(xml, actor=SYSTEM)
    assert [p for p in report.warnings if p.element_id == "write"] == []
    engine.deploy_diagram(xml, actor=SYSTEM)
    started = engine.start_instance("laned", {}, actor=SYSTEM, unit_id=org.commune.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    assert task.instance_id == started.id
    assert task.role == "drafter"
    assert engine.list_inbox(actor=org.head.id) == []  # the unit head of the same commune does not get it


def test_a_lane_that_names_no_role_leaves_the_warning(engine: WorkflowEngine, org: Org) -> None:
    report = engine.validate_diagram(laned_process("Team Assistant"), actor=SYSTEM)
    [warning] = [p for p in report.warnings if p.element_id == "write"]
    assert "anyone in the acting unit may act" in warning.message
