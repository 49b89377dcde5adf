"""Browser tests: Playwright driving the system Chromium against pytest-django's live_server.

A missing Chromium skips these tests on a developer's machine with a loud reason; in CI
(CI=true) it is a failure.
"""

import os

import pytest

from .chromium import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are safe here because live_server serves from another thread. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + " - browser tests are mandatory in CI.", pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, page):
    """Return a helper that opens a path of the live site and records every request made."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    class Site:
        url = live_server.url
        seen = requests

        def open(self, path="/"):
            response = page.goto(live_server.url + path)
            return response

    return Site()
