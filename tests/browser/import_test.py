"""The task-table import in Chromium: upload Bắc Giang's plan, correct the preview, save, read the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, expect

from engine import SYSTEM, UserInfo, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.engine.test_plan_import import make_place
from tests.fixtures import plan_docx as fx


def _note(message: ConsoleMessage, problems: list[str]) -> None:
    # Anything the content security policy refuses (an inline style or script) is a defect of the page;
    # so is a script error. (The browser's own request for /favicon.ico is not.)
    if "Content Security Policy" in message.text or (
        message.type == "error"
        and "favicon" not in message.text
        and "Failed to load resource" not in message.text
    ):
        problems.append(message.text)


def test_focal_officer_imports_bac_giang_corrects_a_unit_and_saves(
    engine: WorkflowEngine, make_user: Callable[..., UserInfo], live_url: str, page: Page, tmp_path: Path
) -> None:
    place = make_place(
        engine,
        make_user,
        "UBND tỉnh Bắc Giang",
        ("Sở Thông tin và Truyền thông", "Công an tỉnh", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"),
        ("UBND huyện Lục Ngạn", "UBND thành phố Bắc Giang"),
        {"UBND các huyện, thành phố": "district"},
        officer=None,
    )
    login = engine.get_user(place.officer, actor=SYSTEM).login
    document = tmp_path / "KH an ninh mang Bac Giang.docx"
    document.write_bytes(fx.bac_giang_docx())
    problems: list[str] = []
    page.on("console", lambda message: _note(message, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_url, login)
    page.goto(f"{live_url}/ke-hoach/{place.plan_id}/nhap-bang")
    expect(page.get_by_role("heading", name="Nhập bảng nhiệm vụ từ tệp")).to_be_visible()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(document))
    page.get_by_role("button", name="Đọc tệp và xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước bảng nhiệm vụ")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text("27 nhiệm vụ sẽ được lưu")
    shot(page, "import-preview")

    # "Chủ quản hệ thống thông tin" is proposed as a new unit: only the new unit's fields show.
    row = page.locator("tr.name-row", has_text="Chủ quản hệ thống thông tin")
    action = row.locator("select[data-action]")
    expect(action).to_have_value("new_unit")
    expect(row.locator('[name$=".level"]')).to_be_visible()
    expect(row.locator('[name$=".target"]')).to_be_hidden()
    # The user makes it a group of two departments instead.
    action.select_option("new_group")
    expect(row.locator('[name$=".level"]')).to_be_hidden()
    members = row.locator('[name$=".members"]')
    expect(members).to_be_visible()
    members.fill("Sở Thông tin và Truyền thông — UBND tỉnh Bắc Giang\nSở Tài chính")
    # "Bộ Chỉ huy Quân sự tỉnh" is left out; the row I.3 keeps its other coordinating units.
    page.locator("tr.name-row", has_text="Bộ Chỉ huy Quân sự tỉnh").locator(
        "select[data-action]"
    ).select_option("skip")
    skip = page.locator('[name="sections.0.rows.3.skip"]')
    skip.check()
    expect(page.locator(".import-row").nth(3)).to_have_class("import-row skipped")

    page.set_viewport_size({"width": 820, "height": 1100})  # a tablet held upright
    shot(page, "import-preview-tablet")
    page.get_by_role("button", name="Lưu vào kế hoạch").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Đã nhập 26 nhiệm vụ từ tệp KH an ninh mang Bac Giang.docx."
    )
    expect(page.get_by_role("status")).to_contain_text("Chủ quản hệ thống thông tin")
    expect(page.locator("main")).to_contain_text(
        "Xác định cấp độ và trách nhiệm bảo đảm an toàn hệ thống thông tin"
    )
    tasks = engine.get_plan(place.plan_id, actor=SYSTEM).tasks
    assert len(tasks) == 26
    assert tasks[11].lead == (("Chủ quản hệ thống thông tin", ""),)  # IV.1 (I.4 was left out)
    assert engine.find_units("Bộ Chỉ huy Quân sự tỉnh", actor=SYSTEM) == []
    assert problems == []
