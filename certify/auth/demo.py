"""The demo accounts (loaded by ``flask load-demo``; other packages' demo content names them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from certify.auth.models import Role
from certify.auth.operations import create_user, find_user_by_email


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


def load_accounts(echo: Callable[[str], None]) -> None:
    for account in DEMO_ACCOUNTS:
        if find_user_by_email(account.email) is None:
            create_user(name=account.name, email=account.email, password=account.password,
                        roles=account.roles, candidate_id=account.candidate_id)
    echo(f"  accounts: {len(DEMO_ACCOUNTS)} demo users")
