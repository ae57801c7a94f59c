"""Bar charts drawn as server-side SVG: geometry in attributes, colours from classes (strict CSP)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.dashboard_results import TaskCompletion
from web.periods.labels import TRACKING, status_class

ROW = 30  # height of one bar's row in SVG units
BAR = 20
WIDTH = 520
LABEL_WIDTH = 190
VALUE_WIDTH = 56


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, the value written after it, and where it is drawn."""

    label: str
    hint: str
    value_text: str
    css: str
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart ready for the template."""

    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]

    @property
    def area(self) -> int:
        """Width available to the longest bar."""
        return self.width - self.label_width - VALUE_WIDTH


def _bars(rows: Sequence[tuple[str, str, float, float, str, str]]) -> BarChart:
    """Lay out ``(label, hint, value, maximum, value_text, css)`` rows as bars."""
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(
            label=label,
            hint=hint,
            value_text=text,
            css=css,
            y=index * ROW + 4,
            width=round(area * value / maximum, 1) if maximum else 0.0,
        )
        for index, (label, hint, value, maximum, text, css) in enumerate(rows)
    )
    return BarChart(width=WIDTH, height=max(len(bars), 1) * ROW + 8, label_width=LABEL_WIDTH, bars=bars)


def status_chart(counts: dict[str, int]) -> BarChart:
    """Draw how many units stand at each tracking status."""
    total = sum(counts.values())
    return _bars(
        [
            (
                str(label),
                str(label),
                counts.get(status, 0),
                total,
                str(counts.get(status, 0)),
                status_class(status),
            )
            for status, label in TRACKING.items()
        ]
    )


def task_chart(tasks: Sequence[TaskCompletion]) -> BarChart:
    """Draw each plan task's completion: the share of its lead units that declared it completed."""
    return _bars(
        [
            (
                task.code or str(index),
                task.content,
                task.share_completed,
                1.0,
                f"{round(task.share_completed * 100)}%",
                "st-completed_on_time" if task.share_completed >= 1 else "st-in_progress",
            )
            for index, task in enumerate(tasks, start=1)
        ]
    )
