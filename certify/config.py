"""Default configuration.

Precedence, lowest first: these defaults, then ``instance/config.py``, then ``CERTIFY_*`` environment
variables (``CERTIFY_DATABASE_URL`` sets ``DATABASE_URL``), then the ``test_config`` mapping given to
:func:`certify.create_app`. Values from the environment are converted to the type of the default
(bool, int, float); unknown keys are taken as strings.
"""

from __future__ import annotations

from datetime import timedelta

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
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_ENABLED = True
RATELIMIT_HEADERS_ENABLED = True
#: Login attempts: per client address and per e-mail address typed.
LOGIN_RATE_LIMIT_PER_IP = "20 per minute; 200 per hour"
LOGIN_RATE_LIMIT_PER_ACCOUNT = "5 per minute; 30 per hour"

#: CSRF tokens must outlive the longest exam: a token that expires mid-exam would refuse a save.
#: Exams run at most a few hours, so 24 hours leaves room for extra time and long days.
WTF_CSRF_TIME_LIMIT = 24 * 3600
#: Also check CSRF on JSON requests (the autosave endpoint sends the token in X-CSRFToken).
WTF_CSRF_SSL_STRICT = True

#: How long a login session lasts at most (server-side session record and cookie).
PERMANENT_SESSION_LIFETIME = timedelta(hours=14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
#: ``False`` still marks the cookie Secure whenever the request came over HTTPS (see PROXY_FIX).
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "certify_session"
#: Trust one proxy's X-Forwarded-For/-Proto/-Host (gunicorn behind nginx). Off when served directly.
PROXY_FIX = False

#: Languages shipped. The first is the default.
LANGUAGES = ("en", "zh")
BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

#: Largest request body accepted (bank imports, images). Uploaded images have their own limit.
MAX_CONTENT_LENGTH = 16 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000

#: Seconds after an attempt's deadline during which in-flight saves are still accepted.
EXAM_GRACE_SECONDS = 30

#: Name of the examining body printed on certificates and pages.
EXAMINING_BODY_EN = "certify Vocational Skill Assessment Centre"
EXAMINING_BODY_ZH = "certify 职业技能等级认定中心"
#: Public base URL used in certificates' QR codes, e.g. ``https://certify.example.org``.
#: ``None`` means: the URL of the current request.
PUBLIC_BASE_URL: str | None = None

#: werkzeug password hash method. scrypt is the strong default; tests use a cheap one for speed.
PASSWORD_HASH_METHOD = "scrypt"

#: Minimum password length for new passwords.
PASSWORD_MIN_LENGTH = 10

#: Content-Security-Policy sent with every page. No inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
SQLALCHEMY_RECORD_QUERIES = False
