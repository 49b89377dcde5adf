"""Many patients booking at once against a real gunicorn: one call per time, never two.

The server is the production-like one (threaded gunicorn workers, several processes) on the
test database, so the requests really race each other in PostgreSQL; only the exclusion
constraint stands between them and a double booking.
"""

import datetime
import html
import http.client
import os
import re
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from bookings import scheduling
from bookings.models import CallBooking, ConsultationRequest, SchedulingSettings
from tests.abuse.conftest import free_port, wait_for_port
from tests.factories import consultation_post, make_caller

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = 50
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(tmp_path):
    """Start gunicorn as `make serve` runs it (gthread workers) on the test database."""
    db = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONSULTATION_RATE_LIMIT": "off",  # 50 patients from one address, on purpose
    }
    command = [sys.executable, "-m", "gunicorn", "clinic_site.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "3", "--worker-class", "gthread", "--threads", "8"]
    command += ["--no-control-socket", "--timeout", "60"]
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_for_port(port, process)
        yield port, log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def csrf(port: int) -> tuple[str, str]:
    """Return a CSRF cookie and the matching form token, as a browser gets them."""
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection_.request("GET", "/consultation/")
    response = connection_.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookie, token


def post(port: int, cookie: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data, doseq=True)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie}",
    }
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection_.request("POST", "/consultation/", body=body, headers=headers)
    response = connection_.getresponse()
    return response.status, html.unescape(response.read().decode())


def patient(index: int, token: str, when) -> dict:
    return consultation_post(
        csrfmiddlewaretoken=token,
        first_name=f"Patient{index}",
        email=f"patient{index}@example.com",
        phone=f"503 555 {index:04d}",
        call_at=when.astimezone(datetime.UTC).strftime(scheduling.CALL_TIME_FORMAT),
    )


@pytest.fixture
def bookable(db):
    SchedulingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    make_caller()


def send_all(port, cookie, forms):
    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(lambda form: post(port, cookie, form), forms))


@pytest.mark.usefixtures("bookable")
def test_fifty_patients_picking_the_same_time_get_one_call_and_49_kind_pages(server):
    port, log_path = server
    when = scheduling.offer().times[0]
    cookie, token = csrf(port)
    results = send_all(port, cookie, [patient(i, token, when) for i in range(PATIENTS)])

    statuses = [status for status, _ in results]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == PATIENTS - 1, statuses
    for index, (status, page) in enumerate(results):
        if status == 409:
            assert "That time was just taken" in page
            assert f'value="Patient{index}"' in page  # their typing is all there
            assert f'value="patient{index}@example.com"' in page
    assert CallBooking.objects.count() == ConsultationRequest.objects.count() == 1
    assert CallBooking.objects.get().starts == when
    assert "Traceback" not in log_path.read_text(errors="replace")


@pytest.mark.usefixtures("bookable")
def test_fifty_patients_picking_different_times_are_each_stored_once(server):
    port, log_path = server
    times = scheduling.offer().times[:PATIENTS]
    cookie, token = csrf(port)
    results = send_all(port, cookie, [patient(i, token, when) for i, when in enumerate(times)])

    assert [status for status, _ in results] == [302] * PATIENTS
    assert ConsultationRequest.objects.count() == PATIENTS
    booked = sorted(CallBooking.objects.values_list("during__startswith", flat=True))
    assert booked == times
    assert "Traceback" not in log_path.read_text(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_fifty_patients_racing_for_one_time_with_five_callers_get_five_calls(server):
    SchedulingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    callers = [make_caller(username=f"caller{n}") for n in range(5)]
    port, log_path = server
    when = scheduling.offer().times[0]
    cookie, token = csrf(port)
    results = send_all(port, cookie, [patient(i, token, when) for i in range(PATIENTS)])

    statuses = [status for status, _ in results]
    assert statuses.count(302) == len(callers), statuses  # never a 503: each is told
    assert statuses.count(409) == PATIENTS - len(callers), statuses
    booked = CallBooking.objects.values_list("caller_id", flat=True)
    assert sorted(booked) == sorted(caller.pk for caller in callers)  # one call each
    assert ConsultationRequest.objects.count() == len(callers)
    assert "Traceback" not in log_path.read_text(errors="replace")
