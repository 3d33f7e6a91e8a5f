"""Settings for records-dms, driven by ``DMS_*`` environment variables.

Every variable has a safe default for the embedded size (one machine, SQLite, local files).
The list of variables and defaults is repeated in README.md; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DMS_DATA_DIR") or "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data dir."""
    from_env = os.environ.get("DMS_SECRET_KEY")
    if from_env:
        return from_env
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DMS_DEBUG", False)
ALLOWED_HOSTS = env_list("DMS_ALLOWED_HOSTS", "127.0.0.1,localhost")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
# HTTPS hardening is on unless every allowed host is this machine (the embedded default).
HTTPS = env_bool("DMS_HTTPS", not DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS)

INSTALLED_APPS = [
    "records_dms.audit",
    "records_dms.accounts",
    "records_dms.archive",
    "records_dms.lending",
    "records_dms.reports",
    "records_dms.fixity",
    "ingestion",
    "retention",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.admin",
    "wagtail",
    "modelsearch",
    "taggit",
    "modelcluster",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "records_dms.common.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "records_dms.urls"
WSGI_APPLICATION = "records_dms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DMS_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'dms.sqlite3'}"
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # Writers take the lock at BEGIN, so concurrent filings queue instead of failing
        # with "database is locked" when a reader upgrades to a writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
    # A name per test run: a killed run's leftover -wal file never meets a new database.
    _database["TEST"] = {"NAME": str(DATA_DIR / f"test-dms-{os.getpid()}.sqlite3")}
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # A test database per process: parallel runs (and pytest-xdist's workers, which add their
    # own suffix) never share one.
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{os.getpid()}"}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The default language of every screen; each user may choose another in the admin
# (Account → Preferences). The browser's Accept-Language is deliberately not consulted.
LANGUAGE_CODE = os.environ.get("DMS_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DMS_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"  # originals are only ever served through a logged view
# Originals and renditions: the data dir (embedded) or an S3 bucket with Object Lock (scale-out).
STORAGE = os.environ.get("DMS_STORAGE", "local")
S3_LOCK_MODE = os.environ.get("DMS_S3_LOCK_MODE", "GOVERNANCE").upper()
S3_MIN_LOCK_DAYS = int(os.environ.get("DMS_S3_MIN_LOCK_DAYS", "365"))
if S3_LOCK_MODE not in {"GOVERNANCE", "COMPLIANCE"}:
    raise ImproperlyConfigured(
        f"DMS_S3_LOCK_MODE must be GOVERNANCE or COMPLIANCE, not {S3_LOCK_MODE!r}"
    )
if STORAGE == "s3":
    _default_storage: dict[str, object] = {
        "BACKEND": "records_dms.archive.storage.ArchiveS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("DMS_S3_BUCKET", "records-dms"),
            "endpoint_url": os.environ.get("DMS_S3_ENDPOINT") or None,
            "region_name": os.environ.get("DMS_S3_REGION") or None,
            # Credentials: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
            # AWS_PROFILE, an instance role); never in settings.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": os.environ.get("DMS_S3_ADDRESSING_STYLE") or "path",
        },
    }
elif STORAGE == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"DMS_STORAGE must be local or s3, not {STORAGE!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
# Serve from the installed apps too, so a fresh checkout needs no collectstatic to look right.
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

MAX_UPLOAD_MB = int(os.environ.get("DMS_MAX_UPLOAD_MB", "200"))
MAX_PAGES = int(os.environ.get("DMS_MAX_PAGES", "2000"))
OCR_WORKERS = int(os.environ.get("DMS_OCR_WORKERS", "0")) or (os.cpu_count() or 1)
# Emails attached to emails are filed as records this many levels deep; deeper ones stay
# inside their parent's original.
MAX_EMAIL_DEPTH = int(os.environ.get("DMS_MAX_EMAIL_DEPTH", "5"))
# Bounds on what one hostile file can make the parsers do (README, "Hostile input").
MAX_IMAGE_PIXELS = int(os.environ.get("DMS_MAX_IMAGE_PIXELS", "89478485"))  # Pillow's own
MAX_PAGE_POINTS = float(os.environ.get("DMS_MAX_PAGE_POINTS", "14400"))  # 200 in, PDF's limit
MAX_EMAIL_HEADER_KB = int(os.environ.get("DMS_MAX_EMAIL_HEADER_KB", "256"))
MAX_EMAIL_PARTS = int(os.environ.get("DMS_MAX_EMAIL_PARTS", "1000"))
MAX_ATTACHMENTS = int(os.environ.get("DMS_MAX_ATTACHMENTS", "100"))
OCR_TIMEOUT = float(os.environ.get("DMS_OCR_TIMEOUT", "600"))  # seconds, one page
# A PDF stream, image (frame or chunk) or email part that decompresses beyond this is refused
# as a decompression bomb; reading a file may take a few times this much memory.
MAX_INFLATE_MB = int(os.environ.get("DMS_MAX_INFLATE_MB", "256"))
# Fixity: every stored original is re-hashed once in this many days (0: never by the worker).
FIXITY_DAYS = int(os.environ.get("DMS_FIXITY_DAYS", "30"))

# Background work: a durable queue in the database (embedded) or RQ on Redis (scale-out).
# DMS_TASKS names the kind; DMS_TASKS_BACKEND (a backend's import path) still wins when set.
TASKS_KIND = os.environ.get("DMS_TASKS", "database")
REDIS_URL = os.environ.get("DMS_REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_KIND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"DMS_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_KIND!r}"
    )
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DMS_TASKS_BACKEND") or _TASK_BACKENDS[TASKS_KIND],
    }
}
# A job running longer than this is stopped by RQ; a job left "processing" that long by a dead
# worker is queued again when a worker starts (DMS_TASK_TIMEOUT, seconds).
TASK_TIMEOUT = int(os.environ.get("DMS_TASK_TIMEOUT", "3600"))
# Spooled copies and work folders a killed process left are removed when a worker starts,
# once untouched this long (a live job's are kept).
STALE_WORK_MINUTES = int(os.environ.get("DMS_STALE_WORK_MINUTES", "120"))
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": TASK_TIMEOUT}}
if TASKS_KIND == "rq":
    INSTALLED_APPS.append("django_rq")

# Full-text search: SQLite FTS5 in the data dir (embedded) or Elasticsearch (scale-out).
SEARCH_BACKEND = os.environ.get("DMS_SEARCH_BACKEND", "sqlite")
if SEARCH_BACKEND == "elasticsearch":
    SEARCH_BACKENDS: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "URL": os.environ.get("DMS_ELASTICSEARCH_URL", "http://127.0.0.1:9200"),
            "INDEX": os.environ.get("DMS_ELASTICSEARCH_INDEX", "dms-pages"),
            "CACHE_DIR": DATA_DIR / "cache",
        }
    }
elif SEARCH_BACKEND == "sqlite":
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.sqlite.SqliteBackend",
            "PATH": DATA_DIR / "search.sqlite3",
            "CACHE_DIR": DATA_DIR / "cache",
        }
    }
else:
    raise ImproperlyConfigured(
        f"DMS_SEARCH_BACKEND must be sqlite or elasticsearch, not {SEARCH_BACKEND!r}"
    )

EMAIL_BACKEND = os.environ.get(
    "DMS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

DEFAULT_FROM_EMAIL = os.environ.get("DMS_EMAIL_FROM", "records-dms@localhost")

# Lending: the longest loan per confidentiality level, in days.
LOAN_MAX_DAYS = {
    "internal": int(os.environ.get("DMS_LOAN_DAYS_INTERNAL", "30")),
    "confidential": int(os.environ.get("DMS_LOAN_DAYS_CONFIDENTIAL", "14")),
    "secret": int(os.environ.get("DMS_LOAN_DAYS_SECRET", "7")),
}
# Overdue loans: the daily run e-mails borrower and clerk when a loan becomes overdue, and again
# every this many days while it stays out (0: only the first time).
LOAN_REMIND_DAYS = int(os.environ.get("DMS_LOAN_REMIND_DAYS", "1"))
# The register's Ed25519 signing key (PEM); empty: one generated into the data dir.
REGISTER_KEY = os.environ.get("DMS_REGISTER_KEY", "")
# Public keys (hex) of earlier signing keys whose entries still verify after a key change.
REGISTER_TRUSTED_KEYS = env_list("DMS_REGISTER_TRUSTED_KEYS", "")

# Satisfaction surveys: an overall score (0–100) below this flags the customer's year for
# corrective and preventive action.
SATISFACTION_TARGET = float(os.environ.get("DMS_SATISFACTION_TARGET", "85"))

WAGTAIL_SITE_NAME = "records-dms"
WAGTAILADMIN_BASE_URL = os.environ.get("DMS_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no user's email hash leaves the archive
WAGTAIL_USER_CUSTOM_FIELDS: list[str] = []
MODELSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}
WAGTAILSEARCH_BACKENDS = MODELSEARCH_BACKENDS
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "records-dms API",
    "DESCRIPTION": "Customer dossiers and records of a quality-management archive.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["records_dms.common.apischema.only_public_api"],
}

SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("DMS_SESSION_HOURS", "8")) * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTHENTICATION_BACKENDS = ["records_dms.accounts.throttle.ThrottledModelBackend"]
LOGIN_MAX_FAILURES = int(os.environ.get("DMS_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("DMS_LOGIN_LOCKOUT_MINUTES", "15"))
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DMS_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]
if env_bool("DMS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The key and certificate that sign certificates of destruction (PEM files). Empty: a
# self-signed pair is generated in DATA_DIR/signing on first use.
SIGNING_KEY_FILE = os.environ.get("DMS_SIGNING_KEY", "")
SIGNING_CERT_FILE = os.environ.get("DMS_SIGNING_CERT", "")
SIGNING_ORGANISATION = os.environ.get("DMS_ORGANISATION", "records-dms")
# How many compliance officers (none of them the proposer) must approve a destruction list.
DESTRUCTION_APPROVERS = int(os.environ.get("DMS_DESTRUCTION_APPROVERS", "1"))
# The archive's own dossier, where every certificate of destruction is filed as a record.
ARCHIVE_OWN_CODE = os.environ.get("DMS_ARCHIVE_OWN_CODE", "QMS-ARCHIVE")
ARCHIVE_OWN_NAME = os.environ.get("DMS_ARCHIVE_OWN_NAME", "档案室 Records archive")

OCR_LANGUAGES = os.environ.get("DMS_OCR_LANGS") or os.environ.get(
    "DMS_OCR_LANGUAGES", "chi_sim+eng"
)
TESSERACT_CMD = os.environ.get("DMS_TESSERACT_CMD", "tesseract")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DMS_LOG_LEVEL", "INFO")},
}
