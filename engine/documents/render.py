"""Lay a document out with its template and print it to PDF with WeasyPrint.

Templates are Jinja2 files next to this module (no Flask: workers render too). WeasyPrint gets a
URL fetcher that refuses every address: a document is built from its own text and style sheet
only, so nothing a person typed can make the renderer reach a file or a server. Fonts come from
the system (fontconfig): "Liberation Serif" from Debian's fonts-liberation2 covers Vietnamese and
has the metrics of Times New Roman.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import jinja2

from engine.documents.content import TEMPLATES, Document, Meta

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STYLE_SHEET = TEMPLATE_DIR / "print.css"
# Steps a render reports to ``on_step``, in order.
STEPS = ("Đang dựng văn bản", "Đang dàn trang", "Đang ghi tệp PDF")


class FetchRefused(Exception):
    """A document asked for an outside resource; documents may not fetch anything."""


@dataclass(frozen=True)
class RenderedPdf:
    """A printed document: its bytes, page count and SHA-256."""

    data: bytes
    pages: int

    @property
    def sha256(self) -> str:
        """Return the hex SHA-256 of the file."""
        return hashlib.sha256(self.data).hexdigest()


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _weasyprint() -> Any:
    # Imported on first use: it takes most of a second, which processes that never print a
    # document (the CLI, most requests) need not pay.
    import weasyprint  # type: ignore[import-untyped]  # WeasyPrint ships no types

    return weasyprint


@cache
def _style_sheet() -> Any:
    return _weasyprint().CSS(string=STYLE_SHEET.read_text(encoding="utf-8"), url_fetcher=refuse_fetch)


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """Refuse to fetch ``url`` (WeasyPrint's ``url_fetcher``)."""
    raise FetchRefused(f"documents fetch nothing ({url[:80]})")


def render_html(document: Document, meta: Meta) -> str:
    """Return the document's HTML, as WeasyPrint will print it."""
    template = _environment().get_template(TEMPLATES[type(document)])
    return template.render(document=document, meta=meta)


def render_pdf(
    document: Document, meta: Meta, *, on_step: Callable[[int, str], None] | None = None
) -> RenderedPdf:
    """Print a document to PDF; ``on_step(index, label)`` is told as each of ``STEPS`` starts."""

    def step(index: int) -> None:
        if on_step is not None:
            on_step(index, STEPS[index])

    step(0)
    html = render_html(document, meta)
    step(1)
    laid_out = _weasyprint().HTML(string=html, url_fetcher=refuse_fetch).render(stylesheets=[_style_sheet()])
    step(2)
    data = laid_out.write_pdf()
    assert data is not None  # noqa: S101 - no target given, so WeasyPrint returns the bytes
    return RenderedPdf(data=data, pages=len(laid_out.pages))
