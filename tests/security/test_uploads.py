"""Every upload route, attacked through HTTP: each hostile file is refused with a message that names
the problem, and nothing is imported or stored — no row in any table, no file in the asset folder.

The routes (every ``FileField`` in the app): the bank import (CSV, XLSX, Moodle XML, Label Studio and
COCO JSON with their images or a zip of them, a Label Studio labeling config, CoNLL; zipped practical
task folders; dry run and real), the practical
task form (records, gold and media files), the asset library, a sitting's enrolment CSV and the
syllabus YAML (dry run and real). The attacks: (a) files over the request limit or the route's own
limit, (b) zip bombs, an XLSX whose sheet claims a false size, XML entity bombs and a decompression
bomb image, (c) spreadsheet formulas (kept as text, never run), (d) text that is not UTF-8: invalid
bytes, UTF-16 without a byte-order mark, binary junk, (e) files that claim to be images but are not,
SVG with script and polyglots, (f) wrong extensions and types. How each importer reads its format in
depth is tested in tests/banks; here the point is the route-level contract an attacker meets.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from flask.testing import FlaskClient
from PIL import Image

from certify.auth.models import Role, User
from certify.banks.assets import asset_dir
from certify.banks.models import Asset, Item
from certify.db import db
from tests.banks.bankfiles import VALID_ROWS, csv_bytes, row, xlsx_bytes
from tests.factories import make_exam, make_sitting, make_syllabus
from tests.helpers import TEST_PASSWORD, AuthActions

# -- files ------------------------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
RECORDS = '{"id": "r1", "image": "images/r1.png", "width": 20, "height": 10}\n'
GOLD = '{"id": "r1", "boxes": [[1, 1, 5, 4, "car"]]}\n'


def image(size: tuple[int, int] = (20, 10), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


def png(size: tuple[int, int] = (20, 10), tail: bytes = b"") -> bytes:
    return image(size) + tail


def png_bomb(side: int = 8000) -> bytes:
    """A valid black-and-white PNG of ``side``² pixels, a few KB on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress((b"\0" * (1 + side // 8)) * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def zipped(files: dict[str, bytes | str], bomb: str | None = None, size: int = 0) -> bytes:
    """A zip of ``files``, plus ``bomb``: an entry of ``size`` bytes that deflate to almost nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        if bomb:
            with archive.open(bomb, "w") as entry:
                block = b"<row/>" * (1 << 18)
                for start in range(0, size, len(block)):
                    entry.write(block[:size - start])
    return buffer.getvalue()


def xlsx_parts(sheet: bytes | None = None) -> dict[str, bytes]:
    """The parts of a valid bank workbook; its sheet replaced by ``sheet``, or left out."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(VALID_ROWS[:1]))) as workbook:
        parts = {n: workbook.read(n) for n in workbook.namelist() if n != SHEET}
    return parts if sheet is None else {**parts, SHEET: sheet}


def lying_sizes(data: bytes, name: str, claimed: int) -> bytes:
    """``data`` (a zip) with the central directory claiming that ``name`` expands to ``claimed``."""
    start = data.index(b"PK\x01\x02")
    while True:
        length = struct.unpack("<H", data[start + 28:start + 30])[0]
        if data[start + 46:start + 46 + length] == name.encode():
            return data[:start + 24] + struct.pack("<I", claimed) + data[start + 28:]
        start = data.index(b"PK\x01\x02", start + 4)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "lollollollollol">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10)
                     for i in range(8))
          + b"]><ROOT><x>&i;</x></ROOT>")
XXE = b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><ROOT>&x;</ROOT>'


def task_folder(picture: bytes, *, broken_second: bool = False) -> bytes:
    """A zipped bounding-box task whose one record shows ``picture``; optionally a broken second."""
    task = {"ref": "Z-box-001", "type": "practical", "task_type": "bbox", "title": "Boxes",
            "units": ["L4:2.1"], "difficulty": 2, "points": 100, "time_limit_minutes": 10,
            "instructions": "Box every car.", "config": {"labels": ["car"]}}
    files: dict[str, bytes | str] = {
        "A/task.yaml": yaml.safe_dump(task), "A/records.jsonl": RECORDS, "A/gold.jsonl": GOLD,
        "A/images/r1.png": picture}
    if broken_second:
        files["B/task.yaml"] = "ref: ["
    return zipped(files)


#: A Label Studio export of one box on an uploaded image ``r1.png``.
LABEL_STUDIO = json.dumps([{"id": 1, "data": {"image": "/data/upload/1/r1.png"}, "annotations": [
    {"result": [{"type": "rectanglelabels", "original_width": 20, "original_height": 10,
                 "value": {"x": 10, "y": 10, "width": 20, "height": 20,
                           "rectanglelabels": ["car"]}}]}]}]).encode()


def moodle(picture: bytes, *, broken: bool = False) -> bytes:
    """A Moodle true/false question with ``picture`` embedded; optionally a broken question after
    it (a true/false with no answer at 100 %: a real error, which refuses the whole file)."""
    picture = base64.b64encode(picture).decode()
    extra = ('<question type="truefalse"><name><text>Broken</text></name><questiontext><text>?'
             '</text></questiontext><answer fraction="50"><text>true</text></answer></question>'
             if broken else "")
    return (f'<quiz><question type="truefalse"><name><text>Look</text></name>'
            f'<questiontext format="html"><text><![CDATA[<p>True? <img src="@@PLUGINFILE@@/a.png">'
            f']]></text><file name="a.png" encoding="base64">{picture}</file></questiontext>'
            f'<answer fraction="100"><text>true</text></answer>'
            f'<answer fraction="0"><text>false</text></answer>'
            f'<tags><tag><text>unit:L4:2.1</text></tag></tags></question>{extra}</quiz>').encode()


UTF16 = "ref,type\nT-1,single\n".encode("utf-16-le")  # no byte-order mark
JUNK = bytes(range(256)) * 4
CP1252 = "ref,stem\nT-1,Quelle métrique mesure le chevauchement ?\n".encode("cp1252")

# -- the routes -------------------------------------------------------------------------------------

PRACTICAL = {"ref": "F-task", "units": ["L4:2.1"], "difficulty": "2", "points": "100",
             "language": "en", "task_type": "bbox", "title": "Box the cars", "instructions": "Box",
             "labels": "car", "time_limit_minutes": "15"}


def _file(content: bytes | str, name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content.encode() if isinstance(content, str) else content), name


@dataclass(frozen=True)
class Upload:
    """One upload route: its URL, who may use it, its file field and what else the form needs."""

    url: Callable[[SimpleNamespace], str]
    persona: str
    field: str
    form: Callable[[], dict[str, Any]] = dict

    def post(self, site: SimpleNamespace, name: str, content: bytes, **extra: Any) -> Any:
        data = {**self.form(), self.field: _file(content, name), **extra}
        response = site.clients[self.persona].post(self.url(site), data=data,
                                                   content_type="multipart/form-data")
        # The test client spools a large body to a temporary file that it never closes.
        response.request.environ["wsgi.input"].close()
        return response


BANK = "/bank/import"
UPLOADS = {
    "bank import": Upload(lambda s: BANK, "examiner", "file", lambda: {"units": ["L4:2.1"]}),
    "bank import, dry run": Upload(lambda s: BANK, "examiner", "file",
                                   lambda: {"units": ["L4:2.1"], "dry_run": "y"}),
    "task form, records": Upload(lambda s: "/bank/items/new/practical", "examiner", "records",
                                 lambda: {**PRACTICAL, "gold": _file(GOLD, "gold.jsonl")}),
    "task form, media": Upload(lambda s: "/bank/items/new/practical", "examiner", "media",
                               lambda: {**PRACTICAL, "records": _file(RECORDS, "records.jsonl"),
                                        "gold": _file(GOLD, "gold.jsonl")}),
    "asset library": Upload(lambda s: "/bank/assets/", "examiner", "file"),
    "enrolment CSV": Upload(lambda s: f"/admin/sittings/{s.sitting_id}/enrol-csv", "admin", "file"),
    "syllabus": Upload(lambda s: "/admin/syllabus/", "admin", "file"),
    "syllabus, dry run": Upload(lambda s: "/admin/syllabus/", "admin", "file",
                                lambda: {"dry_run": "y"}),
}
#: For files the importers read as media of a JSON file, not as the uploaded file itself.
LABEL_STUDIO_MEDIA = Upload(lambda s: BANK, "examiner", "media",
                            lambda: {"units": ["L4:2.1"], "file": _file(LABEL_STUDIO, "ls.json")})
#: The labeling config uploaded with a Label Studio export (bank import, field label_config).
LABEL_CONFIG = Upload(lambda s: BANK, "examiner", "label_config",
                      lambda: {"units": ["L4:2.1"], "file": _file(LABEL_STUDIO, "ls.json")})
UPLOADS["bank import, labeling config"] = LABEL_CONFIG


@pytest.fixture
def make_site(app_factory):
    """``make_site(**config)``: an app with level 4, a sitting, a candidate, and an examiner's and
    an administrator's logged-in clients; its app context stays pushed for the test."""
    contexts = []

    def make(**config: Any) -> SimpleNamespace:
        app = app_factory(**config)
        context = app.app_context()
        context.push()
        contexts.append(context)
        level = make_syllabus(4)
        people = {"examiner": Role.EXAMINER, "admin": Role.ADMIN, "ann": Role.CANDIDATE}
        for key, role in people.items():
            user = User(name=key.title(), email=f"{key}@example.org",
                        candidate_id="110105194912310021" if role == Role.CANDIDATE else None)
            user.set_password(TEST_PASSWORD)
            user.set_roles({role})
            db.session.add(user)
        db.session.commit()
        clients: dict[str, FlaskClient] = {}
        for key in ("examiner", "admin"):
            clients[key] = app.test_client()
            assert AuthActions(clients[key]).login(f"{key}@example.org").status_code == 302
        return SimpleNamespace(app=app, clients=clients,
                               sitting_id=make_sitting(make_exam(level)).id)

    yield make
    for context in reversed(contexts):
        context.pop()


@pytest.fixture
def site(make_site) -> SimpleNamespace:
    return make_site()


# -- what the attacker sees, and what must not change -----------------------------------------------

class _Messages(HTMLParser):
    """The text of a page's messages: alerts, field errors, problem tables, the error page."""

    CLASSES = ("alert", "field-errors", "report-problems", "error-page")
    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            classes = dict(attrs).get("class") or ""
            self.open.append(any(c in classes for c in self.CLASSES))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if any(self.open):
            self.text.append(data)


def shown(response: Any) -> str:
    """What the page says about the upload, as a person reads it."""
    parser = _Messages()
    parser.feed(response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(" ".join(parser.text))).strip()


def stored() -> tuple:
    """Rows per table and the files of the asset folder."""
    counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
              for t in db.metadata.sorted_tables}
    folder = asset_dir()
    return counts, sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def refused(site: SimpleNamespace, upload: Upload, name: str, content: bytes, *messages: str,
            status: tuple[int, ...] = (200, 422), **extra: Any) -> str:
    """Post the file; the page must say every one of ``messages`` and nothing may be stored."""
    before = stored()
    response = upload.post(site, name, content, **extra)
    said = shown(response)
    assert response.status_code in status, f"{response.status_code}: {said[:300]}"
    for message in messages:
        assert message in said, f"{message!r} not in: {said[:600]!r}"
    db.session.expire_all()
    assert stored() == before, "a refused upload stored something"
    return said


# -- (a) too large ----------------------------------------------------------------------------------

@pytest.mark.parametrize("route", list(UPLOADS))
def test_a_file_over_the_request_limit_is_refused_before_anything_reads_it(make_site, route):
    site = make_site(MAX_CONTENT_LENGTH=64 * 1024)
    refused(site, UPLOADS[route], "big.csv", b"ref,type\n" + b"x" * 100_000, "The upload is too large.",
            status=(413,))


#: Over the image limit (5 MB); the size is checked before the content.
BIG_IMAGE = png() + b"\0" * (6 * 1024 * 1024)


@pytest.mark.parametrize(("route", "name", "content", "message"), [
    ("bank import", "big.csv", b"x" * (11 * 1024 * 1024),
     "big.csv is 11.0 MB; bank files may be at most 10 MB"),
    ("bank import, dry run", "rows.csv", csv_bytes([row(ref=f"T-{n:03d}") for n in range(6)]),
     "rows.csv has 6 rows; at most 5 are accepted per file"),
    ("asset library", "big.png", BIG_IMAGE, "big.png is 6.0 MB; images may be at most 5.0 MB."),
    ("task form, media", "r1.png", BIG_IMAGE, "r1.png is 6.0 MB; images may be at most 5.0 MB."),
    ("label studio media", "r1.png", BIG_IMAGE, "r1.png is 6.0 MB; images may be at most 5.0 MB."),
    ("enrolment CSV", "many.csv", b"email\n" + b"ann@example.org\n" * 5001,
     "The file has 5001 rows; at most 5000 at once."),
    ("enrolment CSV", "wide.csv", b"email\n" + b"a" * 140_000 + b"@example.org\n",
     "The file is not valid CSV: field larger than field limit (131072)."),
], ids=["bank-file-size", "bank-rows", "asset-size", "task-media-size", "label-studio-media-size",
        "enrolment-rows", "enrolment-field-size"])
def test_a_file_over_the_routes_own_limit_is_refused_with_the_limit(make_site, route, name, content,
                                                                   message):
    site = make_site(BANK_MAX_ROWS=5)
    upload = LABEL_STUDIO_MEDIA if route == "label studio media" else UPLOADS[route]
    refused(site, upload, name, content, message)


# -- (b) bombs --------------------------------------------------------------------------------------

#: 120 MB of XML in a workbook of about 120 KB (the default limit is 100 MB).
XLSX_BOMB = zipped({"xl/workbook.xml": "<workbook/>"}, bomb=SHEET, size=120 * 1024 * 1024)


@pytest.mark.parametrize("route", ["bank import", "bank import, dry run"])
@pytest.mark.parametrize(("name", "content", "message"), [
    ("bomb.xlsx", XLSX_BOMB, "bomb.xlsx would expand to 120 MB; at most 100 MB are accepted (a zip "
                             "bomb is refused before it is opened)"),
    ("bomb.zip", zipped({"t/task.yaml": "ref: x"}, bomb="t/records.jsonl", size=120 * 1024 * 1024),
     "bomb.zip would expand to 120 MB"),
    ("liar.xlsx", lying_sizes(zipped(xlsx_parts(), bomb=SHEET, size=8 * 1024 * 1024), SHEET, 4096),
     "liar.xlsx cannot be read as an XLSX workbook"),
    ("laughs.xlsx", zipped(xlsx_parts(LAUGHS.replace(b"ROOT", b"worksheet"))),
     "laughs.xlsx cannot be read as an XLSX workbook"),
    ("laughs.xml", LAUGHS.replace(b"ROOT", b"quiz"), "laughs.xml declares a DOCTYPE or entities"),
    ("xxe.xml", XXE.replace(b"ROOT", b"quiz"), "xxe.xml declares a DOCTYPE or entities"),
], ids=["xlsx-bomb", "task-zip-bomb", "xlsx-lying-size", "xlsx-entities", "moodle-entities",
        "moodle-xxe"])
def test_bombs_are_refused_by_the_bank_import(site, route, name, content, message):
    assert len(content) < 400_000
    said = refused(site, UPLOADS[route], name, content, message)
    assert "root:" not in said  # the XXE read no file


def test_a_zip_with_too_many_entries_is_refused(make_site):
    many = zipped({f"t/images/{n}.png": b"" for n in range(30)} | {"t/task.yaml": "ref: x"})
    refused(make_site(BANK_MAX_ZIP_ENTRIES=20), UPLOADS["bank import"], "many.zip", many,
            "many.zip holds 31 files; at most 20 are accepted")


@pytest.mark.parametrize("route", ["asset library", "task form, media"])
def test_a_decompression_bomb_image_is_refused_before_it_is_decoded(site, route):
    bomb = png_bomb()
    assert len(bomb) < 20_000
    refused(site, UPLOADS[route], "r1.png", bomb,
            "has 64000000 pixels (8000 × 8000); at most 40000000 are accepted.")


@pytest.mark.parametrize("route", ["asset library", "task form, media"])
def test_an_image_too_big_for_pillow_to_open_says_so(site, route):
    # 20,000² pixels: past twice Pillow's own limit, where it refuses to open the file at all.
    refused(site, UPLOADS[route], "r1.png", png_bomb(20_000),
            "r1.png has more than 40000000 pixels; at most 40000000 are accepted.")


#: Nine aliases of nine aliases … of nine values: 9⁹ values (billions of characters when quoted).
ALIASES = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize(("route", "name", "content", "extra"), [
    ("syllabus", "bomb.yaml", ALIASES + "occupation: {code: *i}\nlevels: [{number: *i}]\n", {}),
    ("bank import", "task.zip", zipped({"t/task.yaml": ALIASES + "ref: T-001\ndifficulty: *i\n",
                                        "t/records.jsonl": ""}), {}),
    ("task form, records", "records.jsonl", RECORDS, {"config_yaml": ALIASES + "x: *i"}),
], ids=["syllabus", "task-yaml", "task-form-settings"])
def test_a_yaml_alias_bomb_is_refused_before_anything_expands_it(site, route, name, content, extra):
    data = content.encode() if isinstance(content, str) else content
    refused(site, UPLOADS[route], name, data, "aliases (*name) are not accepted", **extra)


# -- (c) formulas -----------------------------------------------------------------------------------

FORMULAS = {"stem": "=1+1", "option_a": '=HYPERLINK("http://evil.example/","Click")',
            "option_b": "=cmd|' /C calc'!A0", "option_c": "@SUM(A1:A9)", "option_d": "+1-1"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_imported_as_the_text_they_are(site, fmt):
    cells = dict(FORMULAS, answer="B")
    content = xlsx_bytes([row(**cells)], formulas={(2, k): v for k, v in cells.items()
                                                   if k in FORMULAS}) \
        if fmt == "xlsx" else csv_bytes([row(**cells)])
    response = UPLOADS["bank import"].post(site, f"formulas.{fmt}", content)
    assert "The file is imported: 1 created" in shown(response), shown(response)
    version = db.session.scalars(sa.select(Item)).one().head
    assert version.stem == "=1+1"
    assert [o["text"] for o in version.content["options"]] == [
        FORMULAS[f"option_{k}"] for k in "abcd"]


def test_a_formula_where_a_number_belongs_is_refused_not_evaluated(site):
    content = xlsx_bytes([row()], formulas={(2, "difficulty"): "=1+1", (2, "points"): "=SUM(1,1)"})
    said = refused(site, UPLOADS["bank import"], "sums.xlsx", content, "2 problems: nothing was "
                   "imported")
    assert "=1+1" in said and "=SUM(1,1)" in said


def test_a_formula_in_an_enrolment_csv_is_a_value_that_matches_nobody(site):
    refused(site, UPLOADS["enrolment CSV"], "e.csv", b"email\n=cmd|' /C calc'!A0\n",
            "Row 2, column email: no active candidate has the address “=cmd|' /C calc'!A0”.")


# -- (d) text that is not UTF-8 ---------------------------------------------------------------------

NOT_UTF8 = {"invalid bytes": CP1252, "utf-16 without BOM": UTF16, "binary junk": JUNK}


@pytest.mark.parametrize("kind", list(NOT_UTF8))
@pytest.mark.parametrize(("route", "name", "messages"), [
    ("bank import", "bank.csv", {"invalid bytes": 'bank.csv is not UTF-8 (it looks like',
                                 "utf-16 without BOM": 'bank.csv is saved as UTF-16 ("Unicode text")',
                                 "binary junk": "bank.csv is not UTF-8: the byte at position 0"}),
    ("bank import, dry run", "tags.conll", "tags.conll is not UTF-8 text"),
    ("bank import", "export.json", {"invalid bytes": "export.json is not UTF-8 text",
                                    "utf-16 without BOM": "export.json is not valid JSON",
                                    "binary junk": "export.json is not UTF-8 text"}),
    ("task form, records", "records.jsonl", {"invalid bytes": "is not UTF-8 text",
                                             "utf-16 without BOM": "is not valid JSON",
                                             "binary junk": "is not UTF-8 text"}),
    ("enrolment CSV", "e.csv", "The file is not UTF-8 text (save it as “CSV UTF-8”)."),
    ("syllabus", "s.yaml", "The file is not valid YAML"),
])
def test_text_that_is_not_utf8_is_refused_with_what_to_do(site, route, name, messages, kind):
    message = messages[kind] if isinstance(messages, dict) else messages
    refused(site, UPLOADS[route], name, NOT_UTF8[kind], message)


# -- (e) files that claim to be images --------------------------------------------------------------

UNREADABLE = "is not a readable image (PNG, JPEG, GIF or WebP): its content does not decode as one."
FAKE_IMAGES = {
    "html": (b"<html><script>alert(1)</script></html>", UNREADABLE),
    "gif-js-polyglot": (b"GIF89a/*\x00\x00*/=alert(1)//", UNREADABLE),
    "svg-script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                   "is an SVG drawing; SVG can contain script"),
    "svg-after-bom": (b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg onload="alert(1)"/>',
                      "is an SVG drawing"),
    "truncated-png": (png((200, 200))[:300], UNREADABLE),
    "bmp": (image((4, 4), "BMP"), "is a BMP image; upload PNG, JPEG, GIF or WebP."),
    "exe": (b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00", UNREADABLE),
}


@pytest.mark.parametrize("kind", list(FAKE_IMAGES))
@pytest.mark.parametrize("route", ["asset library", "task form, media", "label studio media"])
def test_a_file_that_only_claims_to_be_an_image_is_refused(site, route, kind):
    upload = LABEL_STUDIO_MEDIA if route == "label studio media" else UPLOADS[route]
    content, message = FAKE_IMAGES[kind]
    refused(site, upload, "r1.png", content, "r1.png " + message)


@pytest.mark.parametrize(("route", "name", "content"), [
    ("bank import", "task.zip", task_folder(FAKE_IMAGES["svg-script"][0])),
])
def test_a_fake_image_inside_an_imported_file_is_refused(site, route, name, content):
    refused(site, UPLOADS[route], name, content, "is an SVG drawing")


@pytest.mark.parametrize("kind", ["html", "gif-js-polyglot", "exe"])
def test_a_fake_image_inside_a_moodle_file_is_left_out_never_stored(site, kind):
    """Moodle checks no embedded file, so real exports carry broken ones: the question imports
    without it (the page says which file and why), and the file is stored nowhere."""
    response = UPLOADS["bank import"].post(site, "quiz.xml", moodle(FAKE_IMAGES[kind][0]))
    said = shown(response)
    assert "a.png is not a readable image" in said and "It was left out" in said, said[:600]
    assert "The file is imported: 1 created" in said
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Asset)) == 0
    assert not [p for p in asset_dir().rglob("*") if p.is_file()] if asset_dir().exists() else True


def test_an_image_with_html_appended_is_stored_but_only_ever_served_as_an_image(site):
    polyglot = png(tail=b"<html><script>alert(document.cookie)</script></html>")
    response = UPLOADS["asset library"].post(site, "poly.html", polyglot)
    assert "The file is stored." in shown(response)
    sha = re.search(r"asset:([0-9a-f]{64})", response.get_data(as_text=True)).group(1)
    with site.clients["examiner"].get(f"/bank/assets/{sha}") as served:
        assert served.data == polyglot
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served.headers["Content-Security-Policy"]
        assert served.headers["Content-Disposition"] == f'inline; filename="{sha}.png"'  # no .html


# -- (f) wrong extensions and types -----------------------------------------------------------------

BANK_TYPES = "Upload CSV, XLSX, Moodle XML, Label Studio or COCO JSON, CoNLL, or a zipped task folder."


@pytest.mark.parametrize(("route", "name", "content", "message"), [
    ("bank import", "payload.exe", b"MZ\x90\x00", BANK_TYPES),
    ("bank import", "bank.csv.php", csv_bytes(VALID_ROWS), BANK_TYPES),
    ("bank import", "old.xls", b"\xd0\xcf\x11\xe0", BANK_TYPES),
    ("bank import", "page.html", b"<script>alert(1)</script>", BANK_TYPES),
    ("bank import", "text.xlsx", csv_bytes(VALID_ROWS), "text.xlsx is not a valid zip/XLSX file"),
    ("bank import", "sheet.csv", xlsx_bytes(VALID_ROWS), "sheet.csv is "),
    ("bank import", "empty.xlsx", zipped({"readme.txt": "hello"}),
     "empty.xlsx is a zip but not an XLSX workbook"),
    ("bank import, dry run", "empty.zip", zipped({"readme.txt": "hello"}),
     "empty.zip holds no task.yaml"),
    ("bank import", "other.json", b'{"questions": []}', "other.json is not a Label Studio JSON "
                                                         "export"),
    ("bank import", "page.xml", b"<html><body>x</body></html>",
     "page.xml is XML but not a Moodle quiz export (<quiz>)"),
    ("task form, records", "records.exe", RECORDS.encode(), "Upload a .jsonl file."),
    ("enrolment CSV", "people.xlsx", xlsx_bytes(VALID_ROWS), "Upload a .csv file."),
    ("enrolment CSV", "people.exe", b"email\nann@example.org\n", "Upload a .csv file."),
    ("syllabus", "syllabus.json", b'{"occupation": {}}', "Upload a .yaml file."),
    ("syllabus, dry run", "syllabus.yaml.exe", b"occupation: {}", "Upload a .yaml file."),
    ("syllabus", "list.yaml", b"- just\n- a list\n", "The file must have an 'occupation' section"),
    ("asset library", "data.png", csv_bytes(VALID_ROWS), "data.png is not a readable image"),
    ("asset library", "", b"", "This field is required."),
])
def test_a_file_of_the_wrong_type_is_refused_by_name_or_by_content(site, route, name, content,
                                                                   message):
    refused(site, UPLOADS[route], name, content, message)


def test_a_file_name_is_only_a_label_never_a_path(site):
    response = UPLOADS["asset library"].post(site, "../../../../tmp/evil\x00.png", png())
    assert "The file is stored." in shown(response)
    assert db.session.scalars(sa.select(Asset.filename)).one() == "evil.png"
    for path in asset_dir().rglob("*"):
        assert path.is_dir() or re.fullmatch(r"[0-9a-f]{64}", path.name), path


# -- everything or nothing --------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content"), [
    ("two.zip", task_folder(png(), broken_second=True)),
    ("quiz.xml", moodle(png(), broken=True)),
], ids=["task-zip-with-a-broken-task", "moodle-with-a-broken-question"])
def test_a_refused_import_keeps_none_of_the_images_its_good_parts_brought(site, name, content):
    refused(site, UPLOADS["bank import"], name, content, "problem: nothing was imported")


def test_a_task_refused_for_a_missing_asset_is_not_saved_anyway(site):
    missing = "asset:" + "0" * 64
    refused(site, UPLOADS["task form, media"], "r1.png", png(), "The item was not saved:",
            f"asset:{'0' * 12}… is not in the bank", explanation=f"See ![diagram]({missing})")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("config.xml", LAUGHS, "config.xml is not a readable labeling config"),
    ("config.xml", XXE, "config.xml is not a readable labeling config"),
    ("config.xml", b"<View><Choices", "config.xml is not a readable labeling config"),
    ("config.xml", b"<View><Text name='t' value='$text'/></View>", "has no control tag"),
    ("config.exe", b"<View/>", "Upload the labeling config as .xml."),
])
def test_a_hostile_labeling_config_is_refused_and_nothing_is_stored(site, name, content, message):
    refused(site, LABEL_CONFIG, name, content, message)


def test_a_zip_of_images_uploaded_with_coco_is_checked_for_bombs(make_site):
    many = zipped({f"images/r{n}.png": png() for n in range(30)})
    site = make_site(BANK_MAX_ZIP_ENTRIES=20)
    coco = json.dumps({"images": [], "annotations": [], "categories": []}).encode()
    refused(site, Upload(lambda s: BANK, "examiner", "media",
                         lambda: {"units": ["L4:2.1"], "file": _file(coco, "coco.json")}),
            "images.zip", many, "images.zip holds 30 files")
