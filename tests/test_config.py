"""Configuration precedence and first-run secrets."""

from __future__ import annotations

import stat

import pytest

from certify import create_app
from certify.settings import from_environment


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
        "PROXY_FIX": True, "EXAM_GRACE_SECONDS": 90, "LANGUAGES": ["zh"],
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
