"""`load_demo_schedule`: the demo (`make run`) offers times; a real clinic is left untouched."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from bookings.models import Caller, SchedulingSettings
from tests.factories import make_caller

pytestmark = pytest.mark.django_db
FORM = reverse("bookings:consultation")


def test_the_demo_form_offers_weekday_times_from_a_caller_who_cannot_sign_in(client):
    call_command("load_starter_content", "--demo", verbosity=0)
    call_command("load_demo_schedule", verbosity=0)
    page = client.get(FORM).content.decode()
    assert "When shall we call you?" in page
    assert "Pick a time for your free call on " in page
    days = {day.split()[0] for day in page.split("Pick a time for your free call on ")[1:]}
    assert days <= {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
    caller = Caller.objects.get()
    assert not caller.user.has_usable_password() and not caller.user.is_active


def test_run_again_it_adds_nothing_and_leaves_scheduling_as_staff_set_it():
    call_command("load_demo_schedule", verbosity=0)
    SchedulingSettings.objects.filter(pk=1).update(enabled=False)  # staff switched it off
    call_command("load_demo_schedule", verbosity=0)
    assert Caller.objects.count() == 1
    assert SchedulingSettings.objects.load().enabled is False


def test_a_clinic_with_its_own_callers_is_left_alone():
    make_caller()
    call_command("load_demo_schedule", verbosity=0)
    assert list(Caller.objects.values_list("display_name", flat=True)) == ["Carol"]
    assert SchedulingSettings.objects.load().enabled is False
