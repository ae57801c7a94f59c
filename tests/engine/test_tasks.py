"""Human tasks through the engine's door: inbox, claim, open, submit, return, stale and repeats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import SYSTEM, InvalidSubmission, NotFound, NotPermitted, StaleTask, WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import request_id, start_unit_report

GOOD_REPORT = {"summary": "Đã tổ chức 3 lớp tập huấn", "funding_estimate": "1.500.000"}


def _only_task(engine: WorkflowEngine, user_id: int) -> int:
    tasks = engine.list_inbox(actor=user_id)
    assert len(tasks) == 1, tasks
    return tasks[0].id


def test_start_projects_the_first_task_for_the_unit_role(engine: WorkflowEngine, org: Org) -> None:
    instance = start_unit_report(engine, org.commune.id, org.focal.id)
    assert instance.status == "running"
    assert len(instance.open_task_ids) == 1

    [task] = engine.list_inbox(actor=org.drafter.id)
    assert (task.task_name, task.title, task.form_key) == ("draft", "Soạn báo cáo", "unit_report_draft")
    assert (task.unit_id, task.role, task.actions) == (org.commune.id, "drafter", ("submit",))
    assert task.due_at == engine.now() + timedelta(days=14)
    # Neither another unit's drafter nor this unit's head sees it.
    assert engine.list_inbox(actor=org.other_drafter.id) == []
    assert engine.list_inbox(actor=org.head.id) == []
    assert engine.count_open_tasks(actor=org.drafter.id) == 1


def test_other_units_cannot_open_claim_or_submit(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    task_id = _only_task(engine, org.drafter.id)
    with pytest.raises(NotFound):
        engine.open_task(task_id, actor=org.other_drafter.id)
    with pytest.raises(NotFound):
        engine.claim_task(task_id, actor=org.other_drafter.id)
    with pytest.raises(NotFound):
        engine.submit_task(
            task_id, GOOD_REPORT, actor=org.other_drafter.id, version=1, request_id=request_id()
        )
    assert engine.open_task(task_id, actor=org.drafter.id).task.status == "open"


def test_claim_and_unclaim(engine: WorkflowEngine, org: Org, make_user) -> None:  # type: ignore[no-untyped-def]
    colleague = make_user("xa.soan2", org.commune.id, "drafter")
    start_unit_report(engine, org.commune.id, org.focal.id)
    task_id = _only_task(engine, org.drafter.id)

    claimed = engine.claim_task(task_id, actor=org.drafter.id, version=1)
    assert (claimed.claimed_by_id, claimed.version) == (org.drafter.id, 2)
    with pytest.raises(NotPermitted, match="người khác"):
        engine.claim_task(task_id, actor=colleague.id)
    with pytest.raises(NotPermitted):
        engine.unclaim_task(task_id, actor=colleague.id)
    with pytest.raises(StaleTask):
        engine.claim_task(task_id, actor=org.drafter.id, version=1)

    released = engine.unclaim_task(task_id, actor=org.drafter.id)
    assert (released.claimed_by_id, released.version) == (None, 3)
    assert engine.claim_task(task_id, actor=colleague.id).claimed_by_id == colleague.id
    actions = [e.action for e in engine.list_audit(actor=SYSTEM) if e.action.startswith("task.")]
    assert actions == ["task.opened", "task.claimed", "task.unclaimed", "task.claimed"]


def test_invalid_submission_gives_field_errors_and_changes_nothing(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    task_id = _only_task(engine, org.drafter.id)
    with pytest.raises(InvalidSubmission) as caught:
        engine.submit_task(
            task_id,
            {"summary": "", "funding_estimate": "-5"},
            actor=org.drafter.id,
            version=1,
            request_id=request_id(),
        )
    assert caught.value.field_errors["summary"] == ["Trường này là bắt buộc."]
    assert "funding_estimate" in caught.value.field_errors
    detail = engine.open_task(task_id, actor=org.drafter.id)
    assert (detail.task.status, detail.task.version) == ("open", 1)
    assert engine.list_inbox(actor=org.head.id) == []


def test_report_goes_through_head_and_focal_unit_to_completion(engine: WorkflowEngine, org: Org) -> None:
    instance = start_unit_report(engine, org.commune.id, org.focal.id)
    draft_id = _only_task(engine, org.drafter.id)
    result = engine.submit_task(
        draft_id, GOOD_REPORT, actor=org.drafter.id, version=1, request_id=request_id()
    )
    assert result.task.status == "completed"
    assert [t.task_name for t in result.next_tasks] == ["head_review"]

    head_task = engine.list_inbox(actor=org.head.id)[0]
    assert head_task.actions == ("approve", "return")
    engine.submit_task(
        head_task.id,
        {"comment": "Đồng ý"},
        actor=org.head.id,
        version=head_task.version,
        request_id=request_id(),
        action="approve",
    )

    focal_task = engine.list_inbox(actor=org.focal_officer.id)[0]
    assert (focal_task.task_name, focal_task.unit_id) == ("focal_review", org.focal.id)
    done = engine.submit_task(
        focal_task.id,
        {},
        actor=org.focal_officer.id,
        version=focal_task.version,
        request_id=request_id(),
        action="accept",
    )
    assert done.instance.status == "completed"
    assert done.next_tasks == ()
    assert engine.get_instance(instance.id, actor=SYSTEM).completed_at == engine.now()
    # The waiting reminder timer went away with the draft step.
    assert engine.fire_due_timers(now=engine.now() + timedelta(days=60)).fired == ()


def test_return_loops_back_with_reason_and_previous_values(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    draft_id = _only_task(engine, org.drafter.id)
    with pytest.raises(NotPermitted, match="return"):
        engine.return_task(
            draft_id, "Không được trả lại bước soạn", actor=org.drafter.id, version=1, request_id=request_id()
        )
    engine.submit_task(draft_id, GOOD_REPORT, actor=org.drafter.id, version=1, request_id=request_id())
    head_task = engine.list_inbox(actor=org.head.id)[0]
    with pytest.raises(InvalidSubmission) as caught:
        engine.return_task(
            head_task.id, "   ", actor=org.head.id, version=head_task.version, request_id=request_id()
        )
    assert caught.value.field_errors == {"reason": ["Trường này là bắt buộc."]}

    returned = engine.return_task(
        head_task.id,
        "Bổ sung số liệu quý IV",
        actor=org.head.id,
        version=head_task.version,
        request_id=request_id(),
    )
    assert returned.task.completed_action == "return"
    [again] = engine.list_inbox(actor=org.drafter.id)
    assert again.id != draft_id
    assert again.task_name == "draft"
    detail = engine.open_task(again.id, actor=org.drafter.id)
    assert detail.values["summary"] == GOOD_REPORT["summary"]
    assert detail.values["funding_estimate"] == 1_500_000
    history = engine.list_audit(actor=SYSTEM, action="task.return")
    assert [e.details["reason"] for e in history] == ["Bổ sung số liệu quý IV"]


def test_stale_version_is_refused_and_repeat_request_is_harmless(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    task_id = _only_task(engine, org.drafter.id)
    engine.claim_task(task_id, actor=org.drafter.id)  # version 1 -> 2
    with pytest.raises(StaleTask, match="tải lại"):
        engine.submit_task(task_id, GOOD_REPORT, actor=org.drafter.id, version=1, request_id=request_id())

    rid = request_id()
    first = engine.submit_task(task_id, GOOD_REPORT, actor=org.drafter.id, version=2, request_id=rid)
    repeat = engine.submit_task(task_id, GOOD_REPORT, actor=org.drafter.id, version=2, request_id=rid)
    assert (first.was_repeat, repeat.was_repeat) == (False, True)
    assert repeat.task.id == first.task.id
    assert [t.id for t in repeat.next_tasks] == [t.id for t in first.next_tasks]
    assert len(engine.list_audit(actor=SYSTEM, action="task.submit")) == 1
    with pytest.raises(StaleTask):
        engine.submit_task(task_id, GOOD_REPORT, actor=org.drafter.id, version=2, request_id=request_id())


def test_submit_with_an_action_the_step_does_not_offer(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    task_id = _only_task(engine, org.drafter.id)
    with pytest.raises(NotPermitted, match="approve"):
        engine.submit_task(
            task_id, GOOD_REPORT, actor=org.drafter.id, version=1, request_id=request_id(), action="approve"
        )
