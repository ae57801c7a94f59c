"""Door methods for what the plan pages need beyond engine.service_plans: lists, drafts, the plan tree."""

from __future__ import annotations

from engine.service_base import EngineBase


class PlanPageMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""
