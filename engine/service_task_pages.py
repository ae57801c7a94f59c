"""Door methods for the task page beyond the workflow core: the page, drafts and attachments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import form_store, task_pages, tasks
from engine.organisation import require_user
from engine.projection import to_task_info
from engine.results import Actor
from engine.service_base import EngineBase
from engine.task_page_results import AttachmentFile, AttachmentInfo, TaskDraftInfo, TaskPage


class TaskPageMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""

    @property
    def attachment_limit_bytes(self) -> int:
        """Return the largest file accepted as an attachment (``settings.attachment_max_bytes``)."""
        return self.settings.attachment_max_bytes

    # -- the page ---------------------------------------------------------------------------

    def task_page(self, task_id: int, *, actor: Actor) -> TaskPage:
        """Return what the task page shows, read at one moment.

        The task and its stored form values, the actor's draft (while the task is open), the rows
        the form's list fields take from the plan, the item's attachments and its history.
        ``NotFound`` for a task the actor may not see.
        """
        with self._work(write=False) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            definition = (
                form_store.resolve(session, row.form_key, self.settings.forms_dir) if row.form_key else None
            )
            draft = task_pages.find_draft(session, row, user.id)
            return TaskPage(
                task=to_task_info(row),
                values=tasks.form_values(session, self._runtime, row, self.settings.forms_dir),
                draft=task_pages.to_draft_info(draft) if draft is not None else None,
                rows=task_pages.row_sources(session, row, definition),
                attachments=tuple(task_pages.list_attachments(session, row.instance_id, user.id)),
                history=tuple(task_pages.history(session, row.instance_id)),
                may_act=task_pages.may_work(row, user.id),
                attachment_limit_bytes=self.attachment_limit_bytes,
                attachment_types=tuple(task_pages.ATTACHMENT_TYPES),
            )

    # -- drafts -----------------------------------------------------------------------------

    def save_task_draft(self, task_id: int, values: Mapping[str, Any], *, actor: Actor) -> TaskDraftInfo:
        """Keep the actor's input for an open task exactly as typed, without validating it.

        One draft per task and user: saving again replaces it. Keys that are not fields of the
        task's form are dropped. ``NotFound`` if the actor may not see the task, ``StaleTask`` if it
        is no longer open, ``NotPermitted`` if a colleague holds it, ``InvalidSubmission`` for
        values that are not form input (or more than a megabyte of it).
        """
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = task_pages.workable(session, task_id, user.id, self.today())
            draft = task_pages.save_draft(
                session, row, user.id, values, forms_dir=self.settings.forms_dir, at=self._clock()
            )
            return task_pages.to_draft_info(draft)

    def get_task_draft(self, task_id: int, *, actor: Actor) -> TaskDraftInfo | None:
        """Return the actor's draft of a task, or ``None`` (none saved, or the task is no longer open)."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            draft = task_pages.find_draft(session, row, user.id)
            return task_pages.to_draft_info(draft) if draft is not None else None

    def discard_task_draft(self, task_id: int, *, actor: Actor) -> bool:
        """Delete the actor's draft of a task (open or not); tell whether there was one."""
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            return task_pages.delete_draft(session, row.id, user.id)

    # -- attachments ------------------------------------------------------------------------

    def add_attachment(
        self, task_id: int, filename: str, content_type: str, data: bytes, *, actor: Actor
    ) -> AttachmentInfo:
        """Attach a file to the item of an open task the actor may work on; audited.

        Accepted: PDF, Word (doc, docx), Excel (xls, xlsx), PNG, JPG and ZIP up to
        ``attachment_limit_bytes``, the content matching the extension; programs are refused,
        also inside a ZIP. The name is reduced to a bare file name. ``content_type`` as sent by
        the browser is not trusted: the stored type follows the checked extension. Refusals raise
        ``InvalidSubmission`` with the Vietnamese reason under ``"file"``; nothing is stored.
        """
        del content_type  # what the browser claims; the checked extension decides
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = task_pages.workable(session, task_id, user.id, self.today())
            attachment = task_pages.add_attachment(
                session, row, user.id, filename, data, limit=self.attachment_limit_bytes, at=self._clock()
            )
            return task_pages.to_attachment_info(attachment, user.full_name, may_remove=True)

    def list_attachments(self, task_id: int, *, actor: Actor) -> list[AttachmentInfo]:
        """Return the files of the task's whole item (every step's), oldest first."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            row = tasks.visible(session, task_id, user.id, self.today())
            return task_pages.list_attachments(session, row.instance_id, user.id)

    def get_attachment(self, attachment_id: int, *, actor: Actor) -> AttachmentFile:
        """Return a file with its bytes, for whoever may see a task of its item; ``NotFound`` otherwise."""
        with self._work(write=False) as session:
            user = require_user(session, actor)
            attachment = task_pages.visible_attachment(session, attachment_id, user.id, self.today())
            info = task_pages.to_attachment_info(attachment, None, may_remove=False)
            return AttachmentFile(info=info, data=bytes(attachment.data))

    def remove_attachment(self, attachment_id: int, *, actor: Actor) -> None:
        """Remove a file the actor uploaded while its task is open (kept, marked removed; audited)."""
        with self._work(write=True) as session:
            user = require_user(session, actor)
            task_pages.remove_attachment(session, attachment_id, user.id, self.today(), at=self._clock())
