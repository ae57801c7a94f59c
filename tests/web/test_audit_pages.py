"""The audit trail pages: filters, pagination, CSV export, and who may read which rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from engine import FrozenClock, WorkflowEngine
from tests.web.test_period_pages import Scene, build_scene, commune_a_reports

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = ["Thời gian", "Người thực hiện", "Hành động", "Mã hành động", "Đơn vị", "Chi tiết"]


@pytest.fixture
def scene(engine: WorkflowEngine, clock: FrozenClock) -> Scene:
    built = build_scene(engine, clock)
    commune_a_reports(built)  # Thái Bình drafts, approves and is accepted on 20/01/2025
    built.sweep(date(2025, 1, 21), date(2025, 2, 14))  # Hảo Đước never reports: the whole ladder fires
    return built


def chase(scene: Scene, times: int) -> None:
    """The focal officer reminds Hảo Đước ``times`` times (each is a row of the trail)."""
    for _ in range(times):
        scene.engine.remind_now(scene.period_id, scene.commune_b, actor=scene.users["daumoi"])


def trail_url(scene: Scene, query: str = "") -> str:
    return f"/nhat-ky/ky-bao-cao/{scene.period_id}" + (f"?{query}" if query else "")


def parse_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_export_parses_back_with_every_row(scene: Scene) -> None:
    focal = scene.users["daumoi"]
    chase(scene, 30)
    response = scene.client("daumoi").get(trail_url(scene, "dinh-dang=csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="nhat-ky-ky-bao-cao-{scene.period_id}.csv"'
    )
    rows = parse_csv(response.get_data())
    assert rows[0] == HEADER
    trail = scene.engine.period_audit(scene.period_id, actor=focal, limit=100_000)
    assert trail.total > 50  # more than one page: the export is not cut to the page
    assert len(rows) - 1 == trail.total
    assert [r[3] for r in rows[1:]] == [e.action for e in trail.rows]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r[0]) for r in rows[1:])
    [opened] = [r for r in rows[1:] if r[3] == "period.opened"]
    assert opened[:3] == ["10/01/2025 09:00", "Lê Thị Đầu Mối", "Mở kỳ báo cáo"]
    assert "Số đơn vị: 2" in opened[5]
    assert "Hạn đơn vị: 05/02/2025" in opened[5]
    letters = [r for r in rows[1:] if r[3] == "escalation.send_reminder_letter"]
    assert [(r[0], r[1], r[2], r[4]) for r in letters] == [
        ("10/02/2025 09:00", "Hệ thống", "Công văn đôn đốc", "UBND xã Hảo Đước")
    ]


def test_csv_export_follows_the_filters(scene: Scene) -> None:
    client = scene.client("daumoi")
    rows = parse_csv(client.get(trail_url(scene, "hanh-dong=task.submit&dinh-dang=csv")).get_data())
    assert rows[1:] == [
        [
            "20/01/2025 09:00",
            "Trần Văn Soạn",
            "Gửi",
            "task.submit",
            "UBND xã Thái Bình",
            "Bước: Soạn báo cáo",
        ]
    ]
    # A mistyped filter never exports an unfiltered file by mistake: the page says what is wrong.
    bad = client.get(trail_url(scene, "tu-ngay=31%2F02%2F2025&dinh-dang=csv"))
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("text/html")
    assert "Ngày không hợp lệ" in bad.get_data(as_text=True)


def test_filters_narrow_the_trail(scene: Scene) -> None:
    focal = scene.users["daumoi"]
    client = scene.client("daumoi")
    everything = scene.engine.period_audit(scene.period_id, actor=focal).total

    by_unit = scene.engine.period_audit(scene.period_id, actor=focal, unit_id=scene.commune_b, limit=1000)
    assert 0 < by_unit.total < everything
    assert {r.unit_id for r in by_unit.rows} == {scene.commune_b}
    page = client.get(trail_url(scene, f"don-vi={scene.commune_b}")).get_data(as_text=True)
    assert f"{by_unit.total} sự kiện" in page
    assert f'<option value="{scene.commune_b}" selected>' in page

    one_day = scene.engine.period_audit(
        scene.period_id, actor=focal, since=date(2025, 1, 20), until=date(2025, 1, 20), limit=1000
    )
    assert {r.at.astimezone(HANOI).date() for r in one_day.rows} == {date(2025, 1, 20)}
    assert {r.action for r in one_day.rows} >= {"task.submit", "task.approve", "task.accept"}
    page = client.get(trail_url(scene, "tu-ngay=20%2F01%2F2025&den-ngay=2025-01-20")).get_data(as_text=True)
    assert f"{one_day.total} sự kiện" in page
    assert 'value="20/01/2025"' in page

    # A person's name, in any case; "hệ thống" finds what the timers and the ladder did.
    drafter = scene.engine.period_audit(scene.period_id, actor=focal, actor_name="TRẦN VĂN", limit=1000)
    assert {r.actor_name for r in drafter.rows} == {"Trần Văn Soạn"}
    system = scene.engine.period_audit(scene.period_id, actor=focal, actor_name="hệ thống", limit=1000)
    assert system.total > 0
    assert {r.actor_id for r in system.rows} == {None}
    nobody = scene.engine.period_audit(scene.period_id, actor=focal, actor_name="không ai", limit=1000)
    assert nobody.total == 0

    letters = client.get(trail_url(scene, "hanh-dong=escalation.send_reminder_letter")).get_data(as_text=True)
    assert re.findall(r'<tr data-action="([^"]+)"', letters) == ["escalation.send_reminder_letter"]
    assert '<option value="escalation.send_reminder_letter" selected>Công văn đôn đốc</option>' in letters


def test_bad_filters_say_why_and_keep_the_input(scene: Scene) -> None:
    client = scene.client("daumoi")
    everything = scene.engine.period_audit(scene.period_id, actor=scene.users["daumoi"]).total
    response = client.get(trail_url(scene, "tu-ngay=31%2F02%2F2025&nguoi=soan"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-tu-ngay"' in page
    assert "Ngày không hợp lệ" in page
    assert 'value="31/02/2025"' in page
    assert 'value="soan"' in page
    backwards = client.get(trail_url(scene, "tu-ngay=10%2F02%2F2025&den-ngay=01%2F02%2F2025"))
    assert backwards.status_code == 422
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in backwards.get_data(as_text=True)
    assert f"{everything} sự kiện" in client.get(trail_url(scene)).get_data(as_text=True)


def test_pages_of_fifty_newest_first(scene: Scene) -> None:
    focal = scene.users["daumoi"]
    scene.at(date(2025, 2, 15))
    chase(scene, 40)
    trail = scene.engine.period_audit(scene.period_id, actor=focal, limit=1000)
    client = scene.client("daumoi")
    first = client.get(trail_url(scene)).get_data(as_text=True)
    second = client.get(trail_url(scene, "trang=2")).get_data(as_text=True)
    assert len(re.findall(r"<tr data-action=", first)) == 50
    assert len(re.findall(r"<tr data-action=", second)) == min(trail.total - 50, 50)
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    times = [
        datetime.strptime(t, "%d/%m/%Y %H:%M") for t in re.findall(r'<td class="when">([^<]+)</td>', first)
    ]
    assert times == sorted(times, reverse=True)
    assert times[0] == datetime(2025, 2, 15, 9, 0)  # the last reminders come first


def test_a_unit_reads_its_own_rows_only(scene: Scene) -> None:
    neighbour = scene.users["b.soan"]
    own = scene.engine.period_audit(scene.period_id, actor=neighbour, limit=1000)
    assert own.total > 0
    assert {r.unit_id for r in own.rows} == {scene.commune_b}
    assert [u for u, _name in own.units] == [scene.commune_b]
    client = scene.client("b.soan")
    page = client.get(trail_url(scene)).get_data(as_text=True)
    assert "UBND xã Thái Bình" not in page
    assert "Trần Văn Soạn" not in page
    assert client.get(trail_url(scene, f"don-vi={scene.commune_a}")).status_code == 404
    plan_page = client.get(f"/nhat-ky/ke-hoach/{scene.plan_id}").get_data(as_text=True)
    assert "UBND xã Thái Bình" not in plan_page
    assert "Ban hành kế hoạch" not in plan_page  # the plan's own rows are the focal unit's business
    csv_rows = parse_csv(client.get(trail_url(scene, "dinh-dang=csv")).get_data())
    assert {r[4] for r in csv_rows[1:]} == {"UBND xã Hảo Đước"}


def test_plan_trail_covers_the_plan_and_its_periods(scene: Scene) -> None:
    focal = scene.users["daumoi"]
    trail = scene.engine.plan_audit(scene.plan_id, actor=focal, limit=10_000)
    actions = {r.action for r in trail.rows}
    assert {"plan.created", "plan.tasks_replaced", "plan.targets_replaced", "plan.issued"} <= actions
    assert {"period.opened", "task.submit", "escalation.escalate_to_leader"} <= actions
    period_trail = scene.engine.period_audit(scene.period_id, actor=focal, limit=10_000)
    assert {r.id for r in period_trail.rows} < {r.id for r in trail.rows}
    client = scene.client("lanhdao")
    page = client.get(f"/nhat-ky/ke-hoach/{scene.plan_id}?hanh-dong=plan.issued").get_data(as_text=True)
    assert re.findall(r'<tr data-action="([^"]+)"', page) == ["plan.issued"]
    assert "Số, ký hiệu: 1/KH-UBND" in page
    assert "Nguyễn Thanh Lãnh Đạo" in page
    rows = parse_csv(client.get(f"/nhat-ky/ke-hoach/{scene.plan_id}?dinh-dang=csv").get_data())
    assert len(rows) - 1 == trail.total
    one_unit = scene.engine.plan_audit(scene.plan_id, actor=focal, unit_id=scene.commune_a, limit=10_000)
    assert {r.unit_id for r in one_unit.rows} == {scene.commune_a}
    assert (
        one_unit.total
        == scene.engine.period_audit(scene.period_id, actor=focal, unit_id=scene.commune_a).total
    )


def test_each_row_is_labelled_in_vietnamese(scene: Scene) -> None:
    trail = scene.engine.plan_audit(scene.plan_id, actor=scene.users["daumoi"], limit=10_000)
    unlabelled = {r.action for r in trail.rows if r.label == r.action}
    assert unlabelled == set()
