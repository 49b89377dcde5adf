"""The clinic's own pages: "Our team", "Visit us" and "Costs".

Each appears, with its links, only once staff have entered what it shows; a fresh install shows
no invented person, empty address or blank page. The demo fills them with labelled samples.
"""

from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from pages.management.commands.load_starter_content import DEMO_TEAM, DEMO_TEXTS
from pages.models import Clinician, ClinicProfile, reading_grade
from pages.rendering import MAX_SOURCE_LENGTH, render_markdown
from tests.factories import make_clinician

pytestmark = pytest.mark.django_db

CLINIC_PAGES = ["/team/", "/visit/", "/costs/"]
ADDRESS = {
    "street_address": "40 Harbor Street, Suite 2",
    "city": "Salem",
    "region": "OR",
    "postal_code": "97301",
}


def save_profile(commit, **fields):
    """Save the clinic profile the way the admin does, its page-cache clearing included."""
    profile = ClinicProfile.objects.load()
    for name, value in fields.items():
        setattr(profile, name, value)
    with commit(execute=True):
        profile.save()
    return profile


def html_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def load(*args):
    out = StringIO()
    call_command("load_starter_content", *args, stdout=out)
    return out.getvalue()


# A fresh install ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", CLINIC_PAGES)
def test_a_fresh_install_has_no_team_visit_or_costs_page(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/", "/learn/", "/privacy/", "/sitemap.xml"])
def test_a_fresh_install_links_to_none_of_them(client, path):
    html = html_of(client, path)
    for hidden in CLINIC_PAGES:
        assert f'{hidden}"' not in html and f"{hidden}<" not in html, hidden


def test_a_clinician_kept_off_the_team_page_gives_no_team_page(client):
    make_clinician(name="Outside Reviewer", on_team_page=False)
    assert client.get("/team/").status_code == 404
    assert "/team/" not in html_of(client, "/")


# Our team ----------------------------------------------------------------------------------


def test_team_page_shows_each_clinician_on_it_in_the_order_staff_set(client):
    make_clinician(name="Robin Second", credentials="PMHNP-BC", role="Nurse practitioner", order=20)
    make_clinician(
        name="Dana First",
        credentials="MD",
        role="Medical director",
        bio="I lead the team.",
        order=10,
    )
    make_clinician(name="Outside Reviewer", on_team_page=False)
    html = html_of(client, "/team/")
    assert html.index("Dana First") < html.index("Robin Second")
    for text in ("MD", "Medical director", "I lead the team.", "PMHNP-BC", "Nurse practitioner"):
        assert text in html
    assert "Outside Reviewer" not in html
    assert "Sample" not in html and "fictional" not in html


@pytest.mark.parametrize("path", ["/", "/privacy/", "/sitemap.xml"])
def test_a_team_page_is_linked_once_it_exists(client, path):
    make_clinician()
    assert "/team/" in html_of(client, path)


def test_a_clinician_without_a_photo_gets_their_initials_not_a_stock_face(client):
    make_clinician(name="Dana Q. Reviewer")
    html = html_of(client, "/team/")
    assert (
        '<span class="person__photo person__photo--placeholder" aria-hidden="true">DR</span>'
        in (html)
    )
    assert "<img" not in html.split('<ul class="team">')[1].split("</ul>")[0]


def test_a_clinicians_photo_is_served_from_the_clinics_own_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clinician = make_clinician(name="Dana Reviewer")
    clinician.photo = SimpleUploadedFile("dana.jpg", b"\xff\xd8\xff\xe0 a tiny jpeg")
    clinician.save()
    html = html_of(client, "/team/")
    assert f'src="/media/{clinician.photo.name}"' in html
    assert (tmp_path / clinician.photo.name).exists()
    assert "person__photo--placeholder" not in html


def test_a_photo_that_is_not_a_picture_is_refused_with_a_clear_message(admin_client):
    response = admin_client.post(
        reverse("admin:pages_clinician_add"),
        {
            "name": "Dana Reviewer",
            "role": "Medical director",
            "order": "10",
            "on_team_page": "on",
            "photo": SimpleUploadedFile("dana.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 200
    assert "File extension “pdf” is not allowed" in response.content.decode()
    assert 'value="Dana Reviewer"' in response.content.decode()  # nothing typed is lost
    assert not Clinician.objects.exists()


def test_sample_entries_are_labelled_and_the_page_says_the_clinic_is_fictional(client):
    load("--demo")
    html = html_of(client, "/team/")
    assert html.count('<p class="person__sample">Sample</p>') == len(DEMO_TEAM)
    assert "The clinic on this site is fictional" in html


# Visit us ----------------------------------------------------------------------------------


def test_visit_page_gives_the_address_hours_and_links_to_the_visitors_own_map_app(
    client, django_capture_on_commit_callbacks
):
    save_profile(django_capture_on_commit_callbacks, **ADDRESS)
    html = html_of(client, "/visit/")
    assert "40 Harbor Street, Suite 2" in html and "Salem, OR 97301" in html
    assert "Monday to Friday, 9 am to 5 pm" in html
    one_line = "40 Harbor Street, Suite 2, Salem, OR 97301"
    assert f'href="geo:0,0?q={one_line.replace(" ", "%20").replace(",", "%2C")}"' in html
    for service in ("https://maps.apple.com/?q=", "https://www.google.com/maps/search/?api=1"):
        assert f'href="{service}' in html
    assert "<iframe" not in html and "<script src=" not in html  # no map is loaded


def test_visit_page_shows_parking_and_transit_only_when_written(
    client, django_capture_on_commit_callbacks
):
    save_profile(django_capture_on_commit_callbacks, **ADDRESS)
    html = html_of(client, "/visit/")
    assert "Parking" not in html and "By bus or train" not in html
    save_profile(
        django_capture_on_commit_callbacks,
        parking="Free spaces behind the building.",
        transit="Bus 12 stops at the door.\nThe train is 5 minutes away.",
    )
    html = html_of(client, "/visit/")
    assert "Free spaces behind the building." in html
    assert "<p>Bus 12 stops at the door.<br>The train is 5 minutes away.</p>" in html


def test_a_visit_page_without_a_street_address_does_not_exist(
    client, django_capture_on_commit_callbacks
):
    save_profile(django_capture_on_commit_callbacks, city="Salem", parking="Behind the building.")
    assert client.get("/visit/").status_code == 404
    save_profile(django_capture_on_commit_callbacks, **ADDRESS)
    assert client.get("/visit/").status_code == 200
    assert "/visit/" in html_of(client, "/")


def test_map_links_carry_an_address_with_odd_characters_safely(
    client, django_capture_on_commit_callbacks
):
    save_profile(
        django_capture_on_commit_callbacks, **{**ADDRESS, "street_address": '1 "A&B" Way #4'}
    )
    html = html_of(client, "/visit/")
    geo = html.split('href="geo:0,0?q=')[1].split('"')[0]
    assert unquote(geo) == '1 "A&B" Way #4, Salem, OR 97301'


# Costs -------------------------------------------------------------------------------------


def test_costs_page_shows_the_clinics_markdown_safely(client, django_capture_on_commit_callbacks):
    save_profile(
        django_capture_on_commit_callbacks,
        costs="## Paying\n\nAsk for a **written** price list.\n\n<script>alert(1)</script>",
    )
    html = html_of(client, "/costs/")
    assert '<h2 id="paying">Paying</h2>' in html
    assert "Ask for a <strong>written</strong> price list." in html
    assert "alert(1)" not in html
    assert "/costs/" in html_of(client, "/")


def test_a_costs_page_of_blank_lines_does_not_exist(client, django_capture_on_commit_callbacks):
    save_profile(django_capture_on_commit_callbacks, costs="  \n\n ")
    assert client.get("/costs/").status_code == 404
    assert "/costs/" not in html_of(client, "/")


def profile_form_data(profile, **overrides):
    data = {
        "name": profile.name,
        "tagline": profile.tagline,
        "phone": "(503) 555-0100",
        "email": "",
        **dict.fromkeys(ADDRESS, ""),
        "open_days": profile.open_days,
        "opens_at": "09:00",
        "closes_at": "17:00",
        "time_zone": profile.time_zone,
        "parking": "",
        "transit": "",
        "costs": "",
        "crisis_message": profile.crisis_message,
        "crisis_number": profile.crisis_number,
        "crisis_name": profile.crisis_name,
        "crisis_chat_url": profile.crisis_chat_url,
        "emergency_number": profile.emergency_number,
    }
    return {**data, **overrides}


def test_a_costs_text_too_long_to_show_is_refused_with_a_clear_message(admin_client):
    profile = ClinicProfile.objects.load()
    url = reverse("admin:pages_clinicprofile_change", args=[profile.pk])
    too_long = "Words. " * (MAX_SOURCE_LENGTH // 7 + 1)
    response = admin_client.post(url, profile_form_data(profile, costs=too_long))
    assert response.status_code == 200
    html = response.content.decode()
    assert "characters long, and it can hold at most 100,000" in html
    assert "Words. Words." in html  # the text stays in the box
    assert ClinicProfile.objects.get().costs == ""
    response = admin_client.post(url, profile_form_data(profile, costs="## Fees\n\nAsk us."))
    assert response.status_code == 302
    assert ClinicProfile.objects.get().costs == "## Fees\n\nAsk us."


# The page cache ----------------------------------------------------------------------------


@pytest.mark.usefixtures("shared_cache")
def test_adding_or_hiding_a_clinician_shows_on_every_page_at_once(
    client, django_capture_on_commit_callbacks
):
    assert client.get("/team/").status_code == 404
    assert "/team/" not in html_of(client, "/")  # now kept in the page cache
    with django_capture_on_commit_callbacks(execute=True):
        dana = make_clinician(name="Dana Reviewer")
    assert "Dana Reviewer" in html_of(client, "/team/")
    assert "/team/" in html_of(client, "/")
    dana.role = "Lead psychiatrist"
    with django_capture_on_commit_callbacks(execute=True):
        dana.save()
    assert "Lead psychiatrist" in html_of(client, "/team/")
    dana.on_team_page = False
    with django_capture_on_commit_callbacks(execute=True):
        dana.save()
    assert client.get("/team/").status_code == 404
    assert "/team/" not in html_of(client, "/")


@pytest.mark.usefixtures("shared_cache")
@pytest.mark.parametrize("path", ["/team/", "/visit/", "/costs/"])
def test_the_clinic_pages_are_kept_for_anonymous_visitors(
    client, django_capture_on_commit_callbacks, path
):
    make_clinician(name="Dana Reviewer")
    save_profile(django_capture_on_commit_callbacks, costs="Ask us.", **ADDRESS)
    first = client.get(path)
    assert "max-age=" in first["Cache-Control"]
    Clinician.objects.update(name="Renamed Quietly")  # no signal: the kept page stays
    ClinicProfile.objects.update(costs="Changed quietly.", city="Quietly")
    assert client.get(path).content == first.content


# The starter content -----------------------------------------------------------------------


def test_a_production_install_gets_no_clinicians_and_no_costs_page(client):
    load()
    assert not Clinician.objects.exists()
    profile = ClinicProfile.objects.get()
    assert (profile.costs, profile.parking, profile.transit) == ("", "", "")
    for path in CLINIC_PAGES:
        assert client.get(path).status_code == 404


def test_the_demo_fills_the_team_visit_and_costs_pages(client):
    output = load("--demo")
    assert "Sample team: created 3." in output
    assert list(Clinician.objects.values_list("name", "is_sample")) == [
        (member["name"], True) for member in DEMO_TEAM
    ]
    for path in CLINIC_PAGES:
        assert client.get(path).status_code == 200, path
    assert "(Sample text: the demo clinic is fictional.)" in html_of(client, "/visit/")
    assert "Most insurance plans do not pay" in html_of(client, "/costs/")


def test_the_demo_loader_is_idempotent_and_keeps_the_clinics_own_words():
    load("--demo")
    ClinicProfile.objects.filter(pk=1).update(costs="Our own prices.", parking="")
    output = load("--demo")
    assert "Sample team: kept the clinic's clinicians." in output
    assert Clinician.objects.count() == len(DEMO_TEAM)
    profile = ClinicProfile.objects.get()
    assert profile.costs == "Our own prices."
    assert profile.parking == DEMO_TEXTS["parking"]  # only an empty text is filled in


def test_the_demo_adds_no_samples_beside_a_real_team():
    make_clinician(name="Dana Reviewer")
    load("--demo")
    assert list(Clinician.objects.values_list("name", flat=True)) == ["Dana Reviewer"]


def test_a_dry_run_of_the_demo_changes_nothing():
    output = load("--demo", "--dry-run")
    assert "Sample team: would create 3." in output
    assert not Clinician.objects.exists()


def test_the_demo_costs_text_is_plain_names_no_price_and_promises_nothing():
    rendered = render_markdown(DEMO_TEXTS["costs"])
    assert reading_grade(rendered.sentences_text) <= 8.0
    text = DEMO_TEXTS["costs"].lower()
    for word in ("$", "dollar", "guarantee", "cure", "covered by all"):
        assert word not in text, word


# The admin ---------------------------------------------------------------------------------


def test_the_admin_labels_sample_clinicians_as_made_up(admin_client):
    load("--demo")
    real = make_clinician(name="Dana Reviewer")
    listing = admin_client.get(reverse("admin:pages_clinician_changelist")).content.decode()
    assert listing.count("Sample: made up for the demo clinic") == len(DEMO_TEAM)
    sample = Clinician.objects.filter(is_sample=True).first()
    page = admin_client.get(reverse("admin:pages_clinician_change", args=[sample.pk]))
    assert "not a real person" in page.content.decode()
    page = admin_client.get(reverse("admin:pages_clinician_change", args=[real.pk]))
    assert "not a real person" not in page.content.decode()
    assert 'name="photo"' in page.content.decode()


def test_the_clinic_profile_admin_groups_visit_us_and_the_costs_page(admin_client):
    ClinicProfile.objects.load()
    html = admin_client.get(reverse("admin:pages_clinicprofile_change", args=[1])).content.decode()
    assert "Visit us" in html and 'name="parking"' in html and 'name="transit"' in html
    assert "Costs page" in html and 'name="costs"' in html
