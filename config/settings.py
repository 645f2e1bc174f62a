"""Settings for Open Platforms: one module, read from the environment.

Every knob has a development default so that `make run` needs no server; production
sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The key signs e-mail confirmation links, password reset tokens and sessions: a public
# fallback would let anyone forge them. Without one in production the key stays empty, which
# Django refuses the moment anything signs, and the web server and the Celery worker refuse to
# start (config.startup.require_secret_key); offline commands such as
# makemigrations still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-dev-only-set-SECRET_KEY"


ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "import_export",
    "accounts",
    "platforms",
    "forums",
    "assessments",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # decides, before anything reads, whether this request may read from the replica
    "config.routers.ReplicaReadMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "platforms.access.AccessMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "platforms.mfa.OfficialsSecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.notifications",
                "platforms.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A PostgreSQL read replica for public pages and the API (config.routers): the same database
# streamed by replication. Tests point it at the primary as a mirror.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=envint("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        ),
        "TEST": {"MIRROR": "default"},
    }
# Behind PgBouncer in transaction pooling, Django's server-side cursors (WITH HOLD, kept across
# transactions) cannot work: DB_DISABLE_SERVER_SIDE_CURSORS=1 (docs/deployment.md).
if os.environ.get("DB_DISABLE_SERVER_SIDE_CURSORS") == "1":
    for _db in DATABASES.values():
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
# Covering indexes (INCLUDE) are PostgreSQL's; SQLite, the development database, builds them
# without the extra columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Stateless web tier: sessions in the database every replica shares (not in process memory).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: a dead Redis logs a warning instead of answering 500 on login,
            # sign-up and password reset (allauth's rate limits live in this cache).
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # Short timeouts, so an unreachable Redis costs milliseconds, not a hung worker.
            "OPTIONS": {
                "socket_connect_timeout": envfloat("REDIS_CACHE_TIMEOUT", 0.25),
                "socket_timeout": envfloat("REDIS_CACHE_TIMEOUT", 0.25),
            },
        }
    }
else:
    # allauth's rate limits need a real cache; local memory is per process, fine for one runserver.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages for anonymous visitors are kept this long in the cache at most (accounts.pagecache:
# any change starts a new generation at once; this bounds what a change without a signal and
# time-dependent text can leave). 0 turns the page cache off.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 300)
# ... and a count (supporters, poll responses) on them is at most about this far behind
PAGE_CACHE_TALLY_SECONDS = envint("PAGE_CACHE_TALLY_SECONDS", 60)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# liaison officers land on their dashboard, everyone else on their own page
LOGIN_REDIRECT_URL = "forums:after_login"
LOGIN_URL = "account_login"

# allauth: e-mail login, mandatory verification, no account enumeration, rate limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Five wrong passwords lock the password login of an address for five minutes (login_failed
# below), whoever typed them; a code e-mailed to the owner still lets the owner in.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# a code must survive a mail queue retried during an outage (allauth's default is 3 minutes)
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Sign-up also asks for the name shown on public pages.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Open Platforms] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Liaison officers, secretariats, platform admins and staff set up an authenticator app before
# they act (platforms.mfa); off by default only for local development and the test profile.
OFFICIALS_REQUIRE_MFA = envbool("OFFICIALS_REQUIRE_MFA", not DEBUG)
MFA_TOTP_ISSUER = "Open Platforms"
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

GUARDIAN_RAISE_403 = False
GUARDIAN_USER_OBJ_PERMS_MODEL = "guardian.UserObjectPermission"
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ky", _("Kyrgyz")),
    ("ru", _("Russian")),
    ("uz", _("Uzbek")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Kyrgyz and Uzbek dates and numbers (config/formats)
TIME_ZONE = "Asia/Bishkek"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads and generated files (attachments, meeting files, evidence, report PDFs, import
# previews) go through the storage API only, so S3-compatible storage replaces the disk by
# settings alone (django-storages, the `s3` extra): set AWS_STORAGE_BUCKET_NAME.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # private objects, served through the portal's own views (which check access)
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# The LCPC import's preview keeps the file in the shared storage, so the confirmation may reach
# another web replica than the preview did.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# A bulk import file with more rows than this runs as a Celery job with progress in the admin.
IMPORT_ASYNC_ROWS = envint("IMPORT_ASYNC_ROWS", 500)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
# Only the outbox relay talks to SMTP; a silent server must not hold its row lock forever.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Open Platforms <noreply@openplatforms.kg>"
)

# Celery: without REDIS_URL tasks run eagerly in-process, so development needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With acks_late, Redis hands a task that is not acknowledged within the visibility timeout to
# another worker: it must be longer than the longest task (an annual report's PDF, an LCPC
# import job of a whole oblast: minutes), or such a task runs twice at once. It is also how long
# the task of a worker killed outright waits before it runs again. Thirty minutes.
CELERY_VISIBILITY_TIMEOUT = envint("CELERY_VISIBILITY_TIMEOUT", 30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# So that no task outlives its visibility timeout (and runs twice at once), every task is stopped
# five minutes before it: the soft limit raises inside the task (an import job rolls back and
# says so), the hard limit a minute later ends the process. A job whose worker died outright is
# marked failed by the "import-jobs" sweep below.
CELERY_TASK_TIME_LIMIT = max(120, CELERY_VISIBILITY_TIMEOUT - 5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "accounts.tasks.relay_outbox", "schedule": 60.0},
    "daily-digests": {
        "task": "accounts.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "weekly-digests": {
        "task": "accounts.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week=1),
        "args": ("weekly",),
    },
    "terms": {"task": "platforms.tasks.check_terms", "schedule": crontab(hour=2, minute=0)},
    "silent-forums": {
        "task": "platforms.tasks.activate_silent_forums",
        "schedule": crontab(minute=15),
    },
    "close-decisions": {"task": "platforms.tasks.close_due_decisions", "schedule": 300.0},
    "response-deadlines": {
        "task": "forums.tasks.check_response_deadlines",
        "schedule": crontab(minute=45),
    },
    # the yearly figure summaries of the annual reports (reporting.summaries)
    "figure-summaries": {
        "task": "reporting.tasks.refresh_figure_summaries",
        "schedule": crontab(hour=0, minute=30),
    },
    "import-jobs": {"task": "platforms.tasks_imports.sweep_import_jobs", "schedule": 600.0},
    "recount-members": {
        "task": "platforms.tasks.recount_members",
        "schedule": crontab(hour=3, minute=0),
    },
}

# Security: strict by default, relaxed only for local DEBUG.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A multipart body over this (a 5 MB file plus the form's other fields) is refused from
# its Content-Length before any of it is read or streamed to a temporary file.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 5 * 1024 * 1024 + 256 * 1024)
FILE_UPLOAD_HANDLERS = [
    "forums.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # eager tasks in development would log every outbox relay
    "loggers": {"celery": {"level": "WARNING"}},
}

# Domain settings
FORUM_ACK_SILENCE_DAYS = envint("FORUM_ACK_SILENCE_DAYS", 14)

# Open data API: read-only, public, paged by cursor (no COUNT over national tables); JSON, or
# CSV of a whole list streamed (?format=csv). Throttle counters live in the shared cache, so
# the limits hold across every web replica; a whole-list CSV has its own, lower rate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # the lists add CSV and its throttle themselves (accounts.api.OpenDataViewSet)
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE", "120/min"),
        "anon_csv": os.environ.get("API_CSV_RATE", "20/hour"),
    },
    # the client address behind nginx, which overwrites X-Forwarded-For (deploy/nginx.conf)
    "NUM_PROXIES": envint("TRUSTED_PROXY_COUNT", 0) or None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Platforms open data API",
    "DESCRIPTION": "Public security forums of Kyrgyzstan: structure, proposals, answers, meetings.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.document_errors",
    ],
    # one name per choice set, so generated clients get stable, readable types
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "assessments.models.Grade",
        "TerritoryKindEnum": "platforms.models.Territory.Kind",
        "PlatformKindEnum": "platforms.models.Platform.Kind",
        "PlatformStatusEnum": "platforms.models.Platform.Status",
        "PoliceUnitKindEnum": "platforms.models.PoliceUnit.Kind",
        "MeetingKindEnum": "forums.models.Meeting.Kind",
        "MeetingStatusEnum": "forums.models.Meeting.Status",
        "ResponseStatusEnum": "forums.models.PoliceResponse.Status",
        "ProposalEventKindEnum": "forums.models.ProposalEvent.Kind",
        "FindingKindEnum": "assessments.models.Finding.Kind",
        "RecommendationKindEnum": "assessments.models.Recommendation.Kind",
        "RecommendationStatusEnum": "assessments.models.Recommendation.Status",
        "ProfileFigureKindEnum": "assessments.models.ProfileFigure.Kind",
        "ReportStatusEnum": "reporting.models.AnnualReport.Status",
        "PlanActionStatusEnum": "reporting.models.PlanAction.Status",
    },
}

# Content-Security-Policy: scripts only from this site (no inline script anywhere, so a stored
# script cannot run); inline style attributes are allowed for server-drawn charts and bars.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
