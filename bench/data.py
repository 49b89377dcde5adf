"""Benchmark data and in-process checks for bench/run.py (Django must be set up first).

Generates the consultation requests the inbox is measured with, signs a staff member in for
the inbox, builds POST bodies for the form, counts the inbox's SQL queries and shows the
query plans of the inbox searches.
"""

import contextlib
import datetime
import random
import urllib.parse
import uuid

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jon", "Kai"]
LAST = ["Alvarez", "Brown", "Chen", "Diallo", "Evans", "Fischer", "Garcia", "Haddad", "Ito"]
STATES = ["OR", "WA", "CA", "ID", "NV"]
CONDITIONS = ["depression", "anxiety", "ptsd", "ocd", "chronic_pain", "not_sure"]
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # bookings.services.REFERENCE_ALPHABET


def bookings_ready() -> bool:
    """Return True when the consultation request model exists (the bookings feature)."""
    try:
        apps.get_model("bookings", "ConsultationRequest")
    except LookupError:
        return False
    return True


def _reference(number: int) -> str:
    chars = ""
    for _ in range(7):
        number, digit = divmod(number, len(ALPHABET))
        chars += ALPHABET[digit]
    return f"{chars[:3]}-{chars[3:]}"


def _status(age_days: float, rng: random.Random) -> str:
    """Return a status typical for a request of this age: recent ones are still open."""
    if rng.random() < 0.04:
        return "spam"
    if age_days < 2:
        return rng.choice(["new", "new", "new", "contacting"])
    if age_days < 14:
        return rng.choice(["contacting", "scheduled", "new", "no_response"])
    return rng.choice(["closed", "became_patient", "not_a_fit", "no_response", "closed"])


def _request(model, number: int, now: datetime.datetime, rng: random.Random):
    age_days = 730 * rng.random()  # about 137 a day for two years
    created = now - datetime.timedelta(days=age_days)
    with_email = rng.random() < 0.8
    return model(
        reference=_reference(number),
        form_token=uuid.uuid4(),
        created=created,
        first_name=rng.choice(FIRST),
        last_name=rng.choice(LAST),
        email=f"person{number}@example.com" if with_email else "",
        email_normalised=f"person{number}@example.com" if with_email else "",
        phone=f"+1503555{number % 10000:04d}" if not with_email or rng.random() < 0.5 else "",
        preferred_contact="email" if with_email else "call",
        state=rng.choice(STATES),
        conditions=rng.sample(CONDITIONS, rng.randint(1, 2)),
        message="",
        is_adult=True,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=created,
        status=_status(age_days, rng),
        urgent=rng.random() < 0.02,
    )


@contextlib.contextmanager
def _keep_given_created(model):
    """Let bulk_create store the generated `created` instead of now (auto_now_add)."""
    field = model._meta.get_field("created")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def settle_database() -> None:
    """Let PostgreSQL finish background work before a measurement, instead of during it.

    Bulk writes (the generated requests, a POST run's thousands of rows) leave autovacuum and
    a checkpoint to do; on a 2-core machine they would take CPU from whichever target runs
    next. VACUUM (ANALYZE) and CHECKPOINT do that work now; CHECKPOINT needs a superuser or the
    pg_checkpoint role, and is skipped without one.
    """
    from django.db import DatabaseError

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError:
            pass


def generate_requests(count: int, *, batch: int = 2000) -> int:
    """Store `count` consultation requests spread over two years; return how many exist."""
    model = apps.get_model("bookings", "ConsultationRequest")
    rng = random.Random(42)
    now = timezone.now()
    with _keep_given_created(model):
        for start in range(0, count, batch):
            rows = [_request(model, n, now, rng) for n in range(start, min(start + batch, count))]
            model.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    return model.objects.count()


def consultation_count() -> int:
    return apps.get_model("bookings", "ConsultationRequest").objects.count()


def queued_task_count() -> int:
    """Return how many background tasks (notification emails) are queued or done."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def staff_client() -> Client:
    """Return a test client signed in as a superuser who has passed two-factor sign-in."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    user, _ = user_model.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def count_queries(client: Client, path: str) -> tuple[int, int, int]:
    """Return (status, SQL queries, of which on the cache table) of one GET via the client."""
    cache_table = settings.CACHES["default"].get("LOCATION", "")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    sql = [q["sql"] for q in queries.captured_queries]
    # Transaction statements around cache writes belong to the cache too.
    on_cache = sum(1 for q in sql if f'"{cache_table}"' in q or q in ("BEGIN", "COMMIT"))
    return response.status_code, len(sql), on_cache


def explain_search(client: Client, path: str, term: str) -> str:
    """Return the query plan of the inbox's list query searching all statuses for a term."""
    with CaptureQueriesContext(connection) as queries:
        client.get(path, {"q": term, "status": "all"})
    table = apps.get_model("bookings", "ConsultationRequest")._meta.db_table
    row_select = f'SELECT "{table}"."id",'  # the list itself, not its counts or dates
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(row_select)]
    if not selects:
        return "(no list query captured)"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + selects[-1])
        return "\n".join(row[0] for row in cursor.fetchall())


def form_bodies(count: int, csrf_token: str, run: int) -> list[str]:
    """Return urlencoded consultation form bodies, each with its own signed form token."""
    from bookings.forms import new_form_token

    bodies = []
    for n in range(count):
        fields = {
            "csrfmiddlewaretoken": csrf_token,
            "first_name": "Bench",
            "last_name": f"Visitor{n}",
            "email": f"bench-{run}-{n}@example.com",
            "phone": "",
            "preferred_contact": "email",
            "state": "OR",
            "conditions": "depression",
            "message": "I would like to know whether this could help me.",
            "is_adult": "on",
            "consent": "on",
            "token": new_form_token(),
            "website": "",
        }
        bodies.append(urllib.parse.urlencode(fields))
    return bodies
