"""Process pages for administrators: the list, a process's versions, the modeler, imports, diffs, migration.

The modeler page (bpmn-js, built by ``make setup``) talks to three JSON endpoints: check, save a
draft, deploy. Each answers with the engine's report, every problem tied to its element id, so the
page can mark the element; deploying with errors stores nothing and answers 422.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from engine import EngineError, InvalidDefinition, NotPermitted
from engine.definition_results import DiagramReport
from web.errors import status_for
from web.extensions import get_engine, is_admin
from web.security import MODELER_CONTENT_SECURITY_POLICY

bp = Blueprint("processes", __name__, url_prefix="/quy-trinh")

KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


def _actor() -> int:
    user_id: int = current_user.info.id
    return user_id


def _require_admin() -> None:
    """Refuse the pages to anyone who is not an administrator (the engine checks again)."""
    if not is_admin(current_user.info):
        raise NotPermitted("Chỉ quản trị viên được làm việc này (administrators only)")


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _report_json(report: DiagramReport | None) -> dict[str, Any]:
    if report is None:
        return {"errors": [], "warnings": []}
    return {
        "process_id": report.process_id,
        "name": report.name,
        "errors": [_problem_json(p) for p in report.errors],
        "warnings": [_problem_json(p) for p in report.warnings],
    }


def _problem_json(problem: Any) -> dict[str, Any]:
    return {
        "element_id": problem.element_id,
        "element_type": problem.element_type,
        "message": problem.message,
    }


def _posted_xml() -> str:
    try:
        xml = request.form.get("xml", "")
    except RequestEntityTooLarge:
        raise InvalidDefinition(_too_large_message()) from None
    return xml


def _too_large_message() -> str:
    limit = get_engine().settings.max_bpmn_bytes
    return _("Tệp BPMN quá lớn: tối đa %(size)s MB.", size=f"{limit / 1024 / 1024:.0f}")


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """Refuse an upload over the limit (the CSRF check reads the body first) naming the BPMN limit."""
    if request.endpoint == "processes.import_file":
        return _import_page(error=_too_large_message(), imported=None), 413
    return render_template("error.html", message=_too_large_message(), status=413), 413


# -- the list -------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    """Every process with its newest version, running instances and whether a draft waits."""
    _require_admin()
    processes = get_engine().list_processes(actor=_actor())
    return render_template("processes/index.html", processes=processes)


@bp.get("/<key>")
@login_required
def show(key: str) -> str:
    """Show a process: versions (who, when, checksum), running instances by version, its draft."""
    _require_admin()
    engine = get_engine()
    detail = engine.process_detail(key, actor=_actor())
    units = engine.unit_choices(actor=_actor())
    running = engine.list_instances(key, actor=_actor())
    return render_template("processes/show.html", detail=detail, units=units, running=running)


@bp.get("/<key>/tep.bpmn")
@login_required
def source(key: str) -> Response:
    """Send the diagram's XML: a version (``?phien-ban=N``), else the draft, else the newest version."""
    _require_admin()
    version = _int(request.args.get("phien-ban"))
    prefer_draft = version is None and request.args.get("ban-nhap", "1") != "0"
    # The modeler asks for a copy it can draw (``?modeler=1``); a download is the stored text.
    fetch = get_engine().modeler_source if request.args.get("modeler") else get_engine().diagram_source
    found = fetch(key, actor=_actor(), version=version, prefer_draft=prefer_draft)
    response = Response(found.xml, mimetype="application/xml")
    name = f"{key}-v{found.version}.bpmn" if found.version and not found.is_draft else f"{key}-draft.bpmn"
    if request.args.get("tai-ve"):
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the modeler ----------------------------------------------------------------------------------


@bp.get("/<key>/sua")
@login_required
def modeler(key: str) -> Response:
    """Open the modeler on a process: its draft, or the version asked for, or its newest version."""
    _require_admin()
    version = _int(request.args.get("phien-ban"))
    found = get_engine().diagram_source(key, actor=_actor(), version=version, prefer_draft=version is None)
    source_url = url_for(
        "processes.source", key=key, modeler=1, **({"phien-ban": version} if version else {"ban-nhap": 1})
    )
    based_on = found.based_on_version if found.is_draft else found.version
    page = render_template(
        "processes/modeler.html",
        key=key,
        title=found.name,
        source=found,
        source_url=source_url,
        based_on=based_on,
        check_on_load=found.is_draft,
    )
    return _modeler_response(page)


@bp.get("/moi")
@login_required
def new() -> Response:
    """Open the modeler on a new, almost empty process (a start event) under a fresh id."""
    _require_admin()
    key = f"process_{uuid.uuid4().hex[:8]}"
    page = render_template(
        "processes/modeler.html",
        key=key,
        title=_("Quy trình mới"),
        source=None,
        source_url=url_for("processes.blank", key=key),
        based_on=None,
        check_on_load=False,
    )
    return _modeler_response(page)


def _modeler_response(page: str) -> Response:
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MODELER_CONTENT_SECURITY_POLICY
    return response


@bp.get("/moi/<key>.bpmn")
@login_required
def blank(key: str) -> Response:
    """Send a new process's starting diagram: one start event, drawn."""
    _require_admin()
    if not key or len(key) > 60 or not set(key) <= KEY_CHARS:
        abort(404)
    xml = render_template("processes/blank.bpmn", key=key, name=_("Quy trình mới"))
    return Response(xml, mimetype="application/xml")


def _json_error(error: EngineError) -> tuple[Response, int]:
    status = 422 if isinstance(error, InvalidDefinition) else status_for(error)
    problems = list(getattr(error, "problems", ()))
    body = {
        "message": error.message,
        "errors": [
            {"element_id": p.element_id, "element_type": None, "message": p.message} for p in problems
        ],
        "warnings": [],
    }
    return jsonify(body), status


@bp.post("/kiem-tra")
@login_required
def check() -> Response | tuple[Response, int]:
    """Check a diagram without storing anything; answer every problem with its element."""
    _require_admin()
    try:
        report = get_engine().validate_diagram(_posted_xml(), actor=_actor())
    except EngineError as exc:
        return _json_error(exc)
    return jsonify(_report_json(report))


@bp.post("/luu-nhap")
@login_required
def save_draft() -> Response | tuple[Response, int]:
    """Keep the diagram as the process's draft (problems and all); answer the report."""
    _require_admin()
    try:
        saved = get_engine().save_draft(
            _posted_xml(), actor=_actor(), based_on_version=_int(request.form.get("based_on_version"))
        )
    except EngineError as exc:
        return _json_error(exc)
    body = _report_json(saved.report)
    body["key"] = saved.key
    body["message"] = _("Đã lưu bản nháp của quy trình %(key)s.", key=saved.key)
    body["url"] = url_for("processes.show", key=saved.key)
    return jsonify(body)


@bp.post("/trien-khai")
@login_required
def deploy() -> Response | tuple[Response, int]:
    """Deploy the diagram as a new version; with errors nothing is stored (422, errors on elements)."""
    _require_admin()
    try:
        result = get_engine().deploy_diagram(_posted_xml(), actor=_actor())
    except EngineError as exc:
        return _json_error(exc)
    info = result.definition
    body = _report_json(result.report)
    body.update(
        key=info.key,
        version=info.version,
        is_new=info.is_new,
        url=url_for("processes.show", key=info.key),
        message=(
            _(
                "Đã triển khai phiên bản %(version)s của quy trình %(key)s.",
                version=info.version,
                key=info.key,
            )
            if info.is_new
            else _("Không có thay đổi: phiên bản %(version)s vẫn là mới nhất.", version=info.version)
        ),
    )
    return jsonify(body)


@bp.post("/<key>/bo-nhap")
@login_required
def discard_draft(key: str) -> Response:
    """Throw the draft away; the deployed versions stay."""
    _require_admin()
    get_engine().discard_draft(key, actor=_actor())
    flash(_("Đã bỏ bản nháp."))
    return redirect(url_for("processes.show", key=key))


# -- import ---------------------------------------------------------------------------------------


@bp.route("/nhap-tep", methods=["GET", "POST"])
@login_required
def import_file() -> str | tuple[str, int] | Response:
    """Upload a .bpmn file made by any tool: it is read safely, reported, and kept as a draft."""
    _require_admin()
    if request.method == "GET":
        return _import_page(error=None, imported=None)
    engine = get_engine()
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _import_page(error=_too_large_message(), imported=None), 413
    if upload is None or not upload.filename:
        return _import_page(error=_("Hãy chọn một tệp .bpmn."), imported=None), 422
    data = upload.read(engine.settings.max_bpmn_bytes + 1)
    if len(data) > engine.settings.max_bpmn_bytes:
        return _import_page(error=_too_large_message(), imported=None), 413
    try:
        imported = engine.import_bpmn(data, filename=upload.filename, actor=_actor())
    except EngineError as exc:
        return _import_page(error=exc.message, imported=None), status_for(exc)
    return _import_page(error=None, imported=imported)


def _import_page(**context: Any) -> str:
    max_mb = f"{get_engine().settings.max_bpmn_bytes / 1024 / 1024:.0f}"
    return render_template("processes/import.html", max_mb=max_mb, **context)


# -- versions: compare, migrate, start ------------------------------------------------------------


@bp.get("/<key>/so-sanh")
@login_required
def compare(key: str) -> str:
    """Show what changed between two versions: elements added, removed and changed."""
    _require_admin()
    engine = get_engine()
    detail = engine.process_detail(key, actor=_actor())
    versions = [v.version for v in detail.versions]
    new = _int(request.args.get("moi")) or (versions[0] if versions else 0)
    old = _int(request.args.get("cu")) or (versions[1] if len(versions) > 1 else new)
    diff = engine.diff_versions(key, old, new, actor=_actor())
    return render_template("processes/compare.html", detail=detail, diff=diff, old=old, new=new)


@bp.route("/<key>/chuyen-phien-ban", methods=["GET", "POST"])
@login_required
def migrate(key: str) -> str | tuple[str, int] | Response:
    """Preview which running instances can move to another version, then move the chosen ones."""
    _require_admin()
    engine = get_engine()
    detail = engine.process_detail(key, actor=_actor())
    versions = [v.version for v in detail.versions]
    source = request.values
    to_version = _int(source.get("den")) or (versions[0] if versions else 0)
    from_version = _int(source.get("tu")) or (versions[1] if len(versions) > 1 else to_version)
    if request.method == "POST":
        chosen = [int(v) for v in request.form.getlist("instance") if v.isdigit()]
        if not chosen:
            flash(_("Chưa chọn phiên chạy nào để chuyển."))
        else:
            result = engine.migrate_instances(key, from_version, to_version, chosen, actor=_actor())
            flash(
                _(
                    "Đã chuyển %(moved)s phiên chạy sang phiên bản %(version)s; "
                    "%(refused)s phiên không chuyển được.",
                    moved=len(result.migrated),
                    version=to_version,
                    refused=len(result.refused),
                )
            )
        return redirect(url_for("processes.migrate", key=key, tu=from_version, den=to_version))
    preview = engine.migration_preview(key, from_version, to_version, actor=_actor())
    return render_template("processes/migrate.html", detail=detail, preview=preview)


@bp.post("/<key>/khoi-chay")
@login_required
def start(key: str) -> Response | tuple[str, int]:
    """Start an instance of the newest version for a unit, then show where it waits."""
    _require_admin()
    engine = get_engine()
    unit_id = _int(request.form.get("unit_id"))
    business_key = (request.form.get("business_key") or "").strip()[:200] or None
    text = (request.form.get("data") or "").strip()
    try:
        data = json.loads(text) if text else {}
    except ValueError as exc:
        flash(_("Dữ liệu khởi tạo không phải JSON hợp lệ: %(error)s", error=str(exc)))
        return redirect(url_for("processes.show", key=key))
    if not isinstance(data, dict):
        flash(_("Dữ liệu khởi tạo phải là một đối tượng JSON ({...})."))
        return redirect(url_for("processes.show", key=key))
    try:
        info = engine.start_instance(key, data, actor=_actor(), unit_id=unit_id, business_key=business_key)
    except NotPermitted:
        raise
    except EngineError as exc:
        flash(_("Không khởi chạy được: %(error)s", error=exc.message))
        return redirect(url_for("processes.show", key=key))
    flash(_("Đã khởi chạy phiên #%(id)s.", id=info.id))
    return redirect(url_for("processes.instance", instance_id=info.id))


@bp.get("/phien/<int:instance_id>")
@login_required
def instance(instance_id: int) -> str:
    """One running instance: its version, status and the tasks it waits on."""
    _require_admin()
    overview = get_engine().instance_overview(instance_id, actor=_actor())
    return render_template("processes/instance.html", overview=overview)
