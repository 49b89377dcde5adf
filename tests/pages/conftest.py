"""Staff of the clinical sign-off tests: an editor and a clinical reviewer, in their real groups."""

import pytest
from django.contrib.auth.models import Group

from staff.roles import CLINICAL_REVIEWER, EDITOR
from tests.factories import make_user


@pytest.fixture
def editor(db):
    return make_user(
        username="eddie",
        email="eddie@clinic.example",
        is_staff=True,
        groups=[Group.objects.get(name=EDITOR)],
    )


@pytest.fixture
def reviewer(db):
    return make_user(
        username="dr-rivera",
        email="rivera@clinic.example",
        is_staff=True,
        groups=[Group.objects.get(name=CLINICAL_REVIEWER)],
    )
