"""The consultation request form: what a worried patient fills in, checked kindly."""

import datetime
import re
import time
import uuid

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

from clinic_site.phones import as_e164

from .choices import BestTime, Condition, ContactMethod, HowHeard, USState
from .models import MESSAGE_MAX_LENGTH, NAME_MAX_LENGTH, ConsultationRequest
from .scheduling import parse_call_time

TOKEN_SALT = "bookings.consultation-form"
# Control characters (tabs and line breaks are allowed in the message only).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e]")
CONTROL_MESSAGE = (
    "This answer contains hidden characters we cannot store (sometimes pasted from another "
    "app). Please type it again."
)
NAME_TOO_LONG = f"Please shorten this to {NAME_MAX_LENGTH} characters or fewer"
# Only a doctored or very old page sends an answer that is not on the list.
PICK_FROM_LIST = "Choose from the answers listed"
# The "Call me back when you can" answer to "when shall we call?"; any other is a call time.
CALLBACK = "callback"
# The article a visitor followed the consultation link from: a /learn/<slug>/ path, no more.
ARTICLE_PATH = re.compile(r"/learn/[a-z0-9]+(?:-[a-z0-9]+)*/")


def new_form_token() -> str:
    """Return a signed one-time token holding a fresh id and the time the form was shown."""
    return signing.dumps({"id": uuid.uuid4().hex, "t": int(time.time())}, salt=TOKEN_SALT)


def article_path(value: str) -> str:
    """Return `value` if it is the path of an article (/learn/<slug>/), otherwise ''."""
    max_length = ConsultationRequest._meta.get_field("came_from").max_length
    return value if ARTICLE_PATH.fullmatch(value) and len(value) <= max_length else ""


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


def _consent_label() -> SafeString:
    return format_html(
        "I agree that the clinic may contact me about this request, as described in the "
        '<a href="{}">privacy notice</a>',
        reverse("pages:privacy"),
    )


class ConsultationForm(forms.ModelForm):
    """Ask for a consultation; the answers are the model's fields, checked kindly.

    The fields declared here are asked differently from how they are stored: a phone typed any
    way (stored as +1…), radio buttons and boxes to tick for the choices, a required tick for
    "18 or older", no maxlength on the message. The rest come from the model, with our words.
    """

    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages=messages(),
    )
    preferred_contact = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages=messages(
            "Choose how you would like us to contact you",
            invalid_choice="Choose how you would like us to contact you",
        ),
    )
    best_times = forms.MultipleChoiceField(
        label="When is it best to reach you? (optional)",
        choices=BestTime.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=messages(invalid_choice=PICK_FROM_LIST),
    )
    state = forms.ChoiceField(
        label="Which US state do you live in?",
        help_text="We can only treat people in the states where our clinicians are licensed.",
        choices=[("", "Choose your state"), *USState.choices],
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
        error_messages=messages(
            "Choose the state you live in", invalid_choice="Choose your state from the list"
        ),
    )
    conditions = forms.MultipleChoiceField(
        label="What would you like help with?",
        help_text="Choose all that apply. It is fine to choose “I'm not sure”.",
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=messages(
            "Choose at least one thing you would like help with, or “I'm not sure”",
            invalid_choice=PICK_FROM_LIST,
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
    how_heard = forms.ChoiceField(
        label="How did you hear about us? (optional)",
        choices=[("", "Choose one"), *HowHeard.choices],
        required=False,
        error_messages=messages(invalid_choice=PICK_FROM_LIST),
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
    # The article they came from: no length limit here, so a doctored value is dropped by
    # clean_came_from rather than shown as an error on a field the patient cannot see.
    came_from = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by many bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        error_messages=messages(),
    )

    class Meta:
        model = ConsultationRequest
        fields = (
            "first_name",
            "last_name",
            "preferred_name",
            "email",
            "phone",
            "preferred_contact",
            "ok_voicemail",
            "ok_text",
            "ok_name_clinic",
            "best_times",
            "state",
            "conditions",
            "message",
            "how_heard",
            "is_adult",
            "came_from",
        )
        labels = {
            "first_name": "First name",
            "last_name": "Last name",
            "preferred_name": "The name you go by (optional)",
            "email": "Email address",
            "ok_voicemail": "You can leave me a voicemail",
            "ok_text": "You can send me text messages",
            "ok_name_clinic": (
                "You can say the clinic's name or the word “ketamine” in a voicemail or text"
            ),
        }
        help_texts = {
            "preferred_name": "If it is different from your first name.",
            "ok_text": "If you choose “Text message” above, we take that as a yes.",
        }
        widgets = {
            "first_name": text_input("given-name"),
            "last_name": text_input("family-name"),
            "preferred_name": text_input("nickname"),
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
            ),
        }
        error_messages = {
            "first_name": messages("Enter your first name", max_length=NAME_TOO_LONG),
            "last_name": messages("Enter your last name", max_length=NAME_TOO_LONG),
            "preferred_name": messages(max_length=NAME_TOO_LONG),
            "email": messages(
                invalid="Enter an email address in the right format, like name@example.com"
            ),
        }

    def __init__(self, *args, scheduling: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if scheduling:
            # Laid out by templates/bookings/_call_time.html, not by crispy-forms: its times
            # change by the minute, while the rest of the empty form is the same for everyone.
            self.fields["call_at"] = forms.CharField(
                label="When shall we call you?",
                error_messages=messages(
                    "Choose a time for your free call, or “Call me back when you can”"
                ),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token
        self.helper.layout = Layout(
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
            Div("website", css_class="consult-hp"),
        )

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
        number = as_e164(value)
        if not number:
            raise forms.ValidationError(
                "Enter a phone number we can call, like 503 555 0142 (with the area code)"
            )
        return number

    def clean_call_at(self) -> datetime.datetime | None:
        """Return the call time picked (aware, UTC), or None for "call me back"."""
        value = self.cleaned_data["call_at"]
        if value == CALLBACK:
            return None
        try:
            return parse_call_time(value)
        except ValueError:
            raise forms.ValidationError(PICK_FROM_LIST) from None

    def clean_came_from(self):
        """Keep an article path the visitor came from; quietly drop anything else."""
        return article_path(self.cleaned_data["came_from"])

    def clean(self):
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        method = cleaned.get("preferred_contact")
        if method == ContactMethod.TEXT:
            # Choosing texts is a yes to texts: asking them to tick a second box is no kinder.
            cleaned["ok_text"] = True
        if cleaned.get("call_at") and not phone and "phone" not in self.errors:
            self.add_error("phone", "Enter your phone number, so we can call you at your time")
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
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

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
