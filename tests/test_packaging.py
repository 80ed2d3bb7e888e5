"""What an install ships: every folder of static files and translations, with no setuptools warning."""

from __future__ import annotations

import warnings
from pathlib import Path

from setuptools import Distribution
from setuptools.config.setupcfg import read_configuration

ROOT = Path(__file__).resolve().parent.parent


def _packages() -> set[str]:
    dist = Distribution()
    options = read_configuration(ROOT / "setup.cfg")["options"]
    dist.parse_config_files([str(ROOT / "setup.cfg")])
    assert options["include_package_data"] is True
    return set(dist.packages or [])


def test_every_folder_of_package_data_is_a_listed_package() -> None:
    # setuptools warns "Package would be ignored" (six blocks on `make run`) for each data folder
    # that is not a listed package, and plans to stop shipping such folders.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        packages = _packages()
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for tree in ("certify/static", "certify/translations")
        for path in (ROOT / tree).rglob("*") if path.is_file() and "__pycache__" not in path.parts
    }
    assert folders, "no static files found"
    assert folders <= packages, f"not listed as packages: {sorted(folders - packages)}"
    assert "certify.exams" in packages and "certify" in packages


def test_the_source_distribution_carries_what_the_checkout_reads() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text()
    for folder in ("templates", "migrations", "question_banks"):
        assert f"graft {folder}" in manifest
