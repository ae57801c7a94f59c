"""The inbox page: tabs with counts, search, order, pages, saved filters and claiming, end to end."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from engine import WorkflowEngine
from tests.engine.test_inbox import InboxScene, build_inbox_scene
from tests.web.test_pages import _client, sign_in, token
from web.inbox import views


@pytest.fixture
def scene(engine: WorkflowEngine) -> InboxScene:
    return build_inbox_scene(engine)


def signed_in(engine: WorkflowEngine, login: str) -> FlaskClient:
    client = _client(engine)
    assert sign_in(client, login).status_code == 302
    return client


def listed(page: str) -> list[int]:
    """The task ids of the rows, in the order shown."""
    return [int(i) for i in re.findall(r'<tr class="inbox-row" data-task="(\d+)"', page)]


def tab_counts(page: str) -> dict[str, int]:
    found = re.findall(r'id="tab-(\w+)"[^>]*>\s*[^<]+<span class="tab-count">(\d+)</span>', page)
    return {view: int(count) for view, count in found}


def test_tabs_show_the_counts_and_each_view_its_items(engine: WorkflowEngine, scene: InboxScene) -> None:
    client = signed_in(engine, "xa1.soan")
    t = scene.tasks
    page = client.get("/inbox/").get_data(as_text=True)
    assert tab_counts(page) == {"open": 3, "mine": 1, "unit": 2, "overdue": 1, "week": 2, "done": 1}
    assert re.search(r'id="nav-inbox">[^<]*<span class="badge"[^>]*>3</span>', page)
    assert 'aria-current="page">\n        Cần xử lý' in page
    assert listed(page) == [t["overdue"], t["today"], t["no_plan"]]
    expected = {
        "mine": [t["today"]],
        "unit": [t["overdue"], t["no_plan"]],
        "overdue": [t["overdue"]],
        "week": [t["overdue"], t["today"]],
        "done": [t["submitted"]],
    }
    for view, ids in expected.items():
        assert listed(client.get(f"/inbox/?view={view}").get_data(as_text=True)) == ids, view
    assert listed(client.get("/inbox/?view=nonsense").get_data(as_text=True)) == listed(page)
    assert listed(client.get("/").get_data(as_text=True)) == listed(page)  # the home page


def test_a_row_shows_plan_task_link_unit_deadline_label_and_sender(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    client = signed_in(engine, "xa1.soan")
    page = client.get("/inbox/?view=overdue").get_data(as_text=True)
    row = page[page.index('<tr class="inbox-row"') : page.index("</tr>", page.index('<tr class="inbox-row"'))]
    assert f'href="/tasks/{scene.tasks["overdue"]}"' in row
    assert "1/KH-UBND" in row
    assert "Kế hoạch triển khai Chỉ thị 14/CT-TTg" in row
    assert "Kỳ: Năm 2024" in row
    assert "UBND xã Thái Bình" in row
    assert 'class="deadline deadline-overdue"' in row
    assert "30/10/2024 17:00" in row
    assert '<span class="deadline-label">Quá hạn</span>' in row
    assert "Lê Thị Mai" in row
    assert f'action="/tasks/{scene.tasks["overdue"]}/nhan"' in row  # open to the unit: claim it
    mine = client.get("/inbox/?view=mine").get_data(as_text=True)
    assert "Sắp đến hạn" in mine
    assert "Bạn đã nhận việc này" in mine
    assert f'action="/tasks/{scene.tasks["today"]}/tra"' in mine
    assert "Hệ thống" in client.get("/inbox/?q=thai+binh&dir=desc").get_data(as_text=True)  # no sender
    done = client.get("/inbox/?view=done").get_data(as_text=True)
    assert "Hoàn thành đúng hạn" in done
    assert "sort-toggle" not in done


def test_search_sort_and_pages(
    engine: WorkflowEngine, scene: InboxScene, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in(engine, "xa1.soan")
    t = scene.tasks
    assert listed(client.get("/inbox/?q=1").get_data(as_text=True)) == [t["overdue"], t["today"]]
    assert listed(client.get("/inbox/?q=1%2FKH-UBND").get_data(as_text=True)) == [t["overdue"], t["today"]]
    assert listed(client.get("/inbox/?q=thai+binh").get_data(as_text=True)) == [
        t["overdue"],
        t["today"],
        t["no_plan"],
    ]
    assert listed(client.get("/inbox/?q=6+th%C3%A1ng+cu%E1%BB%91i").get_data(as_text=True)) == [t["today"]]
    nothing = client.get("/inbox/?q=hao+duoc").get_data(as_text=True)
    assert listed(nothing) == []
    assert "Không tìm thấy việc nào khớp với “hao duoc”" in nothing
    assert 'value="hao duoc"' in nothing  # the search stays in the box
    page = client.get("/inbox/?dir=desc").get_data(as_text=True)
    assert listed(page) == [t["no_plan"], t["today"], t["overdue"]]
    assert 'id="sort-toggle">gần nhất trước' in page
    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = client.get("/inbox/").get_data(as_text=True)
    assert listed(first) == [t["overdue"], t["today"]]
    assert "Trang 1/2" in first
    assert 'href="/inbox/?page=2" rel="next"' in first
    second = client.get("/inbox/?page=2").get_data(as_text=True)
    assert listed(second) == [t["no_plan"]]
    assert 'rel="prev"' in second
    assert listed(client.get("/inbox/?page=2&dir=desc").get_data(as_text=True)) == [t["overdue"]]
    assert listed(client.get("/inbox/?page=abc").get_data(as_text=True)) == [t["overdue"], t["today"]]


def test_a_search_too_long_says_why_and_keeps_the_text(engine: WorkflowEngine, scene: InboxScene) -> None:
    client = signed_in(engine, "xa1.soan")
    response = client.get("/inbox/?q=" + "x" * 201)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tối đa 200 ký tự." in page
    assert 'aria-invalid="true"' in page
    assert f'value="{"x" * 201}"' in page


def test_saved_filters_save_apply_replace_delete_and_stay_private(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    client = signed_in(engine, "xa1.soan")
    me = scene.users["xa1.soan"]
    form = {"csrf_token": token(client, "/inbox/"), "view": "week", "q": "thai binh", "dir": "desc"}
    saved = client.post("/inbox/bo-loc", data={**form, "name": "Tuần này ở Thái Bình"})
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/inbox/?view=week&q=thai+binh&dir=desc"
    (kept,) = engine.list_saved_filters(actor=me)
    assert kept.query == {"view": "week", "query": "thai binh", "sort": "deadline", "descending": True}
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu bộ lọc “Tuần này ở Thái Bình”." in page
    assert listed(page) == [scene.tasks["today"], scene.tasks["overdue"]]
    assert re.search(r'href="/inbox/\?view=week&amp;q=thai\+binh&amp;dir=desc"\s+aria-current="true"', page)
    # Elsewhere the filter is a link back to that view.
    other_view = client.get("/inbox/?view=done").get_data(as_text=True)
    assert 'href="/inbox/?view=week&amp;q=thai+binh&amp;dir=desc"' in other_view
    assert 'aria-current="true"' not in other_view

    bad = client.post("/inbox/bo-loc", data={**form, "name": "x" * 101})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Tên bộ lọc tối đa 100 ký tự." in text
    assert f'value="{"x" * 101}"' in text
    empty = client.post("/inbox/bo-loc", data={**form, "name": "  "})
    assert "Vui lòng đặt tên cho bộ lọc." in empty.get_data(as_text=True)
    assert len(engine.list_saved_filters(actor=me)) == 1

    stranger = signed_in(engine, "xa2.soan")
    assert "Tuần này ở Thái Bình" not in stranger.get("/inbox/").get_data(as_text=True)
    refused = stranger.post(f"/inbox/bo-loc/{kept.id}/xoa", data={"csrf_token": token(stranger, "/inbox/")})
    assert refused.status_code == 404
    assert len(engine.list_saved_filters(actor=me)) == 1

    deleted = client.post(f"/inbox/bo-loc/{kept.id}/xoa", data={**form})
    assert deleted.status_code == 302
    assert deleted.headers["Location"] == "/inbox/?view=week&q=thai+binh&dir=desc"
    assert engine.list_saved_filters(actor=me) == []
    assert "Đã xóa bộ lọc." in client.get(deleted.headers["Location"]).get_data(as_text=True)


def test_the_claim_button_takes_the_item(engine: WorkflowEngine, scene: InboxScene) -> None:
    client = signed_in(engine, "xa1.soan")
    me = scene.users["xa1.soan"]
    page = client.get("/inbox/?view=unit").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    version = re.search(
        rf'action="/tasks/{scene.tasks["no_plan"]}/nhan">.*?name="version" value="(\d+)"', page, re.S
    )
    assert version
    response = client.post(
        f"/tasks/{scene.tasks['no_plan']}/nhan",
        data={"csrf_token": csrf.group(1), "version": version.group(1)},
    )
    assert response.status_code == 302
    assert scene.tasks["no_plan"] in [r.task_id for r in engine.inbox_page(actor=me, view="mine").rows]
    assert listed(client.get("/inbox/?view=unit").get_data(as_text=True)) == [scene.tasks["overdue"]]


def test_another_unit_sees_none_of_it_and_empty_views_say_so(
    engine: WorkflowEngine, scene: InboxScene
) -> None:
    client = signed_in(engine, "xa2.soan")
    ours = set(scene.tasks.values())
    for view in ("open", "mine", "unit", "overdue", "week", "done"):
        page = client.get(f"/inbox/?view={view}").get_data(as_text=True)
        assert not ours & set(listed(page)), view
    assert "Bạn chưa hoàn thành việc nào." in client.get("/inbox/?view=done").get_data(as_text=True)
    assert "Bạn chưa nhận hoặc được giao việc nào." in client.get("/inbox/?view=mine").get_data(as_text=True)
    head = signed_in(engine, "lanhdao")
    assert "Không có việc nào đang chờ bạn." in head.get("/inbox/").get_data(as_text=True)
    assert 'id="nav-inbox">Việc cần xử lý</a>' in head.get("/thong-bao/").get_data(as_text=True)


def test_the_navigation_badge_counts_on_other_pages(engine: WorkflowEngine, scene: InboxScene) -> None:
    client = signed_in(engine, "xa1.soan")
    page = client.get("/thong-bao/").get_data(as_text=True)
    assert re.search(r'id="nav-inbox">[^<]*<span class="badge"[^>]*>3</span>', page)


def test_signed_out_visitors_are_sent_to_sign_in(engine: WorkflowEngine) -> None:
    client = _client(engine)
    assert "/auth/login" in client.get("/inbox/").headers["Location"]
    assert client.post("/inbox/bo-loc", data={"name": "x"}).status_code in (400, 302)
