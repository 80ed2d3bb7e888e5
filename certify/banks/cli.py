"""``flask --app certify import-bank`` and ``export-bank``: the bank's files on the command line.

Both apply the same rules and report as the web pages: all or nothing, every problem listed with its
row/column or record/field, and a dry run that shows what would change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from certify.auth.operations import find_user_by_email
from certify.banks import exporters
from certify.banks.assets import read_asset
from certify.banks.importers import ImportOptions, read_path
from certify.banks.imports import ImportReport, import_items
from certify.banks.queries import ItemFilter, export_data, filtered
from certify.banks.spec import BankError, parse_units
from certify.db import db, refresh_statistics

FORMATS = ("csv", "xlsx", "moodle", "zip")
ACTION_WORDS = {"created": "create", "new_version": "new version", "updated": "update",
                "unchanged": "unchanged"}


def _user(email: str, option: str):  # type: ignore[no-untyped-def]

    user = find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"there is no account {email}", param_hint=option)
    return user


def echo_report(report: ImportReport, *, verbose: bool = False) -> None:
    """Print an import report (changes per ref, notes, counts)."""
    for result in report.results:
        if result.action == "unchanged" and not result.notes and not verbose:
            continue
        where = f" ({result.source}{f', row {result.row}' if result.row else ''})" \
            if result.source else ""
        extra = f" [{', '.join(result.notes)}]" if result.notes else ""
        click.echo(f"  {ACTION_WORDS.get(result.action, result.action)}: {result.ref}{where} → "
                   f"{result.status}{extra}")
    for note in report.notes:
        click.secho(f"  note: {note}", fg="yellow")
    echo_skipped(report.skipped)
    counts = report.counts
    verb = "would change" if report.dry_run else "changed"
    click.echo(f"{verb}: {counts['created']} created, {counts['new_version']} new versions, "
               f"{counts['updated']} updated, {counts['unchanged']} unchanged")


def echo_skipped(skipped: list) -> None:  # type: ignore[type-arg]
    """List what the file holds that was not imported, each with its reason."""
    if skipped:
        click.secho(f"  skipped ({len(skipped)}, not imported):", fg="yellow")
    for entry in skipped:
        click.secho(f"  - {entry}", fg="yellow")


def echo_problems(path: str, problems: list) -> None:  # type: ignore[type-arg]
    click.secho(f"{path}: {len(problems)} problem(s), nothing imported:", fg="red", err=True)
    for problem in problems:
        click.secho(f"  - {problem}", fg="red", err=True)


@click.command("import-bank")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--author", "author_email", required=True,
              help="Examiner on whose behalf the import runs (author of new versions unless a "
                   "row's author column names another examiner).")
@click.option("--approve-as", "approver_email",
              help="Examiner recorded as approving rows whose status is 'approved' (an "
                   "administrator's decision; never the author of the version).")
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
@click.option("--units", help="Units for formats that carry none, e.g. 'L4:2.1; L5:2.1'.")
@click.option("--ref", help="Ref of a task imported from Label Studio, COCO or CoNLL.")
@click.option("--title", help="Title of such a task.")
@click.option("--task-type", type=click.Choice(["classification", "multilabel"]),
              help="Label Studio choices: force classification or multilabel.")
@click.option("--labels", help="Label set of such a task, comma-separated (default: those used).")
@click.option("--config", "label_config", type=click.Path(exists=True, dir_okay=False,
                                                          path_type=Path),
              help="Label Studio: the project's labeling config (XML); it names the annotated data "
                   "field and the full label set.")
@click.option("--text-field", help="Label Studio without --config: the data field that was "
                                   "annotated (e.g. reviewText).")
@click.option("--difficulty", type=click.IntRange(1, 5), default=3, show_default=True)
@click.option("--time-limit", type=click.IntRange(1, 600), default=20, show_default=True,
              help="Minutes for an imported practical task.")
@click.option("--verbose", is_flag=True, help="Also list unchanged items.")
def import_bank(path: Path, author_email: str, approver_email: str | None, dry_run: bool,
                units: str | None, ref: str | None, title: str | None, task_type: str | None,
                labels: str | None, label_config: Path | None, text_field: str | None,
                difficulty: int, time_limit: int, verbose: bool) -> None:
    """Import bank items from PATH: CSV, XLSX, Moodle XML, Label Studio JSON, COCO JSON, CoNLL, a
    practical task folder, or a folder of those (all or nothing).

    Parts a file holds that certify cannot represent (a Moodle drag-and-drop question, a Label
    Studio task whose annotations were all cancelled) are skipped and listed with the reason; the
    exit status is 0 when everything else imports (or would, with --dry-run), 1 when the file is
    refused."""
    author = _user(author_email, "--author")
    approver = _user(approver_email, "--approve-as") if approver_email else None
    unit_refs, bad = parse_units(units or "")
    if bad:
        raise click.BadParameter("; ".join(bad), param_hint="--units")
    options = ImportOptions(units=unit_refs, ref=ref, title=title, task_type=task_type,
                            labels=[x.strip() for x in (labels or "").split(",") if x.strip()],
                            difficulty=difficulty, time_limit_minutes=time_limit,
                            label_config=label_config.read_bytes() if label_config else None,
                            label_config_name=label_config.name if label_config else "",
                            text_field=text_field or None)
    try:
        parsed = read_path(path, options)
        report = import_items(parsed, actor=author, approver=approver, use_author_column=True,
                              dry_run=dry_run)
    except BankError as exc:
        db.session.rollback()
        echo_problems(str(path), exc.problems)
        if "parsed" in locals():
            echo_skipped(parsed.skipped)
        raise SystemExit(1) from exc
    if dry_run:
        db.session.rollback()
        if report.problems:
            echo_problems(str(path), report.problems)
    else:
        db.session.commit()
        refresh_statistics()
    echo_report(report, verbose=verbose)
    if report.problems:
        raise SystemExit(1)


@click.command("export-bank")
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Default: from OUT's extension (.csv, .xlsx, .xml, .zip).")
@click.option("--level", type=click.IntRange(1, 5))
@click.option("--unit", help="A unit such as L4:2.1 (units below it match too).")
@click.option("--type", "item_type")
@click.option("--status", type=click.Choice(["draft", "in_review", "approved", "retired"]))
@click.option("--difficulty", type=click.IntRange(1, 5))
@click.option("--search", help="Text in the ref, stem, options or task title.")
@click.option("--live", is_flag=True, help="Export the live (approved) versions instead of the "
                                            "newest ones; items without one are left out.")
def export_bank(out: Path, fmt: str | None, level: int | None, unit: str | None,
                item_type: str | None, status: str | None, difficulty: int | None,
                search: str | None, live: bool) -> None:
    """Export the filtered bank to OUT (``-`` for standard output, CSV and Moodle only)."""
    if fmt is None:
        fmt = {".csv": "csv", ".xlsx": "xlsx", ".xml": "moodle", ".zip": "zip"}.get(
            out.suffix.lower(), "csv")
    items = db.session.scalars(filtered(ItemFilter(level=level, unit=unit, type=item_type,
                                                   status=status, difficulty=difficulty,
                                                   q=search))).all()
    data, skipped = export_data(items, live=live)
    warnings: list[str] = []
    content, left_out = exporters.write(fmt, data, read_asset, warnings)
    if str(out) == "-":
        if fmt in ("xlsx", "zip"):
            raise click.UsageError(f"{fmt} is binary: give a file name")
        sys.stdout.buffer.write(content)
    else:
        out.write_bytes(content)
        click.echo(f"Wrote {len(data) - len(left_out)} item(s) to {out}")
    for ref in left_out:
        click.secho(f"  left out: {ref} ({fmt} cannot hold this item type)", fg="yellow", err=True)
    for ref in skipped:
        click.secho(f"  left out: {ref} (no live version)", fg="yellow", err=True)
    for warning in warnings:
        click.secho(f"  changed: {warning}", fg="yellow", err=True)

