"""Moving a running workflow onto another version of its process, with SpiffWorkflow's diff.

``SpiffWorkflow.bpmn.util.diff`` aligns the task specs of two versions by BPMN id (and by
position when an id changed) and swaps each task's spec for its counterpart; tasks waiting or
ready are reset, so they take the new version's definition (a timer recomputes its due time
from the new expression, counted from the migration). Our rules on top:

- an instance moves only if every task it is *at* (ready, waiting, started) and every finished
  task still kept in its history has a counterpart in the new version, and every running
  sub-process still exists: otherwise the state could not even be loaded again;
- predicted future branches are dropped and predicted again from the new version;
- a ready user task keeps its task id, so its ``human_task`` row (drafts, claims) stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

CURRENT = TaskState.READY | TaskState.WAITING | TaskState.STARTED
PLANNED = TaskState.PREDICTED_MASK | TaskState.FUTURE


@dataclass(frozen=True)
class MigrationCheck:
    """Where an instance is, and what prevents moving it (nothing: it can move)."""

    current_steps: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class _Plan:
    top: Any
    subprocesses: dict[Any, Any]
    problems: tuple[str, ...]


def _title(task: Any) -> str:
    spec = task.task_spec
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    return str(name).replace("\r", " ").replace("\n", " ")


def _label(task: Any) -> str:
    spec = task.task_spec
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    return f"«{_title(task)}» ({bpmn_id})"


def current_steps(workflow: Any) -> tuple[str, ...]:
    """Titles of the BPMN steps an instance is at: ready or waiting tasks, running sub-processes."""
    titles = []
    for task in workflow.get_tasks(state=CURRENT):
        if getattr(task.task_spec, "bpmn_id", None) and task.id not in workflow.subprocesses:
            titles.append(_title(task))
    return tuple(dict.fromkeys(titles))


def plan(registry: Any, workflow: Any, new_spec: Any, new_subprocess_specs: dict[str, Any]) -> _Plan:
    """Align ``workflow`` with a new version and list what prevents the move."""
    top, subprocesses = diff_workflow(registry, workflow, new_spec, new_subprocess_specs)
    problems = _removed(top.removed)
    for sp_id, sp_diff in subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        if sp_diff is None:
            if not sub.is_completed():
                problems.append(
                    f"Quy trình con «{sub.spec.name}» đang chạy không còn trong phiên bản mới "
                    "(a running sub-process no longer exists in the new version)"
                )
            continue
        problems += _removed(sp_diff.removed)
    return _Plan(top, subprocesses, tuple(dict.fromkeys(problems)))


def _removed(tasks: list[Any]) -> list[str]:
    """Explain each removed task that cannot simply be predicted again from the new version."""
    problems = []
    removed = {t.id for t in tasks}
    for task in tasks:
        if task.has_state(CURRENT):
            problems.append(
                f"Bước hiện tại {_label(task)} không còn trong phiên bản mới "
                "(the current step has no counterpart in the new version)"
            )
        elif task.has_state(TaskState.FINISHED_MASK):
            problems.append(
                f"Bước {_label(task)} trong lịch sử của tiến trình không còn trong phiên bản mới "
                "(a step in the instance's history has no counterpart in the new version)"
            )
        elif task.has_state(TaskState.FUTURE) and not _replannable(task, removed):
            problems.append(
                f"Bước sắp tới {_label(task)} không còn trong phiên bản mới "
                "(a step the instance is certain to reach has no counterpart in the new version)"
            )
    return problems


def _replannable(task: Any, removed: set[Any]) -> bool:
    """Tell whether a planned task can be planned again: its parent is planned, running or going too."""
    parent = task.parent
    return parent is None or parent.id in removed or parent.has_state(PLANNED | CURRENT)


def check(
    registry: Any, workflow: Any, new_spec: Any, new_subprocess_specs: dict[str, Any]
) -> MigrationCheck:
    """Tell where ``workflow`` is and whether it can move to the new version."""
    found = plan(registry, workflow, new_spec, new_subprocess_specs)
    return MigrationCheck(current_steps(workflow), found.problems)


def migrate(
    registry: Any, workflow: Any, new_spec: Any, new_subprocess_specs: dict[str, Any]
) -> tuple[str, ...]:
    """Move ``workflow`` onto the new version in place; return the problems instead if it cannot move."""
    found = plan(registry, workflow, new_spec, new_subprocess_specs)
    if found.problems:
        return found.problems
    ready_ids = {t.id for t in workflow.get_tasks(state=TaskState.READY)}
    migrate_workflow(found.top, workflow, new_spec)
    for sp_id, sp_diff in found.subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        if sp_diff is not None:
            migrate_workflow(sp_diff, sub, new_subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = dict(new_subprocess_specs)
    for each in (workflow, *workflow.subprocesses.values()):
        _repredict(each)
    lost = ready_ids - {t.id for t in workflow.get_tasks(state=TaskState.READY)}
    if lost:  # pragma: no cover - reset keeps a ready task ready; a guard, not a path
        return ("Một bước đang chờ xử lý bị mất khi chuyển phiên bản (a ready step was lost)",)
    return ()


def _repredict(workflow: Any) -> None:
    """Drop planned branches whose specs are gone and plan them again from the new specs.

    Ready and waiting tasks were reset by ``migrate_workflow`` (their children planned anew);
    here the planned children of planned and started tasks (a running sub-process) are.
    """
    specs = workflow.spec.task_specs
    for task in list(workflow.get_tasks()):
        if task.id not in workflow.tasks or not task.has_state(PLANNED):
            continue
        if specs.get(task.task_spec.name) is task.task_spec:
            continue
        parent = task.parent
        workflow._remove_task(task.id)
        if (
            parent is not None
            and parent.id in workflow.tasks
            and parent.has_state(PLANNED | TaskState.STARTED)
        ):
            parent.task_spec._predict(parent, mask=parent.state | PLANNED)
