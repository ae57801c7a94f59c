"""The task page in Chromium: field errors keep the input, a return needs a reason, history shows it;
list rows, a draft that survives a reload, an attached PDF."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from engine import UserInfo, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.conftest import Org
from tests.engine.helpers import start_unit_report
from tests.web.test_task_page import PDF, open_report


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


def test_drafter_fills_rows_saves_a_draft_reloads_attaches_a_pdf_and_submits(
    engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo], live_url: str, page: Page
) -> None:
    report = open_report(engine, org, make_user)
    sign_in(page, live_url, "xa.soan")
    page.goto(f"{live_url}/tasks/{report.task_id}")
    table = page.locator("#field-task_results")
    expect(table.locator("tbody tr")).to_have_count(2)  # one row per plan task the commune leads
    expect(table).to_contain_text("Quán triệt Luật An ninh mạng")

    page.get_by_label("Kết quả thực hiện").fill("Đã quán triệt đến 100% cán bộ")
    page.get_by_label("Tiến độ — I.1").select_option("completed")
    page.get_by_label("Ngày hoàn thành — I.1").fill("15/10/2024")
    page.get_by_label("Kết quả cụ thể — I.1").fill("Đã tổ chức 2 hội nghị")
    page.get_by_label("Tiến độ — I.3").select_option("in_progress")
    page.get_by_label("Giá trị đạt được — 1").fill("95")
    page.get_by_label("Nội dung nhiệm vụ — 1").fill("Hội nghị trực tuyến")
    # A second free row, without JavaScript's help: the page comes back with everything typed.
    page.get_by_role("button", name="Thêm dòng").click()
    expect(page.get_by_label("Nội dung nhiệm vụ — 1")).to_have_value("Hội nghị trực tuyến")
    page.get_by_label("Nội dung nhiệm vụ — 2").fill("Tọa đàm chuyển đổi số")
    expect(page.get_by_label("Kết quả cụ thể — I.1")).to_have_value("Đã tổ chức 2 hội nghị")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu nháp")
    page.reload()
    expect(page.locator(".draft-note")).to_contain_text("Bản nháp lưu lúc 01/11/2024 09:00")
    expect(page.get_by_label("Tiến độ — I.1")).to_have_value("completed")
    expect(page.get_by_label("Ngày hoàn thành — I.1")).to_have_value("15/10/2024")
    expect(page.get_by_label("Kết quả cụ thể — I.1")).to_have_value("Đã tổ chức 2 hội nghị")
    expect(page.get_by_label("Nội dung nhiệm vụ — 2")).to_have_value("Tọa đàm chuyển đổi số")
    expect(page.get_by_label("Giá trị đạt được — 1")).to_have_value("95")
    # Enter in a one-line input saves the draft: it neither submits nor presses "Xóa dòng".
    evidence = page.get_by_label("Minh chứng (số văn bản, đường dẫn) — I.1")
    evidence.fill("Công văn 12/UBND")
    evidence.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu nháp")
    expect(page.get_by_label("Minh chứng (số văn bản, đường dẫn) — I.1")).to_have_value("Công văn 12/UBND")
    expect(page.get_by_label("Nội dung nhiệm vụ — 1")).to_have_value("Hội nghị trực tuyến")

    page.get_by_label("Chọn tệp").set_input_files(
        files=[{"name": "Biên bản hội nghị.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#attachments")).to_contain_text("Biên bản hội nghị.pdf")
    expect(page.get_by_label("Kết quả cụ thể — I.1")).to_have_value("Đã tổ chức 2 hội nghị")  # the draft
    expect(page.locator("aside.history")).to_contain_text("Đính kèm tệp")
    shot(page, "task_page")
    page.set_viewport_size({"width": 600, "height": 900})
    shot(page, "task_page_narrow")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    body = engine.get_unit_report(report.period_id, org.commune.id, actor=org.drafter.id)["body"]
    assert [r["progress"] for r in body["task_results"]] == ["completed", "in_progress"]
    assert body["other_tasks"] == [{"content": "Hội nghị trực tuyến"}, {"content": "Tọa đàm chuyển đổi số"}]
    assert engine.get_task_draft(report.task_id, actor=org.drafter.id) is None
    [review] = [t for t in engine.list_inbox(actor=org.head.id) if t.task_name == "head_review"]
    assert [a.filename for a in engine.list_attachments(review.id, actor=org.head.id)] == [
        "Biên bản hội nghị.pdf"
    ]
