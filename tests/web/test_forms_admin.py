"""The form editor pages: administrators list, edit, preview and create forms; nobody else gets in."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

import forms
from engine import SYSTEM, WorkflowEngine
from tests.conftest import Org
from tests.engine.helpers import start_unit_report
from tests.web.test_pages import _client, sign_in, token

SHIPPED_DRAFT = (forms.DEFAULT_DIRECTORY / "unit_report_draft.yaml").read_text("utf-8")
NEW_LABEL = "Kết quả đạt được trong kỳ báo cáo"
RELABELLED = SHIPPED_DRAFT.replace('title: "Kết quả thực hiện"', f'title: "{NEW_LABEL}"')
BROKEN = RELABELLED.replace("widget: textarea, rows: 6", "widget: slider, rows: 6")
EDITOR = "/bieu-mau/unit_report_draft"
# The summary field exactly as the task page draws it (the preview must draw the same).
SUMMARY_CONTROL = '<textarea name="summary" rows="6"></textarea>'


def admin(engine: WorkflowEngine) -> FlaskClient:
    client = _client(engine)
    sign_in(client, "admin")
    return client


def textarea(page: str) -> str:
    match = re.search(r'<textarea id="form-source" name="source"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, page
    return html.unescape(match.group(1))


def test_an_administrator_lists_forms_and_sees_the_link(engine: WorkflowEngine, org: Org) -> None:
    client = admin(engine)
    page = client.get("/bieu-mau/").get_data(as_text=True)
    assert 'id="nav-forms"' in page
    assert "unit_report_draft" in page
    assert "Báo cáo kết quả thực hiện" in page
    assert "Tệp có sẵn" in page
    drafter = _client(engine)
    sign_in(drafter, "xa.soan")
    assert 'id="nav-forms"' not in drafter.get("/inbox/").get_data(as_text=True)


@pytest.mark.parametrize("login", ["xa.soan", "xa.truong", "daumoi"])
def test_others_are_refused_and_nothing_changes(engine: WorkflowEngine, org: Org, login: str) -> None:
    client = _client(engine)
    sign_in(client, login)
    csrf = token(client, "/inbox/")
    for path in ("/bieu-mau/", EDITOR, "/bieu-mau/moi", f"{EDITOR}?version=0"):
        assert client.get(path).status_code == 403, path
    posts = {
        EDITOR: {"source": RELABELLED, "action": "save"},
        f"{EDITOR}/xem-truoc": {"source": RELABELLED},
        "/bieu-mau/moi": {"key": "moi_hon", "source": RELABELLED.replace("unit_report_draft", "moi_hon")},
        "/bieu-mau/moi/xem-truoc": {"source": RELABELLED},
    }
    for path, data in posts.items():
        answer = client.post(path, data={**data, "csrf_token": csrf})
        assert answer.status_code == 403, path
        assert NEW_LABEL not in answer.get_data(as_text=True)
    assert engine.form_source("unit_report_draft", actor=SYSTEM).versions == ()
    assert client.get("/bieu-mau").status_code in (308, 403)  # the list lives at /bieu-mau/


def test_the_editor_shows_the_yaml_and_the_form_as_the_task_page_draws_it(
    engine: WorkflowEngine, org: Org
) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    drafter = _client(engine)
    sign_in(drafter, "xa.soan")
    task_page = drafter.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert SUMMARY_CONTROL in task_page

    page = admin(engine).get(EDITOR).get_data(as_text=True)
    assert textarea(page) == SHIPPED_DRAFT
    assert SUMMARY_CONTROL in page
    assert "Kết quả thực hiện" in page
    assert 'data-preview-url="/bieu-mau/unit_report_draft/xem-truoc"' in page
    assert "forms_editor.js" in page
    assert "Đang dùng tệp có sẵn" in page


def test_saving_makes_a_version_that_the_next_task_page_shows(engine: WorkflowEngine, org: Org) -> None:
    start_unit_report(engine, org.commune.id, org.focal.id)
    [task] = engine.list_inbox(actor=org.drafter.id)
    client = admin(engine)
    saved = client.post(
        EDITOR,
        data={"source": RELABELLED, "based_on": "0", "action": "save", "csrf_token": token(client, EDITOR)},
    )
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(EDITOR)
    page = client.get(EDITOR).get_data(as_text=True)
    assert "Đã lưu phiên bản 1." in page
    assert textarea(page) == RELABELLED
    assert "Phiên bản 1, bản đang dùng." in page
    assert "Admin" in page  # who saved it
    assert "Thay đổi so với tệp có sẵn" in page
    assert 'href="/bieu-mau/unit_report_draft?version=0"' in page

    drafter = _client(engine)
    sign_in(drafter, "xa.soan")
    task_page = drafter.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert NEW_LABEL in task_page

    again = client.post(
        EDITOR,
        data={"source": RELABELLED, "based_on": "1", "action": "save", "csrf_token": token(client, EDITOR)},
        follow_redirects=True,
    )
    assert "Không có thay đổi: phiên bản 1 vẫn là bản mới nhất." in again.get_data(as_text=True)
    old = client.get(f"{EDITOR}?version=0").get_data(as_text=True)
    assert textarea(old) == SHIPPED_DRAFT
    assert "Đang xem tệp có sẵn; bản đang dùng là phiên bản 1." in old
    assert client.get(f"{EDITOR}?version=9").status_code == 404


def test_an_invalid_text_is_refused_and_kept_in_the_editor(engine: WorkflowEngine, org: Org) -> None:
    client = admin(engine)
    answer = client.post(
        EDITOR,
        data={"source": BROKEN, "based_on": "0", "action": "save", "csrf_token": token(client, EDITOR)},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert textarea(page) == BROKEN
    assert "Dòng 89: layout[0]: kiểu hiển thị không hợp lệ" in html.unescape(page)
    assert engine.form_source("unit_report_draft", actor=SYSTEM).versions == ()


def test_someone_elses_save_meanwhile_keeps_the_text_and_says_so(engine: WorkflowEngine, org: Org) -> None:
    client = admin(engine)
    csrf = token(client, EDITOR)
    engine.save_form("unit_report_draft", SHIPPED_DRAFT.replace("Khó khăn", "Vướng mắc"), actor=SYSTEM)
    answer = client.post(
        EDITOR, data={"source": RELABELLED, "based_on": "0", "action": "save", "csrf_token": csrf}
    )
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert textarea(page) == RELABELLED
    assert "phiên bản mới hơn" in page
    assert len(engine.form_source("unit_report_draft", actor=SYSTEM).versions) == 1


def test_the_preview_address_answers_the_drawn_form_or_the_errors(engine: WorkflowEngine, org: Org) -> None:
    client = admin(engine)
    csrf = token(client, EDITOR)
    fragment = client.post(f"{EDITOR}/xem-truoc", data={"source": RELABELLED, "csrf_token": csrf})
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text
    assert NEW_LABEL in text
    assert SUMMARY_CONTROL in text
    assert "Khó khăn, vướng mắc" in text
    assert "Nhiệm vụ mẫu thứ nhất của kế hoạch" in text  # sample rows for a list fed by the plan
    refused = client.post(f"{EDITOR}/xem-truoc", data={"source": BROKEN, "csrf_token": csrf})
    assert 'data-state="invalid"' in refused.get_data(as_text=True)
    assert "Dòng 89" in refused.get_data(as_text=True)
    other_key = client.post(f"{EDITOR}/xem-truoc", data={"source": SHIPPED_DRAFT, "csrf_token": csrf})
    assert "Dòng 2" not in other_key.get_data(as_text=True)
    mismatch = client.post(
        "/bieu-mau/plan_draft/xem-truoc", data={"source": SHIPPED_DRAFT, "csrf_token": csrf}
    )
    assert "khác mã đang sửa" in mismatch.get_data(as_text=True)
    # Without the form's token, nothing is answered.
    assert client.post(f"{EDITOR}/xem-truoc", data={"source": RELABELLED}).status_code == 400


def test_the_preview_button_works_without_javascript_and_saves_nothing(
    engine: WorkflowEngine, org: Org
) -> None:
    client = admin(engine)
    answer = client.post(
        EDITOR,
        data={
            "source": RELABELLED,
            "based_on": "0",
            "action": "preview",
            "csrf_token": token(client, EDITOR),
        },
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert textarea(page) == RELABELLED
    assert NEW_LABEL in page
    assert engine.form_source("unit_report_draft", actor=SYSTEM).versions == ()


def test_a_new_form_is_created_under_a_free_key(engine: WorkflowEngine, org: Org) -> None:
    client = admin(engine)
    page = client.get("/bieu-mau/moi?key=bien_ban_hop").get_data(as_text=True)
    starter = textarea(page)
    assert starter.startswith("key: bien_ban_hop\n")
    assert 'name="key" value="bien_ban_hop"' in page
    assert "Nội dung" in page  # the starter's preview
    csrf = token(client, "/bieu-mau/moi")
    created = client.post(
        "/bieu-mau/moi", data={"key": "bien_ban_hop", "source": starter, "csrf_token": csrf}
    )
    assert created.status_code == 302
    assert created.headers["Location"].endswith("/bieu-mau/bien_ban_hop")
    assert "Đã lưu phiên bản 1 của biểu mẫu «bien_ban_hop»." in client.get("/bieu-mau/bien_ban_hop").get_data(
        as_text=True
    )
    assert "bien_ban_hop" in engine.known_form_keys()

    taken = client.post(
        "/bieu-mau/moi", data={"key": "unit_report_draft", "source": SHIPPED_DRAFT, "csrf_token": csrf}
    )
    assert taken.status_code == 422
    assert "Đã có biểu mẫu mã «unit_report_draft»" in taken.get_data(as_text=True)
    assert textarea(taken.get_data(as_text=True)) == SHIPPED_DRAFT
    bad = client.post("/bieu-mau/moi", data={"key": "Biên bản", "source": starter, "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'id="error-key"' in bad.get_data(as_text=True)
    reserved = client.post(
        "/bieu-mau/moi",
        data={"key": "moi", "source": starter.replace("bien_ban_hop", "moi"), "csrf_token": csrf},
    )
    assert reserved.status_code == 422
    assert "được dành riêng" in reserved.get_data(as_text=True)
    assert engine.list_audit(actor=SYSTEM, action="form.saved")[-1].details["key"] == "bien_ban_hop"
