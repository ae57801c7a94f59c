"""The period dashboard in Chromium: progress, filters, "Nhắc ngay", and a unit's drill-down."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import ConsoleMessage, Page, expect

from engine import FrozenClock, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.web.test_period_pages import SUMMARY_A, build_scene, commune_a_reports


def test_focal_officer_follows_the_period_and_drills_into_a_late_unit(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    scene = build_scene(engine, clock)
    commune_a_reports(scene)
    scene.sweep(date(2025, 1, 21), date(2025, 2, 10))  # Hảo Đước is late; the letter went out
    problems: list[str] = []
    page.on("console", lambda message: _note(message, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_url, "daumoi")
    page.goto(f"{live_url}/periods/")
    page.get_by_role("link", name="Năm 2024").click()
    expect(page.get_by_role("heading", name="Theo dõi kỳ báo cáo Năm 2024")).to_be_visible()
    expect(page.locator("#accepted-progress")).to_have_attribute("value", "1")
    expect(page.locator("#accepted-progress")).to_have_attribute("max", "2")
    rows = page.locator("#units tbody tr")
    expect(rows).to_have_count(2)
    late = page.locator(f'#units tr[data-unit-id="{scene.commune_b}"]')
    expect(late).to_contain_text("Chưa hoàn thành, quá hạn")
    expect(late).to_contain_text("Công văn đôn đốc")
    expect(page.locator("#chart-status svg")).to_be_visible()
    shot(page, "dashboard")

    # Choosing a status applies at once (periods.js); the choice stays selected.
    page.get_by_label("Tình trạng").select_option("completed_on_time")
    expect(rows).to_have_count(1)
    expect(page.locator(f'#units tr[data-unit-id="{scene.commune_a}"]')).to_be_visible()
    expect(page.get_by_label("Tình trạng")).to_have_value("completed_on_time")
    page.get_by_role("link", name="Bỏ lọc").click()
    expect(rows).to_have_count(2)

    late.get_by_role("button", name="Nhắc ngay").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhắc UBND xã Hảo Đước hoàn thành báo cáo.")
    expect(page.locator(f'#units tr[data-unit-id="{scene.commune_b}"]')).to_contain_text("Đôn đốc trực tiếp")

    page.get_by_role("link", name="UBND xã Hảo Đước").click()
    expect(page.get_by_role("heading", name="Báo cáo của UBND xã Hảo Đước")).to_be_visible()
    chases = page.locator("#escalations li")
    expect(chases).to_have_count(4)
    expect(chases.nth(2)).to_contain_text("Công văn đôn đốc")
    expect(chases.nth(3)).to_contain_text("Lê Thị Đầu Mối")  # the hand-made chase names who did it
    shot(page, "unit_report")
    page.get_by_role("link", name="Xem công văn").click()
    expect(page.locator("#document-record")).to_contain_text("UBND xã Hảo Đước")
    expect(page.locator("#document-record")).to_contain_text("05/02/2025")

    page.goto(f"{live_url}/periods/{scene.period_id}/units/{scene.commune_a}")
    expect(page.locator("#report-summary")).to_have_text(SUMMARY_A)
    assert problems == []


def _note(message: ConsoleMessage, problems: list[str]) -> None:
    # Anything the content security policy refuses (an inline style or script) is a defect of the page.
    if "Content Security Policy" in message.text:
        problems.append(message.text)
