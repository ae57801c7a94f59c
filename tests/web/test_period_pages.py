"""Period pages through the real engine: the dashboard, a unit's report, the leader's view, documents.

One province plan with two reporting communes; the clock moves through the period, the chase
ladder fires, and each page is read by the people who should (and should not) see it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from engine import SYSTEM, FrozenClock, WorkflowEngine
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import TEST_PASSWORD, WORKFLOWS
from tests.web.test_pages import _client, sign_in, token

UNIT_DEADLINE = date(2025, 2, 5)  # a Wednesday just after the 2025 Tết break
FOCAL_DEADLINE = date(2025, 2, 10)
SUMMARY_A = "Đã tuyên truyền 24 buổi trên loa truyền thanh xã"
SUMMARY_B = "Bản nháp của xã Hảo Đước chưa duyệt"


@dataclass(frozen=True)
class Scene:
    """The plan, its period, the units and users (login → id) of one test."""

    engine: WorkflowEngine
    clock: FrozenClock
    plan_id: int
    period_id: int
    province: int
    focal: int
    commune_a: int
    commune_b: int
    outsider: int
    tasks: tuple[int, int]
    target_id: int
    users: dict[str, int]

    def at(self, day: date, hour: int = 9) -> None:
        """Move the clock to ``hour`` o'clock on ``day`` in Hà Nội (UTC+7)."""
        self.clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7))

    def client(self, login: str) -> FlaskClient:
        """A browser signed in as ``login``."""
        client = _client(self.engine)
        assert sign_in(client, login).status_code == 302
        return client

    def act(self, login: str, step: str, data: dict[str, object], action: str = "submit") -> None:
        """Complete the user's open ``step`` task with ``data``."""
        user = self.users[login]
        [task] = [t for t in self.engine.list_inbox(actor=user) if t.task_name == step]
        self.engine.submit_task(
            task.id, data, actor=user, version=task.version, request_id=uuid.uuid4().hex, action=action
        )

    def sweep(self, first: date, last: date) -> None:
        """Run the timer sweeper at 09:00 on every day from ``first`` to ``last``."""
        day = first
        while day <= last:
            self.at(day)
            self.engine.fire_due_timers()
            day += timedelta(days=1)


def _user(engine: WorkflowEngine, login: str, name: str, unit_id: int, role: str) -> int:
    user = engine.create_user(login, name, password=TEST_PASSWORD, actor=SYSTEM)
    engine.grant_role(user.id, unit_id, role, actor=SYSTEM)
    return user.id


def build_scene(engine: WorkflowEngine, clock: FrozenClock) -> Scene:
    """Issue a province plan led by two communes and open its 2024 period on 10/01/2025."""
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    province = engine.create_unit("UBND tỉnh Tây Ninh", level="province", doc_code="UBND", actor=SYSTEM).id
    focal = engine.create_unit(
        "Sở Thông tin và Truyền thông", level="department", parent_id=province, doc_code="STTTT", actor=SYSTEM
    ).id
    commune_a, commune_b, outsider = (
        engine.create_unit(name, level="commune", parent_id=province, doc_code="UBND", actor=SYSTEM).id
        for name in ("UBND xã Thái Bình", "UBND xã Hảo Đước", "UBND xã An Cơ")
    )
    users = {
        "lanhdao": _user(engine, "lanhdao", "Nguyễn Thanh Lãnh Đạo", province, "leader"),
        "daumoi": _user(engine, "daumoi", "Lê Thị Đầu Mối", focal, "focal_officer"),
        "a.soan": _user(engine, "a.soan", "Trần Văn Soạn", commune_a, "drafter"),
        "a.truong": _user(engine, "a.truong", "Phạm Thị Trưởng", commune_a, "unit_head"),
        "b.soan": _user(engine, "b.soan", "Võ Văn Bình", commune_b, "drafter"),
        "b.truong": _user(engine, "b.truong", "Đỗ Thị Hảo", commune_b, "unit_head"),
        "ngoai.soan": _user(engine, "ngoai.soan", "Hồ Văn Ngoài", outsider, "drafter"),
    }
    clock.set(datetime(2024, 12, 2, 2, tzinfo=UTC))
    officer = users["daumoi"]
    plan = engine.create_plan(
        issuing_unit_id=province,
        focal_unit_id=focal,
        year=2024,
        place="Tây Ninh",
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg về an toàn, an ninh mạng",
        actor=officer,
    )
    both = (UnitRef(unit_id=commune_a), UnitRef(unit_id=commune_b))
    engine.set_plan_tasks(
        plan.id,
        [
            SectionInput(
                "I",
                "Tuyên truyền",
                (
                    TaskInput(
                        "Tuyên truyền về an toàn thông tin trên loa truyền thanh", "Hàng năm", lead=both
                    ),
                    TaskInput("Tập huấn kỹ năng an toàn thông tin", "Trước 30/11/2024", lead=both),
                ),
            )
        ],
        actor=officer,
    )
    engine.set_plan_targets(
        plan.id, [TargetInput("Số buổi tuyên truyền", Decimal(20), "buổi")], actor=officer
    )
    engine.issue_plan(
        plan.id,
        signer_id=users["lanhdao"],
        authority_form="TM",
        issued_on=date(2024, 12, 2),
        actor=users["lanhdao"],
    )
    info = engine.get_plan(plan.id, actor=officer)
    clock.set(datetime(2025, 1, 10, 2, tzinfo=UTC))  # 09:00 in Hà Nội
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 12, 31),
        unit_deadline=UNIT_DEADLINE,
        focal_deadline=FOCAL_DEADLINE,
        actor=officer,
    )
    [target] = engine.period_consolidation(period.id, actor=officer).targets
    return Scene(
        engine=engine,
        clock=clock,
        plan_id=plan.id,
        period_id=period.id,
        province=province,
        focal=focal,
        commune_a=commune_a,
        commune_b=commune_b,
        outsider=outsider,
        tasks=(info.tasks[0].id, info.tasks[1].id),
        target_id=target.target_id,
        users=users,
    )


def commune_a_reports(scene: Scene, *, accept: bool = True) -> None:
    """Thái Bình drafts (task results and a target value), its head approves, the focal unit accepts."""
    scene.at(date(2025, 1, 20))
    scene.act(
        "a.soan",
        "draft",
        {
            "summary": SUMMARY_A,
            "difficulties": "Thiếu kinh phí",
            "task_results": [
                {"task_id": scene.tasks[0], "progress": "completed", "completed_on": "2024-12-20"},
                {"task_id": scene.tasks[1], "progress": "in_progress"},
            ],
            "target_values": [{"target_id": scene.target_id, "value": 24}],
        },
    )
    scene.act("a.truong", "head_review", {}, action="approve")
    if accept:
        scene.act("daumoi", "focal_review", {}, action="accept")


@pytest.fixture
def scene(engine: WorkflowEngine, clock: FrozenClock) -> Scene:
    return build_scene(engine, clock)


def row_units(page: str) -> list[int]:
    """The unit ids of the dashboard's rows, in order."""
    return [int(u) for u in re.findall(r'<tr class="st-[a-z_]+" data-unit-id="(\d+)"', page)]


def test_dashboard_rows_match_the_period_board(scene: Scene) -> None:
    commune_a_reports(scene)
    client = scene.client("daumoi")
    response = client.get(f"/periods/{scene.period_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    board = scene.engine.period_board(scene.period_id, actor=scene.users["daumoi"])
    assert row_units(page) == [r.unit_id for r in board.rows]
    dashboard = scene.engine.period_dashboard(scene.period_id, actor=scene.users["daumoi"])
    assert [d.row for d in dashboard.rows] == list(board.rows)
    b_row = next(r for r in board.rows if r.unit_id == scene.commune_b)
    assert (b_row.step_title, b_row.holder_role) == ("Soạn báo cáo", "drafter")
    assert "Soạn báo cáo" in page
    assert "Cán bộ soạn thảo" in page
    assert "Hoàn thành đúng hạn" in page
    assert 'class="chip st-completed_on_time"' in page
    assert "10/01/2025 09:00" in page  # since when B's draft waits
    assert "05/02/2025 17:00" in page  # B's step deadline
    assert "Đơn vị đầu mối tiếp nhận" in page  # A's last action
    # The task chart: task 1 completed by one of its two lead units.
    assert dashboard.tasks[0].share_completed == 0.5
    assert '<figure class="chart" id="chart-tasks">' in page
    assert ">50%</text>" in page
    assert 'id="chart-status"' in page
    assert "style=" not in page


def test_holder_is_named_once_someone_claims_the_item(scene: Scene) -> None:
    [draft] = scene.engine.list_inbox(actor=scene.users["b.soan"])
    scene.engine.claim_task(draft.id, actor=scene.users["b.soan"])
    page = scene.client("daumoi").get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert "Võ Văn Bình" in page


def test_filters_narrow_the_rows_and_keep_the_counts(scene: Scene) -> None:
    commune_a_reports(scene)
    client = scene.client("daumoi")
    base = f"/periods/{scene.period_id}"
    done = client.get(f"{base}?trang-thai=completed_on_time").get_data(as_text=True)
    assert row_units(done) == [scene.commune_a]
    assert 'value="completed_on_time" selected' in done
    drafting = client.get(f"{base}?bao-cao=drafting").get_data(as_text=True)
    assert row_units(drafting) == [scene.commune_b]
    # Unit name search ignores case and spacing; Vietnamese letters are matched as written.
    found = client.get(f"{base}?tim=H%E1%BA%A2O%20%20%C4%90%C6%AF%E1%BB%9AC").get_data(as_text=True)
    assert row_units(found) == [scene.commune_b]
    assert 'value="HẢO  ĐƯỚC"' in found  # the typed search is kept
    assert "Đang hiển thị 1/2 đơn vị" in found
    none = client.get(f"{base}?tim=kh%C3%B4ng%20c%C3%B3").get_data(as_text=True)
    assert row_units(none) == []
    assert "Không có đơn vị nào khớp bộ lọc." in none
    # An unknown status is ignored rather than failing the page.
    assert set(row_units(client.get(f"{base}?trang-thai=bogus").get_data(as_text=True))) == {
        scene.commune_a,
        scene.commune_b,
    }


def test_progress_bar_counts_accepted_reports(scene: Scene) -> None:
    client = scene.client("daumoi")
    before = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert 'id="accepted-progress" value="0" max="2"' in before
    commune_a_reports(scene, accept=False)
    submitted = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert 'id="accepted-progress" value="0" max="2"' in submitted  # submitted is not yet accepted
    scene.act("daumoi", "focal_review", {}, action="accept")
    after = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert 'id="accepted-progress" value="1" max="2"' in after
    assert "Đã tiếp nhận 1/2 (50%)" in after
    listing = client.get("/periods/").get_data(as_text=True)
    assert f'data-period-id="{scene.period_id}"' in listing
    assert "Đã tiếp nhận 1/2 (50%)" in listing


def test_remind_now_records_notifies_and_says_so(scene: Scene) -> None:
    commune_a_reports(scene)
    scene.at(UNIT_DEADLINE + timedelta(days=1))  # B is now late (no sweep: no ladder step yet)
    client = scene.client("daumoi")
    page = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    action = f"/periods/{scene.period_id}/units/{scene.commune_b}/nhac-ngay"
    assert f'action="{action}"' in page
    assert f"/periods/{scene.period_id}/units/{scene.commune_a}/nhac-ngay" not in page  # A is not late
    assert client.post(action, data={}).status_code == 400  # no CSRF token
    response = client.post(
        action,
        data={
            "csrf_token": token(client, f"/periods/{scene.period_id}"),
            "next": f"/periods/{scene.period_id}",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/periods/{scene.period_id}"
    after = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert "Đã nhắc UBND xã Hảo Đước hoàn thành báo cáo." in after
    audit = scene.engine.list_audit(actor=SYSTEM, action="escalation.remind_now")
    assert len(audit) == 1
    assert audit[0].actor_id == scene.users["daumoi"]
    notes = [
        n
        for n in scene.engine.list_notifications(actor=scene.users["b.soan"])
        if n.kind.endswith("remind_now")
    ]
    assert [n.title for n in notes] == ["Nhắc: báo cáo Năm 2024 của UBND xã Hảo Đước"]
    assert not [
        n for n in scene.engine.list_notifications(actor=scene.users["a.soan"]) if "escalation" in n.kind
    ]
    # Only focal officers may chase: a commune's head is refused and nothing is recorded.
    head = scene.client("b.truong")
    refused = head.post(action, data={"csrf_token": token(head, f"/periods/{scene.period_id}")})
    assert refused.status_code == 403
    assert len(scene.engine.list_audit(actor=SYSTEM, action="escalation.remind_now")) == 1


def test_drill_down_shows_the_report_escalations_documents_and_history(scene: Scene) -> None:
    commune_a_reports(scene)
    scene.at(date(2025, 1, 21))
    scene.act("b.soan", "draft", {"summary": SUMMARY_B})  # waiting for B's head: not yet the focal unit's
    scene.sweep(date(2025, 1, 21), date(2025, 2, 12))
    client = scene.client("daumoi")
    a_page = client.get(f"/periods/{scene.period_id}/units/{scene.commune_a}").get_data(as_text=True)
    assert SUMMARY_A in a_page
    assert "Thiếu kinh phí" in a_page
    assert "Tuyên truyền về an toàn thông tin trên loa truyền thanh" in a_page  # task results table
    assert 'class="chip st-completed_on_time">Hoàn thành đúng hạn' in a_page
    b_page = client.get(f"/periods/{scene.period_id}/units/{scene.commune_b}").get_data(as_text=True)
    assert SUMMARY_B not in b_page  # a unit's draft stays its own until it is sent
    assert "Báo cáo chưa được gửi đến đơn vị đầu mối" in b_page
    page = scene.engine.unit_report_page(scene.period_id, scene.commune_b, actor=scene.users["daumoi"])
    # Reminded three working days before the deadline, the head on it, the letter three working days after.
    assert [(e.action, e.fired_at.date()) for e in page.escalations] == [
        ("remind_drafter", date(2025, 1, 24)),
        ("remind_unit_head", date(2025, 2, 5)),
        ("send_reminder_letter", date(2025, 2, 10)),
    ]
    for escalation in page.escalations:
        assert escalation.label in b_page
    assert "05/02/2025 09:00" in b_page
    assert "10/02/2025 09:00" in b_page
    [letter] = page.documents
    assert f'href="/documents/{letter.id}"' in b_page
    assert "Lãnh đạo đơn vị duyệt" in b_page  # B's current step, held by its head
    assert "Võ Văn Bình" in b_page
    assert "Trần Văn Soạn" not in b_page
    assert any(h.action == "task.submit" for h in page.history)
    # The dashboard row shows the chases' count and the last one with its date.
    dash = client.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert "<strong>3</strong> · Công văn đôn đốc" in dash


def test_notification_links_open_for_the_people_they_were_sent_to(scene: Scene) -> None:
    scene.sweep(date(2025, 1, 10), date(2025, 2, 14))  # the whole ladder, up to the leader
    notes = scene.engine.list_notifications(actor=scene.users["daumoi"])
    board_links = {n.link for n in notes if n.kind == "escalation.escalate_to_leader"}
    assert board_links == {
        f"/periods/{scene.period_id}/units/{scene.commune_a}",
        f"/periods/{scene.period_id}/units/{scene.commune_b}",
    }
    focal = scene.client("daumoi")
    leader = scene.client("lanhdao")
    for link in board_links:
        for client in (focal, leader):
            response = client.get(link)
            assert response.status_code == 200
            assert "Báo cáo lãnh đạo cơ quan ban hành" in response.get_data(as_text=True)
    [letter_note] = [
        n for n in scene.engine.list_notifications(actor=scene.users["b.truong"]) if n.kind.endswith("letter")
    ]
    assert re.fullmatch(r"/documents/\d+", letter_note.link)
    letter = scene.client("b.truong").get(letter_note.link)
    text = letter.get_data(as_text=True)
    assert letter.status_code == 200
    assert "Sở Thông tin và Truyền thông" in text
    assert "UBND xã Hảo Đước" in text
    assert "V/v đôn đốc gửi báo cáo Năm 2024 thực hiện 1/KH-UBND" in text
    assert "05/02/2025" in text
    assert "10/02/2025" in text
    assert "Năm 2024" in text
    assert "Kế hoạch số 1/KH-UBND" in text
    assert f'href="{letter_note.link}.pdf"' in text
    for client in (focal, leader):
        assert client.get(letter_note.link).status_code == 200
    # The letter to Hảo Đước is not Thái Bình's business.
    assert scene.client("a.soan").get(letter_note.link).status_code == 404


def test_other_units_get_404_everywhere(scene: Scene) -> None:
    commune_a_reports(scene)
    scene.sweep(date(2025, 1, 21), date(2025, 2, 10))
    [letter] = scene.engine.list_period_documents(scene.period_id, actor=scene.users["daumoi"])
    outsider = scene.client("ngoai.soan")
    for path in (
        f"/periods/{scene.period_id}",
        f"/periods/{scene.period_id}/tong-hop",
        f"/periods/{scene.period_id}/units/{scene.commune_a}",
        f"/periods/{scene.period_id}/units/{scene.commune_b}",
        f"/nhat-ky/ky-bao-cao/{scene.period_id}",
        f"/nhat-ky/ke-hoach/{scene.plan_id}",
        f"/documents/{letter.id}",
        f"/periods/{scene.period_id + 99}",
        "/documents/99999",
    ):
        assert outsider.get(path).status_code == 404, path
    assert f'data-period-id="{scene.period_id}"' not in outsider.get("/periods/").get_data(as_text=True)
    # A reporting unit sees its own row and report, never its neighbour's.
    neighbour = scene.client("b.soan")
    own = neighbour.get(f"/periods/{scene.period_id}").get_data(as_text=True)
    assert row_units(own) == [scene.commune_b]
    assert "UBND xã Thái Bình" not in own
    assert 'id="chart-tasks"' not in own  # the charts count every unit: not for one unit's eyes
    assert neighbour.get(f"/periods/{scene.period_id}/units/{scene.commune_b}").status_code == 200
    assert neighbour.get(f"/periods/{scene.period_id}/units/{scene.commune_a}").status_code == 404
    assert neighbour.get(f"/periods/{scene.period_id}/tong-hop").status_code == 404
    assert neighbour.get(f"/documents/{letter.id}").status_code == 200  # the letter is addressed to B
    assert scene.client("a.soan").get(f"/documents/{letter.id}").status_code == 404


def test_consolidation_screen_shows_the_tables_and_leads_to_the_step(scene: Scene) -> None:
    commune_a_reports(scene)
    client = scene.client("daumoi")
    path = f"/periods/{scene.period_id}/tong-hop"
    before = client.get(path).get_data(as_text=True)
    assert "Chưa tổng hợp" in before
    assert 'id="consolidate-link"' not in before  # the step opens when the focal deadline passes
    view = scene.engine.period_consolidation(scene.period_id, actor=scene.users["daumoi"])
    assert [(t.lead_units, t.declared, t.share_completed) for t in view.tasks] == [(2, 1, 0.5), (2, 1, 0.0)]
    a_line = next(line for line in view.matrix if line.unit_id == scene.commune_a)
    assert a_line.statuses == ("completed_on_time", "overdue")  # task 2 was due 30/11/2024
    assert [(t.reported, t.total) for t in view.targets] == [(1, 24.0)]
    assert "Số buổi tuyên truyền" in before
    assert ">24<" in before
    assert 'id="units-tasks"' in before
    assert 'id="targets"' in before
    scene.sweep(date(2025, 1, 21), FOCAL_DEADLINE + timedelta(days=1))
    after = client.get(path).get_data(as_text=True)
    [consolidate] = [
        t for t in scene.engine.list_inbox(actor=scene.users["daumoi"]) if t.task_name == "consolidate"
    ]
    assert f'id="consolidate-link" href="/tasks/{consolidate.id}"' in after
    assert client.get(f"/tasks/{consolidate.id}").status_code == 200
    assert "UBND xã Hảo Đước" in re.search(r'id="missing-units">([^<]*)<', after).group(1)
    # Once the officer consolidates, the page shows the stored figures: the same as the preview.
    preview = scene.engine.period_consolidation(scene.period_id, actor=scene.users["daumoi"])
    scene.act("daumoi", "consolidate", {"narrative": "Hảo Đước chưa gửi báo cáo dù đã có công văn đôn đốc"})
    final = scene.engine.period_consolidation(scene.period_id, actor=scene.users["daumoi"])
    assert final.is_final
    assert final.tasks == preview.tasks
    assert final.targets == preview.targets
    assert final.missing_units == ("UBND xã Hảo Đước",)
    stored = client.get(path).get_data(as_text=True)
    assert "Đơn vị đầu mối đã tổng hợp lúc 11/02/2025 09:00" in stored
    assert "Hảo Đước chưa gửi báo cáo dù đã có công văn đôn đốc" in stored
    # The leader reads the same tables, with the signing step now theirs; the consolidation is done.
    leader_view = scene.client("lanhdao").get(path).get_data(as_text=True)
    assert 'id="units-tasks"' in leader_view
    [sign] = [
        t for t in scene.engine.list_inbox(actor=scene.users["lanhdao"]) if t.task_name == "sign_report"
    ]
    assert f'href="/tasks/{sign.id}">Ký báo cáo tổng hợp' in leader_view
    assert 'id="consolidate-link"' not in leader_view


def test_leader_overview_shows_every_plan_with_progress(scene: Scene) -> None:
    commune_a_reports(scene)
    page = scene.client("lanhdao").get("/periods/tong-quan").get_data(as_text=True)
    assert "Kế hoạch triển khai Chỉ thị 14/CT-TTg" in page
    assert 'value="1" max="2"' in page
    assert "Đã tiếp nhận 1/2 (50%)" in page
    assert f'href="/periods/{scene.period_id}"' in page
    overview = scene.engine.leader_overview(actor=scene.users["lanhdao"])
    assert [p.plan_id for p in overview.plans] == [scene.plan_id]
    assert overview.plans[0].periods[0].accepted_count == 1
    assert scene.client("a.soan").get("/periods/tong-quan").status_code == 403
    assert scene.client("daumoi").get("/periods/tong-quan").status_code == 403


def test_period_list_shows_each_user_what_they_may_see(scene: Scene) -> None:
    focal = scene.engine.list_periods(actor=scene.users["daumoi"])
    assert [(p.id, p.sees_all, p.unit_count) for p in focal] == [(scene.period_id, True, 2)]
    own = scene.engine.list_periods(actor=scene.users["a.soan"])
    assert [(p.id, p.sees_all, p.unit_count, p.own_unit_ids) for p in own] == [
        (scene.period_id, False, 1, (scene.commune_a,))
    ]
    assert scene.engine.list_periods(actor=scene.users["ngoai.soan"]) == []
    page = scene.client("a.soan").get("/periods/").get_data(as_text=True)
    assert "Báo cáo của đơn vị bạn" in page
