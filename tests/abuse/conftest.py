"""A real gunicorn serving the site against the test database, for raw-HTTP abuse tests."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it listened")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {port} within {seconds} s")


class Server:
    """A running gunicorn: its port, and the log lines it wrote since the last look."""

    def __init__(self, port: int, log_path: Path):
        self.port = port
        self.log_path = log_path
        self._seen = 0

    def new_log(self) -> str:
        """Return what the server logged since the last call (waiting briefly for the flush)."""
        time.sleep(0.2)
        text = self.log_path.read_text(errors="replace")
        fresh, self._seen = text[self._seen :], len(text)
        return fresh


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start gunicorn (one worker) on a free port against the test database; stop it after."""
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}"
    )
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "gunicorn", "clinic_site.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--no-control-socket", "--timeout", "30"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_for_port(port, process)
        yield Server(port, log_path)
    finally:
        process.terminate()
        process.wait(timeout=20)
        with django_db_blocker.unblock():
            from axes.models import AccessAttempt, AccessLog

            AccessAttempt.objects.all().delete()  # the server's failed sign-ins, not the tests'
            AccessLog.objects.all().delete()
