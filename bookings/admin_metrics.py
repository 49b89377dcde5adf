"""The managers' page: how the clinic is doing, and the same numbers as a CSV download.

Only staff with the "view_metrics" permission (the Manager role) see it. It shows aggregate
numbers only (see bookings/metrics.py), yet a download leaves the site, so each one is recorded
in the access log.
"""

import csv

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from pages.models import ClinicProfile

from . import services
from .metrics import (
    OUTCOMES,
    Period,
    Report,
    clinic_report,
    shown_count,
    shown_share,
    shown_wait,
)
from .models import AccessLogEntry


class ReportForm(forms.Form):
    by = forms.ChoiceField(
        label="Show",
        choices=[(Period.MONTH, "By month"), (Period.WEEK, "By week")],
        error_messages={"invalid_choice": "Choose “By month” or “By week”."},
    )


def metrics_view(request):
    """Show the last 12 weeks or months of numbers, or download them (?download=csv)."""
    if not request.user.has_perm("bookings.view_metrics"):
        raise PermissionDenied
    form = ReportForm(request.GET or {"by": Period.MONTH})
    by = form.cleaned_data["by"] if form.is_valid() else Period.MONTH
    report = clinic_report(by)
    if form.is_valid() and request.GET.get("download") == "csv":
        services.record_access(
            user=request.user, page=AccessLogEntry.Page.METRICS, query=f"by={by}&download=csv"
        )
        return _csv_response(report)
    context = {
        **admin.site.each_context(request),
        "title": "How the clinic is doing",
        "opening_hours": ClinicProfile.objects.load().hours_display,
        "form": form,
        "report": report,
        "table": _table(report),
        "outcome_labels": [status.label for status in OUTCOMES],
        "articles": [
            (title, [shown_count(n) for n in report.article_counts(path)])
            for path, title in report.articles
        ],
    }
    return TemplateResponse(request, "admin/bookings/metrics.html", context)


def _table(report: Report) -> list[dict]:
    return [
        {
            "label": row.label + (" (so far)" if row.is_current else ""),
            "requests": shown_count(row.requests),
            "spam": shown_count(row.spam),
            "median": shown_wait(row.median_wait),
            "p90": shown_wait(row.p90_wait),
            "within_target": shown_share(row.share_within_target),
            "outcomes": [shown_count(row.outcomes[status]) for status in OUTCOMES],
        }
        for row in report.rows
    ]


def _csv_response(report: Report) -> HttpResponse:
    today = timezone.localdate()
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="clinic-numbers-by-{report.by}-'
            f'{today:%Y-%m-%d}.csv"',
            "Cache-Control": "no-store",
        },
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            report.by.capitalize(),
            "Requests",
            "Spam held",
            "Median time to first contact (opening hours)",
            "90th percentile time to first contact (opening hours)",
            "Contacted within target",
            *[f"Now: {status.label}" for status in OUTCOMES],
        ]
    )
    for line in _table(report):
        writer.writerow(
            [
                line["label"],
                line["requests"],
                line["spam"],
                line["median"],
                line["p90"],
                line["within_target"],
                *line["outcomes"],
            ]
        )
    writer.writerow([])
    writer.writerow(["Article requests came from", *[row.label for row in report.rows]])
    for path, title in report.articles:
        writer.writerow([_cell(title), *[shown_count(n) for n in report.article_counts(path)]])
    return response


def _cell(text: str) -> str:
    """Return text a spreadsheet will show as text, never run as a formula (=, +, -, @)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
