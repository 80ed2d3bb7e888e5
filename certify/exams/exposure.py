"""How many attempts drew each record of a practical task's pool (the bank item page shows it)."""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from certify.banks.models import Item, ItemVersion
from certify.db import db
from certify.exams.models import AttemptItem


def record_exposure(item: Item) -> dict[int, dict[str, int]]:
    """Version id → record id → the attempts whose form held that record (the drawn sample, or
    every record of a task without a ``sample``)."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = db.session.execute(
        sa.select(AttemptItem.item_version_id, AttemptItem.sample)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .where(ItemVersion.item_id == item.id)).all()
    whole: Counter[int] = Counter()
    for version_id, sample in rows:
        if sample is None:
            whole[version_id] += 1
        else:
            counts[version_id].update(sample)
    if whole:
        for version_id, content in db.session.execute(
                sa.select(ItemVersion.id, ItemVersion.content)
                .where(ItemVersion.id.in_(list(whole)))):
            for record in ((content or {}).get("task") or {}).get("records") or []:
                counts[version_id][str(record.get("id"))] += whole[version_id]
    return {version_id: dict(c) for version_id, c in counts.items()}
