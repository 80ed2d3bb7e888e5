"""What every certificate looks like: page, colours, font names, titles, and where things go."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape

STATIC = Path(__file__).resolve().parents[2] / "static"
#: The embedded font (see certify/static/fonts/LICENSE-WenQuanYiMicroHei.txt).
CJK_FONT_PATH = STATIC / "fonts" / "WenQuanYiMicroHei-certify.ttf"
#: The logo used when the branding names none.
DEFAULT_LOGO = STATIC / "img" / "certificate-logo.png"
#: Demo images; a real examining body configures its own seal and signature.
SAMPLE_SEAL = STATIC / "img" / "certificate-seal-sample.png"
SAMPLE_SIGNATURE = STATIC / "img" / "certificate-signature-sample.png"

#: reportlab font names.
CJK = "CertifyCJK"
#: The same face for the text every certificate of a branding shows (titles, labels, names of
#: the body and signatory): its subset is the same in every document, so it is built once.
CJK_STATIC = "CertifyCJKStatic"
CID = "STSong-Light"
#: The standard (not embedded) fonts, registered under names of their own (:class:`_StandardFont`).
SERIF = "CertifyTimes-Roman"
SERIF_BOLD = "CertifyTimes-Bold"
SERIF_ITALIC = "CertifyTimes-Italic"
SANS = "CertifyHelvetica"
MONO = "CertifyCourier-Bold"
STANDARD_FACES = {SERIF: "Times-Roman", SERIF_BOLD: "Times-Bold", SERIF_ITALIC: "Times-Italic",
                   SANS: "Helvetica", MONO: "Courier-Bold"}
STANDARD_FONTS = frozenset(STANDARD_FACES)
WIDE_FONTS = frozenset({CJK, CJK_STATIC, CID})

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CENTRE_X = PAGE_WIDTH / 2

NAVY = HexColor("#1F3A5F")
GOLD = HexColor("#B08434")
INK = HexColor("#1E2430")
MUTED = HexColor("#5B6472")
PAPER = HexColor("#FCFAF4")
RULE = HexColor("#D8CFBC")
GUILLOCHE = HexColor("#2F6F73")
GUILLOCHE_GOLD = HexColor("#C9A45C")
WATERMARK = HexColor("#E4ECE8")

TITLE_ZH = "职业技能等级证书"
TITLE_EN = "VOCATIONAL SKILL LEVEL CERTIFICATE"


# Layout of the details table: label column x, value column x, baselines of the three rows.
LEFT_X, RIGHT_X, VALUE_DX = 96.0, 470.0, 94.0
ROWS = (250.0, 222.0, 194.0)
LEFT_LABELS = (("职业（工种）", "Occupation"), ("职业编码", "Occupation code"),
                ("技能等级", "Level"))
RIGHT_LABELS = (("证书编号", "Certificate No."), ("发证日期", "Date of issue"),
                 ("有效期至", "Valid until"))
QR_X, QR_Y, QR_SIZE = 74.0, 64.0, 82.0
SIGN_X = PAGE_WIDTH - 215.0
TITLE_RULE_Y, NAME_RULE_Y = 406.0, 339.0
