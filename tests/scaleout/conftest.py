"""S3 for the scale-out tests: moto's server over HTTP on loopback, or a real store.

With DMS_S3_ENDPOINT set (real S3 or MinIO, credentials from the usual AWS_* variables) the
same tests run against it; each test gets a new bucket created with Object Lock.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest


@dataclass(frozen=True)
class S3Target:
    endpoint: str
    bucket: str
    region: str
    client: Any

    def env(self, lock_mode: str = "GOVERNANCE", min_days: int = 30) -> dict[str, str]:
        """The DMS_* variables that put a deployment on this bucket."""
        return {
            "DMS_STORAGE": "s3",
            "DMS_S3_BUCKET": self.bucket,
            "DMS_S3_ENDPOINT": self.endpoint,
            "DMS_S3_REGION": self.region,
            "DMS_S3_LOCK_MODE": lock_mode,
            "DMS_S3_MIN_LOCK_DAYS": str(min_days),
            **{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
        }

    def storages(self) -> dict[str, Any]:
        return {
            "default": {
                "BACKEND": "records_dms.archive.storage.ArchiveS3Storage",
                "OPTIONS": {
                    "bucket_name": self.bucket,
                    "endpoint_url": self.endpoint,
                    "region_name": self.region,
                    "file_overwrite": False,
                    "default_acl": None,
                    "addressing_style": "path",
                },
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }

    def versions(self, key: str) -> list[dict[str, Any]]:
        listing = self.client.list_object_versions(Bucket=self.bucket, Prefix=key)
        return [v for v in listing.get("Versions", []) if v["Key"] == key]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """DMS_S3_ENDPOINT when set, else a moto server started here on 127.0.0.1."""
    endpoint = os.environ.get("DMS_S3_ENDPOINT")
    if endpoint:
        yield endpoint
        return
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> S3Target:
    """A new bucket with Object Lock (this test's own storage stays as it was)."""
    import boto3

    region = os.environ.get("DMS_S3_REGION", "us-east-1")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=region)
    bucket = f"dms-test-{uuid.uuid4().hex[:16]}"
    create: dict[str, Any] = {"Bucket": bucket, "ObjectLockEnabledForBucket": True}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**create)
    return S3Target(endpoint=s3_endpoint, bucket=bucket, region=region, client=client)


@pytest.fixture
def s3(s3_bucket: S3Target, settings: Any) -> S3Target:
    """A new bucket with Object Lock, and this test's default storage on it."""
    target = s3_bucket
    settings.STORAGES = target.storages()
    settings.STORAGE = replace(
        settings.STORAGE, kind="s3", s3_lock_mode="GOVERNANCE", s3_min_lock_days=30
    )
    return target
