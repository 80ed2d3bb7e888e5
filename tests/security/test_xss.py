"""Cross-site scripting: payloads in every text a user or a bank file controls come back inert.

The world of ``secworld.py`` is built with a payload in every such field — user names, item stems,
options, explanations, task titles, instructions, record texts, labels, candidates' answers, marker
comments, sitting titles and locations, exam titles and instructions, unit titles and descriptions,
an image's file name, a regrade reason — and more arrive through the real forms: a registration, an
administrator's correction of a name (with its reason), an invigilator's extra time and void
reasons, a revocation reason, a bank file (its name and rows), an asset's file name, a syllabus
file and an enrolment CSV, and a candidate's autosaved answers.

Then every visitor crawls everything they can reach (pages, JSON, downloads, SVG charts, the PDF)
and nothing may carry executable markup the templates do not have themselves (see ``scan.py``):
no inline script, event handler, ``javascript:`` URL, embedding element or foreign image; no
``{{7*7}}`` evaluated (template injection); no spreadsheet cell that starts a formula; the PDF
draws the name as text.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

from certify.db import db
from tests.helpers import TEST_PASSWORD
from tests.security.matrix import all_routes
from tests.security.objects import OBJECTS, args_for, url
from tests.security.scan import crawl, csv_rows, executable_markup, formula_cells
from tests.security.secworld import build_world, login, png_bytes

SHORT = '"><img src=x onerror=alert(1)><script>alert(2)</script>ssti{{7*7}}'
LONG = (SHORT + " <svg onload=alert(3)></textarea></title><iframe src=javascript:alert(4)>"
        "</iframe> [click](javascript:alert(5)) <a href=\"javascript:alert(6)\">a</a> "
        "![t](https://evil.example/t.png) ![d](data:text/html;base64,PHNjcmlwdD4=) "
        "</script><script>alert(7)</script>")
#: For file names: no quote or slash, which a browser would encode or a server strip anyway.
FILE_PAYLOAD = "<img src=x onerror=alert(1)><svg onload=alert(2)>ssti{{7*7}}"
#: Fields kept short (database columns of 100–300 characters, labels).
SHORT_FIELDS = {"unit_title", "exam_title", "sitting_title", "sitting_location", "label",
                "image_filename"}
#: What must never appear: an evaluated template expression, the app's secret key.
NEVER = ("ssti49", "test-secret-key", "test-certificate-secret")


def payload(field: str) -> str:
    """The text of ``field`` in this world: its name (to find it again) and a payload."""
    if field.endswith("_name"):
        # Names also start a spreadsheet formula: exports must defuse it.
        return f"=cmd|{field[:6]}" + SHORT
    return f"{field} " + (SHORT if field in SHORT_FIELDS else LONG)


#: The fields the world fills, each of which must be shown on at least one page.
SHOWN = ["candidate_name", "examiner_name", "admin_name", "single_stem", "option_a",
         "multiple_stem", "true_false_stem", "fill_in_stem", "short_answer_stem", "label",
         "record_text", "ner_text", "rubric_prompt", "classification_title",
         "classification_instructions", "exam_title", "exam_instructions", "sitting_title",
         "sitting_location", "unit_title", "unit_description", "marker_comment",
         "regrade_reason", "marker_overall_comment", "short_answer_answer", "rubric_answer", "image_filename",
         "registered_name", "details_reason", "add_time_reason", "void_reason",
         "revoke_reason", "import_stem", "import_option", "asset_filename", "bank_filename"]


def marker(field: str) -> str:
    """What of ``payload(field)`` shows on a page unescaped (to find the field again)."""
    return f"cmd|{field[:6]}" if field.endswith("_name") else field


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _enter_through_forms(app, w) -> dict[str, Any]:
    """Put payloads in through the real forms; return the responses of those posts."""
    posted = {}
    admin, examiner = login(app, w.users["admin"].email), login(app, w.users["examiner"].email)

    registered = app.test_client()
    response = registered.post("/register", data={
        "name": "Mallory " + payload("registered_name")[1:], "email": "mallory@sec.example.org",
        "candidate_id": "E1234567", "password": TEST_PASSWORD, "confirm": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    w.clients["registered"] = registered

    target = url(app, "admin.user_details", user_id=w.users["examiner2"].id)
    posted["details"] = admin.post(target, data={
        "name": "Examiner " + payload("examiner2_name")[1:], "email": "examiner2@sec.example.org",
        "candidate_id": "", "reason": payload("details_reason")})
    assert posted["details"].status_code == 302

    live = w.sittings["live"]
    posted["enrol"] = admin.post(url(app, "exam_admin.enrol", sitting_id=live),
                                 data={"identifier": "mallory@sec.example.org",
                                       "extra_time_pct": "0"})
    assert posted["enrol"].status_code == 302
    started = registered.post(url(app, "exams.start", sitting_id=live), data={"access_code": ""})
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    from certify.exams.models import Attempt, Enrolment

    attempt_id = db.session.scalar(sa.select(Attempt.id).join(Enrolment).where(
        Enrolment.sitting_id == live, Enrolment.candidate_id != w.users["candidate"].id,
        Enrolment.candidate_id != w.users["other_candidate"].id))
    w.registered_attempt = attempt_id
    attempt = db.session.get(Attempt, attempt_id)
    answers = []
    for ai in attempt.items:
        kind = ai.version.item.type
        if kind == "short_answer":
            answers.append({"position": ai.position, "record": None,
                            "value": payload("autosaved_answer")})
        elif kind == "fill_in":
            answers.append({"position": ai.position, "record": None, "value": [SHORT, SHORT]})
        elif kind == "practical" and ai.version.content["task"]["task_type"] == "rubric":
            answers.append({"position": ai.position, "record": "p1", "value": LONG})
    saved = registered.post(url(app, "exams.save", attempt_id=attempt_id),
                            json={"seq": 1, "answers": answers})
    assert saved.status_code == 200, saved.get_data(as_text=True)

    invigilated = {"sitting_id": live, "attempt_id": w.attempt["candidate"]}
    posted["add_time"] = examiner.post(url(app, "exam_admin.add_time", **invigilated),
                                       data={"minutes": "5", "reason": payload("add_time_reason")})
    assert posted["add_time"].status_code == 302
    posted["void"] = examiner.post(url(app, "exam_admin.void", sitting_id=live,
                                       attempt_id=attempt_id),
                                   data={"reason": payload("void_reason")})
    assert posted["void"].status_code == 302
    posted["revoke"] = admin.post(url(app, "certificates.revoke",
                                      certificate_id=w.certificate["other_candidate"]),
                                  data={"reason": payload("revoke_reason")})
    assert posted["revoke"].status_code == 302

    header = ["ref", "type", "units", "difficulty", "points", "stem", "option_a", "option_b",
              "option_c", "answer", "explanation"]
    good = ["XSS-IMPORT-1", "single", "L4:1.1", "3", "1", payload("import_stem"),
            payload("import_option"), "=SUM(1+1)", "@cmd", "B", payload("import_explanation")]
    bank_name = f"bank_filename {FILE_PAYLOAD}.csv"
    posted["import_dry"] = examiner.post("/bank/import", data={
        "file": (io.BytesIO(_csv([header, good, ["XSS-BAD", "single", "L4:9.9", "x", "-1",
                                                 payload("bad_stem"), "", "", "", "Z", ""]])),
                 bank_name), "dry_run": "y"},
        content_type="multipart/form-data")
    assert posted["import_dry"].status_code in (200, 422)
    posted["import"] = examiner.post("/bank/import", data={
        "file": (io.BytesIO(_csv([header, good])), bank_name)},
        content_type="multipart/form-data")
    assert "1 created" in posted["import"].get_data(as_text=True)
    posted["asset"] = examiner.post("/bank/assets/", data={
        "file": (io.BytesIO(png_bytes((1, 2, 3))), f"asset_filename {FILE_PAYLOAD}.png")},
        content_type="multipart/form-data")
    assert posted["asset"].status_code == 200
    posted["syllabus"] = admin.post("/admin/syllabus/", data={
        "file": (io.BytesIO(("occupation:\n  code: '4-04-05-05'\n  name_en: '"
                             + payload("occupation_name").replace("'", "''") + "'\n"
                             "  name_zh: x\nlevels: []\n").encode()),
                 f"syllabus_filename {FILE_PAYLOAD}.yaml"),
        "dry_run": "y"}, content_type="multipart/form-data")
    posted["enrol_csv"] = admin.post(url(app, "exam_admin.enrol_csv", sitting_id=live), data={
        "file": (io.BytesIO(_csv([["email", "extra_time_pct"], [SHORT + "@x.org", SHORT]])),
                 "enrol.csv")}, content_type="multipart/form-data")
    assert posted["enrol_csv"].status_code == 422
    return posted


def _double_marked(w) -> None:
    """Two examiners disagree on the candidate's script, each with a commented mark: the first
    sees their own comments in the form, the adjudicator sees both."""
    from decimal import Decimal

    from certify.auth.models import User
    from certify.exams.models import Sitting
    from certify.grading import marking

    people = {p: db.session.get(User, w.users[p].id) for p in ("admin", "examiner", "examiner2")}
    marking.set_plan(db.session.get(Sitting, w.sittings["marking"]), double_marking=True,
                     threshold=Decimal(0), actor=people["admin"])
    for examiner, points in (("examiner", 2), ("examiner2", 0)):
        marking.submit_mark(people[examiner], w.script["candidate"], [points],
                            [payload("marker_comment")], payload("marker_overall_comment"))
    db.session.commit()


@pytest.fixture(scope="module")
def world(shared_app):
    w = build_world(payload)
    _double_marked(w)
    w.clients = {p: login(shared_app, u.email) for p, u in w.users.items()
                 if p != "examiner2"}
    w.clients["anonymous"] = shared_app.test_client()
    w.posted = _enter_through_forms(shared_app, w)
    return w


#: GET routes whose URL values are not objects: the values the crawl starts from.
PLAIN_ARGS = {
    "banks.new_item": [{"item_type": t} for t in ("single", "fill_in", "short_answer",
                                                   "practical")],
    "banks.template": [{"fmt": "csv"}, {"fmt": "xlsx"}],
    "static": [],
}
#: The route matrix's personas, and who else this suite crawls as.
AS = {"anonymous": "anonymous", "candidate": "candidate", "other_candidate": "other_candidate",
      "examiner": "examiner", "admin": "admin", "examiner_candidate": "examiner",
      "registered": "candidate"}


def seeds(app, w, persona: str) -> list[str]:
    """Every GET URL of the route matrix the persona may open, with this world's values."""
    urls = []
    role = AS[persona]
    for route in all_routes():
        if route.method != "GET" or role not in route.allowed:
            continue
        if route.key in OBJECTS:
            values = [args_for(route.key, w, persona if persona in w.attempt else "candidate")]
        else:
            values = PLAIN_ARGS.get(route.endpoint, [{}])
        urls += [url(app, route.endpoint, **v) for v in values]
    if persona in w.attempt:
        urls += [url(app, "exams.item", attempt_id=w.attempt[persona], position=n)
                 for n in w.item_positions.values()]
    if persona == "examiner" or persona == "examiner_candidate":
        urls += [url(app, "grading.mark", attempt_item_id=w.script[p])
                 for p in ("candidate", "other_candidate")]
    if persona == "admin":
        urls += [url(app, "grading.admin_attempt", attempt_id=a)
                 for a in (*w.past_attempt.values(), *w.marking_attempt.values())]
        urls += [url(app, "admin.user", user_id=u.id) for u in w.users.values()]
        urls += [url(app, "exam_admin.invigilate_attempt", sitting_id=w.sittings["live"],
                      attempt_id=w.registered_attempt)]
    if persona in ("examiner", "admin"):
        urls += [url(app, "banks.item", item_id=i) for i in w.items.values()]
        urls += [url(app, "banks.preview", item_id=i) for i in w.items.values()]
    for number in w.certificate_numbers.values():
        urls.append(url(app, "certificates.verify", number=number))
    return urls


@pytest.fixture(scope="module")
def crawled(shared_app, world):
    """Every persona's crawl: ``{persona: {url: Page}}``."""
    return {persona: crawl(client, seeds(shared_app, world, persona), limit=350)
            for persona, client in world.clients.items()}


def _problems(page) -> list[str]:
    found = [f"shows {text!r}" for text in NEVER if text in page.text]
    if page.mimetype == "text/html":
        found += executable_markup(page.text)
    elif page.mimetype == "image/svg+xml":
        found += executable_markup(page.text, svg=True)
    elif page.mimetype == "text/csv":
        found += [f"formula cell {c[:40]!r}" for c in formula_cells(csv_rows(page.body))]
    elif page.mimetype.endswith("spreadsheetml.sheet"):
        found += _xlsx_formulas(page.body)
    elif page.mimetype == "application/json":
        pass  # JSON is data; the headers suite checks its Content-Type and nosniff
    return found


def _xlsx_formulas(body: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    return [f"formula cell {sheet.title}!{cell.coordinate}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_no_page_carries_executable_markup(crawled):
    failures = []
    for persona, pages in crawled.items():
        for page in pages.values():
            assert page.status < 500, f"{persona} GET {page.url}: {page.status}"
            for problem in _problems(page):
                failures.append(f"{persona} GET {page.url}: {problem}")
    assert not failures, "\n".join(sorted(set(failures))[:60])


def test_the_responses_to_the_forms_carry_none_either(world):
    failures = []
    for name, response in world.posted.items():
        body = response.get_data(as_text=True)
        for problem in executable_markup(body) + [t for t in NEVER if t in body]:
            failures.append(f"{name}: {problem}")
    assert not failures, "\n".join(failures)


def test_every_payload_field_was_shown_somewhere(crawled, world):
    """The crawl really saw each field (escaped), so the test above covered it."""
    seen = "\n".join(page.text for pages in crawled.values() for page in pages.values()
                     if page.mimetype in ("text/html", "application/json"))
    posted = "\n".join(r.get_data(as_text=True) for r in world.posted.values())
    missing = [field for field in SHOWN if marker(field) not in seen
               and marker(field) not in posted]
    assert not missing, f"never shown: {missing}"
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in seen  # escaped, not dropped
    assert seen.count("&lt;img src=x onerror=alert(1)&gt;") > 50


def test_the_crawl_reached_every_kind_of_page(crawled):
    kinds = {page.mimetype for pages in crawled.values() for page in pages.values()}
    assert {"text/html", "application/json", "text/csv", "application/pdf",
            "image/svg+xml", "image/png"} <= kinds, kinds
    assert sum(len(pages) for pages in crawled.values()) > 300


def test_csv_exports_defuse_formulas_in_names(crawled):
    results = [page for page in crawled["admin"].values()
               if page.url.endswith("results.csv") and page.status == 200]
    assert results, "no results export was crawled"
    cells = [cell for page in results for row in csv_rows(page.body) for cell in row]
    assert any(cell.startswith("'=cmd|") for cell in cells), "names should be in the export"


def test_the_certificate_pdf_draws_the_name_as_text(crawled, world):
    from pypdf import PdfReader

    pdfs = [page for page in crawled["candidate"].values() if page.mimetype == "application/pdf"]
    assert pdfs, "the holder's PDF was not crawled"
    text = PdfReader(io.BytesIO(pdfs[0].body)).pages[0].extract_text()
    assert "onerror" in text.replace("\n", "")


def test_the_detector_sees_what_it_looks_for():
    """Each kind of payload, left unescaped, would be reported."""
    for markup in ('<p><script>alert(1)</script></p>', '<img src=x onerror=alert(1)>',
                   '<a href=" javascript:alert(1)">x</a>', '<svg onload=alert(1)>',
                   '<iframe src="/x"></iframe>', '<img src="https://evil.example/t.png">',
                   '<p style="x">', '<script type="application/json">{"a": </script>',
                   '<a href="data:text/html;base64,xx">'):
        assert executable_markup(markup), markup
    assert not executable_markup('<script src="/static/js/exam.js"></script>'
                                 '<script type="application/json">{"a": "\\u003c"}</script>'
                                 '<img src="/bank/assets/ab" alt="x"><a href="/x?y=1">y</a>')
    assert formula_cells([["=1+1", "-3.5", "'=x", "@a"]]) == ["=1+1", "@a"]
