"""Door methods for the period dashboard, a unit's report, the leader's overview and the audit trail."""

from __future__ import annotations

from engine.service_base import EngineBase


class DashboardMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""
