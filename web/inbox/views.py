"""The inbox: tabs per view with counts, search, order, pages and saved filters.

Everything is a plain GET with query parameters (``view``, ``q``, ``dir``, ``page``), so a
view can be bookmarked, shared with oneself on another device, or kept as a saved filter on
the server. Saving and deleting filters are small POST forms that redirect back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine import InvalidSubmission
from engine.inbox import VIEWS
from engine.inbox_results import SavedFilterInfo
from web.extensions import get_engine

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

PER_PAGE = 50


@dataclass(frozen=True)
class InboxArgs:
    """What the address asks for; unknown views and directions fall back to the defaults."""

    view: str = "open"
    query: str = ""
    descending: bool = False
    page: int = 1

    def link(
        self,
        *,
        view: str | None = None,
        query: str | None = None,
        descending: bool | None = None,
        page: int | None = None,
    ) -> dict[str, str | int]:
        """Return ``url_for`` arguments for this view with changes; a changed view starts at page 1."""
        changed = view is not None or query is not None or descending is not None
        view = self.view if view is None else view
        query = self.query if query is None else query
        descending = self.descending if descending is None else descending
        page = page if page is not None else (1 if changed else self.page)
        values: dict[str, str | int] = {}
        if view != "open":
            values["view"] = view
        if query:
            values["q"] = query
        if descending:
            values["dir"] = "desc"
        if page != 1:
            values["page"] = page
        return values

    def as_filter(self) -> dict[str, Any]:
        """Return this view as an engine saved-filter query."""
        return {"view": self.view, "query": self.query, "sort": "deadline", "descending": self.descending}


def parse_args(values: MultiDict[str, str]) -> InboxArgs:
    """Read ``view``, ``q``, ``dir`` and ``page`` from a query string or a form."""
    view = values.get("view", "open")
    try:
        page = int(values.get("page", "1"))
    except ValueError:
        page = 1
    return InboxArgs(
        view=view if view in VIEWS else "open",
        query=values.get("q", "")[:1000],
        descending=values.get("dir") == "desc",
        page=max(page, 1),
    )


def filter_link(saved: SavedFilterInfo) -> dict[str, Any]:
    """Return ``url_for`` arguments that apply a saved filter."""
    query = saved.query
    return InboxArgs(
        view=str(query.get("view", "open")),
        query=str(query.get("query", "")),
        descending=bool(query.get("descending", False)),
    ).link()


def _render(
    args: InboxArgs, *, errors: dict[str, list[str]] | None = None, filter_name: str = ""
) -> tuple[str, int]:
    engine = get_engine()
    actor = current_user.info.id
    errors = dict(errors or {})
    wanted = {"view": args.view, "descending": args.descending, "page": args.page, "per_page": PER_PAGE}
    try:
        screen = engine.inbox_screen(actor=actor, query=args.query, **wanted)
    except InvalidSubmission as exc:  # a search too long: say so beside the box, list nothing
        errors.update(exc.field_errors)
        screen = engine.inbox_screen(actor=actor, **wanted)
        screen = replace(screen, page=replace(screen.page, rows=(), total=0, page=1, query=args.query))
    g.inbox_counts = screen.counts  # the navigation badge reuses them
    current = args.link(page=1)
    html = render_template(
        "inbox/index.html",
        args=args,
        page=screen.page,
        counts=screen.counts,
        views=VIEWS,
        filters=screen.filters,
        filter_links={f.id: filter_link(f) for f in screen.filters},
        active_filter=next((f.id for f in screen.filters if filter_link(f) == current), None),
        errors=errors,
        filter_name=filter_name,
    )
    return html, 422 if errors else 200


@bp.get("/")
@login_required
def index() -> tuple[str, int]:
    """Show one view of the user's items: searched, ordered by deadline, fifty to a page."""
    return _render(parse_args(request.args))


@bp.post("/bo-loc")
@login_required
def save_filter() -> Response | tuple[str, int]:
    """Keep the current view and search under a name (the same name replaces the old filter)."""
    args = parse_args(request.form)
    name = request.form.get("name", "")
    try:
        saved = get_engine().save_inbox_filter(name, args.as_filter(), actor=current_user.info.id)
    except InvalidSubmission as exc:
        return _render(args, errors=exc.field_errors, filter_name=name)
    flash(_("Đã lưu bộ lọc “%(name)s”.", name=saved.name))
    return redirect(url_for("inbox.index", **filter_link(saved)))


@bp.post("/bo-loc/<int:filter_id>/xoa")
@login_required
def delete_filter(filter_id: int) -> Response:
    """Remove one of the user's saved filters and go back to the view they were on."""
    get_engine().delete_saved_filter(filter_id, actor=current_user.info.id)
    flash(_("Đã xóa bộ lọc."))
    return redirect(url_for("inbox.index", **parse_args(request.form).link()))
