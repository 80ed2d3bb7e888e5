"""TeX imported from Moodle is typeset by the vendored KaTeX under the app's CSP (no CDN, no inline
script or style), and an imported MP3 is a player (issue 18, point 7)."""

from __future__ import annotations

import base64

import sqlalchemy as sa

from certify.auth.models import Role
from certify.banks.importers import ImportOptions, read_file
from certify.banks.imports import import_items
from certify.banks.models import Item
from certify.db import db
from tests.browser.browser_helpers import wait_for
from tests.conftest import TEST_PASSWORD
from tests.factories import make_syllabus

MP3 = (
    b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\x00" * 16 + b"\xff\xfb\x90\x00" + b"\x00" * 413)
QUIZ = f"""<quiz><question type="truefalse"><name><text>Square</text></name><idnumber>tex-1</idnumber>
<questiontext format="html"><text><![CDATA[<p><a href="@@PLUGINFILE@@/q.mp3">Listen</a></p>
<p>Is \\(x_1^2 = \\frac{{9}}{{1}}\\) when \\(x_1 = 3\\)?</p>]]></text>
<file name="q.mp3" encoding="base64">{base64.b64encode(MP3).decode()}</file></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>""".encode()


def test_tex_is_typeset_and_audio_plays_under_the_csp(app, live_server, page, make_user):
    make_syllabus(4)
    examiner = make_user(Role.EXAMINER, email="tex@example.org")
    import_items(read_file(QUIZ, "quiz.xml", ImportOptions(units=["L4:2.1"])), actor=examiner)
    item_id = db.session.scalar(sa.select(Item.id).where(Item.ref == "tex-1"))
    db.session.commit()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill("tex@example.org")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/bank/items/{item_id}")
    wait_for(page, "document.querySelectorAll('.item-stem .katex').length === 2")
    assert page.locator(".item-stem .katex .mfrac").count() == 1
    assert page.locator(".item-stem audio[controls]").count() == 1
    scripts = page.evaluate("[...document.scripts].map(s => s.src)")
    assert all(src.startswith(live_server.url) for src in scripts)
