"""Script tasks run in the sandbox inside real workflows; a failing script changes nothing."""

from __future__ import annotations

import pytest

from engine import SYSTEM, ScriptFailed, ScriptLimitExceeded, ScriptTimeout, WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import script_process


def _instances(engine: WorkflowEngine) -> int:
    return len(engine.list_audit(actor=SYSTEM, action="instance.started"))


def test_script_task_computes_values(engine: WorkflowEngine, org: Org) -> None:
    engine.deploy_definition(
        script_process("compute_values", "total = sum(values)\nlate = total > 10"), actor=SYSTEM
    )
    instance = engine.start_instance(
        "compute_values", {"values": [4, 5, 6]}, actor=SYSTEM, unit_id=org.commune.id
    )
    [task] = engine.list_inbox(actor=org.drafter.id)
    assert task.instance_id == instance.id
    assert engine.get_instance(instance.id, actor=SYSTEM).status == "running"


@pytest.mark.parametrize(
    ("script", "error", "fragment"),
    [
        ("while True:\n    pass", ScriptTimeout, "compute"),
        ("x = 'x' * 10**10", ScriptLimitExceeded, "compute"),
        ("x = undefined_name + 1", ScriptFailed, "undefined_name"),
    ],
    ids=["runaway-loop", "oversized-value", "name-error"],
)
def test_failing_script_raises_and_stores_nothing(
    engine: WorkflowEngine, org: Org, script: str, error: type[Exception], fragment: str
) -> None:
    engine.deploy_definition(script_process("failing", script), actor=SYSTEM)
    with pytest.raises(error) as caught:
        engine.start_instance("failing", {}, actor=SYSTEM, unit_id=org.commune.id)
    assert fragment in str(caught.value)
    assert _instances(engine) == 0
    assert engine.list_inbox(actor=org.drafter.id) == []
