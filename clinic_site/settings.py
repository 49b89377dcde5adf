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
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "pages",
    "bookings",
    "staff",
]

MIDDLEWARE = [
    # First, so that its one line per request (clinic_site.request) sees every response.
    "clinic_site.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered before sessions or the database are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A browser checking back on a page it has gets a 304 when nothing changed.
    "django.middleware.http.ConditionalGetMiddleware",
    # The page cache (see "Page cache" below): stores pages on the way out. It must come before
    # anything that adds a Vary header (sessions).
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers from the page cache. Django's middleware order asks only that it come after
    # what changes the Vary header (sessions): here, a kept page skips the work below, whose
    # headers (CSP, X-Frame-Options, Permissions-Policy) it was kept with.
    "django.middleware.cache.FetchFromCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After AuthenticationMiddleware: marks request.user verified once a second factor matched.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic_site.middleware.PermissionsPolicyMiddleware",
    "staff.middleware.StaffPagesArePrivateMiddleware",
    "staff.middleware.IdleSessionTimeoutMiddleware",
    "staff.middleware.RequireTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Refuses methods the site never uses, with a page (405) instead of a CSRF failure.
    "clinic_site.middleware.MethodNotAllowedPageMiddleware",
    # Turns a locked-out sign-in into the lockout page; axes asks to be after the rest.
    "axes.middleware.AxesMiddleware",
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
# requests (CONN_MAX_AGE), and Django's health checks (CONN_HEALTH_CHECKS) replace a
# connection the server dropped (a restart, a failover) instead of failing the request.
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
DATABASES["default"].setdefault("OPTIONS", {})
# A request that cannot reach the database fails fast with a clear page instead of hanging.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
# Values travel apart from the SQL ($1, $2 ...), so a statement PostgreSQL logs on an error
# (log_min_error_statement) never carries what a patient typed.
DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Cache
# Two caches, each named by a URL: redis://host:6379/0, db://<table> (PostgreSQL, table made by
# `manage.py createcachetable`) or locmem:// (one process only: never with several workers).
# "default" holds the rate-limit counters; "pages" holds whole public pages for anonymous
# visitors and is emptied whenever staff change content, so it must not share a Redis database
# with "default". Several app servers must share both (the database or one Redis).
def cache_from_url(url: str) -> dict:
    """Return one CACHES entry for a cache URL."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("db://"):
        # Django's default of 300 rows would cull live rate-limit counts on a busy day.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.removeprefix("db://"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url.removeprefix("locmem://"),
        }
    raise ImproperlyConfigured(
        f"A cache URL starts with redis://, db:// or locmem://, not {url!r}."
    )


CACHES = {
    "default": cache_from_url(env("CACHE_URL", "db://django_cache")),
    "pages": cache_from_url(env("PAGE_CACHE_URL", "db://django_page_cache")),
}
if CACHES["pages"] == CACHES["default"]:
    raise ImproperlyConfigured(
        "PAGE_CACHE_URL must differ from CACHE_URL: the page cache is emptied on every content "
        "change (use another Redis database number, e.g. redis://host:6379/1)."
    )

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
# Call reminders by text: the dotted path of a function send(to=, body=) from a text provider's
# library. Empty (the default) sends no texts at all; the reminders command says so.
TEXT_MESSAGE_BACKEND = env("TEXT_MESSAGE_BACKEND", "")

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
# CSP violation reports: bigger bodies are refused, and one client may send this many a minute.
CSP_REPORT_MAX_BYTES = 8 * 1024
CSP_REPORTS_PER_MINUTE = env_int("CSP_REPORTS_PER_MINUTE", 20)

# Staff sign-in
# Admin logins are throttled (django-axes), every staff account signs in with a second factor
# (django-otp), and idle staff sessions end. See "Security checklist" in the README.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user or client
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords before a lock. Two locks count them: one username from one address (so a
# stranger cannot lock the director out everywhere), and one address across all usernames
# (so one address cannot guess its way through the staff list).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Minutes until a lockout lifts by itself; 0 keeps it until a superuser unlocks it.
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 60)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60 if AXES_COOLOFF_MINUTES else None  # hours
AXES_RESET_ON_SUCCESS = True  # a good sign-in forgives earlier typos
AXES_LOCKOUT_TEMPLATE = "staff/locked_out.html"
# Masked in axes's log lines and in the form data kept with a failed attempt (the password
# always is). `next` is the admin page staff were going to, whose query may hold a patient's
# email or search words.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next"]
# The visitor's address as the consultation rate limit sees it: behind a proxy, set
# CONSULTATION_TRUSTED_PROXY_COUNT, or one person's typos lock out everyone behind the proxy.
AXES_CLIENT_IP_CALLABLE = "clinic_site.ratelimit.client_ip"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Clinic staff")  # the name shown in the phone app
# The admin never shows a saved device's secret key, QR code or recovery codes, not even to a
# superuser (who could otherwise copy a colleague's second factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Staff sessions end after this many minutes without a request, and when the browser closes.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)  # hard cap: one working day

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Clinic
# The clinic's name, phone, hours and crisis lines are one row edited in the admin (Clinic
# profile, pages.models.ClinicProfile), shown on every page.
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
# Urgent requests (crisis words) have a target of their own, in hours.
URGENT_TARGET_HOURS = env_int("URGENT_TARGET_HOURS", 1)
# After this many tries without reaching the patient, the inbox suggests "No response".
CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE = env_int("CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE", 3)
# Closed requests older than this many days are anonymised by `manage.py anonymise_requests`.
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)
# A notification email that fails is retried this many times, waiting longer each time.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 10)
# The first retry waits this many seconds; each later one waits twice as long, up to an hour.
NOTIFICATION_RETRY_SECONDS = env_int("NOTIFICATION_RETRY_SECONDS", 60)

# Articles: clinical sign-off (see "Editing articles" in the README)
# On (the default), an article's text goes live only with a clinician's approval of that exact
# text. Off only for a site with no clinical content to sign off.
REQUIRE_CLINICAL_APPROVAL = env_bool("REQUIRE_CLINICAL_APPROVAL", True)
# Days an outside reviewer's emailed link works before it expires.
REVIEW_LINK_DAYS = env_int("REVIEW_LINK_DAYS", 7)
# The weekly review digest lists articles due for review within this many days.
REVIEW_DUE_SOON_DAYS = env_int("REVIEW_DUE_SOON_DAYS", 30)
# Articles overdue for review by more than this many days are escalated to the medical director.
REVIEW_ESCALATION_DAYS = env_int("REVIEW_ESCALATION_DAYS", 30)
# The medical director's email, for escalations; empty: the digest says nobody was told.
MEDICAL_DIRECTOR_EMAIL = env("MEDICAL_DIRECTOR_EMAIL", "")

# Logging
# One line per event on stderr, for the process manager to collect. Request bodies and form
# values are never logged: they may hold health information.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        # Rejected requests (bad Host, oversized body, broken upload: a 4xx) are expected
        # traffic: one line each, without a traceback. A 500 keeps its traceback.
        "client_errors_one_line": {"()": "clinic_site.log_filters.DropTraceback"},
        "no_debug": {"()": "clinic_site.log_filters.DropDebug"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Even at LOG_LEVEL=DEBUG: the template engine's debug lines quote the whole page
        # context (the request with its query string, form values), so they are dropped.
        "django.template": {"filters": ["no_debug"]},
    },
}

# Page cache
# Public pages are kept whole for anonymous visitors by Django's cache middleware, in the
# "pages" cache (PAGE_CACHE_URL), and the cache is emptied as soon as staff change any content
# (clinic_site/page_cache.py). Browsers may reuse a page for as long too: a visitor who has a
# page open sees an edit within this many seconds. 0 turns the page cache off.
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
CACHE_MIDDLEWARE_KEY_PREFIX = ""
