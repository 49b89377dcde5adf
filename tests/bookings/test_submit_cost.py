"""Sending the form costs few database round trips, and stays correct without the look-ups."""

import itertools

import pytest
from django_tasks_db.models import DBTaskResult

from bookings import services
from bookings.models import ConsultationRequest, StatusChange
from tests.factories import consultation_post, make_consultation_request

FORM = "/consultation/"


@pytest.fixture
def database_queue(settings):
    """Queue notifications in the production queue (django-tasks-db), as the site does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


@pytest.mark.django_db(transaction=True)
def test_a_request_is_stored_and_its_emails_queued_in_six_statements(
    client, database_queue, django_assert_max_num_queries
):
    # BEGIN, the repeat-person check, the request, its status history, one task for both
    # emails, COMMIT: no session row, no look-up of the form token first, no savepoint.
    with django_assert_max_num_queries(6):
        response = client.post(FORM, consultation_post())
    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    assert StatusChange.objects.filter(request=request).count() == 1
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"request_id": request.pk, "kinds": ["staff", "patient"]}


@pytest.mark.django_db(transaction=True)
def test_a_repeat_submit_is_answered_from_the_first_request_in_few_statements(
    client, database_queue, django_assert_max_num_queries
):
    post = consultation_post()
    client.post(FORM, post)
    with django_assert_max_num_queries(6):
        response = client.post(FORM, post)
    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert DBTaskResult.objects.count() == 1  # the repeat queued nothing


@pytest.mark.django_db
def test_a_reference_collision_draws_a_new_reference(monkeypatch):
    existing = make_consultation_request(email="first@example.com", phone="")
    # The first seven characters drawn spell the existing reference; later draws differ.
    letters = itertools.chain(existing.reference.replace("-", ""), itertools.cycle("CDEFGHJ"))
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(letters))
    request = make_consultation_request(email="second@example.com", phone="")
    assert request.reference != existing.reference
    assert ConsultationRequest.objects.count() == 2
    assert StatusChange.objects.count() == 2


@pytest.mark.django_db
def test_a_database_error_that_is_not_a_repeat_or_collision_is_raised():
    make_consultation_request(phone="+15035550142")
    with pytest.raises(Exception, match="consultation_has_contact"):
        make_consultation_request(email="", phone="")
    assert ConsultationRequest.objects.count() == 1
