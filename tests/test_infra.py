"""infra/: the compose file, the images and the env examples name only settings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from records_dms.settings.env import load, variables
from records_dms.settings.groups import GROUPS

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
README = (ROOT / "README.md").read_text(encoding="utf-8")
DMS_NAME = re.compile(r"\bDMS_[A-Z0-9_]+\b")
DECLARED = {v.name for _title, group in GROUPS.values() for v in variables(group)}


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
    missing_in_settings = sorted(names - DECLARED)
    missing_in_readme = sorted(n for n in names if f"`{n}`" not in README)
    assert missing_in_settings == []
    assert missing_in_readme == []


def _example(name: str) -> dict[str, str]:
    text = (INFRA / "env" / name).read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z0-9_]+)=(.*)$", text, re.MULTILINE))


def test_the_embedded_example_shows_the_defaults():
    """embedded.env.example says it shows the defaults: loading it changes nothing."""
    example = _example("embedded.env.example")
    assert set(example) <= DECLARED
    for _title, group in GROUPS.values():
        assert load(group, example) == load(group, {}), group.__name__


def test_compose_and_the_scaleout_example_give_valid_values():
    """What the web app and the workers start with reads without an error."""
    example = _example("scaleout.env.example")

    def interpolate(value: str) -> str:
        def one(match: re.Match[str]) -> str:
            return example.get(match[1]) or (match[3] if match[2] == ":-" else "")

        return re.sub(r"\$\{([A-Z0-9_]+)(:[-?])?([^}]*)\}", one, value)

    for name in ("web", "worker"):
        environ = {**example}
        environ |= {k: interpolate(v) for k, v in _environment(compose()["services"][name]).items()}
        for _title, group in GROUPS.values():
            load(group, environ)  # raises ImproperlyConfigured on a bad value
        assert load(GROUPS["STORAGE"][1], environ).s3_lock_mode == "GOVERNANCE"


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
