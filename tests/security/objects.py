"""Whose object each object URL names: the expectations of the IDOR suite (test_idor.py).

The object URLs come from ``app.url_map``: every rule with an ``<int:…>`` argument (and the asset
hash and certificate number). Each needs an explicit expectation in :data:`OBJECTS` saying whose
object it is — a new object route without one fails ``test_every_object_route_has_an_owner``:

- :class:`Owned`: a candidate's own object (attempt, answers, result, exam start). The other
  candidate, and an examiner who also sits exams, get 403/404 for it — for a POST nothing changes —
  while its owner gets through;
- :class:`Holder`: a certificate: its holder and administrators;
- :class:`Marker`: a script item: any examiner except the candidate themself, only rubric items of
  submitted attempts;
- :class:`Staff`: an object of the administration (bank items, sittings, users …) that no user
  owns: the roles the route matrix names may use any of them (shared work); the parts of a URL must
  belong together (an enrolment of another sitting is 404);
- :class:`Public`: anyone may look (a syllabus level, a certificate's verification page).

The argument builders take the world of :func:`secworld.build_world`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import IntegerConverter

Args = Callable[[Any, str], dict[str, Any]]
DENIED = (403, 404)
MISSING = 999_999


@dataclass(frozen=True)
class Owned:
    """A candidate's object: ``args(world, owner)`` gives the URL of ``owner``'s one."""

    args: Args
    data: Callable[[Any, str], Any] | None = None
    json: bool = False


@dataclass(frozen=True)
class Holder:
    args: Args


@dataclass(frozen=True)
class Marker:
    """A script item: ``args(world, candidate)`` gives the URL of that candidate's script."""

    args: Args
    data: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Staff:
    """An administrative object shared by the roles that may use the route (see ``why``).

    ``mismatched`` builds URLs whose parts do not belong together (must be 404).
    """

    args: Callable[[Any], dict[str, Any]]
    why: str
    mismatched: list[Callable[[Any], dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Public:
    args: Callable[[Any], dict[str, Any]]
    why: str


def attempt(w, p):
    return {"attempt_id": w.attempt[p]}


def sitting(w):
    return {"sitting_id": w.sittings["past"]}


def item(w):
    return {"item_id": w.items["single"]}


def exam(w):
    return {"exam_id": w.exam_id}


def certificate(w):
    return {"certificate_id": w.certificate["candidate"]}


def invigilated(w):
    return {"sitting_id": w.sittings["live"], "attempt_id": w.attempt["candidate"]}


def enrolment(w):
    return {"sitting_id": w.fresh_sitting["candidate"],
            "enrolment_id": w.fresh_enrolment["candidate"]}


BANK = "the bank is the examiners' shared work; four-eyes review is enforced in operations"
ADMIN = "administration objects belong to the examining body, not to one administrator"
INVIGILATION = "any examiner or administrator may invigilate any sitting"
REPORTS = "item statistics name no candidate; results exports are for administrators"

OBJECTS: dict[tuple[str, str], Any] = {
    # Candidates' own objects
    ("exams.start", "GET"): Owned(lambda w, p: {"sitting_id": w.fresh_sitting[p]}),
    ("exams.start", "POST"): Owned(lambda w, p: {"sitting_id": w.fresh_sitting[p]},
                                   data=lambda w, p: {"access_code": ""}),
    ("exams.resume", "GET"): Owned(attempt),
    ("exams.item", "GET"): Owned(lambda w, p: {"attempt_id": w.attempt[p], "position": 1}),
    ("exams.start_task", "POST"): Owned(lambda w, p: {"attempt_id": w.attempt[p], "position": 1},
                                        json=True, data=lambda w, p: {}),
    ("exams.state", "GET"): Owned(attempt),
    ("exams.save", "POST"): Owned(attempt, json=True, data=lambda w, p: {
        "seq": 10_000, "answers": [{"position": 1, "record": None, "value": "D"}],
        "flags": [{"position": 2, "flagged": True}], "opened": [3]}),
    ("exams.submit", "GET"): Owned(attempt),
    ("exams.submit", "POST"): Owned(attempt, json=True, data=lambda w, p: {"reason": "candidate"}),
    ("exams.done", "GET"): Owned(attempt),
    ("exams.offline_worker", "GET"): Owned(attempt),
    ("exams.deliver_late", "POST"): Owned(attempt, json=True, data=lambda w, p: {
        "answers": [{"position": 1, "record": None, "value": "D", "entered_at": 0}]}),
    ("grading.my_result", "GET"): Owned(lambda w, p: {"attempt_id": w.past_attempt[p]}),
    # Certificates: their holders and administrators
    ("certificates.download_pdf", "GET"): Holder(lambda w, p: {"certificate_id":
                                                                w.certificate[p]}),
    ("certificates.download_badge", "GET"): Holder(lambda w, p: {"certificate_id":
                                                                  w.certificate[p]}),
    ("certificates.verify", "GET"): Public(lambda w: {"number": w.certificate_numbers["candidate"]},
                                           "verification is public by design (number + code)"),
    # Scripts: examiners, never their own attempt
    ("grading.mark", "GET"): Marker(lambda w, p: {"attempt_item_id": w.script[p]}),
    ("grading.mark", "POST"): Marker(lambda w, p: {"attempt_item_id": w.script[p]},
                                     data=lambda w: {"cp0": "1", "cc0": "", "comment": ""}),
    ("grading.mark_no_answer", "POST"): Marker(lambda w, p: {"attempt_item_id": w.script[p]}),
    # Assets: addressed by the SHA-256 of their content
    ("banks.asset", "GET"): Public(lambda w: {"sha256": w.image_sha},
                                   "any logged-in user: candidates need them in exams; the URL is "
                                   "the content's SHA-256 and no key or gold is ever an asset"),
    ("syllabus.level", "GET"): Public(lambda w: {"number": w.level_number}, "the syllabus is public"),
    # The bank
    **{(endpoint, method): Staff(item, BANK) for endpoint, method in [
        ("banks.item", "GET"), ("banks.preview", "GET"), ("banks.diff", "GET"),
        ("banks.edit_item", "GET"), ("banks.edit_item", "POST"), ("banks.submit", "POST"),
        ("banks.review", "POST"), ("banks.retire", "POST"), ("banks.reinstate", "POST"),
        ("banks.discard", "POST")]},
    ("banks.data_file", "GET"): Staff(
        lambda w: {"item_id": w.items["classification"], "number": 1, "kind": "gold"}, BANK,
        mismatched=[lambda w: {"item_id": w.items["classification"], "number": 2, "kind": "gold"},
                    lambda w: {"item_id": w.items["single"], "number": 1, "kind": "gold"}]),
    # Exam definitions and sittings
    **{(endpoint, method): Staff(exam, ADMIN) for endpoint, method in [
        ("exam_admin.definition", "GET"), ("exam_admin.edit_definition", "GET"),
        ("exam_admin.edit_definition", "POST"), ("exam_admin.archive_definition", "POST"),
        ("exam_admin.delete_definition", "POST")]},
    **{(endpoint, method): Staff(sitting, ADMIN) for endpoint, method in [
        ("exam_admin.sitting", "GET"), ("exam_admin.edit_sitting", "GET"),
        ("exam_admin.edit_sitting", "POST"), ("exam_admin.delete_sitting", "POST"),
        ("exam_admin.close_sitting", "GET"), ("exam_admin.close_sitting", "POST"),
        ("exam_admin.enrol", "POST"), ("exam_admin.enrol_csv", "POST"),
        ("grading.admin_sitting", "GET"), ("grading.publish", "POST"),
        ("grading.progress", "GET"), ("grading.set_plan", "POST"), ("grading.regrade", "GET"),
        ("grading.regrade", "POST"), ("certificates.admin_sitting", "GET"),
        ("certificates.issue_sitting", "POST"), ("certificates.sitting_zip", "GET")]},
    **{(endpoint, "POST"): Staff(enrolment, ADMIN, mismatched=[
        lambda w: {"sitting_id": w.fresh_sitting["other_candidate"],
                   "enrolment_id": w.fresh_enrolment["candidate"]}])
       for endpoint in ("exam_admin.extra_time", "exam_admin.withdraw")},
    **{(endpoint, method): Staff(lambda w: {"sitting_id": w.sittings["live"]}, INVIGILATION)
       for endpoint, method in [("exam_admin.invigilate", "GET"),
                                ("exam_admin.invigilate_rows", "GET")]},
    **{(endpoint, method): Staff(invigilated, INVIGILATION, mismatched=[
        lambda w: {"sitting_id": w.sittings["past"], "attempt_id": w.attempt["candidate"]}])
       for endpoint, method in [("exam_admin.invigilate_attempt", "GET"),
                                ("exam_admin.add_time", "POST"), ("exam_admin.void", "POST"),
                                ("exam_admin.decide_late", "POST")]},
    ("grading.admin_attempt", "GET"): Staff(lambda w: {"attempt_id": w.past_attempt["candidate"]},
                                            ADMIN),
    ("grading.regrade_report", "GET"): Staff(lambda w: {"regrade_id": w.regrade_id}, ADMIN),
    # Certificates administration
    **{(endpoint, method): Staff(certificate, ADMIN) for endpoint, method in [
        ("certificates.admin_detail", "GET"), ("certificates.revoke", "POST"),
        ("certificates.reissue", "POST")]},
    ("certificates.issue_pass", "POST"): Staff(lambda w: {"level_pass_id": w.level_pass_id},
                                               ADMIN),
    # Reports
    **{(endpoint, "GET"): Staff(sitting, REPORTS) for endpoint in (
        "reports.items", "reports.items_csv", "reports.items_xlsx", "reports.results_csv",
        "reports.results_xlsx")},
    ("reports.chart", "GET"): Staff(lambda w: {**sitting(w), "name": "histogram"}, REPORTS),
    # Users and the syllabus
    **{(endpoint, method): Staff(lambda w: {"user_id": w.users["candidate"].id}, ADMIN)
       for endpoint, method in [("admin.user", "GET"), ("admin.user", "POST"),
                                ("admin.set_active", "POST"), ("admin.user_details", "GET"),
                                ("admin.user_details", "POST")]},
    **{(endpoint, method): Staff(lambda w: {"unit_id": w.unit_id}, ADMIN)
       for endpoint, method in [("syllabus.edit_unit", "GET"), ("syllabus.edit_unit", "POST"),
                                ("syllabus.delete_unit", "POST")]},
    **{(endpoint, method): Staff(lambda w: {"number": w.level_number}, ADMIN)
       for endpoint, method in [("syllabus.new_unit", "GET"), ("syllabus.new_unit", "POST")]},
    **{("syllabus.edit_weights", method): Staff(
        lambda w: {"number": w.level_number, "component": "theory"}, ADMIN)
       for method in ("GET", "POST")},
}

#: Route arguments that name an object even though they are not integers.
OBJECT_ARGUMENTS = {"sha256", "number"}


def object_rules(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) whose URL names an object (an integer id, a hash, a number)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) or name in OBJECT_ARGUMENTS
               for name, c in rule._converters.items()):
            found |= {(rule.endpoint, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def url(app, endpoint: str, **args: Any) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(endpoint, **args)


def args_for(key: tuple[str, str], world: Any, persona: str = "candidate") -> dict[str, Any]:
    """The URL values of an object route for ``persona``'s object (or the shared one)."""
    spec = OBJECTS[key]
    if isinstance(spec, Owned | Holder | Marker):
        return spec.args(world, persona if persona in world.attempt else "candidate")
    return spec.args(world)
