"""Configuration precedence and first-run secrets."""

from __future__ import annotations

import json
import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from certify import create_app
from certify.settings import ConfigError, declared_types, from_environment

ROOT = Path(__file__).resolve().parent.parent


def write_instance_config(folder, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.py").write_text(text)


def test_defaults_then_instance_then_environment_then_test_config(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    write_instance_config(instance, 'EXAM_GRACE_SECONDS = 45\nEXAMINING_BODY_EN = "From file"\n'
                                    'PASSWORD_MIN_LENGTH = 12\n')
    monkeypatch.setenv("CERTIFY_EXAMINING_BODY_EN", "From environment")
    monkeypatch.setenv("CERTIFY_PASSWORD_MIN_LENGTH", "14")
    monkeypatch.setenv("CERTIFY_SECRET_KEY", "from-env-secret")
    app = create_app({"INSTANCE_PATH": str(instance), "PASSWORD_MIN_LENGTH": 16})

    assert app.config["MAX_IMAGE_BYTES"] == 5 * 1024 * 1024  # default untouched
    assert app.config["EXAM_GRACE_SECONDS"] == 45  # instance file beats default
    assert app.config["EXAMINING_BODY_EN"] == "From environment"  # environment beats file
    assert app.config["PASSWORD_MIN_LENGTH"] == 16  # test config beats environment
    assert app.config["SECRET_KEY"] == "from-env-secret"


def test_environment_values_take_the_type_of_the_default():
    current = {"PROXY_FIX": False, "EXAM_GRACE_SECONDS": 30, "LANGUAGES": ("en", "zh")}
    env = {"CERTIFY_PROXY_FIX": "true", "CERTIFY_EXAM_GRACE_SECONDS": "90",
           "CERTIFY_LANGUAGES": '["zh"]', "CERTIFY_DATABASE_URL": "postgresql+psycopg://x/y",
           "OTHER": "ignored", "CERTIFY_TEST_DATABASE_URL": "not a setting"}
    assert from_environment(env, current) == {
        "PROXY_FIX": True, "EXAM_GRACE_SECONDS": 90, "LANGUAGES": ("zh",),
        "DATABASE_URL": "postgresql+psycopg://x/y",
    }


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFY_DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/other.sqlite3"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CERTIFY_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance}/certify.sqlite3"


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("CERTIFY_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)})
    second = create_app({"INSTANCE_PATH": str(instance)})
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert first.config["CERTIFICATE_SECRET"] != first.config["SECRET_KEY"]


@pytest.mark.parametrize("value", ["0", "false", "no", "off"])
def test_false_booleans_from_environment(value):
    assert from_environment({"CERTIFY_PROXY_FIX": value}, {"PROXY_FIX": True}) == {
        "PROXY_FIX": False}


# Typed settings (issue 13 §11) ---------------------------------------------------------------------

def test_the_reported_settings_mean_what_they_say(tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFY_GRADING_DOUBLE_MARKING", "false")
    monkeypatch.setenv("CERTIFY_BANK_PAGE_SIZE", "40")
    monkeypatch.setenv("CERTIFY_CERTIFICATE_PREVIOUS_KEY_PATHS", "/keys/2025.pem, /keys/2026.pem")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.config["GRADING_DOUBLE_MARKING"] is False
    assert app.config["BANK_PAGE_SIZE"] == 40
    assert app.config["CERTIFICATE_PREVIOUS_KEY_PATHS"] == ("/keys/2025.pem", "/keys/2026.pem")


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
    ("false", False), ("0", False), ("No", False), (" off ", False)])
def test_booleans_accept_the_usual_words(raw, expected):
    assert from_environment({"CERTIFY_GRADING_DOUBLE_MARKING": raw}, {}) == {
        "GRADING_DOUBLE_MARKING": expected}


def test_lists_are_comma_separated_or_json():
    assert from_environment({"CERTIFY_CERTIFICATE_PREVIOUS_KEY_PATHS": '["/a,b.pem"]'}, {}) == {
        "CERTIFICATE_PREVIOUS_KEY_PATHS": ("/a,b.pem",)}
    assert from_environment({"CERTIFY_CERTIFICATE_PREVIOUS_KEY_PATHS": ""}, {}) == {
        "CERTIFICATE_PREVIOUS_KEY_PATHS": ()}


def test_an_empty_optional_setting_is_none():
    assert from_environment({"CERTIFY_PUBLIC_BASE_URL": ""}, {}) == {"PUBLIC_BASE_URL": None}


@pytest.mark.parametrize(("name", "raw", "says"), [
    ("CERTIFY_GRADING_DOUBLE_MARKING", "maybe", "true or false"),
    ("CERTIFY_BANK_PAGE_SIZE", "twenty", "a whole number from 1 to 500"),
    ("CERTIFY_BANK_PAGE_SIZE", "0", "out of range"),
    ("CERTIFY_EXAM_GRACE_SECONDS", "-5", "out of range"),
    ("CERTIFY_PASSWORD_MIN_LENGTH", "4", "from 8 to 128"),
    ("CERTIFY_GRADING_ADJUDICATION_THRESHOLD", "ten", "a number from 0 to 100"),
    ("CERTIFY_SQLALCHEMY_ENGINE_OPTIONS", "[1]", "a JSON object"),
    ("CERTIFY_BANK_MAX_ROWS", "", "cannot be empty"),
])
def test_a_malformed_value_stops_start_up_naming_the_variable(tmp_path, monkeypatch, name, raw, says):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError) as caught:
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert name in str(caught.value)
    assert says in str(caught.value)


def test_a_value_of_the_wrong_type_in_the_instance_file_stops_start_up(tmp_path):
    instance = tmp_path / "instance"
    write_instance_config(instance, 'GRADING_DOUBLE_MARKING = "false"\nBANK_PAGE_SIZE = 25.5\n')
    with pytest.raises(ConfigError, match="BANK_PAGE_SIZE") as caught:
        create_app({"INSTANCE_PATH": str(instance)})
    assert "config.py" in str(caught.value)
    write_instance_config(instance, 'GRADING_DOUBLE_MARKING = "false"\n')
    assert create_app({"INSTANCE_PATH": str(instance)}).config["GRADING_DOUBLE_MARKING"] is False


#: Settings certify reads that Flask or an extension declares (they keep those defaults).
FRAMEWORK_KEYS = {"SQLALCHEMY_DATABASE_URI", "TESTING", "DEBUG", "SERVER_NAME", "WTF_CSRF_ENABLED"}
READS = [
    re.compile(r"""config(?:\.get\(|\[|\.setdefault\()\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""\b(?:limit|_limit|setting)\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""\bconfig\.([A-Z][A-Z0-9_]+)\b"""),
]


def _keys_read() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in [*(ROOT / "certify").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path.name in ("config.py", "settings.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in READS:
            for match in pattern.finditer(text):
                found.setdefault(match.group(1), str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_declared_with_a_type():
    declared = declared_types()
    read = _keys_read()
    assert {"GRADING_DOUBLE_MARKING", "BANK_PAGE_SIZE", "CERTIFICATE_PREVIOUS_KEY_PATHS",
            "BANK_MAX_ROWS", "MAX_AUDIO_BYTES", "EXAM_GRACE_SECONDS"} <= set(read)
    missing = {key: where for key, where in read.items()
               if key not in declared and key not in FRAMEWORK_KEYS}
    assert not missing, f"read but not declared in certify/config.py: {missing}"


def test_no_package_sets_a_default_of_its_own():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "certify").rglob("*.py")
                 if "config.setdefault(" in path.read_text(encoding="utf-8")]
    assert offenders == []


def _as_text(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, timedelta):
        return str(value.total_seconds())
    if isinstance(value, dict | list | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return "" if value is None else str(value)


def test_every_declared_setting_round_trips_through_the_environment():
    from certify import config as defaults

    for name in declared_types():
        default = getattr(defaults, name)
        got = from_environment({f"CERTIFY_{name}": _as_text(default)}, {})[name]
        assert got == default and type(got) is type(default), name
