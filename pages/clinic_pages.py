"""Reads behind the clinic's own pages: "Our team", "Visit us" and "Costs".

Each page exists only while staff have given it something true to say: the team page while at
least one clinician is marked for it, "Visit us" once the clinic's address is entered, the costs
page once its text is written. Until then the page answers 404 and nothing links to it, so a new
install never shows invented people, an empty address or a blank page.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db import DatabaseError

from .models import Clinician, ClinicProfile
from .rendering import RenderedBody, render_markdown


@dataclass(frozen=True)
class ShownPages:
    """Which of the clinic's own pages exist right now (the links in the frame follow it)."""

    team: bool
    visit: bool
    costs: bool

    def __bool__(self) -> bool:
        return self.team or self.visit or self.costs


@dataclass(frozen=True)
class MapLink:
    label: str
    url: str


def _on_team_page():
    return Clinician.objects.filter(on_team_page=True)


def team_members() -> list[Clinician]:
    """Return the clinicians shown on "Our team", in the order staff set.

    Each carries `initials` for the calm placeholder shown when it has no photo.
    """
    members = list(_on_team_page())
    for member in members:
        member.initials = initials(member.name)
    return members


def has_team_page() -> bool:
    return _on_team_page().exists()


def has_visit_page(clinic: ClinicProfile) -> bool:
    return bool(clinic.street_address.strip() and clinic.city.strip())


def has_costs_page(clinic: ClinicProfile) -> bool:
    return bool(clinic.costs.strip())


def shown_pages(clinic: ClinicProfile) -> ShownPages:
    """Return which clinic pages exist; the team page counts as absent when the database is down.

    The error pages of an outage show the site's frame too, and must not fail for its links.
    """
    try:
        team = has_team_page()
    except DatabaseError:
        team = False
    return ShownPages(team=team, visit=has_visit_page(clinic), costs=has_costs_page(clinic))


def initials(name: str) -> str:
    """Return up to two initials for a placeholder portrait: 'Alex R. Example' gives 'AE'."""
    words = [word for word in name.split() if word[:1].isalpha()]
    if not words:
        return ""
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def address_line(clinic: ClinicProfile) -> str:
    """Return the clinic's address on one line, as a map search understands it."""
    place = f"{clinic.region} {clinic.postal_code}".strip()
    parts = (clinic.street_address, clinic.city, place)
    return ", ".join(part.strip() for part in parts if part.strip())


def map_links(clinic: ClinicProfile) -> list[MapLink]:
    """Return links that open the clinic's address in the visitor's own map app.

    Plain links: nothing is loaded from a map service until the visitor taps one. `geo:` opens
    whichever map app the phone uses (Android asks which); Apple's and Google's addresses open
    their app when it is installed, and their website otherwise.
    """
    address = address_line(clinic)
    return [
        MapLink("Apple Maps", "https://maps.apple.com/?" + urlencode({"q": address})),
        MapLink(
            "Google Maps",
            "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address}),
        ),
        MapLink("Another map app", "geo:0,0?q=" + quote(address)),
    ]


def costs_body(clinic: ClinicProfile) -> RenderedBody:
    """Return the costs page's text, rendered and sanitised the way articles are."""
    return render_markdown(clinic.costs)
