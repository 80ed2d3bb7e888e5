"""Dashboard panels and the marking queue's navigation."""

from __future__ import annotations

from certify.auth.models import Role
from tests.factories import make_item


def test_the_candidate_panel_says_being_marked_then_shows_the_score(theory, candidate, admin, sit,
                                                                    login_as):
    from certify.db import db
    from certify.grading.publication import publish_results

    sit(theory, candidate, [make_item("single")], {1: "B"})
    client = login_as(candidate)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "My results" in html and "Being marked" in html
    publish_results(theory, actor=admin)
    db.session.commit()
    html = client.get("/dashboard").get_data(as_text=True)
    assert "100.00" in html and "Pass" in html


def test_the_examiner_panel_and_queue_lead_to_the_next_script(theory, make_user, sit, login_as):
    examiner = make_user(Role.EXAMINER)
    item = make_item("short_answer", points=5)
    attempt = sit(theory, make_user(Role.CANDIDATE), [item], {1: "An answer"})
    client = login_as(examiner)
    assert "1 script waits for you." in client.get("/dashboard").get_data(as_text=True)
    queue = client.get("/marking/").get_data(as_text=True)
    assert item.ref in queue
    response = client.get(f"/marking/next?sitting={theory.id}&item={item.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/marking/script/{attempt.items[0].id}")


def test_the_admin_panel_lists_sittings_with_their_marking(theory, candidate, admin, sit,
                                                           login_as):
    sit(theory, candidate, [make_item("short_answer", points=5)], {1: "text"})
    html = login_as(admin).get("/dashboard").get_data(as_text=True)
    assert theory.title in html and "0 of 1 marked" in html
