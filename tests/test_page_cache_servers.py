"""Two app servers (real gunicorn processes) share one page cache and see every edit at once."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from pages.models import PublishedVersion
from pages.review import publish_unreviewed
from tests.factories import make_article

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def cache_urls(kind: str) -> dict[str, str]:
    if kind == "redis":
        url = os.environ["TEST_REDIS_URL"]
        return {"CACHE_URL": f"{url}/0", "PAGE_CACHE_URL": f"{url}/1"}
    return {"CACHE_URL": "db://django_cache", "PAGE_CACHE_URL": "db://django_page_cache"}


def get(port: int, path: str) -> str:
    """GET a page from one server with the Host a load balancer would pass to every server."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def app_servers(shared_cache):
    """Start two gunicorn servers on the test database and the cache under test."""
    env = {
        **os.environ,
        **cache_urls(shared_cache),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "clinic_site.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--no-control-socket", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        servers.append((port, process))
    try:
        for port, process in servers:
            wait_until_answering(port, process)
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=10)


def wait_until_answering(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within 30 s")


def test_an_edit_shows_on_every_app_server_as_soon_as_it_commits(app_servers):
    first, second = app_servers
    article = make_article(title="Before the edit", slug="shared-page")
    path = article.get_absolute_url()
    assert "Before the edit" in get(first, path)

    # Changed without a signal: the second server answers from the page the first one kept.
    PublishedVersion.objects.filter(pk=article.live_id).update(title="Changed behind the cache")
    assert "Before the edit" in get(second, path)

    article.refresh_from_db()
    article.title = "After the edit"
    article.save()
    publish_unreviewed(article)  # commits at once here, emptying the shared page cache
    assert "After the edit" in get(first, path)
    assert "After the edit" in get(second, path)
