"""The form editor in Chromium: typing a new label updates the preview without reloading the page."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from engine import SYSTEM, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.conftest import Org

OLD_LABEL = "Kết quả thực hiện"
NEW_LABEL = "Kết quả đạt được trong kỳ"


def select_in_textarea(page: Page, text: str) -> None:
    """Select the first occurrence of ``text`` in the YAML editor, as a mouse drag would."""
    page.locator("#form-source").evaluate(
        """(area, text) => {
            const start = area.value.indexOf(text);
            area.focus();
            area.setSelectionRange(start, start + text.length);
        }""",
        text,
    )


def test_the_preview_follows_the_typing_and_the_saved_version_is_used(
    engine: WorkflowEngine, org: Org, live_url: str, page: Page
) -> None:
    refused: list[str] = []  # anything the content security policy blocked, and script errors

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    page.on("pageerror", lambda error: refused.append(str(error)))
    sign_in(page, live_url, "admin")
    page.get_by_role("link", name="Biểu mẫu").click()
    expect(page.get_by_role("heading", name="Biểu mẫu")).to_be_visible()
    page.get_by_role("link", name="unit_report_draft").click()
    preview = page.locator("#form-preview")
    expect(preview.get_by_label(OLD_LABEL)).to_be_visible()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    # The administrator types the new label over the old one in the YAML.
    select_in_textarea(page, f'title: "{OLD_LABEL}"')
    page.keyboard.type(f'title: "{NEW_LABEL}"', delay=15)
    expect(preview.get_by_label(NEW_LABEL)).to_be_visible()
    expect(preview.get_by_label(OLD_LABEL)).to_have_count(0)
    expect(page.locator("#preview-status")).to_have_text("Bản xem trước đã cập nhật.")
    assert page.evaluate("window.sameDocument") is True
    shot(page, "forms_editor")

    # A mistake shows at once, with its line; fixing it brings the form back.
    select_in_textarea(page, "widget: textarea, rows: 6")
    page.keyboard.type("widget: slider, rows: 6")
    expect(preview.locator(".preview-errors")).to_contain_text("Dòng 89")
    expect(page.locator("#form-source")).to_have_attribute("aria-invalid", "true")
    select_in_textarea(page, "widget: slider, rows: 6")
    page.keyboard.type("widget: textarea, rows: 6")
    expect(preview.get_by_label(NEW_LABEL)).to_be_visible()
    assert page.evaluate("window.sameDocument") is True

    page.get_by_role("button", name="Lưu phiên bản mới").click()
    expect(page.get_by_text("Đã lưu phiên bản 1.")).to_be_visible()
    expect(page.get_by_role("cell", name="Admin")).to_be_visible()
    assert engine.task_form("unit_report_draft", actor=SYSTEM).fields[0].label == NEW_LABEL
    assert refused == []
