"""Item analysis pages, their charts (SVG) and the CSV/XLSX exports of results and statistics.

Examiners and administrators see item statistics (they name no candidate); only administrators
export a sitting's results (names and ID numbers).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from certify.auth.decorators import role_required
from certify.auth.models import Role
from certify.db import db
from certify.exams.models import Sitting
from certify.grading.sitting_results import sitting_results_table
from certify.reports import charts, operations
from certify.tables import Table, to_csv, to_xlsx

bp = Blueprint("reports", __name__, url_prefix="/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    if isinstance(body, str):
        body = "\ufeff" + body  # a byte-order mark, so spreadsheets read the CSV as UTF-8
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _sitting(sitting_id: int) -> Sitting:
    return db.get_or_404(Sitting, sitting_id)


@bp.route("/")
@role_required(Role.EXAMINER, Role.ADMIN)
def index():
    return render_template("reports/index.html", sittings=operations.sittings_for_reports())


@bp.route("/sitting/<int:sitting_id>/items")
@role_required(Role.EXAMINER, Role.ADMIN)
def items(sitting_id: int):
    sitting = _sitting(sitting_id)
    report = operations.analyse_sitting(sitting)
    return render_template(
        "reports/items.html", report=report, sitting=sitting,
        items=operations.item_table(report), summary=operations.summary_table(report),
        distractors=report.analysis.distractors, records=operations.record_tables(report),
        suspects=report.analysis.suspects,
        histogram=charts.histogram_counts(report.analysis.totals))


@bp.route("/sitting/<int:sitting_id>/chart/<any(histogram, scatter):name>.svg")
@role_required(Role.EXAMINER, Role.ADMIN)
def chart(sitting_id: int, name: str):
    report = operations.analyse_sitting(_sitting(sitting_id))
    if name == "histogram":
        svg = charts.histogram_svg(
            report.analysis.totals, title=_("Score distribution"),
            x_label=_("Score (of 100)"), y_label=_("Candidates"), pass_mark=report.pass_mark,
            pass_label=_("pass mark %(mark)s", mark=f"{report.pass_mark:g}"))
    else:
        # Points are labelled with the item's number in the table (references would overlap).
        points = [(s.facility, s.discrimination, str(number),
                   bool(set(s.flags) & {"negative", "low"}))
                  for number, s in enumerate(report.analysis.items, start=1)
                  if s.facility is not None and s.discrimination is not None
                  and "few" not in s.flags]
        svg = charts.scatter_svg(points, title=_("Facility and discrimination"),
                                 x_label=_("Facility (share of points scored)"),
                                 y_label=_("Discrimination (corrected point-biserial)"),
                                 guides=[("y", 0.2), ("x", 0.2), ("x", 0.9)])
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def _item_tables(sitting_id: int) -> tuple[Sitting, list[tuple[str, Table]]]:
    sitting = _sitting(sitting_id)
    report = operations.analyse_sitting(sitting)
    return sitting, [(_("Items"), operations.item_table(report)),
                            (_("Summary"), operations.summary_table(report)),
                            (_("Distractors"), operations.distractor_table(report)),
                            (_("Records"), operations.record_table(report))]


@bp.route("/sitting/<int:sitting_id>/items.csv")
@role_required(Role.EXAMINER, Role.ADMIN)
def items_csv(sitting_id: int):
    sitting, tables = _item_tables(sitting_id)
    return _download(to_csv(tables[0][1]), "text/csv", f"sitting-{sitting.id}-items.csv")


@bp.route("/sitting/<int:sitting_id>/items.xlsx")
@role_required(Role.EXAMINER, Role.ADMIN)
def items_xlsx(sitting_id: int):
    sitting, tables = _item_tables(sitting_id)
    return _download(to_xlsx(tables), XLSX, f"sitting-{sitting.id}-items.xlsx")


@bp.route("/sitting/<int:sitting_id>/results.csv")
@role_required(Role.ADMIN)
def results_csv(sitting_id: int):
    sitting = _sitting(sitting_id)
    return _download(to_csv(sitting_results_table(sitting)), "text/csv",
                     f"sitting-{sitting.id}-results.csv")


@bp.route("/sitting/<int:sitting_id>/results.xlsx")
@role_required(Role.ADMIN)
def results_xlsx(sitting_id: int):
    sitting = _sitting(sitting_id)
    return _download(to_xlsx([(_("Results"), sitting_results_table(sitting))]), XLSX,
                     f"sitting-{sitting.id}-results.xlsx")
