"""The plan pages through the real engine: list, detail, the draft editor, approval, opening a period."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from engine import SYSTEM, UserInfo, WorkflowEngine
from engine.plan_page_results import PlanDraftInput
from engine.plan_results import SectionInput, TargetInput, TaskInput, UnitRef
from tests.conftest import WORKFLOWS, Org
from tests.web.test_pages import _client, sign_in, token


@dataclass(frozen=True)
class World:
    """The test organisation plus a leader, a police unit, a group and a drafter in the focal unit."""

    org: Org
    leader: UserInfo
    police: int
    police_drafter: UserInfo
    focal_drafter: UserInfo
    group: int


@pytest.fixture
def world(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> World:
    for path in sorted(WORKFLOWS.glob("*/*.bpmn")):
        engine.deploy_definition(path.read_bytes(), actor=SYSTEM, filename=path.name)
    police = engine.create_unit("Công an tỉnh", level="department", parent_id=org.province.id, actor=SYSTEM)
    group = engine.create_unit_group("Các Sở, ban, ngành", [org.focal.id, police.id], actor=SYSTEM)
    return World(
        org=org,
        leader=make_user("lanhdao", org.province.id, "leader"),
        police=police.id,
        police_drafter=make_user("congan.soan", police.id, "drafter"),
        focal_drafter=make_user("so.soan", org.focal.id, "drafter"),
        group=group.id,
    )


def draft_input(
    world: World, title: str, *, year: int = 2024, rows: tuple[str, ...] = ("Tuyên truyền",)
) -> PlanDraftInput:
    org = world.org
    return PlanDraftInput(
        title=title,
        year=year,
        place="Tây Ninh",
        legal_bases=("Căn cứ Chỉ thị số 14/CT-TTg ngày 07/6/2019 của Thủ tướng Chính phủ",),
        recipients=("Thường trực Tỉnh ủy", "Lưu: VT"),
        sections=(
            SectionInput(
                "I",
                "Nhiệm vụ chung",
                tuple(
                    TaskInput(content, "Thường xuyên", lead=(UnitRef(unit_id=org.commune.id),))
                    for content in rows
                ),
            ),
        ),
    )


def new_plan(
    engine: WorkflowEngine,
    world: World,
    title: str,
    *,
    year: int = 2024,
    rows: tuple[str, ...] = ("Tuyên truyền",),
) -> int:
    org = world.org
    plan = engine.create_draft_plan(
        draft_input(world, title, year=year, rows=rows),
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        actor=org.focal_officer.id,
    )
    return plan.id


def issue(engine: WorkflowEngine, world: World, plan_id: int, day: date = date(2024, 10, 18)) -> None:
    engine.issue_plan(
        plan_id, signer_id=world.leader.id, authority_form="TM", issued_on=day, actor=world.leader.id
    )


class FormReader(HTMLParser):
    """Collect the fields of the page's forms as a browser would submit them (buttons aside)."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form_class in a.get("class", "").split():
            self.inside = True
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "checkbox"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self._first_option = None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.fields.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            if self._textarea is not None and self.fields[self._textarea].startswith("\n"):
                self.fields[self._textarea] = self.fields[self._textarea][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_of(page: str, form_class: str = "plan-editor") -> dict[str, str]:
    reader = FormReader(form_class)
    reader.feed(page)
    return reader.fields


def post(client: FlaskClient, path: str, fields: dict[str, str], op: str = "save"):  # type: ignore[no-untyped-def]
    return client.post(path, data={**fields, "op": op})


def contents(page: str) -> list[str]:
    """The task contents of an editor page, in the order drawn."""
    fields = form_of(page)
    names = [k for k in fields if re.fullmatch(r"sections\.\d+\.tasks\.\d+\.content", k)]
    return [fields[k] for k in names]


def signed_in(engine: WorkflowEngine, login: str) -> FlaskClient:
    client = _client(engine)
    assert sign_in(client, login).status_code == 302
    return client


# -- the list -------------------------------------------------------------------------------------


def test_list_filters_by_year_status_and_words_and_hides_other_units_drafts(
    engine: WorkflowEngine, world: World
) -> None:
    old = new_plan(engine, world, "Kế hoạch bảo đảm an toàn thông tin năm 2023", year=2023)
    issue(engine, world, old, date(2023, 3, 1))
    draft = new_plan(engine, world, "Kế hoạch chuyển đổi số năm 2024")
    current = new_plan(engine, world, "Kế hoạch tuyên truyền pháp luật năm 2024")
    issue(engine, world, current)

    client = signed_in(engine, "daumoi")
    page = client.get("/ke-hoach/").get_data(as_text=True)
    for plan_id in (old, draft, current):
        assert f'href="/ke-hoach/{plan_id}"' in page
    assert "1/KH-UBND" in page  # numbered per issuing body and year
    assert "Dự thảo" in page
    assert "Đã ban hành" in page
    assert "UBND tỉnh Tây Ninh" in page

    by_year = client.get("/ke-hoach/?nam=2024").get_data(as_text=True)
    assert f'href="/ke-hoach/{old}"' not in by_year
    assert f'href="/ke-hoach/{draft}"' in by_year
    assert f'href="/ke-hoach/{current}"' in by_year
    issued = client.get("/ke-hoach/?trang_thai=issued").get_data(as_text=True)
    assert f'href="/ke-hoach/{draft}"' not in issued
    assert f'href="/ke-hoach/{old}"' in issued
    assert f'href="/ke-hoach/{current}"' in issued
    words = client.get("/ke-hoach/?q=chuyển+đổi").get_data(as_text=True)
    assert f'href="/ke-hoach/{draft}"' in words
    assert f'href="/ke-hoach/{current}"' not in words
    assert 'value="chuyển đổi"' in words  # the filter keeps what was typed
    none = client.get("/ke-hoach/?q=khong-co-gi").get_data(as_text=True)
    assert "Không có kế hoạch nào phù hợp." in none

    # The commune leads the tasks: it sees the issued plans, never the focal unit's draft.
    commune = signed_in(engine, "xa.soan")
    seen = commune.get("/ke-hoach/").get_data(as_text=True)
    assert f'href="/ke-hoach/{current}"' in seen
    assert f'href="/ke-hoach/{old}"' in seen
    assert f'href="/ke-hoach/{draft}"' not in seen
    other = signed_in(engine, "khac.soan")
    assert "Không có kế hoạch nào phù hợp." in other.get("/ke-hoach/").get_data(as_text=True)
    assert [p.id for p in engine.list_plans(actor=world.org.other_drafter.id)] == []


# -- the detail page ------------------------------------------------------------------------------


def test_detail_shows_the_document_its_tree_and_its_periods(engine: WorkflowEngine, world: World) -> None:
    org = world.org
    parent = new_plan(engine, world, "Kế hoạch cấp trên về an ninh mạng", year=2024)
    issue(engine, world, parent, date(2024, 2, 5))
    content = PlanDraftInput(
        title="Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        year=2024,
        place="Tây Ninh",
        summary="Nâng cao nhận thức về an toàn thông tin.",
        legal_bases=("Luật An ninh mạng năm 2018", "Căn cứ Chỉ thị số 14/CT-TTg ngày 07/6/2019"),
        recipients=("Bộ Thông tin và Truyền thông", "Lưu: VT, KGVX"),
        parent_plan_id=parent,
        child_plan_deadline=date(2024, 11, 15),
        sections=(
            SectionInput(
                "I",
                "Tuyên truyền, phổ biến",
                (
                    TaskInput(
                        "Quán triệt Luật An ninh mạng",
                        "Thường xuyên",
                        lead=(UnitRef(unit_id=world.police),),
                        coordinating=(
                            UnitRef(unit_id=org.focal.id, scope_note="nội dung an toàn thông tin"),
                        ),
                        expected_result="Hội nghị quán triệt",
                        indicator="100% cán bộ được quán triệt",
                    ),
                ),
            ),
            SectionInput(
                "II",
                "Bảo đảm an toàn hệ thống",
                (
                    TaskInput(
                        "Rà soát hệ thống thông tin",
                        "Quý III-IV/2024",
                        lead=(UnitRef(group_id=world.group),),
                        coordinating=(UnitRef(unit_id=org.commune.id),),
                        expected_result="Báo cáo rà soát",
                    ),
                ),
            ),
        ),
        targets=(TargetInput("Người sử dụng Internet được tuyên truyền", Decimal("1500000"), "người"),),
    )
    plan = engine.create_draft_plan(
        content, issuing_unit_id=org.province.id, focal_unit_id=org.focal.id, actor=org.focal_officer.id
    )
    issue(engine, world, plan.id, date(2024, 3, 4))
    child = engine.create_draft_plan(
        PlanDraftInput(
            title="Kế hoạch của Công an tỉnh",
            year=2024,
            place="Tây Ninh",
            parent_plan_id=plan.id,
            sections=(
                SectionInput(
                    "I", "", (TaskInput("Tự kiểm tra", "Năm 2024", lead=(UnitRef(unit_id=world.police),)),)
                ),
            ),
        ),
        issuing_unit_id=org.focal.id,
        focal_unit_id=org.focal.id,
        actor=org.focal_officer.id,
    )
    period = engine.open_period(
        plan.id,
        label="Năm 2024",
        year=2024,
        data_cutoff=date(2024, 11, 10),
        unit_deadline=date(2024, 11, 15),
        focal_deadline=date(2024, 11, 20),
        actor=org.focal_officer.id,
    )

    page = signed_in(engine, "daumoi").get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    for text in (
        "2/KH-UBND",  # the parent took number 1
        "Tây Ninh, ngày 04 tháng 3 năm 2024",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Kế hoạch triển khai Chỉ thị 14/CT-TTg",
        "Căn cứ Luật An ninh mạng năm 2018;",
        "Căn cứ Chỉ thị số 14/CT-TTg ngày 07/6/2019;",
        "Nâng cao nhận thức về an toàn thông tin.",
        "I. Tuyên truyền, phổ biến",
        "II. Bảo đảm an toàn hệ thống",
        "Quán triệt Luật An ninh mạng",
        "Công an tỉnh",
        "Sở Thông tin và Truyền thông <small>(nội dung an toàn thông tin)</small>",
        "Thường xuyên",
        "Hội nghị quán triệt",
        "100% cán bộ được quán triệt",
        "Rà soát hệ thống thông tin",
        "Các Sở, ban, ngành",
        "UBND xã Thái Bình",
        "Quý III-IV/2024",
        "Báo cáo rà soát",
        "Người sử dụng Internet được tuyên truyền",
        "1.500.000 người",
        "- Bộ Thông tin và Truyền thông;",
        "- Lưu: VT, KGVX;",
        "15/11/2024",
        "CHỦ TỊCH",
        "Lanhdao",  # the signer's name
    ):
        assert text in page, text
    # The tree: the parent above with a link, the child below with a link, this plan in bold.
    assert f'href="/ke-hoach/{parent}"' in page
    assert f'href="/ke-hoach/{child.id}"' in page
    assert 'aria-current="page"' in page
    assert page.index(f'href="/ke-hoach/{parent}"') < page.index('aria-current="page"')
    assert page.index('aria-current="page"') < page.index(f'href="/ke-hoach/{child.id}"')
    # Its reporting periods link to their boards; the focal officer may open another.
    assert f'href="/periods/{period.id}"' in page
    assert "Năm 2024" in page
    assert f'href="/ke-hoach/{plan.id}/mo-ky-bao-cao"' in page
    assert f'href="/ke-hoach/{plan.id}/sua"' not in page  # issued: locked

    tree = engine.plan_tree(child.id, actor=org.focal_officer.id)
    assert [tree.id, tree.children[0].id, tree.children[0].children[0].id] == [parent, plan.id, child.id]
    assert tree.children[0].children[0].is_current


# -- the draft editor -----------------------------------------------------------------------------


def test_create_then_edit_a_draft_adding_removing_and_moving_rows(
    engine: WorkflowEngine, world: World
) -> None:
    org = world.org
    client = signed_in(engine, "daumoi")
    page = client.get("/ke-hoach/moi").get_data(as_text=True)
    fields = form_of(page)
    assert fields["focal_unit_id"] == str(org.focal.id)
    assert fields["issuing_unit"] == "UBND tỉnh Tây Ninh"  # the focal unit's parent, by default
    assert '<option value="Các Sở, ban, ngành">' in page  # groups are offered too
    fields.update(
        {
            "title": "Kế hoạch chuyển đổi số năm 2025",
            "year": "2025",
            "place": "Tây Ninh",
            "legal_bases": "Căn cứ Quyết định 749/QĐ-TTg\nCăn cứ Nghị quyết 52-NQ/TW",
            "sections.0.title": "Nhiệm vụ trọng tâm",
            "sections.0.tasks.0.content": "Nhiệm vụ A",
            "sections.0.tasks.0.timeframe": "Quý I/2025",
            "sections.0.tasks.0.lead.0": "Công an tỉnh",
        }
    )
    # Two more rows, by the server-side button (no JavaScript in the test client).
    page = post(client, "/ke-hoach/moi", fields, "add_task:sections.0").get_data(as_text=True)
    fields = form_of(page)
    assert fields["sections.0.tasks.0.content"] == "Nhiệm vụ A"  # nothing typed is lost
    fields.update(
        {
            "sections.0.tasks.1.content": "Nhiệm vụ B",
            "sections.0.tasks.1.timeframe": "Thường xuyên",
            "sections.0.tasks.1.lead.0": "Các Sở, ban, ngành",
            "sections.0.tasks.1.coordinating.0": "UBND xã Thái Bình",
            "sections.0.tasks.1.coordinating.0.note": "địa bàn xã",
        }
    )
    page = post(client, "/ke-hoach/moi", fields, "add_task:sections.0").get_data(as_text=True)
    fields = form_of(page)
    fields.update(
        {
            "sections.0.tasks.2.content": "Nhiệm vụ C",
            "sections.0.tasks.2.timeframe": "2025-2026",
            "sections.0.tasks.2.lead.0": "UBND xã Hảo Đước",
        }
    )
    assert engine.list_plans(actor=org.focal_officer.id) == []  # buttons never save
    response = post(client, "/ke-hoach/moi", fields)
    assert response.status_code == 302
    [summary] = engine.list_plans(actor=org.focal_officer.id)
    assert response.headers["Location"].endswith(f"/ke-hoach/{summary.id}")
    plan = engine.get_plan(summary.id, actor=org.focal_officer.id)
    assert [t.content for t in plan.tasks] == ["Nhiệm vụ A", "Nhiệm vụ B", "Nhiệm vụ C"]
    assert plan.tasks[1].lead == (("Các Sở, ban, ngành", ""),)
    assert plan.tasks[1].coordinating == (("UBND xã Thái Bình", "địa bàn xã"),)
    assert plan.legal_bases == ("Căn cứ Quyết định 749/QĐ-TTg", "Căn cứ Nghị quyết 52-NQ/TW")
    assert (plan.year, plan.status, plan.issuing_unit_id) == (2025, "draft", org.province.id)

    # Edit: C moves up above B, A is removed, a second section and a target are added.
    edit = f"/ke-hoach/{plan.id}/sua"
    page = client.get(edit).get_data(as_text=True)
    assert contents(page) == ["Nhiệm vụ A", "Nhiệm vụ B", "Nhiệm vụ C"]
    assert form_of(page)["sections.0.tasks.1.lead.0"] == "Các Sở, ban, ngành"
    page = post(client, edit, form_of(page), "up:sections.0.tasks.2").get_data(as_text=True)
    assert contents(page) == ["Nhiệm vụ A", "Nhiệm vụ C", "Nhiệm vụ B"]
    assert 'value="up:sections.0.tasks.1" autofocus' in page  # the moved row keeps the focus
    page = post(client, edit, form_of(page), "remove_task:sections.0.tasks.0").get_data(as_text=True)
    assert contents(page) == ["Nhiệm vụ C", "Nhiệm vụ B"]
    page = post(client, edit, form_of(page), "add_section").get_data(as_text=True)
    fields = form_of(page)
    assert fields["sections.1.code"] == "II"
    fields.update(
        {
            "sections.1.title": "Kiểm tra, giám sát",
            "sections.1.tasks.0.content": "Nhiệm vụ D",
            "sections.1.tasks.0.timeframe": "Hàng năm",
            "sections.1.tasks.0.lead.0": "Công an tỉnh",
        }
    )
    page = post(client, edit, fields, "add_target").get_data(as_text=True)
    fields = form_of(page)
    fields.update(
        {"targets.0.description": "Dịch vụ công trực tuyến", "targets.0.value": "80,5", "targets.0.unit": "%"}
    )
    # The last row of section I moves down into section II, at its top.
    page = post(client, edit, fields, "down:sections.0.tasks.1").get_data(as_text=True)
    assert contents(page) == ["Nhiệm vụ C", "Nhiệm vụ B", "Nhiệm vụ D"]
    fields = form_of(page)
    assert fields["sections.1.tasks.0.content"] == "Nhiệm vụ B"
    assert (
        engine.get_plan(plan.id, actor=org.focal_officer.id).tasks[0].content == "Nhiệm vụ A"
    )  # not saved yet
    assert post(client, edit, fields).status_code == 302

    saved = engine.get_plan(plan.id, actor=org.focal_officer.id)
    assert [(t.section_code, t.code, t.content) for t in saved.tasks] == [
        ("I", "1", "Nhiệm vụ C"),
        ("II", "1", "Nhiệm vụ B"),
        ("II", "2", "Nhiệm vụ D"),
    ]
    assert saved.targets == (("Dịch vụ công trực tuyến", Decimal("80.5"), "%", None),)
    detail = client.get(f"/ke-hoach/{plan.id}").get_data(as_text=True)
    assert "Đã lưu dự thảo kế hoạch." in detail
    assert "II. Kiểm tra, giám sát" in detail
    assert "80,5 %" in detail


def test_bad_input_is_answered_field_by_field_keeps_the_input_and_saves_nothing(
    engine: WorkflowEngine, world: World
) -> None:
    org = world.org
    plan_id = new_plan(engine, world, "Kế hoạch giữ nguyên", rows=("Nhiệm vụ gốc",))
    before = engine.get_plan(plan_id, actor=org.focal_officer.id)
    client = signed_in(engine, "daumoi")
    edit = f"/ke-hoach/{plan_id}/sua"
    fields = form_of(client.get(edit).get_data(as_text=True))
    fields = form_of(post(client, edit, fields, "add_task:sections.0").get_data(as_text=True))
    fields = form_of(post(client, edit, fields, "add_target").get_data(as_text=True))
    fields.update(
        {
            "title": "   ",
            "year": "hai nghìn",
            "sections.0.tasks.0.content": "Nhiệm vụ gốc đã sửa",
            "sections.0.tasks.1.content": "Nhiệm vụ mới chưa có đơn vị",
            "sections.0.tasks.1.timeframe": "Quý IV/2024",
            "sections.0.tasks.1.coordinating.0": "Đơn vị không tồn tại",
            "targets.0.description": "Tỷ lệ hồ sơ trực tuyến",
            "targets.0.value": "nhiều",
            "targets.0.milestone": "31/02/2025",
        }
    )
    response = post(client, edit, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kế hoạch chưa được lưu" in page
    errors = dict(re.findall(r'<p class="error" role="alert" id="error-([^"]+)">([^<]+)</p>', page))
    assert errors == {
        "title": "Trường này là bắt buộc.",
        "year": "Năm không hợp lệ.",
        "sections.0.tasks.1.lead": "Cần ít nhất một đơn vị chủ trì.",
        "sections.0.tasks.1.coordinating.0": "Không tìm thấy đơn vị hoặc nhóm đơn vị.",
        "targets.0.value": "Không phải số hợp lệ.",
        "targets.0.milestone": "Ngày không hợp lệ (dd/mm/yyyy).",
    }
    kept = form_of(page)
    for name in (
        "year",
        "sections.0.tasks.0.content",
        "sections.0.tasks.1.content",
        "sections.0.tasks.1.coordinating.0",
        "targets.0.value",
        "targets.0.milestone",
    ):
        assert kept[name] == fields[name], name
    slot = "sections.0.tasks.1.coordinating.0"
    assert f'name="{slot}" id="f-{slot}" aria-invalid="true"' in page
    assert engine.get_plan(plan_id, actor=org.focal_officer.id) == before

    # A new plan with a bad row is not created at all.
    fields = form_of(client.get("/ke-hoach/moi").get_data(as_text=True))
    fields.update(
        {"title": "Kế hoạch mới", "place": "Tây Ninh", "sections.0.tasks.0.content": "Không có đơn vị"}
    )
    response = post(client, "/ke-hoach/moi", fields)
    assert response.status_code == 422
    assert "Cần ít nhất một đơn vị chủ trì." in response.get_data(as_text=True)
    assert [p.id for p in engine.list_plans(actor=org.focal_officer.id)] == [plan_id]


# -- approval -------------------------------------------------------------------------------------


def test_submitting_a_draft_starts_its_approval_up_to_the_leader(
    engine: WorkflowEngine, world: World
) -> None:
    org = world.org
    empty = engine.create_draft_plan(
        PlanDraftInput(title="Kế hoạch chưa có nhiệm vụ", year=2024, place="Tây Ninh"),
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        actor=org.focal_officer.id,
    )
    plan_id = new_plan(engine, world, "Kế hoạch trình duyệt")
    client = signed_in(engine, "daumoi")
    csrf = token(client, f"/ke-hoach/{plan_id}")

    refused = client.post(f"/ke-hoach/{empty.id}/trinh-duyet", data={"csrf_token": csrf})
    assert refused.status_code == 422
    assert "Cần ít nhất một nhiệm vụ." in refused.get_data(as_text=True)
    bad_date = client.post(
        f"/ke-hoach/{plan_id}/trinh-duyet",
        data={"csrf_token": csrf, "comment_unit_ids": str(org.commune.id), "comment_deadline": "30/02/2024"},
    )
    page = bad_date.get_data(as_text=True)
    assert bad_date.status_code == 422
    assert 'id="error-comment_deadline">Ngày không hợp lệ (dd/mm/yyyy).' in page
    assert 'value="30/02/2024"' in page
    assert engine.get_plan(plan_id, actor=org.focal_officer.id).status == "draft"
    assert engine.list_inbox(actor=org.focal_officer.id) == []

    page = client.get(f"/ke-hoach/{plan_id}").get_data(as_text=True)
    assert f'action="/ke-hoach/{plan_id}/trinh-duyet"' in page
    response = client.post(f"/ke-hoach/{plan_id}/trinh-duyet", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert engine.get_plan(plan_id, actor=org.focal_officer.id).status == "in_approval"
    [submission] = engine.list_inbox(actor=org.focal_officer.id)
    assert submission.task_name == "submit_to_leader"
    page = client.get(f"/ke-hoach/{plan_id}").get_data(as_text=True)
    assert "Đã trình phê duyệt kế hoạch." in page
    assert f'href="/tasks/{submission.id}"' in page  # the next step, from the plan's page
    assert f'action="/ke-hoach/{plan_id}/trinh-duyet"' not in page  # no second submission
    engine.submit_task(
        submission.id,
        {"note": "Kính trình"},
        actor=org.focal_officer.id,
        version=submission.version,
        request_id=uuid.uuid4().hex,
    )
    [review] = engine.list_inbox(actor=world.leader.id)
    assert review.task_name == "leader_review"
    leader_page = signed_in(engine, "lanhdao").get(f"/ke-hoach/{plan_id}").get_data(as_text=True)
    assert f'href="/tasks/{review.id}"' in leader_page


# -- opening a period -----------------------------------------------------------------------------


def test_opening_a_period_runs_as_a_job_and_links_to_the_period(engine: WorkflowEngine, world: World) -> None:
    org = world.org
    plan_id = new_plan(engine, world, "Kế hoạch có kỳ báo cáo")
    issue(engine, world, plan_id)
    client = signed_in(engine, "daumoi")
    form = f"/ke-hoach/{plan_id}/mo-ky-bao-cao"
    page = client.get(form).get_data(as_text=True)
    fields = form_of(page, "period-form")
    assert fields["label"] == "Năm 2024"
    assert fields["year"] == "2024"
    fields.update(
        {"data_cutoff": "10/11/2024", "unit_deadline": "15/11/2024", "focal_deadline": "15/11/2024"}
    )
    bad = client.post(form, data=fields)
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert 'id="error-focal_deadline">Hạn của đơn vị đầu mối phải sau hạn của đơn vị' in page
    assert "18/11/2024" in page  # the earliest allowed: the next working day after Friday 15/11
    assert form_of(page, "period-form")["unit_deadline"] == "15/11/2024"
    assert engine.due_job_ids() == []

    fields["focal_deadline"] = "20/11/2024"
    response = client.post(form, data=fields)
    assert response.status_code == 302
    job_page = response.headers["Location"]
    assert re.search(rf"/ke-hoach/jobs/\d+\?ke_hoach={plan_id}$", job_page)
    waiting = client.get(job_page).get_data(as_text=True)
    assert "Đang chờ xử lý" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    [job_id] = engine.due_job_ids()
    engine.run_job(job_id)
    [period] = engine.plan_page(plan_id, actor=org.focal_officer.id).periods
    assert (period.label, period.unit_deadline, period.unit_count) == ("Năm 2024", date(2024, 11, 15), 1)
    done = client.get(job_page).get_data(as_text=True)
    assert "Hoàn thành" in done
    assert f'href="/periods/{period.id}"' in done
    assert "http-equiv" not in done
    assert f'href="/periods/{period.id}"' in client.get(f"/ke-hoach/{plan_id}").get_data(as_text=True)

    # The same label again is refused on the form, before any job.
    again = client.post(form, data={**fields, "csrf_token": token(client, form)})
    assert again.status_code == 422
    assert "Đã có kỳ báo cáo này." in again.get_data(as_text=True)
    assert engine.due_job_ids() == []


# -- who may do what ------------------------------------------------------------------------------


def test_other_units_do_not_see_drafts_and_drafters_do_not_open_periods(
    engine: WorkflowEngine, world: World
) -> None:
    draft = new_plan(engine, world, "Dự thảo nội bộ")
    issued = new_plan(engine, world, "Kế hoạch đã ban hành")
    issue(engine, world, issued)

    other = signed_in(engine, "khac.soan")
    csrf = token(other, "/ke-hoach/")
    assert other.get(f"/ke-hoach/{draft}").status_code == 404
    assert other.get(f"/ke-hoach/{draft}/sua").status_code == 404
    assert other.post(f"/ke-hoach/{draft}/sua", data={"csrf_token": csrf, "title": "X"}).status_code == 404
    assert other.post(f"/ke-hoach/{draft}/trinh-duyet", data={"csrf_token": csrf}).status_code == 404
    assert other.get(f"/ke-hoach/{issued}").status_code == 404  # not named in its task table
    assert other.get(f"/ke-hoach/{issued}/mo-ky-bao-cao").status_code == 404

    drafter = signed_in(engine, "so.soan")  # a drafter of the focal unit: may read, not decide
    assert drafter.get(f"/ke-hoach/{draft}").status_code == 200
    page = drafter.get(f"/ke-hoach/{issued}").get_data(as_text=True)
    assert "mo-ky-bao-cao" not in page
    assert drafter.get(f"/ke-hoach/{issued}/mo-ky-bao-cao").status_code == 403
    fields = {
        "csrf_token": token(drafter, "/ke-hoach/"),
        "label": "Năm 2024",
        "year": "2024",
        "data_cutoff": "10/11/2024",
        "unit_deadline": "15/11/2024",
        "focal_deadline": "20/11/2024",
    }
    assert drafter.post(f"/ke-hoach/{issued}/mo-ky-bao-cao", data=fields).status_code == 403
    assert drafter.get(f"/ke-hoach/{draft}/sua").status_code == 403
    assert drafter.get("/ke-hoach/moi").status_code == 403
    assert engine.due_job_ids() == []
    assert engine.get_plan(draft, actor=SYSTEM).status == "draft"

    # The commune leads the issued plan's task: it may read it, but not open its periods.
    commune = signed_in(engine, "xa.soan")
    assert commune.get(f"/ke-hoach/{issued}").status_code == 200
    assert commune.get(f"/ke-hoach/{draft}").status_code == 404
    fields["csrf_token"] = token(commune, "/ke-hoach/")
    assert commune.post(f"/ke-hoach/{issued}/mo-ky-bao-cao", data=fields).status_code == 403
    assert engine.due_job_ids() == []


def test_units_with_the_same_name_are_told_apart_in_the_editor(engine: WorkflowEngine, world: World) -> None:
    org = world.org
    district = engine.create_unit(
        "UBND huyện Châu Thành", level="district", parent_id=org.province.id, actor=SYSTEM
    )
    twin = engine.create_unit("UBND xã Thái Bình", level="commune", parent_id=district.id, actor=SYSTEM)
    labels = {(c.kind, c.id): c.label for c in engine.unit_choices(actor=org.focal_officer.id)}
    assert labels[("unit", org.commune.id)] == "UBND xã Thái Bình — UBND tỉnh Tây Ninh"
    assert labels[("unit", twin.id)] == "UBND xã Thái Bình — UBND huyện Châu Thành"
    assert labels[("group", world.group)] == "Các Sở, ban, ngành"

    plan_id = new_plan(engine, world, "Kế hoạch hai xã trùng tên")
    client = signed_in(engine, "daumoi")
    edit = f"/ke-hoach/{plan_id}/sua"
    fields = form_of(client.get(edit).get_data(as_text=True))
    assert fields["sections.0.tasks.0.lead.0"] == "UBND xã Thái Bình — UBND tỉnh Tây Ninh"
    fields["sections.0.tasks.0.lead.0"] = "UBND xã Thái Bình"  # the bare name fits both
    page = post(client, edit, fields).get_data(as_text=True)
    assert 'id="error-sections.0.tasks.0.lead.0">Có nhiều đơn vị cùng tên' in page
    fields["sections.0.tasks.0.lead.0"] = "ubnd xã thái bình — ubnd huyện châu thành"  # case does not matter
    assert post(client, edit, fields).status_code == 302
    [task] = engine.get_plan(plan_id, actor=org.focal_officer.id).tasks
    assert task.lead == (("UBND xã Thái Bình", ""),)
    assert engine.plan_draft(plan_id, actor=org.focal_officer.id).content.sections[0].tasks[0].lead == (
        UnitRef(unit_id=twin.id),
    )
