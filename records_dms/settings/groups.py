"""Every ``DMS_*`` environment variable, declared once: its group, default and meaning.

Each group is a frozen dataclass that ``records_dms.settings`` loads into one Django setting
(``settings.INGESTION.max_pages``). Tests change one with ``dataclasses.replace``:
``settings.INGESTION = replace(settings.INGESTION, max_pages=3)``. README's configuration tables
are these declarations (tests/test_configuration.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured

from records_dms.settings.env import var


@dataclass(frozen=True)
class Site:
    """The Django project: where data lives, the database, hosts, language, mail, logging."""

    data_dir: Path = var(
        "DMS_DATA_DIR",
        Path("var"),
        "everything the embedded size writes: SQLite database (WAL), `media/` (originals), "
        "`static/`, the generated secret key, demo logins",
        shown="`./var`",
    )
    database_url: str = var(
        "DMS_DATABASE_URL",
        "",
        "e.g. `postgres://user:pass@host/db` at scale",
        shown="SQLite in the data dir",
    )
    secret_key: str = var(
        "DMS_SECRET_KEY",
        "",
        "Django's secret key",
        shown="generated once into `$DMS_DATA_DIR/secret_key` (0600)",
    )
    debug: bool = var("DMS_DEBUG", False, "debug mode")
    allowed_hosts: tuple[str, ...] = var(
        "DMS_ALLOWED_HOSTS", ("127.0.0.1", "localhost"), "comma-separated host names"
    )
    base_url: str = var("DMS_BASE_URL", "http://127.0.0.1:8000", "the public URL (links in emails)")
    language: Literal["zh-hans", "en"] = var(
        "DMS_LANGUAGE", "zh-hans", "default UI language (`zh-hans` or `en`)"
    )
    time_zone: str = var("DMS_TIME_ZONE", "Asia/Shanghai", "local time zone")
    email_backend: str = var(
        "DMS_EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend",
        "Django email backend",
        shown="console",
    )
    email_from: str = var("DMS_EMAIL_FROM", "records-dms@localhost", "sender of overdue notices")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = var(
        "DMS_LOG_LEVEL", "INFO", "log level"
    )


@dataclass(frozen=True)
class Security:
    """HTTPS, sessions and sign-in throttling."""

    https: bool | None = var(
        "DMS_HTTPS",
        None,
        "SSL redirect, secure cookies, HSTS",
        shown="on unless every allowed host is loopback (or debug is on)",
    )
    hsts_seconds: int = var(
        "DMS_HSTS_SECONDS", 365 * 24 * 3600, "HSTS max-age when HTTPS is on", minimum=0
    )
    behind_proxy: bool = var(
        "DMS_BEHIND_PROXY", False, "trust `X-Forwarded-Proto: https` from a reverse proxy"
    )
    session_hours: float = var(
        "DMS_SESSION_HOURS",
        8.0,
        "a session ends after this long without a request (and when the browser closes)",
        minimum=0,
    )
    login_max_failures: int = var(
        "DMS_LOGIN_MAX_FAILURES",
        5,
        "failed sign-ins of one user name before it is locked",
        minimum=1,
    )
    login_lockout_minutes: int = var(
        "DMS_LOGIN_LOCKOUT_MINUTES", 15, "how long failures count and the lock lasts", minimum=0
    )
    login_max_failures_per_address: int = var(
        "DMS_LOGIN_MAX_FAILURES_PER_ADDRESS",
        20,
        "failed sign-ins from one address (over every user name) before the address is refused "
        "for `DMS_LOGIN_LOCKOUT_MINUTES`",
        minimum=1,
    )


@dataclass(frozen=True)
class Ingestion:
    """Bounds on what one file may make the parsers do, and OCR."""

    max_upload_mb: int = var("DMS_MAX_UPLOAD_MB", 200, "largest file accepted", minimum=1)
    max_pages: int = var(
        "DMS_MAX_PAGES", 2000, "most pages (or image frames) accepted in one file", minimum=1
    )
    max_image_pixels: int = var(
        "DMS_MAX_IMAGE_PIXELS",
        89478485,  # Pillow's own
        "largest image (and PDF page raster for OCR) in pixels",
        minimum=1,
    )
    max_page_points: float = var(
        "DMS_MAX_PAGE_POINTS",
        14400.0,  # 200 inches, PDF's own limit
        "largest PDF page side in points (200 inches)",
        minimum=1,
    )
    max_email_header_kb: int = var(
        "DMS_MAX_EMAIL_HEADER_KB", 256, "largest email header block", minimum=1
    )
    max_email_parts: int = var(
        "DMS_MAX_EMAIL_PARTS", 1000, "most MIME parts walked in one email", minimum=1
    )
    max_attachments: int = var(
        "DMS_MAX_ATTACHMENTS", 100, "most attachments in one email", minimum=0
    )
    # Emails attached to emails are filed as records this many levels deep; deeper ones stay
    # inside their parent's original.
    max_email_depth: int = var(
        "DMS_MAX_EMAIL_DEPTH",
        5,
        "levels of emails attached to emails filed as records",
        minimum=0,
    )
    ocr_workers: int = var(
        "DMS_OCR_WORKERS",
        0,
        "Tesseract processes running at once (`0`: one per core)",
        shown="number of cores",
        minimum=0,
    )
    ocr_timeout: float = var(
        "DMS_OCR_TIMEOUT",
        600.0,
        "seconds one page's OCR (or rasterising) may take before the file is refused",
        minimum=0,
    )
    ocr_languages: str = var("DMS_OCR_LANGS", "chi_sim+eng", "Tesseract languages")
    tesseract_cmd: str = var("DMS_TESSERACT_CMD", "tesseract", "the Tesseract program")

    page_image_drawers: int = var(
        "DMS_PAGE_IMAGE_DRAWERS",
        2,
        "page images (thumbnails, viewer) drawn at once by one web process; a request that "
        "finds them all busy for 10 s is answered 503 with Retry-After",
        minimum=1,
    )
    page_image_seconds: int = var(
        "DMS_PAGE_IMAGE_SECONDS",
        30,
        "seconds of processor time drawing one page image may take before it is refused",
        minimum=1,
    )
    max_inflate_mb: int = var(
        "DMS_MAX_INFLATE_MB",
        256,
        "a PDF stream, image (frame or chunk) or email part that decompresses beyond this is "
        "refused as a decompression bomb; reading a file may take a few times this much memory",
        minimum=1,
    )


@dataclass(frozen=True)
class Storage:
    """Where originals and renditions are kept: the data dir, or S3 with Object Lock."""

    kind: Literal["local", "s3"] = var(
        "DMS_STORAGE",
        "local",
        "originals and renditions: `local` (`$DMS_DATA_DIR/media`) or `s3`",
    )
    s3_bucket: str = var(
        "DMS_S3_BUCKET",
        "records-dms",
        "the bucket (created with Object Lock, which turns on versioning)",
    )
    s3_endpoint: str | None = var(
        "DMS_S3_ENDPOINT",
        None,
        "endpoint URL of an S3-compatible store (MinIO: `http://minio:9000`)",
        shown="AWS",
    )
    s3_region: str | None = var(
        "DMS_S3_REGION", None, "the bucket's region", shown="boto3's default"
    )
    s3_addressing_style: Literal["path", "virtual"] = var(
        "DMS_S3_ADDRESSING_STYLE", "path", "`path` or `virtual` bucket addressing"
    )
    s3_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = var(
        "DMS_S3_LOCK_MODE",
        "GOVERNANCE",
        "Object Lock mode of originals: `GOVERNANCE` (an approved destruction may bypass it) "
        "or `COMPLIANCE` (nobody can delete before the date)",
    )
    s3_min_lock_days: int = var(
        "DMS_S3_MIN_LOCK_DAYS",
        365,
        "days an original is locked when written, before its record has a due date "
        "(`0`: no lock at write)",
        minimum=0,
    )


@dataclass(frozen=True)
class Worker:
    """Background work: the task queue and what a worker does when it starts."""

    kind: Literal["database", "rq", "immediate"] = var(
        "DMS_TASKS",
        "database",
        "task queue: `database` (durable queue in the database), `rq` (Redis), "
        "`immediate` (run at once, for tests)",
    )
    redis_url: str = var(
        "DMS_REDIS_URL",
        "redis://127.0.0.1:6379/0",
        "the Redis of the task queue when `DMS_TASKS=rq`",
    )
    task_timeout: int = var(
        "DMS_TASK_TIMEOUT",
        3600,
        "seconds RQ lets one task run; a job left `processing` longer is queued again when a "
        "worker starts",
        minimum=1,
    )
    stale_work_minutes: int = var(
        "DMS_STALE_WORK_MINUTES",
        120,
        "leftovers of killed processes (spooled copies, work folders) removed at worker start "
        "once this old",
        minimum=0,
    )


@dataclass(frozen=True)
class Fixity:
    """The daily re-hash of stored originals."""

    days: int = var(
        "DMS_FIXITY_DAYS",
        30,
        "every stored original is re-hashed once in this many days (`0`: no daily fixity check)",
        minimum=0,
    )
    checkpoint_log: str = var(
        "DMS_CHECKPOINT_LOG",
        "",
        "the append-only log of signed chain checkpoints (one line per audit event or register "
        "entry); best on storage the database's users cannot write",
        shown="`$DMS_DATA_DIR/chain-checkpoints.log`",
    )


@dataclass(frozen=True)
class Inspection:
    """The four-property check (四性检测, DA/T 70-2018): at filing, on a schedule, on demand."""

    on_filing: bool = var(
        "DMS_INSPECT_ON_FILING",
        True,
        "check each record right after it is filed (`0`: only on a schedule or on demand)",
    )
    days: int = var(
        "DMS_INSPECTION_DAYS",
        30,
        "every live record is checked again once in this many days (`0`: no scheduled check)",
        minimum=0,
    )
    clamav_command: str = var(
        "DMS_CLAMAV_COMMAND",
        "clamscan",
        "the virus scanner: `clamscan` (Debian's `clamav`) or `clamdscan` (asks a running `clamd`)",
    )
    clamav_database_dir: Path = var(
        "DMS_CLAMAV_DATABASE_DIR",
        Path("/var/lib/clamav"),
        "ClamAV's signature databases (kept current by `freshclam`), used besides the "
        "signatures shipped in `records_dms/inspection/signatures/` when it holds any",
    )
    formats: tuple[str, ...] = var(
        "DMS_INSPECTION_FORMATS",
        ("pdf", "pdfa", "ofd", "jpeg", "tiff", "png", "eml"),
        "formats accepted for long-term keeping (any of `pdf pdfa ofd jpeg tiff png eml msg text`)",
    )


@dataclass(frozen=True)
class Search:
    """Full-text search: SQLite FTS5 in the data dir, or an Elasticsearch cluster."""

    backend: Literal["sqlite", "elasticsearch"] = var(
        "DMS_SEARCH_BACKEND", "sqlite", "`sqlite` (FTS5 in the data dir) or `elasticsearch`"
    )
    elasticsearch_url: str = var(
        "DMS_ELASTICSEARCH_URL",
        "http://127.0.0.1:9200",
        "the cluster, when the backend is `elasticsearch`",
    )
    elasticsearch_index: str = var(
        "DMS_ELASTICSEARCH_INDEX",
        "dms-pages",
        "the alias searched (concrete indices are `<alias>-<timestamp>`)",
    )
    elasticsearch_ca_certs: Path | None = var(
        "DMS_ELASTICSEARCH_CA_CERTS",
        None,
        "CA bundle (PEM file) that signs the cluster's TLS certificate",
        shown="the system's CAs",
    )
    elasticsearch_api_key: str | None = var(
        "DMS_ELASTICSEARCH_API_KEY", None, "API key for the cluster", shown="none"
    )
    elasticsearch_username: str | None = var(
        "DMS_ELASTICSEARCH_USERNAME", None, "basic-auth user for the cluster", shown="none"
    )
    elasticsearch_password: str | None = var(
        "DMS_ELASTICSEARCH_PASSWORD", None, "basic-auth password for the cluster", shown="none"
    )


_CODE = re.compile(r"[A-Z0-9]{1,8}")


@dataclass(frozen=True)
class References:
    """File reference numbers (档号): today's customer form or DA/T 22-2015's, and its parts."""

    rule: Literal["customer", "dat22"] = var(
        "DMS_REFERENCE_RULE",
        "customer",
        "form of new references: `customer` (`KH-0101-TS-2024-0007`: customer code, type code, "
        "year, number) or `dat22` (DA/T 22-2015 `全宗号-门类代码·年度-保管期限-机构(问题)-件号`, "
        "e.g. `Q001-WS·2024-D10-TS-0007`); references already given never change",
    )
    fonds_code: str = var(
        "DMS_FONDS_CODE",
        "",
        "全宗号 (fonds number, 1–8 capital letters or digits, given by the archives office); "
        "required by `dat22`, shown on the filing stamp",
        shown="none",
    )
    category_code: str = var(
        "DMS_CATEGORY_CODE", "WS", "门类代码 (records category) of `dat22`: `WS` = 文书"
    )
    class_code: str = var(
        "DMS_REFERENCE_CLASS",
        "type",
        "机构(问题) part of `dat22`: `type` (the record type's code, `HT`, `TS`…), `customer` "
        "(the customer code without separators, `KH0101`), `none` (left out) or a fixed "
        "department code such as `KF`",
    )
    correction_days: int = var(
        "DMS_REFERENCE_CORRECTION_DAYS",
        7,
        "days after filing during which correcting a record's type or document date gives it "
        "the reference of its new series (the old number is reused or recorded as voided); "
        "after that the filing is final and the reference stays",
        minimum=0,
    )

    def __post_init__(self) -> None:
        if self.rule == "dat22" and not self.fonds_code:
            raise ImproperlyConfigured("DMS_REFERENCE_RULE=dat22 needs DMS_FONDS_CODE (全宗号)")
        for name, value in (
            ("DMS_FONDS_CODE", self.fonds_code),
            ("DMS_CATEGORY_CODE", self.category_code),
        ):
            if value and not _CODE.fullmatch(value):
                raise ImproperlyConfigured(
                    f"{name} must be 1–8 capital letters or digits, got {value!r}"
                )
        if self.class_code not in ("type", "customer", "none") and not _CODE.fullmatch(
            self.class_code
        ):
            raise ImproperlyConfigured(
                "DMS_REFERENCE_CLASS must be type, customer, none or 1–8 capital letters or "
                f"digits, got {self.class_code!r}"
            )


@dataclass(frozen=True)
class Retention:
    """Destruction approvals, the archive's own dossier, and signing certificates."""

    destruction_approvers: int = var(
        "DMS_DESTRUCTION_APPROVERS",
        1,
        "distinct compliance officers (never the proposer) who must approve a destruction list",
        minimum=1,
    )
    archive_own_code: str = var(
        "DMS_ARCHIVE_OWN_CODE",
        "QMS-ARCHIVE",
        "customer code of the archive's own dossier, where certificates of destruction are "
        "filed as permanent records",
    )
    archive_own_name: str = var(
        "DMS_ARCHIVE_OWN_NAME", "档案室 Records archive", "that dossier's name"
    )
    signing_key: Path | None = var(
        "DMS_SIGNING_KEY",
        None,
        "PEM private key that signs certificates of destruction",
        shown="a self-signed pair generated in `$DMS_DATA_DIR/signing/`",
    )
    signing_cert: Path | None = var(
        "DMS_SIGNING_CERT",
        None,
        "PEM certificate of that key",
        shown="a self-signed pair generated in `$DMS_DATA_DIR/signing/`",
    )
    organisation: str = var(
        "DMS_ORGANISATION", "records-dms", "the organisation named in the signing certificate"
    )


@dataclass(frozen=True)
class Lending:
    """The checkout register: loan periods, overdue reminders, the register's keys."""

    loan_days_internal: int = var(
        "DMS_LOAN_DAYS_INTERNAL", 30, "longest loan of internal records, in days", minimum=1
    )
    loan_days_confidential: int = var(
        "DMS_LOAN_DAYS_CONFIDENTIAL", 14, "longest loan of confidential records", minimum=1
    )
    loan_days_secret: int = var(
        "DMS_LOAN_DAYS_SECRET", 7, "longest loan of secret records", minimum=1
    )
    staff_download_originals: bool = var(
        "DMS_STAFF_DOWNLOAD_ORIGINALS",
        False,
        "staff may download unwatermarked originals and searchable PDFs directly "
        "(off: only as a watermarked electronic loan; clerks, auditors and compliance "
        "officers always may)",
    )
    remind_days: int = var(
        "DMS_LOAN_REMIND_DAYS",
        1,
        "while a loan stays overdue, borrower and clerk are emailed again every this many days "
        "(`0`: only when it becomes overdue)",
        minimum=0,
    )
    register_key: str = var(
        "DMS_REGISTER_KEY",
        "",
        "the register's Ed25519 private key (PEM)",
        shown="generated into `$DMS_DATA_DIR/register-ed25519.pem` (0600)",
    )
    register_trusted_keys: tuple[str, ...] = var(
        "DMS_REGISTER_TRUSTED_KEYS",
        (),
        "public keys (hex, comma-separated) of earlier signing keys whose entries still verify",
        shown="none",
    )

    def loan_max_days(self, level: str) -> int:
        """The longest loan of a record of this confidentiality level, in days."""
        days: dict[str, int] = {
            "internal": self.loan_days_internal,
            "confidential": self.loan_days_confidential,
            "secret": self.loan_days_secret,
        }
        return days[level]


@dataclass(frozen=True)
class Reports:
    """QMS views and exports."""

    satisfaction_target: float = var(
        "DMS_SATISFACTION_TARGET",
        85.0,
        "satisfaction survey target (0–100); a customer's yearly mean below it is flagged",
        minimum=0,
    )


@dataclass(frozen=True)
class Demo:
    """`dms demo`."""

    password: str = var("DMS_DEMO_PASSWORD", "", "password of every demo user", shown="generated")


@dataclass(frozen=True)
class Chaos:
    """Crash injection for benchmarks/chaos.py; production never sets it."""

    kill_at: str = var(
        "DMS_CHAOS_KILL_AT",
        "",
        "`NAME` or `NAME@N`: the process kills itself the first (N-th) time it passes that "
        "crash point (benchmarks/chaos.py only)",
        shown="none",
    )


# Names once read and no longer: set, they stop the program rather than be silently ignored.
REMOVED = {
    "DMS_OCR_LANGUAGES": "DMS_OCR_LANGS",
    "DMS_TASKS_BACKEND": "DMS_TASKS (database, rq or immediate)",
}

# settings attribute → (title in README, group). The order is README's.
GROUPS: dict[str, tuple[str, type[Any]]] = {
    "SITE": ("Site", Site),
    "SECURITY": ("Security and sessions", Security),
    "INGESTION": ("Filing files and OCR", Ingestion),
    "STORAGE": ("Storage of originals", Storage),
    "WORKER": ("Background work", Worker),
    "FIXITY": ("Fixity", Fixity),
    "INSPECTION": ("Four-property check", Inspection),
    "SEARCH": ("Search", Search),
    "REFERENCES": ("File reference numbers (档号)", References),
    "RETENTION": ("Retention and destruction", Retention),
    "LENDING": ("Lending", Lending),
    "REPORTS": ("Reports", Reports),
    "DEMO": ("Demo", Demo),
    "CHAOS": ("Crash injection", Chaos),
}
