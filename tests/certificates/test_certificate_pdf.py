"""The certificate PDF: its text, metadata, QR code, fonts for any script, and its fast paths."""

from __future__ import annotations

import dataclasses
import functools
import io
import random
import string
import unicodedata
from datetime import date

import numpy as np
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from certify.certificates.pdf import (
    CID,
    CJK,
    SERIF,
    SERIF_BOLD,
    Branding,
    qr_modules,
    render_certificate,
    split_runs,
)
from certify.certificates.pdf import branding as branding_form
from certify.certificates.pdf import page as page_module
from certify.certificates.verification import format_code
from tests.certificates.certificate_helpers import (
    ARTIFACTS,
    BRANDING,
    HOLDER,
    NUMBER,
    make_data,
    render_png,
    require,
)


@functools.cache
def sample_pdf() -> bytes:
    """Render the sample certificate once for the tests that only read it."""
    return render_certificate(make_data(), BRANDING)


def page_text(document: bytes) -> str:
    """Return the text pypdf extracts from the first page."""
    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


def test_text_has_number_level_chinese_name_and_the_rest():
    text = page_text(sample_pdf())
    data = make_data()
    for expected in (NUMBER, HOLDER, "Level 3 — Senior", "三级", "高级工", "4-04-05-05",
                     "人工智能训练师", "Artificial Intelligence Trainer", "职业技能等级证书",
                     "VOCATIONAL SKILL LEVEL CERTIFICATE", "1101**********002X",
                     "2026年6月30日", "30 June 2026", "29 June 2028",
                     format_code(data.verification_code), data.verification_url,
                     "人工智能训练师职业技能等级评价中心", "张伟"):
        assert expected in text, expected
    assert "11010519491231002X" not in text  # only the masked candidate ID is printed


def test_one_a4_landscape_page_with_metadata():
    reader = PdfReader(io.BytesIO(sample_pdf()))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    info = reader.metadata
    assert NUMBER in info.title and "职业技能等级证书" in info.title
    assert "人工智能训练师职业技能等级评价中心" in info.author
    assert "4-04-05-05" in info.subject and HOLDER in info.subject
    assert info.creator == "certify"
    assert NUMBER in info["/Keywords"] and "4-04-05-05" in info["/Keywords"]


def test_the_cjk_font_is_embedded_as_a_subset():
    reader = PdfReader(io.BytesIO(sample_pdf()))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    subsets = [name for name in names if "WenQuanYiMicroHei" in name]
    assert subsets and all(name[7] == "+" for name in subsets)  # ABCDEF+Name: a subset
    assert len(sample_pdf()) < 400_000  # not the 3.6 MB font


def test_qr_payload_is_the_verification_url(tmp_path):
    try:
        import zxingcpp
    except ImportError:
        zxingcpp = None
    require(zxingcpp is not None, "zxing-cpp (a test dependency) is not installed")
    from PIL import Image

    data = make_data()
    png = render_png(sample_pdf(), tmp_path / "certificate.png", dpi=150)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "certificate-sample.png").write_bytes(png.read_bytes())
    results = zxingcpp.read_barcodes(Image.open(png))
    qr = [r for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert [r.text for r in qr] == [data.verification_url]
    assert qr[0].ec_level == "M"


@pytest.mark.parametrize("name", ["Łukasz Żółć-Brzęczyszczykiewicz", "Nguyễn Văn An",
                                  "Иван Петров", "李Wei Zhang", "阿卜杜·热合曼"])
def test_names_in_other_scripts_render_as_text(name):
    text = page_text(render_certificate(make_data(holder_name=name), BRANDING))
    assert name in text


def test_rare_ideograph_falls_back_to_the_cid_font():
    document = render_certificate(make_data(holder_name="王㐀明"), BRANDING)
    fonts = PdfReader(io.BytesIO(document)).pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert "/STSong-Light" in names or "/STSong-Light-UniGB-UCS2-H" in names


def test_long_names_and_no_expiry_still_fit():
    data = make_data(holder_name="Maximiliano Alejandro de la Santísima Trinidad " * 3,
                     expires_on=None)
    text = page_text(render_certificate(data, BRANDING))
    assert "长期有效" in text and "No expiry" in text


def test_images_are_embedded_once_each_and_are_optional():
    with_images = sample_pdf()
    assert with_images.count(b"/Subtype /Image") == 6  # logo, seal, signature and their masks
    plain = render_certificate(make_data(), dataclasses.replace(
        BRANDING, logo_path=None, seal_path=None, signature_path=None))
    assert plain.count(b"/Subtype /Image") == 0
    assert NUMBER in page_text(plain)


def test_level_outside_one_to_five_is_refused():
    with pytest.raises(ValueError):
        render_certificate(make_data(level=6), BRANDING)


def test_replayed_branding_text_is_byte_identical_to_drawing_it(monkeypatch):
    """The branding text is drawn once per branding and replayed; the result must not differ."""
    monkeypatch.setattr(page_module, "Canvas", functools.partial(Canvas, invariant=1))
    branding = dataclasses.replace(BRANDING, body_name_en="Replay Test Centre")
    outputs = []
    for name in ("王小明", "Zoë Ørsted", "王小明"):
        branding_form._RECORDINGS.pop(branding, None)
        drawn = render_certificate(make_data(holder_name=name), branding)
        replayed = render_certificate(make_data(holder_name=name), branding)
        assert replayed == drawn
        outputs.append(drawn)
    assert outputs[0] == outputs[2] != outputs[1]


# --------------------------------------------------------------------------- runs of fonts

@pytest.mark.parametrize(("text", "runs"), [
    ("欧阳娜娜", ((CJK, "欧阳娜娜"),)),
    ("Zoë O'Brien", ((SERIF, "Zoë O'Brien"),)),
    ("Wei 李", ((SERIF, "Wei "), (CJK, "李"))),
    ("李Wei", ((CJK, "李Wei"),)),  # one word, one face
    ("Łukasz Nowak", ((CJK, "Łukasz "), (SERIF, "Nowak"))),
    ("王㐀明", ((CJK, "王"), (CID, "㐀"), (CJK, "明"))),
    ("张\U00020000", ((CJK, "张\U00020000"),)),  # no font has Extension B: a visible box
    ("e\u0301te", ((SERIF, "éte"),)),  # NFC first
    ("", ()),
])
def test_split_runs_picks_a_font_per_word_then_per_character(text, runs):
    assert split_runs(text) == runs


def test_split_runs_single_sets_a_mixed_name_in_one_face():
    assert split_runs("Wei 李", (SERIF_BOLD, CJK, CID), single=True) == ((CJK, "Wei 李"),)
    assert split_runs("Anna Smith", (SERIF_BOLD, CJK, CID), single=True) == \
        ((SERIF_BOLD, "Anna Smith"),)


def test_split_runs_concatenate_to_the_text():
    rng = random.Random(5)
    alphabet = "abcÅéŁżИя李王娜㐀·  \u0301-'" + string.digits
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        runs = split_runs(text)
        assert "".join(chunk for _font, chunk in runs) == unicodedata.normalize("NFC", text)
        assert all(chunk for _font, chunk in runs)


# --------------------------------------------------------------------------- QR code

@pytest.mark.parametrize("length", [1, 20, 82, 150, 400])
def test_qr_modules_decode_back_to_the_text(length):
    rng = random.Random(length)
    text = "".join(rng.choice(string.ascii_letters + "/:?=.-") for _ in range(length))
    modules = np.array(qr_modules(text), dtype=bool)
    assert modules.shape[0] == modules.shape[1] and modules.shape[0] % 4 == 1  # 21, 25, … modules
    image = np.pad(np.where(modules, 0, 255).astype(np.uint8), 4, constant_values=255)
    image = np.kron(image, np.ones((4, 4), dtype=np.uint8))  # four pixels a module
    decoded = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert decoded is not None and decoded.text == text
    assert decoded.ec_level == "M"


def test_bench_data_renders_distinct_documents():
    documents = {render_certificate(make_data(number=f"AIT-L4-2026-{i:06d}", level=4,
                                              holder_name=name), BRANDING)
                 for i, name in enumerate(("赵敏", "钱学森", "孙悟空"), start=1)}
    assert len(documents) == 3


def test_branding_without_signatory_and_with_long_body_names():
    branding = Branding(body_name_en="An Extraordinarily Long Name of an Examining Body " * 3,
                        body_name_zh="人工智能训练师职业技能等级评价中心" * 3)
    text = page_text(render_certificate(make_data(issued_on=date(2027, 1, 5)), branding))
    assert "2027年1月5日" in text


def _embedded_subsets(document: bytes) -> dict[str, int]:
    """Return the embedded WenQuanYi subsets of a PDF: base font name → number of codes."""
    fonts = PdfReader(io.BytesIO(document)).pages[0]["/Resources"]["/Font"]
    return {str(font["/BaseFont"]): int(font["/LastChar"]) + 1
            for font in (f.get_object() for f in fonts.values())
            if "WenQuanYiMicroHei" in str(font["/BaseFont"])}


def test_static_text_shares_one_subset_and_the_name_gets_a_small_one():
    first = _embedded_subsets(render_certificate(make_data(holder_name="赵敏"), BRANDING))
    second = _embedded_subsets(render_certificate(make_data(holder_name="钱学森"), BRANDING))
    shared = set(first) & set(second)
    assert len(first) == len(second) == 2 and len(shared) == 1  # titles and labels: same font
    (static,) = shared
    assert first[static] > 45  # every glyph of the titles, labels and body name
    per_document = [count for name, count in (*first.items(), *second.items()) if name != static]
    # The name, level and dates only: no ASCII block (reportlab's default would add 96 codes).
    assert all(count < 50 for count in per_document)
