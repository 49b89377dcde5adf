"""Forms of the clinical sign-off: the reviewer's decision, review links, non-clinical fixes."""

from crispy_forms.helper import FormHelper
from django import forms

from .models import Clinician, Decision, ReviewLink


class DecisionForm(forms.Form):
    """A reviewer's decision on the exact draft they were shown (its fingerprint)."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the article or send it back."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed when you send it back: say what should change.",
    )
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Decision.CHANGES_REQUESTED
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", "Please say what should change, so the editor can fix it.")
        return cleaned


class LinkDecisionForm(DecisionForm):
    """The outside reviewer's decision, given after they confirm who they are."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    confirm = forms.BooleanField(
        error_messages={"required": "Please confirm your name and credentials."},
    )

    def __init__(self, *args, link, **kwargs):
        super().__init__(*args, **kwargs)
        who = link.reviewer_name
        if link.reviewer_credentials:
            who += f", {link.reviewer_credentials}"
        self.fields[
            "confirm"
        ].label = f"I am {who}, I have read the whole article, and my name may be shown on it."
        self.order_fields(["confirm", "decision", "comment"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> has the token


class StaffDecisionForm(DecisionForm):
    """A signed-in clinical reviewer's decision, made in the name of a clinician."""

    clinician = forms.ModelChoiceField(
        label="Reviewed by",
        queryset=Clinician.objects.all(),
        help_text="The clinician whose name the article will show.",
    )

    field_order = ["clinician", "decision", "comment"]


class ReviewLinkForm(forms.ModelForm):
    class Meta:
        model = ReviewLink
        fields = ("reviewer_name", "reviewer_credentials", "reviewer_email")


class FixForm(forms.Form):
    reason = forms.CharField(
        label="What does the fix change?",
        max_length=500,
        help_text="For example: “typo in the second heading” or “broken link to the FAQ”. "
        "Only for changes that do not touch medical content.",
    )
