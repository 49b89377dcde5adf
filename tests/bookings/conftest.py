import pytest
from django.contrib.auth.models import Group

from staff.roles import FRONT_DESK
from tests.factories import make_user, sign_in_verified


@pytest.fixture
def front_desk(client):
    """Sign the test client in as a front-desk member with a full name, past both steps."""
    user = make_user(
        username="frida",
        first_name="Frida",
        last_name="Kahlo",
        is_staff=True,
        groups=[Group.objects.get(name=FRONT_DESK)],
    )
    sign_in_verified(client, user)
    return user


@pytest.fixture
def scheduling_on(db):
    """Switch self-scheduling on with one caller free all day, every day: return the caller."""
    from bookings.models import SchedulingSettings
    from tests.factories import make_caller

    SchedulingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    return make_caller()
