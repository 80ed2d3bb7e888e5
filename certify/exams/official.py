"""The official theory paper formats: the default exam definitions of levels 5, 4 and 3 (pure data).

Sources (question_banks/syllabus/README.md, sources #4, #6 and #10): the official mock papers and a
provincial candidate guide give level 4 as 50 true/false + 150 single-choice items and level 3 as
40 true/false + 140 single-choice + 10 multiple-choice items, 90 minutes, pass mark 60; no fill-in or
short-answer item. No public source gives the level 5 paper; its review material holds true/false
and single-choice items only, so level 5 uses the level 4 format. The national exam is in Chinese.

A paper is in **sections** (one item type each, in this order); each section is apportioned over the
level's theory weight table on its own (:func:`certify.exams.operations.derive_blueprint`), so the
share of every work content is the same in every section. How the official papers spread a section
over the work contents is not public; this is certify's rule and the blueprint shows the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class PaperFormat:
    """A theory paper: item type → items, in paper order; minutes; language; pass mark."""

    level: int
    sections: tuple[tuple[str, int], ...]
    minutes: int = 90
    language: str = "zh"
    pass_mark: int = 60

    @property
    def total(self) -> int:
        return sum(n for _t, n in self.sections)

    @property
    def type_counts(self) -> dict[str, int]:
        return dict(self.sections)

    def scaled(self, fraction: Fraction) -> PaperFormat:
        """The same paper with every section multiplied by ``fraction`` (a whole number each).

        :raise ValueError: when a section would not be a whole number of items.
        """
        sections = []
        for item_type, n in self.sections:
            size = n * fraction
            if size.denominator != 1:
                raise ValueError(f"{fraction} of {n} {item_type} items is not a whole number")
            sections.append((item_type, int(size)))
        return PaperFormat(self.level, tuple(sections), self.minutes, self.language,
                           self.pass_mark)

    def describe(self) -> str:
        """``50 true_false + 150 single``."""
        return " + ".join(f"{n} {t}" for t, n in self.sections)


#: The official theory papers, by level.
THEORY: dict[int, PaperFormat] = {
    5: PaperFormat(5, (("true_false", 50), ("single", 150))),
    4: PaperFormat(4, (("true_false", 50), ("single", 150))),
    3: PaperFormat(3, (("true_false", 40), ("single", 140), ("multiple", 10))),
}

#: Fractions of the official paper tried, largest first, when a smaller bank has to make do
#: (every section of every level stays a whole number at these sizes).
FRACTIONS = (Fraction(1), Fraction(1, 2), Fraction(1, 5), Fraction(1, 10))


def theory_format(level: int) -> PaperFormat | None:
    """The official theory paper of ``level`` (``None`` for levels 2 and 1: not public)."""
    return THEORY.get(level)
