"""Each staff role sees only what it should, proven through the real admin."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from pages.models import ClinicProfile
from staff.roles import EDITOR, FRONT_DESK, ROLES, sync_roles
from tests.factories import make_consultation_request, make_user, sign_in_verified

pytestmark = pytest.mark.django_db
INBOX = "/admin/bookings/consultationrequest/"
ACCESS_LOG = "/admin/bookings/accesslogentry/"


def login_as(client, group_name, username="someone"):
    user = make_user(username=username, is_staff=True, groups=[Group.objects.get(name=group_name)])
    sign_in_verified(client, user)
    return user


def test_the_migration_created_both_groups_with_front_desk_permissions():
    front_desk = Group.objects.get(name=FRONT_DESK)
    codenames = set(front_desk.permissions.values_list("codename", flat=True))
    assert codenames == {codename for _, codename in ROLES[FRONT_DESK]}
    assert Group.objects.filter(name=EDITOR).exists()


def test_editor_gets_clinic_profile_and_every_article_permission_whose_model_exists():
    editor = Group.objects.get(name=EDITOR)
    codenames = set(editor.permissions.values_list("codename", flat=True))
    assert {"change_clinicprofile", "view_clinicprofile"} <= codenames
    for app_label, codename in ROLES[EDITOR]:
        model_name = codename.split("_", 1)[1]
        if apps.all_models[app_label].get(model_name):
            assert codename in codenames
    assert not any("consultationrequest" in c or "note" == c[-4:] for c in codenames)


def test_sync_is_idempotent_and_recreates_deleted_groups():
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
    Group.objects.filter(name__in=ROLES).delete()
    sync_roles()
    assert Group.objects.get(name=FRONT_DESK).permissions.count() == len(ROLES[FRONT_DESK])


def test_every_migrate_completes_the_roles():
    editor = Group.objects.get(name=EDITOR)
    expected = set(editor.permissions.values_list("codename", flat=True))
    editor.permissions.clear()
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate still runs
    assert set(editor.permissions.values_list("codename", flat=True)) == expected
    assert "change_article" in expected or not apps.all_models["pages"].get("article")


def test_front_desk_sees_the_inbox_and_a_request(client):
    login_as(client, FRONT_DESK)
    request = make_consultation_request()
    assert client.get(INBOX).status_code == 200
    assert client.get(f"{INBOX}{request.pk}/change/").status_code == 200


def test_front_desk_cannot_delete_requests(client):
    login_as(client, FRONT_DESK)
    request = make_consultation_request()
    assert client.get(f"{INBOX}{request.pk}/delete/").status_code == 403
    assert client.post(f"{INBOX}{request.pk}/delete/", {"post": "yes"}).status_code == 403
    assert type(request).objects.filter(pk=request.pk).exists()


def test_front_desk_sees_no_article_admin_and_no_clinic_profile(client):
    login_as(client, FRONT_DESK)
    ClinicProfile.objects.load()
    index = client.get("/admin/").content.decode()
    assert "/admin/pages/" not in index
    assert client.get("/admin/pages/clinicprofile/1/change/").status_code == 403
    for url in ("/admin/pages/article/", "/admin/pages/article/add/"):
        assert client.get(url).status_code in (403, 404)


def test_front_desk_cannot_read_the_access_log(client):
    login_as(client, FRONT_DESK)
    assert client.get(ACCESS_LOG).status_code == 403
    assert "accesslogentry" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("path", ["", "add/", "{pk}/change/", "{pk}/delete/", "{pk}/history/"])
def test_editor_cannot_see_requests(client, path):
    login_as(client, EDITOR)
    request = make_consultation_request()
    response = client.get(INBOX + path.format(pk=request.pk))
    assert response.status_code in (403, 404)
    assert "Consultation requests" not in client.get("/admin/").content.decode()


def test_editor_can_edit_articles(client):
    login_as(client, EDITOR)
    assert client.get("/admin/pages/article/").status_code == 200
    assert client.get("/admin/pages/article/add/").status_code == 200


def test_editor_can_edit_the_clinic_profile(client):
    login_as(client, EDITOR)
    ClinicProfile.objects.load()
    assert client.get("/admin/pages/clinicprofile/1/change/").status_code == 200


def test_superuser_reviews_the_access_log_read_only(client):
    request = make_consultation_request()
    viewer = login_as(client, FRONT_DESK, username="viewer")
    client.get(f"{INBOX}{request.pk}/change/")
    boss = make_user(username="boss", is_staff=True, is_superuser=True)
    sign_in_verified(client, boss)
    page = client.get(ACCESS_LOG)
    assert page.status_code == 200
    assert [(e.user, e.request) for e in page.context["cl"].result_list] == [(viewer, request)]
    entry = page.context["cl"].result_list[0]
    assert client.get(f"{ACCESS_LOG}add/").status_code == 403
    assert client.post(f"{ACCESS_LOG}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert "delete_selected" not in page.content.decode()
