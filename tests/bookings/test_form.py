"""The consultation form: every bad input gets a kind, specific message; good input is kept."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.forms import ConsultationForm
from bookings.models import MESSAGE_MAX_LENGTH
from tests.factories import consultation_post


def form_errors(**overrides) -> dict:
    form = ConsultationForm(consultation_post(**overrides))
    form.is_valid()
    return form.errors


def test_valid_answers_pass():
    assert form_errors() == {}


def test_missing_email_and_phone_asks_for_one_of_them():
    errors = form_errors(email="", phone="")
    assert errors["email"] == [
        "Enter an email address or a phone number, so we can get back to you"
    ]


def test_email_alone_is_enough():
    assert form_errors(phone="", preferred_contact="email") == {}


def test_phone_alone_is_enough():
    assert form_errors(email="") == {}


def test_preferring_email_without_an_email_asks_for_it():
    assert "email" in form_errors(email="", preferred_contact="email")


def test_preferring_a_call_without_a_phone_asks_for_it():
    assert "phone" in form_errors(phone="", preferred_contact="call")


@pytest.mark.parametrize("phone", ["12345", "555", "not a number", "+1 000 000 0000", "1" * 25])
def test_invalid_phone_is_rejected(phone):
    assert form_errors(phone=phone)["phone"][0].startswith("Enter a phone number we can call")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("503 555 0142", "+15035550142"),
        ("(503) 555-0142", "+15035550142"),
        ("+1 503 555 0142", "+15035550142"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_is_normalised_to_e164(typed, stored):
    form = ConsultationForm(consultation_post(phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("email", ["ada", "ada@", "@example.com", "ada@example", "a b@example.com"])
def test_invalid_email_is_rejected(email):
    assert form_errors(email=email)["email"] == [
        "Enter an email address in the right format, like name@example.com"
    ]


def test_overlong_message_is_rejected_with_the_limit():
    errors = form_errors(message="x" * (MESSAGE_MAX_LENGTH + 1))
    assert errors["message"] == ["Your message is too long. Please keep it to 2,000 characters"]


def test_message_at_the_limit_is_accepted():
    assert form_errors(message="x" * MESSAGE_MAX_LENGTH) == {}


def test_overlong_name_is_rejected():
    assert form_errors(first_name="A" * 101)["first_name"] == [
        "Please shorten this to 100 characters or fewer"
    ]


@pytest.mark.parametrize("bad", ["Ada\x00", "Ada\x07", "Ada\u202eevil", "Ada\x1b[31m"])
def test_control_characters_in_a_name_are_rejected_with_a_message(bad):
    errors = form_errors(first_name=bad)
    assert "hidden characters" in errors["first_name"][0]


def test_line_breaks_and_tabs_are_fine_in_the_message():
    assert form_errors(message="First line\r\nSecond\tline") == {}


def test_control_characters_in_the_message_are_rejected():
    assert "hidden characters" in form_errors(message="hello\x0bthere")["message"][0]


@pytest.mark.parametrize(
    "name", ["Zoë", "José-María", "李小龙", "Ngọc Ánh", "Даша", "محمد", "Siobhán 🌻", "O'Brien"]
)
def test_non_latin_names_and_emoji_are_accepted_as_typed(name):
    form = ConsultationForm(consultation_post(first_name=name, last_name=name))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == name


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "state", "conditions", "is_adult", "consent"]
)
def test_required_answers_are_asked_for(field):
    assert field in form_errors(**{field: None})


def test_preferred_contact_is_required():
    assert form_errors(preferred_contact=None)["preferred_contact"] == [
        "Choose how you would like us to contact you"
    ]


def test_fields_with_errors_are_marked_aria_invalid():
    form = ConsultationForm(consultation_post(email="nope", first_name=""))
    form.is_valid()
    assert 'aria-invalid="true"' in str(form["email"])
    assert 'aria-invalid="true"' in str(form["first_name"])
    assert "aria-invalid" not in str(form["last_name"])


def test_unknown_choices_are_refused_in_words_a_patient_can_act_on():
    errors = form_errors(
        state="XX", conditions=["cancer"], preferred_contact="pigeon", how_heard="radio"
    )
    assert errors["state"] == ["Choose your state from the list"]
    assert errors["conditions"] == ["Choose from the answers listed"]
    assert errors["how_heard"] == ["Choose from the answers listed"]
    assert errors["preferred_contact"] == ["Choose how you would like us to contact you"]


def test_choosing_text_messages_counts_as_a_yes_to_texts():
    form = ConsultationForm(consultation_post(preferred_contact="text", ok_text=None))
    assert form.is_valid(), form.errors
    assert form.request_data()["ok_text"] is True


def test_choosing_a_call_leaves_texts_as_the_patient_ticked_them():
    form = ConsultationForm(consultation_post(preferred_contact="call", ok_text=None))
    assert form.is_valid(), form.errors
    assert form.request_data()["ok_text"] is False


def test_request_data_leaves_out_form_only_fields():
    form = ConsultationForm(consultation_post())
    assert form.is_valid()
    assert not {"consent", "token", "website"} & set(form.request_data())


def test_the_form_shows_no_blank_radio_button_and_kind_first_options():
    page = str(ConsultationForm())
    assert "---------" not in page
    assert ">Choose your state</option>" in page and ">Choose one</option>" in page
    assert 'maxlength="2000"' not in page  # a pasted long message is not cut short unseen


@given(name=st.text(max_size=120), message=st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_is_either_kept_exactly_or_refused_with_a_message(name, message):
    form = ConsultationForm(consultation_post(first_name=name, message=message))
    form.is_valid()
    if "first_name" not in form.errors:
        assert form.cleaned_data["first_name"] == name.strip()
    else:
        assert form.errors["first_name"][0].startswith(
            ("Enter your first name", "This answer", "Please shorten")
        )
    if "message" not in form.errors:
        assert form.cleaned_data["message"] == message.strip()
