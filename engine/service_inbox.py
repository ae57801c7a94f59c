"""Door methods for the inbox: views, search, sort, counts and saved filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import inbox, inbox_search
from engine.authority import acting_for
from engine.errors import InvalidSubmission, NotFound
from engine.inbox_results import InboxPage, InboxScreen, SavedFilterInfo
from engine.models import SavedFilter
from engine.names import vietnamese_sort_key
from engine.organisation import require_user
from engine.results import Actor
from engine.service_base import EngineBase


class InboxMethods(EngineBase):
    """Mixed into ``WorkflowEngine``."""

    def inbox_page(
        self,
        *,
        actor: Actor,
        view: str = "open",
        query: str | None = None,
        sort: str = "deadline",
        descending: bool = False,
        page: int = 1,
        per_page: int = 50,
    ) -> InboxPage:
        """Return one page of an inbox view, searched and ordered.

        Views (see ``engine.inbox.view_clause``): ``open`` (everything the actor may act on now),
        ``mine`` (assigned to or claimed by them), ``unit`` (open to their unit and role, held by
        nobody: to claim), ``overdue``, ``week`` (due before the end of this local week, overdue
        included) and ``done`` (completed by the actor, newest first; ``sort`` does not apply).
        Other views order by deadline, ascending unless ``descending``, items without one last.
        ``query`` searches plan numbers and symbols, unit names and period labels, ignoring case
        and accents. ``page`` is clamped to the pages that exist; ``per_page`` to 1..200.
        Raises ``InvalidSubmission`` for an unknown view or order or a search over 200 characters.
        """
        inbox.check_view(view, sort)
        text = inbox_search.check_query(query)
        with self._work(write=False) as session:
            who = self._acting(session, actor)
            return self._page(
                session, who, view, text, sort=sort, descending=descending, page=page, per_page=per_page
            )

    def inbox_counts(self, *, actor: Actor) -> dict[str, int]:
        """Count the items of each inbox view: ``open``, ``mine``, ``unit``, ``overdue``, ``week``, ``done``.

        One statement over the actor's own index ranges, whatever the size of the table (cheap
        enough for the navigation of every page); each count equals the ``total`` of
        ``inbox_page`` for that view without a search.
        """
        with self._work(write=False) as session:
            now = self._clock()
            return inbox.count_views(
                session, self._acting(session, actor), now=now, week_ends=inbox.week_end(now, self._zone)
            )

    def inbox_screen(
        self,
        *,
        actor: Actor,
        view: str = "open",
        query: str | None = None,
        sort: str = "deadline",
        descending: bool = False,
        page: int = 1,
        per_page: int = 50,
    ) -> InboxScreen:
        """Return everything the inbox page shows, in one transaction.

        The page of ``inbox_page`` (same arguments, same errors), the counts of ``inbox_counts``
        and the saved filters of ``list_saved_filters``.
        """
        inbox.check_view(view, sort)
        text = inbox_search.check_query(query)
        with self._work(write=False) as session:
            who = self._acting(session, actor)
            now = self._clock()
            counts = inbox.count_views(session, who, now=now, week_ends=inbox.week_end(now, self._zone))
            return InboxScreen(
                page=self._page(
                    session,
                    who,
                    view,
                    text,
                    sort=sort,
                    descending=descending,
                    page=page,
                    per_page=per_page,
                    total=None if text else counts[view],  # without a search the count is the total
                ),
                counts=counts,
                filters=tuple(_filters_of(session, who.user_id)),
            )

    # -- saved filters ------------------------------------------------------------------------

    def list_saved_filters(self, *, actor: Actor) -> list[SavedFilterInfo]:
        """Return the actor's own saved inbox filters, by name in Vietnamese order."""
        with self._work(write=False) as session:
            return _filters_of(session, require_user(session, actor).id)

    def save_inbox_filter(self, name: str, query: Mapping[str, Any], *, actor: Actor) -> SavedFilterInfo:
        """Keep an inbox filter under a name for the actor alone.

        ``query`` may hold ``view``, ``query`` (search text), ``sort`` and ``descending``;
        missing keys take the defaults. Saving under a name the actor already uses replaces that
        filter (same id). Raises ``InvalidSubmission`` with field errors (``name``, ``query``,
        ``view``, ``sort``, ``descending``) for a name outside 1..100 characters, an unknown key
        or value, or more than 50 filters; nothing is stored then.
        """
        shown, cleaned = inbox.clean_filter(name, query)
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = session.scalar(
                select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == shown)
            )
            if row is None:
                kept = session.scalar(
                    select(func.count(SavedFilter.id)).where(SavedFilter.user_id == user.id)
                )
                if int(kept or 0) >= inbox.MAX_FILTERS_PER_USER:
                    raise InvalidSubmission(
                        "Đã đủ số bộ lọc được lưu (too many saved filters)",
                        {"name": [f"Mỗi người lưu tối đa {inbox.MAX_FILTERS_PER_USER} bộ lọc; hãy xóa bớt."]},
                    )
                row = SavedFilter(user_id=user.id, name=shown, query=cleaned, created_at=self._clock())
                session.add(row)
            else:
                row.query = cleaned
            session.flush()
            return _to_filter_info(row)

    def delete_saved_filter(self, filter_id: int, *, actor: Actor) -> None:
        """Remove one of the actor's saved filters; another user's filter raises ``NotFound``."""
        with self._work(write=True) as session:
            user = require_user(session, actor)
            row = session.get(SavedFilter, filter_id)
            if row is None or row.user_id != user.id:
                raise NotFound(f"Không tìm thấy bộ lọc {filter_id} (no such filter)")
            session.delete(row)

    def _page(
        self,
        session: Session,
        who: inbox.Acting,
        view: str,
        text: str,
        *,
        sort: str,
        descending: bool,
        page: int,
        per_page: int,
        total: int | None = None,
    ) -> InboxPage:
        per_page = min(max(per_page, 1), inbox.MAX_PER_PAGE)
        page = max(page, 1)
        now = self._clock()
        rows = inbox.view_rows(view, who, now=now, week_ends=inbox.week_end(now, self._zone))
        search = None
        if text:
            inbox_search.prepare_search(session)
            search = inbox_search.search_clause(session, text)
        if total is None and page > 1:
            total = inbox.count_rows(session, rows, search)
        if total is not None:
            page = min(page, max(1, -(-total // per_page)))
        found = inbox.page_rows(
            session,
            rows,
            who,
            newest_done_first=view == "done",
            search=search,
            descending=descending,
            limit=per_page,
            offset=(page - 1) * per_page,
            now=now,
        )
        if total is None:
            # A first page that is not full holds the whole view: no need to count.
            total = len(found) if len(found) < per_page else inbox.count_rows(session, rows, search)
        return InboxPage(
            rows=tuple(found),
            total=total,
            page=page,
            per_page=per_page,
            view=view,
            query=text,
            sort=sort,
            descending=descending,
        )

    def _acting(self, session: Session, actor: Actor) -> inbox.Acting:
        user = require_user(session, actor)
        user_ids, roles = acting_for(session, user.id, self.today())
        return inbox.Acting(user_id=user.id, user_ids=tuple(user_ids), roles=tuple(roles))


def _filters_of(session: Session, user_id: int) -> list[SavedFilterInfo]:
    rows = session.scalars(select(SavedFilter).where(SavedFilter.user_id == user_id)).all()
    return [_to_filter_info(row) for row in sorted(rows, key=lambda r: vietnamese_sort_key(r.name))]


def _to_filter_info(row: SavedFilter) -> SavedFilterInfo:
    return SavedFilterInfo(id=row.id, name=row.name, query=dict(row.query), created_at=row.created_at)
