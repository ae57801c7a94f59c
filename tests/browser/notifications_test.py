"""A drafter reads a notification, marks it read and chooses a daily digest, in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import WorkflowEngine
from tests.browser.conftest import shot
from tests.conftest import Org
from tests.engine.helpers import start_unit_report


def sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill("secret-pass")
    page.get_by_role("button", name="Đăng nhập").click()


def test_drafter_reads_notifications_and_chooses_a_digest(
    engine: WorkflowEngine, org: Org, live_url: str, page: Page
) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)  # "Việc mới" for the drafter
    sign_in(page, live_url, "xa.soan")
    badge = page.locator("#nav-notifications .badge")
    expect(badge).to_have_text("1")

    page.locator("#nav-notifications").click()
    expect(page.get_by_role("heading", name="Thông báo")).to_be_visible()
    note = page.locator("li.note").first
    expect(note).to_have_class("note unread")
    expect(note).to_contain_text("Việc mới: Soạn báo cáo")
    expect(note).to_contain_text("Hạn: 15/11/2024")
    shot(page, "notifications")

    page.locator("#mark-all-read").click()
    expect(page.locator("li.note").first).to_have_class("note read")
    expect(badge).to_have_count(0)
    assert engine.unread_count(actor=org.drafter.id) == 0

    page.get_by_role("link", name="Cài đặt nhận thư").click()
    page.get_by_label("Địa chỉ thư điện tử").fill("soan@@xa")
    page.get_by_label("Một thư tổng hợp mỗi ngày").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert").first).to_contain_text("không hợp lệ")
    expect(page.get_by_label("Địa chỉ thư điện tử")).to_have_value("soan@@xa")  # nothing lost
    expect(page.get_by_label("Một thư tổng hợp mỗi ngày")).to_be_checked()
    shot(page, "mail_settings_error")
    assert engine.get_mail_settings(org.drafter.id, actor=org.drafter.id).email is None

    page.get_by_label("Địa chỉ thư điện tử").fill("soan@xa.gov.vn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu cài đặt thư")
    saved = engine.get_mail_settings(org.drafter.id, actor=org.drafter.id)
    assert (saved.email, saved.mail_mode) == ("soan@xa.gov.vn", "digest")
