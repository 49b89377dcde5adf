"""The pieces of the failure drill (scripts/drill.py): processes, PostgreSQL, SMTP sink, clients.

Everything listens on 127.0.0.1 only, and everything started is stopped by PID.
"""

import glob
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(port: int, path: str, seconds: float = 60) -> None:
    """Wait until GET path answers 200, or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"127.0.0.1:{port}{path} did not answer 200 within {seconds} s")


def get(port: int, path: str, headers: dict | None = None):
    """Return (status, headers, body text) of a GET."""
    return http_request(port, "GET", path, headers=headers)


def http_request(port: int, method: str, path: str, body: bytes = b"", headers=None):
    """Make one HTTP request on a fresh connection; return (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Supervisor:
    """Start processes in their own session, restart the ones marked restart=True, stop all."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.processes: dict[str, tuple] = {}  # name: (process, command, env, restart, before)
        self.restarts = Counter()
        self._stopping = False
        threading.Thread(target=self._watch, daemon=True).start()

    def start(self, name: str, command: list, env=None, restart=False, before_restart=None):
        """Start a process; with restart=True, run before_restart and start it again if it dies."""
        log = (self.tmp / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        self.processes[name] = (process, command, env, restart, before_restart)
        return process

    def _watch(self):
        """Restart a crashed process marked restart=True, as systemd's Restart=always would."""
        while not self._stopping:
            for name, (process, command, env, restart, before) in list(self.processes.items()):
                if restart and process.poll() is not None and not self._stopping:
                    self.restarts[name] += 1
                    if before:  # like systemd's ExecStartPre
                        subprocess.run(before, cwd=ROOT, env=env, capture_output=True, timeout=60)
                    self.start(name, command, env, restart, before)
            time.sleep(0.5)

    def kill_one_child(self, name: str) -> int:
        """SIGKILL one child (a gunicorn worker) of the named process; return its PID."""
        parent = self.processes[name][0].pid
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        pid = int(children[0])
        os.kill(pid, signal.SIGKILL)
        return pid

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self):
        """Stop every process: SIGTERM by PID, then SIGKILL whatever is left after 10 s."""
        self._stopping = True
        for process, *_ in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process, *_ in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Postgres:
    """A throwaway PostgreSQL cluster the drill can stop and start (run as `postgres` if root)."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.bin = find_pg_bindir()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.closed = False  # set once the drill is cleaning up: never start again after that

    def as_owner(self, command: list) -> list:
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.dir)], check=True)
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def init(self):
        self.dir.mkdir()
        command = [f"{self.bin}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        subprocess.run(
            self.as_owner([*command, "--encoding=UTF8", "--locale=C.UTF-8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self):
        if self.closed:
            return
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200"
        )
        command = [
            f"{self.bin}/pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-t",
            "30",
            "-l",
            str(self.dir / "server.log"),
            "-o",
            options,
            "start",
        ]
        subprocess.run(self.as_owner(command), check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode: str = "fast"):
        command = [f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"]
        subprocess.run(self.as_owner(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self, down_seconds: float):
        self.stop("fast")
        time.sleep(down_seconds)
        self.start()

    def stop_for_good(self):
        """Stop the cluster; if pg_ctl could not, kill the postmaster by the PID it recorded."""
        self.closed = True
        if not self.data.exists():
            return
        self.stop("immediate")
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def find_pg_bindir() -> str:
    """Return the directory of initdb/pg_ctl, as scripts/pg_common.sh finds it."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    try:
        candidates.append(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        )
    except OSError:
        pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and os.access(f"{candidate}/initdb", os.X_OK):
            return candidate
    raise SystemExit("PostgreSQL server programs not found: apt-get install postgresql")


class SmtpSink:
    """A minimal SMTP server that accepts every message, and can refuse connections for a while."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[tuple[list[str], bytes]] = []  # (recipients, message)
        self._listener = None
        self._lock = threading.Lock()

    def start(self):
        self.accept()

    def accept(self):
        """Listen (again) on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(50)
        self._listener = listener
        threading.Thread(target=self._serve, args=(listener,), daemon=True).start()

    def refuse(self):
        """Close the listening socket: new connections are refused until accept()."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            except OSError:
                pass
            listener.close()

    close = refuse

    def _serve(self, listener):
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # closed by refuse()
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        recipients = []
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 drill-sink ESMTP\r\n")
            for line in reader:
                verb = line[:4].upper()
                if verb == b"RCPT":
                    address = line.decode("ascii", "replace").split(":", 1)[-1]
                    recipients.append(address.strip().strip("<>").lower())
                    conn.sendall(b"250 ok\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 end with .\r\n")
                    self._read_message(reader, recipients)
                    recipients = []
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                elif verb == b"EHLO":
                    conn.sendall(b"250-drill-sink\r\n250 8BITMIME\r\n")
                else:
                    conn.sendall(b"250 ok\r\n")

    def _read_message(self, reader, recipients: list[str]):
        lines = []
        for line in reader:
            if line in (b".\r\n", b".\n"):
                break
            lines.append(line)
        with self._lock:
            self.messages.append((list(recipients), b"".join(lines)))

    def count_to(self, address: str) -> int:
        """Return how many messages were delivered to the address."""
        with self._lock:
            return sum(address.lower() in recipients for recipients, _ in self.messages)


class FormFiller(HTMLParser):
    """Collect the fields of the first POST form on a page and fill them with valid values."""

    honeypots = frozenset({"website"})

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.fields: dict[str, str] = {}
        self.in_form = self.done = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post" and not self.done:
            self.in_form = True
        if not self.in_form or ("name" not in attrs and tag != "option"):
            return
        name = attrs.get("name")
        kind = attrs.get("type", "text").lower()
        if name in self.honeypots:
            return  # a person never sees it, so leaves it empty
        if tag == "textarea":
            self.fields[name] = f"Drill message {self.marker}: I would like to ask about treatment."
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields.setdefault(self._select, attrs["value"])
        elif tag == "input" and kind == "radio":
            if self.fields.get(name) != "email":  # a person who gave an email picks it
                self.fields[name] = attrs.get("value", "on")
        elif tag == "input" and kind == "checkbox":
            self.fields.setdefault(name, attrs.get("value", "on"))
        elif tag == "input" and kind not in {"submit", "button", "image", "reset"}:
            self.fields[name] = attrs.get("value") or self.value_for(name, kind)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True

    def value_for(self, name: str, kind: str) -> str:
        if kind == "email" or "email" in name:
            return f"{self.marker.lower()}@example.com"
        if kind == "tel" or "phone" in name:
            return ""  # optional once there is an email
        if kind == "date":
            return time.strftime("%Y-%m-%d", time.localtime(time.time() + 7 * 86400))
        if kind == "number":
            return "1"
        return "Drill Patient"


MARKER = re.compile(r"DRILL-[0-9a-f]{12}")


class Clients:
    """Concurrent patients: each GETs the form, POSTs it with a unique marker, reads the answer."""

    def __init__(self, ports: list[int], count: int):
        self.ports = ports
        self.count = count
        self.outcomes: dict[str, str] = {}
        self.statuses = Counter()
        self._lock = threading.Lock()
        self._threads = []

    def start(self, duration: float):
        stop_at = time.monotonic() + duration
        for number in range(self.count):
            thread = threading.Thread(target=self._run, args=(number, stop_at), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self):
        for thread in self._threads:
            thread.join()

    def _run(self, number: int, stop_at: float):
        sent = 0
        while time.monotonic() < stop_at:
            marker = f"DRILL-{uuid.uuid4().hex[:12]}"
            port = self.ports[(number + sent) % len(self.ports)]
            ip = f"10.{number % 250}.{sent // 250 % 250}.{sent % 250 + 1}"
            outcome = self._submit(port, marker, ip)
            with self._lock:
                self.outcomes[marker] = outcome
            sent += 1

    def _record(self, status: int):
        with self._lock:
            self.statuses[status] += 1

    def _submit(self, port: int, marker: str, ip: str) -> str:
        try:
            return submit(port, marker, ip, self._record)
        except (OSError, http.client.HTTPException):
            return "no_response"


def submit(port: int, marker: str, ip: str, record=lambda status: None) -> str:
    """Submit one consultation request like a browser; return what the patient saw."""
    headers = {"X-Forwarded-For": ip}
    jar: dict[str, str] = {}
    status, response_headers, body = get(port, "/consultation/", headers)
    record(status)
    if status != 200:
        return "form_unavailable" if status == 503 else f"form_http_{status}"
    filler = FormFiller(marker)
    filler.feed(body)
    if "csrfmiddlewaretoken" not in filler.fields:
        return "no_form"
    keep_cookies(jar, response_headers)
    post_headers = {
        **headers,
        "Cookie": cookie_header(jar),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    payload = urlencode(filler.fields, doseq=True).encode()
    status, response_headers, body = http_request(
        port, "POST", "/consultation/", payload, post_headers
    )
    record(status)
    keep_cookies(jar, response_headers)
    return post_outcome(
        port, status, response_headers, body, {**headers, "Cookie": cookie_header(jar)}
    )


def keep_cookies(jar: dict[str, str], response_headers) -> None:
    """Store the cookies a response set, as a browser would."""
    for header in response_headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";")[0].partition("=")
        jar[name.strip()] = value.strip()


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def post_outcome(port, status, response_headers, body, headers) -> str:
    """Classify the answer to a submission as the patient would read it."""
    if status in (302, 303):
        location = urlsplit(response_headers["Location"])
        path = location.path + ("?" + location.query if location.query else "")
        final_status, _, _ = get(port, path, headers)
        if final_status == 200 and "/thanks/" in path:
            return "confirmed"
        return f"confirmation_http_{final_status}"
    if status == 503 and "could not save your request" in body:
        return "failed_clear"
    if status == 429:
        return "rate_limited"
    if status == 200:
        return "form_error"
    return f"http_{status}"


def rate_limit_check(ports: list[int], attempts: int = 30) -> dict:
    """Send a burst of submissions from one address, alternating instances; count the blocked."""
    outcomes, markers = Counter(), {}
    for number in range(attempts):
        marker = f"DRILL-{uuid.uuid4().hex[:12]}"
        try:
            markers[marker] = submit(ports[number % 2], marker, "203.0.113.77")
        except (OSError, http.client.HTTPException):
            markers[marker] = "no_response"
        outcomes[markers[marker]] += 1
    return {"attempts": attempts, "outcomes": outcomes, "markers": markers}


def stored_markers(database_url: str) -> dict[str, list[dict]] | None:
    """Return the stored rows for each marker, or None if there is no request table."""
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as connection:
        exists = connection.execute("SELECT to_regclass('bookings_consultationrequest')").fetchone()
        if exists[0] is None:
            return None
        rows = connection.execute(
            "SELECT row_to_json(r)::text FROM bookings_consultationrequest r"
        ).fetchall()
    stored: dict[str, list[dict]] = {}
    for (text,) in rows:
        for marker in set(MARKER.findall(text)):
            stored.setdefault(marker, []).append(json.loads(text))
    return stored


def wait_for_tasks(database_url: str, seconds: float = 60) -> Counter:
    """Wait until no notification task is waiting or running; return tasks by status."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            rows = connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        statuses = Counter(dict(rows))
        if statuses["READY"] + statuses["RUNNING"] == 0 or time.monotonic() > deadline:
            return statuses
        time.sleep(1)


STAFF_ADDRESS = "frontdesk@drill.example"


def check_results(clients: Clients, database_url: str, sink: SmtpSink, processes, limit) -> int:
    """Print the drill's counts; return the exit status (non-zero on loss, duplicates or 500s)."""
    tasks = wait_for_tasks(database_url)
    stored = stored_markers(database_url)
    outcomes = clients.outcomes
    confirmed = {m for m, outcome in outcomes.items() if outcome == "confirmed"}
    failed = {m for m, o in outcomes.items() if o in ("failed_clear", "form_unavailable")}
    server_errors = clients.statuses[500]
    say("\n== results")
    row("attempted", len(outcomes))
    row("confirmed (saw the confirmation page)", len(confirmed))
    row("failed with the clear 503 'call us' page", len(failed))
    for outcome, count in sorted(Counter(outcomes.values()).items()):
        if outcome not in ("confirmed", "failed_clear", "form_unavailable"):
            row(f"other outcome: {outcome}", count)
    row("HTTP statuses seen", dict(sorted(clients.statuses.items())))
    row("500 responses", server_errors)
    if stored is None:
        row("stored", "n/a: no consultation request table (bookings not installed)")
        say("\nINFRASTRUCTURE ONLY: no consultation form to submit to.")
        return 1 if server_errors else 0
    lost = confirmed - set(stored)
    duplicates = {m for m, rows in stored.items() if len(rows) > 1}
    row("stored (markers found in the database)", len(set(outcomes) & set(stored)))
    row("lost (confirmed but not stored)", len(lost))
    row("duplicates (stored more than once)", len(duplicates))
    row("failed page shown but stored anyway", len(failed & set(stored)))
    delivered, expected, repeated = notification_counts(stored, sink)
    row("notifications delivered / expected", f"{delivered} / {expected}")
    row("notification emails sent twice", repeated)
    row("notification tasks by status", dict(tasks))
    row("worker restarts by the supervisor", dict(processes.restarts) or 0)
    burst = limit["outcomes"]
    accepted = burst["confirmed"]
    row(
        "rate limit across both instances",
        f"{burst['rate_limited']} of {limit['attempts']} "
        f"blocked from one address, {accepted} accepted ({dict(burst)})",
    )
    problems = bool(lost or duplicates or server_errors or not burst["rate_limited"])
    say("\nFAILED" if problems else "\nPASSED: nothing lost, nothing duplicated, no 500s")
    return 1 if problems else 0


def notification_counts(stored: dict[str, list[dict]], sink: SmtpSink) -> tuple[int, int, int]:
    """Return (delivered, expected, sent twice) for the stored drill requests' emails."""
    rows = [r for rows in stored.values() for r in rows if r.get("status") != "spam"]
    expected = len(rows) + sum(1 for r in rows if r.get("email"))
    patient = [sink.count_to(r["email"]) for r in rows if r.get("email")]
    staff = sink.count_to(STAFF_ADDRESS)
    delivered = staff + sum(min(count, 1) for count in patient)
    repeated = sum(count - 1 for count in patient if count > 1) + max(0, staff - len(rows))
    return delivered, expected, repeated


def say(text: str) -> None:
    """Write a line of the drill's report to stdout straight away."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def row(label: str, value) -> None:
    say(f"   {label:<44} {value}")
