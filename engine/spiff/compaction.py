"""Forget the finished history of a looping workflow, so its stored state stops growing.

SpiffWorkflow keeps every task it ever ran: a report returned forty times carries forty rounds
of finished tasks, each stored as a delta of its parent's data. ``compact`` cuts that history
away before each snapshot, independently in the top workflow and in every running subprocess.

What is removed. In one workflow, take the unfinished tasks (leaving aside an end join waiting
for the rest of the workflow, and its predicted child) and find the deepest *finished* task ``C``
of which they all descend. Kept: the root (the ``BpmnStartTask``), its only child (the start
event), ``C`` with everything below it, and, for every instance of an unstructured join (end
join, parallel gateway) neither below ``C`` nor above it, that instance's parent with
everything below it. Every other task is removed; the kept subtrees become children of the
start event, in their original depth-first order. In the top workflow only, a side branch that
reached an end event before the main flow (its end event and cancelled end-join instance) is
removed wherever it hangs: see ``_drop_ended_side_branches``. A subprocess entry whose ``SubWorkflowTask``
was removed goes too, with the subprocesses nested in it.

Why that is safe. Every removed task is finished and none is an ancestor of a kept one except
through the root and the start event, so it can only matter to code that looks up old tasks:

- data is inherited from the parent when a task becomes ready: only the kept subtrees' roots
  change parent, and they are finished; task data in memory is materialized, so the next dump
  stores deltas against the new parent (which precedes them in ``workflow.tasks``, as loading
  needs);
- boundary and start event joins look up their split with ``find_ancestor``: every unfinished
  join's split must lie below ``C``, and a join created later is a grandchild of its split,
  hence below ``C`` too;
- unstructured joins scan the whole tree for instances of their own spec and read their
  parents (a parallel gateway counts them as tokens, an end join merges their data into the
  result): instances above ``C`` are ancestors of everything that can still run, which both
  ignore; all others are kept with their parents. Inclusive gateways (they also depend on the
  oldest instance on each path from the root) and any other kind of join: left alone;
- ``workflow.last_task``, the event manager's waiting events, triggered tasks under the root,
  a root with several children (ad hoc subprocesses, start triggers), an unfinished subprocess,
  a task in ERROR or a tree whose links do not match: the workflow is left alone;
- kept tasks keep their relative depth-first order, so READY tasks, waiting timers and open
  user tasks are visited in the same order as before (and trees stay far below the depth of
  1000 at which SpiffWorkflow's iterator stops looking).

Anything else is skipped, never guessed: compaction is an optimisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import AdHocSubprocessSpec
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, StartEventJoin, _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

_STRUCTURED_JOINS = (BoundaryEventJoin, StartEventJoin)
_UNSTRUCTURED_JOINS = (_EndJoin, ParallelGateway)


def compact(workflow: Any) -> int:
    """Remove the finished history of ``workflow`` and its subprocesses; return how many tasks went."""
    removed = 0
    for wf in [workflow, *workflow.subprocesses.values()]:
        removed += _compact_one(wf)
    return removed + _drop_orphan_subprocesses(workflow)


def _compact_one(wf: Any) -> int:
    dropped = _drop_ended_side_branches(wf) if wf is wf.top_workflow else 0
    plan = _plan(wf)
    if plan is None:
        return dropped
    first, roots, removed = plan
    first._children = [r.id for r in roots]
    for r in roots:
        r._parent = first.id
    for task_id in removed:
        del wf.tasks[task_id]
    return dropped + len(removed)


def _drop_ended_side_branches(wf: Any) -> int:
    """Forget the tokens of side branches that reached an end event before the main flow.

    Each such branch leaves its end event with one end-join instance, cancelled when the next
    branch ends, kept only so that the final end join can merge its data into ``workflow.data``.
    In a subprocess that merge is the result handed back to the calling task, so it is kept; in
    the top workflow it only fills ``workflow.data`` at completion, which PlanCycle never reads
    (results live in the tables the actions write). There, a chase-ladder branch re-armed on
    every return would otherwise add a token per return.
    """
    referenced = set(wf.event_manager.tasks)
    if wf.last_task is not None:
        referenced.add(wf.last_task.id)
    dropped = 0
    for token in [t for t in wf.tasks.values() if isinstance(t.task_spec, _EndJoin)]:
        end = token.parent
        if (
            token.state != TaskState.CANCELLED
            or token._children
            or end is None
            or end._children != [token.id]
            or end.parent is None
            or not end.has_state(TaskState.COMPLETED)
            or {token.id, end.id} & referenced
        ):
            continue
        end.parent._children.remove(end.id)
        del wf.tasks[end.id], wf.tasks[token.id]
        dropped += 2
    return dropped


def _plan(wf: Any) -> tuple[Any, list[Any], set[Any]] | None:
    """Return (start event task, kept subtree roots in order, ids to remove), or None to skip."""
    root = wf.task_tree
    if not _spec_allows(wf.spec) or root is None or len(root._children) != 1 or not _consistent(wf):
        return None
    first = root.children[0]
    if any(t.has_state(TaskState.ERROR) for t in wf.tasks.values()):
        return None
    parked = {t.id for joined in _parked_end_joins(wf) for t in _subtree(joined)}
    live = [t for t in wf.tasks.values() if t.has_state(TaskState.NOT_FINISHED_MASK) and t.id not in parked]
    if not live:
        return None
    cut = _lowest_common_ancestor(live)
    while cut is not None and not cut.has_state(TaskState.FINISHED_MASK):
        cut = cut.parent
    if cut is None or cut is root or cut is first:
        return None
    chain = {t.id for t in _ancestors(cut)}
    below = {t.id for t in _subtree(cut)}
    kept = below | {root.id, first.id}
    units = {cut.id}
    for task in wf.tasks.values():
        if task.id in kept or task.id in chain or not isinstance(task.task_spec, UnstructuredJoin):
            continue
        parent = task.parent
        if parent is None or parent.id in chain or parent.id in kept:
            return None  # an instance hanging off the history itself: leave it all
        units.add(parent.id)
    roots = list(_unit_roots(first, units))
    protected = {t.id for unit in roots for t in _subtree(unit)}
    if any(
        t not in kept and t not in parked and wf.tasks[t].has_state(TaskState.NOT_FINISHED_MASK)
        for t in protected
    ):
        return None
    removed = set(wf.tasks) - protected - {root.id, first.id}
    if not removed or not _removable(wf, removed, below):
        return None
    return first, roots, removed


def _consistent(wf: Any) -> bool:
    """Tell whether every parent and child a task names exists (a broken tree is left as it is)."""
    tasks = wf.tasks
    return wf.task_tree.id in tasks and all(
        (t._parent in tasks or t is wf.task_tree) and all(c in tasks for c in t._children)
        for t in tasks.values()
    )


def _spec_allows(spec: Any) -> bool:
    if isinstance(spec, AdHocSubprocessSpec) or getattr(spec.start, "trigger_specs", None):
        return False
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, InclusiveGateway):
            return False
        if isinstance(task_spec, Join) and not isinstance(task_spec, _STRUCTURED_JOINS + _UNSTRUCTURED_JOINS):
            return False
    return True


def _removable(wf: Any, removed: set[Any], below: set[Any]) -> bool:
    """Refuse when a removed task is still referenced from outside the tree walk."""
    top = wf.top_workflow
    if wf.last_task is not None and wf.last_task.id in removed:
        return False
    if any(task_id in removed for task_id in top.event_manager.tasks):
        return False
    for task_id in removed:
        task = wf.tasks[task_id]
        if task.has_state(TaskState.NOT_FINISHED_MASK) or (task.triggered and task._parent not in removed):
            return False
        if isinstance(task.task_spec, SubWorkflowTask) and not _all_completed(top, task_id):
            return False
    for task in wf.tasks.values():
        if isinstance(task.task_spec, _STRUCTURED_JOINS) and task.has_state(TaskState.NOT_FINISHED_MASK):
            split = next((a for a in _ancestors(task) if a.task_spec.name == task.task_spec.split_task), None)
            if split is None or split.id not in below:
                return False
    return True


def _all_completed(top: Any, task_id: Any) -> bool:
    """Tell whether the subprocess of a task (if any) and all subprocesses nested in it completed."""
    sub = top.subprocesses.get(task_id)
    if sub is None:
        return True
    return bool(sub.completed) and all(_all_completed(top, t) for t in sub.tasks)


def _drop_orphan_subprocesses(top: Any) -> int:
    """Forget subprocesses whose task no longer exists (as loading the state would)."""
    dropped = 0
    while True:
        present = set(top.tasks).union(*(sp.tasks for sp in top.subprocesses.values()))
        orphans = [task_id for task_id in top.subprocesses if task_id not in present]
        if not orphans:
            return dropped
        for task_id in orphans:
            dropped += len(top.subprocesses.pop(task_id).tasks)


def _parked_end_joins(wf: Any) -> list[Any]:
    """Return the end-join instances waiting for the rest of the workflow (side branches' tokens)."""
    return [
        t for t in wf.tasks.values() if isinstance(t.task_spec, _EndJoin) and t.state == TaskState.WAITING
    ]


def _ancestors(task: Any) -> Iterator[Any]:
    parent = task.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _subtree(task: Any) -> Iterator[Any]:
    stack = [task]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _unit_roots(first: Any, units: set[Any]) -> Iterator[Any]:
    """Yield the outermost tasks of ``units`` below ``first``, in depth-first order."""
    stack = list(reversed(first.children))
    while stack:
        current = stack.pop()
        if current.id in units:
            yield current
        else:
            stack.extend(reversed(current.children))


def _lowest_common_ancestor(tasks: list[Any]) -> Any:
    path = [tasks[0], *_ancestors(tasks[0])]
    depth_of = {t.id: i for i, t in enumerate(path)}
    highest = 0
    for task in tasks[1:]:
        current = task
        while current.id not in depth_of:
            current = current.parent
        highest = max(highest, depth_of[current.id])
    return path[highest]
