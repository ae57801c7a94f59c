"""The BPMN modeler in Chromium: draw, save, deploy and start; a broken diagram; a changed timer.

The modeler is bpmn-js with its properties panel, built by ``make setup`` into web/static/build;
these tests click in the diagram, the context pad, the replace menu and the properties panel as an
administrator would.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from engine import SYSTEM, FrozenClock, WorkflowEngine
from tests.browser.conftest import shot
from tests.browser.notifications_test import sign_in
from tests.browser.story_test import sign_out
from tests.scene import District, add_user, build_district

BUILD = Path(__file__).resolve().parents[2] / "web" / "static" / "build" / "modeler.js"


@pytest.fixture(autouse=True)
def built_modeler() -> None:
    """The modeler's script comes from ``make setup``; under CI its absence is a failure."""
    if not BUILD.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("web/static/build/modeler.js is missing under CI=true (make setup builds it)")
        pytest.skip("the modeler is not built (make setup)")


def district_with_admin(engine: WorkflowEngine, clock: FrozenClock) -> District:
    scene = build_district(engine, clock)
    scene.users["quan.tri"] = add_user(engine, "quan.tri", "Quản Trị Viên", scene.district, "admin")
    return scene


def open_modeler(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#modeler")).to_have_attribute("data-ready", "true", timeout=20000)


def select(page: Page, element_id: str) -> None:
    """Click an element in the diagram until its context pad shows (a click may first end an edit)."""
    shape = page.locator(f'.djs-element[data-element-id="{element_id}"]').first
    pad = page.locator(".djs-context-pad.open")
    for _attempt in range(3):
        shape.click()
        try:
            expect(pad).to_be_visible(timeout=2000)
            return
        except AssertionError:
            continue
    expect(pad).to_be_visible()


def open_group(page: Page, title: str) -> None:
    header = page.locator(".bio-properties-panel-group-header", has_text=title).first
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def status(page: Page) -> Locator:
    return page.locator("[data-status]")


def test_draw_a_user_task_with_a_form_key_save_deploy_and_start(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    scene = district_with_admin(engine, clock)
    sign_in(page, live_url, "quan.tri")
    page.get_by_role("link", name="Quy trình", exact=True).first.click()
    page.get_by_role("link", name="Vẽ quy trình mới").click()
    expect(page.locator("#modeler")).to_have_attribute("data-ready", "true", timeout=20000)
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark stays

    # Start event -> append a task -> make it a user task.
    select(page, "start")
    page.locator('.djs-context-pad [data-action="append.append-task"]').click()
    page.keyboard.press("Escape")  # leave the label editor the new task opens with
    page.locator('.djs-context-pad [data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()
    expect(page.locator(".bio-properties-panel-header-type")).to_contain_text("User Task", ignore_case=True)
    open_group(page, "General")
    task_id = page.locator("#bio-properties-panel-id").input_value()
    assert task_id.startswith("Activity_")
    page.locator("#bio-properties-panel-name").fill("Soạn báo cáo thử")
    open_group(page, "User assignment")
    page.locator("#bio-properties-panel-candidateGroups").fill("drafter")
    open_group(page, "Forms")
    page.locator("#bio-properties-panel-formType").select_option("formKey")
    page.locator("#bio-properties-panel-formKey").fill("unit_report_draft")
    page.keyboard.press("Tab")
    # ... then an end event after it.
    select(page, task_id)
    page.locator('.djs-context-pad [data-action="append.end-event"]').click()

    page.get_by_role("button", name="Kiểm tra").click()
    expect(status(page)).to_contain_text("Sơ đồ hợp lệ")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(status(page)).to_contain_text("Đã lưu bản nháp")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    expect(status(page)).to_contain_text("Đã triển khai phiên bản 1")
    shot(page, "modeler_new_process")

    # The process page: version 1, then start an instance for the commune.
    page.locator("[data-deployed-link]").click()
    expect(page.locator("table.versions tbody tr")).to_have_count(1)
    page.locator("#start-unit").select_option(str(scene.communes[0]))
    page.get_by_role("button", name="Khởi chạy", exact=True).click()
    waiting = page.locator("table.waiting")
    expect(waiting).to_contain_text("Soạn báo cáo thử")
    expect(waiting).to_contain_text("unit_report_draft")
    expect(waiting).to_contain_text("UBND xã Thái Bình")
    shot(page, "modeler_instance_started")
    sign_out(page)

    # The commune's drafter finds it in the inbox and the form is the report form.
    sign_in(page, live_url, "xa.soan")
    page.goto(f"{live_url}/inbox/")
    page.get_by_role("link", name="Soạn báo cáo thử").click()
    expect(page.get_by_label("Kết quả thực hiện")).to_be_visible()


def test_a_broken_diagram_shows_its_error_on_the_element_and_nothing_is_deployed(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    district_with_admin(engine, clock)
    before = [v.version for v in engine.process_detail("unit_report", actor=SYSTEM).versions]
    sign_in(page, live_url, "quan.tri")
    open_modeler(page, f"{live_url}/quy-trinh/unit_report/sua")

    select(page, "remind_head")
    open_group(page, "Timer")
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    value.fill("sau ba ngày làm việc")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()

    expect(status(page)).to_contain_text("remind_head")
    badge = page.locator('.pc-problem-badge.error[data-element="remind_head"]')
    expect(badge).to_be_visible()
    expect(page.locator('.djs-element[data-element-id="remind_head"]').first).to_have_class(
        re.compile("pc-error")
    )
    expect(page.locator('li.problem.error[data-element="remind_head"]')).to_be_visible()
    shot(page, "modeler_error_on_element")
    after = [v.version for v in engine.process_detail("unit_report", actor=SYSTEM).versions]
    assert after == before


def test_a_changed_reminder_timer_is_used_by_the_next_period_while_the_open_one_keeps_its_version(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    scene = district_with_admin(engine, clock)
    old_instances = [r.id for r in engine.list_instances("unit_report", actor=SYSTEM)]
    assert len(old_instances) == 2
    old_due = {t.task_name: t.due_at for t in engine.list_timers(old_instances[0], actor=SYSTEM)}

    # The administrator moves the drafter's reminder from 3 to 5 working days before the deadline.
    sign_in(page, live_url, "quan.tri")
    open_modeler(page, f"{live_url}/quy-trinh/unit_report/sua")
    select(page, "remind_drafter")
    open_group(page, "Timer")
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    expect(value).to_have_value("working_days_before(unit_deadline, 3)")
    value.fill("working_days_before(unit_deadline, 5)")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Triển khai phiên bản mới").click()
    expect(status(page)).to_contain_text("Đã triển khai phiên bản 2")
    expect(page.locator("h1")).to_contain_text("đã triển khai phiên bản 2")
    shot(page, "modeler_timer_changed")

    page.goto(f"{live_url}/quy-trinh/unit_report/so-sanh?cu=1&moi=2")
    expect(page.locator(".diff.changed")).to_contain_text("remind_drafter")
    expect(page.locator(".diff.changed")).to_contain_text("working_days_before(unit_deadline, 5)")
    sign_out(page)

    # The focal officer opens the next period through the plan's page; a worker runs the job.
    sign_in(page, live_url, "huyen.daumoi")
    page.goto(f"{live_url}/ke-hoach/{scene.plan_id}/mo-ky-bao-cao")
    page.get_by_label("Tên kỳ báo cáo").fill("6 tháng đầu năm 2025")
    page.get_by_label("Năm báo cáo").fill("2025")
    page.get_by_label("Ngày chốt số liệu").fill("15/06/2025")
    page.get_by_label("Hạn các đơn vị gửi báo cáo").fill("20/06/2025")
    page.get_by_label("Hạn đơn vị đầu mối tổng hợp").fill("27/06/2025")
    page.locator("#period-form button[type=submit], form.period-form button[type=submit]").first.click()
    for job_id in engine.due_job_ids():
        engine.run_job(job_id)
    expect(page.locator(".job-status")).to_contain_text("Hoàn thành", timeout=15000)
    sign_out(page)

    # Each version's instances, as the administrator sees them.
    sign_in(page, live_url, "quan.tri")
    page.goto(f"{live_url}/quy-trinh/unit_report")
    running = page.locator("table.running tbody tr")
    expect(running).to_have_count(4)
    rows = engine.list_instances("unit_report", actor=SYSTEM)
    new_instances = [r.id for r in rows if r.version == 2]
    assert sorted(r.id for r in rows if r.version == 1) == sorted(old_instances)
    assert len(new_instances) == 2
    shot(page, "modeler_versions_after_new_period")

    new_due = {t.task_name: t.due_at for t in engine.list_timers(new_instances[0], actor=SYSTEM)}
    # 20/06/2025 is a Friday: 5 working days before is Friday 13/06, where 3 would be Tuesday 17/06.
    assert _local_day(new_due["remind_drafter"]) == date(2025, 6, 13)
    assert _local_day(old_due["remind_drafter"]) == date(2025, 1, 24)  # 3 working days before 05/02/2025
    still_old = {t.task_name: t.due_at for t in engine.list_timers(old_instances[0], actor=SYSTEM)}
    assert still_old == old_due

    page.goto(f"{live_url}/quy-trinh/phien/{new_instances[0]}")
    expect(page.locator("h1")).to_contain_text("phiên bản 2")
    expect(page.locator("main")).to_contain_text("remind_drafter · 13/06/2025")
    page.goto(f"{live_url}/quy-trinh/phien/{old_instances[0]}")
    expect(page.locator("h1")).to_contain_text("phiên bản 1")
    expect(page.locator("main")).to_contain_text("remind_drafter · 24/01/2025")


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


MIWG = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn_miwg"


def test_a_model_from_another_tool_is_imported_drawn_with_its_warnings_and_saved_whole(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    district_with_admin(engine, clock)
    sign_in(page, live_url, "quan.tri")
    page.goto(f"{live_url}/quy-trinh/nhap-tep")
    page.set_input_files("#f-file", str(MIWG / "C.1.0.bpmn"))
    page.get_by_role("button", name="Đọc tệp").click()
    report = page.locator(".import-report")
    expect(report).to_contain_text("Kết quả đọc tệp C.1.0.bpmn")
    expect(report.locator("li.problem.warning").first).to_be_visible()
    shot(page, "modeler_import_report")

    page.get_by_role("link", name="Mở bản nháp trong trang sửa sơ đồ").click()
    expect(page.locator("#modeler")).to_have_attribute("data-ready", "true", timeout=20000)
    # A draft is checked as soon as it opens: its warnings sit on their elements.
    expect(page.locator(".pc-problem-badge.warning").first).to_be_visible()
    expect(page.locator("[data-status]")).to_contain_text("cảnh báo")
    shot(page, "modeler_imported_draft")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator("[data-status]")).to_contain_text("Đã lưu bản nháp")
    [summary] = [p for p in engine.list_processes(actor=SYSTEM) if p.has_draft]
    saved = engine.diagram_source(summary.key, actor=SYSTEM).xml
    # Saved by bpmn-js in the browser: the Signavio and W4 extension elements are still there.
    original = (MIWG / "C.1.0.bpmn").read_text(encoding="utf-8")
    for marker in ("signavio:signavioMetaData", "w4graph:"):
        assert marker in original
        assert saved.count(marker) == original.count(marker), marker


@pytest.mark.parametrize("name", sorted(p.name for p in MIWG.glob("*.bpmn")))
def test_every_reference_model_is_drawn_by_the_modeler(
    engine: WorkflowEngine, org: object, live_url: str, page: Page, name: str
) -> None:
    imported = engine.import_bpmn((MIWG / name).read_bytes(), filename=name, actor=SYSTEM)
    assert imported.draft_key
    sign_in(page, live_url, "admin")
    page.goto(f"{live_url}/quy-trinh/{imported.draft_key}/sua")
    expect(page.locator("#modeler")).to_have_attribute("data-ready", "true", timeout=20000)
    expect(page.locator(".djs-element").first).to_be_attached()


def test_running_reports_are_moved_to_the_new_version_after_a_preview(
    engine: WorkflowEngine, clock: FrozenClock, live_url: str, page: Page
) -> None:
    district_with_admin(engine, clock)
    source = (
        Path(__file__).resolve().parents[2] / "workflows" / "unit_report" / "unit_report.bpmn"
    ).read_text(encoding="utf-8")
    engine.deploy_definition(
        source.replace("working_days_before(unit_deadline, 3)", "working_days_before(unit_deadline, 5)"),
        actor=SYSTEM,
    )
    running = [r.id for r in engine.list_instances("unit_report", actor=SYSTEM)]
    assert len(running) == 2

    sign_in(page, live_url, "quan.tri")
    page.goto(f"{live_url}/quy-trinh/unit_report")
    page.get_by_role("link", name="Chuyển phiên chạy").click()
    preview = page.locator("table.migration tbody tr")
    expect(preview).to_have_count(2)
    expect(preview.first).to_contain_text("Soạn báo cáo")
    expect(preview.first).to_contain_text("Được")
    shot(page, "modeler_migration_preview")
    page.get_by_role("button", name="Chuyển các phiên chạy đã chọn").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã chuyển 2 phiên chạy sang phiên bản 2")
    expect(page.locator("main")).to_contain_text("Không có phiên chạy nào đang ở phiên bản 1")

    page.goto(f"{live_url}/quy-trinh/phien/{running[0]}")
    expect(page.locator("h1")).to_contain_text("phiên bản 2")
    expect(page.locator("main")).to_contain_text("remind_drafter · 22/01/2025")  # 5 working days before 05/02
    entries = engine.list_audit(actor=SYSTEM, action="instance.migrated", limit=10)
    assert sorted(int(e.object_id) for e in entries) == sorted(running)
