"""Wire the certificates package into the app: blueprint, header links, dashboard panels, demo, CLI.

Its settings (``CERTIFICATE_*``) are declared, with their defaults, in certify/config.py.

The examining body's names come from ``EXAMINING_BODY_EN``/``_ZH``, the URL in QR codes and
credentials from ``PUBLIC_BASE_URL`` (else the URL of the request), and each level's validity
from the syllabus (``Level.certificate_validity_years``; 0 means no expiry).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from certify import demo
from certify.auth.models import Role
from certify.certificates import operations, views
from certify.certificates.verification import format_code
from certify.db import db
from certify.exams.models import Sitting
from certify.grading import signals as grading_signals
from certify.registry import ADMIN_GROUP, DashboardPanel, NavItem, add_nav, add_panel


def _candidate_panel(user):  # type: ignore[no-untyped-def]
    return {"certificates": operations.certificates_of(user)}


def _admin_panel(user):  # type: ignore[no-untyped-def]
    return {"counts": operations.admin_counts()}


@click.command("issue-certificates")
@click.option("--sitting", "sitting_id", type=int, required=True,
              help="Issue for every eligible pass of this sitting (id).")
@click.option("--dry-run", is_flag=True, help="List what would be issued; issue nothing.")
@with_appcontext
def issue_certificates_command(sitting_id: int, dry_run: bool) -> None:
    """Issue certificates for a sitting's eligible passes (results must be published)."""
    sitting = db.session.get(Sitting, sitting_id)
    if sitting is None:
        raise click.ClickException(f"there is no sitting {sitting_id}")
    if dry_run:
        passes = operations.eligible_passes(sitting)
        for level_pass in passes:
            click.echo(f"  would issue: {level_pass.candidate.name} (level "
                       f"{level_pass.level.number}, pass {level_pass.id})")
        click.echo(f"{len(passes)} certificate(s) would be issued for sitting {sitting_id}.")
        db.session.rollback()
        return
    try:
        outcome = operations.issue_sitting(sitting, actor=None)
    except operations.CertificateError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    for certificate in outcome.issued:
        click.echo(f"  issued {certificate.number}: {certificate.holder_name}")
    for level_pass, reason in outcome.refused:
        click.secho(f"  not issued: {level_pass.candidate.name}: {reason}", fg="yellow", err=True)
    click.echo(f"{len(outcome.issued)} certificate(s) issued for sitting {sitting_id}.")


def _load_demo(echo) -> None:  # type: ignore[no-untyped-def]
    """Issue certificates for the demo's eligible passes (sittings with published results)."""
    outcome = operations.issue_passes(operations.eligible_passes(), actor=None)
    echo(f"  certificates: {len(outcome.issued)} issued")


def _connect_signals() -> None:
    """Listen to grading's withdrawn passes (see ``operations.on_level_pass_withdrawn``).

    Grading's ``level_passed`` needs no receiver: eligibility is a query, and issuing is an
    administrator's act.
    """
    grading_signals.level_pass_withdrawn.connect(operations.on_level_pass_withdrawn, weak=False)


def init_app(app: Flask) -> None:
    """Register the certificates blueprint, links, panels, demo loader, CLI and signals."""
    app.register_blueprint(views.bp)
    app.add_template_filter(format_code, "format_certificate_code")
    add_nav(app, NavItem("certificates.verify_form", _l("Verify"), None, order=90))
    add_nav(app, NavItem("certificates.mine", _l("My certificates"), Role.CANDIDATE, order=60))
    add_nav(app, NavItem("certificates.admin_list", _l("Certificates"), Role.ADMIN, order=66,
                         group=ADMIN_GROUP))
    add_panel(app, DashboardPanel("certificates.mine", Role.CANDIDATE,
                                  "certificates/_panel_candidate.html", _candidate_panel,
                                  order=40))
    add_panel(app, DashboardPanel("certificates.admin", Role.ADMIN,
                                  "certificates/_panel_admin.html", _admin_panel, order=50))
    demo.add_loader(app, demo.DemoLoader("certificates", _load_demo, order=60))
    app.cli.add_command(issue_certificates_command)
    _connect_signals()
