"""The drill's checks (scripts/drill.py): what was stored, delivered and blocked, printed."""

import json
import sys
import time
from collections import Counter

from drill_clients import MARKER, Clients
from drill_services import SmtpSink


def stored_markers(database_url: str) -> dict[str, list[dict]] | None:
    """Return the stored rows for each marker, or None if there is no request table."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        exists = connection.execute("SELECT to_regclass('bookings_consultationrequest')").fetchone()
        if exists[0] is None:
            return None
        rows = connection.execute(
            "SELECT row_to_json(r)::text FROM bookings_consultationrequest r"
        ).fetchall()
    stored: dict[str, list[dict]] = {}
    for (text,) in rows:
        for marker in set(MARKER.findall(text)):
            stored.setdefault(marker, []).append(json.loads(text))
    return stored


def wait_for_tasks(database_url: str, seconds: float = 60) -> Counter:
    """Wait until no notification task is waiting or running; return tasks by status."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            rows = connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        statuses = Counter(dict(rows))
        if statuses["READY"] + statuses["RUNNING"] == 0 or time.monotonic() > deadline:
            return statuses
        time.sleep(1)


STAFF_ADDRESS = "frontdesk@drill.example"


def check_results(clients: Clients, database_url: str, sink: SmtpSink, processes, limit) -> int:
    """Print the drill's counts; return the exit status (non-zero on loss, duplicates or 500s)."""
    tasks = wait_for_tasks(database_url)
    stored = stored_markers(database_url)
    outcomes = clients.outcomes
    confirmed = {m for m, outcome in outcomes.items() if outcome == "confirmed"}
    failed = {m for m, o in outcomes.items() if o in ("failed_clear", "form_unavailable")}
    server_errors = clients.statuses[500]
    say("\n== results")
    row("attempted", len(outcomes))
    row("confirmed (saw the confirmation page)", len(confirmed))
    row("failed with the clear 503 'call us' page", len(failed))
    for outcome, count in sorted(Counter(outcomes.values()).items()):
        if outcome not in ("confirmed", "failed_clear", "form_unavailable"):
            row(f"other outcome: {outcome}", count)
    row("HTTP statuses seen", dict(sorted(clients.statuses.items())))
    row("500 responses", server_errors)
    if stored is None:
        row("stored", "n/a: no consultation request table (bookings not installed)")
        say("\nINFRASTRUCTURE ONLY: no consultation form to submit to.")
        return 1 if server_errors else 0
    lost = confirmed - set(stored)
    duplicates = {m for m, rows in stored.items() if len(rows) > 1}
    row("stored (markers found in the database)", len(set(outcomes) & set(stored)))
    row("lost (confirmed but not stored)", len(lost))
    row("duplicates (stored more than once)", len(duplicates))
    row("failed page shown but stored anyway", len(failed & set(stored)))
    delivered, expected, repeated = notification_counts(stored, sink)
    row("notifications delivered / expected", f"{delivered} / {expected}")
    row("notification emails sent twice", repeated)
    row("notification tasks by status", dict(tasks))
    row("worker restarts by the supervisor", dict(processes.restarts) or 0)
    burst = limit["outcomes"]
    accepted = burst["confirmed"]
    row(
        "rate limit across both instances",
        f"{burst['rate_limited']} of {limit['attempts']} "
        f"blocked from one address, {accepted} accepted ({dict(burst)})",
    )
    problems = bool(lost or duplicates or server_errors or not burst["rate_limited"])
    say("\nFAILED" if problems else "\nPASSED: nothing lost, nothing duplicated, no 500s")
    return 1 if problems else 0


def notification_counts(stored: dict[str, list[dict]], sink: SmtpSink) -> tuple[int, int, int]:
    """Return (delivered, expected, sent twice) for the stored drill requests' emails."""
    rows = [r for rows in stored.values() for r in rows if r.get("status") != "spam"]
    expected = len(rows) + sum(1 for r in rows if r.get("email"))
    patient = [sink.count_to(r["email"]) for r in rows if r.get("email")]
    staff = sink.count_to(STAFF_ADDRESS)
    delivered = staff + sum(min(count, 1) for count in patient)
    repeated = sum(count - 1 for count in patient if count > 1) + max(0, staff - len(rows))
    return delivered, expected, repeated


def say(text: str) -> None:
    """Write a line of the drill's report to stdout straight away."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def row(label: str, value) -> None:
    say(f"   {label:<44} {value}")
