"""Helpers of the grading tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from certify.clock import now_utc
from certify.exams.models import ExamDefinition, Sitting
from tests.factories import make_sitting


def closed_sitting(exam: ExamDefinition, **kwargs: Any) -> Sitting:
    """A sitting whose window has closed (so its results may be published)."""
    now = now_utc()
    return make_sitting(exam, opens=now - timedelta(hours=5), closes=now - timedelta(minutes=1),
                        **kwargs)
