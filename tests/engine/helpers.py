"""Small helpers shared by the engine tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine import SYSTEM, InstanceInfo, WorkflowEngine

ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = Path(__file__).resolve().parent / "bpmn"
# The engine-core tests drive a simple report process whose reminder time is plain data; the
# shipped unit_report (working-day chase ladder) is driven in tests/workflows.
UNIT_REPORT = BPMN_DIR / "simple_report.bpmn"


def request_id() -> str:
    return uuid.uuid4().hex


def report_data(
    now: datetime, focal_unit_id: int, *, remind_in: timedelta = timedelta(days=10)
) -> dict[str, Any]:
    return {
        "unit_deadline": (now + timedelta(days=14)).isoformat(),
        "focal_deadline": (now + timedelta(days=16)).isoformat(),
        "reminder_at": (now + remind_in).isoformat(),
        "focal_unit_id": focal_unit_id,
        "reminders_sent": 0,
    }


def start_unit_report(
    engine: WorkflowEngine, unit_id: int, focal_unit_id: int, **kwargs: Any
) -> InstanceInfo:
    engine.deploy_definition(UNIT_REPORT.read_bytes(), actor=SYSTEM, filename=UNIT_REPORT.name)
    return engine.start_instance(
        "simple_report",
        report_data(engine.now(), focal_unit_id, **kwargs),
        actor=SYSTEM,
        unit_id=unit_id,
        business_key=f"test/{unit_id}",
    )


def minimal_process(process_id: str, body: str) -> str:
    """A one-process BPMN document around ``body`` (flow elements)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="defs_{process_id}" targetNamespace="http://example.org/test">
  <bpmn:process id="{process_id}" isExecutable="true">
{body}
  </bpmn:process>
</bpmn:definitions>
"""


def script_process(process_id: str, script: str) -> str:
    """start -> script task running ``script`` -> user task -> end."""
    return minimal_process(
        process_id,
        f"""
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="compute" name="Tính toán"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script><![CDATA[{script}]]></bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="look" name="Xem" camunda:candidateGroups="drafter">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="look"/>
    <bpmn:sequenceFlow id="f3" sourceRef="look" targetRef="end"/>""",
    )
