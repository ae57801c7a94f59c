"""The closed sets of values the API's query parameters take, shared by the views and the document.

They repeat the engine's own vocabularies (inbox views and orders, plan statuses, tracking
statuses); a test compares them with the engine's, so the two cannot drift apart.
"""

from __future__ import annotations

INBOX_VIEWS = ("open", "mine", "unit", "overdue", "week", "done")
INBOX_SORTS = ("deadline",)
DEADLINE_STATUSES = ("overdue", "due_soon", "on_time", "none")
PLAN_STATUSES = ("draft", "in_approval", "returned", "issued")
TRACKING_STATUSES = (
    "not_started",
    "in_progress",
    "returned",
    "overdue",
    "completed_on_time",
    "completed_late",
)
