"""The bundled AI Trainer syllabus, loaded first by ``flask load-demo``."""

from __future__ import annotations

from collections.abc import Callable

from certify.demo import BANK_DIR
from certify.syllabus.operations import import_syllabus
from certify.syllabus.spec import load_yaml


def load_syllabus(echo: Callable[[str], None]) -> None:
    spec = load_yaml((BANK_DIR / "syllabus" / "ai-trainer.yaml").read_text(encoding="utf-8"))
    summary = import_syllabus(spec)
    echo(f"  syllabus: {spec.name_en} ({spec.code}), {len(spec.levels)} levels, "
         f"{len(summary.created)} records created")
