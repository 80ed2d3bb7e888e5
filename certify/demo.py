"""The bundled demo content, loaded once by ``flask load-demo``.

Each domain registers a loader from its ``wiring.init_app`` (order: syllabus 10, accounts 20, banks
30, exams 40, grading 50, certificates 60); the loaders run in order inside one transaction, so a
failure leaves the database as it was. The content itself lives with its package
(``certify/<package>/demo.py``); the files are under ``question_banks/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from certify.settings import ROOT

BANK_DIR = ROOT / "question_banks"
MARKER = "demo-loaded"


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[Callable[[str], None]], None]  # takes an ``echo`` function
    order: int


def add_loader(app: Flask, loader: DemoLoader) -> None:
    """Register a demo loader; they run by ``order``."""
    loaders = app.extensions.setdefault("certify_demo_loaders", [])
    if any(existing.name == loader.name for existing in loaders):
        raise ValueError(f"demo loader {loader.name!r} is registered twice")
    loaders.append(loader)


def loaders(app: Flask) -> list[DemoLoader]:
    return sorted(app.extensions.get("certify_demo_loaders", []), key=lambda d: d.order)
