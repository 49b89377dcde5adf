"""Show PostgreSQL's plan for the inbox's queries on a large, synthetic table.

Usage: scripts/with_postgres.sh .venv/bin/python bench/inbox_plans.py [ROWS]   (default 200000)
Migrates the throwaway database, inserts ROWS fake requests (5% open, 1% urgent) with SQL,
and prints EXPLAIN ANALYZE for the default inbox view and each search and filter, so you can
check each uses an index. Name search is a deliberate sequential ILIKE scan: fine for the few
thousand requests a clinic gets in a year. Never point it at a real database: it writes rows.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bookings.choices import OPEN_STATUSES  # noqa: E402
from bookings.models import ConsultationRequest  # noqa: E402

FILL = """
INSERT INTO bookings_consultationrequest (
  reference, form_token, created, updated, first_name, last_name, preferred_name, email,
  email_normalised, phone, preferred_contact, ok_voicemail, ok_text, ok_name_clinic, best_times,
  state, conditions, message, how_heard, is_adult, privacy_notice_version, consented_at,
  came_from, status, urgent, spam_reason, legal_hold)
SELECT 'R' || lpad(to_hex(i), 7, '0'), gen_random_uuid(), now() - i * interval '1 minute', now(),
  'First' || i, 'Last' || i, '', 'p' || i || '@example.com', 'p' || i || '@example.com',
  '+1503' || lpad((i %% 10000000)::text, 7, '0'), 'call', true, false, false, '{morning}', 'OR',
  CASE WHEN i %% 7 = 0 THEN '{ptsd}'::varchar[] ELSE '{depression}'::varchar[] END, '', '', true,
  'v1', now(), '', CASE WHEN i %% 20 = 0 THEN 'new' ELSE 'closed' END, i %% 100 = 0, '', false
FROM generate_series(1, %s) AS i
"""


def explain(title: str, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql, params)
        plan = "\n    ".join(row[0] for row in cursor.fetchall())
    sys.stdout.write(f"== {title}\n    {plan}\n")


def main(rows: int) -> None:
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(FILL, [rows])
        cursor.execute("ANALYZE bookings_consultationrequest")
    requests = ConsultationRequest.objects
    explain("default inbox", requests.filter(status__in=OPEN_STATUSES).inbox_order()[:100])
    explain("search: reference", requests.filter(reference="R0000abc"))
    explain("search: email", requests.filter(email_normalised="p77@example.com"))
    explain("search: phone", requests.filter(phone="+15030000077"))
    explain("search: name (ILIKE, no index)", requests.filter(last_name__icontains="last777"))
    explain("filter: condition", requests.filter(conditions__contains=["ptsd"])[:100])
    explain("filter: status", requests.filter(status="new").order_by("-urgent", "created")[:100])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
