"""The English toggle is complete: every interface text marked for translation has an English entry."""

from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT

METHODS = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
CATALOGUE = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _marked() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords={**DEFAULT_KEYWORDS, "_l": None}
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, filename)
    return found


def test_every_marked_text_has_an_english_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    marked = _marked()
    assert len(marked) > 50  # the pages are marked, not only the frame
    missing = sorted(
        f"{where}: {msgid}"
        for msgid, where in marked.items()
        if not (catalogue.get(msgid) and catalogue[msgid].string)
    )
    assert missing == []


def test_placeholders_survive_translation() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        for placeholder in ("%(", "{"):
            assert message.id.count(placeholder) == str(message.string).count(placeholder), message.id
