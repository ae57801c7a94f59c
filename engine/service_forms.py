"""Door methods for form definitions: administrators list, read, preview, save and compare versions.

A saved definition is a new immutable version of its key (``engine.form_store``); tasks use the
newest one at once. Everything but ``task_form`` is for administrators only.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

import forms
from engine import form_store
from engine.errors import InvalidSubmission, NotFound, StaleTask
from engine.form_results import (
    SHIPPED,
    STORED,
    FieldChange,
    FormDiff,
    FormPreview,
    FormSource,
    FormSummary,
    FormVersionInfo,
)
from engine.organisation import require_admin, require_known
from engine.results import Actor
from engine.service_base import EngineBase

_INVALID_KEY = (
    "Mã biểu mẫu gồm chữ thường không dấu, chữ số và «_», bắt đầu bằng chữ, tối đa 64 ký tự "
    "(lowercase letters, digits and '_', starting with a letter, at most 64 characters)."
)


class FormMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""

    # -- what tasks use ---------------------------------------------------------------------

    def task_form(self, form_key: str, *, actor: Actor) -> forms.FormDefinition:
        """Return the form a task naming ``form_key`` shows: newest saved version, shipped file or a note.

        For any active user and the system (task pages, the API, workers). A key PlanCycle has no
        definition of gives a generic form with one optional note field, so the task stays usable.
        """
        with self._work(write=False) as session:
            require_known(session, actor)
            return form_store.resolve(session, form_key, self.settings.forms_dir)

    def known_form_keys(self) -> set[str]:
        """Return every form key with a real definition: shipped files and saved versions."""
        with self._work(write=False) as session:
            return form_store.known_keys(session, self.settings.forms_dir)

    # -- administration ---------------------------------------------------------------------

    def list_form_definitions(self, *, actor: Actor) -> list[FormSummary]:
        """List every form key (shipped files and saved ones), by key; administrators only."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            shipped = set(form_store.shipped_keys(self.settings.forms_dir))
            stored = form_store.latest_by_key(session)
            summaries = []
            for key in sorted(shipped | set(stored)):
                problem = None
                try:
                    definition = form_store.resolve(session, key, self.settings.forms_dir)
                    title, title_en = definition.title, definition.title_en
                except forms.FormError as exc:
                    title, title_en, problem = key, key, exc.message
                latest, count, at, name = stored.get(key, (None, 0, None, None))
                summaries.append(
                    FormSummary(
                        key=key,
                        title=title,
                        title_en=title_en,
                        latest_version=latest,
                        version_count=count,
                        updated_at=at,
                        updated_by_name=name,
                        source=STORED if key in stored else SHIPPED,
                        has_shipped_file=key in shipped,
                        problem=problem,
                    )
                )
            return summaries

    def form_source(self, key: str, *, actor: Actor, version: int | None = None) -> FormSource:
        """Return the YAML text of a form's newest version (or of ``version``), with every version.

        Without saved versions, the shipped file's text (``version`` ``None``); ``version=0`` asks
        for the shipped file explicitly. ``NotFound`` for a key or version that does not exist.
        Administrators only.
        """
        with self._work(write=False) as session:
            require_admin(session, actor)
            versions = tuple(form_store.version_infos(session, key)) if form_store.is_form_key(key) else ()
            latest = versions[0].version if versions else None
            shipped = key in form_store.shipped_keys(self.settings.forms_dir)
            wanted = version if version is not None else latest
            if wanted:
                row = form_store.find_row(session, key, wanted)
                if row is None:
                    raise NotFound(
                        f"Không có phiên bản {wanted} của biểu mẫu «{key[:80]}» (no such form version)"
                    )
                return FormSource(key, wanted, row.source, STORED, versions, latest, shipped)
            try:
                text = forms.read_form_source(key, directory=self.settings.forms_dir)
            except forms.FormNotFound:
                raise NotFound(f"Không có biểu mẫu «{key[:80]}» (no such form)") from None
            except forms.FormError as exc:
                raise NotFound(exc.message) from None
            return FormSource(key, wanted, text, SHIPPED, versions, latest, shipped)

    def preview_form(self, source_text: str, *, actor: Actor, key: str | None = None) -> FormPreview:
        """Check a definition text and describe the form it makes, or say why it cannot be used.

        Never raises for the text itself: problems come back in ``errors``, with their line where
        known. With ``key``, the text's own key must be that one. Administrators only.
        """
        with self._work(write=False) as session:
            require_admin(session, actor)
        return _preview(source_text, key)

    def save_form(
        self,
        key: str,
        source_text: str,
        *,
        actor: Actor,
        based_on: int | None = None,
        create: bool = False,
    ) -> FormVersionInfo:
        """Check a definition text and store it as the next version of ``key``; audited ``form.saved``.

        Tasks naming ``key`` use it at once. The same text as the newest version stores nothing
        (``is_new`` false). ``based_on`` is the newest version the editor saw (0: none yet): if
        someone saved meanwhile, ``StaleTask``. ``create`` refuses a key that exists already
        (shipped or saved). An invalid key or text raises ``InvalidSubmission`` with the reasons
        under ``"key"`` or ``"source"``; nothing is stored. Administrators only.
        """
        with self._work(write=True) as session:
            require_admin(session, actor)
            if not form_store.is_form_key(key):
                raise InvalidSubmission(
                    "Mã biểu mẫu không hợp lệ (invalid form key)", {"key": [_INVALID_KEY]}
                )
            if create and key in form_store.known_keys(session, self.settings.forms_dir):
                raise InvalidSubmission(
                    f"Đã có biểu mẫu «{key}» (a form with this key exists)",
                    {"key": [f"Đã có biểu mẫu mã «{key}»; hãy chọn mã khác hoặc sửa biểu mẫu đó."]},
                )
            text = form_store.normalize_source(source_text) if isinstance(source_text, str) else source_text
            preview = _preview(text, key)
            if not preview.ok:
                raise InvalidSubmission(
                    "Biểu mẫu chưa hợp lệ, chưa lưu (the form definition is invalid; nothing was saved)",
                    {"source": list(preview.errors)},
                )
            if based_on is not None:
                latest = form_store.latest_row(session, key)
                if (latest.version if latest is not None else 0) != based_on:
                    raise StaleTask(
                        "Biểu mẫu đã có phiên bản mới hơn từ khi bạn mở trang; hãy tải lại để xem "
                        "(the form was saved by someone else since you opened it; reload)"
                    )
            return form_store.store(session, key, text, actor=actor, at=self._clock())

    def diff_form_versions(self, key: str, old: int, new: int, *, actor: Actor) -> FormDiff:
        """Compare two versions of a form, field by field (version 0: the shipped file); administrators."""
        with self._work(write=False) as session:
            require_admin(session, actor)
            before, after = (self._version_definition(session, key, v) for v in (old, new))
        old_fields = {f.name: (i, f) for i, f in enumerate(before.fields)}
        new_fields = {f.name: (i, f) for i, f in enumerate(after.fields)}
        changed = []
        for name, (position, field) in new_fields.items():
            if name not in old_fields:
                continue
            old_position, old_field = old_fields[name]
            aspects = _aspects(old_field, field)
            if _property(before, name) != _property(after, name):
                aspects.append("schema")
            if old_position != position:
                aspects.append("position")
            if aspects:
                changed.append(FieldChange(name, field.label, tuple(aspects)))
        return FormDiff(
            key=key,
            old_version=old,
            new_version=new,
            added=tuple(n for n in new_fields if n not in old_fields),
            removed=tuple(n for n in old_fields if n not in new_fields),
            changed=tuple(changed),
            title_changed=(before.title, before.title_en) != (after.title, after.title_en),
        )

    def _version_definition(self, session: Session, key: str, version: int) -> forms.FormDefinition:
        if version == 0:
            try:
                return forms.load_form(key, directory=self.settings.forms_dir)
            except forms.FormError:
                raise NotFound(f"Không có tệp biểu mẫu có sẵn «{key[:80]}» (no shipped form)") from None
        row = form_store.find_row(session, key, version) if form_store.is_form_key(key) else None
        if row is None:
            raise NotFound(f"Không có phiên bản {version} của biểu mẫu «{key[:80]}» (no such form version)")
        return form_store.parsed(row)


def _preview(text: Any, key: str | None) -> FormPreview:
    try:
        definition = forms.parse_form_source(text, key=key)
    except forms.InvalidFormDefinition as exc:
        message = f"Dòng {exc.line}: {exc.message}" if exc.line is not None else exc.message
        return FormPreview(definition=None, errors=(message,))
    return FormPreview(definition=definition)


_COMPARED = ("label", "label_en", "widget", "required", "type", "choices", "help")


def _aspects(old: forms.FieldDescription, new: forms.FieldDescription) -> list[str]:
    aspects = [name for name in _COMPARED if getattr(old, name) != getattr(new, name)]
    if old.table != new.table:
        aspects.append("columns")
    if dict(old.extra) != dict(new.extra):
        aspects.append("hints")
    return aspects


def _property(definition: forms.FormDefinition, name: str) -> str:
    """Write a field's JSON Schema without its texts (compared as label and help), for comparing."""
    prop = definition.schema.get("properties", {}).get(name)
    if isinstance(prop, dict):
        prop = {k: v for k, v in prop.items() if k not in ("title", "description")}
    return json.dumps(prop, sort_keys=True, ensure_ascii=False, default=str)
