"""Settings for the VMI programme app, read from the environment (12-factor).

With nothing set, the app runs embedded: SQLite in ./var and Celery tasks executed in-process.
Set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://... for PostgreSQL, Redis and
separate worker processes. See README.md for every variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
import plotly
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VMI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    HTTPS_ONLY=(bool, False),
    CELERY_BROKER_URL=(str, ""),
    EMAIL_URL=(str, "consolemail://"),
)


def _secret_key() -> str:
    """SECRET_KEY from the environment; on a first run, one generated into var/ (never committed)."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Written aside and renamed into place, so processes starting together (test workers,
        # gunicorn workers) never read a half-written key.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        aside = VAR_DIR / f".secret_key.{os.getpid()}"
        aside.write_text(secrets.token_urlsafe(50))
        aside.chmod(0o600)
        try:
            os.link(aside, path)  # fails if another process got there first: keep theirs
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text().strip()


DEBUG = env("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for the FORM_RENDERER below (TemplatesSetting)
    "rest_framework",
    "knox",  # expiring, revocable API tokens (replaces rest_framework.authtoken)
    "axes",  # sign-in lockout after repeated failures
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "vmi_programme",
    "governance",
    "compact",
    "training",
    "rpiw",
    "networks",
    "impact",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and auth middleware (they read the database): a database that cannot
    # be reached answers the 503 page (JSON for /api/), not a bare 500.
    "vmi_programme.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs a session out 10 hours after sign-in however active it was (shared workstations).
    "vmi_programme.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "vmi_programme.middleware.LoginRequiredMiddleware",
    # A delete refused by on_delete=PROTECT/RESTRICT answers the 409 page (the API its own 409).
    "vmi_programme.middleware.BlockedDeleteMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page (or JSON).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vmi_programme.urls"
WSGI_APPLICATION = "vmi_programme.wsgi.application"

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
                "vmi_programme.context_processors.navigation_items",
            ],
        },
    },
]
# Every form renders NHS.UK markup through one field template (vmi_programme/form_renderer.py).
FORM_RENDERER = "vmi_programme.form_renderer.NhsFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Plotly's own bundle, shipped inside the plotly package: charts load it from our static files,
# never from a CDN.
STATICFILES_DIRS = [("plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the embedded run serves static files without collectstatic
if not env.bool("STATIC_MANIFEST", default=not DEBUG and env.bool("HTTPS_ONLY")):
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = VAR_DIR / "media"

# Uploads (imports): the size limit is enforced while the body is received — the first handler
# stops storing a file once it passes IMPORT_MAX_UPLOAD_BYTES — so an oversized file is never
# held. Files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory; the form
# fields besides files stay within DATA_UPLOAD_MAX_MEMORY_SIZE. 200 MB holds a 1,000,000-row
# import (an organisational series is ~40 bytes a row, an RPIW report row ~150 bytes).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_MB", default=200) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "vmi_programme.imports.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kpo@vmi-programme.invalid")

# Production hardening: HTTPS_ONLY=1 behind a TLS-terminating proxy.
if env("HTTPS_ONLY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Sessions on shared NHS workstations: signed out after 30 minutes idle and 10 hours after
# sign-in whatever the activity (middleware.SessionLifetimeMiddleware). The idle clock is
# renewed by saving the session at most once a minute (SESSION_RENEW_AFTER), not on every
# request: a session write per page view would be a database write per page at scale.
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_AFTER = 60
SESSION_ABSOLUTE_AGE = 10 * 60 * 60

# Sign-in lockout (django-axes) on /login/, /admin/login/ and /api/auth/token/: 5 failures for a
# username from one address lock that pair out for 15 minutes; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vmi_programme.accounts.lockout_response"

# Single sign-on by OpenID Connect (vmi_programme/oidc.py, README "Single sign-on", ADR 14):
# OIDC_PROVIDERS a JSON list of providers (key, name, issuer, client_id, client_secret, ...),
# OIDC_GROUP_ROLES a JSON object from a group claim's group to a trust's roles.
# PASSWORD_SIGNIN=off hides the password form and refuses its POSTs (the embedded demo keeps it).
OIDC_PROVIDERS = env.json("OIDC_PROVIDERS", default=[])
OIDC_GROUP_ROLES = env.json("OIDC_GROUP_ROLES", default={})
PASSWORD_SIGNIN = env.bool("PASSWORD_SIGNIN", default=True)
# Signing out posts a form that redirects to the provider's end-session page: CSP's form-action
# must allow the providers' origins.
OIDC_FORM_ACTION_ORIGINS = sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(str(provider["issuer"])))
        for provider in OIDC_PROVIDERS
        if isinstance(provider, dict) and provider.get("issuer")
    }
)

# Content-Security-Policy (django-csp): everything from this site, nothing from a CDN. Scripts
# are our static files (Plotly, charts.js, NHS.UK frontend) plus base.html's two small inline
# scripts, which carry the request's nonce. Styles allow 'unsafe-inline' because Plotly writes
# inline styles and <style> rules as it draws, and the templates still have style attributes.
# Chart data travels in <script type="application/json"> blocks, which CSP does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # the NHS.UK frontend's and Swagger UI's inline SVG icons
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *OIDC_FORM_ACTION_ORIGINS],
        "frame-ancestors": [NONE],
    },
}

# One cache for the API's throttling counts; set CACHE_URL=redis://... so that every web
# process shares them.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# scripts/benchmark.py's baseline page (/bench/bare/); never on in production.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# Celery: with no broker configured, tasks run in-process (eager) for the first run.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="vmi")
# The dashboards' read model (ADR 18): a page whose figures were never built builds them in the
# request when this is on (the embedded default, where jobs run in-process anyway), otherwise a
# job builds them and the page shows its progress.
READ_MODEL_BUILD_INLINE = env.bool("READ_MODEL_BUILD_INLINE", default=CELERY_TASK_ALWAYS_EAGER)
# Rendered panels are cached under their snapshot's build, so a refresh replaces them anyway.
READ_MODEL_RENDER_CACHE_SECONDS = env.int("READ_MODEL_RENDER_CACHE_SECONDS", default=24 * 3600)
# Stored figures nobody has read for this many days are deleted nightly (built again if viewed).
READ_MODEL_PRUNE_DAYS = env.int("READ_MODEL_PRUNE_DAYS", default=30)
# A refresh leaves figures whose inputs are still being computed for the refresh that follows,
# unless they are older than this (a long recompute still shows figures this fresh).
READ_MODEL_MAX_DEFER_SECONDS = env.int("READ_MODEL_MAX_DEFER_SECONDS", default=15 * 60)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Jobs always finish (ADR 12): a running job's worker records a heartbeat every
# JOBS_HEARTBEAT_SECONDS; jobs.reap() (beat, every minute, and on worker start) re-queues or
# fails a running job silent for JOBS_STALE_AFTER_SECONDS, re-sends a job left queued for
# JOBS_QUEUED_STALE_AFTER_SECONDS (a broker restarted without persistence) and fails one queued
# for JOBS_GIVE_UP_AFTER_SECONDS. A kind runs at most its time limit (JOBS_DEFAULT_TIME_LIMIT
# unless its @job_kind says otherwise, never over JOBS_MAX_TIME_LIMIT).
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=30)
JOBS_STALE_AFTER_SECONDS = env.float("JOBS_STALE_AFTER_SECONDS", default=120)
JOBS_QUEUED_STALE_AFTER_SECONDS = env.float("JOBS_QUEUED_STALE_AFTER_SECONDS", default=300)
JOBS_GIVE_UP_AFTER_SECONDS = env.float("JOBS_GIVE_UP_AFTER_SECONDS", default=24 * 3600)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=3)
JOBS_DEFAULT_TIME_LIMIT = env.int("JOBS_DEFAULT_TIME_LIMIT", default=15 * 60)
JOBS_MAX_TIME_LIMIT = 60 * 60
# An unacknowledged message goes back to the queue after visibility_timeout: longer than the
# longest job, so a job still running is never handed to a second worker by Redis itself.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "visibility_timeout": JOBS_MAX_TIME_LIMIT + 10 * 60,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "rpiw-followup-reminders": {  # daily, after the morning huddles
        "task": "rpiw.tasks.send_followup_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "reap-jobs": {  # re-queues or fails jobs whose worker died, re-sends jobs the broker lost
        "task": "vmi_programme.tasks.reap_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},  # with no worker, reap messages do not pile up
    },
    "apply-retention": {  # nightly: pseudonymise survey records past retention (PRIVACY.md)
        "task": "vmi_programme.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=15),
    },
    "prune-snapshots": {  # nightly: stored dashboard figures nobody reads (ADR 18)
        "task": "dashboards.tasks.prune_snapshots",
        "schedule": crontab(hour=2, minute=45),
    },
}
# How long survey responses (their invitations) and name-generator nominations name the people
# in them, in days after their wave closed; then privacy.apply_retention pseudonymises them.
PRIVACY_SURVEY_RESPONSE_RETENTION_DAYS = env.int(
    "PRIVACY_SURVEY_RESPONSE_RETENTION_DAYS", default=3 * 365
)
PRIVACY_NOMINATION_RETENTION_DAYS = env.int("PRIVACY_NOMINATION_RETENTION_DAYS", default=3 * 365)

# Sustainment of RPIW measures (rpiw/sustainment.py, docs/SUSTAINMENT.md): at 60/90/120 days a
# measure keeping at least "sustained" of its 30-day improvement is sustained, one keeping at
# most "lost" has lost it, anything between is partly sustained. Shares, 0 ≤ lost < sustained.
SUSTAINMENT = {"sustained": 0.8, "lost": 0.2}

REST_FRAMEWORK = {
    # Token first, so an unauthenticated API call gets 401 with a WWW-Authenticate header.
    # django-rest-knox tokens: `Authorization: Token <key>`, stored hashed, expiring, revocable.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Anonymous calls that get this far are sign-ins at /api/auth/token/.
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute", "user": "1000/hour"},
    "DEFAULT_PERMISSION_CLASSES": ["vmi_programme.api_permissions.AccessPolicyPermission"],
    # Bounded work per page: ?page_size= up to 200 and a count capped at 10,000 rows (ADR 10).
    "DEFAULT_PAGINATION_CLASS": "vmi_programme.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter's and ?ordering=, refusing a value or field they cannot use
        # (vmi_programme/api_filters.py).
        "vmi_programme.api_filters.StrictFilterBackend",
        "vmi_programme.api_filters.StrictOrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    # drf-spectacular's, documenting the error answers of the one exception handler.
    "DEFAULT_SCHEMA_CLASS": "vmi_programme.api_schema.AutoSchema",
    # One error shape for every endpoint: Django's ValidationError, PermissionDenied, Http404
    # and refused deletes (409) are turned into responses there, never per view.
    "EXCEPTION_HANDLER": "vmi_programme.errors.api_exception_handler",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=10),  # a working day; sign in again for a new one
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    # The schema and the interactive docs are for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "TITLE": "VMI programme API",
    "DESCRIPTION": "Organisations, people, governance, compact, training, RPIWs, networks, impact.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps have a "status" or "direction" of their own: name each choice set once.
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "vmi_programme.models.jobs.JobStatus",
        "ImportStatusEnum": "vmi_programme.models.imports.ImportStatus",
        "MeetingStatusEnum": "governance.models.meetings.MeetingStatus",
        "AttendanceStatusEnum": "governance.models.meetings.AttendanceStatus",
        "ActionStatusEnum": "governance.models.meetings.ActionStatus",
        "ValueStreamStatusEnum": "rpiw.models.ValueStreamStatus",
        "MetricChangeStatusEnum": "rpiw.models.ChangeStatus",
        "RpiwStatusEnum": "rpiw.models.RpiwStatus",
        "DirectionEnum": "rpiw.models.Direction",  # the same higher/lower set as boards use
        "SeriesDirectionEnum": "impact.models.Direction",
        "BreachStateEnum": "compact.models.BreachState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
