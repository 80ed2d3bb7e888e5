"""Starting, autosaving, submitting and the server's clock, through the candidate's API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.db import db
from certify.exams.attempts import dashboard, expiry, reading, starting
from certify.exams.models import Attempt, AttemptItem, Response
from certify.exams.signals import attempt_submitted
from tests.exams.exam_helpers import T0, make_definition, save, start, stock_bank
from tests.factories import enrol, make_item, make_practical_item, make_sitting, make_syllabus


@pytest.fixture
def received(app):
    """Attempt ids announced by ``attempt_submitted``, in order."""
    got: list[int] = []

    def receiver(sender, attempt_id, **extra):
        got.append(attempt_id)

    attempt_submitted.connect(receiver)
    yield got
    attempt_submitted.disconnect(receiver)


def _first(attempt, item_type):
    return next(ai for ai in reading.attempt_items(attempt) if ai.version.item.type == item_type)


def test_start_draws_a_form_from_the_blueprint_and_sets_the_deadline(frozen, setup, login_as):
    client = login_as(setup.candidate)
    response = client.post(f"/sittings/{setup.sitting.id}/start")
    assert response.status_code == 302 and response.location.endswith("/items/1")
    attempt = db.session.scalar(sa.select(Attempt))
    assert attempt.started_dt == T0 and attempt.deadline_dt == T0 + timedelta(minutes=60)
    items = reading.attempt_items(attempt)
    assert len(items) == 8
    units = sorted(u.code for ai in items for u in ai.version.units)
    assert units == ["1.1", "1.1", "1.2", "1.2", "2.1", "2.1", "2.2", "2.2"]
    assert all(ai.item_version_id == ai.version.item.live_version_id for ai in items)
    # Starting again (another tab) resumes the same attempt.
    again = client.post(f"/sittings/{setup.sitting.id}/start")
    assert again.status_code == 302 and db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_extra_time_is_part_of_the_deadline(frozen, setup):
    setup.enrolment.extra_time_pct = 50
    db.session.commit()
    attempt = start(setup.enrolment)
    assert attempt.deadline_dt == T0 + timedelta(minutes=90)


def test_the_seeded_form_is_rebuilt_identically_and_differs_between_candidates(setup, make_user):
    attempt = start(setup.enrolment)
    stored = [(ai.item_version_id, tuple(ai.option_order) if ai.option_order else None)
              for ai in reading.attempt_items(attempt)]
    rebuilt = [(f.version_id, f.option_order)
               for f in starting.draw_form(attempt.seed, attempt.enrolment)]
    assert rebuilt == stored
    others = [start(enrol(setup.sitting, make_user())) for _ in range(3)]
    orders = {tuple(ai.item_version_id for ai in reading.attempt_items(a)) for a in others}
    assert len(orders | {tuple(v for v, _ in stored)}) > 1


def test_a_wrong_access_code_is_refused_and_audited(setup, login_as):
    setup.sitting.access_code = "ROOM42"
    db.session.commit()
    client = login_as(setup.candidate)
    page = client.post(f"/sittings/{setup.sitting.id}/start", data={"access_code": "nope"})
    assert page.status_code == 200 and "access code is not right" in page.text
    assert db.session.scalar(sa.select(Attempt)) is None
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "exam.access_code_wrong")) is not None
    ok = client.post(f"/sittings/{setup.sitting.id}/start", data={"access_code": " room42 "})
    assert ok.status_code == 302


def test_a_sitting_cannot_be_started_outside_its_window(setup, login_as):
    setup.sitting.opens_dt = setup.sitting.opens_dt + timedelta(days=1)
    setup.sitting.closes_dt = setup.sitting.closes_dt + timedelta(days=1)
    db.session.commit()
    client = login_as(setup.candidate)
    page = client.get(f"/sittings/{setup.sitting.id}/start")
    assert "This sitting opens at" in page.text and "exam-start-button" not in page.text
    assert client.post(f"/sittings/{setup.sitting.id}/start").status_code == 200
    assert db.session.scalar(sa.select(Attempt)) is None


def test_when_the_bank_cannot_supply_the_exam_nothing_starts(setup, login_as):
    for item in db.session.scalars(sa.select(Attempt.__table__.c.id)):  # none yet
        raise AssertionError(item)
    from certify.banks.models import Item
    for item in db.session.scalars(sa.select(Item)).all()[:3]:
        item.status = "retired"
    db.session.commit()
    page = login_as(setup.candidate).post(f"/sittings/{setup.sitting.id}/start")
    assert "cannot be prepared right now" in page.text
    assert db.session.scalar(sa.select(Attempt)) is None


def test_saves_store_answers_and_report_the_clock(frozen, setup, login_as):
    attempt = start(setup.enrolment)
    single = _first(attempt, "single")
    client = login_as(setup.candidate)
    frozen.shift(timedelta(minutes=10))
    option = single.option_order[1]
    response = save(client, attempt.id, 1, [{"position": single.position, "record": None,
                                             "value": option}],
                    flags=[{"position": single.position, "flagged": True}])
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] and data["seq"] == 1
    assert data["saved"] == [{"position": single.position, "record": None, "applied": True}]
    assert data["remaining_seconds"] == 50 * 60
    assert data["deadline"] == (T0 + timedelta(minutes=60)).isoformat()
    assert data["server_time"] == (T0 + timedelta(minutes=10)).isoformat()
    assert data["csrf_token"]
    stored = db.session.scalar(sa.select(Response))
    assert (stored.value, stored.seq, stored.answered) == (option, 1, True)
    db.session.refresh(single)
    assert single.flagged and single.last_saved_dt == T0 + timedelta(minutes=10)
    assert single.opened_dt == T0 + timedelta(minutes=10)


def test_a_stale_or_replayed_save_is_acknowledged_and_changes_nothing(setup, login_as):
    attempt = start(setup.enrolment)
    tf = _first(attempt, "true_false")
    client = login_as(setup.candidate)
    answer = {"position": tf.position, "record": None}
    assert save(client, attempt.id, 5, [{**answer, "value": True}]).get_json()["saved"][0]["applied"]
    stale = save(client, attempt.id, 4, [{**answer, "value": False}])
    assert stale.status_code == 200 and stale.get_json()["saved"][0]["applied"] is False
    replay = save(client, attempt.id, 5, [{**answer, "value": False}])
    assert replay.get_json()["saved"][0]["applied"] is False
    stored = db.session.scalar(sa.select(Response))
    assert (stored.value, stored.seq) == (True, 5)
    newer = save(client, attempt.id, 6, [{**answer, "value": False}])
    assert newer.get_json()["saved"][0]["applied"] is True
    db.session.refresh(attempt)
    assert attempt.last_seq == 6
    save(client, attempt.id, 3, [])  # an old empty save never lowers last_seq
    db.session.refresh(attempt)
    assert attempt.last_seq == 6


def test_a_stale_flag_change_is_ignored(setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    save(client, attempt.id, 2, flags=[{"position": 1, "flagged": True}])
    save(client, attempt.id, 1, flags=[{"position": 1, "flagged": False}])
    assert db.session.get(AttemptItem, reading.item_at(attempt, 1).id).flagged is True


@pytest.mark.parametrize("kind, value, words", [
    ("single", "Z", ["Question {p}", "field value", "choose one of the options"]),
    ("single", ["A"], ["Question {p}", "choose one of the options"]),
    ("multiple", "A", ["Question {p}", "send a list of option ids"]),
    ("multiple", ["A", "A"], ["Question {p}", "an option is chosen twice"]),
    ("true_false", "yes", ["Question {p}", "send true or false"]),
])
def test_a_value_of_the_wrong_shape_is_refused_and_nothing_of_the_save_is_stored(
        setup, login_as, kind, value, words):
    attempt = start(setup.enrolment)
    target = _first(attempt, kind)
    good = _first(attempt, "true_false" if kind != "true_false" else "single")
    good_value = True if kind != "true_false" else good.option_order[0]
    response = save(login_as(setup.candidate), attempt.id, 1, [
        {"position": good.position, "record": None, "value": good_value},
        {"position": target.position, "record": None, "value": value}])
    assert response.status_code == 422
    error = response.get_json()
    assert error["position"] == target.position
    for word in words:
        assert word.format(p=target.position) in error["error"]
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0
    db.session.refresh(attempt)
    assert attempt.last_seq == 0


def test_practical_answers_are_saved_record_by_record_and_validated(app, candidate, login_as):
    level = make_syllabus(4, codes=("2.1",), components=("skills",))
    unit = level.unit_by_code("2.1")
    make_practical_item("ner", units=[unit], config={"labels": ["PER", "LOC"]},
                        records=[{"id": "r1", "text": "Ada met Alan"}, {"id": "r2", "text": "Paris"}],
                        gold={"r1": {"id": "r1", "spans": [[0, 3, "PER"]]},
                              "r2": {"id": "r2", "spans": [[0, 5, "LOC"]]}})
    exam = make_definition(level, component="skills", total=1)
    sitting = make_sitting(exam)
    attempt = start(enrol(sitting, candidate))
    client = login_as(candidate)
    ok = save(client, attempt.id, 1, [{"position": 1, "record": "r1", "value": [[0, 3, "PER"]]},
                                      {"position": 1, "record": "r2", "value": []}])
    assert ok.status_code == 200
    assert [s["record"] for s in ok.get_json()["saved"]] == ["r1", "r2"]
    bad = save(client, attempt.id, 2, [{"position": 1, "record": "r2", "value": [[0, 9, "LOC"]]}])
    assert bad.status_code == 422
    error = bad.get_json()
    assert error["record"] == "r2" and "Question 1, record r2" in error["error"]
    assert "past the end" in error["error"] or "end" in error["error"]
    unknown = save(client, attempt.id, 3, [{"position": 1, "record": "r9", "value": []}])
    assert unknown.status_code == 422 and "no such record" in unknown.get_json()["error"]
    whole = save(client, attempt.id, 4, [{"position": 1, "record": None, "value": []}])
    assert whole.status_code == 422
    state = client.get(f"/attempts/{attempt.id}/state").get_json()
    assert state["answers"] == [
        {"position": 1, "record": "r1", "value": [[0, 3, "PER"]], "seq": 1},
        {"position": 1, "record": "r2", "value": [], "seq": 1}]


def test_state_restores_every_saved_answer_on_another_device(setup, login_as):
    attempt = start(setup.enrolment)
    tf = _first(attempt, "true_false")
    multi = _first(attempt, "multiple")
    first_device = login_as(setup.candidate)
    save(first_device, attempt.id, 1, [{"position": tf.position, "record": None, "value": False},
                                       {"position": multi.position, "record": None,
                                        "value": multi.option_order[:2]}],
         flags=[{"position": multi.position, "flagged": True}])
    other_device = login_as(setup.candidate)
    state = other_device.get(f"/attempts/{attempt.id}/state").get_json()
    assert state["last_seq"] == 1
    values = {a["position"]: a["value"] for a in state["answers"]}
    assert values[tf.position] is False
    assert sorted(values[multi.position]) == sorted(multi.option_order[:2])
    assert state["flags"] == [{"position": multi.position, "flagged": True}]
    page = other_device.get(f"/attempts/{attempt.id}/items/{tf.position}")
    assert 'value="false" id="item-' in page.text and "checked" in page.text


def test_saves_are_accepted_within_the_grace_and_refused_after_it(frozen, setup, login_as, received):
    attempt = start(setup.enrolment)
    tf = _first(attempt, "true_false")
    client = login_as(setup.candidate)
    frozen.move_to(attempt.deadline_dt + timedelta(seconds=30))
    in_grace = save(client, attempt.id, 1, [{"position": tf.position, "record": None,
                                             "value": True}])
    assert in_grace.status_code == 200 and in_grace.get_json()["remaining_seconds"] == 0
    frozen.move_to(attempt.deadline_dt + timedelta(seconds=31))
    late = save(client, attempt.id, 2, [{"position": tf.position, "record": None,
                                         "value": False}])
    assert late.status_code == 409
    body = late.get_json()
    assert body["state"] == "submitted" and "Time is up" in body["error"]
    db.session.refresh(attempt)
    assert attempt.state == "submitted" and attempt.submit_reason == "server"
    assert db.session.scalar(sa.select(Response.value)) is True
    assert received == [attempt.id]


def test_the_grace_is_configurable(app_factory, make_user):
    app = app_factory(EXAM_GRACE_SECONDS=0)
    with app.app_context():
        assert app.config["EXAM_GRACE_SECONDS"] == 0
        assert expiry.grace_seconds() == 0


def test_submitting_is_idempotent_and_announced_once(setup, login_as, received):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    first = client.post(f"/attempts/{attempt.id}/submit", json={"reason": "candidate"})
    second = client.post(f"/attempts/{attempt.id}/submit", json={"reason": "candidate"})
    assert first.get_json()["submitted"] is True and second.get_json()["submitted"] is False
    assert second.get_json()["state"] == "submitted"
    assert received == [attempt.id]
    after = save(client, attempt.id, 9, [])
    assert after.status_code == 409 and "You have submitted" in after.get_json()["error"]
    events = db.session.scalars(sa.select(AuditEvent.action)
                                .where(AuditEvent.action == "exam.attempt_submitted")).all()
    assert len(events) == 1


def test_the_submit_page_lists_unanswered_and_flagged_and_needs_a_confirmation(setup, login_as):
    attempt = start(setup.enrolment)
    tf = _first(attempt, "true_false")
    client = login_as(setup.candidate)
    save(client, attempt.id, 1, [{"position": tf.position, "record": None, "value": True}],
         flags=[{"position": 2, "flagged": True}])
    page = client.get(f"/attempts/{attempt.id}/submit")
    assert "You have answered 1 of 8 questions." in page.text
    assert "7 questions are not answered yet" in page.text
    assert "You flagged these questions" in page.text
    refused = client.post(f"/attempts/{attempt.id}/submit", data={})
    assert refused.status_code == 422 and "Tick the box" in refused.text
    done = client.post(f"/attempts/{attempt.id}/submit", data={"confirm": "yes"})
    assert done.status_code == 302 and done.location.endswith(f"/attempts/{attempt.id}/done")
    assert "Your exam is submitted" in client.get(done.location).text


def test_the_page_at_the_deadline_submits_with_reason_deadline(frozen, setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    frozen.move_to(attempt.deadline_dt + timedelta(seconds=1))
    result = client.post(f"/attempts/{attempt.id}/submit", json={"reason": "deadline"})
    assert result.get_json()["submitted"] is True
    db.session.refresh(attempt)
    assert attempt.submit_reason == "deadline"


def test_an_early_deadline_claim_counts_as_the_candidates_own_submit(frozen, setup, login_as):
    attempt = start(setup.enrolment)
    login_as(setup.candidate).post(f"/attempts/{attempt.id}/submit", json={"reason": "deadline"})
    db.session.refresh(attempt)
    assert attempt.submit_reason == "candidate"


def test_an_overdue_attempt_is_submitted_when_its_page_is_opened(frozen, setup, login_as, received):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    frozen.move_to(attempt.deadline_dt + timedelta(minutes=5))
    page = client.get(f"/attempts/{attempt.id}/items/1")
    assert page.status_code == 302 and page.location.endswith("/done")
    db.session.refresh(attempt)
    assert attempt.state == "submitted" and attempt.submit_reason == "server"
    assert received == [attempt.id]
    assert client.get(f"/attempts/{attempt.id}/state").status_code == 409
    assert received == [attempt.id]


def test_an_overdue_attempt_is_submitted_when_the_dashboard_is_opened(frozen, setup, login_as,
                                                                      received):
    attempt = start(setup.enrolment)
    frozen.move_to(attempt.deadline_dt + timedelta(minutes=1))
    dashboard = login_as(setup.candidate).get("/dashboard")
    assert "My sittings" in dashboard.text and "submitted" in dashboard.text
    assert received == [attempt.id]


def test_sweep_expired_submits_overdue_attempts_once(frozen, setup, make_user, runner, received):
    overdue = start(setup.enrolment)
    later = start(enrol(setup.sitting, make_user()))
    frozen.move_to(overdue.deadline_dt + timedelta(seconds=31))
    db.session.execute(sa.update(Attempt).where(Attempt.id == later.id)
                       .values(deadline_dt=overdue.deadline_dt + timedelta(hours=1)))
    db.session.commit()
    result = runner.invoke(args=["sweep-expired"])
    assert result.exit_code == 0, result.output
    assert f"Submitted 1 overdue attempt(s): {overdue.id}" in result.output
    again = runner.invoke(args=["sweep-expired"])
    assert "Submitted 0 overdue attempt(s)." in again.output
    assert received == [overdue.id]
    db.session.expire_all()
    assert db.session.get(Attempt, later.id).state == "in_progress"


def test_a_failing_receiver_never_loses_the_submission(setup, login_as):
    def broken(sender, attempt_id, **extra):
        raise RuntimeError("grading is down")

    attempt_submitted.connect(broken)
    try:
        attempt = start(setup.enrolment)
        response = login_as(setup.candidate).post(f"/attempts/{attempt.id}/submit",
                                                  json={"reason": "candidate"})
    finally:
        attempt_submitted.disconnect(broken)
    assert response.status_code == 200 and response.get_json()["submitted"] is True
    db.session.refresh(attempt)
    assert attempt.state == "submitted"


def test_other_candidates_cannot_reach_an_attempt(setup, make_user, login_as):
    attempt = start(setup.enrolment)
    intruder = make_user()
    enrol(setup.sitting, intruder)
    client = login_as(intruder)
    for url in (f"/attempts/{attempt.id}", f"/attempts/{attempt.id}/items/1",
                f"/attempts/{attempt.id}/state", f"/attempts/{attempt.id}/submit",
                f"/attempts/{attempt.id}/done"):
        assert client.get(url).status_code == 404, url
    assert save(client, attempt.id, 1, []).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/submit", json={}).status_code == 404


def test_opening_an_item_page_records_when_it_was_first_opened(frozen, setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    frozen.shift(timedelta(minutes=3))
    client.get(f"/attempts/{attempt.id}/items/2")
    frozen.shift(timedelta(minutes=3))
    client.get(f"/attempts/{attempt.id}/items/2")
    save(client, attempt.id, 1, opened=[3])
    item2, item3 = reading.item_at(attempt, 2), reading.item_at(attempt, 3)
    assert item2.opened_dt == T0 + timedelta(minutes=3)
    assert item3.opened_dt == T0 + timedelta(minutes=6)


def test_items_of_a_fill_in_and_short_answer_exam(app, candidate, login_as):
    level = make_syllabus(4, codes=("1.1",))
    unit = level.unit_by_code("1.1")
    make_item("fill_in", units=[unit])
    make_item("short_answer", units=[unit])
    exam = make_definition(level, total=2, item_types=["fill_in", "short_answer"])
    attempt = start(enrol(make_sitting(exam), candidate))
    fill = _first(attempt, "fill_in")
    short = _first(attempt, "short_answer")
    client = login_as(candidate)
    assert save(client, attempt.id, 1, [
        {"position": fill.position, "record": None, "value": ["recall", ""]},
        {"position": short.position, "record": None, "value": "  "}]).status_code == 200
    answered = {s.position: s.answered for s in reading.overview(attempt)}
    assert answered == {fill.position: True, short.position: False}
    wrong = save(client, attempt.id, 2, [{"position": fill.position, "record": None,
                                          "value": ["only one"]}])
    assert wrong.status_code == 422 and "one per blank" in wrong.get_json()["error"]


def test_a_candidate_with_no_bank_left_for_a_second_sitting_still_sees_the_first(app, candidate,
                                                                              login_as):
    level = make_syllabus(4)
    items = stock_bank(level)
    exam = make_definition(level)
    first = make_sitting(exam, title="Morning")
    attempt = start(enrol(first, candidate))
    second = make_sitting(exam, title="Afternoon")
    enrolment = enrol(second, candidate)
    for item in items:  # the bank can no longer supply the exam
        item.status = "retired"
    db.session.commit()
    cards = dashboard.candidate_sittings(candidate)
    assert [(c.sitting.title, c.status) for c in cards] == [("Morning", "in_progress"),
                                                            ("Afternoon", "open")]
    client = login_as(candidate)
    refused = client.post(f"/sittings/{second.id}/start", data={})
    assert refused.status_code == 200 and "question bank is missing items" in refused.text
    assert db.session.get(type(enrolment), enrolment.id).attempt is None  # nothing started
    page = client.get("/dashboard").text
    assert "Morning" in page and "Afternoon" in page
    assert client.get(f"/attempts/{attempt.id}/items/1").status_code == 200


def test_a_box_on_an_imported_image_is_saved(app, candidate, login_as):
    """Imported records name their image ``asset:<sha256>``; answers to them are still checked."""
    level = make_syllabus(4, codes=("2.1",), components=("skills",))
    make_practical_item("bbox", units=[level.unit_by_code("2.1")],
                        config={"labels": ["car"], "iou_threshold": 0.5},
                        records=[{"id": "r01", "image": "asset:" + "ab" * 32, "width": 640,
                                  "height": 480}],
                        gold={"r01": {"id": "r01", "boxes": [[10, 10, 50, 50, "car"]]}})
    exam = make_definition(level, component="skills", total=1)
    attempt = start(enrol(make_sitting(exam), candidate))
    client = login_as(candidate)
    ok = save(client, attempt.id, 1, [{"position": 1, "record": "r01",
                                       "value": [[110.5, 130, 110, 90, "car"]]}])
    assert ok.status_code == 200, ok.get_json()
    outside = save(client, attempt.id, 2, [{"position": 1, "record": "r01",
                                            "value": [[600, 10, 100, 50, "car"]]}])
    assert outside.status_code == 422 and "past the image width" in outside.get_json()["error"]
    assert db.session.scalar(sa.select(Response.value)) == [[110.5, 130.0, 110.0, 90.0, "car"]]
