"""The demo loads and its figures add up: every unit counted once, at the step the story put it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from engine import SYSTEM, FrozenClock, Settings, build_engine
from engine.demo import load_demo


def test_demo_periods_add_up(settings: Settings) -> None:
    loader = build_engine(settings)
    load_demo(loader)
    loader.dispose()
    engine = build_engine(settings, clock=FrozenClock(datetime(2024, 12, 5, 2, tzinfo=UTC)))
    try:
        district, province = (engine.period_board(pid, actor=SYSTEM) for pid in (1, 2))
        for board in (district, province):
            assert sum(board.tracking_counts.values()) == board.period.unit_count == len(board.rows)
            assert sum(board.report_counts.values()) == board.period.unit_count
            assert Counter(r.report_status for r in board.rows) == board.report_counts
        assert province.period.unit_count == 10
        assert province.report_counts == {
            "accepted": 2,
            "submitted": 2,
            "returned": 1,
            "awaiting_head": 1,
            "drafting": 4,
        }
        assert province.tracking_counts["completed_on_time"] == 4
        assert province.tracking_counts["overdue"] == 6
        assert province.share_on_time == 0.4
        police = next(r for r in province.rows if r.unit_name == "Công an tỉnh")
        assert (police.report_status, police.returned_count, police.step) == ("returned", 1, "draft")
        assert police.last_escalation == "escalate_to_leader"
        late = [r for r in province.rows if r.tracking_status == "overdue"]
        assert all(r.escalation_count == 4 for r in late)
        assert district.report_counts == {"accepted": 1, "awaiting_head": 1, "drafting": 1}
        # Both periods passed their focal deadline: consolidation is open for the focal units.
        assert {district.period.status, province.period.status} == {"consolidating"}
        plan = engine.get_plan(province.period.plan_id, actor=SYSTEM)
        assert (plan.symbol, plan.authority_form, len(plan.tasks)) == ("1/KH-UBND", "KT", 15)
        child = engine.get_plan(district.period.plan_id, actor=SYSTEM)
        assert child.parent_plan_id == plan.id
    finally:
        engine.dispose()
