"""Document pages and the API offer each PDF to whoever may see it, through the real engine.

The consolidated report is queued from its page, rendered by the background job (run here the way
the worker runs it), followed on the page until done, then offered and kept with its period.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine import FrozenClock, WorkflowEngine
from tests.engine.test_documents_pdf import Cycle, build_cycle
from tests.web.test_api import Api, conforms, error_of
from tests.web.test_pages import _client, sign_in, token


@pytest.fixture
def cycle(engine: WorkflowEngine, clock: FrozenClock, db_url: str) -> Cycle:
    return build_cycle(engine, clock, db_url)


def as_user(engine: WorkflowEngine, login: str) -> FlaskClient:
    client = _client(engine)
    assert sign_in(client, login).status_code == 302
    return client


def is_pdf(response: TestResponse, filename: str) -> bytes:
    """Assert an inline PDF named ``filename`` that no cache keeps; return its bytes."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"inline; filename={filename}"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    return data


def test_each_pdf_is_offered_to_whoever_sees_its_page(engine: WorkflowEngine, cycle: Cycle) -> None:
    police = as_user(engine, "congan.soan")
    is_pdf(police.get(f"/documents/ke-hoach/{cycle.plan_id}.pdf"), "ke-hoach-1-kh-2024.pdf")
    is_pdf(
        police.get(f"/documents/quyet-dinh/{cycle.plan_id}.pdf"),
        "quyet-dinh-phe-duyet-ke-hoach-1-kh-2024.pdf",
    )
    is_pdf(
        police.get(f"/documents/bao-cao/{cycle.period_id}/{cycle.police}.pdf"),
        "bao-cao-cong-an-tinh-nam-2024.pdf",
    )
    focal = as_user(engine, "daumoi")
    is_pdf(
        focal.get(f"/documents/bao-cao/{cycle.period_id}/{cycle.police}.pdf"),
        "bao-cao-cong-an-tinh-nam-2024.pdf",
    )
    silent = as_user(engine, "xa2.truong")
    letter = f"cong-van-don-doc-{cycle.letter_id}-ubnd-xa-hao-duoc.pdf"
    is_pdf(silent.get(f"/documents/{cycle.letter_id}.pdf"), letter)
    record = silent.get(f"/documents/{cycle.letter_id}")
    assert record.status_code == 200
    assert f'href="/documents/{cycle.letter_id}.pdf"' in record.get_data(as_text=True)
    # Others get the same 404 as for a page they may not see; nobody gets one without signing in.
    other = as_user(engine, "xa1.soan")
    for path in (
        f"/documents/ke-hoach/{cycle.draft_plan_id}.pdf",
        f"/documents/quyet-dinh/{cycle.draft_plan_id}.pdf",
        f"/documents/bao-cao/{cycle.period_id}/{cycle.police}.pdf",
        f"/documents/{cycle.letter_id}.pdf",
        f"/documents/tong-hop/{cycle.period_id}",
    ):
        assert other.get(path).status_code == 404, path
    assert focal.get(f"/documents/bao-cao/{cycle.period_id}/{cycle.communes[1]}.pdf").status_code == 404
    anonymous = _client(engine).get(f"/documents/ke-hoach/{cycle.plan_id}.pdf")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]


def test_the_consolidated_report_is_queued_followed_and_kept_with_its_period(
    engine: WorkflowEngine, cycle: Cycle
) -> None:
    focal = as_user(engine, "daumoi")
    page_path = f"/documents/tong-hop/{cycle.period_id}"
    page = focal.get(page_path).get_data(as_text=True)
    assert "Chưa xuất bản nào." in page
    assert 'http-equiv="refresh"' not in page
    refused = focal.post(page_path, data={})
    assert refused.status_code == 400  # no CSRF token: nothing queued
    assert engine.due_job_ids() == []
    queued = focal.post(page_path, data={"csrf_token": token(focal, page_path)})
    assert queued.status_code == 302
    match = re.search(r"cong-viec=(\d+)$", queued.headers["Location"])
    assert match, queued.headers["Location"]
    job_id = int(match.group(1))
    assert engine.due_job_ids() == [job_id]
    waiting = focal.get(queued.headers["Location"]).get_data(as_text=True)
    assert "Đang chờ xử lý" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert '<progress value="0" max="5"' in waiting
    assert engine.run_job(job_id) is not None  # what the background worker does
    done = focal.get(queued.headers["Location"]).get_data(as_text=True)
    assert "Đã xuất báo cáo tổng hợp." in done
    assert 'http-equiv="refresh"' not in done
    (kept,) = engine.consolidated_report_files(cycle.period_id, actor=cycle.users["focal"]).files
    assert f'href="/documents/tong-hop/tep/{kept.id}.pdf"' in done
    assert "Lê Thị Đầu Mối" in done
    assert f'<td class="num">{kept.pages}</td>' in done
    data = is_pdf(focal.get(f"/documents/tong-hop/tep/{kept.id}.pdf"), kept.filename)
    assert hashlib.sha256(data).hexdigest() == kept.sha256
    leader = as_user(engine, "phochutich")
    assert leader.get(page_path).status_code == 200
    is_pdf(leader.get(f"/documents/tong-hop/tep/{kept.id}.pdf"), kept.filename)
    outsider = as_user(engine, "congan.truong")
    assert outsider.get(page_path).status_code == 404
    assert outsider.post(page_path, data={"csrf_token": token(outsider, "/inbox/")}).status_code == 404
    assert outsider.get(f"/documents/tong-hop/tep/{kept.id}.pdf").status_code == 404
    assert engine.due_job_ids() == []


def test_the_api_offers_the_pdfs_and_the_render_job(engine: WorkflowEngine, cycle: Cycle) -> None:
    api = Api(_client(engine))
    plan = api.get("congan.soan", f"/plans/{cycle.plan_id}/pdf")
    assert plan.mimetype == "application/pdf"
    assert plan.get_data().startswith(b"%PDF-")
    decision = api.get("congan.soan", f"/plans/{cycle.plan_id}/decision/pdf")
    assert decision.status_code == 200
    assert decision.mimetype == "application/pdf"
    report = api.get("daumoi", f"/periods/{cycle.period_id}/units/{cycle.police}/pdf")
    assert report.status_code == 200
    assert report.mimetype == "application/pdf"
    letter = api.get("xa2.soan", f"/documents/{cycle.letter_id}/pdf")
    assert letter.status_code == 200
    assert letter.mimetype == "application/pdf"
    error_of(api.get("xa1.soan", f"/plans/{cycle.draft_plan_id}/pdf"), 404, "not_found")
    error_of(api.get("xa1.soan", f"/periods/{cycle.period_id}/units/{cycle.police}/pdf"), 404, "not_found")
    error_of(api.get("xa1.soan", f"/documents/{cycle.letter_id}/pdf"), 404, "not_found")
    error_of(api.post("xa1.soan", f"/periods/{cycle.period_id}/consolidated-reports"), 404, "not_found")

    queued = api.post("daumoi", f"/periods/{cycle.period_id}/consolidated-reports")
    assert queued.status_code == 202, queued.get_json()
    job = conforms(queued.get_json(), "Job")
    assert queued.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert (job["status"], job["kind"], job["total"]) == ("queued", "render_document", 5)
    error_of(api.get("xa1.soan", f"/jobs/{job['id']}"), 404, "not_found")
    assert engine.run_job(job["id"]) is not None
    followed = conforms(api.get("daumoi", f"/jobs/{job['id']}").get_json(), "Job")
    assert followed["status"] == "done"
    listed = conforms(
        api.get("phochutich", f"/periods/{cycle.period_id}/consolidated-reports").get_json(),
        "StoredDocumentList",
    )
    (item,) = listed["items"]
    assert item["id"] == followed["result"]["id"]
    assert item["job_id"] == job["id"]
    pdf = api.get("daumoi", item["pdf"].removeprefix("/api/v1"))
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.get_data()).hexdigest() == item["sha256"]
    error_of(api.get("congan.soan", item["pdf"].removeprefix("/api/v1")), 404, "not_found")
    error_of(api.get("congan.soan", f"/periods/{cycle.period_id}/consolidated-reports"), 404, "not_found")
