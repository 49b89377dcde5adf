"""Small helpers that make test data: `make_<thing>(**overrides)`."""

import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bookings.forms import TOKEN_SALT
from bookings.services import submit_consultation_request


def make_user(*, username="staff", password="correct horse battery", **overrides):
    """Create a user with a usable password; pass is_staff/is_superuser/groups as needed."""
    groups = overrides.pop("groups", [])
    user = get_user_model().objects.create_user(username=username, password=password, **overrides)
    user.groups.set(groups)
    return user


def make_clinician(**overrides):
    """Create a clinician who can sign off articles."""
    from pages.models import Clinician

    fields = {"name": "Dana Reviewer", "credentials": "MD", "role": "Medical director"}
    return Clinician.objects.create(**{**fields, **overrides})


def make_article(*, faqs=(), **overrides):
    """Create a published article (publish date a minute ago); pass status/publish_at to vary.

    A published one goes live unreviewed, as the demo's starter articles do; a draft
    (status=Status.DRAFT) has no live version.
    """
    import datetime

    from django.utils import timezone

    from pages.models import Article, ArticleFAQ, Status
    from pages.review import publish_unreviewed

    fields = {
        "title": "Test article",
        "slug": "test-article",
        "topic": "about",
        "summary": "A short summary for the list.",
        "body": "## First part\n\nSome words here.\n\n## Second part\n\nMore words here.\n",
        "status": Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(minutes=1),
    }
    article = Article.objects.create(**{**fields, **overrides})
    for index, (question, answer) in enumerate(faqs):
        ArticleFAQ.objects.create(article=article, question=question, answer=answer, order=index)
    if article.status == Status.PUBLISHED:
        publish_unreviewed(article)
        article.refresh_from_db()
    return article


def make_approval(article, *, clinician=None, decided_at=None, decided_by=None, **overrides):
    """Record a clinician's approval of the article's draft as it is now (not yet published)."""
    import datetime

    from django.utils import timezone

    from pages.models import ClinicalReview, Decision

    clinician = clinician or make_clinician()
    decided_at = decided_at or timezone.now()
    if decided_by is None:
        decided_by = make_user(username=f"reviewer-{uuid.uuid4().hex[:8]}", is_staff=True)
    fields = {
        "fingerprint": article.draft_fingerprint(),
        "decision": Decision.APPROVED,
        "reviewer_name": clinician.name,
        "reviewer_credentials": clinician.credentials,
        "clinician": clinician,
        "decided_by": decided_by,
        "decided_at": decided_at,
        "next_review_due": timezone.localdate(decided_at) + datetime.timedelta(days=365),
    }
    return ClinicalReview.objects.create(article=article, **{**fields, **overrides})


def consultation_data(**overrides) -> dict:
    """Return the model fields of a valid consultation request, as the form would clean them."""
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "preferred_name": "",
        "email": "ada@example.com",
        "phone": "+15035550142",
        "preferred_contact": "call",
        "ok_voicemail": True,
        "ok_text": False,
        "ok_name_clinic": False,
        "best_times": ["morning"],
        "state": "OR",
        "conditions": ["depression"],
        "message": "",
        "how_heard": "",
        "is_adult": True,
    }
    return {**data, **overrides}


def make_consultation_request(*, spam_reason="", **overrides):
    """Store a request through the real service (notifications queued like the site does)."""
    return submit_consultation_request(
        data=consultation_data(**overrides), form_token=uuid.uuid4(), spam_reason=spam_reason
    )


def consultation_post(**overrides) -> dict:
    """Return POST data for the consultation form that passes every check."""
    token = signing.dumps({"id": uuid.uuid4().hex, "t": int(time.time()) - 60}, salt=TOKEN_SALT)
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "503 555 0142",
        "preferred_contact": "call",
        "ok_voicemail": "on",
        "state": "OR",
        "conditions": ["depression"],
        "message": "",
        "is_adult": "on",
        "consent": "on",
        "token": token,
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_staff_with_two_factor(*, username="staff", **overrides):
    """Create a staff user (a superuser unless told otherwise) with a confirmed TOTP device."""
    overrides.setdefault("is_staff", True)
    overrides.setdefault("is_superuser", True)
    user = make_user(username=username, **overrides)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def totp_code(device) -> str:
    """Return the code the device's authenticator app shows right now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def login_verified_staff(client, **overrides):
    """Create a staff user with two-factor set up and sign the test client in, fully verified."""
    user, device = make_staff_with_two_factor(**overrides)
    sign_in_verified(client, user, device)
    return user


def sign_in_verified(client, user, device=None):
    """Sign an existing user into the test client as if they had entered their TOTP code."""
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["staff_last_seen"] = int(time.time())  # as the first admin page after sign-in sets
    session.save()


def browser_login_verified_staff(page, base_url, *, password="correct horse battery", **overrides):
    """Create a staff user with two-factor and sign in through the admin pages in the browser."""
    user, device = make_staff_with_two_factor(password=password, **overrides)
    page.goto(f"{base_url}/{settings.ADMIN_PATH}login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.fill("#id_token", totp_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/{settings.ADMIN_PATH}")
    return user


def make_caller(*, username="carol", hours=None):
    """Create a caller who takes calls `hours` [(weekday, start, end)], by default all day daily."""
    from bookings.models import Caller, CallHours

    user = make_user(username=username, is_staff=True)
    caller = Caller.objects.create(user=user, display_name=username.title())
    for weekday, start, end in hours or [(day, "00:00", "23:59") for day in range(7)]:
        CallHours.objects.create(caller=caller, weekday=weekday, starts_at=start, ends_at=end)
    return caller
