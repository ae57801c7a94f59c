"""The inbox views, search, order, paging, counts and saved filters, through the engine's door.

The scene: a province plan cycle with two communes. In "UBND xã Thái Bình" the drafter
Nguyễn Văn An has an overdue item open to the unit, an item due today that he claimed, an
item his colleague claimed, an item he already submitted, and a test item without a plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from engine import SYSTEM, InvalidSubmission, NotFound, NotPermitted, WorkflowEngine
from engine.inbox import deadline_status, week_end
from engine.inbox_results import InboxPage
from engine.inbox_search import fold
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.conftest import TEST_PASSWORD, WORKFLOWS
from tests.engine.helpers import minimal_process, start_unit_report

VIEWS = ("open", "mine", "unit", "overdue", "week", "done")


@dataclass(frozen=True)
class InboxScene:
    """Ids of the scene: ``users`` by login, ``tasks`` by the name the tests use."""

    commune: int
    other_commune: int
    focal: int
    users: dict[str, int]
    plans: dict[str, int]
    tasks: dict[str, int]


def _user(engine: WorkflowEngine, login: str, name: str, unit_id: int, role: str) -> int:
    user = engine.create_user(login, name, password=TEST_PASSWORD, actor=SYSTEM)
    engine.grant_role(user.id, unit_id, role, actor=SYSTEM)
    return user.id


def _issued_plan(engine: WorkflowEngine, title: str, units: tuple[int, ...], ids: dict[str, int]) -> int:
    plan = engine.create_plan(
        issuing_unit_id=ids["province"],
        focal_unit_id=ids["focal"],
        year=2024,
        place="Tây Ninh",
        title=title,
        actor=ids["daumoi"],
    )
    task = TaskInput("Tổ chức thực hiện", "Thường xuyên", lead=tuple(UnitRef(unit_id=u) for u in units))
    engine.set_plan_tasks(plan.id, [SectionInput("I", "Nhiệm vụ", (task,))], actor=ids["daumoi"])
    engine.issue_plan(
        plan.id,
        signer_id=ids["lanhdao"],
        authority_form="TM",
        issued_on=date(2024, 10, 1),
        actor=ids["lanhdao"],
    )
    return plan.id


def _draft_of(engine: WorkflowEngine, user_id: int, period_label: str, plan_id: int) -> int:
    page = engine.inbox_page(actor=user_id, view="unit", per_page=200)
    found = [r.task_id for r in page.rows if r.period_label == period_label and r.plan_id == plan_id]
    assert len(found) == 1, page.rows
    return found[0]


def build_inbox_scene(engine: WorkflowEngine) -> InboxScene:
    """Build the scene at the engine's clock (01/11/2024 09:00 in Hà Nội, a Friday)."""
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    ids: dict[str, int] = {}
    ids["province"] = engine.create_unit(
        "UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM
    ).id
    ids["focal"] = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=ids["province"], actor=SYSTEM
    ).id
    commune = engine.create_unit(
        "UBND xã Thái Bình", level="commune", parent_id=ids["province"], actor=SYSTEM
    ).id
    other = engine.create_unit(
        "UBND xã Hảo Đước", level="commune", parent_id=ids["province"], actor=SYSTEM
    ).id
    users = {
        "lanhdao": _user(engine, "lanhdao", "Trần Văn Lãnh", ids["province"], "leader"),
        "daumoi": _user(engine, "daumoi", "Lê Thị Mai", ids["focal"], "focal_officer"),
        "xa1.soan": _user(engine, "xa1.soan", "Nguyễn Văn An", commune, "drafter"),
        "xa1.soan2": _user(engine, "xa1.soan2", "Phạm Thị Bình", commune, "drafter"),
        "xa1.truong": _user(engine, "xa1.truong", "Hoàng Văn Cường", commune, "unit_head"),
        "xa2.soan": _user(engine, "xa2.soan", "Đỗ Thị Dung", other, "drafter"),
    }
    ids.update(users)
    plans = {
        "p1": _issued_plan(engine, "Kế hoạch triển khai Chỉ thị 14/CT-TTg", (commune, other), ids),
        "p2": _issued_plan(engine, "Kế hoạch chuyển đổi số năm 2024", (commune, other), ids),
    }
    periods = (
        ("p1", "Năm 2024", date(2024, 10, 15), date(2024, 10, 30), date(2024, 10, 31)),  # overdue
        ("p1", "6 tháng cuối năm 2024", date(2024, 10, 20), date(2024, 11, 1), date(2024, 11, 4)),  # today
        ("p2", "Quý IV/2024", date(2024, 11, 10), date(2024, 11, 20), date(2024, 11, 21)),
        ("p2", "Năm 2024", date(2024, 11, 15), date(2024, 11, 25), date(2024, 11, 26)),
    )
    for plan, label, cutoff, unit_deadline, focal_deadline in periods:
        engine.open_period(
            plans[plan],
            label=label,
            year=2024,
            data_cutoff=cutoff,
            unit_deadline=unit_deadline,
            focal_deadline=focal_deadline,
            actor=users["daumoi"],
        )
    me, colleague = users["xa1.soan"], users["xa1.soan2"]
    tasks = {
        "overdue": _draft_of(engine, me, "Năm 2024", plans["p1"]),
        "today": _draft_of(engine, me, "6 tháng cuối năm 2024", plans["p1"]),
        "colleague": _draft_of(engine, me, "Quý IV/2024", plans["p2"]),
        "submitted": _draft_of(engine, me, "Năm 2024", plans["p2"]),
    }
    engine.claim_task(tasks["today"], actor=me)
    engine.claim_task(tasks["colleague"], actor=colleague)
    draft = engine.open_task(tasks["submitted"], actor=me).task
    engine.submit_task(
        draft.id,
        {"summary": "Đã quán triệt đến 100% cán bộ"},
        actor=me,
        version=draft.version,
        request_id=uuid.uuid4().hex,
    )
    start_unit_report(engine, commune, ids["focal"])  # a test item: no plan, opened by the system
    tasks["no_plan"] = next(
        r.task_id for r in engine.inbox_page(actor=me, view="unit").rows if r.plan_id is None
    )
    tasks["review"] = engine.inbox_page(actor=users["xa1.truong"]).rows[0].task_id
    return InboxScene(
        commune=commune, other_commune=other, focal=ids["focal"], users=users, plans=plans, tasks=tasks
    )


@pytest.fixture
def scene(engine: WorkflowEngine) -> InboxScene:
    return build_inbox_scene(engine)


def _ids(page: InboxPage) -> list[int]:
    return [row.task_id for row in page.rows]


def test_each_view_holds_exactly_the_right_items(engine: WorkflowEngine, scene: InboxScene) -> None:
    me, t = scene.users["xa1.soan"], scene.tasks
    expected = {
        "open": [t["overdue"], t["today"], t["no_plan"]],  # by deadline: 30/10, 01/11, 15/11
        "mine": [t["today"]],
        "unit": [t["overdue"], t["no_plan"]],  # the colleague's and my claimed item are not free
        "overdue": [t["overdue"]],
        "week": [t["overdue"], t["today"]],  # due before Monday 04/11 00:00
        "done": [t["submitted"]],
    }
    for view, ids in expected.items():
        assert _ids(engine.inbox_page(actor=me, view=view)) == ids, view
    colleague = scene.users["xa1.soan2"]
    assert _ids(engine.inbox_page(actor=colleague, view="mine")) == [t["colleague"]]
    assert _ids(engine.inbox_page(actor=colleague)) == [t["overdue"], t["no_plan"], t["colleague"]]
    assert _ids(engine.inbox_page(actor=colleague, view="done")) == []
    head = scene.users["xa1.truong"]
    assert _ids(engine.inbox_page(actor=head)) == [t["review"]]


def test_the_open_view_agrees_with_what_the_task_page_allows(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    me = scene.users["xa1.soan"]
    for row in engine.inbox_page(actor=me).rows:
        assert engine.open_task(row.task_id, actor=me).task.status == "open"
    # The same rule as list_inbox (may_act_clause), less what colleagues hold.
    for user in scene.users.values():
        allowed = {t.id for t in engine.list_inbox(actor=user) if t.claimed_by_id in (None, user)}
        assert set(_ids(engine.inbox_page(actor=user, per_page=200))) == allowed
    # The colleague's claimed item is in list_inbox (visible) but not actionable: claiming it fails.
    assert scene.tasks["colleague"] in [t.id for t in engine.list_inbox(actor=me)]
    with pytest.raises(NotPermitted):
        engine.claim_task(scene.tasks["colleague"], actor=me)


def test_rows_carry_plan_period_unit_sender_and_deadline_status(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    me = scene.users["xa1.soan"]
    rows = {row.task_id: row for row in engine.inbox_page(actor=me).rows}
    overdue = rows[scene.tasks["overdue"]]
    assert (overdue.plan_number, overdue.plan_symbol) == (1, "1/KH-UBND")
    assert overdue.plan_title == "Kế hoạch triển khai Chỉ thị 14/CT-TTg"
    assert (overdue.period_label, overdue.unit_name) == ("Năm 2024", "UBND xã Thái Bình")
    assert overdue.title == "Soạn báo cáo"
    assert overdue.sent_by_name == "Lê Thị Mai"  # the focal officer opened the period
    assert overdue.deadline_status == "overdue"
    assert (overdue.may_claim, overdue.may_release, overdue.claimed_by_name) == (True, False, None)
    today = rows[scene.tasks["today"]]
    assert today.deadline_status == "due_soon"
    assert (today.claimed_by_name, today.may_claim, today.may_release) == ("Nguyễn Văn An", False, True)
    no_plan = rows[scene.tasks["no_plan"]]
    assert (no_plan.plan_id, no_plan.period_label, no_plan.sent_by_name) == (None, None, None)
    assert no_plan.deadline_status == "on_time"  # 15/11: fourteen days left
    assert no_plan.version >= 1
    assert "submit" in no_plan.actions
    review = engine.inbox_page(actor=scene.users["xa1.truong"]).rows[0]
    assert review.sent_by_name == "Nguyễn Văn An"  # his submission opened the head's review
    done = engine.inbox_page(actor=me, view="done").rows[0]
    assert (done.status, done.completed_action, done.deadline_status) == ("completed", "submit", "on_time")


def test_search_by_plan_number_symbol_unit_and_period(engine: WorkflowEngine, scene: InboxScene) -> None:
    me, t = scene.users["xa1.soan"], scene.tasks

    def found(query: str, view: str = "open") -> list[int]:
        return _ids(engine.inbox_page(actor=me, view=view, query=query))

    assert found("1") == [t["overdue"], t["today"]]  # plan 1
    assert found("2", view="done") == [t["submitted"]]  # plan 2
    assert found("1/KH-UBND") == [t["overdue"], t["today"]]
    assert found("1/kh") == [t["overdue"], t["today"]]
    assert found("2/KH-UBND") == []  # plan 2's items here are held or done
    assert found("thai binh") == [t["overdue"], t["today"], t["no_plan"]]  # no accents, no capitals
    assert found("UBND XÃ THÁI BÌNH") == [t["overdue"], t["today"], t["no_plan"]]
    assert found("hao duoc") == []
    assert found("6 thang cuoi") == [t["today"]]
    assert found("Năm 2024") == [t["overdue"], t["today"]]  # "6 tháng cuối năm 2024" too
    assert found("2024") == [t["overdue"], t["today"]]
    assert found("quý iv") == []
    assert found("quy iv", view="mine") == []
    assert found("NAM 2024") == [t["overdue"], t["today"]]
    assert found("100%") == []  # LIKE wildcards and pattern characters are plain characters
    assert found("_") == []
    assert found("thai.binh") == []
    assert found("xã (thái") == []
    assert found("[") == []
    assert engine.inbox_page(actor=me, query="thai binh").total == 3
    assert engine.inbox_page(actor=me, query="  ").query == ""


def test_search_text_over_200_characters_is_refused(engine: WorkflowEngine, scene: InboxScene) -> None:
    with pytest.raises(InvalidSubmission) as caught:
        engine.inbox_page(actor=scene.users["xa1.soan"], query="x" * 201)
    assert "query" in caught.value.field_errors
    with pytest.raises(InvalidSubmission) as caught:
        engine.inbox_page(actor=scene.users["xa1.soan"], view="everything")
    assert "view" in caught.value.field_errors


def test_sort_both_ways_and_pages(engine: WorkflowEngine, scene: InboxScene) -> None:
    me, t = scene.users["xa1.soan"], scene.tasks
    ascending = [t["overdue"], t["today"], t["no_plan"]]
    assert _ids(engine.inbox_page(actor=me, descending=True)) == ascending[::-1]
    pages = [engine.inbox_page(actor=me, per_page=2, page=n) for n in (1, 2)]
    assert [_ids(p) for p in pages] == [ascending[:2], ascending[2:]]
    assert [(p.total, p.pages, p.page) for p in pages] == [(3, 2, 1), (3, 2, 2)]
    assert _ids(engine.inbox_page(actor=me, per_page=2, page=2, descending=True)) == [t["overdue"]]
    beyond = engine.inbox_page(actor=me, per_page=2, page=9)  # a stale link: the last page
    assert (beyond.page, _ids(beyond)) == (2, ascending[2:])
    assert engine.inbox_page(actor=me, page=0).page == 1


def test_counts_equal_the_lengths_of_the_views(engine: WorkflowEngine, scene: InboxScene) -> None:
    for login in scene.users:
        user = scene.users[login]
        counts = engine.inbox_counts(actor=user)
        assert set(counts) == set(VIEWS)
        for view in VIEWS:
            assert counts[view] == engine.inbox_page(actor=user, view=view, per_page=200).total, (login, view)
            assert counts[view] == len(engine.inbox_page(actor=user, view=view, per_page=200).rows)
    assert engine.inbox_counts(actor=scene.users["xa1.soan"]) == {
        "open": 3,
        "mine": 1,
        "unit": 2,
        "overdue": 1,
        "week": 2,
        "done": 1,
    }


def test_the_screen_is_the_page_the_counts_and_the_filters_in_one_call(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    me = scene.users["xa1.soan"]
    engine.save_inbox_filter("Quá hạn", {"view": "overdue"}, actor=me)
    screen = engine.inbox_screen(
        actor=me, view="week", query="thai binh", descending=True, per_page=1, page=2
    )
    assert screen.page == engine.inbox_page(
        actor=me, view="week", query="thai binh", descending=True, per_page=1, page=2
    )
    assert _ids(screen.page) == [scene.tasks["overdue"]]
    plain = engine.inbox_screen(actor=me, per_page=2, page=9)  # no search: the count is the total
    assert plain.page == engine.inbox_page(actor=me, per_page=2, page=9)
    assert (plain.page.total, plain.page.page, _ids(plain.page)) == (3, 2, [scene.tasks["no_plan"]])
    assert screen.counts == engine.inbox_counts(actor=me)
    assert list(screen.filters) == engine.list_saved_filters(actor=me)
    with pytest.raises(InvalidSubmission):
        engine.inbox_screen(actor=me, query="x" * 201)


def test_another_unit_sees_none_of_it(engine: WorkflowEngine, scene: InboxScene) -> None:
    other = scene.users["xa2.soan"]
    ours = set(scene.tasks.values())
    for view in VIEWS:
        rows = engine.inbox_page(actor=other, view=view, per_page=200).rows
        assert not ours & {r.task_id for r in rows}, view
        assert {r.unit_id for r in rows} <= {scene.other_commune}
    assert not ours & set(_ids(engine.inbox_page(actor=other, query="thai binh")))
    assert engine.inbox_counts(actor=other)["open"] == 4  # their own four reports


def test_a_substitute_sees_the_absent_colleagues_items(engine: WorkflowEngine, scene: InboxScene) -> None:
    me, colleague = scene.users["xa1.soan"], scene.users["xa1.soan2"]
    engine.set_cover(me, colleague, starts_on=date(2024, 11, 1), ends_on=date(2024, 11, 8), actor=SYSTEM)
    assert scene.tasks["today"] in _ids(engine.inbox_page(actor=colleague, view="mine"))
    assert scene.tasks["today"] in _ids(engine.inbox_page(actor=colleague))
    assert engine.inbox_counts(actor=colleague)["mine"] == 2
    # Completed work stays with whoever did it.
    assert _ids(engine.inbox_page(actor=colleague, view="done")) == []


ASSIGNED = minimal_process(
    "assigned_check",
    """
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="check" name="Kiểm tra số liệu" camunda:assignee="xa1.soan">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/>""",
)


def test_an_item_assigned_to_me_is_mine_and_claimed_by_my_substitute_leaves_the_others(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    me, colleague, head = scene.users["xa1.soan"], scene.users["xa1.soan2"], scene.users["xa1.truong"]
    engine.deploy_definition(ASSIGNED, actor=SYSTEM, filename="assigned_check.bpmn")
    engine.start_instance("assigned_check", {}, actor=SYSTEM, unit_id=scene.commune)
    (assigned,) = [r for r in engine.inbox_page(actor=me, view="mine").rows if r.title == "Kiểm tra số liệu"]
    assert assigned.may_claim is False  # assigned to a person, not open to the unit
    assert assigned.task_id in _ids(engine.inbox_page(actor=me))
    assert assigned.task_id not in _ids(engine.inbox_page(actor=colleague, view="unit"))
    # Two substitutes cover me; the head claims my assigned item while I am away.
    for substitute in (colleague, head):
        engine.set_cover(me, substitute, starts_on=date(2024, 11, 1), ends_on=date(2024, 11, 8), actor=SYSTEM)
    engine.claim_task(assigned.task_id, actor=head)
    assert assigned.task_id in _ids(engine.inbox_page(actor=head, view="mine"))
    # The other substitute still sees it among my assigned items, but it is not theirs to act on now.
    assert assigned.task_id in _ids(engine.inbox_page(actor=colleague, view="mine"))
    for view in ("open", "unit", "overdue", "week"):
        assert assigned.task_id not in _ids(engine.inbox_page(actor=colleague, view=view, per_page=200))
    for user in (me, colleague, head):
        counts = engine.inbox_counts(actor=user)
        assert counts == {view: engine.inbox_page(actor=user, view=view).total for view in VIEWS}


def test_saved_filters_round_trip_and_are_private(engine: WorkflowEngine, scene: InboxScene) -> None:
    me, other = scene.users["xa1.soan"], scene.users["xa2.soan"]
    saved = engine.save_inbox_filter(
        "Quá hạn ở Thái Bình", {"view": "overdue", "query": "thai binh", "descending": True}, actor=me
    )
    assert saved.query == {"view": "overdue", "query": "thai binh", "sort": "deadline", "descending": True}
    engine.save_inbox_filter("Báo cáo năm", {"query": "Năm 2024"}, actor=me)
    assert [f.name for f in engine.list_saved_filters(actor=me)] == ["Báo cáo năm", "Quá hạn ở Thái Bình"]
    kept = engine.list_saved_filters(actor=me)[1]
    assert kept.id == saved.id
    assert kept.query == saved.query
    applied = engine.inbox_page(actor=me, **kept.query)
    assert _ids(applied) == [scene.tasks["overdue"]]
    # Saving under the same name replaces the filter (same id).
    again = engine.save_inbox_filter("Quá hạn ở Thái Bình", {"view": "week"}, actor=me)
    assert again.id == saved.id
    assert again.query["view"] == "week"
    assert len(engine.list_saved_filters(actor=me)) == 2
    # Private: another user neither lists nor deletes them.
    assert engine.list_saved_filters(actor=other) == []
    with pytest.raises(NotFound):
        engine.delete_saved_filter(saved.id, actor=other)
    engine.save_inbox_filter("Quá hạn ở Thái Bình", {"view": "mine"}, actor=other)  # same name, own copy
    assert engine.list_saved_filters(actor=me)[1].query["view"] == "week"
    engine.delete_saved_filter(saved.id, actor=me)
    assert [f.name for f in engine.list_saved_filters(actor=me)] == ["Báo cáo năm"]
    with pytest.raises(NotFound):
        engine.delete_saved_filter(saved.id, actor=me)


@pytest.mark.parametrize(
    ("name", "query", "field"),
    [
        ("", {}, "name"),
        ("   ", {}, "name"),
        ("x" * 101, {}, "name"),
        ("Lọc", {"colour": "red"}, "query"),
        ("Lọc", {"view": "everything"}, "view"),
        ("Lọc", {"sort": "title"}, "sort"),
        ("Lọc", {"query": "x" * 201}, "query"),
        ("Lọc", {"query": 12}, "query"),
        ("Lọc", {"descending": "yes"}, "descending"),
    ],
)
def test_bad_filters_are_refused_and_nothing_is_saved(
    engine: WorkflowEngine, scene: InboxScene, name: str, query: dict[str, object], field: str
) -> None:
    me = scene.users["xa1.soan"]
    with pytest.raises(InvalidSubmission) as caught:
        engine.save_inbox_filter(name, query, actor=me)
    assert field in caught.value.field_errors
    assert engine.list_saved_filters(actor=me) == []


def test_a_name_of_100_characters_is_fine_and_fifty_filters_is_the_limit(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    me = scene.users["xa1.soan"]
    engine.save_inbox_filter("ấ" * 100, {}, actor=me)
    for number in range(1, 50):
        engine.save_inbox_filter(f"Bộ lọc {number}", {}, actor=me)
    with pytest.raises(InvalidSubmission) as caught:
        engine.save_inbox_filter("Bộ lọc 50", {}, actor=me)
    assert "name" in caught.value.field_errors
    assert len(engine.list_saved_filters(actor=me)) == 50
    engine.save_inbox_filter("Bộ lọc 7", {"view": "done"}, actor=me)  # replacing is still allowed


def test_the_system_has_no_inbox(engine: WorkflowEngine, scene: InboxScene) -> None:
    with pytest.raises(NotPermitted):
        engine.inbox_page(actor=SYSTEM)
    with pytest.raises(NotPermitted):
        engine.inbox_counts(actor=SYSTEM)


def test_helpers_fold_accents_and_compute_week_and_status(engine: WorkflowEngine) -> None:
    assert fold("  UBND xã  ĐỨC Hòa ") == "ubnd xa duc hoa"
    now = engine.now()  # Friday 01/11/2024 09:00 in Hà Nội
    assert week_end(now, engine._zone).isoformat() == "2024-11-03T17:00:00+00:00"  # Monday 00:00 local
    assert deadline_status(None, now) == "none"
    assert deadline_status(now.replace(hour=1), now) == "overdue"
    assert deadline_status(now.replace(day=4), now) == "due_soon"
    assert deadline_status(now.replace(day=5), now) == "on_time"
    assert deadline_status(now, now.replace(day=2), completed_at=now.replace(day=3)) == "overdue"
