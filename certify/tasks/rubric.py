"""Rubric tasks: open answers (text or a table) marked by examiners against the task's rubric."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from certify.tasks.base import TaskType
from certify.tasks.fields import check_labels, check_shown_fields


class RubricTask(TaskType):
    """Records show any of ``text``, ``image``, ``prompt``, ``attachment``; there is no gold; a
    response is a text, or a table (a list of rows of cell texts) when ``config.response`` is
    ``table``.

    Not auto-scored: :meth:`score` validates the responses and returns a ``TaskScore`` with
    ``score=None`` and ``needs_marking=True`` (``per_record`` says which records were answered),
    so grading handles every type alike and queues these for examiners, who mark with the task's
    ``rubric`` (required).

    Config: ``response`` (``text``, the default, or ``table``); for text ``max_chars`` (default
    20,000); for a table ``columns`` (required, the header) and ``max_rows`` (default 50).
    """

    name = "rubric"
    label = _l("Examiner-marked task")
    record_fields = ("text", "image", "prompt", "attachment")
    gold_field = None
    metrics = ()
    auto_scored = False

    #: longest text accepted in one table cell
    max_cell_chars = 2_000

    def _check_config(self, config, problems):
        kind = config.get("response", "text")
        if kind == "table":
            problems.keys(config, ("response", "columns", "max_rows"), prefix="config.",
                          kind="a table response's config")
            columns = check_labels(problems, config, "columns")
            max_rows = problems.integer("config.max_rows", config.get("max_rows", 50), minimum=1)
            return {"response": kind, "columns": columns, "max_rows": max_rows}
        if kind != "text":
            problems.add("config.response", f"must be 'text' or 'table', not {kind!r}")
        problems.keys(config, ("response", "max_chars"), prefix="config.",
                      kind="a text response's config")
        max_chars = problems.integer("config.max_chars", config.get("max_chars", 20_000), minimum=1)
        return {"response": "text", "max_chars": max_chars}

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, self.record_fields)

    def _check_value(self, value, record, config, problems, where):
        if config["response"] == "text":
            return problems.text(where, value, empty=True, max_length=config["max_chars"])
        rows = problems.sequence(where, value, max_length=config["max_rows"])
        if rows is None:
            return None
        before, width = len(problems.found), len(config["columns"])
        for i, row in enumerate(rows):
            if problems.sequence(f"{where}[{i}]", row, min_length=width, max_length=width) is None:
                continue
            for j, cell in enumerate(row):
                problems.text(f"{where}[{i}][{j}]", cell, empty=True, max_length=self.max_cell_chars)
        return None if len(problems.found) > before else [list(row) for row in rows]

    def _score(self, task, answers):
        raise TypeError(f"{self.name} tasks are marked by examiners; score() returns needs_marking")
