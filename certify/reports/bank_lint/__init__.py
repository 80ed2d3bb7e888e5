"""The bank report: every item-writing check over a bank, and papers drawn from it (issue 15).

Pure: plain item mappings in (the shape of docs/contracts.md §1), findings and figures out; no Flask
request, no database. :func:`lint_bank` runs everything; ``flask --app certify lint-bank``
(:mod:`certify.reports.bank_lint.cli`) runs it over the bundled bank files or the database and
prints it. It lives in ``reports`` because it draws papers with the exams' assembly; the per-item
and per-pool checks it runs live in :mod:`certify.banks.lint`, where the bank's own pages use them:

- :mod:`certify.banks.lint.items` — per item: cues and defects;
- :mod:`certify.banks.lint.pool` — per pool (a level's items in one language): the test-wise score,
  the key-longest share, true/false balance, key counts and positions, near-duplicate pairs;
- :mod:`.forms` — forms of the default exam definitions drawn by the exams' own assembly, their
  test-wise scores, and every blueprint slot against its quota;
- :mod:`.report` — the text report; :mod:`.cli` — the command.

docs/item-checks.md explains the rules, their thresholds and the JSON the command writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certify.banks.lint import pool as pool_module
from certify.banks.lint.findings import BLOCKING, WARNING, Finding, _l
from certify.banks.lint.items import ItemView, check_item
from certify.exams.official import theory_format
from certify.reports.bank_lint import forms as forms_module

__all__ = ["BLOCKING", "WARNING", "BankReport", "Finding", "LevelSyllabus", "PoolReport",
           "check_item", "lint_bank"]


@dataclass(frozen=True)
class LevelSyllabus:
    """What the checks need of a level: its theory weights (unit ref → percent) and unit refs."""

    weights: Mapping[str, Any]
    units: tuple[str, ...] = ()


@dataclass
class PoolReport:
    """One level's items in one language."""

    level: int
    language: str
    stats: pool_module.PoolStats
    findings: list[Finding]
    forms: forms_module.FormsReport | None = None

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "language": self.language, **self.stats.to_json(),
                "forms": self.forms.to_json() if self.forms else None,
                "findings": [f.to_json() for f in self.findings]}


@dataclass
class BankReport:
    """Everything :func:`lint_bank` found."""

    items: dict[str, list[Finding]] = field(default_factory=dict)
    levels_of: dict[str, list[int]] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    pools: list[PoolReport] = field(default_factory=list)

    def all_findings(self) -> list[Finding]:
        return [f for fs in self.items.values() for f in fs] + \
            [f for p in self.pools for f in p.findings]

    @property
    def blocking(self) -> int:
        return sum(1 for f in self.all_findings() if f.blocking)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.all_findings() if not f.blocking)

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": {"items": len(self.levels_of), "items_with_findings":
                        sum(1 for fs in self.items.values() if fs),
                        "blocking": self.blocking, "warnings": self.warnings},
            "items": [{"ref": ref, "levels": self.levels_of.get(ref, []),
                       "language": self.languages.get(ref, ""),
                       "findings": [f.to_json() for f in found]}
                      for ref, found in self.items.items() if found],
            "pools": [p.to_json() for p in self.pools],
        }


def levels_of(item: ItemView) -> list[int]:
    """The levels an item is tagged to (``L4:2.1`` → 4)."""
    out = []
    for unit in item.units:
        head = unit.partition(":")[0]
        if head[:1] == "L" and head[1:].isdigit() and int(head[1:]) not in out:
            out.append(int(head[1:]))
    return sorted(out, reverse=True)


def _supply_finding(report: forms_module.FormsReport, name: str) -> Finding | None:
    short = [s for s in report.slots if s.short]
    if not short:
        return None
    return Finding("supply", WARNING, _l(
        "%(pool)s: %(short)s of %(slots)s slots of the default paper (%(definition)s) hold fewer "
        "than twice the items one paper draws; %(unfillable)s cannot fill even one paper."),
        {"pool": name, "short": len(short), "slots": len(report.slots),
         "definition": report.definition, "unfillable": report.unfillable}, pool=name)


def lint_bank(items: Iterable[Mapping[str, Any]], syllabus: Mapping[int, LevelSyllabus], *,
              levels: Iterable[int] | None = None, language: str | None = None,
              forms: int = 100, seed: int = 0) -> BankReport:
    """Check every item, then every pool (level × language) and ``forms`` drawn forms per pool.

    :param syllabus: level number → its theory weights and units (pools of levels without
        weights are checked without drawn forms).
    :param levels: only these levels (default: every level an item is tagged to).
    :param language: only items in this language (default: every language, each its own pool).
    :param forms: forms to draw per pool (0: none).
    """
    views = [ItemView(i) for i in items]
    if language:
        views = [v for v in views if v.language == language]
    wanted = set(levels) if levels else None
    report = BankReport()
    for view in views:
        item_levels = levels_of(view)
        if wanted and not wanted & set(item_levels):
            continue
        report.items[view.ref] = check_item(view.raw)
        report.levels_of[view.ref] = item_levels
        report.languages[view.ref] = view.language
    present = sorted({lv for v in views for lv in levels_of(v)
                      if v.ref in report.levels_of}, reverse=True)
    for level in present:
        if wanted and level not in wanted:
            continue
        for lang in sorted({v.language for v in views}):
            members = [v for v in views if v.language == lang and level in levels_of(v)
                       and v.ref in report.levels_of]
            if not members:
                continue
            name = f"L{level} {lang}"
            stats = pool_module.stats(members, name)
            found = pool_module.findings(stats)
            drawn = None
            paper = theory_format(level)
            level_syllabus = syllabus.get(level)
            if paper is not None and level_syllabus is not None and level_syllabus.weights:
                drawn = forms_module.draw(members, level, paper, level_syllabus.weights, lang,
                                          forms, all_units=level_syllabus.units, seed=seed)
                if drawn.drawn:
                    worst = drawn.worst or 0
                    if drawn.margins[worst] > pool_module.TESTWISE_MARGIN:
                        found.append(Finding("testwise_forms", BLOCKING, _l(
                            "%(pool)s: on the worst of %(drawn)s drawn forms (%(size)s of "
                            "%(definition)s) a candidate who knows nothing scores %(testwise)s %% "
                            "against %(chance)s %% by guessing; the target is at most chance + 5 "
                            "points."), {"pool": name, "drawn": drawn.drawn,
                                         "size": str(drawn.fraction),
                                         "definition": drawn.definition,
                                         "testwise": round(drawn.testwise[worst], 1),
                                         "chance": round(drawn.chance[worst], 1)}, pool=name))
                supply = _supply_finding(drawn, name)
                if supply:
                    found.append(supply)
            report.pools.append(PoolReport(level, lang, stats, found, drawn))
    return report
