"""Settings for records-dms, driven by ``DMS_*`` environment variables.

Every variable is declared once, in ``groups.py``, with its type, default (safe for the embedded
size: one machine, SQLite, local files) and meaning; README's configuration tables are checked
against those declarations. Each group becomes one setting (``settings.INGESTION.max_pages``);
Django's own settings below are derived from ``SITE``, ``SECURITY``, ``STORAGE``, ``WORKER`` and
``SEARCH``.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from records_dms.common.keyfiles import kept_secret
from records_dms.settings.env import load
from records_dms.settings.groups import (
    REMOVED,
    Chaos,
    Demo,
    Fixity,
    Ingestion,
    Inspection,
    Lending,
    References,
    Reports,
    Retention,
    Search,
    Security,
    Site,
    Storage,
    Worker,
)

BASE_DIR = Path(__file__).resolve().parent.parent

for _removed, _instead in REMOVED.items():
    if os.environ.get(_removed):
        raise ImproperlyConfigured(f"{_removed} is no longer read; set {_instead} instead")

SITE = load(Site)
SECURITY = load(Security)
INGESTION = load(Ingestion)
INGESTION = dataclasses.replace(INGESTION, ocr_workers=INGESTION.ocr_workers or os.cpu_count() or 1)
STORAGE = load(Storage)
WORKER = load(Worker)
FIXITY = load(Fixity)
INSPECTION = load(Inspection)
SEARCH = load(Search)
REFERENCES = load(References)
RETENTION = load(Retention)
LENDING = load(Lending)
REPORTS = load(Reports)
DEMO = load(Demo)
CHAOS = load(Chaos)

DATA_DIR = SITE.data_dir.resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in the data dir."""
    if SITE.secret_key:
        return SITE.secret_key
    made = kept_secret(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(64).encode())
    return made.decode().strip()


SECRET_KEY = _secret_key()
DEBUG = SITE.debug
ALLOWED_HOSTS = list(SITE.allowed_hosts)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
# HTTPS hardening is on unless every allowed host is this machine (the embedded default).
HTTPS = (
    SECURITY.https
    if SECURITY.https is not None
    else not DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
)
INSTALLED_APPS = [
    "records_dms.audit",
    "records_dms.accounts",
    "records_dms.archive",
    "records_dms.lending",
    "records_dms.reports",
    "records_dms.fixity",
    "records_dms.transfer",
    "records_dms.inspection",
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
    "records_dms.common.security.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "records_dms.accounts.signals.ActingUserMiddleware",
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

DATABASE_URL = SITE.database_url or f"sqlite:///{DATA_DIR / 'dms.sqlite3'}"
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
LANGUAGE_CODE = SITE.language
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = SITE.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"  # originals are only ever served through a logged view
# Originals and renditions: the data dir (embedded) or an S3 bucket with Object Lock (scale-out).
if STORAGE.kind == "s3":
    _default_storage: dict[str, object] = {
        "BACKEND": "records_dms.archive.storage.ArchiveS3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE.s3_bucket,
            "endpoint_url": STORAGE.s3_endpoint,
            "region_name": STORAGE.s3_region,
            # Credentials: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
            # AWS_PROFILE, an instance role); never in settings.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "addressing_style": STORAGE.s3_addressing_style,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
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

# Background work: a durable queue in the database (embedded) or RQ on Redis (scale-out).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[WORKER.kind]}}
RQ_QUEUES = {"default": {"URL": WORKER.redis_url, "DEFAULT_TIMEOUT": WORKER.task_timeout}}
if WORKER.kind == "rq":
    INSTALLED_APPS.append("django_rq")

# Full-text search: SQLite FTS5 in the data dir (embedded) or Elasticsearch (scale-out).
if SEARCH.backend == "elasticsearch":
    SEARCH_BACKENDS: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "URL": SEARCH.elasticsearch_url,
            "INDEX": SEARCH.elasticsearch_index,
            "CACHE_DIR": DATA_DIR / "cache",
            "CA_CERTS": str(SEARCH.elasticsearch_ca_certs or "") or None,
            "API_KEY": SEARCH.elasticsearch_api_key,
            "USERNAME": SEARCH.elasticsearch_username,
            "PASSWORD": SEARCH.elasticsearch_password,
        }
    }
else:
    SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.sqlite.SqliteBackend",
            "PATH": DATA_DIR / "search.sqlite3",
            "CACHE_DIR": DATA_DIR / "cache",
        }
    }

EMAIL_BACKEND = SITE.email_backend
DEFAULT_FROM_EMAIL = SITE.email_from

WAGTAIL_SITE_NAME = "records-dms"
WAGTAILADMIN_BASE_URL = SITE.base_url
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
    # One name per choice set, so the schema (and `check --deploy`) has no naming collision.
    "ENUM_NAME_OVERRIDES": {
        "ConfidentialityEnum": "records_dms.accounts.roles.Confidentiality",
        "CustomerKindEnum": "records_dms.archive.models.CustomerKind",
        "RelationshipStatusEnum": "records_dms.archive.models.RelationshipStatus",
        "RecordStateEnum": "records_dms.archive.models.RecordState",
        "LoanKindEnum": "records_dms.lending.models.LoanKind",
        "LoanStateEnum": "records_dms.lending.models.LoanState",
        "DestructionRequestStateEnum": "retention.models.RequestState",
        "DestructionItemStateEnum": "retention.models.ItemState",
        "DeletionRequestStateEnum": "retention.models.DeletionState",
        "JobStatusEnum": "ingestion.models.JobStatus",
    },
}

SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(SECURITY.session_hours * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTHENTICATION_BACKENDS = ["records_dms.accounts.throttle.ThrottledModelBackend"]
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = SECURITY.hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if host != "*"]
if SECURITY.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "records_dms.common.logs.StderrHandler"}},
    "root": {"handlers": ["console"], "level": SITE.log_level},
}
