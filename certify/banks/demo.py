"""The bundled banks as demo content: every theory CSV and practical task folder, approved.

Items are written by the demo examiner and approved by the demo reviewer (the accounts loader creates
both), the way ``import-bank --approve-as`` records a second examiner's approval.
"""

from __future__ import annotations

from collections.abc import Callable

from certify.auth.operations import find_user_by_email
from certify.banks.importers import read_path
from certify.banks.imports import import_items
from certify.banks.spec import BankError
from certify.demo import BANK_DIR

AUTHOR = "examiner@demo.certify.example.org"
REVIEWER = "reviewer@demo.certify.example.org"


def load_banks(echo: Callable[[str], None]) -> None:
    author, reviewer = find_user_by_email(AUTHOR), find_user_by_email(REVIEWER)
    if author is None or reviewer is None:
        raise RuntimeError("the demo examiners are missing: the accounts loader runs first")
    parsed = read_path(BANK_DIR / "theory")
    parsed.extend(read_path(BANK_DIR / "practical"))
    try:
        report = import_items(parsed, actor=author, approver=reviewer, use_author_column=True)
    except BankError as exc:
        for problem in exc.problems:
            echo(f"  - {problem}")
        raise
    practical = sum(1 for item in parsed.items if item.type == "practical")
    files = sum(len(item.media) for item in parsed.items)
    echo(f"  banks: {len(parsed.items) - practical} theory items and {practical} practical tasks "
         f"({files} media files), {report.count('created')} created, all approved")
