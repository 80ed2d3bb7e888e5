"""``flask --app certify task-validity [--json]``: the validity report of every bundled practical task
(or of the task folders under ``--path``), from :func:`certify.tasks.validity.validity_report`.

The JSON is a list with one object per task: ``ref``, ``exam_ready`` (true/false), ``problems`` and
the figures (``chance``, ``wrong`` {"5", "10", "20"}, ``rule_cases``, ``all_rule_cases``,
``formatting``, ``se_at_cut``, ``pool``, ``sample_size``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from certify.demo import BANK_DIR
from certify.tasks import TaskFolderError, read_task_folder
from certify.tasks.validity import PASS_MARK, PROBLEMS, validity_report


def folder_reports(root: Path, pass_mark: float = PASS_MARK) -> list[dict[str, Any]]:
    """The validity report of every task folder under ``root`` (``root`` itself if it is one)."""
    folders = [root] if (root / "task.yaml").is_file() else sorted(
        p for p in root.iterdir() if (p / "task.yaml").is_file())
    out = []
    for folder in folders:
        try:
            task = read_task_folder(folder)
        except TaskFolderError as exc:
            out.append({"ref": folder.name, "exam_ready": False, "problems": ["invalid"],
                        "error": str(exc)})
            continue
        out.append({"ref": task.ref or folder.name, **validity_report(task.spec,
                                                                      pass_mark=pass_mark)})
    return out


def _figure(value: Any) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float | int) else str(value)


def table(reports: list[dict[str, Any]]) -> str:
    """The reports as a Markdown table (one row per task) and the rule-case ignorers below it."""
    head = ("| task | type | pool | n | chance | 5 % wrong | 10 % wrong | 20 % wrong | "
            "all rule cases wrong | formatting only | SE at cut | exam-ready |")
    rows = [head, "|" + " --- |" * 12]
    notes = []
    for r in reports:
        wrong = r.get("wrong") or {}
        verdict = "yes" if r["exam_ready"] else "no: " + "; ".join(
            PROBLEMS.get(p, p) for p in r.get("problems", []))
        rows.append("| " + " | ".join([
            r["ref"], str(r.get("task_type", "")), _figure(r.get("pool")),
            _figure(r.get("sample_size")), _figure(r.get("chance")), _figure(wrong.get("5")),
            _figure(wrong.get("10")), _figure(wrong.get("20")), _figure(r.get("all_rule_cases")),
            _figure(r.get("formatting")), _figure(r.get("se_at_cut")), verdict]) + " |")
        if r.get("rule_cases"):
            cases = ", ".join(f"{case} {score:g}" for case, score in r["rule_cases"].items())
            notes.append(f"- {r['ref']}, one rule case wrong: {cases}")
    return "\n".join(rows + (["", *notes] if notes else []))


@click.command("task-validity")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="A task folder, or a folder of task folders (default: the "
                                 "bundled question_banks/practical).")
@click.option("--pass-mark", type=click.FloatRange(0, 100), default=PASS_MARK, show_default=True,
              help="The pass mark (points of 100) the figures are judged against.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per task.")
def task_validity(path: Path | None, pass_mark: float, as_json: bool) -> None:
    """Simulated labelers on every practical task: chance, 5/10/20 % wrong, rule-case ignorers,
    formatting-only differences, the standard error at the pass mark, and the exam-ready verdict."""
    reports = folder_reports(path or BANK_DIR / "practical", pass_mark)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        click.echo(table(reports))
