"""The consultation request form: what a worried patient fills in, checked kindly."""

import functools
import re
import time
import uuid

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms_gds.layout import HTML, Div, Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html

from .choices import BestTime, Condition, ContactMethod, HowHeard, USState
from .models import MESSAGE_MAX_LENGTH, NAME_MAX_LENGTH

TOKEN_SALT = "bookings.consultation-form"
# Control characters (tabs and line breaks are allowed in the message only).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e]")
CONTROL_MESSAGE = (
    "This answer contains hidden characters we cannot store (sometimes pasted from another "
    "app). Please type it again."
)


def new_form_token() -> str:
    """Return a signed one-time token holding a fresh id and the time the form was shown."""
    return signing.dumps({"id": uuid.uuid4().hex, "t": int(time.time())}, salt=TOKEN_SALT)


def reject_control_characters(value: str, *, multiline: bool = False) -> None:
    text = value.replace("\r", "").replace("\n", "").replace("\t", "") if multiline else value
    if CONTROL_CHARACTERS.search(text):
        raise forms.ValidationError(CONTROL_MESSAGE)


def text_input(autocomplete: str, **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": autocomplete, "spellcheck": "false", **attrs})


# The choice lists are given as functions: every form deep-copies its fields, and a function
# is copied as is, where a list is copied choice by choice (a POST builds a form it never shows).
def _state_choices():
    return [("", "Choose your state"), *USState.choices]


def _condition_choices():
    return Condition.choices


def _how_heard_choices():
    return [("", "Choose one"), *HowHeard.choices]


def _best_time_choices():
    return BestTime.choices


class ConsultationForm(forms.Form):
    first_name = forms.CharField(max_length=NAME_MAX_LENGTH, widget=text_input("given-name"))
    last_name = forms.CharField(max_length=NAME_MAX_LENGTH, widget=text_input("family-name"))
    preferred_name = forms.CharField(
        label="The name you go by (optional)",
        help_text="If it is different from your first name.",
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=text_input("nickname"),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    ok_voicemail = forms.BooleanField(label="You can leave me a voicemail", required=False)
    ok_text = forms.BooleanField(label="You can send me text messages", required=False)
    ok_name_clinic = forms.BooleanField(
        label="You can say the clinic's name or the word “ketamine” in a voicemail or text",
        required=False,
    )
    best_times = forms.MultipleChoiceField(
        label="When is it best to reach you? (optional)",
        choices=_best_time_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    state = forms.ChoiceField(
        label="Which US state do you live in?",
        help_text="We can only treat people in the states where our clinicians are licensed.",
        choices=_state_choices,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    conditions = forms.MultipleChoiceField(
        label="What would you like help with?",
        help_text="Choose all that apply. It is fine to choose “I'm not sure”.",
        choices=_condition_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label="Anything you would like us to know? (optional)",
        help_text=(
            "Only our care team reads this. We may not read it straight away, so please do "
            "not use it for anything urgent."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-js-character-count"}),
    )
    how_heard = forms.ChoiceField(
        label="How did you hear about us? (optional)",
        choices=_how_heard_choices,
        required=False,
    )
    is_adult = forms.BooleanField(label="I am 18 or older")
    consent = forms.BooleanField()
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by many bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    error_messages_by_field = {
        "first_name": "Enter your first name",
        "last_name": "Enter your last name",
        "preferred_contact": "Choose how you would like us to contact you",
        "state": "Choose the state you live in",
        "conditions": "Choose at least one thing you would like help with, or “I'm not sure”",
        "is_adult": "Confirm that you are 18 or older. We can only see adults",
        "consent": "Tick the box to let us contact you about your request",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.error_messages_by_field.items():
            self.fields[name].error_messages["required"] = message
        for field in self.fields.values():
            field.error_messages["null_characters_not_allowed"] = CONTROL_MESSAGE
        for name in ("first_name", "last_name", "preferred_name"):
            self.fields[name].error_messages["max_length"] = (
                f"Please shorten this to {NAME_MAX_LENGTH} characters or fewer"
            )
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the right format, like name@example.com"
        )
        # No maxlength in the page: a browser would cut a pasted message short without a word.
        self.fields["message"].widget.attrs.pop("maxlength", None)
        limit = f"{MESSAGE_MAX_LENGTH:,}"
        self.fields["message"].error_messages["max_length"] = (
            f"Your message is too long. Please keep it to {limit} characters"
        )
        self.fields["consent"].label = format_html(
            "I agree that the clinic may contact me about this request, as described in the "
            '<a href="{}">privacy notice</a>',
            reverse("pages:privacy"),
        )

    @functools.cached_property
    def helper(self) -> FormHelper:
        """Return the layout, built only when the form is shown (a valid POST never is)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True  # the template's <form> has the token
        helper.layout = Layout(
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field.text("preferred_name", field_width=20),
                legend="Your name",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-hint" id="contact-hint">Give us an email address, a phone '
                    "number, or both.</p>"
                ),
                Field.text("email"),
                Field.text("phone", field_width=20),
                Field.radios("preferred_contact", legend_size=Size.SMALL),
                legend="How to reach you",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Tick what is OK with you. We keep to it, so people '
                    "who share your phone do not learn more than you want.</p>"
                ),
                Field.checkbox("ok_voicemail"),
                Field.checkbox("ok_text"),
                Field.checkbox("ok_name_clinic"),
                Field.checkboxes("best_times", legend_size=Size.SMALL),
                legend="Keeping it private",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.select("state"),
                Field.checkboxes("conditions", legend_size=Size.SMALL),
                Field.textarea("message", max_characters=MESSAGE_MAX_LENGTH),
                Field.select("how_heard"),
                legend="About you",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.checkbox("is_adult"),
                Field.checkbox("consent"),
                legend="Before you send",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            "token",
            Div("website", css_class="consult-hp"),
        )
        return helper

    def full_clean(self):
        """Validate, then mark every field with an error for assistive technology."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def clean_first_name(self):
        return self._clean_text("first_name")

    def clean_last_name(self):
        return self._clean_text("last_name")

    def clean_preferred_name(self):
        return self._clean_text("preferred_name")

    def clean_message(self):
        value = self.cleaned_data["message"]
        reject_control_characters(value, multiline=True)
        return value

    def _clean_text(self, name: str) -> str:
        value = self.cleaned_data[name]
        reject_control_characters(value)
        return value

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                "Enter a phone number we can call, like 503 555 0142 (with the area code)"
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        method = cleaned.get("preferred_contact")
        if "email" in self.errors or "phone" in self.errors:
            return cleaned
        if not email and not phone:
            self.add_error(
                "email", "Enter an email address or a phone number, so we can get back to you"
            )
        elif method == ContactMethod.EMAIL and not email:
            self.add_error(
                "email", "Enter your email address, or choose another way to contact you"
            )
        elif method in (ContactMethod.CALL, ContactMethod.TEXT) and not phone:
            self.add_error("phone", "Enter your phone number, or choose email instead")
        return cleaned

    def request_data(self) -> dict:
        """Return the cleaned answers as the model's fields."""
        skip = {"consent", "token", "website"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def spam_check(self) -> tuple[uuid.UUID, str]:
        """Return the form's one-time id and a reason to suspect spam ('' when none)."""
        try:
            token = signing.loads(self.cleaned_data.get("token", ""), salt=TOKEN_SALT)
            token_id, shown_at = uuid.UUID(token["id"]), float(token["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return uuid.uuid4(), "missing or altered form token"
        if self.cleaned_data.get("website"):
            return token_id, "honeypot field filled in"
        if time.time() - shown_at < settings.CONSULTATION_MIN_FILL_SECONDS:
            return token_id, "sent too fast"
        return token_id, ""
