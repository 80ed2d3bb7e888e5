"""The bundled demo content, loaded once by ``flask load-demo``.

Each domain registers a loader (the syllabus first, then accounts, banks, exams …); the loaders run
in order inside one transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from certify import ROOT
from certify.auth.models import Role

BANK_DIR = ROOT / "question_banks"
MARKER = "demo-loaded"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    password: str
    roles: frozenset[Role]
    candidate_id: str | None = None


#: Demo accounts. Their passwords are public: never load the demo on a server people rely on.
DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.certify.example.org", "Demo Administrator", "demo-admin-pass",
                frozenset({Role.ADMIN})),
    DemoAccount("examiner@demo.certify.example.org", "李明 (Li Ming)", "demo-examiner-pass",
                frozenset({Role.EXAMINER})),
    DemoAccount("reviewer@demo.certify.example.org", "Grace Okafor", "demo-reviewer-pass",
                frozenset({Role.EXAMINER})),
    DemoAccount("candidate@demo.certify.example.org", "张伟", "demo-candidate-pass",
                frozenset({Role.CANDIDATE}), "11010519491231002X"),
    DemoAccount("candidate2@demo.certify.example.org", "Maria Ivanova", "demo-candidate-pass",
                frozenset({Role.CANDIDATE}), "E12345678"),
)


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


def load_syllabus(echo: Callable[[str], None]) -> None:
    from certify.syllabus.operations import import_syllabus
    from certify.syllabus.spec import load_yaml

    spec = load_yaml((BANK_DIR / "syllabus" / "ai-trainer.yaml").read_text(encoding="utf-8"))
    summary = import_syllabus(spec)
    echo(f"  syllabus: {spec.name_en} ({spec.code}), {len(spec.levels)} levels, "
         f"{len(summary.created)} records created")


def load_accounts(echo: Callable[[str], None]) -> None:
    from certify.auth.operations import create_user, find_user_by_email

    for account in DEMO_ACCOUNTS:
        if find_user_by_email(account.email) is None:
            create_user(name=account.name, email=account.email, password=account.password,
                        roles=account.roles, candidate_id=account.candidate_id)
    echo(f"  accounts: {len(DEMO_ACCOUNTS)} demo users")


def init_app(app: Flask) -> None:
    add_loader(app, DemoLoader("syllabus", load_syllabus, order=10))
    add_loader(app, DemoLoader("accounts", load_accounts, order=20))
