"""The task page in Chromium: field errors keep the input, a return needs a reason, history shows it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.conftest import Org
from tests.engine.helpers import start_unit_report


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_drafter_submits_the_head_returns_with_a_reason_and_the_drafter_sees_why(
    engine: WorkflowEngine, org: Org, live_url: str, page: Page
) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    sign_in(page, live_url, "xa.soan")
    page.goto(f"{live_url}/inbox/")
    page.get_by_role("link", name="Soạn báo cáo").click()
    expect(page.get_by_role("heading", name="Soạn báo cáo")).to_be_visible()

    # Missing summary, a bad number and a bad date: each field says why; nothing typed is lost.
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu kinh phí cho tuyên truyền")
    page.get_by_label("Dự kiến kinh phí năm sau").fill("một triệu")
    page.get_by_label("Ngày báo cáo").fill("31/02/2024")
    page.get_by_role("button", name="Gửi").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-funding_estimate")).to_be_visible()
    expect(page.locator("#error-report_date")).to_be_visible()
    expect(page.get_by_label("Khó khăn, vướng mắc")).to_have_value("Thiếu kinh phí cho tuyên truyền")
    expect(page.get_by_label("Dự kiến kinh phí năm sau")).to_have_value("một triệu")
    shot(page, "task_page_errors")
    assert engine.list_inbox(actor=org.drafter.id)[0].task_name == "draft"

    page.get_by_label("Kết quả thực hiện").fill("Đã quán triệt đến 100% cán bộ")
    page.get_by_label("Dự kiến kinh phí năm sau").fill("1.500.000")
    page.get_by_label("Ngày báo cáo").fill("15/11/2024")
    page.get_by_role("button", name="Gửi").click()
    expect(page.get_by_role("heading", name="Việc cần xử lý")).to_be_visible()
    expect(page.get_by_role("link", name="Soạn báo cáo")).to_have_count(0)
    sign_out(page)

    sign_in(page, live_url, "xa.truong")
    page.goto(f"{live_url}/inbox/")
    page.get_by_role("link", name="Lãnh đạo đơn vị duyệt").click()
    page.get_by_text("Trả lại (return)").click()
    page.get_by_role("button", name="Trả lại kèm lý do").click()
    expect(page.locator("#error-reason")).to_contain_text("lý do")
    page.get_by_label("Lý do trả lại").fill("Bổ sung số liệu quý IV")
    page.get_by_role("button", name="Trả lại kèm lý do").click()
    expect(page.get_by_role("status")).to_contain_text("Đã trả lại")
    sign_out(page)

    sign_in(page, live_url, "xa.soan")
    page.locator("#nav-notifications").click()
    page.get_by_role("link", name="Bị trả lại: Soạn báo cáo").click()
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value("Đã quán triệt đến 100% cán bộ")
    history = page.locator("aside.history")
    expect(history).to_contain_text("Trả lại")
    expect(history).to_contain_text("Lý do: Bổ sung số liệu quý IV")
    expect(history).to_contain_text("Xa.Truong")
    shot(page, "task_page_returned")
