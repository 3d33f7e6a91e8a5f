"""The Elasticsearch backend's TLS trust and credentials come from the environment only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.SEARCH_BACKENDS['default'], default=str))"
)


def backend_settings(data_dir: Path, **env: str) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    environment.update({"DMS_DATA_DIR": str(data_dir), "DMS_SEARCH_BACKEND": "elasticsearch"})
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "records_dms", "manage", "shell", "-c", SHOW],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    shown: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return shown


def test_tls_and_credentials_are_read_from_the_environment(tmp_path: Path) -> None:
    shown = backend_settings(
        tmp_path,
        DMS_ELASTICSEARCH_URL="https://es.internal:9200",
        DMS_ELASTICSEARCH_CA_CERTS="/etc/dms/http_ca.crt",
        DMS_ELASTICSEARCH_API_KEY="a2V5OnNlY3JldA==",
    )
    assert shown["URL"] == "https://es.internal:9200"
    assert shown["CA_CERTS"] == "/etc/dms/http_ca.crt"
    assert shown["API_KEY"] == "a2V5OnNlY3JldA=="
    assert shown["USERNAME"] is None and shown["PASSWORD"] is None
    basic = backend_settings(
        tmp_path, DMS_ELASTICSEARCH_USERNAME="dms", DMS_ELASTICSEARCH_PASSWORD="s3cret"
    )
    assert (basic["USERNAME"], basic["PASSWORD"], basic["API_KEY"]) == ("dms", "s3cret", None)
