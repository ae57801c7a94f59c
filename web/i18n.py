"""Vietnamese first, English on request: Flask-Babel with catalogues compiled at start.

Templates and views write their text in Vietnamese inside ``_()``; ``web/translations`` holds
the English catalogue as a ``.po`` file. The compiled ``.mo`` is a build product, so it is not
kept in the repository: ``init_i18n`` compiles it into a cache directory named after the
catalogue's checksum the first time a process needs it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_babel import Babel
from werkzeug.wrappers import Response

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
SOURCE = Path(__file__).resolve().parent / "translations"

babel = Babel()
bp = Blueprint("i18n", __name__)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel to ``app`` with the compiled catalogues and the language toggle."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_catalogues())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=current_language)
    app.register_blueprint(bp)
    app.context_processor(lambda: {"languages": LANGUAGES, "language": current_language()})


def current_language() -> str:
    """Return the language chosen in this session (Vietnamese unless English was asked for)."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@bp.post("/ngon-ngu")
def choose_language() -> Response:
    """Switch the interface language for this session and go back where the user was."""
    chosen = request.form.get("lang", DEFAULT_LANGUAGE)
    session["lang"] = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    back = request.form.get("next", "")
    parts = urlsplit(back)
    # Only a path on this site: never an absolute or protocol-relative address.
    if not back.startswith("/") or back.startswith("//") or parts.scheme or parts.netloc:
        back = url_for("index")
    return redirect(back)


def compiled_catalogues() -> Path:
    """Compile every ``.po`` under ``web/translations`` once; return the directory of ``.mo`` files."""
    sources = sorted(SOURCE.glob("*/LC_MESSAGES/*.po"))
    digest = hashlib.sha256()
    for po in sources:
        digest.update(str(po.relative_to(SOURCE)).encode())
        digest.update(po.read_bytes())
    target = Path(tempfile.gettempdir()) / f"plancycle-i18n-{digest.hexdigest()[:16]}"
    for po in sources:
        mo = target / po.relative_to(SOURCE).with_suffix(".mo")
        if mo.exists():
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle)
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalogue)
        partial.replace(mo)  # atomic: a second process never reads half a file
    return target
