"""Settings for the clinic site, read from environment variables.

Every variable is listed, with its default, in `.env.example` and in the README. With DEBUG off
(the default), a missing SECRET_KEY, ALLOWED_HOSTS or DATABASE_URL stops start-up with a clear
message rather than falling back to something unsafe.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Return an environment variable, treating an empty value as unset."""
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name: str, default: bool) -> bool:
    """Return an environment variable read as a yes/no flag."""
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    """Return an environment variable read as a whole number."""
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated environment variable as a list."""
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def env_required(name: str, example: str) -> str:
    """Return a variable that production cannot run without, or fail loudly."""
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(
            f"The environment variable {name} is not set. It is required when DEBUG is off; "
            f"for example {name}={example}. See .env.example and the README."
        )
    return value


# Core
DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", "local-development-only-not-secret")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
else:
    SECRET_KEY = env_required("SECRET_KEY", "a-long-random-string")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
        env_required("ALLOWED_HOSTS", "www.example-clinic.com")
    ]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.redirects",
    "django.contrib.sites",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "pages",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic_site.middleware.CSPMiddleware",  # django-csp's, with the policy built once
    "clinic_site.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "clinic_site.urls"
WSGI_APPLICATION = "clinic_site.wsgi.application"
SITE_ID = 1

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
                "pages.context_processors.clinic",
            ],
        },
    },
]

# Database
# One URL, e.g. postgres://user:password@host:5432/dbname. Connections are kept open between
# requests (CONN_MAX_AGE): opening one per request costs about 5x in throughput, and health
# checks replace a connection the server dropped (a restart, a failover) instead of erroring.
if DEBUG:
    _database_url = env("DATABASE_URL")
    if _database_url is None:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. `make run` sets it for you; otherwise point it at "
            "PostgreSQL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic"
        )
else:
    _database_url = env_required("DATABASE_URL", "postgres://user:password@db-host:5432/clinic")
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
# Django's backend with a health check that needs no round trip (see the module).
DATABASES["default"]["ENGINE"] = "clinic_site.postgres"
DATABASES["default"].setdefault("OPTIONS", {})
# A request that cannot reach the database fails fast with a clear page instead of hanging.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache
# CACHE_URL picks where the cache lives. Several app servers must share one (redis://...) so
# that rate limits and page invalidation hold across them; the default keeps it in PostgreSQL
# (table created by `manage.py createcachetable`), which every app server already shares.
_cache_url = env("CACHE_URL", "db://django_cache")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "clinic_site.dbcache.DatabaseCache",  # set() in one statement
            "LOCATION": _cache_url.removeprefix("db://") or "django_cache",
            # Django's default of 300 rows would cull live rate-limit counts (one per visitor
            # address) on a busy day; expired rows go first when it does cull.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
elif _cache_url.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must start with redis://, rediss://, db:// or locmem://.")

# Background tasks
# Notifications are queued in PostgreSQL in the same transaction as the request they belong to,
# and sent by `manage.py db_worker` (see the README): a mail outage delays them, loses none.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Authentication
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ADMIN_PATH = env("ADMIN_PATH", "admin/").strip("/") + "/"
LOGIN_URL = f"/{ADMIN_PATH}login/"

# Internationalisation
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# Static files
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names: browsers may cache them forever (whitenoise marks them
    # immutable), and a new deploy changes the names.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Email
# In DEBUG, mail is printed to the console. In production the SMTP server comes from EMAIL_*.
if DEBUG and env("EMAIL_HOST") is None:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Clinic website <no-reply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The front-desk mailbox told that a new request arrived (never what it says).
STAFF_NOTIFICATION_EMAIL = env("STAFF_NOTIFICATION_EMAIL", "frontdesk@example.com")
# The public address of the site, used to build links in emails (no trailing slash).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # set by the TLS proxy
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # article paths never leave the site in a Referer
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# Only first-party resources, no inline script or style: a health site sends its readers to
# nobody else, and the policy can stay this strict because the templates never inline anything.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": "/csp-report/",
    },
}

# Request limits
# Django's limits set deliberately (the patient forms are small; article bodies are the largest
# thing staff post). A body over the limit gets a 400 page before any view reads it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400  # the admin's bulk actions post one field per row
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
# A bad or missing CSRF token (an expired form, cookies off) gets a page for patients.
CSRF_FAILURE_VIEW = "clinic_site.views.csrf_failure"
MIDDLEWARE += ["clinic_site.middleware.MethodNotAllowedPageMiddleware"]  # 405 with a page
# CSP violation reports: bigger bodies are refused, and one client may send this many a minute.
CSP_REPORT_MAX_BYTES = 8 * 1024
CSP_REPORTS_PER_MINUTE = env_int("CSP_REPORTS_PER_MINUTE", 20)

# Staff sign-in
# Admin logins are throttled (django-axes), staff who can read consultation requests must use a
# second factor (django-otp), and idle staff sessions end. See "Security checklist" in the README.
INSTALLED_APPS += [  # listed here so that this section reads on its own
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "staff",
]
MIDDLEWARE += [
    # After AuthenticationMiddleware: marks request.user verified once a second factor matched.
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.IdleSessionTimeoutMiddleware",
    "staff.middleware.RequireTwoFactorMiddleware",
    # Last, as axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user or client
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins before a username, and separately a client address, is locked out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
# Minutes until a lockout lifts by itself; 0 keeps it until a superuser unlocks it.
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 60)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60 if AXES_COOLOFF_MINUTES else None  # hours
AXES_RESET_ON_SUCCESS = True  # a good sign-in forgives earlier typos
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# The visitor's address as the consultation rate limit sees it: behind a proxy, set
# CONSULTATION_TRUSTED_PROXY_COUNT, or one person's typos lock out everyone behind the proxy.
AXES_CLIENT_IP_CALLABLE = "bookings.ratelimit.client_ip"
# The permission that makes a second factor compulsory (checked by name: superusers have it).
TWO_FACTOR_PERMISSION = "bookings.view_consultationrequest"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Clinic staff")  # the name shown in the phone app
# Staff sessions end after this many minutes without a request, and when the browser closes.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)  # hard cap: one working day

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Clinic
# Crisis numbers shown on every page. Staff can reword the line in the admin (Clinic profile);
# these are its starting values and the fallback if the profile cannot be read.
CRISIS_LINE = {
    "crisis_number": "988",
    "crisis_name": "988 Suicide & Crisis Lifeline",
    "crisis_chat_url": "https://988lifeline.org",
    "emergency_number": "911",
}
# Bump when the privacy notice text changes; each consent records the version it agreed to.
PRIVACY_NOTICE_VERSION = "2026-11-21"

# Consultation requests
# Successful form submissions allowed per visitor (by IP address) per hour ("5/h") or day ("20/d").
CONSULTATION_RATE_LIMIT = env("CONSULTATION_RATE_LIMIT", "5/h")
# A form sent back faster than a person can type is kept, but marked as spam.
CONSULTATION_MIN_FILL_SECONDS = env_int("CONSULTATION_MIN_FILL_SECONDS", 4)
# How many proxies (load balancer, CDN) sit in front of the app and append to X-Forwarded-For.
# 0 means the app is reached directly and REMOTE_ADDR is the visitor; never trust the header then.
CONSULTATION_TRUSTED_PROXY_COUNT = env_int("CONSULTATION_TRUSTED_PROXY_COUNT", 0)
# The inbox highlights open requests older than this many hours (the front desk's target).
INBOX_TARGET_HOURS = env_int("INBOX_TARGET_HOURS", 24)
# Closed requests older than this many days are anonymised by `manage.py anonymise_requests`.
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)
# A notification email that fails is retried this many times, waiting longer each time.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 10)
# The first retry waits this many seconds; each later one waits twice as long, up to an hour.
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)

# Logging
# One line per event on stderr, for the process manager to collect. Request bodies and form
# values are never logged: they may hold health information.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Rejected requests (bad Host, oversized body, broken upload: a 4xx) are expected traffic: log
# them as one line each, without a traceback. A 500 keeps its traceback.
LOGGING["filters"] = {
    "client_errors_one_line": {"()": "clinic_site.log_filters.DropTraceback"},
    "no_debug": {"()": "clinic_site.log_filters.DropDebug"},
}
LOGGING["handlers"]["console"]["filters"] = ["client_errors_one_line"]
# Even at LOG_LEVEL=DEBUG: the template engine's debug lines quote the whole page context
# (the request with its query string, form values), so they are dropped at the source.
LOGGING["loggers"]["django.template"] = {"filters": ["no_debug"]}
# First, so that its one line per request (clinic_site.request) times and sees every response.
MIDDLEWARE.insert(0, "clinic_site.middleware.RequestLogMiddleware")

# Page cache
# Anonymous visitors get public pages from the cache (clinic_site/cache.py); staff edits retire
# them at once, so this only bounds how long an unchanged page is kept. 0 turns the cache off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
# Cached pages are answered right after static files, before sessions, CSRF and auth run.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "clinic_site.cache.PageCacheMiddleware",
)
