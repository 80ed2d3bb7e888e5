"""Translated pairs: an item names the same item in another language (``Item.translation``).

The national exam is in Chinese and certify keeps an English bank beside it; a pair lets examiners
keep the two in step and lets reports show one item's statistics next to its translation's. A link
is metadata of the item, not of a version (like its language): setting it never makes a version.

Rules: the two items exist, differ, and are written in different languages; a link is kept on both
sides (naming B from A makes B name A); naming a new translation releases the old partner. An empty
``translation`` column or field leaves a link as it is (files written before the column existed
must not cut links); :func:`unlink` removes one.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.banks.models import Item
from certify.banks.spec import ItemData, Problem
from certify.db import db


def _problem(data: ItemData, message: str) -> Problem:
    return Problem(message, row=data.row, column="translation", ref=data.ref, source=data.source)


def check(ref: str, language: str, partner: Item | None, data: ItemData) -> list[Problem]:
    """Why the item ``ref`` in ``language`` cannot name ``partner`` (the item
    ``data.translation`` refers to)."""
    if partner is None:
        return [_problem(data, _("no item has the ref %(ref)s", ref=data.translation))]
    if partner.ref == ref:
        return [_problem(data, _("an item cannot be its own translation"))]
    if partner.language == language:
        return [_problem(data, _("%(ref)s is also in %(language)s: a translation is in another "
                                 "language", ref=partner.ref, language=partner.language))]
    return []


def partner_of(data: ItemData) -> tuple[Item | None, list[Problem]]:
    """The item ``data`` names as its translation, and why it cannot be linked (checked before
    anything changes); ``(None, [])`` when ``data`` names none."""
    if not data.translation:
        return None, []
    partner = db.session.scalar(sa.select(Item).where(Item.ref == data.translation))
    return partner, check(data.ref, data.language, partner, data)


def link(item: Item, partner: Item) -> bool:
    """Make ``item`` and ``partner`` name each other; return whether anything changed."""
    if item.translation is partner and partner.translation is item:
        return False
    for side in (item, partner):
        old = side.translation
        if old is not None and old is not item and old is not partner \
                and old.translation is side:
            old.translation = None
    item.translation = partner
    partner.translation = item
    return True


def unlink(item: Item) -> None:
    """Remove ``item``'s link, on both sides."""
    partner = item.translation
    if partner is not None and partner.translation is item:
        partner.translation = None
    item.translation = None


def apply_all(rows: Iterable[ItemData]) -> tuple[list[Problem], set[str]]:
    """Link every imported row that names a translation (after all rows exist, so a row may name
    an item further down the same file). Returns the problems and the refs whose link changed."""
    rows = [d for d in rows if d.translation]
    if not rows:
        return [], set()
    refs = {d.ref for d in rows} | {d.translation for d in rows if d.translation}
    items = {i.ref: i for i in db.session.scalars(sa.select(Item).where(Item.ref.in_(refs)))}
    problems: list[Problem] = []
    changed: set[str] = set()
    for data in rows:
        item, partner = items.get(data.ref), items.get(data.translation or "")
        if item is None:  # the row itself was refused; its problems are reported already
            continue
        found = check(item.ref, item.language, partner, data)
        problems += found
        if not found and partner is not None and link(item, partner):
            changed.add(data.ref)
    return problems, changed
