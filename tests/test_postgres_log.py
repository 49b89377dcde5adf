"""Privacy: nothing a patient typed reaches PostgreSQL's own server log.

PostgreSQL writes every failing statement to its log (log_min_error_statement = error), and a
CHECK constraint's error adds the whole row ("Failing row contains ..."). That log is outside
the retention clean-up's reach. These tests fill every field with a marker, take every write
path there is, and read what the suite's throwaway server (scripts/with_postgres.sh) logged.
"""

import os
import threading
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from bookings import services
from bookings.choices import Status
from bookings.models import ConsultationRequest, Note
from staff.roles import FRONT_DESK
from tests.factories import consultation_data, consultation_post, make_user, sign_in_verified

MARKER = "PGLOGMARK5821"
PHONE = "+15035550179"
INBOX = "/admin/bookings/consultationrequest/"


@pytest.fixture
def server_log():
    """Return a function giving what the throwaway server logged since the test began."""
    directory = os.environ.get("PG_TMP_CLUSTER_DIR")
    if not directory:
        message = "No throwaway PostgreSQL to read the log of: run through scripts/with_postgres.sh"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    path = Path(directory) / "server.log"
    start = path.stat().st_size

    def logged_since_start() -> str:
        with path.open("rb") as log:
            log.seek(start)
            return log.read().decode("utf-8", "replace")

    return logged_since_start


def marked_data(**overrides) -> dict:
    """Return a request's model fields with the marker in every one a patient can type."""
    marked = {
        "first_name": f"First{MARKER}",
        "last_name": f"Last{MARKER}",
        "preferred_name": f"Pref{MARKER}",
        "email": f"{MARKER.lower()}@example.com",
        "phone": PHONE,
        "message": f"My story {MARKER}",
        "came_from": f"/learn/{MARKER.lower()}/",
    }
    return consultation_data(**{**marked, **overrides})


def marked_post(**overrides) -> dict:
    data = marked_data()
    fields = ("first_name", "last_name", "preferred_name", "email", "message", "came_from")
    return consultation_post(
        **{name: data[name] for name in fields}, phone="503 555 0179", **overrides
    )


def assert_no_patient_data(logged: str) -> None:
    assert MARKER not in logged
    assert MARKER.lower() not in logged
    assert PHONE not in logged


@pytest.mark.django_db
def test_the_server_log_does_record_a_failing_statement(server_log):
    """The check below can fail: a statement with the marker in its text is logged."""
    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT '{MARKER}'::integer")
    assert MARKER in server_log()


@pytest.mark.django_db
def test_double_submit_and_every_staff_write_leave_no_patient_data_in_the_server_log(
    client, server_log
):
    post = marked_post()
    assert client.post("/consultation/", post).status_code == 302
    assert client.post("/consultation/", post).status_code == 302  # the double click
    request = ConsultationRequest.objects.get()
    staff = make_user(username="frida", is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    sign_in_verified(client, staff)
    assert client.get(f"{INBOX}?q={MARKER.lower()}@example.com").status_code == 200
    assert client.get(f"{INBOX}{request.pk}/change/").status_code == 200
    services.add_note(request=request, author=staff, text=f"Called {MARKER}")
    services.update_requests(requests=[request], actor=staff, status=Status.CLOSED)
    ConsultationRequest.objects.filter(pk=request.pk).update(
        created=timezone.now() - timezone.timedelta(days=400)
    )
    assert services.anonymise_requests(now=timezone.now(), days=30).anonymised_count == 1
    assert Note.objects.get().text == services.REMOVED_NOTE
    assert_no_patient_data(server_log())


@pytest.mark.django_db(transaction=True)
def test_parallel_double_submits_store_once_and_log_no_patient_data(server_log):
    token, barrier, stored, errors = uuid.uuid4(), threading.Barrier(4), [], []

    def submit():
        try:
            barrier.wait()
            request = services.submit_consultation_request(data=marked_data(), form_token=token)
            stored.append(request.pk)
        except Exception as error:  # noqa: BLE001 (reported by the assert below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ConsultationRequest.objects.count() == 1
    assert set(stored) == {ConsultationRequest.objects.get().pk}
    assert_no_patient_data(server_log())


@pytest.mark.django_db
def test_a_statement_that_fails_reaches_the_log_with_placeholders_not_values(server_log):
    first = services.submit_consultation_request(data=consultation_data(), form_token=uuid.uuid4())
    repeat = ConsultationRequest(
        **marked_data(),
        reference="TTT-TTTT",
        form_token=first.form_token,
        privacy_notice_version="test",
        consented_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        repeat.save(force_insert=True)  # what the old double submit did
    logged = server_log()
    assert "duplicate key" in logged and "$1" in logged
    assert_no_patient_data(logged)


@pytest.mark.django_db
def test_a_row_that_breaks_a_constraint_is_refused_before_the_database(server_log):
    with pytest.raises(ValidationError):
        services.submit_consultation_request(
            data=marked_data(email="", phone=""), form_token=uuid.uuid4()
        )
    request = services.submit_consultation_request(data=marked_data(), form_token=uuid.uuid4())
    with pytest.raises(ValueError, match="Unknown status"):
        services.update_requests(requests=[request], actor=make_user(), status="gone")
    assert_no_patient_data(server_log())
