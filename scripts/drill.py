#!/usr/bin/env python3
"""The failure drill (`make drill`): prove no consultation request is lost under load and faults.

What it starts, all on 127.0.0.1 and all stopped again by PID when it ends (also on Ctrl-C):
a throwaway PostgreSQL cluster it controls, Redis on a free port (or the database cache when
`redis-server` is missing), two gunicorn instances of the site (2 workers each) sharing them,
the notification worker (`manage.py db_worker`) and a local SMTP sink.

Then, for --duration seconds, --clients threads submit valid consultation requests (each with a
unique marker in its message) to both instances, while the drill SIGKILLs one gunicorn worker,
makes the SMTP sink refuse connections for 20 s and restarts PostgreSQL once. Afterwards it
checks the database and prints: attempted, confirmed, stored, failed-with-clear-error, lost,
duplicates, 500s, notifications delivered vs expected, and whether the rate limit held across
both instances. It exits non-zero if anything was lost or duplicated or any 500 was served.

Usage: .venv/bin/python scripts/drill.py [--duration 60] [--clients 8]
Its parts: drill_services.py (what it starts), drill_clients.py (the patients), drill_results.py.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from drill_clients import Clients, rate_limit_check, wait_for_http
from drill_results import check_results, say
from drill_services import ROOT, Postgres, SmtpSink, Supervisor, free_port

PY = str(ROOT / ".venv" / "bin" / "python")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="clinic-drill."))
    tmp.chmod(0o755)
    processes = Supervisor(tmp)
    postgres = Postgres(tmp)
    sink = SmtpSink()
    try:
        env = start_services(tmp, processes, postgres, sink)
        return run_drill(args, env, processes, postgres, sink)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted: stopping everything the drill started\n")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut cleanup short
        processes.stop_all()
        sink.close()
        postgres.stop_for_good()
        shutil.rmtree(tmp, ignore_errors=True)


def start_services(tmp: Path, processes: Supervisor, postgres: Postgres, sink: SmtpSink) -> dict:
    """Start PostgreSQL, Redis, the SMTP sink, prepare the database; return the site's env."""
    step("PostgreSQL (throwaway cluster)")
    postgres.init()
    postgres.start()
    cache_url = "db://django_cache"
    if shutil.which("redis-server"):
        step("Redis")
        redis_port = free_port()
        processes.start(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        )
        cache_url = f"redis://127.0.0.1:{redis_port}/0"
    else:
        step("redis-server not found: using the database cache (CACHE_URL=db://)")
    sink.start()
    env = site_env(tmp, postgres.url, cache_url, sink.port)
    step("migrate, cache table, starter content, collectstatic")
    for command in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["load_starter_content"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run(
            [PY, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
    return env


def site_env(tmp: Path, database_url: str, cache_url: str, smtp_port: int) -> dict:
    """Return production-like settings for the site, pointed at the drill's services."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="clinic_site.settings",
        DEBUG="false",
        SECRET_KEY="drill-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DB_CONNECT_TIMEOUT="2",
        CACHE_URL=cache_url,
        SECURE_SSL_REDIRECT="false",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="5",
        CONSULTATION_TRUSTED_PROXY_COUNT="1",  # the drill's clients each claim an address
        CONSULTATION_MIN_FILL_SECONDS="0",  # the drill's patients type instantly, not bots
        NOTIFICATION_RETRY_SECONDS="2",  # retry mail every 2, 4, 8 ... s, not minutes
        STAFF_NOTIFICATION_EMAIL="frontdesk@drill.example",
        LOG_LEVEL="WARNING",
    )
    return env


def run_drill(args, env: dict, processes: Supervisor, postgres: Postgres, sink: SmtpSink) -> int:
    """Start the site, load it while injecting faults, then check and print the results."""
    ports = [free_port(), free_port()]
    for number, port in enumerate(ports, 1):
        step(f"gunicorn instance {number} on 127.0.0.1:{port} (2 workers)")
        processes.start(
            f"gunicorn-{number}",
            [
                PY,
                "-m",
                "gunicorn",
                "clinic_site.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
                "--timeout",
                "30",
            ],
            env=env,
        )
    for port in ports:
        wait_for_http(port, "/healthz")
    step("notification worker (db_worker)")
    processes.start(
        "worker",
        [PY, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
        env=env,
        restart=True,
        # One worker: whatever it left RUNNING when it crashed goes back in the queue.
        before_restart=[PY, "manage.py", "requeue_stuck_tasks", "--older-than", "0"],
    )
    clients = Clients(ports, count=args.clients)
    step(f"load: {args.clients} clients for {args.duration} s, with faults")
    faults = threading.Thread(
        target=inject_faults, args=(args.duration, processes, postgres, sink), daemon=True
    )
    clients.start(args.duration)
    faults.start()
    clients.join()
    faults.join()
    step("waiting for the worker to deliver the notifications")
    limit = rate_limit_check(ports)
    return check_results(clients, postgres.url, sink, processes, limit)


def inject_faults(duration: int, processes: Supervisor, postgres: Postgres, sink: SmtpSink):
    """Kill a gunicorn worker, stop the mail server for 20 s and restart PostgreSQL once."""
    time.sleep(duration * 0.15)
    pid = processes.kill_one_child("gunicorn-1")
    event(f"SIGKILL gunicorn-1 worker pid {pid}")
    time.sleep(duration * 0.1)
    sink.refuse()
    event("SMTP sink refusing connections (20 s)")
    time.sleep(duration * 0.15)
    event("PostgreSQL restarting (fast shutdown, 3 s down)")
    postgres.restart(down_seconds=3)
    event("PostgreSQL back")
    time.sleep(max(0.0, 20 - duration * 0.15 - 3))
    sink.accept()
    event("SMTP sink accepting again")


START = time.monotonic()


def step(message: str) -> None:
    say(f"== {message}")


def event(message: str) -> None:
    say(f"   [{time.monotonic() - START:6.1f}s] {message}")


if __name__ == "__main__":
    sys.exit(main())
