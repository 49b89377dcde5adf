"""Every admin page answers each role as its job needs: 200 where allowed, 403 (or the way out)
everywhere else, and never a server error.

The expected answers are written out below for the clinic's own models; every other registered
admin (users, groups, two-factor devices, sign-in attempts, tasks, redirects, sites) is for
superusers only.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test import RequestFactory

from bookings.models import CallBooking, RetentionRun, TimeOff
from pages.models import ClinicProfile
from staff.roles import EDITOR, FRONT_DESK
from tests.factories import (
    make_article,
    make_caller,
    make_clinician,
    make_consultation_request,
    make_user,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"
ROLES = (SUPERUSER, FRONT_DESK, EDITOR)
OK, DENIED, TO_THE_ONE_PROFILE = 200, 403, 302
HOUR = datetime.timedelta(hours=1)

# model label: {role: (list and search, add, change)}
EXPECTED = {
    "bookings.consultationrequest": {
        SUPERUSER: (OK, DENIED, OK),
        FRONT_DESK: (OK, DENIED, OK),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "bookings.accesslogentry": {
        SUPERUSER: (OK, DENIED, OK),
        FRONT_DESK: (DENIED, DENIED, DENIED),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "bookings.retentionrun": {
        SUPERUSER: (OK, DENIED, OK),
        FRONT_DESK: (DENIED, DENIED, DENIED),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "pages.clinicprofile": {
        SUPERUSER: (TO_THE_ONE_PROFILE, DENIED, OK),
        FRONT_DESK: (DENIED, DENIED, DENIED),
        EDITOR: (TO_THE_ONE_PROFILE, DENIED, OK),
    },
    "pages.clinician": {
        SUPERUSER: (OK, OK, OK),
        FRONT_DESK: (DENIED, DENIED, DENIED),
        EDITOR: (OK, OK, OK),
    },
    "pages.article": {
        SUPERUSER: (OK, OK, OK),
        FRONT_DESK: (DENIED, DENIED, DENIED),
        EDITOR: (OK, OK, OK),
    },
    # Call scheduling: the front desk keeps the agenda, hours and time off; the settings and
    # who takes calls are theirs to read.
    "bookings.schedulingsettings": {
        SUPERUSER: (TO_THE_ONE_PROFILE, DENIED, OK),
        FRONT_DESK: (TO_THE_ONE_PROFILE, DENIED, OK),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "bookings.caller": {
        SUPERUSER: (OK, OK, OK),
        FRONT_DESK: (OK, DENIED, OK),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "bookings.timeoff": {
        SUPERUSER: (OK, OK, OK),
        FRONT_DESK: (OK, OK, OK),
        EDITOR: (DENIED, DENIED, DENIED),
    },
    "bookings.callbooking": {
        SUPERUSER: (OK, DENIED, OK),
        FRONT_DESK: (OK, DENIED, OK),
        EDITOR: (DENIED, DENIED, DENIED),
    },
}


@pytest.fixture
def one_of_everything(admin_user):
    """At least one row for each of the clinic's models, so every change page can open."""
    request = make_consultation_request()
    make_article()
    make_clinician()
    ClinicProfile.objects.load()
    RetentionRun.objects.create(cutoff=request.created, anonymised_count=0, references="")
    from bookings.services import record_access

    record_access(request=request, user=admin_user)
    caller = make_caller()
    TimeOff.objects.create(caller=caller, starts=request.created, ends=request.created + HOUR)
    span = DateTimeTZRange(request.created, request.created + HOUR)
    CallBooking.objects.create(
        request=request, caller=caller, during=span, blocked=span, manage_key="k"
    )


def registered_admins():
    """Return every registered model admin, as a superuser's admin home lists them."""
    request = RequestFactory().get("/admin/")
    request.user = make_user(username="lister", is_staff=True, is_superuser=True)
    return [
        (f"{app['app_label']}.{model['object_name'].lower()}", model)
        for app in admin.site.get_app_list(request)
        for model in app["models"]
    ]


def signed_in(client, role, admin_user):
    if role == SUPERUSER:
        sign_in_verified(client, admin_user)
    else:
        group = Group.objects.get(name=role)
        sign_in_verified(client, make_user(username=role, is_staff=True, groups=[group]))
    return client


def first_change_url(label: str) -> str | None:
    model = admin.site.get_model_admin(_model(label)).model
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        return None
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


@pytest.mark.usefixtures("one_of_everything")
@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_expected(client, role, admin_user):
    admins = registered_admins()
    assert {label for label, _ in admins} >= set(EXPECTED)
    signed_in(client, role, admin_user)
    for label, model in admins:
        app_label, model_name = label.split(".")
        base = f"/admin/{app_label}/{model_name}/"
        if label in EXPECTED:
            listing, adding, changing = EXPECTED[label][role]
        elif role == SUPERUSER:
            listing, changing = OK, OK
            adding = OK if model.get("add_url") else DENIED
        else:
            listing = adding = changing = DENIED
        assert client.get(base).status_code == listing, (role, label, "list")
        assert client.get(base, {"q": "ada"}).status_code == listing, (role, label, "search")
        assert client.get(base + "add/").status_code == adding, (role, label, "add")
        change_url = first_change_url(label)
        if change_url is not None:
            assert client.get(change_url).status_code == changing, (role, label, "change")
