"""Settings for the test suite: production settings with the few test-only overrides, in one place.

The database is real PostgreSQL from DATABASE_URL (`make test` starts a throwaway cluster).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The production caches: PostgreSQL's database cache (tables made when the test database is).
os.environ.setdefault("CACHE_URL", "db://django_cache")
os.environ.setdefault("PAGE_CACHE_URL", "db://django_page_cache")

from clinic_site.settings import *  # noqa: F403

# Plain storage: the manifest storage needs `collectstatic`, which tests do not run.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from static/ (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Browser tests reach live_server over plain HTTP; Secure cookies would not be sent back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Run queued tasks at once, in the same process. django-tasks 0.12's ImmediateBackend runs a task
# the moment it is enqueued (inside the caller's transaction, no on_commit) and cannot defer a
# retry; tests of the real queue, the worker and retries switch to django_tasks_db themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
