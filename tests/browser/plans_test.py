"""The plan editor in Chromium: a new draft, three task rows, reordered in the page, saved, shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from playwright.sync_api import Page, expect

from engine import SYSTEM, UserInfo, WorkflowEngine
from engine.plan_page_results import PlanDraftInput
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.conftest import Org


def row_field(page: Page, row: int, name: str, section: int = 0):  # type: ignore[no-untyped-def]
    return page.locator(f'[name="sections.{section}.tasks.{row}.{name}"]')


def test_focal_officer_drafts_a_plan_with_three_rows_reorders_them_and_sees_the_document(
    engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo], live_url: str, page: Page
) -> None:
    police = engine.create_unit("Công an tỉnh", level="department", parent_id=org.province.id, actor=SYSTEM)
    engine.create_unit_group("Các Sở, ban, ngành", [org.focal.id, police.id], actor=SYSTEM)
    leader = make_user("lanhdao", org.province.id, "leader")
    parent = engine.create_draft_plan(
        PlanDraftInput(
            title="Kế hoạch thực hiện Chiến lược an toàn, an ninh mạng quốc gia",
            year=2024,
            place="Tây Ninh",
            sections=(
                SectionInput("I", "", (TaskInput("Tuyên truyền", "Thường xuyên", (UnitRef(org.focal.id),)),)),
            ),
        ),
        issuing_unit_id=org.province.id,
        focal_unit_id=org.focal.id,
        actor=org.focal_officer.id,
    )
    engine.issue_plan(
        parent.id, signer_id=leader.id, authority_form="TM", issued_on=date(2024, 3, 1), actor=leader.id
    )

    sign_in(page, live_url, "daumoi")
    page.goto(f"{live_url}/ke-hoach/")
    page.get_by_role("link", name="Soạn kế hoạch mới").click()
    expect(page.get_by_role("heading", name="Soạn kế hoạch mới")).to_be_visible()
    page.get_by_label("Tên kế hoạch (trích yếu)").fill("Kế hoạch bảo đảm an toàn thông tin mạng năm 2025")
    page.get_by_label("Địa danh ghi trên văn bản").fill("Tây Ninh")
    page.get_by_label("Căn cứ ban hành").fill("Căn cứ Luật An toàn thông tin mạng năm 2015")
    page.get_by_label("Kế hoạch cấp trên (nếu có)").select_option(str(parent.id))
    page.get_by_label("Tên mục").fill("Nhiệm vụ cụ thể")

    rows = (
        ("Nhiệm vụ A: rà soát hệ thống", "Công an tỉnh", "Quý I/2025"),
        ("Nhiệm vụ B: tập huấn cán bộ", "Các Sở, ban, ngành", "Thường xuyên"),
        ("Nhiệm vụ C: diễn tập ứng cứu", "UBND xã Thái Bình", "Quý III/2025"),
    )
    for index, (content, lead, timeframe) in enumerate(rows):
        if index:
            page.get_by_role("button", name="+ Thêm nhiệm vụ vào mục này").click()
            expect(row_field(page, index, "content")).to_be_focused()  # the new row, after the round trip
        row_field(page, index, "content").fill(content)
        row_field(page, index, "lead.0").fill(lead)
        row_field(page, index, "timeframe").fill(timeframe)
    expect(row_field(page, 0, "content")).to_have_value(rows[0][0])  # typed text survives the round trips

    # Reorder in the page (JavaScript): A down below B, then C up above A: B, C, A.
    page.get_by_role("button", name="Chuyển nhiệm vụ 1 xuống").click()
    expect(row_field(page, 0, "content")).to_have_value(rows[1][0])
    expect(row_field(page, 1, "content")).to_have_value(rows[0][0])
    page.locator('button[value="up:sections.0.tasks.2"]').click()
    expect(row_field(page, 1, "content")).to_have_value(rows[2][0])
    expect(row_field(page, 2, "content")).to_have_value(rows[0][0])
    expect(row_field(page, 2, "lead.0")).to_have_value("Công an tỉnh")  # the row's units move with it
    last = page.get_by_role("group", name="Nhiệm vụ 3")  # labels follow the new numbering
    expect(last.locator("textarea").first).to_have_value(rows[0][0])
    expect(last.get_by_role("button", name="Chuyển nhiệm vụ 3 lên")).to_be_visible()
    # A second coordinating unit box, added in the page.
    row_field(page, 0, "coordinating.0").fill("Sở Thông tin và Truyền thông")
    page.locator('button[value="add_ref:sections.0.tasks.0.coordinating"]').click()
    row_field(page, 0, "coordinating.1").fill("UBND xã Hảo Đước")
    row_field(page, 0, "coordinating.1.note").fill("địa bàn biên giới")
    shot(page, "plan_edit")

    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo dự thảo kế hoạch.")
    document = page.locator("article.official")
    expect(document).to_contain_text("Kế hoạch bảo đảm an toàn thông tin mạng năm 2025")
    expect(document).to_contain_text("Căn cứ Luật An toàn thông tin mạng năm 2015")
    cells = document.locator("table.task-table tbody tr td:nth-child(2)")
    expect(cells).to_have_text([rows[1][0], rows[2][0], rows[0][0]])
    expect(document.locator("table.task-table tbody tr").first).to_contain_text("(địa bàn biên giới)")
    tree = page.locator(".plan-tree")
    expect(tree.get_by_role("link", name="1/KH-UBND — Kế hoạch thực hiện Chiến lược")).to_be_visible()
    shot(page, "plan_detail")

    [summary] = [p for p in engine.list_plans(actor=org.focal_officer.id) if p.status == "draft"]
    saved = engine.get_plan(summary.id, actor=org.focal_officer.id)
    assert [t.content for t in saved.tasks] == [rows[1][0], rows[2][0], rows[0][0]]
    assert saved.tasks[0].coordinating == (
        ("Sở Thông tin và Truyền thông", ""),
        ("UBND xã Hảo Đước", "địa bàn biên giới"),
    )
    assert saved.parent_plan_id == parent.id
