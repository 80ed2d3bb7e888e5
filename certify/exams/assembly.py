"""Per-candidate forms: a seeded draw from a blueprint and the approved bank (pure).

:func:`assemble` takes plain data — the blueprint, the bank's approved versions as
:class:`~certify.exams.blueprint.PoolItem` values, and a seed — and returns the form. The same
seed and the same bank give the same form, whatever order the bank was listed in (pool items are
sorted by version id first), so a stored seed rebuilds a form exactly; the versions drawn are also
stored on the attempt, so later bank edits never change a form that was sat.

Two candidates get different seeds, hence different items (where the bank allows), a different item
order (when the exam shuffles items) and different option orders (when the exam shuffles options
and the item allows it: an "all of the above" item keeps its authored order).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from certify.exams.blueprint import FormBlueprint, PoolItem, Shortfall, check_supply, match


@dataclass(frozen=True)
class FormItem:
    """One item of a drawn form, in form order.

    :param row: index of the blueprint row it fills.
    :param option_order: option ids in the order shown, or ``None`` for items without options.
    """

    version_id: int
    row: int
    option_order: tuple[str, ...] | None


class AssemblyError(ValueError):
    """The bank cannot supply the blueprint; ``shortfalls`` says where."""

    def __init__(self, shortfalls: Sequence[Shortfall]) -> None:
        self.shortfalls = tuple(shortfalls)
        super().__init__("the bank cannot supply the blueprint: " + "; ".join(
            f"{s.kind} {s.key}{' ' + s.item_type if s.item_type else ''} needs {s.needed}, "
            f"has {s.available}" for s in self.shortfalls))


def assemble(blueprint: FormBlueprint, pool: Sequence[PoolItem], seed: int, *,
             shuffle_items: bool = True, shuffle_options: bool = True) -> list[FormItem]:
    """Draw one candidate's form.

    Without item shuffling, items follow the blueprint's rows (syllabus order), easier first within
    a row; with it, the whole form is in random order — or, when the blueprint is in type sections
    (an official paper: true/false, then single, then multiple choice), each section in random order
    and the sections in the blueprint's order.

    :raise AssemblyError: when no complete form exists.
    """
    pool = sorted(pool, key=lambda c: c.version_id)
    rng = random.Random(seed)
    drawn = match(blueprint, pool, rng)
    if not drawn.complete:
        raise AssemblyError(check_supply(blueprint, pool) or [
            Shortfall("combination", row.unit, row.count, drawn.per_row.get(i, 0), row.item_type)
            for i, row in enumerate(blueprint.rows) if drawn.per_row.get(i, 0) < row.count])
    chosen = sorted(drawn.chosen.items(),
                    key=lambda pair: (pair[1], pool[pair[0]].difficulty, pool[pair[0]].version_id))
    if shuffle_items and blueprint.sections:
        order = list(blueprint.sections)
        chosen.sort(key=lambda pair: order.index(blueprint.rows[pair[1]].item_type))
        sections: list[list[tuple[int, int]]] = [
            [pair for pair in chosen if blueprint.rows[pair[1]].item_type == t] for t in order]
        for section in sections:
            rng.shuffle(section)
        chosen = [pair for section in sections for pair in section]
    elif shuffle_items:
        rng.shuffle(chosen)
    form = []
    for index, row in chosen:
        offered = pool[index]
        order: tuple[str, ...] | None = None
        if offered.option_ids:
            ids = list(offered.option_ids)
            if shuffle_options and offered.shuffle_options:
                rng.shuffle(ids)
            order = tuple(ids)
        form.append(FormItem(offered.version_id, row, order))
    return form
