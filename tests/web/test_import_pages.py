"""The task-table import pages and the consolidation workbook download, through the real engine.

A focal officer uploads Tây Ninh's plan, reads the preview, corrects a unit, a timeframe and a
row, checks again and saves; bad files are answered on the upload page with a Vietnamese message
and leave the plan as it was.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from html.parser import HTMLParser

import openpyxl
import pytest
from flask.testing import FlaskClient

from engine import SYSTEM, FrozenClock, UserInfo, WorkflowEngine
from engine.plan_results import SectionInput, TaskInput, UnitRef
from tests.conftest import Org
from tests.engine.test_plan_import import TAY_NINH_CONTENTS, Place, make_place
from tests.fixtures import plan_docx as fx
from tests.web.test_pages import _client, sign_in, token
from tests.web.test_period_pages import build_scene, commune_a_reports


class FormReader(HTMLParser):
    """The fields of one form as a browser submits them: checked boxes and radios, selected options."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form_class in a.get("class", "").split():
            self.inside = True
        if not self.inside:
            return
        kind = a.get("type", "text")
        if tag == "input" and "name" in a and kind not in ("submit", "button", "checkbox", "radio"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and kind in ("checkbox", "radio") and "checked" in a:
            self.fields[a["name"]] = a.get("value", "on")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None:
            self.fields.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_of(page: str) -> dict[str, str]:
    reader = FormReader("import-preview")
    reader.feed(page)
    return reader.fields


def name_index(fields: dict[str, str], written: str) -> int:
    [index] = [
        int(m.group(1))
        for k, v in fields.items()
        if (m := re.fullmatch(r"names\.(\d+)\.name", k)) and v == written
    ]
    return index


@pytest.fixture
def place(engine: WorkflowEngine, org: Org, make_user: Callable[..., UserInfo]) -> Place:
    place = make_place(
        engine,
        make_user,
        "UBND tỉnh Tây Ninh",
        (
            "Sở Thông tin và Truyền thông",
            "Công an tỉnh",
            "Sở Kế hoạch và Đầu tư",
            "Sở Tài chính",
            "Sở Nội vụ",
            "Đài Phát thanh - Truyền hình tỉnh",
            "Báo Tây Ninh",
        ),
        ("UBND huyện Châu Thành", "UBND thành phố Tây Ninh"),
        {"Các Sở, Ban, ngành": "department", "UBND các huyện, thành phố": "district"},
        province_id=org.province.id,
        focal_id=org.focal.id,
        officer=org.focal_officer.id,
    )
    engine.set_plan_tasks(
        place.plan_id,
        [
            SectionInput(
                "A", "Có sẵn", (TaskInput("Việc cũ", "Hàng năm", lead=(UnitRef(unit_id=org.focal.id),)),)
            )
        ],
        actor=place.officer,
    )
    return place


def officer_client(engine: WorkflowEngine) -> FlaskClient:
    client = _client(engine)
    assert sign_in(client, "daumoi").status_code == 302
    return client


def upload(client: FlaskClient, plan_id: int, data: bytes, filename: str, mode: str = "replace"):  # type: ignore[no-untyped-def]
    path = f"/ke-hoach/{plan_id}/nhap-bang"
    return client.post(
        path,
        data={"csrf_token": token(client, path), "mode": mode, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_upload_preview_correct_check_again_and_save(engine: WorkflowEngine, place: Place) -> None:
    client = officer_client(engine)
    form_page = client.get(f"/ke-hoach/{place.plan_id}/nhap-bang")
    assert form_page.status_code == 200
    assert 'type="file" name="file"' in form_page.get_data(as_text=True)
    response = upload(client, place.plan_id, fx.tay_ninh_docx(), "KH 14-CT-TTg.docx")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "16 nhiệm vụ sẽ được lưu" in page
    assert "Kế hoạch đang có 1 nhiệm vụ." in page
    assert "Chưa có trong danh sách" in page  # "Dài PTTTH tỉnh"
    assert "Khớp gần đúng, hãy kiểm tra" in page  # "Đài PTTH tỉnh"
    assert "Đọc là: Có thời hạn, đến 15/12/2019, và khi có sự thay đổi về thông tin đầu mối" in page
    assert 'style="' not in page
    assert "<script>" not in page
    fields = form_of(page)
    assert fields["filename"] == "KH 14-CT-TTg.docx"
    assert fields["mode"] == "replace"
    assert fields["sections.1.rows.0.content"] == TAY_NINH_CONTENTS[3]
    assert fields["sections.1.rows.0.lead"] == (
        "Đài PTTH tỉnh\nBáo Tây Ninh\ncác Sở, Ban, ngành\nUBND các huyện, thành phố"
    )
    typo = name_index(fields, "Dài PTTTH tỉnh")
    assert fields[f"names.{typo}.action"] == "new_unit"
    # The user maps the typing slip to the real unit, changes a timeframe and leaves a row out.
    fields[f"names.{typo}.action"] = "existing"
    fields[f"names.{typo}.target"] = "Đài Phát thanh - Truyền hình tỉnh"
    fields["sections.0.rows.2.timeframe"] = "Quý III-IV/2024"
    fields["sections.5.rows.1.skip"] = "1"
    path = f"/ke-hoach/{place.plan_id}/nhap-bang/xac-nhan"
    checked = client.post(path, data={**fields, "op": "review"})
    assert checked.status_code == 200
    again = checked.get_data(as_text=True)
    assert "Đọc là: Theo quý, từ 01/07/2024 đến 31/12/2024" in again
    assert "15 nhiệm vụ sẽ được lưu" in again
    fields = form_of(again)
    assert fields[f"names.{typo}.target"] == "Đài Phát thanh - Truyền hình tỉnh"
    assert fields["sections.5.rows.1.skip"] == "1"
    assert engine.get_plan(place.plan_id, actor=SYSTEM).tasks[0].content == "Việc cũ"  # nothing saved yet
    saved = client.post(path, data={**fields, "op": "save"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/ke-hoach/{place.plan_id}")
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã nhập 15 nhiệm vụ từ tệp KH 14-CT-TTg.docx." in shown
    tasks = engine.get_plan(place.plan_id, actor=SYSTEM).tasks
    assert len(tasks) == 15
    assert [t.content for t in tasks] == TAY_NINH_CONTENTS[:-1]
    assert (tasks[2].timeframe_text, tasks[2].timeframe["kind"]) == ("Quý III-IV/2024", "quarter_range")
    assert tasks[4].lead == (("Đài Phát thanh - Truyền hình tỉnh", ""),)
    assert tasks[3].lead[0] == ("Đài Phát thanh - Truyền hình tỉnh", "")


def test_a_wrong_correction_is_shown_beside_its_field_and_nothing_is_saved(
    engine: WorkflowEngine, place: Place
) -> None:
    client = officer_client(engine)
    before = engine.get_plan(place.plan_id, actor=SYSTEM)
    fields = form_of(upload(client, place.plan_id, fx.tay_ninh_docx(), "a.docx").get_data(as_text=True))
    typo = name_index(fields, "Dài PTTTH tỉnh")
    fields[f"names.{typo}.action"] = "existing"
    fields[f"names.{typo}.target"] = "Đài Không Có"
    fields["sections.0.rows.0.content"] = " "
    response = client.post(f"/ke-hoach/{place.plan_id}/nhap-bang/xac-nhan", data={**fields, "op": "save"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bảng nhiệm vụ chưa được lưu" in page
    assert f'id="error-names.{typo}.target">Không tìm thấy đơn vị hoặc nhóm đơn vị.' in page
    assert 'id="error-sections.0.rows.0.content">Trường này là bắt buộc.' in page
    assert form_of(page)[f"names.{typo}.target"] == "Đài Không Có"  # what was typed is kept
    assert engine.get_plan(place.plan_id, actor=SYSTEM) == before


@pytest.mark.parametrize(
    ("kind", "make", "message"),
    [
        ("not a docx", lambda: "STT;Nội dung\n1;Rà soát".encode(), "Tệp không phải tài liệu Word (.docx)"),
        ("no table", fx.docx_without_task_table, "Không tìm thấy bảng nhiệm vụ trong tệp"),
        ("encrypted", fx.encrypted_ooxml, "Tệp được bảo vệ bằng mật khẩu (đã mã hóa) nên không đọc được."),
    ],
)
def test_bad_files_get_a_clear_message_and_leave_the_plan_as_it_was(
    engine: WorkflowEngine, place: Place, kind: str, make: Callable[[], bytes], message: str
) -> None:
    client = officer_client(engine)
    before = engine.get_plan(place.plan_id, actor=SYSTEM)
    response = upload(client, place.plan_id, make(), f"{kind}.docx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="error" role="alert" id="error-file">([^<]*)</p>', page)
    assert error is not None
    assert message in error.group(1)
    assert 'aria-invalid="true" aria-describedby="error-file"' in page
    assert engine.get_plan(place.plan_id, actor=SYSTEM) == before
    missing = client.post(
        f"/ke-hoach/{place.plan_id}/nhap-bang",
        data={"csrf_token": token(client, f"/ke-hoach/{place.plan_id}/nhap-bang")},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    assert "Hãy chọn tệp cần nhập." in missing.get_data(as_text=True)


def test_only_the_drafts_editors_reach_the_import(engine: WorkflowEngine, place: Place, org: Org) -> None:
    path = f"/ke-hoach/{place.plan_id}/nhap-bang"
    commune = _client(engine)
    assert sign_in(commune, "xa.soan").status_code == 302
    assert commune.get(path).status_code == 404
    drafter = engine.create_user("so.soan", "Soạn", password="secret-pass", actor=SYSTEM)
    engine.grant_role(drafter.id, org.focal.id, "drafter", actor=SYSTEM)
    colleague = _client(engine)
    assert sign_in(colleague, "so.soan").status_code == 302
    assert colleague.get(path).status_code == 403
    assert (
        colleague.post(f"{path}/xac-nhan", data={"csrf_token": token(colleague, "/inbox/")}).status_code
        == 403
    )


def test_the_consolidation_downloads_as_a_workbook(engine: WorkflowEngine, clock: FrozenClock) -> None:
    scene = build_scene(engine, clock)
    commune_a_reports(scene)
    client = scene.client("daumoi")
    path = f"/periods/{scene.period_id}/tong-hop.xlsx"
    page = client.get(f"/periods/{scene.period_id}/tong-hop").get_data(as_text=True)
    assert f'id="xlsx-link" href="{path}"' in page
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="tong-hop-ky-bao-cao-{scene.period_id}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "Tổng quan",
        "Đơn vị - tình trạng",
        "Nhiệm vụ",
        "Nhiệm vụ × đơn vị",
        "Chỉ tiêu",
    ]
    assert book["Chỉ tiêu"]["B6"].value == "Số buổi tuyên truyền"
    assert scene.client("a.soan").get(path).status_code == 404
