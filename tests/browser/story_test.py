"""The whole story in Chromium, as the people in it would play it.

A commune drafter fills and submits a report; the commune head approves; the district's focal
officer returns it with a reason; the drafter fixes it and resubmits; the head approves again;
the focal officer accepts, and the dashboard's row and progress bar change.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import FrozenClock, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.scene import build_district


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def open_item(page: Page, base: str, title: str) -> None:
    page.goto(f"{base}/inbox/")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_a_report_goes_up_comes_back_with_a_reason_and_is_accepted(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    scene = build_district(engine, clock)
    thai_binh = scene.communes[0]
    dashboard = f"{live_url}/periods/{scene.period_id}"
    row = page.locator(f'#units tr[data-unit-id="{thai_binh}"]')

    # The focal officer's starting point: nobody has reported yet.
    sign_in(page, live_url, "huyen.daumoi")
    page.goto(dashboard)
    expect(page.locator("#accepted-progress")).to_have_attribute("value", "0")
    expect(page.locator("#accepted-progress")).to_have_attribute("max", "2")
    expect(row).to_contain_text("Soạn báo cáo")
    sign_out(page)

    # 1. The commune drafter fills the report: the summary, each plan task's progress, a target.
    sign_in(page, live_url, "xa.soan")
    page.goto(f"{live_url}/inbox/")
    expect(page.locator("table.tasks, #inbox")).to_contain_text("Kế hoạch thực hiện công tác chuyển đổi số")
    shot(page, "story_inbox")
    open_item(page, live_url, "Soạn báo cáo")
    page.get_by_label("Kết quả thực hiện").fill("Đã phát 24 tin bài trên loa; cáp quang đến 9/12 ấp")
    page.get_by_label("Tiến độ — I.1").select_option("completed")
    page.get_by_label("Ngày hoàn thành — I.1").fill("20/12/2024")
    page.get_by_label("Tiến độ — II.1").select_option("in_progress")
    page.get_by_label("Giá trị đạt được — 1").fill("75")
    shot(page, "story_task_page")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("heading", name="Việc cần xử lý")).to_be_visible()
    expect(page.get_by_role("link", name="Soạn báo cáo")).to_have_count(0)
    sign_out(page)

    # 2. The commune head approves.
    sign_in(page, live_url, "xa.truong")
    open_item(page, live_url, "Lãnh đạo đơn vị duyệt")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_role("heading", name="Việc cần xử lý")).to_be_visible()
    sign_out(page)

    # 3. The district's focal officer sees it arrive and returns it with a reason.
    sign_in(page, live_url, "huyen.daumoi")
    page.goto(dashboard)
    expect(row).to_contain_text("Đơn vị đầu mối tiếp nhận")
    open_item(page, live_url, "Đơn vị đầu mối tiếp nhận")
    page.get_by_text("Trả lại (return)").click()
    page.get_by_label("Lý do trả lại").fill("Chỉ tiêu cáp quang chưa khớp số liệu của Viễn thông huyện")
    page.get_by_role("button", name="Trả lại kèm lý do").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã trả lại")
    page.goto(dashboard)
    expect(row).to_contain_text("Soạn báo cáo")
    expect(page.locator("#accepted-progress")).to_have_attribute("value", "0")
    sign_out(page)

    # 4. The drafter reads why, fixes the figure and resubmits; what was typed before is still there.
    sign_in(page, live_url, "xa.soan")
    open_item(page, live_url, "Soạn báo cáo")
    history = page.locator("aside.history")
    expect(history).to_contain_text("Chỉ tiêu cáp quang chưa khớp số liệu của Viễn thông huyện")
    expect(page.get_by_label("Kết quả thực hiện")).to_have_value(
        "Đã phát 24 tin bài trên loa; cáp quang đến 9/12 ấp"
    )
    page.get_by_label("Giá trị đạt được — 1").fill("78,5")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_role("heading", name="Việc cần xử lý")).to_be_visible()
    sign_out(page)

    sign_in(page, live_url, "xa.truong")
    open_item(page, live_url, "Lãnh đạo đơn vị duyệt")
    page.get_by_role("button", name="Duyệt", exact=True).click()
    sign_out(page)

    # 5. The focal officer accepts: the row turns to done and the progress bar moves to 1 of 2.
    sign_in(page, live_url, "huyen.daumoi")
    open_item(page, live_url, "Đơn vị đầu mối tiếp nhận")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    page.goto(dashboard)
    expect(page.locator("#accepted-progress")).to_have_attribute("value", "1")
    expect(page.locator("#accepted-progress")).to_have_attribute("max", "2")
    expect(row).to_contain_text("Hoàn thành đúng hạn")
    expect(row).to_contain_text("Đơn vị đầu mối tiếp nhận")
    shot(page, "story_dashboard")
    row.get_by_role("link", name="UBND xã Thái Bình").click()
    expect(page.locator("#report-summary")).to_have_text("Đã phát 24 tin bài trên loa; cáp quang đến 9/12 ấp")

    board = engine.period_board(scene.period_id, actor=scene.users["huyen.daumoi"])
    [accepted] = [r for r in board.rows if r.unit_id == thai_binh]
    assert (accepted.report_status, accepted.returned_count) == ("accepted", 1)
