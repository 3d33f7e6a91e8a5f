"""Settings from the environment, production hardening and startup checks."""

import os
import subprocess
import sys
from pathlib import Path

MANAGE = [sys.executable, "-m", "records_dms", "manage"]


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    environment.update({"DMS_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [*MANAGE, *args], env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def test_deploy_check_is_clean_with_debug_off_and_real_hosts(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DMS_DEBUG="0",
        DMS_ALLOWED_HOSTS="archive.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_when_debug_is_on(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DMS_DEBUG="1",
        DMS_ALLOWED_HOSTS="archive.example.com",
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr + result.stdout


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    shell = ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = run(shell, tmp_path).stdout.strip().splitlines()[-1]
    second = run(shell, tmp_path).stdout.strip().splitlines()[-1]
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    from_env = run(shell, tmp_path, DMS_SECRET_KEY="k" * 60).stdout.strip().splitlines()[-1]
    assert from_env == "k" * 60


def test_two_data_dirs_do_not_share_a_database(tmp_path):
    shell = [
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
    ]
    first = run(shell, tmp_path / "a").stdout.strip().splitlines()[-1]
    second = run(shell, tmp_path / "b").stdout.strip().splitlines()[-1]
    assert first.startswith(str(tmp_path / "a")) and second.startswith(str(tmp_path / "b"))


def test_startup_check_names_a_missing_tesseract(tmp_path):
    result = run(["check"], tmp_path, DMS_TESSERACT_CMD="/nonexistent/tesseract")
    assert result.returncode != 0
    assert "records_dms.E001" in result.stderr
    assert "apt-get install tesseract-ocr" in result.stderr


def test_startup_check_names_missing_language_data(tmp_path):
    result = run(["check"], tmp_path, DMS_OCR_LANGS="chi_sim+eng+xyz")
    assert result.returncode != 0
    assert "records_dms.E002" in result.stderr
    assert "xyz" in result.stderr


def test_startup_check_passes_with_chinese_and_english_installed(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_bad_value_stops_the_program_naming_variable_and_value(tmp_path):
    result = run(["check"], tmp_path, DMS_MAX_PAGES="ten")
    assert result.returncode != 0
    assert "DMS_MAX_PAGES must be a whole number, got 'ten'" in result.stderr


def test_a_removed_alias_is_refused_with_the_name_to_use(tmp_path):
    result = run(["check"], tmp_path, DMS_OCR_LANGUAGES="chi_sim+eng+xyz")
    assert result.returncode != 0
    assert "DMS_OCR_LANGUAGES is no longer read; set DMS_OCR_LANGS instead" in result.stderr
    result = run(["check"], tmp_path, DMS_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    assert "DMS_TASKS_BACKEND is no longer read" in result.stderr
