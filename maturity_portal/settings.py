"""Settings, all read from the environment in this one place.

Nothing set gives the embedded default: a SQLite file in the project folder and Celery tasks run
in-process. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis with real
workers. ``DJANGO_ENV=production`` refuses to start without ``SECRET_KEY`` and ``ALLOWED_HOSTS``
and turns on every protection ``manage.py check --deploy`` asks for.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"


def positive_int(name: str, default: int) -> int:
    """A count or a period from the environment: zero would lock out or sign out everyone."""
    value = env.int(name, default=default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1.")
    return value


if PRODUCTION:
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(
                f"{required} must be set when DJANGO_ENV=production; refusing to start."
            )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-development-only-key-never-used-in-production"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
    DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "maturity_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "django_htmx",
    "axes",
    "frameworks",
    "organisations",
    "assessments",
    "audit",
    "reports",
    "dashboards",
    "rest_framework",
    "django_filters",
    "knox",
    "drf_spectacular",
    "api",
    "interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache headers; every other response,
    # the sign-in lock-out page included, gets the portal's policy and no-store.
    "maturity_portal.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maturity_portal.security.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maturity_portal.urls"
WSGI_APPLICATION = "maturity_portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection per worker, kept for a minute and checked before reuse: opening one for every
# request costs PostgreSQL a new process each time.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "maturity_portal.security.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves collected, hashed files; elsewhere WhiteNoise finds them in place.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside and beside static files: uploaded evidence is only ever served through a view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
WHITENOISE_USE_FINDERS = not PRODUCTION

# Widgets render from the project's templates too (the NHS.UK date input), then Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="maturity-portal@localhost")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process so the embedded default needs no services.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # a job's outcome is its database row

# Background jobs (benchmark runs, reports, downloads). A job may run for at most
# JOB_TIME_LIMIT_SECONDS. Redis hands an unacknowledged task to another worker only after the
# visibility timeout, which must outlast the longest task or a running task would run twice.
# A running job whose worker has been silent for JOB_HEARTBEAT_STALE_SECONDS may be taken over
# by the task's redelivery; one silent for longer than any redelivery takes is marked failed.
JOB_TIME_LIMIT_SECONDS = positive_int("JOB_TIME_LIMIT_SECONDS", 900)
JOB_HEARTBEAT_STALE_SECONDS = positive_int("JOB_HEARTBEAT_STALE_SECONDS", 120)
CELERY_VISIBILITY_TIMEOUT_SECONDS = positive_int(
    "CELERY_VISIBILITY_TIMEOUT_SECONDS", JOB_TIME_LIMIT_SECONDS + 300
)
if CELERY_VISIBILITY_TIMEOUT_SECONDS <= JOB_TIME_LIMIT_SECONDS:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT_SECONDS must be longer than JOB_TIME_LIMIT_SECONDS."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    # Look for tasks whose worker died every 10 seconds (kombu's default is every 100), so a
    # redelivered task starts within seconds of its visibility timeout.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
# With the broker down, a person starting a job hears so within a second or two.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
JOB_STUCK_AFTER_SECONDS = CELERY_VISIBILITY_TIMEOUT_SECONDS + JOB_HEARTBEAT_STALE_SECONDS
CELERY_BEAT_SCHEDULE = {
    "benchmarks-nightly": {
        "task": "reports.tasks.benchmarks_nightly",
        "schedule": crontab(hour=2, minute=0),
    },
    "jobs-fail-stuck": {"task": "reports.tasks.jobs_fail_stuck_task", "schedule": 300.0},
}

# Shared by every worker process, so that API rate limits hold across them: Redis in production
# (CACHE_URL=redis://…), memory in one process otherwise.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# The API (/api/v1/): personal tokens (stored hashed, always expiring) for scripts, the session
# for the browser; JSON only, so no page of it needs inline script. API_RATE_LIMIT is per user.
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's own token table is swapped out for ours; without its migrations it is never created
# (a table nothing uses, whose key to users would stop test databases being flushed).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_PREFIX": "mp_",
    "TOKEN_TTL": timedelta(days=30),
    "AUTO_REFRESH": False,
}
API_TOKEN_LIFETIMES_DAYS = (7, 30, 90, 365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",  # first: a bad token is a 401
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.authentication.SafeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_RATE_LIMIT", default="300/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,  # scores are numbers, to scripts as on the pages
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Digital maturity portal API",
    "DESCRIPTION": "Frameworks, organisations, cycles, assessments with their results, answers, "
    "benchmark runs and national downloads. Sign in with a personal token: "
    "`Authorization: Token <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.AssessmentStatus",
        "FrameworkStatusEnum": "frameworks.models.FrameworkStatus",
        "JobStatusEnum": "reports.models.JobStatus",
    },
}

# FHIR: the base of the portal's canonical URLs (its Questionnaires, option code systems and
# extension). Set it to the deployment's own address; the default is deliberately not real.
FHIR_BASE_URL = env.str("FHIR_BASE_URL", default="https://maturity-portal.invalid/fhir").rstrip("/")

# The Chromium that draws chart images for board packs (kaleido); started once per process.
CHART_BROWSER_PATH = env.str("BROWSER_PATH", default="/usr/bin/chromium")

# Benchmarks: a peer group with fewer trusts than this shows no statistics; a run starts this
# long after the last of a burst of sign-offs.
BENCHMARK_MIN_PEERS = positive_int("BENCHMARK_MIN_PEERS", 5)
BENCHMARK_SIGN_OFF_DELAY_SECONDS = env.int("BENCHMARK_SIGN_OFF_DELAY_SECONDS", default=120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The chart renderer narrates its browser's every start and stop.
    "loggers": {name: {"level": "WARNING"} for name in ("kaleido", "choreographer", "logistro")},
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# An idle timeout: use pushes the expiry on (at most once a minute, by IdleTimeoutMiddleware, so
# pages do not write the session every time); closing the browser ends the session too.
SESSION_COOKIE_AGE = positive_int("SESSION_LIFETIME_MINUTES", 60) * 60
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in throttling (django-axes), on the portal's sign-in and the admin's alike. A username is
# locked after this many failures from anywhere, and an address after this many whatever the
# username: each parameter is counted on its own (a nested list would count the pair).
SIGN_IN_FAILURE_LIMIT = positive_int("SIGN_IN_FAILURE_LIMIT", 5)
SIGN_IN_LOCKOUT_MINUTES = positive_int("SIGN_IN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lock-out do not restart it, so the period the lock-out page states holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "maturity_portal.views.sign_in_locked_out"
AXES_CLIENT_IP_CALLABLE = "maturity_portal.security.client_address"
# Failed attempts are all throttling needs; a log of every sign-in's address is not kept.
AXES_DISABLE_ACCESS_LOG = True
# Its start-up banner would print on every manage.py command.
AXES_VERBOSE = False
# How many proxies of our own append to X-Forwarded-For; 0 trusts only the connecting address.
TRUSTED_PROXY_COUNT = 0

# Evidence uploads over their limit are refused before any of their bytes are stored.
FILE_UPLOAD_HANDLERS = [
    "maturity_portal.uploads.OversizedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    # nginx (deploy/nginx/default.conf) appends the address that connected to it.
    TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
    if TRUSTED_PROXY_COUNT < 0:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
