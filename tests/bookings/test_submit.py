"""Sending the form: stored once, confirmed without patient data in URLs, crisis and repeats."""

import itertools
import re
import time
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from bookings import services
from bookings.choices import Status
from bookings.models import ConsultationRequest, StatusChange
from bookings.services import REFERENCE_ALPHABET, submit_consultation_request
from bookings.views import CONFIRMATION_COOKIE, CONFIRMATION_SALT
from tests.factories import consultation_data, consultation_post, make_consultation_request

pytestmark = pytest.mark.django_db
FORM = "/consultation/"
THANKS = "/consultation/thanks/"


def test_form_page_shows_the_crisis_numbers_and_the_fields(client):
    page = client.get(FORM).content.decode()
    assert "This form is not for emergencies" in page
    assert 'href="tel:988"' in page and 'href="tel:911"' in page
    assert 'autocomplete="given-name"' in page and 'inputmode="tel"' in page
    assert 'inputmode="email"' in page and 'autocomplete="address-level1"' in page


def test_valid_request_is_stored_and_redirects_to_a_confirmation_without_patient_data(client):
    response = client.post(FORM, consultation_post(message="Hello"))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    request = ConsultationRequest.objects.get()
    assert request.status == Status.NEW
    assert request.phone == "+15035550142"
    assert request.privacy_notice_version == settings.PRIVACY_NOTICE_VERSION
    assert request.consented_at is not None
    assert request.status_changes.get().to_status == Status.NEW
    page = client.get(THANKS).content.decode()
    assert request.reference in page
    assert "Ada" not in page and "ada@example.com" not in page
    assert "expect to hear from us" in page


def test_reference_is_short_and_unambiguous():
    reference = make_consultation_request().reference
    assert re.fullmatch(rf"[{REFERENCE_ALPHABET}]{{3}}-[{REFERENCE_ALPHABET}]{{4}}", reference)


def test_confirmation_without_a_request_from_this_browser_goes_back_to_the_form(client):
    make_consultation_request()
    response = client.get(THANKS)
    assert response.status_code == 302 and response["Location"] == FORM


def aged_confirmation_cookie(reference: str, seconds_ago: int) -> str:
    """Return the confirmation cookie's value as the form would have signed it `seconds_ago`."""
    signer = signing.get_cookie_signer(salt=CONFIRMATION_COOKIE + CONFIRMATION_SALT)
    return signing.Signer.sign(
        signer, f"{reference}:{signing.b62_encode(int(time.time()) - seconds_ago)}"
    )


def test_confirmation_is_forgotten_after_an_hour_on_a_shared_computer(client):
    client.post(FORM, consultation_post())
    reference = ConsultationRequest.objects.get().reference
    client.cookies[CONFIRMATION_COOKIE] = aged_confirmation_cookie(reference, 3599)
    assert reference in client.get(THANKS).content.decode()
    client.cookies[CONFIRMATION_COOKIE] = aged_confirmation_cookie(reference, 3601)
    response = client.get(THANKS)
    assert response.status_code == 302 and response["Location"] == FORM
    assert response.cookies[CONFIRMATION_COOKIE].value == ""  # forgotten, not kept


def test_confirmation_cookie_is_signed_httponly_and_holds_only_the_reference(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(FORM, consultation_post(), secure=True)
    request = ConsultationRequest.objects.get()
    cookie = response.cookies[CONFIRMATION_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == FORM and int(cookie["max-age"]) == 3600
    reference, _timestamp, _signature = cookie.value.split(":")  # nothing else in it
    assert reference == request.reference
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no session row per request


def test_confirmation_refuses_an_altered_or_unsigned_cookie(client):
    other = make_consultation_request()
    client.post(
        FORM,
        consultation_post(email="me@example.com", phone="", preferred_contact="email"),
    )
    signed = client.cookies[CONFIRMATION_COOKIE].value
    for value in (other.reference, signed.replace(signed.split(":")[0], other.reference)):
        client.cookies[CONFIRMATION_COOKIE] = value
        response = client.get(THANKS)
        assert response.status_code == 302 and response["Location"] == FORM


def test_confirmation_works_without_any_session(client):
    client.post(FORM, consultation_post())
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    page = client.get(THANKS)
    assert page.status_code == 200
    assert ConsultationRequest.objects.get().reference in page.content.decode()


def test_confirmation_is_never_cached(client):
    client.post(FORM, consultation_post())
    assert "no-store" in client.get(THANKS)["Cache-Control"]


def test_double_submit_stores_one_request_and_both_land_on_the_same_confirmation(client):
    post = consultation_post()
    first = client.post(FORM, post)
    reference = client.get(THANKS).context["consultation_request"].reference
    second = client.post(FORM, post)
    assert first["Location"] == second["Location"] == THANKS
    assert ConsultationRequest.objects.count() == 1
    assert client.get(THANKS).context["consultation_request"].reference == reference
    assert len(mail.outbox) == 2  # one staff email and one acknowledgement, not four


def test_the_form_token_is_unique_in_the_database():
    token = uuid.uuid4()
    first = submit_consultation_request(data=consultation_data(), form_token=token)
    again = submit_consultation_request(
        data=consultation_data(first_name="Other"), form_token=token
    )
    assert again.pk == first.pk
    assert ConsultationRequest.objects.count() == 1


def test_the_database_refuses_a_second_request_with_the_same_form_token():
    first = make_consultation_request(email="one@example.com", phone="", preferred_contact="email")
    second = make_consultation_request(email="two@example.com", phone="", preferred_contact="email")
    with pytest.raises(IntegrityError, match="form_token"):
        ConsultationRequest.objects.filter(pk=second.pk).update(form_token=first.form_token)


def test_every_bad_answer_gets_its_own_message_and_everything_typed_stays(client):
    post = consultation_post(
        first_name="",
        last_name="L" * 101,
        preferred_name="Ada\x07",
        email="ada@",
        phone="12345",
        preferred_contact=None,
        state=None,
        conditions=None,
        message="x" * 2001,
        is_adult=None,
        consent=None,
        best_times=["evening"],
    )
    response = client.post(FORM, post)
    assert response.status_code == 200
    assert ConsultationRequest.objects.count() == 0
    page = response.content.decode()
    for message in (
        "Enter your first name",
        "Please shorten this to 100 characters or fewer",
        "This answer contains hidden characters we cannot store",
        "Enter an email address in the right format, like name@example.com",
        "Enter a phone number we can call, like 503 555 0142 (with the area code)",
        "Choose how you would like us to contact you",
        "Choose the state you live in",
        "Choose at least one thing you would like help with",
        "Your message is too long. Please keep it to 2,000 characters",
        "Confirm that you are 18 or older. We can only see adults",
        "Tick the box to let us contact you about your request",
    ):
        assert message in page
    assert f'value="{"L" * 101}"' in page and 'value="ada@"' in page
    assert 'value="12345"' in page and "x" * 2001 + "</textarea>" in page
    assert re.search(r'value="evening"\s+checked', page)


def test_an_invalid_form_keeps_everything_typed(client):
    post = consultation_post(
        email="not-an-email", message="My <b>message</b>", best_times=["evening"]
    )
    page = client.post(FORM, post).content.decode()
    assert ConsultationRequest.objects.count() == 0
    assert 'value="not-an-email"' in page
    assert "My &lt;b&gt;message&lt;/b&gt;" in page
    assert re.search(r'value="evening"\s+checked', page)
    assert 'href="#id_email"' in page  # the error summary links to the field
    assert "<title>Error: " in page


def test_error_summary_links_a_checkbox_group_to_its_first_box(client):
    page = client.post(FORM, consultation_post(conditions=None)).content.decode()
    assert 'href="#id_conditions_1"' in page
    box = re.search(r'<input[^>]*id="id_conditions_1"[^>]*>', page, re.S)[0]
    assert 'aria-invalid="true"' in box
    assert re.search(r'aria-describedby="id_conditions_hint\s+id_conditions_1_error"', page)


def test_markup_is_stored_literally_and_shown_escaped(client):
    client.post(FORM, consultation_post(first_name="<script>alert(1)</script>", message="<i>hi"))
    request = ConsultationRequest.objects.get()
    assert request.first_name == "<script>alert(1)</script>"
    assert request.message == "<i>hi"


def test_crisis_language_flags_the_request_and_leads_with_988(client):
    client.post(FORM, consultation_post(message="Some days I want to die."))
    request = ConsultationRequest.objects.get()
    assert request.urgent
    page = client.get(THANKS).content.decode()
    main = page[page.index("<main") :]
    assert main.index("Call 988") < main.index(request.reference)
    assert "If you need help right now" in page


def test_an_ordinary_message_is_not_urgent(client):
    client.post(FORM, consultation_post(message="I would like to know more."))
    assert not ConsultationRequest.objects.get().urgent
    assert "If you need help right now" not in client.get(THANKS).content.decode()


def test_repeat_request_with_the_same_email_links_to_the_earlier_open_one():
    first = make_consultation_request(email="Ada@Example.com", phone="", preferred_contact="email")
    repeat = make_consultation_request(email="ADA@example.COM", phone="", preferred_contact="email")
    assert repeat.duplicate_of == first
    assert ConsultationRequest.objects.count() == 2


def test_repeat_request_with_the_same_phone_links_to_the_earlier_open_one():
    first = make_consultation_request(email="one@example.com")
    repeat = make_consultation_request(email="two@example.com")
    assert repeat.duplicate_of == first


def test_a_request_after_a_closed_one_is_not_a_repeat():
    first = make_consultation_request()
    ConsultationRequest.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    assert make_consultation_request().duplicate_of is None


def test_an_empty_email_or_phone_is_never_taken_for_the_same_person():
    make_consultation_request(email="", phone="+15035550142")
    make_consultation_request(email="one@example.com", phone="", preferred_contact="email")
    assert make_consultation_request(email="", phone="+15035550199").duplicate_of is None
    assert (
        make_consultation_request(
            email="two@example.com", phone="", preferred_contact="email"
        ).duplicate_of
        is None
    )


def test_a_repeat_links_to_the_earliest_open_request():
    closed = make_consultation_request(email="ada@example.com", phone="", preferred_contact="email")
    ConsultationRequest.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    earliest = make_consultation_request(
        email="ada@example.com", phone="", preferred_contact="email"
    )
    make_consultation_request(email="ada@example.com", phone="", preferred_contact="email")
    assert (
        make_consultation_request(
            email="ada@example.com", phone="", preferred_contact="email"
        ).duplicate_of
        == earliest
    )


def test_following_an_article_link_gives_the_patient_no_session(client, settings):
    response = client.get(FORM, {"from": "/learn/what-is-ketamine/"})
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
    assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME}


def test_sending_the_form_gives_only_the_confirmation_cookie(client, settings):
    response = client.post(FORM, consultation_post(came_from="/learn/what-is-ketamine/"))
    assert set(response.cookies) == {CONFIRMATION_COOKIE}
    assert not Session.objects.exists()


def test_came_from_an_article_travels_in_the_form_and_is_stored(client):
    page = client.get(FORM, {"from": "/learn/what-is-ketamine/"}).content.decode()
    field = re.search(r'<input[^>]*name="came_from"[^>]*>', page)[0]
    assert 'type="hidden"' in field and 'value="/learn/what-is-ketamine/"' in field
    client.post(FORM, consultation_post(came_from="/learn/what-is-ketamine/"))
    assert ConsultationRequest.objects.get().came_from == "/learn/what-is-ketamine/"


BAD_CAME_FROM = [
    "https://evil.example/learn/x/",
    "//evil.example/",
    "/learn/../admin/",
    "/learn/x/?a=b",
    "/",
    "/learn/" + "x" * 300 + "/",
]


@pytest.mark.parametrize("bad", BAD_CAME_FROM)
def test_came_from_anything_but_an_article_path_is_left_out_of_the_form(client, bad):
    page = client.get(FORM, {"from": bad}).content.decode()
    assert "evil.example" not in page and "xxxxx" not in page
    assert re.search(r'<input[^>]*name="came_from"[^>]*>', page)[0].count("value=") == 0


@pytest.mark.parametrize("bad", BAD_CAME_FROM)
def test_a_doctored_came_from_is_ignored_and_the_request_still_stored(client, bad):
    response = client.post(FORM, consultation_post(came_from=bad))
    assert response.status_code == 302
    assert ConsultationRequest.objects.get().came_from == ""


def test_database_refuses_a_request_without_any_contact():
    with pytest.raises(Exception, match="consultation_has_contact"):
        make_consultation_request(email="", phone="")


def test_database_refuses_an_unknown_status():
    request = make_consultation_request()
    with pytest.raises(Exception, match="consultation_status_valid"):
        ConsultationRequest.objects.filter(pk=request.pk).update(status="lost")


def test_status_history_starts_with_the_first_status():
    request = make_consultation_request()
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("", "new")]
    assert request.status_changes.get().changed_by is None


def test_a_reference_collision_draws_a_new_reference(monkeypatch):
    existing = make_consultation_request(
        email="first@example.com", phone="", preferred_contact="email"
    )
    # The first seven characters drawn spell the existing reference; later draws differ.
    letters = itertools.chain(existing.reference.replace("-", ""), itertools.cycle("CDEFGHJ"))
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(letters))
    request = make_consultation_request(
        email="second@example.com", phone="", preferred_contact="email"
    )
    assert request.reference != existing.reference
    assert ConsultationRequest.objects.count() == 2
    assert StatusChange.objects.count() == 2


def test_a_request_that_breaks_a_rule_of_the_table_is_refused_and_not_stored_half():
    make_consultation_request(phone="+15035550142")
    with pytest.raises(ValidationError, match="consultation_has_contact"):
        make_consultation_request(email="", phone="")
    assert ConsultationRequest.objects.count() == 1
    assert StatusChange.objects.count() == 1
