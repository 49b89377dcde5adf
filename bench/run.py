"""Benchmark the production-like server and print how each page compares to a static file.

Usage: make bench   (or: scripts/with_postgres.sh .venv/bin/python bench/run.py)

What it does, from a fresh clone:
1. Installs wrk if missing (apt-get, as root) and uses the PostgreSQL in DATABASE_URL
   (`make bench` starts a throwaway cluster and removes it afterwards).
2. Starts `scripts/serve.sh` (gunicorn, 2 gthread workers, DEBUG off, whitenoise, persistent
   database connections) on a free port; it migrates and loads the starter content.
3. Adds 100,000 consultation requests spread over two years with realistic statuses.
4. Warms every target, then loads each with `wrk -t2 -c16 -d10s` three times, round-robin:
   the reference (a hashed static CSS file from the same server), home, article list, one
   article, search, the consultation form (GET) and a valid consultation POST (wrk Lua
   script; each body has its own signed form token from the app's `new_form_token()` and
   the CSRF cookie and token from one real GET of the form).
   For the bench only, the per-visitor limit and the minimum fill time of the form are
   relaxed (CONSULTATION_RATE_LIMIT, CONSULTATION_MIN_FILL_SECONDS); the table says so.
5. Measures the logged-in admin inbox (single-user p50 over 30 requests, SQL query count),
   SQL queries per public page, the inbox search query plans, worker memory, POST rows
   stored exactly once, and the article's page weight in Chromium (first and repeat visit).
6. Prints a table (median (min-max) of three runs; server CPU from /proc of the workers) and
   writes it to bench/results/<date>-<machine>.md.
Everything it starts is stopped by PID, also on Ctrl-C. Never part of `make test`.

`--only WORD[,WORD]` loads only the targets whose name holds one of the words (plus the static
reference, for the ratio) and skips the checks after the load: a quick before/after of one page.
It writes no results file.
"""

import datetime
import os
import platform
import re
import socket
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import ensure_wrk, rss_mb, wrk
from report import Report, Target
from server import ROOT, WORK, Server

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
MAX_POSTS_PER_SECOND = 1500  # POST bodies are built ahead for this rate (each is used once)
REQUESTS = int(os.environ.get("BENCH_CONSULTATION_REQUESTS", "100000"))
ENCODING = {"Accept-Encoding": "gzip, br"}
BENCH_ENV = {
    "SECRET_KEY": "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "CONSULTATION_RATE_LIMIT": "off",
    "CONSULTATION_MIN_FILL_SECONDS": "0",
    "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
}
RELAXED = (
    "CONSULTATION_RATE_LIMIT=off and CONSULTATION_MIN_FILL_SECONDS=0 for the bench "
    "(all load comes from one address, faster than a person types)"
)


def main(argv: list[str]) -> int:
    only = _only(argv)
    ensure_wrk()
    os.environ.update(BENCH_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import data

    with Server(BENCH_ENV) as server:
        from bookings.models import SchedulingSettings

        # The callback form, as a clinic without online booking has it (the demo's sample
        # caller switches booking on): `make bench-scheduling` measures the form with times.
        SchedulingSettings.objects.filter(pk=1).update(enabled=False)
        report = Report(machine=machine(), relaxed=RELAXED)
        targets = discover(server.url)
        if only:
            targets = [t for t in targets if t is targets[0] or any(w in t.name for w in only)]
        if data.bookings_ready():
            print(f"Adding {REQUESTS:,} consultation requests ...", flush=True)
            total = data.generate_requests(REQUESTS)
            report.notes.append(f"Consultation requests in the database: {total:,}")
        measure_load(server, targets, report)
        if only:
            print("\n" + "\n".join(report._table()))
            return 0
        measure_in_process(server, targets, report)
        for pid in server.worker_pids():
            report.worker_rss.append(rss_mb(pid))
        measure_weight(server, targets, report)
    text = report.render()
    print("\n" + text)
    out = results_path(f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}-{socket.gethostname()}")
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}")
    return 0


def _only(argv: list[str]) -> list[str]:
    """Return the words of `--only a,b` (none: every target)."""
    if "--only" not in argv:
        return []
    words = argv[argv.index("--only") + 1 :][:1]
    return [w.strip() for w in ",".join(words).split(",") if w.strip()]


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{socket.gethostname()}, {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, commit {commit or '?'}, "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"
    )


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), ""


def discover(base: str) -> list[Target]:
    """Return the targets this build has, the static reference first."""
    _, _, home = fetch(base + "/")
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
    targets = [Target("static CSS (reference)", css[1]), Target("home", "/")]
    _, _, learn = fetch(base + "/learn/")
    articles = [p for p in re.findall(r'href="(/learn/[a-z0-9-]+/)"', learn) if "search" not in p]
    targets.append(Target("article list", "/learn/"))
    if articles:
        targets.append(Target("article", articles[0]))
    if fetch(base + "/learn/search/?q=ketamine")[0] == 200:
        search = "/learn/search/?q=ketamine"
        targets.append(Target("search", search, script="unique_query.lua"))
    targets.append(Target("consultation form GET", "/consultation/"))
    import data

    if data.bookings_ready():
        targets.append(Target("consultation POST", "/consultation/", post=True))
    return targets


def post_script(base: str, run: int) -> Path:
    """Write this run's POST bodies and return the path; set the cookie for the Lua script."""
    import data

    _, headers, html = fetch(base + "/consultation/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    path = WORK / f"post-bodies-{run}.txt"
    # More bodies than the server can take in DURATION: a run that runs out reuses the last
    # one (a repeat, not a new request) and counts it as an error ("exhausted").
    path.write_text("\n".join(data.form_bodies(MAX_POSTS_PER_SECOND * DURATION, token, run)) + "\n")
    return path, f"csrftoken={cookie}"


def results_path(stem: str) -> Path:
    """Return bench/results/<stem>.md, or <stem>-2.md ... when earlier runs that day exist."""
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path, number = folder / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.md"
    return path


def measure_load(server: Server, targets: list[Target], report: Report) -> None:
    """Warm up, then run every target RUNS times round-robin."""
    import data

    pids = server.worker_pids()
    for target in targets:
        if not target.post:
            wrk(server.url + target.path, pids=pids, duration=2, headers=ENCODING)
    for run in range(1, RUNS + 1):
        for target in targets:
            print(f"run {run}/{RUNS}: {target.name} ...", flush=True)
            data.settle_database()
            if target.post:
                bodies, cookie = post_script(server.url, run)
                before = data.consultation_count()
                result = wrk_post(server, pids, bodies, cookie)
                target.post_rows += data.consultation_count() - before
            else:
                script = ROOT / "bench" / target.script if target.script else None
                url = server.url + target.path
                result = wrk(url, pids=pids, duration=DURATION, headers=ENCODING, script=script)
            target.runs.append(result)
            print(f"  {result.rps:.0f} req/s, {result.cpu_ms:.2f} ms CPU/req", flush=True)
    report.targets = targets


def wrk_post(server: Server, pids: list[int], bodies: Path, cookie: str):
    """Run the POST script; its own count of confirmed requests replaces wrk's error count."""
    result = wrk(
        server.url + "/consultation/",
        pids=pids,
        duration=DURATION,
        script=ROOT / "bench" / "consultation_post.lua",
        script_args=(str(bodies), "2", cookie),
    )
    counts = re.search(r"POSTS stored=(\d+) failed=(\d+) exhausted=(\d+)", result.output)
    result.confirmed = int(counts[1])
    result.errors = int(counts[2]) + int(counts[3])
    return result


def measure_in_process(server: Server, targets: list[Target], report: Report) -> None:
    """Count SQL queries per page and in the inbox, time the inbox, explain its searches."""
    import data
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    for target in targets:
        if target.post or target.path.startswith("/static/"):
            continue
        caches[settings.CACHE_MIDDLEWARE_ALIAS].clear()
        client = Client()
        rendered = data.count_queries(client, target.path)
        cached = data.count_queries(client, target.path)
        target.queries = (rendered[1:], cached[1:])
    if not data.bookings_ready():
        return
    report.exactly_once = exactly_once(server.url)
    inbox = f"/{settings.ADMIN_PATH}bookings/consultationrequest/"
    staff = data.staff_client()
    report.inbox_status, report.inbox_queries, _ = data.count_queries(staff, inbox)
    report.inbox_p50 = inbox_p50(
        server.url + inbox, staff.cookies[settings.SESSION_COOKIE_NAME].value
    )
    for label, term in (
        ("email", "person4242@example.com"),
        ("phone", "+15035554242"),
        ("reference", data._reference(4242)),
    ):
        report.plans[label] = data.explain_search(staff, inbox, term)


def exactly_once(base: str, count: int = 30) -> tuple[int, int, int, int]:
    """Send `count` new requests, each submitted twice (a double click), one at a time.

    Return (POSTs answered with the confirmation redirect, rows added, notification tasks
    queued, POSTs sent).
    """
    import http.client

    import data

    _, headers, html = fetch(base + "/consultation/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    rows, tasks = data.consultation_count(), data.queued_task_count()
    confirmed = 0
    host, port = base.removeprefix("http://").split(":")
    for body in data.form_bodies(count, token, run=0):
        for _ in range(2):
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("POST", "/consultation/", body, {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            })  # fmt: skip
            response = connection.getresponse()
            confirmed += response.status == 302
            connection.close()
    added = data.consultation_count() - rows
    return confirmed, added, data.queued_task_count() - tasks, 2 * count


def inbox_p50(url: str, session: str, count: int = 30) -> float:
    """Return the median time of `count` sequential inbox requests, in ms."""
    import statistics
    import time
    import urllib.request

    from django.conf import settings

    times = []
    for _ in range(count + 3):
        request = urllib.request.Request(
            url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[3:])


def measure_weight(server: Server, targets: list[Target], report: Report) -> None:
    import weight

    article = next((t for t in targets if t.name == "article"), None) or targets[1]
    report.weight_path = article.path
    report.first_visit, report.repeat_visit = weight.page_weight(server.url + article.path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
