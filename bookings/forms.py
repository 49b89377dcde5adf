"""The consultation request form: what a worried patient fills in, checked kindly."""

import copy
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
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


def messages(required: str = "", **others: str) -> dict[str, str]:
    """Return a field's error messages: ours for a missing answer, and for hidden characters."""
    found = {"null_characters_not_allowed": CONTROL_MESSAGE, **others}
    if required:
        found["required"] = required
    return found


NAME_TOO_LONG = f"Please shorten this to {NAME_MAX_LENGTH} characters or fewer"


class FixedChoicesMixin:
    """For a choice field whose choices are the same for every visitor.

    Every form deep-copies its fields; a ChoiceField copies its choices with them, and so
    does its widget, which then checks them all again. A ChoiceField also checks an answer by
    walking its choices. These fields and their widgets share their choices between forms,
    and check an answer against a set made once. (A consultation request is checked against
    about 70 choices; copying and walking them was a tenth of a submission's CPU time.)
    """

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=choices, **kwargs)
        self.valid_values = frozenset(str(value) for value, _ in self.choices)

    def __deepcopy__(self, memo):
        result = forms.Field.__deepcopy__(self, {id(self.widget): self.widget, **memo})
        result.widget = copy.copy(self.widget)  # its own attributes, the same choices
        result.widget.attrs = self.widget.attrs.copy()
        return result

    def valid_value(self, value) -> bool:
        return str(value) in self.valid_values


class FixedChoiceField(FixedChoicesMixin, forms.ChoiceField):
    pass


class FixedMultipleChoiceField(FixedChoicesMixin, forms.MultipleChoiceField):
    pass


def _consent_label() -> SafeString:
    return format_html(
        "I agree that the clinic may contact me about this request, as described in the "
        '<a href="{}">privacy notice</a>',
        reverse("pages:privacy"),
    )


class ConsultationForm(forms.Form):
    # Everything about the fields is declared here, none of it set per form in __init__: a
    # submission builds a form it never shows.
    first_name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        widget=text_input("given-name"),
        error_messages=messages("Enter your first name", max_length=NAME_TOO_LONG),
    )
    last_name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        widget=text_input("family-name"),
        error_messages=messages("Enter your last name", max_length=NAME_TOO_LONG),
    )
    preferred_name = forms.CharField(
        label="The name you go by (optional)",
        help_text="If it is different from your first name.",
        max_length=NAME_MAX_LENGTH,
        required=False,
        widget=text_input("nickname"),
        error_messages=messages(max_length=NAME_TOO_LONG),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
        error_messages=messages(
            invalid="Enter an email address in the right format, like name@example.com"
        ),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages=messages(),
    )
    preferred_contact = FixedChoiceField(
        label="How would you like us to contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages=messages("Choose how you would like us to contact you"),
    )
    ok_voicemail = forms.BooleanField(
        label="You can leave me a voicemail", required=False, error_messages=messages()
    )
    ok_text = forms.BooleanField(
        label="You can send me text messages", required=False, error_messages=messages()
    )
    ok_name_clinic = forms.BooleanField(
        label="You can say the clinic's name or the word “ketamine” in a voicemail or text",
        required=False,
        error_messages=messages(),
    )
    best_times = FixedMultipleChoiceField(
        label="When is it best to reach you? (optional)",
        choices=BestTime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=messages(),
    )
    state = FixedChoiceField(
        label="Which US state do you live in?",
        help_text="We can only treat people in the states where our clinicians are licensed.",
        choices=[("", "Choose your state"), *USState.choices],
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
        error_messages=messages("Choose the state you live in"),
    )
    conditions = FixedMultipleChoiceField(
        label="What would you like help with?",
        help_text="Choose all that apply. It is fine to choose “I'm not sure”.",
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=messages(
            "Choose at least one thing you would like help with, or “I'm not sure”"
        ),
    )
    message = forms.CharField(
        label="Anything you would like us to know? (optional)",
        help_text=(
            "Only our care team reads this. We may not read it straight away, so please do "
            "not use it for anything urgent."
        ),
        required=False,
        # A validator, not max_length: that would put a maxlength in the page, and a browser
        # would cut a pasted message short without a word.
        validators=[
            MaxLengthValidator(
                MESSAGE_MAX_LENGTH,
                f"Your message is too long. Please keep it to {MESSAGE_MAX_LENGTH:,} characters",
            )
        ],
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-js-character-count"}),
        error_messages=messages(),
    )
    how_heard = FixedChoiceField(
        label="How did you hear about us? (optional)",
        choices=[("", "Choose one"), *HowHeard.choices],
        required=False,
        error_messages=messages(),
    )
    is_adult = forms.BooleanField(
        label="I am 18 or older",
        error_messages=messages("Confirm that you are 18 or older. We can only see adults"),
    )
    consent = forms.BooleanField(
        label=lazy(_consent_label, SafeString)(),
        error_messages=messages("Tick the box to let us contact you about your request"),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput, error_messages=messages())
    # The honeypot: hidden from people, filled in by many bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        error_messages=messages(),
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
