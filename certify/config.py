"""Default configuration.

Precedence, lowest first: these defaults, then ``instance/config.py``, then ``CERTIFY_*`` environment
variables (``CERTIFY_DATABASE_URL`` sets ``DATABASE_URL``), then the ``test_config`` mapping given to
:func:`certify.create_app`.

Every setting certify reads has its default here, and its type: the annotation, or else the type of
the default. :mod:`certify.settings` converts environment values to that type (booleans accept
true/false/1/0/yes/no/on/off; lists are comma-separated or a JSON list; ``Between`` bounds a number;
an empty value gives ``None`` where ``None`` is allowed) and checks the values of the other sources;
a value that does not fit stops start-up with a message naming the variable. A package never sets
a default of its own (``app.config.setdefault``): add the setting here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated


@dataclass(frozen=True)
class Between:
    """Bounds of a number setting (``Annotated[int, Between(1, 500)]``), both included."""

    low: float | None = None
    high: float | None = None


#: SQLAlchemy URL. ``None`` means SQLite at ``instance/certify.sqlite3``. For PostgreSQL use
#: ``postgresql+psycopg://user:password@host:5432/dbname`` (psycopg 3).
DATABASE_URL: str | None = None

#: Signs sessions and CSRF tokens. ``None`` means: read ``instance/secret_key``, generating it on
#: first run. Set it explicitly (same value on every worker) when the instance folder is not shared.
SECRET_KEY: str | None = None

#: Key of the certificates' verification codes (HMAC-SHA256). ``None``: ``instance/certificate_secret``,
#: generated on first run. Changing it invalidates every verification code already printed.
CERTIFICATE_SECRET: str | None = None

#: Flask-Limiter storage. ``memory://`` is per process; with several gunicorn workers use Redis, e.g.
#: ``redis://127.0.0.1:6379/0``, so that every worker counts the same attempts.
RATELIMIT_STORAGE_URI: str = "memory://"
RATELIMIT_ENABLED = True
RATELIMIT_HEADERS_ENABLED = True
#: Login attempts: per client address and per e-mail address typed.
LOGIN_RATE_LIMIT_PER_IP = "20 per minute; 200 per hour"
LOGIN_RATE_LIMIT_PER_ACCOUNT = "5 per minute; 30 per hour"

#: CSRF tokens must outlive the longest exam: a token that expires mid-exam would refuse a save.
#: Exams run at most a few hours, so 24 hours leaves room for extra time and long days.
WTF_CSRF_TIME_LIMIT: Annotated[int, Between(60)] | None = 24 * 3600
#: Also check CSRF on JSON requests (the autosave endpoint sends the token in X-CSRFToken).
WTF_CSRF_SSL_STRICT = True

#: How long a login session lasts at most (server-side session record and cookie).
PERMANENT_SESSION_LIFETIME = timedelta(hours=14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE: str | None = "Lax"
#: ``False`` still marks the cookie Secure whenever the request came over HTTPS (see PROXY_FIX).
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "certify_session"
#: Trust one proxy's X-Forwarded-For/-Proto/-Host (gunicorn behind nginx). Off when served directly.
PROXY_FIX = False

#: Languages shipped. The first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh")
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

#: Largest request body accepted (bank imports, images). Uploaded images have their own limit.
MAX_CONTENT_LENGTH: Annotated[int, Between(1024)] = 16 * 1024 * 1024
MAX_IMAGE_BYTES: Annotated[int, Between(1)] = 5 * 1024 * 1024
MAX_IMAGE_PIXELS: Annotated[int, Between(1)] = 40_000_000

#: Seconds after an attempt's deadline during which in-flight saves are still accepted.
EXAM_GRACE_SECONDS: Annotated[int, Between(0, 600)] = 30

#: Name of the examining body printed on certificates and pages.
EXAMINING_BODY_EN = "certify Vocational Skill Assessment Centre"
EXAMINING_BODY_ZH = "certify 职业技能等级认定中心"
#: Public base URL used in certificates' QR codes, e.g. ``https://certify.example.org``.
#: ``None`` means: the URL of the current request.
PUBLIC_BASE_URL: str | None = None

#: werkzeug password hash method. scrypt is the strong default; tests use a cheap one for speed.
PASSWORD_HASH_METHOD = "scrypt"

#: Minimum password length for new passwords.
PASSWORD_MIN_LENGTH: Annotated[int, Between(8, 128)] = 10

#: Content-Security-Policy sent with every page. No inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
SQLALCHEMY_RECORD_QUERIES = False

#: Where Flask-Babel finds the catalogs, relative to the package.
BABEL_TRANSLATION_DIRECTORIES = "translations"

# Question banks ---------------------------------------------------------------------------------
#: Largest audio clip accepted for a practical task.
MAX_AUDIO_BYTES: Annotated[int, Between(1)] = 10 * 1024 * 1024
#: Largest bank file (CSV, XLSX, XML, JSON, zip) accepted.
BANK_MAX_FILE_BYTES: Annotated[int, Between(1)] = 10 * 1024 * 1024
#: Most rows in one CSV/XLSX file.
BANK_MAX_ROWS: Annotated[int, Between(1)] = 5000
#: What an XLSX or a zipped task folder may expand to, checked before the archive is opened.
BANK_MAX_UNCOMPRESSED_BYTES: Annotated[int, Between(1)] = 100 * 1024 * 1024
BANK_MAX_ZIP_ENTRIES: Annotated[int, Between(1)] = 5000
#: Items per page in the bank list.
BANK_PAGE_SIZE: Annotated[int, Between(1, 500)] = 25

# Grading ----------------------------------------------------------------------------------------
#: Whether a sitting without a marking plan of its own is double-marked.
GRADING_DOUBLE_MARKING = False
#: With double marking, a third examiner adjudicates when the two totals differ by more than this
#: percentage of the item's rubric points; otherwise the final mark is their mean.
GRADING_ADJUDICATION_THRESHOLD: Annotated[float, Between(0, 100)] = 10.0
#: How long a passed component counts towards its level while the candidate retakes the others.
GRADING_COMPONENT_PASS_YEARS: Annotated[int, Between(0, 50)] = 2

# Certificates -----------------------------------------------------------------------------------
#: PNG/JPEG printed at the top; ``None``: the neutral logo shipped in ``static/img``.
CERTIFICATE_LOGO_PATH: str | None = None
#: The examining body's seal and the signatory's signature (PNG with transparency); ``None`` leaves
#: them out.
CERTIFICATE_SEAL_PATH: str | None = None
CERTIFICATE_SIGNATURE_PATH: str | None = None
#: Printed above the examining body's name, e.g. ``张伟`` and ``主任 Director``.
CERTIFICATE_SIGNATORY_NAME = ""
CERTIFICATE_SIGNATORY_TITLE = ""
#: Verification requests per client address (page, form and JSON together).
CERTIFICATE_VERIFY_RATE_LIMIT = "30 per minute"
#: The Ed25519 key (PKCS #8 PEM) that signs Open Badges credentials; ``None``:
#: ``instance/certificate_signing_key.pem``, created on first use.
CERTIFICATE_SIGNING_KEY_PATH: str | None = None
#: PEM files of earlier signing keys whose public halves stay published at ``/.well-known/jwks.json``
#: after a rotation (environment: comma-separated paths, or a JSON list).
CERTIFICATE_PREVIOUS_KEY_PATHS: tuple[str, ...] = ()
#: Contact address in the credentials' issuer profile (optional).
CERTIFICATE_ISSUER_EMAIL: str | None = None
