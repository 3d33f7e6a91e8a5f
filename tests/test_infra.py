"""infra/: the compose file, the images and the env examples name only settings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
SETTINGS = (ROOT / "records_dms" / "settings" / "__init__.py").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
DMS_NAME = re.compile(r"\bDMS_[A-Z0-9_]+\b")


def compose() -> dict:
    data: dict = yaml.safe_load((INFRA / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_compose_has_every_engine_and_the_app():
    services = compose()["services"]
    assert {"postgres", "redis", "elasticsearch", "minio", "minio-init", "web", "worker"} <= set(
        services
    )
    assert services["worker"]["command"] == ["dms", "worker"]
    assert "--no-worker" in services["web"]["command"]
    assert "--with-lock" in services["minio-init"]["command"][0]
    assert services["elasticsearch"]["build"]["context"] == "elasticsearch"


def test_every_dms_variable_in_compose_and_env_examples_exists_in_settings_and_readme():
    names: set[str] = set()
    for name, service in compose()["services"].items():
        env = _environment(service)
        names |= {key for key in env if key.startswith("DMS_")}
        if name in {"web", "worker"}:
            assert env["DMS_TASKS"] == "rq" and env["DMS_STORAGE"] == "s3"
            assert env["DMS_SEARCH_BACKEND"] == "elasticsearch"
            assert env["DMS_DATABASE_URL"].startswith("postgres://")
    for example in (INFRA / "env").glob("*.example"):
        names |= set(DMS_NAME.findall(example.read_text(encoding="utf-8")))
    assert len(names) > 10
    missing_in_settings = sorted(n for n in names if f'"{n}"' not in SETTINGS)
    missing_in_readme = sorted(n for n in names if f"`{n}`" not in README)
    assert missing_in_settings == []
    assert missing_in_readme == []


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    read = set(re.findall(r'os\.environ\.get\(\s*"(DMS_[A-Z0-9_]+)"', SETTINGS))
    read |= set(re.findall(r'env_(?:bool|list)\(\s*"(DMS_[A-Z0-9_]+)"', SETTINGS))
    assert sorted(n for n in read if f"`{n}`" not in README) == []


def test_app_image_has_chinese_and_english_ocr_and_elasticsearch_has_smartcn():
    app = (INFRA / "Dockerfile").read_text(encoding="utf-8")
    assert "tesseract-ocr-chi-sim" in app and "tesseract-ocr-eng" in app
    assert re.search(r"^FROM python:3\.11", app, re.MULTILINE)
    search = (INFRA / "elasticsearch" / "Dockerfile").read_text(encoding="utf-8")
    assert "elasticsearch-plugin install --batch analysis-smartcn" in search


def test_what_compose_requires_is_in_the_env_example():
    """Every `${NAME:?…}` compose insists on, and every env_file it reads, has its example."""
    text = (INFRA / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    example = (INFRA / "env" / "scaleout.env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z0-9_]+)=", example, re.MULTILINE))
    assert required and sorted(required - defined) == []
    for service in compose()["services"].values():
        env_file = service.get("env_file")
        for name in [env_file] if isinstance(env_file, str) else env_file or []:
            assert (INFRA / f"{name}.example").exists(), name
