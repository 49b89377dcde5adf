"""Run Lighthouse (mobile preset) against the production-like server and print the scores.

Usage: make lighthouse   (or: scripts/with_postgres.sh .venv/bin/python bench/lighthouse.py)

Installs npm `lighthouse@12.8.2` into bench/.work/node_modules when missing (12.x is the last
line that runs on Node 20), starts `scripts/serve.sh` on a free port against the PostgreSQL in
DATABASE_URL (`make lighthouse` starts a throwaway one), and audits the home page, the first
article linked from /learn/ (when there is one), the consultation form (with the demo's free
call times) and, when staff have filled them in, Our team, Visit us and Costs, with the system
Chromium. It then books a call through the form as a patient would and audits the confirmation
(with the browser's confirmation cookie) and the page that moves or cancels the call (its link
from the email). Prints performance, accessibility, best practices and SEO per page (goal: 1.00
in each), lists the audits that lost points, keeps the JSON reports in bench/.work/lighthouse/,
and stops the server it started. Exits non-zero if any score is below 1.0, except the one audit
the private pages fail on purpose: the confirmation and the call's page say `noindex`, so that a
search engine never keeps a patient's call time, and Lighthouse's "not blocked from indexing"
takes SEO points for that. The table shows their real SEO score.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BENCH_ENV
from scheduling import csrf, patient_form
from server import ROOT, WORK, Server

VERSION = "12.8.2"
BIN = WORK / "node_modules" / ".bin" / "lighthouse"
REPORTS = WORK / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--no-first-run --disable-quic --disable-default-apps"
)


def ensure_lighthouse() -> None:
    """Install the pinned Lighthouse locally unless that exact version is there."""
    package = WORK / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == VERSION:
        return
    print(f"Installing lighthouse@{VERSION} into {WORK.relative_to(ROOT)} ...", flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["npm", "install", "--prefix", str(WORK), "--no-audit", "--no-fund", "--silent",
         f"lighthouse@{VERSION}"],
        check=True,
    )  # fmt: skip


def first_article_path(base_url: str) -> str | None:
    """Return the path of the first article linked from the article list, if any."""
    try:
        with urllib.request.urlopen(base_url + "/learn/", timeout=10) as response:
            html = response.read().decode()
    except OSError:
        return None
    for path in re.findall(r'href="(/learn/[a-z0-9-]+/)"', html):
        if path != "/learn/search/":
            return path
    return None


def audit(url: str, name: str, headers: dict[str, str] | None = None) -> dict:
    """Run Lighthouse on one URL (sending `headers` too) and return its parsed JSON report."""
    tmp = WORK / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / f"{name}.json"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
           "TMPDIR": str(tmp)}  # fmt: skip
    subprocess.run(
        [str(BIN), url, "--quiet", "--output=json", f"--output-path={out}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
         *([f"--extra-headers={json.dumps(headers)}"] if headers else [])],
        check=True, env=env, timeout=180,
    )  # fmt: skip
    return json.loads(out.read_text())


PRIVATE = "is-crawlable"  # the one audit a noindex page fails, on purpose
PRIVATE_PAGES = ("confirmation", "call's page")


def lost_points(report: dict) -> list[tuple[str, str]]:
    """Return (audit id, 'category: audit title') for every weighted audit not scored fully."""
    lost = []
    for key in CATEGORIES:
        for ref in report["categories"][key]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                lost.append((ref["id"], f"    {key}: {result['title']} ({result['score']:.2f})"))
    return lost


def book_a_call(base_url: str) -> list[tuple[str, str, dict | None]]:
    """Book the first free time through the form; return the confirmation and the call's page.

    Each as (name, path, headers): the confirmation is shown only to the browser holding the
    cookie the form set, and the call's page is the link from the acknowledgement email.
    """
    import django

    django.setup()
    from bookings import call_links, scheduling
    from bookings.models import CallBooking

    offer = scheduling.offer()
    if offer is None or not offer.times:
        raise SystemExit("No free call time on the form: is load_demo_schedule in serve.sh?")
    cookie, token = csrf(base_url)
    fields = patient_form(token, "lighthouse", offer.times[0])
    port = urllib.parse.urlsplit(base_url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST", "/consultation/", body=urllib.parse.urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": f"csrftoken={cookie}"},
    )  # fmt: skip
    response = connection.getresponse()
    sent = re.search(r"consultation_sent=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or sent is None:
        raise SystemExit(f"Booking a call through the form failed: HTTP {response.status}")
    booking = CallBooking.objects.booked().latest("created")
    return [
        ("confirmation", "/consultation/thanks/", {"Cookie": f"consultation_sent={sent[1]}"}),
        ("call's page", call_links.manage_url(booking), None),
    ]


CLINIC_PAGES = [("team", "/team/"), ("visit", "/visit/"), ("costs", "/costs/")]


def answers(url: str) -> bool:
    """Return whether the page exists (200), rather than 404 for an empty clinic profile."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def main() -> int:
    ensure_lighthouse()
    # The bench's settings: a SECRET_KEY this process shares with the server (the call's link
    # is signed with it), and no minimum time to fill in the form.
    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(ROOT))
    with Server(BENCH_ENV) as server:
        pages = [("home", "/", None)]
        article = first_article_path(server.url)
        if article:
            pages.append(("article", article, None))
        else:
            print("No article linked from /learn/ yet: auditing home and the form only.")
        pages.append(("consultation", "/consultation/", None))
        # Shown only once staff (or the demo) fill them in: audited when they exist.
        pages += [(name, path, None) for name, path in CLINIC_PAGES if answers(server.url + path)]
        pages += book_a_call(server.url)
        print(f"\nLighthouse {VERSION}, mobile preset, {server.url}\n")
        print(f"{'page':<34}" + "".join(f"{c:>16}" for c in CATEGORIES))
        all_full = True
        for name, path, headers in pages:
            report = audit(server.url + path, name, headers)
            scores = [report["categories"][c]["score"] for c in CATEGORIES]
            lost = lost_points(report)
            private = name in PRIVATE_PAGES
            all_full &= all(private and audit_id == PRIVATE for audit_id, _ in lost)
            shown = path.partition("?")[0]  # the call's key stays out of the output
            print(f"{shown:<34}" + "".join(f"{s:>16.2f}" for s in scores), flush=True)
            for audit_id, line in lost:
                print(line + (" - noindex on purpose" if private and audit_id == PRIVATE else ""))
    shutil.rmtree(WORK / "tmp", ignore_errors=True)  # Chromium leaves a profile per run
    print(f"\nJSON reports: {REPORTS.relative_to(ROOT)}/")
    return 0 if all_full else 1


if __name__ == "__main__":
    sys.exit(main())
