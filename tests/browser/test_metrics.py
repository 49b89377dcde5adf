"""A manager, in Chromium at 1280 x 800, finds the clinic's numbers and takes them away as CSV."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from bookings.models import AccessLogEntry, ConsultationRequest
from staff.roles import MANAGER
from tests.factories import make_consultation_request, make_user

from .test_articles import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_reads_the_numbers_and_downloads_them(site, page):
    morgan = make_user(username="morgan", is_staff=True, groups=[Group.objects.get(name=MANAGER)])
    for n in range(6):
        make_consultation_request(email=f"p{n}@example.com", phone=f"+1503555010{n}")
    names = list(ConsultationRequest.objects.values_list("last_name", flat=True))
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(site, page, morgan)

    page.get_by_role("link", name="Requests, response times and outcomes").click()
    expect(page.get_by_role("heading", name="How the clinic is doing")).to_be_visible()
    requests_table = page.get_by_role("table", name="Requests and how fast")
    expect(requests_table.get_by_role("row").nth(1)).to_contain_text("6")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not any(name in page.content() for name in names)

    page.get_by_label("Show").select_option("week")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row").nth(1)).to_contain_text("Week of")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these numbers (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0][0] == "Week"
    assert rows[1][1] == "6"
    assert AccessLogEntry.objects.filter(user=morgan, page=AccessLogEntry.Page.METRICS).exists()
