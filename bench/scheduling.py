"""Benchmark booked calls on the production-like server, against a static file of the same server.

Usage: make bench-scheduling   (or: scripts/with_postgres.sh .venv/bin/python bench/scheduling.py)

What it measures (issue 16's goals in brackets):
1. Computing 14 days of free times for 5 callers (every day 8 am to 8 pm) with 200 calls
   already booked: this process's CPU per computation, database queries included on the
   client side, median (min-max) of 50 (goal: at most 20 ms).
2. The consultation form with its free times (GET) and a static CSS file, with
   `wrk -t2 -c16 -d10s` three times round-robin (goal: the form at 0.15x the static file).
3. The booking POST: each body books its own free time (25 more callers are added first so
   the run cannot run out of times), counted by the Lua script of bench/run.py as confirmed
   redirects (goal: 0.04x the static file, zero errors), then every confirmed booking is
   checked to be stored once.
4. 50 POSTs for one and the same time at once: exactly one booked, 49 "just taken" pages (409)
   with the patient's typing, no other answer, one row.
For the bench only, the per-visitor limit and the form's minimum fill time are relaxed (as in
bench/run.py). Writes bench/results/<date>-<machine>-scheduling.md. Never part of `make test`.
"""

import datetime
import html
import http.client
import os
import re
import statistics
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ensure_wrk, wrk
from run import BENCH_ENV, DURATION, ENCODING, RELAXED, RUNS, fetch, machine, results_path
from server import ROOT, WORK, Server

CALLERS = 5
EXTRA_CALLERS_FOR_POSTS = 25
BOOKED = 200
RACERS = 50
CONNECTIONS = 16  # wrk's -c, as bench/load.py runs it
MAX_BODIES = 1500 * DURATION


def main() -> int:
    ensure_wrk()
    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    lines = [f"# Booked calls benchmark\n\nMachine: {machine()}\n\n{RELAXED}.\n"]
    with Server(BENCH_ENV) as server:
        schedule(callers=CALLERS, first=0)
        book_existing(BOOKED)
        lines += slot_cpu()
        lines += form_and_post(server)
        lines += race(server.url)
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    out = results_path(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}-scheduling")
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


def schedule(*, callers: int, first: int) -> None:
    """Switch online booking on; make callers free every day from 8 am to 8 pm.

    Only the bench's callers take calls: the demo's sample caller is switched off.
    """
    from django.contrib.auth import get_user_model

    from bookings.models import Caller, CallHours, SchedulingSettings

    SchedulingSettings.objects.update_or_create(pk=1, defaults={"enabled": True})
    Caller.objects.exclude(user__username__startswith="bench-caller-").update(active=False)
    for number in range(first, first + callers):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-caller-{number}", defaults={"is_staff": True}
        )
        caller, created = Caller.objects.get_or_create(
            user=user, defaults={"display_name": f"Caller {number}"}
        )
        if created:
            CallHours.objects.bulk_create(
                CallHours(caller=caller, weekday=day, starts_at="08:00", ends_at="20:00")
                for day in range(7)
            )


def book_existing(count: int) -> None:
    """Book `count` calls through the real service, spread over the window."""
    from bookings import scheduling
    from bookings.models import CallBooking
    from bookings.services import submit_consultation_request

    missing = count - CallBooking.objects.booked().count()
    print(f"Booking {max(missing, 0)} calls ...", flush=True)
    for number in range(max(missing, 0)):
        times = scheduling.offer().times
        submit_consultation_request(
            data=patient_data(f"existing-{number}"),
            form_token=uuid.uuid4(),
            call_at=times[(number * 7) % len(times)],
        )


def patient_data(tag: str) -> dict:
    return {
        "first_name": "Bench",
        "last_name": tag,
        "email": f"{tag}@example.com",
        "phone": "+15035550142",
        "preferred_contact": "call",
        "state": "OR",
        "conditions": ["depression"],
        "is_adult": True,
    }


def slot_cpu() -> list[str]:
    from django.db import reset_queries

    from bookings import scheduling

    cpu, wall, found = [], [], 0
    for _ in range(50):
        reset_queries()
        started_cpu, started = time.process_time(), time.perf_counter()
        found = len(scheduling.free_slots()[0])
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return [
        "## Free times: 14 days, 5 callers, 200 booked calls\n",
        f"- {found:,} free (time, caller) pairs per computation",
        f"- CPU {spread(cpu)} ms (goal: at most 20 ms); wall clock {spread(wall)} ms\n",
    ]


def form_and_post(server: Server) -> list[str]:
    _, _, form = fetch(server.url + "/consultation/")
    static = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', form)[1]
    pids = server.worker_pids()
    for path in (static, "/consultation/"):
        wrk(server.url + path, pids=pids, duration=2, headers=ENCODING)
    results = {"static": [], "form": [], "post": []}
    for run in range(1, RUNS + 1):
        print(f"run {run}/{RUNS}: static file, form ...", flush=True)
        results["static"].append(wrk(server.url + static, pids=pids, duration=DURATION))
        results["form"].append(wrk(server.url + "/consultation/", pids=pids, duration=DURATION))
    # More callers only now, after the form's runs: enough free times that no POST run ends
    # for want of one.
    schedule(callers=EXTRA_CALLERS_FOR_POSTS, first=CALLERS)
    for run in range(1, RUNS + 1):
        print(f"run {run}/{RUNS}: booking POST ...", flush=True)
        results["post"].append(post_run(server, pids, run))
    return report_load(results)


def post_run(server: Server, pids, run: int):
    from bookings import scheduling

    settle()
    cookie, token = csrf(server.url)
    slots, _ = scheduling.free_slots()
    bodies = [
        urllib.parse.urlencode(patient_form(token, f"post-{run}-{n}", slot.start), doseq=True)
        for n, slot in enumerate(slots[:MAX_BODIES])
    ]
    path = WORK / f"booking-bodies-{run}.txt"
    path.write_text("\n".join(bodies) + "\n")
    result = wrk(
        server.url + "/consultation/",
        pids=pids,
        duration=DURATION,
        script=ROOT / "bench" / "consultation_post.lua",
        script_args=(str(path), "2", f"csrftoken={cookie}"),
    )
    counts = re.search(r"POSTS stored=(\d+) failed=(\d+) exhausted=(\d+)", result.output)
    result.confirmed = int(counts[1])
    result.errors = int(counts[2]) + int(counts[3])
    result.failures = re.search(r"POSTS failed by status: (.*)", result.output)[1]
    return result


def settle() -> None:
    """Wait until the server has answered the POSTs still in flight when wrk stopped.

    Their bookings commit a moment later: free times read before that would hand a next run
    bodies for times already taken, and those would get the "just taken" page (409).
    """
    from bookings.models import ConsultationRequest

    stored, previous = ConsultationRequest.objects.count(), None
    while stored != previous:
        time.sleep(1)
        stored, previous = ConsultationRequest.objects.count(), stored


def patient_form(token: str, tag: str, start: datetime.datetime) -> dict:
    from bookings.forms import new_form_token
    from bookings.scheduling import CALL_TIME_FORMAT

    return {
        "csrfmiddlewaretoken": token,
        "first_name": "Bench",
        "last_name": tag,
        "email": f"{tag}@example.com",
        "phone": "503 555 0142",
        "preferred_contact": "call",
        "state": "OR",
        "conditions": "depression",
        "is_adult": "on",
        "consent": "on",
        "token": new_form_token(),
        "website": "",
        "call_at": start.astimezone(datetime.UTC).strftime(CALL_TIME_FORMAT),
    }


def report_load(results: dict) -> list[str]:
    from django.db.models import Count

    from bookings.models import CallBooking, ConsultationRequest

    static = statistics.median(r.rps for r in results["static"])
    lines = [
        "## Load (wrk -t2 -c16, median (min-max) of the runs)\n",
        f"The form's runs with {CALLERS} callers; the POST runs with "
        f"{CALLERS + EXTRA_CALLERS_FOR_POSTS} (each body books its own free time).\n",
        "| target | req/s | x static | p50 ms | p99 ms | server CPU ms/req | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, runs in (
        ("static CSS", results["static"]),
        ("form with free times (GET)", results["form"]),
        ("booking POST", results["post"]),
    ):
        rps = [r.rps for r in runs]
        lines.append(
            f"| {name} | {spread(rps, 0)} | {statistics.median(rps) / static:.3f} | "
            f"{spread([r.p50_ms for r in runs])} | {spread([r.p99_ms for r in runs])} | "
            f"{spread([r.cpu_ms for r in runs])} | {sum(r.errors for r in runs)} |"
        )
    # wrk stops with up to one request per connection still being answered: the server stores
    # those, but wrk never sees their confirmation. So a confirmed booking must be stored, and
    # at most that many more may be stored than were confirmed; none may be stored twice.
    posts = ConsultationRequest.objects.filter(last_name__startswith="post-")
    confirmed = sum(r.confirmed for r in results["post"])
    stored, booked = posts.count(), CallBooking.objects.filter(request__in=posts).count()
    twice = posts.values("last_name").annotate(n=Count("pk")).filter(n__gt=1).count()
    in_flight, most = stored - confirmed, CONNECTIONS * len(results["post"])
    lines += [
        "",
        "Goals: form 0.15x the static file; booking POST 0.04x with zero errors.",
        "POST answers other than the confirmation, by HTTP status, per run: "
        + "; ".join(r.failures for r in results["post"])
        + ".",
        f"Confirmed bookings: {confirmed:,}; requests stored: {stored:,}; calls booked: "
        f"{booked:,}; patients stored twice: {twice}; stored but not confirmed (answered "
        f"after wrk stopped, at most {most}): {in_flight}. Every "
        f"confirmed booking stored once: "
        f"{twice == 0 and stored == booked and 0 <= in_flight <= most}.\n",
    ]
    return lines


def csrf(base: str) -> tuple[str, str]:
    _, headers, page = fetch(base + "/consultation/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    return cookie, token


def race(base: str) -> list[str]:
    from bookings import scheduling
    from bookings.models import CallBooking, Caller

    # One caller only, so that one time is one call: the others stop taking calls.
    Caller.objects.exclude(user__username="bench-caller-0").update(active=False)
    when = scheduling.offer().times[-1]
    cookie, token = csrf(base)
    port = int(urllib.parse.urlsplit(base).port)
    forms = [patient_form(token, f"race-{n}", when) for n in range(RACERS)]
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        answers = list(pool.map(lambda form: post(port, cookie, form), forms))
    statuses = [status for status, _ in answers]
    kept = all(
        f'value="race-{n}"' in page for n, (status, page) in enumerate(answers) if status == 409
    )
    rows = CallBooking.objects.booked().filter(request__last_name__startswith="race-").count()
    Caller.objects.filter(user__username__startswith="bench-caller-").update(active=True)
    return [
        f"## {RACERS} patients picking the same time at once\n",
        f"- booked (302): {statuses.count(302)}; just taken (409): {statuses.count(409)}; "
        f"anything else: {len(statuses) - statuses.count(302) - statuses.count(409)}",
        f"- every just-taken page kept the patient's typing: {kept}; calls stored: {rows}",
    ]


def post(port: int, cookie: str, form: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        "/consultation/",
        body=urllib.parse.urlencode(form, doseq=True),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    )
    response = connection.getresponse()
    return response.status, html.unescape(response.read().decode())


def spread(values: list[float], digits: int = 2) -> str:
    return (
        f"{statistics.median(values):.{digits}f} "
        f"({min(values):.{digits}f}-{max(values):.{digits}f})"
    )


if __name__ == "__main__":
    sys.exit(main())
