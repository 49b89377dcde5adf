"""The inbox's filters as the front desk sees them: states in a drop-down, people by name."""

import re

import pytest
from django.contrib.auth.models import Group

from bookings import services
from staff.roles import EDITOR
from tests.factories import make_consultation_request, make_user

from .test_admin import INBOX, inbox

pytestmark = pytest.mark.django_db


def test_the_state_filter_is_one_drop_down_not_51_links(client, front_desk):
    make_consultation_request()
    page = client.get(INBOX + "?q=lovelace&urgent__exact=0").content.decode()
    assert '<select name="state__exact"' in page
    assert '<option value="WY">Wyoming</option>' in page
    assert "?state__exact=" not in page
    # Choosing a state keeps the search and the other filters.
    assert '<input type="hidden" name="q" value="lovelace">' in page
    assert '<input type="hidden" name="urgent__exact" value="0">' in page


def test_choosing_a_state_shows_only_its_requests(client, front_desk):
    oregon = make_consultation_request(state="OR")
    make_consultation_request(state="WA", email="wa@example.com", phone="+15035550199")
    assert inbox(client, "?state__exact=OR") == [oregon.reference]
    assert len(inbox(client, "?state__exact=")) == 2


def test_the_assigned_filter_lists_the_front_desk_by_full_name_not_editors(client, front_desk):
    make_user(
        username="eddie",
        first_name="Eddie",
        last_name="Editor",
        is_staff=True,
        groups=[Group.objects.get(name=EDITOR)],
    )
    request = make_consultation_request()
    services.update_requests(requests=[request], actor=front_desk, assigned_to=front_desk)
    page = client.get(INBOX).content.decode()
    filter_html = re.search(r'data-filter-title="assigned to".*?</details>', page, re.S).group()
    assert "Frida Kahlo" in filter_html
    assert "Eddie" not in filter_html
    assert inbox(client, f"?assigned={front_desk.pk}") == [request.reference]
