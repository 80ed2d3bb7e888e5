"""``flask --app certify lint-bank``: the item-writing checks over the bundled bank files or the
database, printed or as JSON (docs/item-checks.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa

from certify.banks.cli import echo_problems
from certify.banks.importers import read_path
from certify.banks.models import Item, ItemStatus
from certify.banks.queries import version_data
from certify.db import db
from certify.demo import BANK_DIR
from certify.reports.bank_lint import LevelSyllabus
from certify.reports.bank_lint import lint_bank as lint_bank_report
from certify.reports.bank_lint.report import lines
from certify.syllabus.models import Component, Level
from certify.syllabus.spec import load_yaml


def item_mapping(data) -> dict:  # type: ignore[no-untyped-def]
    """An :class:`~certify.banks.spec.ItemData` as the plain mapping the checks read."""
    return {"ref": data.ref, "type": data.type, "units": list(data.units),
            "language": data.language, "stem": data.stem, "content": data.content,
            "key": data.key, "explanation": data.explanation, "points": float(data.points),
            "difficulty": data.difficulty}


def _file_bank(path: Path) -> tuple[list[dict], dict]:  # type: ignore[type-arg]
    """Items and per-level syllabus from bank files and the bundled syllabus file."""
    parsed = read_path(path)
    if parsed.problems:
        echo_problems(str(path), parsed.problems)
        raise SystemExit(2)
    spec = load_yaml((BANK_DIR / "syllabus" / "ai-trainer.yaml").read_text(encoding="utf-8"))
    syllabus = {lv.number: LevelSyllabus(
        weights={f"L{lv.number}:{c}": p for c, p in lv.weights.get("theory", {}).items()},
        units=tuple(f"L{lv.number}:{u.code}" for u, _p in lv.walk())) for lv in spec.levels}
    return [item_mapping(d) for d in parsed.items if d.type != "practical"], syllabus


def _database_bank(heads: bool) -> tuple[list[dict], dict]:  # type: ignore[type-arg]
    """Live versions (or, with ``heads``, the newest version of every item not retired) and the
    syllabus in the database."""
    items = db.session.scalars(sa.select(Item).where(
        Item.status != ItemStatus.RETIRED.value, Item.type != "practical")).all()
    versions = [i.head if heads else i.live_version for i in items]
    data = [item_mapping(version_data(v)) for v in versions if v is not None]
    syllabus = {lv.number: LevelSyllabus(
        weights={f"L{lv.number}:{c}": p for c, p in lv.weight_table(Component.THEORY).items()},
        units=tuple(u.ref for u in lv.units)) for lv in db.session.scalars(sa.select(Level))}
    return data, syllabus


@click.command("lint-bank")
@click.option("--source", type=click.Choice(["files", "database"]), default="files",
              show_default=True, help="The bundled bank files (or --path), or the database.")
@click.option("--path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Bank file or folder to check (default: question_banks/theory).")
@click.option("--all-versions", "heads", is_flag=True,
              help="Database: check the newest version of every item (drafts and items in "
                   "review included), not only the live ones exams draw.")
@click.option("--level", "levels", type=click.IntRange(1, 5), multiple=True,
              help="Only this level (repeat for several).")
@click.option("--language", help="Only items in this language, e.g. zh or en.")
@click.option("--forms", type=click.IntRange(0, 10_000), default=100, show_default=True,
              help="Forms of the default exam definition to draw per level and language.")
@click.option("--seed", type=int, default=0, show_default=True, help="First form's seed.")
@click.option("--json", "as_json", is_flag=True, help="Write the report as JSON.")
@click.option("--summary", is_flag=True, help="Leave out the per-item findings (text output).")
def lint_bank(source: str, path: Path | None, heads: bool, levels: tuple[int, ...],
              language: str | None, forms: int, seed: int, as_json: bool, summary: bool) -> None:
    """Check the theory bank for item-writing flaws and cues (docs/item-checks.md).

    Exits 1 when any blocking flaw is found, 0 otherwise.
    """

    if source == "files":
        where = path or BANK_DIR / "theory"
        items, syllabus = _file_bank(where)
        origin = str(where)
    else:
        items, syllabus = _database_bank(heads)
        origin = "database (" + ("newest versions" if heads else "live versions") + ")"
    report = lint_bank_report(items, syllabus, levels=levels or None, language=language, forms=forms,
                 seed=seed)
    if as_json:
        click.echo(json.dumps({"source": origin, "forms_per_pool": forms, **report.to_json()},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(f"lint-bank: {origin}, {forms} drawn forms per level and language\n")
        for line in lines(report, items=not summary):
            click.echo(line)
    raise SystemExit(1 if report.blocking else 0)
