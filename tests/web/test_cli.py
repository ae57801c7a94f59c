"""The plancycle command on a fresh database, as `make run` uses it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine import SYSTEM, Settings, build_engine
from web.cli import main


def test_upgrade_demo_deploy_on_a_new_database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANCYCLE_DATABASE_URL", db_url)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    first = runner.invoke(main, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Đã nạp dữ liệu mẫu" in first.output
    second = runner.invoke(main, ["demo", "--if-empty"])
    assert "bỏ qua" in second.output

    deployed = runner.invoke(main, ["deploy"])
    assert deployed.exit_code == 0, deployed.output
    assert "unit_report v1" in deployed.output
    assert "không đổi" in deployed.output

    engine = build_engine(Settings(database_url=db_url))
    try:
        drafter = engine.authenticate("baotn.soan", "plancycle")
        assert [t.task_name for t in engine.list_inbox(actor=drafter.id)] == ["draft"]
        # two period instances and thirteen unit reports
        assert len(engine.list_audit(actor=SYSTEM, action="instance.started", limit=1000)) == 15
    finally:
        engine.dispose()


def test_deploy_reports_a_broken_file(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLANCYCLE_DATABASE_URL", db_url)
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<bpmn:definitions", encoding="utf-8")
    result = CliRunner().invoke(main, ["deploy", str(broken)])
    assert result.exit_code == 1
    assert "broken.bpmn" in result.output
    assert "XML" in result.output
