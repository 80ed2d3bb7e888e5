"""Bank pages: the item list, authoring, review, coverage, import/export, assets.

Examiners write and review; administrators may look at everything (changing the bank needs the
examiner role, which an administrator can also hold). Views parse, call the use-case modules
(:mod:`~certify.banks.authoring`, :mod:`~certify.banks.reviewing`, :mod:`~certify.banks.imports`,
:mod:`~certify.banks.uploads`) and render; every rule is enforced there.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nh3
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from certify.auth.decorators import login_required, role_required
from certify.auth.models import Role
from certify.banks import (
    assets,
    authoring,
    coverage,
    exporters,
    imports,
    practical,
    queries,
    reviewing,
    task_validity,
    uploads,
)
from certify.banks.diff import version_diff
from certify.banks.forms import (
    COLUMN_FIELDS,
    FORMS,
    STATUS_LABELS,
    TYPE_LABELS,
    AssetUploadForm,
    CoverageForm,
    FilterForm,
    ImportForm,
    ItemForm,
    PracticalForm,
    RetireForm,
    ReviewForm,
    grow,
)
from certify.banks.importers import ImportOptions, Media, read_file
from certify.banks.markup import render_markdown
from certify.banks.models import Item, ItemVersion
from certify.banks.render import candidate_item
from certify.banks.spec import BankError, ItemData, Problem, row_to_item
from certify.db import db
from certify.formutil import choices
from certify.syllabus.models import Component
from certify.syllabus.operations import levels
from certify.tasks import UnknownTaskTypeError, get_task_type, task_types
from certify.web import cacheable

bp = Blueprint("banks", __name__, url_prefix="/bank")
STAFF = (Role.EXAMINER, Role.ADMIN)

#: How long browsers may keep an asset: its URL is its content hash, so it never changes.
ASSET_MAX_AGE = 365 * 24 * 3600


# -- helpers -------------------------------------------------------------------------------------

def _item_or_404(item_id: int) -> Item:
    return db.get_or_404(Item, item_id)


def _version_or_404(item: Item, number: int) -> ItemVersion:
    version = next((v for v in item.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def unit_choices(kinds: tuple[str, ...] = ("function", "work_content", "skill", "knowledge")) -> list:
    """Units as select choices grouped by level (``L4:2.1`` → "2.1 Data classification …")."""
    out = []
    for level in levels():
        for unit in level.units:
            if unit.kind in kinds:
                indent = "\u2003" * unit.depth
                out.append(SelectChoice(unit.ref, f"{indent}{unit.ref} {unit.title_en}",
                                        optgroup=level.name_en))
    return out


def _task_type_choices() -> list:
    return choices((name, f"{t.label} ({name})") for name, t in task_types().items())


def _attach_problems(form: ItemForm, problems: list[Problem]) -> list[str]:
    """Put each problem on its field; return the ones shown above the form."""
    general = []
    for problem in problems:
        name = COLUMN_FIELDS.get(problem.column or "")
        if name == "correct" and not hasattr(form, "correct"):
            name = "blanks"  # a fill-in item's answers live in its blank rows
        field = getattr(form, name, None) if name else None
        text = problem.message
        if problem.record is not None:
            text = _('record "%(record)s", field "%(field)s": %(message)s',
                     record=problem.record, field=problem.field or "", message=problem.message)
        elif problem.field and problem.column in ("task.yaml", None):
            text = f"{problem.field}: {problem.message}"
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors or [])
            field.errors.append(text)
        general.append(text if field is None else f"{field.label.text}: {text}")
    return general


def _upload(field) -> bytes | None:  # type: ignore[no-untyped-def]
    upload = field.data
    return upload.read() if upload and getattr(upload, "filename", "") else None


def _practical_data(form: PracticalForm, base: ItemData | None) -> tuple[ItemData | None,
                                                                        list[Problem]]:
    fields, problems = form.values()
    media = {Path(f.filename).name: f.read() for f in (form.media.data or [])
             if getattr(f, "filename", "")}
    return authoring.practical_item(fields, base=base, records_file=_upload(form.records),
                                    gold_file=_upload(form.gold), media_files=media,
                                    problems=problems)


def _form_data(form: ItemForm, base: ItemData | None) -> tuple[ItemData | None, list[Problem]]:
    if isinstance(form, PracticalForm):
        return _practical_data(form, base)
    return row_to_item(form.to_row())


def _make_form(item_type: str, data: ItemData | None) -> ItemForm:
    form = FORMS[item_type]()
    form.units.choices = unit_choices()
    if isinstance(form, PracticalForm):
        form.task_type.choices = _task_type_choices()
    grow(form, data)
    if data is not None and request.method == "GET":
        form.load(data)
    return form


@bp.app_template_global("widget_scripts")
def widget_scripts(task_type: str | None) -> list[tuple[str, bool]]:
    """The scripts (under ``static/``) of a task type's labeling widget as ``(path, is_module)``:
    the registry (an ES module) first, then the widget (a classic script, loaded with ``defer``:
    module and deferred scripts run in document order). None for a type the registry does not
    know (the page then shows the records without a widget)."""
    try:
        return [("js/widgets/registry.js", True),
                (get_task_type(task_type or "").candidate_script, False)]
    except UnknownTaskTypeError:
        return []


# -- the list ------------------------------------------------------------------------------------

def _filters() -> tuple[FilterForm, queries.ItemFilter]:
    form = FilterForm(request.args)
    form.level.choices = choices([("", _("Any level"))] + [(str(n), _("Level %(n)s", n=n))
                                                          for n in (5, 4, 3, 2, 1)])
    form.unit.choices = [SelectChoice("", _("Any unit")), *unit_choices(("work_content",))]
    form.type.choices = choices([("", _("Any type")), *list(TYPE_LABELS.items())])
    form.status.choices = choices([("", _("Any status"))] + [
        (s, STATUS_LABELS[s]) for s in ("draft", "in_review", "approved", "retired")])
    form.difficulty.choices = choices([("", _("Any difficulty"))] + [(str(n), str(n))
                                                                    for n in range(1, 6)])
    level = request.args.get("level", type=int)
    difficulty = request.args.get("difficulty", type=int)
    item_filter = queries.ItemFilter(
        level=level if level in (1, 2, 3, 4, 5) else None,
        unit=request.args.get("unit") or None,
        type=request.args.get("type") if request.args.get("type") in TYPE_LABELS else None,
        status=request.args.get("status") if request.args.get("status") in STATUS_LABELS else None,
        difficulty=difficulty if difficulty in (1, 2, 3, 4, 5) else None,
        q=(request.args.get("q") or "").strip()[:200] or None,
        author_id=current_user.id if request.args.get("mine") else None)
    return form, item_filter


@bp.route("/")
@role_required(*STAFF)
def index():
    form, item_filter = _filters()
    page = db.paginate(queries.filtered(item_filter), per_page=current_app.config["BANK_PAGE_SIZE"],
                       error_out=False)
    export_args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("banks/index.html", form=form, page=page, export_args=export_args,
                           type_labels=TYPE_LABELS, status_labels=STATUS_LABELS,
                           queue=len(queries.review_queue()))


# -- authoring -----------------------------------------------------------------------------------

@bp.route("/items/new")
@role_required(Role.EXAMINER)
def new():
    return render_template("banks/new.html", type_labels=TYPE_LABELS)


@bp.route("/items/new/<item_type>", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def new_item(item_type: str):
    if item_type not in FORMS:
        abort(404)
    form = _make_form(item_type, None)
    if request.method == "GET":
        if request.args.get("unit"):
            form.units.data = [request.args["unit"]]
        if item_type in ("practical", "short_answer"):
            # Practical tasks are worth 100 points (formats.md §3); short answers several.
            form.points.data = 100 if item_type == "practical" else 10
    general: list[str] = []
    if form.validate_on_submit():
        data, problems = _form_data(form, None)
        if data is not None:
            try:
                item = authoring.create_item(data, actor=current_user)
            except BankError as exc:
                problems = exc.problems
            else:
                flash(_("%(ref)s is saved as a draft. Submit it for review when it is ready.",
                        ref=item.ref), "success")
                return redirect(url_for("banks.item", item_id=item.id))
        general = _attach_problems(form, problems)
    return render_template("banks/item_form.html", form=form, item=None, item_type=item_type,
                           type_labels=TYPE_LABELS, general=general, head=None)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def edit_item(item_id: int):
    item = _item_or_404(item_id)
    if item.status == "retired":
        flash(_("%(ref)s is retired; reinstate it before changing it.", ref=item.ref), "error")
        return redirect(url_for("banks.item", item_id=item.id))
    head = item.head
    current = queries.version_data(head)
    form = _make_form(item.type, current)
    form.ref.data = item.ref  # the ref never changes, whatever was posted
    general: list[str] = []
    if form.validate_on_submit():
        data, problems = _form_data(form, current)
        if data is not None:
            data.ref = item.ref
            try:
                action = authoring.save_item(item, data, actor=current_user,
                                              change_note=form.change_note.data or "")
            except BankError as exc:
                problems = exc.problems
            else:
                messages = {
                    "unchanged": _("Nothing changed."),
                    "updated": _("Version %(n)s is saved as a draft.", n=item.head.number),
                    "new_version": _("Version %(n)s is saved as a draft; version %(live)s stays "
                                     "live until it is approved.", n=item.head.number,
                                     live=head.number),
                }
                flash(messages[action], "success" if action != "unchanged" else "info")
                return redirect(url_for("banks.item", item_id=item.id))
        general = _attach_problems(form, problems)
    return render_template("banks/item_form.html", form=form, item=item, item_type=item.type,
                           type_labels=TYPE_LABELS, general=general, head=head)


# -- looking at items ----------------------------------------------------------------------------

def _item_and_version(item_id: int) -> tuple[Item, ItemVersion]:
    """The item and the version asked for with ``?v=N`` (default: the newest)."""
    item = _item_or_404(item_id)
    number = request.args.get("v", type=int)
    return item, (_version_or_404(item, number) if number else item.head)


@bp.route("/items/<int:item_id>")
@role_required(*STAFF)
def item(item_id: int):
    item, version = _item_and_version(item_id)
    data = queries.version_data(version)
    review_form = ReviewForm() if reviewing.can_review(version, current_user) else None
    validity = task_validity.version_validity(version)
    exposure = task_validity.record_exposure(item, version) if item.type == "practical" else None
    return render_template(
        "banks/item.html", item=item, version=version, data=data, review_form=review_form,
        validity=validity, exposure=exposure,
        retire_form=RetireForm(), type_labels=TYPE_LABELS, status_labels=STATUS_LABELS,
        can_edit=authoring.is_examiner(current_user),
        is_contributor=current_user.id in (version.contributor_ids or []))


@bp.route("/items/<int:item_id>/preview")
@role_required(*STAFF)
def preview(item_id: int):
    item, version = _item_and_version(item_id)
    rendered = candidate_item(version)
    task_type = rendered["task"]["task_type"] if rendered["task"] else None
    return render_template("banks/preview.html", item=item, version=version, rendered=rendered,
                           widget_scripts=widget_scripts(task_type),
                           widget_css=(Path(current_app.static_folder or "") / "css" /
                                       "labeling.css").is_file())


@bp.route("/items/<int:item_id>/diff")
@role_required(*STAFF)
def diff(item_id: int):
    item = _item_or_404(item_id)
    newest = item.head.number
    b = request.args.get("b", default=newest, type=int)
    a = request.args.get("a", default=max(1, b - 1), type=int)
    before, after = _version_or_404(item, a), _version_or_404(item, b)
    changes = version_diff(queries.version_data(before), queries.version_data(after))
    show_all = bool(request.args.get("all"))
    return render_template("banks/diff.html", item=item, before=before, after=after,
                           changes=[c for c in changes if show_all or c.changed],
                           show_all=show_all)


@bp.route("/items/<int:item_id>/versions/<int:number>/<any(records, gold):kind>.jsonl")
@role_required(*STAFF)
def data_file(item_id: int, number: int, kind: str):
    """A practical version's records or gold labels as JSON lines (examiners only)."""
    item = _item_or_404(item_id)
    version = _version_or_404(item, number)
    if item.type != "practical":
        abort(404)
    lines = (version.content["task"].get("records") or []) if kind == "records" \
        else practical.gold_lines(version.key)
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, mimetype="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="{item.ref}-v{number}-{kind}.jsonl"'})


# -- workflow ------------------------------------------------------------------------------------

def _back(item: Item):  # type: ignore[no-untyped-def]
    return redirect(url_for("banks.item", item_id=item.id))


def _flash_errors(exc: BankError) -> None:
    for problem in exc.problems:
        flash(str(problem), "error")


def _step(item_id: int, action, message):  # type: ignore[no-untyped-def]
    """Run a workflow ``action(item)``; flash ``message(item)`` or the problems; back to the item."""
    item = _item_or_404(item_id)
    try:
        action(item)
    except BankError as exc:
        _flash_errors(exc)
    else:
        flash(message(item), "success")
    return _back(item)


@bp.route("/items/<int:item_id>/submit", methods=["POST"])
@role_required(Role.EXAMINER)
def submit(item_id: int):
    return _step(item_id, lambda item: reviewing.submit_for_review(item, actor=current_user),
                 lambda item: _("%(ref)s is waiting for review by another examiner.",
                                ref=item.ref))


@bp.route("/items/<int:item_id>/review", methods=["POST"])
@role_required(Role.EXAMINER)
def review(item_id: int):
    item = _item_or_404(item_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return _back(item)
    version = item.head
    try:
        if form.decision.data == "approved":
            reviewing.approve(version, reviewer=current_user, comment=form.comment.data or "",
                              reason=form.reason.data or "")
            flash(_("Version %(n)s of %(ref)s is approved and live.", n=version.number,
                    ref=item.ref), "success")
        else:
            reviewing.request_changes(version, reviewer=current_user,
                                       comment=form.comment.data or "")
            flash(_("%(ref)s went back to its author with your comments.", ref=item.ref),
                  "success")
    except BankError as exc:
        _flash_errors(exc)
        return _back(item)
    following = next((v for v in queries.review_queue()
                      if reviewing.can_review(v, current_user)), None)
    if following is not None and request.form.get("next") == "queue":
        return redirect(url_for("banks.item", item_id=following.item_id))
    return _back(item)


@bp.route("/items/<int:item_id>/retire", methods=["POST"])
@role_required(Role.EXAMINER)
def retire(item_id: int):
    form = RetireForm()
    form.validate_on_submit()
    return _step(item_id, lambda item: authoring.retire(item, actor=current_user,
                                                         reason=form.reason.data or ""),
                 lambda item: _("%(ref)s is retired: no new exam will draw it. Past attempts "
                                "keep it.", ref=item.ref))


@bp.route("/items/<int:item_id>/reinstate", methods=["POST"])
@role_required(Role.EXAMINER)
def reinstate(item_id: int):
    return _step(item_id, lambda item: authoring.reinstate(item, actor=current_user),
                 lambda item: _("%(ref)s is reinstated.", ref=item.ref))


@bp.route("/items/<int:item_id>/discard", methods=["POST"])
@role_required(Role.EXAMINER)
def discard(item_id: int):
    return _step(item_id, lambda item: authoring.discard_draft(item, actor=current_user),
                 lambda item: _("The draft version is discarded."))


@bp.route("/review")
@role_required(*STAFF)
def review_queue():
    versions = queries.review_queue()
    return render_template("banks/review_queue.html", versions=versions,
                           type_labels=TYPE_LABELS,
                           mine=[v for v in versions if not reviewing.can_review(v, current_user)],
                           theirs=[v for v in versions if reviewing.can_review(v, current_user)])


# -- coverage ------------------------------------------------------------------------------------

@bp.route("/coverage")
@role_required(*STAFF)
def coverage_view():
    available = [lv for lv in levels() if any(w.component in (Component.THEORY.value,
                                                              Component.SKILLS.value)
                                              for w in lv.weights)]
    form = CoverageForm(request.args)
    form.level.choices = choices((str(lv.number), lv.name_en) for lv in available)
    form.component.choices = choices([("theory", _("Theory")), ("skills", _("Skills"))])
    number = request.args.get("level", type=int) or (available[0].number if available else None)
    component = request.args.get("component") if request.args.get("component") in (
        "theory", "skills") else "theory"
    level = next((lv for lv in available if lv.number == number), None)
    report = None
    if level is not None:
        total = form.total.data if form.validate() and form.total.data else None
        report = coverage.coverage(level, component, total)
        form.level.data, form.component.data, form.total.data = str(level.number), component, \
            report.total
    summary = []
    for lv in available:
        summary.append((lv, {c: coverage.coverage(lv, c).ok for c in ("theory", "skills")
                             if lv.weight_table(c)}))
    return render_template("banks/coverage.html", form=form, report=report, summary=summary,
                           defaults=coverage.DEFAULT_TOTALS)


# -- import and export ---------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def import_file():
    form = ImportForm()
    form.units.choices = unit_choices()
    report = None
    problems: list[Problem] = []
    skipped: list = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        config = form.label_config.data
        options = ImportOptions(units=list(form.units.data or []), ref=form.ref.data or None,
                                title=form.title.data or None,
                                task_type=form.task_type.data or None,
                                difficulty=form.difficulty.data or 3,
                                label_config=config.read() if getattr(config, "filename", "")
                                else None, text_field=form.text_field.data or None,
                                label_config_name=Path(getattr(config, "filename", "") or
                                                       "labeling config").name,
                                labels=[x.strip() for x in (form.labels.data or "").split(",")
                                        if x.strip()])
        try:
            media = Media.from_uploads([(f.filename, f.read()) for f in (form.media.data or [])
                                        if getattr(f, "filename", "")])
            parsed = read_file(data, Path(upload.filename or "upload").name, options, media)
            skipped = parsed.skipped
            report = imports.import_items(parsed, actor=current_user,
                                             dry_run=form.dry_run.data)
            problems = report.problems
        except BankError as exc:
            problems = exc.problems
            report = None
        else:
            if not form.dry_run.data:
                flash(_("The file is imported: %(created)s created, %(new)s new versions, "
                        "%(updated)s updated, %(same)s unchanged.", created=report.count("created"),
                        new=report.count("new_version"), updated=report.count("updated"),
                        same=report.count("unchanged")), "success")
    return render_template("banks/import.html", form=form, report=report, problems=problems,
                           skipped=skipped, status_labels=STATUS_LABELS)


@bp.route("/export")
@role_required(*STAFF)
def export():
    fmt = request.args.get("format", "csv")
    if fmt not in exporters.MEDIA_TYPES:
        abort(404)
    _form, item_filter = _filters()
    items = db.session.scalars(queries.filtered(item_filter)).all()
    data, _skipped = queries.export_data(items, live=bool(request.args.get("live")))
    warnings: list[str] = []
    content, left_out = exporters.write(fmt, data, assets.read_asset, warnings)
    extension, mimetype = exporters.MEDIA_TYPES[fmt]
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="certify-bank.{extension}"'
    if left_out:
        response.headers["X-Certify-Left-Out"] = str(len(left_out))
    if warnings:  # each one is also an XML comment before its question in the file
        response.headers["X-Certify-Changed"] = str(len(warnings))
    return response


@bp.route("/template.<any(csv, xlsx):fmt>")
@role_required(*STAFF)
def template(fmt: str):
    content = exporters.template_csv() if fmt == "csv" else exporters.template_xlsx()
    extension, mimetype = exporters.MEDIA_TYPES[fmt]
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="certify-bank-template.{extension}"'})


# -- assets --------------------------------------------------------------------------------------

@bp.route("/assets/", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def asset_library():
    form = AssetUploadForm()
    uploaded = None
    error = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            uploaded = uploads.upload_asset(upload.read(), Path(upload.filename or "").name,
                                               actor=current_user)
        except assets.AssetError as exc:
            error = str(exc)
        else:
            flash(_("The file is stored. Paste its Markdown into a question."), "success")
    return render_template("banks/assets.html", form=form, uploaded=uploaded, error=error,
                           recent=uploads.latest_assets(), markdown=exporters.asset_markdown), \
        (422 if error else 200)


@bp.route("/assets/<sha256>")
@login_required
@cacheable
def asset(sha256: str):
    """Serve an uploaded image or audio clip with the type its content was checked as.

    Anyone logged in may fetch an asset: candidates need them during exams, and an asset's URL is
    the SHA-256 of its content, which cannot be guessed. No gold or key is ever an asset.
    """
    if not assets.SHA256.match(sha256):
        abort(404)
    row = assets.find_asset(sha256)
    path = assets.asset_path(sha256)
    if row is None or not path.is_file():
        abort(404)
    name = f"{sha256}.{assets.EXTENSIONS.get(row.mime, 'bin')}"
    response = send_file(path, mimetype=row.mime, conditional=True, etag=sha256,
                         download_name=name, as_attachment=False, max_age=ASSET_MAX_AGE)
    response.headers["Content-Type"] = row.mime
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"private, max-age={ASSET_MAX_AGE}, immutable"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    # Even if a browser rendered the file as a document, it could run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- template helpers ----------------------------------------------------------------------------

@bp.app_template_filter("bank_markdown")
def bank_markdown(text: str) -> str:
    """Render bank Markdown (sanitised) for examiners' pages: ``{{ text|bank_markdown|safe }}``."""
    return render_markdown(text)


@bp.app_template_filter("bank_plain")
def bank_plain(text: str) -> str:
    """Bank Markdown as plain text (for one-line summaries in lists)."""
    rendered = render_markdown(text).replace('<span class="blank-ref">', " ____")
    # Text only; Jinja escapes it again when it is shown.
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(rendered, tags=set()))).strip()


@bp.app_template_filter("asset_src")
def asset_src(value: object) -> str | None:
    """The URL of an ``asset:<sha256>`` reference, else ``None``."""
    sha = assets.ref_sha(value)
    return assets.asset_url(sha) if sha else None
