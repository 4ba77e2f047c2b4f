"""BlinaTrial EDC settings: one module, read from the environment with embedded defaults.

With nothing set, the app runs on a private PostgreSQL (pgserver wheel) with Celery tasks run
inline. Production sets DATABASE_URL, CELERY_BROKER_URL, DJANGO_DEBUG=false, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DJANGO_CSRF_TRUSTED_ORIGINS (see .env.example).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation as _translation

from blinatrial import dates as _dates
from blinatrial import wording as _wording

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in {"true", "false", "1", "0"}:
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', got {raw!r}")
    return raw.lower() in {"true", "1"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if raw in (None, "") else float(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", True)
DEV_SECRET_KEY = "dev-only-insecure-blinatrial-key"  # noqa: S105  # nosec B105
# The development key is refused below when DEBUG is off.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "integrity",
    "enrollment",
    "cycles",
    "assessments",
    "safety",
    "endpoints",
    "exports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the page: the browser's (Accept-Language) or the switcher's cookie, until a user signs in.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed its second factor (django-otp; the authenticator is read
    # with the user, blinatrial.auth).
    "blinatrial.middleware.TrialOTPMiddleware",
    # A signed-in user's language preference (read with the user, no query of its own).
    "blinatrial.middleware.UserLanguageMiddleware",
    "blinatrial.middleware.IdleSessionMiddleware",
    # Deny by default: every view needs a login unless decorated with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in session that owes its second factor (or, for investigators and data managers, an enrolment)
    # reaches nothing but the code or enrolment page.
    "blinatrial.middleware.TwoFactorMiddleware",
    # A user of one site sees every page's times in that site's zone (blinatrial.template_dates).
    "blinatrial.middleware.SiteTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A bad query parameter (blinatrial.params.BadQuery) is a 400 page saying what was wrong.
    "blinatrial.params.BadQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records the user and URL of every change in the audit trail's context.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "blinatrial.urls"
WSGI_APPLICATION = "blinatrial.wsgi.application"

TEMPLATES = [
    # crispy-forms' bootstrap5 field template written in Python (blinatrial.form_html; every other name: next engine)
    {"BACKEND": "blinatrial.form_html.FieldTemplates", "NAME": "fields", "DIRS": [], "APP_DIRS": False},
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blinatrial.access.navigation",
                "blinatrial.template_dates.time_zone_note",
            ],
            "builtins": ["blinatrial.template_dates", "blinatrial.template_links"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATA_DIR = Path(os.environ.get("BLINATRIAL_DATA_DIR", BASE_DIR / ".data"))
# DATABASE_URL: the application's role (owns no table). DATABASE_MIGRATION_URL: the owner's user and password,
# used by `migrate` only (blinatrial.db_roles); unset, the application's own user migrates (no split).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_MIGRATION_URL = os.environ.get("DATABASE_MIGRATION_URL", "")
if not DATABASE_URL:
    from blinatrial.embedded_db import embedded_database_urls

    DATABASE_URL, DATABASE_MIGRATION_URL = embedded_database_urls(DATA_DIR / "pg")
# Persistent connections are checked before each request reuses them: PostgreSQL (or a proxy) may have
# dropped an idle one, and the first request on that worker would otherwise fail.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
DATABASE_APP_ROLE = DATABASES["default"]["USER"]
_owner = dj_database_url.parse(DATABASE_MIGRATION_URL) if DATABASE_MIGRATION_URL else None
DATABASE_OWNER = (
    {"USER": _owner["USER"], "PASSWORD": _owner["PASSWORD"]}
    if _owner is not None and _owner["USER"] != DATABASE_APP_ROLE
    else None
)
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("BlinaTrial EDC needs PostgreSQL (its audit trail lives in database triggers).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication, sessions, lockout ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "blinatrial.auth.TrialModelBackend",  # ModelBackend, reading the roles and sites with the user
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# The 30 minutes count from the last request (an idle timeout): see blinatrial.middleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.5)
# A username is locked from one address at a time: anyone who knows an investigator's username could otherwise
# lock them out at will from anywhere. The price: an attacker who changes address gets 5 more guesses per address
# (the second factor stands behind the password of the roles that sign and lock). Wrong second-factor codes count
# too (integrity.two_factor), and a success resets the count only once both factors passed.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Reverse proxies in front of the app that append to X-Forwarded-For (docker-compose's nginx: 1; 0 when clients
# reach the app directly): the lockout and the security log then see the client, not the proxy.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "blinatrial.client_ip.client_ip"

# --- Two-factor sign-in (django-otp: TOTP, recovery codes) -----------------------------------
OTP_TOTP_ISSUER = "BlinaTrial EDC"
# A password that passed waits this long for its code before the sign-in starts again.
TWO_FACTOR_PENDING_SECONDS = env_int("TWO_FACTOR_PENDING_SECONDS", 300)

# --- Security (production) ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# BLINATRIAL_LOCAL_HTTP=true (`make run` only): DEBUG off, as users will see the app, but served over plain http on
# this machine, so no https redirect, no secure-only cookies, no HSTS. Never in a deployment: check --deploy warns.
LOCAL_HTTP = env_bool("BLINATRIAL_LOCAL_HTTP", False)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not LOCAL_HTTP)
    SESSION_COOKIE_SECURE = not LOCAL_HTTP
    CSRF_COOKIE_SECURE = not LOCAL_HTTP
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if LOCAL_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this server only; no inline script
# or style anywhere (templates use classes and static/js files), no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons (menu, select arrows) as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- REST API (api/: Django REST framework, OpenAPI by drf-spectacular) ------------------------
# A program authenticates with an API token (Authorization: Bearer <key>) and acts as the token's user. A signed-in
# browser session reads too (the documentation page), and its writes need the CSRF token like any form.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Requests per token (per user for a browser session); counted in the default cache.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1000/hour")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100)
SPECTACULAR_SETTINGS = {
    "TITLE": "BlinaTrial EDC API",
    "DESCRIPTION": "Read the trial's participants, clinical forms, audit trail, data queries and stored endpoint "
    "results of your sites; enter and correct marrow, blood count and MRD records. Authenticate with "
    "`Authorization: Bearer <key>` (Account > API tokens).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema and docs: signed in or a token
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Enums stay inline in each field (no postprocess_schema_enums): the forms share choice sets under different
    # field names, and the enum component hook would warn about (and arbitrarily name) each shared set.
    "POSTPROCESSING_HOOKS": ["api.schema_hooks.add_error_responses"],
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
# A new site's time zone (IANA name), in which its date-times are entered and shown; stored in UTC. The trial's
# sites are in China.
SITE_TIME_ZONE = os.environ.get("SITE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
# The interface in English and Simplified Chinese (README "Languages"): each name in its own language, for the
# switcher. A signed-in user's choice is kept on their profile (blinatrial.middleware.UserLanguageMiddleware);
# the sign-in page follows the browser (LocaleMiddleware). Stored codes, the audit trail, exports and the API
# are the same in every language.
LANGUAGES = [("en-gb", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
_dates.set_language_source(_translation.get_language)
# The pure modules' messages (rules, calculations) in the active language: blinatrial/wording.py.
_wording.install(
    gettext=_translation.gettext, pgettext=_translation.pgettext, gettext_lazy=_translation.gettext_lazy,
    pgettext_lazy=_translation.pgettext_lazy, get_language=_translation.get_language,
    override=_translation.override,
)
USE_TZ = True
# Dates as a person reads them (29 Nov 2026) on every page: blinatrial/dates.py, through the language's formats.
FORMAT_MODULE_PATH = ["blinatrial.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", DATA_DIR / "media"))
EXPORT_ROOT = Path(os.environ.get("BLINATRIAL_EXPORT_ROOT", DATA_DIR / "exports"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's widget templates for inputs, selects and textareas written in Python (the same characters; issue 18)
FORM_RENDERER = "blinatrial.form_html.WidgetRenderer"

# --- Cache ------------------------------------------------------------------------------------
# Django's cache holds the dashboard's rendered pages. Several web servers (docker compose --scale web=2) share
# them through Redis, REDIS_CACHE_URL (e.g. redis://redis:6379/1); unset (`make run`, one process), a local
# memory cache. A dead or hung Redis costs the cache, never the page: short socket timeouts and no retry, as for
# the broker, and the callers take a cache error for a miss (blinatrial.page_cache).
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
CACHE_SOCKET_TIMEOUT = env_float("CACHE_SOCKET_TIMEOUT", 0.3)


def redis_cache(url: str, socket_timeout: float) -> dict:
    """Django's Redis cache backend that gives up on a dead or hung server within `socket_timeout` seconds."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "blinatrial",
        "OPTIONS": {
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
            "retry": Retry(NoBackoff(), 0),  # one try: a retry would double the wait on a hung server
        },
    }


CACHES = {
    "default": redis_cache(REDIS_CACHE_URL, CACHE_SOCKET_TIMEOUT)
    if REDIS_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "blinatrial"}
}

# --- Celery -----------------------------------------------------------------------------------
# No broker configured: tasks run inline (eager), so a fresh clone needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# kombu's Redis transport with two fixes that keep a worker alive through a Redis outage (see the module).
if not CELERY_BROKER_URL or CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "blinatrial.broker_transport:Transport"
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # progress and results live in PostgreSQL, not in Redis
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = ["blinatrial.tasks"]
# A dead or hung Redis must never hold a web request: short socket timeouts and one quick
# publish retry. The beat reconciliation recomputes whatever a lost message missed. (These bounded retries
# did not kill workers in Redis outages: that was kombu closing a channel twice, see blinatrial/broker_transport.py.)
BROKER_SOCKET_TIMEOUT = env_float("BROKER_SOCKET_TIMEOUT", 0.3)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker and beat wait for Redis however long it is away (Celery gives up after 100 attempts by default).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE = {
    "reconcile-endpoints": {
        "task": "endpoints.tasks.reconcile_endpoints",
        "schedule": env_float("ENDPOINT_RECONCILE_SECONDS", 60.0),
    },
    "sweep-edit-checks": {
        "task": "integrity.tasks.sweep_edit_checks",
        "schedule": env_float("EDIT_CHECK_SWEEP_SECONDS", 3600.0),
    },
    # An SAE whose 24-hour reporting clock ran out gets one overdue notice (claimed, so sent once).
    "sae-overdue-notices": {
        "task": "safety.tasks.send_overdue_sae_notices",
        "schedule": env_float("SAE_OVERDUE_CHECK_SECONDS", 300.0),
    },
}
# Debounce window for endpoint recomputes after a burst of saves (seconds).
ENDPOINT_DEBOUNCE_SECONDS = env_float("ENDPOINT_DEBOUNCE_SECONDS", 0.5)
# Plots are drawn this long after the numbers are stored; by then a newer result (a burst of saves) makes the
# drawing of the older one a no-op, so seconds of matplotlib never hold the next recompute back.
ENDPOINT_PLOT_DELAY_SECONDS = env_float("ENDPOINT_PLOT_DELAY_SECONDS", 3.0)

# --- E-mail (SAE notifications) ---------------------------------------------------------------
# Development and the demo print mails on the console; production sends through SMTP (EMAIL_HOST ...).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "blinatrial-edc@localhost")
# Who else gets every SAE notice (e.g. the sponsor's pharmacovigilance desk), besides the site's staff.
SAE_NOTIFICATION_EMAILS = env_list("SAE_NOTIFICATION_EMAILS", ["pharmacovigilance@localhost"] if DEBUG else [])
# The address of the app in links sent by e-mail.
SITE_URL = os.environ.get("BLINATRIAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Audit trail (django-pghistory) ---------------------------------------------------------
PGHISTORY_APPEND_ONLY = True  # audit rows cannot be updated or deleted: a database trigger refuses
# No "all events" admin page: it is a UNION over every event table sorted and counted on each request (38 s
# once the trail had grown in one test run). Each model's events stay in the admin, and the audit-trail page
# (integrity) is the indexed, site-scoped way to read them.
PGHISTORY_ADMIN_ALL_EVENTS = False

# --- Demo -----------------------------------------------------------------------------------
DEMO_ALLOWED = env_bool("BLINATRIAL_DEMO_ALLOWED", DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
