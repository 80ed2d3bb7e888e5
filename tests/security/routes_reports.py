"""Routes of reports: item analysis for staff, results exports for administrators."""

from __future__ import annotations

from tests.security.matrix import ADMINS, STAFF, Route

ROUTES = [
    Route("reports.index", STAFF),
    Route("reports.items", STAFF, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("reports.chart", STAFF,
          args=lambda w: {"sitting_id": w.grading_sitting_id, "name": "histogram"}),
    Route("reports.items_csv", STAFF, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("reports.items_xlsx", STAFF, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("reports.results_csv", ADMINS, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("reports.results_xlsx", ADMINS, args=lambda w: {"sitting_id": w.grading_sitting_id}),
]
