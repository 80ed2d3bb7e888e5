"""``flask --app certify regrade``: rescore attempts after a key or gold correction."""

from __future__ import annotations

import click

from certify.db import db
from certify.exams.models import Sitting
from certify.grading.regrading import regrade
from certify.grading.results import GradingError


def _passed(value: bool | None) -> str:
    return {True: "pass", False: "fail", None: "-"}[value]


@click.command("regrade")
@click.option("--sitting", "sitting_id", type=int, help="Rescore the attempts of this sitting.")
@click.option("--item", "item_ref", help="Rescore only this item (in --sitting, or everywhere).")
@click.option("--adopt-corrections", is_flag=True,
              help="Score against the newest approved version of corrected items (a key or gold "
                   "correction makes a new version); without it, the versions last scored.")
@click.option("--reason", required=True, help="Why; kept with every result's history.")
@click.option("--dry-run", is_flag=True, help="Print the report and change nothing.")
def regrade_command(sitting_id: int | None, item_ref: str | None, adopt_corrections: bool,
                    reason: str, dry_run: bool) -> None:
    """Rescore submitted attempts and list every candidate whose score or pass/fail changed.

    Each result keeps its earlier state as a revision; passes follow the new results. Attempts
    submitted but not graded yet are graded.
    """
    if sitting_id is None and not item_ref:
        raise click.UsageError("give --sitting ID, --item REF, or both")
    sitting = None
    if sitting_id is not None:
        sitting = db.session.get(Sitting, sitting_id)
        if sitting is None:
            raise click.BadParameter(f"there is no sitting {sitting_id}", param_hint="--sitting")
    try:
        report = regrade(sitting=sitting, item_ref=item_ref, adopt_corrections=adopt_corrections,
                         reason=reason, dry_run=dry_run)
    except GradingError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    for note in report.not_adopted:
        click.secho(f"  not adopted: {note}", fg="yellow")
    for row in report.changed:
        before = f"{row.before_score} {_passed(row.before_passed)}" if row.before_score else "new"
        extra = []
        if row.adopted:
            extra.append("adopted " + ", ".join(row.adopted))
        if row.component_withdrawn:
            extra.append("component pass withdrawn")
        if row.levels_withdrawn:
            extra.append("level pass withdrawn")
        if row.levels_created:
            extra.append("level passed")
        click.echo(f"  {row.script_number:<12} {row.candidate:<30} {before:>12} -> "
                   f"{row.after_score} {_passed(row.after_passed)}"
                   + (f"  ({'; '.join(extra)})" if extra else ""))
    verb = "would change" if dry_run else "changed"
    click.echo(f"{report.attempts} attempt(s) rescored; {len(report.changed)} {verb}, "
               f"{report.unchanged} unchanged."
               + ("" if dry_run else f" Regrade #{report.regrade_id}."))
