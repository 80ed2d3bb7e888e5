"""``flask --app certify …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask_migrate import upgrade

from certify import demo
from certify.auth import operations as accounts
from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import Role
from certify.auth.validation import (
    candidate_id_problem,
    name_problem,
    normalise_candidate_id,
    normalise_name,
)
from certify.db import db, refresh_statistics
from certify.main.models import Marker
from certify.syllabus.operations import export_syllabus as run_export
from certify.syllabus.operations import get_occupation
from certify.syllabus.operations import import_syllabus as run_import
from certify.syllabus.spec import SyllabusError, dump_yaml, load_yaml


def _echo_problems(problems: list[str]) -> None:
    for problem in problems:
        click.secho(f"  - {problem}", fg="red", err=True)


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade()
    click.echo(f"Database is up to date: {db.engine.url.render_as_string(hide_password=True)}")


@click.command("load-demo")
def load_demo() -> None:
    """Load the bundled syllabus, banks and demo accounts (once), and print the demo logins."""
    if db.session.get(Marker, demo.MARKER) is not None:
        click.echo("The demo content is loaded already.")
    else:
        click.echo("Loading the demo content:")
        try:
            for loader in demo.loaders(current_app):
                loader.load(click.echo)
            db.session.add(Marker(name=demo.MARKER))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        refresh_statistics()
    click.echo("\nDemo logins (public passwords: never load the demo on a real server):")
    for account in DEMO_ACCOUNTS:
        roles = ", ".join(sorted(r.value for r in account.roles))
        click.echo(f"  {roles:<10} {account.email:<40} {account.password}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Full name, any script.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="Repeat for several roles.")
@click.option("--candidate-id", default=None, help="ID document number (candidates).")
@click.password_option(help="Prompted for when not given.")
def create_user(email: str, name: str, roles: tuple[str, ...], candidate_id: str | None,
                password: str) -> None:
    """Create an account (e.g. the first administrator)."""
    name = normalise_name(name)
    if name_problem(name):
        raise click.BadParameter(f"not a usable name ({name_problem(name)})", param_hint="--name")
    if candidate_id:
        candidate_id = normalise_candidate_id(candidate_id)
        if candidate_id_problem(candidate_id):
            raise click.BadParameter(f"{candidate_id_problem(candidate_id)} is wrong",
                                     param_hint="--candidate-id")
    if Role.CANDIDATE.value in roles and not candidate_id:
        raise click.BadParameter("a candidate needs --candidate-id", param_hint="--candidate-id")
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise click.BadParameter(
            f"use at least {current_app.config['PASSWORD_MIN_LENGTH']} characters",
            param_hint="--password")
    try:
        user = accounts.create_user(name=name, email=email, password=password,
                                      roles={Role(r) for r in roles}, candidate_id=candidate_id)
    except accounts.AccountError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Created user {user.id}: {user.email} ({', '.join(sorted(roles))})")


@click.command("import-syllabus")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
def import_syllabus(path: Path, dry_run: bool) -> None:
    """Import the syllabus from a YAML file (all or nothing)."""
    try:
        summary = run_import(load_yaml(path.read_bytes()), dry_run=dry_run)
    except SyllabusError as exc:
        db.session.rollback()
        click.secho(f"{path}: {len(exc.problems)} problem(s), nothing imported:", fg="red",
                    err=True)
        _echo_problems(exc.problems)
        raise SystemExit(1) from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for label, rows in (("create", summary.created), ("update", summary.updated),
                        ("remove", summary.removed)):
        for row in rows:
            click.echo(f"  {label}: {row}")
    verb = "would change" if dry_run else "changed"
    click.echo(f"{verb}: {len(summary.created)} created, {len(summary.updated)} updated, "
               f"{len(summary.removed)} removed")


@click.command("export-syllabus")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def export_syllabus(path: Path | None) -> None:
    """Export the syllabus as YAML (to PATH, or to standard output)."""
    occupation = get_occupation()
    if occupation is None:
        raise click.ClickException("there is no syllabus in the database")
    text = dump_yaml(run_export(occupation))
    if path is None:
        click.echo(text, nl=False)
    else:
        path.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {path}")


@click.command("db-info")
def db_info() -> None:
    """Print the database URL and the number of rows per table."""
    click.echo(db.engine.url.render_as_string(hide_password=True))
    for table in db.metadata.sorted_tables:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        click.echo(f"  {table.name:<28} {count}")


def init_app(app: Flask) -> None:
    for command in (init_db, load_demo, create_user, import_syllabus, export_syllabus, db_info):
        app.cli.add_command(command)
