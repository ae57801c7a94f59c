"""A commune drafter searches the inbox, keeps the view as a saved filter and applies it, in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.engine.test_inbox import build_inbox_scene


def test_drafter_searches_saves_a_filter_and_applies_it(
    engine: WorkflowEngine, live_url: str, page: Page
) -> None:
    scene = build_inbox_scene(engine)
    me = scene.users["xa1.soan"]
    sign_in(page, live_url, "xa1.soan")
    page.goto(f"{live_url}/inbox/")
    expect(page.locator("#nav-inbox .badge")).to_have_text("3")
    expect(page.locator("#tab-overdue .tab-count")).to_have_text("1")
    rows = page.locator("tr.inbox-row")
    expect(rows).to_have_count(3)
    expect(rows.first.locator(".deadline-label")).to_have_text("Quá hạn")

    page.locator("#tab-week").click()
    expect(page.locator("#tab-week")).to_have_attribute("aria-current", "page")
    expect(rows).to_have_count(2)
    page.get_by_label("Tìm kiếm").fill("6 thang cuoi")  # no accents: still found
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("6 tháng cuối năm 2024")
    expect(rows.first).to_contain_text("1/KH-UBND")
    expect(rows.first.locator(".deadline-label")).to_have_text("Sắp đến hạn")

    page.get_by_label("Tên bộ lọc").fill("Báo cáo 6 tháng")
    page.get_by_role("button", name="Lưu bộ lọc hiện tại").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bộ lọc “Báo cáo 6 tháng”")
    assert [f.name for f in engine.list_saved_filters(actor=me)] == ["Báo cáo 6 tháng"]

    page.locator("#tab-open").click()
    expect(rows).to_have_count(3)
    expect(page.get_by_label("Tìm kiếm")).to_have_value("")
    page.get_by_role("link", name="Báo cáo 6 tháng").click()
    expect(page.locator("#tab-week")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Tìm kiếm")).to_have_value("6 thang cuoi")
    expect(rows).to_have_count(1)
    expect(page.locator(".saved-filters li.active")).to_contain_text("Báo cáo 6 tháng")
    shot(page, "inbox")

    # On a tablet held upright each item is a card and the claim button is easy to reach.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.locator("#tab-unit").click()
    expect(rows).to_have_count(2)
    claim = rows.first.get_by_role("button", name="Nhận việc")
    expect(claim).to_be_visible()
    shot(page, "inbox_tablet")
    claim.click()
    expect(page).to_have_url(f"{live_url}/tasks/{scene.tasks['overdue']}")
    assert scene.tasks["overdue"] in [r.task_id for r in engine.inbox_page(actor=me, view="mine").rows]
